# title: Too many readers on one shard
# summary: A shard serves five GetRecords calls a second in all, shared by everyone reading it. One reader polling five times a second takes them all; five of them throttle each other.
# goal: Explain why readers of one shard throttle each other at five GetRecords calls a second in all, and relieve it with fewer or slower readers.
step "One reader"
aws kinesis create-stream --stream-name feed --shard-count 1
aws kinesis wait stream-exists --stream-name feed
producer add p --stream feed --rate 100
consumer add c1 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
wait 20s
say "c1 calls GetRecords every 200 ms: five calls a second. It is never throttled, but it uses the whole of the shard's five read calls a second, leaving none for any other reader. Readers that share a shard should each poll it about once a second, as Firehose (1 s) and the KCL (1 to 1.5 s) do."
expect $(sim describe --query consumers.c1.read_throttles) == 0

step "Four more readers"
ask "Four more readers poll the same shard five times a second each. What happens?" "Each gets five reads a second" "The shard serves five reads a second in all; the rest are refused" "The shard serves 25 reads a second but slower" answer 2 because "The five GetRecords calls a second are the shard's, shared by everyone who reads it."
consumer add c2 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c3 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c4 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
consumer add c5 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
wait until read-throttled feed --timeout 1m
wait 30s
say "Together they ask for 25 reads a second. The shard serves 5 and refuses the rest with ProvisionedThroughputExceededException."
expect $(sim describe --query consumers.c2.read_throttles) > 10
expect $(sim describe --query consumers.c1.read_throttles) > 10
expect $(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded') > 100

step "Fewer, slower readers"
consumer remove c3
consumer remove c4
consumer remove c5
say "Read less often: KCL 2.x, when it polls, waits 1.5 s between reads of a shard (KCL 1.x: 1 s). Or give each application its own 2 MiB/s per shard with enhanced fan-out, which does not use the five GetRecords calls; KCL 2.x and 3.x read with enhanced fan-out unless told to poll."
