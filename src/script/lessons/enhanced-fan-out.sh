# title: Enhanced fan-out
# summary: Readers that poll a shard share its 5 GetRecords calls and 2 MB a second, so every reader you add slows the others. An enhanced fan-out consumer has records pushed to it over a subscription with its own 2 MiB a second per shard, in about 70 ms.
# goal: Tell when the readers of a shard throttle each other, and relieve them by moving readers to enhanced fan-out.
step "Five readers, one shard"
show stream producers charts
aws kinesis create-stream --stream-name orders --shard-count 1
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 300 --size 1000 --keys uniform:1000
consumer add r1 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 900ms
consumer add r2 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 900ms
consumer add r3 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 900ms
consumer add r4 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 900ms
point shard shardId-000000000000
say "One shard taking 300 records a second of about 1 KB: 0.3 MB/s. Four applications read it, each polling GetRecords every 0.9 s: 4.4 calls and 1.2 MB a second, within the 5 calls and 2 MB a second a shard gives all its readers together."
ask "A fifth polling reader, r5, joins. What happens?" "Nothing: each reader has its own 5 calls a second" "The five now make 5.6 calls a second, more than the shard gives: calls are refused, whoever makes them, and every reader waits longer" "Only r5 is refused" answer 2 because "A shard's read limits are shared by every reader that polls it. Five readers polling every 0.9 s make more calls than the shard's 5 a second, so some are refused (ReadProvisionedThroughputExceeded), whoever makes them; a refused reader waits and retries, and its records reach it later."
consumer add r5 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --idle 900ms
wait 10s
START=$(sim describe --query 'sum(consumers.*.read_throttles)')
wait 60s
FIVE=$(sim describe --query "sum([sum(consumers.*.read_throttles), to_number('-$START')])")
expect $FIVE > 0
point chart latency
say "$FIVE calls refused in that minute: the lane's reads are refused (red), and on this chart the five readers get their records later than four did: a refused call waits for the next try. AWS documents about 200 ms of average latency for one polling reader and about 1,000 ms for five."

step "A pipe of its own"
ask "A sixth reader, fast, reads with enhanced fan-out. What happens to it, and to the five?" "It is refused like them: six readers share the shard" "It gets every record in well under a second, never refused; the five go on as before" "It takes the five's share and they stop" answer 2 because "An enhanced fan-out consumer is registered with the stream (RegisterStreamConsumer) and subscribes to the shard (SubscribeToShard). The shard pushes records to it from a 2 MiB/s of its own, about 70 ms after they arrive, without any GetRecords call: the five pollers' limits are untouched."
task "Add a fan-out reader: in the console, type consumer add fast --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --efo" until $(sim describe --query 'consumers.fast.retrieval || `none`') == fan-out --hint-after 30s "Type the line exactly as shown in the console and press Enter." --show "consumer add fast --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --efo"
wait 30s
FAST_LATENCY=$(sim describe --query consumers.fast.delivery_latency_ms_mean)
sim describe --query 'consumers.fast.{records: records, throttled: read_throttles, latency_ms: delivery_latency_ms_mean, subscriptions: subscriptions}'
expect $(sim describe --query consumers.fast.read_throttles) == 0
expect $(sim describe --query consumers.fast.records) > 0
expect $FAST_LATENCY < 200
point consumer fast
say "fast waited for its stream consumer to turn ACTIVE, then subscribed. Its pipe under the lane has a gauge of its own 2 MiB/s, beside the shared read gauges, and its records reach it $FAST_LATENCY ms after their put on average: no polling interval, no refusals. A subscription lasts 5 minutes; the reader then subscribes again from where it stopped."

step "Relieve the pollers"
ask "How could the five pollers stop being refused without a new shard?" "Move one polling reader to enhanced fan-out" "Poll more often" "They cannot: five readers is too many" answer 1 because "Four polling readers ask for 4.4 calls and 1.2 MB a second, within the shard's 5 calls and 2 MB. Each reader moved to fan-out takes its reads off the shared limits."
task "Remove r5, a polling reader: in the console, type consumer remove r5" until $(sim describe --query 'consumers.r5.retrieval || `gone`') == gone --hint-after 30s "Type the line exactly as shown in the console and press Enter." --show "consumer remove r5"
task "Add r5 back as a fan-out reader: consumer add r5 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --efo" until $(sim describe --query 'consumers.r5.retrieval || `none`') == fan-out --hint-after 30s "The same line as before with --efo at the end." --show "consumer add r5 --stream orders --shard-id shardId-000000000000 --shard-iterator-type LATEST --efo"
wait 30s
START=$(sim describe --query 'sum(consumers.*.read_throttles)')
wait 60s
FOUR=$(sim describe --query "sum([sum(consumers.*.read_throttles), to_number('-$START')])")
expect $FOUR < $FIVE
say "Refused calls in a minute: $FIVE with five pollers, $FOUR with four (a few when their calls happen to bunch up). Four polling readers fit the shard's shared limits again, and r5 and fast read from pipes of their own. Fan-out is not free: each consumer is billed per shard-hour and per GB it receives (the cost meter in the bar lists 'fan-out consumer-shard-hours')."
recap "Polling readers of a shard share its 5 GetRecords calls and 2 MB a second: past a few readers they refuse each other and wait. An enhanced fan-out consumer (RegisterStreamConsumer, then SubscribeToShard) gets its own 2 MiB a second per shard, pushed about 70 ms after the put, and leaves the shared limits to the pollers. The KCL reads with fan-out unless given a PollingConfig; fan-out costs per consumer-shard-hour and per GB."
