# title: Too many readers on one shard
# summary: A shard serves five GetRecords calls a second in all, shared by everyone reading it. One reader polling five times a second takes them all; a second one like it and they throttle each other.
# goal: Explain why readers of one shard throttle each other at five GetRecords calls a second in all, and relieve it with fewer or slower readers.
show stream console
step "One reader"
aws kinesis create-stream --stream-name feed --shard-count 1
aws kinesis wait stream-exists --stream-name feed
producer add p --stream feed --rate 100
consumer add c1 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
wait 20s
point consumer c1
say "c1 calls GetRecords every 200 ms: five calls a second. It is never throttled, but it uses the whole of the shard's five read calls a second, leaving none for any other reader. Readers that share a shard should each poll it about once a second, as Firehose (1 s) and the KCL (1 to 1.5 s) do."
expect $(sim describe --query consumers.c1.read_throttles) == 0

step "A second reader"
ask "A second reader, c2, polls the same shard five times a second too. What happens?" "Each gets its five reads a second" "The shard serves five reads a second in all and refuses the rest, from both readers" "The shard serves ten reads a second, but more slowly" answer 2 because "The five GetRecords calls a second are the shard's, shared by everyone who reads it: two readers asking for ten get five between them."
consumer add c2 --stream feed --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON
wait until read-throttled feed --timeout 1m
wait 30s
say "Together they ask for 10 reads a second. The shard serves 5 and refuses the rest with ProvisionedThroughputExceededException: both readers get refusals, and each refused call delays what that reader sees."
expect $(sim describe --query consumers.c2.read_throttles) > 10
expect $(sim describe --query consumers.c1.read_throttles) > 10
expect $(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded') > 100

step "Fewer readers"
point consumer c2
task "Take c2 off the shard: in the console, type consumer remove c2" until $(sim describe --query 'length(consumers)') < 2 --hint-after 20s "consumer remove c2 stops it and removes it." --show "consumer remove c2"
wait 2s
BEFORE=$(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded')
wait 10s
expect $(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded') == $BEFORE
say "One reader, five calls a second: no more refusals."

step "Slower readers"
ask "Instead of one fast reader, four readers each poll the shard once a second. Are they throttled?" "Yes: four readers are too many for one shard" "No: four calls a second in all, under the shard's five" answer 2 because "What the shard counts is calls a second, not readers: four readers at one call a second each ask for four."
consumer remove c1
consumer add r1 --stream feed --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 1s
consumer add r2 --stream feed --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 1s
consumer add r3 --stream feed --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 1s
consumer add r4 --stream feed --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 1s
BEFORE=$(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded')
wait 30s
expect $(sim describe --query 'streams.feed.shards[0].totals.ReadProvisionedThroughputExceeded') == $BEFORE
say "No refusals. KCL 2.x, when it polls, waits 1.5 s between reads of a shard (KCL 1.x: 1 s). Or give each application its own 2 MiB/s per shard with enhanced fan-out, which does not use the five GetRecords calls; KCL 2.x and 3.x read with enhanced fan-out unless told to poll."
recap "A shard serves five GetRecords calls a second, shared by every reader of it: one reader polling five times a second takes them all, and two such readers throttle each other. Have each reader poll about once a second, read with fewer readers, or give each application enhanced fan-out, which has its own throughput per shard."
