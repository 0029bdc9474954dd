# The page's largest scenario (scripts/measure-page benches/page-scenario-1000.sh), as issue 20
# states it: a 1,000-shard stream taking 1,000,000 records a second from four producers
# (250,000 each; the scenario language allows up to 1,000,000 records a second and 200,000 keys
# per producer, and 10,000 shards a stream), and one KCL application with sixteen workers.
# Evenly spread keys keep every shard at about 1,000 records a second, its limit: the page has
# to draw a full stream. Natively the model simulates it at about half real time (issue 20).
aws kinesis create-stream --stream-name huge --shard-count 1000
aws kinesis wait stream-exists --stream-name huge
producer add clicks --stream huge --rate 250000 --keys uniform:200000
producer add orders --stream huge --rate 250000 --keys uniform:200000 --size 100-300
producer add views --stream huge --rate 250000 --keys uniform:200000
producer add sensors --stream huge --rate 250000 --keys uniform:200000
kcl app add readers --stream huge --workers 16 --initial-position LATEST --checkpoint every:5000
say "The largest scenario: 1,000 shards, 1,000,000 records a second from four producers, one KCL application."
