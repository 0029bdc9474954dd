# The page's performance scenario (measured by scripts/measure-page): a 16-shard stream, three
# producers sending 5,000 records a second in total (one with a hot key), and a KCL
# application with four workers.
aws kinesis create-stream --stream-name perf --shard-count 16
aws kinesis wait stream-exists --stream-name perf
producer add clicks --stream perf --rate 2500 --keys uniform:10000
producer add orders --stream perf --rate 1500 --keys zipf:1.1:5000 --size 200-800
producer add viral --stream perf --rate 1000 --keys hot:user-42:0.8:1000
kcl app add readers --stream perf --workers 4 --initial-position TRIM_HORIZON --checkpoint every:1000
say "The performance scenario: 16 shards, 5,000 records a second from three producers, four KCL workers."
