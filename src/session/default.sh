# The opening scene: a 4-shard stream, three producers (one of them sends a hot key) and a
# KCL application with three workers (KCL 3.x, the default of kcl app add: a leader assigns the
# leases by load, as the KCL panel explains). Watch shard 1: user-42 hashes into it.
aws kinesis create-stream --stream-name orders --shard-count 4
aws kinesis wait stream-exists --stream-name orders
producer add web --stream orders --rate 1200 --keys uniform:5000
producer add mobile --stream orders --rate 600 --keys zipf:1.1:2000 --size 200-800
producer add viral --stream orders --rate 900 --keys hot:user-42:0.9:100 --retry none
kcl app add analytics --stream orders --workers 3 --initial-position LATEST --checkpoint every:500
say "Four shards split the hash key space evenly. Producers web and mobile spread their records over thousands of partition keys; viral sends 90% of its 900 records a second with one key, user-42."
say "MD5 puts every user-42 record in shardId-000000000001, so that shard is asked for about 1,350 records a second. It takes 1,000 and refuses the rest with ProvisionedThroughputExceededException: the red lane."
say "Try it: split shard 1 in half, turn viral's rate down, or click a dot to see why it went where it did. The lessons are below."
