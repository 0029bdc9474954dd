# The page's big-stream scenario (scripts/measure-page benches/page-scenario-64.sh), as issue 20
# states it: a 64-shard stream, four producers sending 20,000 records a second in total (one
# with a hot key), and two KCL applications reading it (eight and four workers).
aws kinesis create-stream --stream-name big --shard-count 64
aws kinesis wait stream-exists --stream-name big
producer add clicks --stream big --rate 8000 --keys uniform:100000
producer add orders --stream big --rate 6000 --keys zipf:1.1:50000 --size 200-800
producer add views --stream big --rate 4000 --keys uniform:20000
producer add viral --stream big --rate 2000 --keys hot:user-42:0.3:1000
kcl app add billing --stream big --workers 8 --initial-position TRIM_HORIZON --checkpoint every:1000
kcl app add audit --stream big --workers 4 --initial-position LATEST --checkpoint every:5000
say "The big-stream scenario: 64 shards, 20,000 records a second from four producers, two KCL applications."
