# title: Enhanced fan-out
# summary: Applications that poll a shard share its 5 GetRecords calls and 2 MB a second, so every application you add slows the others. With enhanced fan-out each application has records pushed to it over a subscription with its own 2 MiB a second per shard, in about 70 ms.
# goal: Tell when the applications reading a shard throttle each other, and relieve them by moving them to enhanced fan-out.
step "Five applications, one shard"
show stream kcl charts
aws kinesis create-stream --stream-name orders --shard-count 1
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 300 --size 1000 --keys uniform:1000
kcl app add a1 --stream orders --retrieval polling --idle 900ms
kcl app add a2 --stream orders --retrieval polling --idle 900ms
kcl app add a3 --stream orders --retrieval polling --idle 900ms
kcl app add a4 --stream orders --retrieval polling --idle 900ms
wait 30s
point shard shardId-000000000000
say "One shard taking 300 records a second of about 1 KB: 0.3 MB/s. Four KCL applications read it, each polling GetRecords every 0.9 s (--retrieval polling, with idleTimeBetweenReadsInMillis 900): 4.4 calls and 1.2 MB a second, within the 5 calls and 2 MB a second a shard gives all its readers together."
ask "A fifth polling application, a5, starts. What happens?" "Nothing: each application has its own 5 calls a second" "The five now make 5.6 calls a second, more than the shard gives: calls are refused, whoever makes them, and every application waits longer" "Only a5 is refused" answer 2 because "A shard's read limits are shared by every reader that polls it. Five applications polling every 0.9 s make more calls than the shard's 5 a second, so some are refused (ReadProvisionedThroughputExceeded), whoever makes them; a refused reader waits and tries again, and its records reach it later."
kcl app add a5 --stream orders --retrieval polling --idle 900ms
wait 20s
START=$(sim describe --query 'sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded)')
wait 60s
FIVE=$(sim describe --query "sum([sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded), to_number('-$START')])")
expect $FIVE > 0
point chart latency
say "$FIVE calls refused in that minute: the lane's reads are refused (red), and on this chart every application gets its records about half a second after their put, more when its call is refused. AWS documents about 200 ms of average latency for one polling reader and about 1,000 ms for five."

step "One application on fan-out"
ask "a1 is redeployed to read with enhanced fan-out. What happens to a1, and to the four still polling?" "a1 is refused like the others: five applications share the shard" "a1 gets its records in about 70 ms, never refused, and the four left share the shard's calls with fewer refusals" "a1 takes the others' share and they stop" answer 2 because "A fan-out application registers a stream consumer (RegisterStreamConsumer) and each shard consumer subscribes to its shard (SubscribeToShard). The shard pushes records to it from a 2 MiB/s of its own, about 70 ms after they arrive, without any GetRecords call: the four pollers keep the shared 5 calls a second for themselves, 4.4 of them."
task "Redeploy a1 with enhanced fan-out: in the console, type kcl app set a1 --retrieval fan-out" until $(sim describe --query 'apps.a1.retrieval') == fan-out --hint-after 30s "Type the line exactly as shown in the console and press Enter." --show "kcl app set a1 --retrieval fan-out"
wait 20s
START=$(sim describe --query 'sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded)')
wait 60s
FOUR=$(sim describe --query "sum([sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded), to_number('-$START')])")
expect $FOUR < $FIVE
expect $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.ConsumerCount) == 1
point shard shardId-000000000000
say "a1's workers restarted and resumed from their checkpoints, a1 registered its stream consumer, and its pipe is under the lane with a gauge of its own 2 MiB/s. Refused calls in a minute: $FIVE with five pollers, $FOUR with four. On the latency chart, a1's line falls to about a tenth of a second."

step "All of them"
ask "If all five read with fan-out, how many GetRecords calls are refused?" "None: no one polls the shard any more" "Fewer, but some: five subscriptions still share 2 MB a second" "More: subscriptions are heavier than calls" answer 1 because "Each fan-out consumer has its own 2 MiB/s per shard, whatever the number of consumers (up to 20 per stream), and none of them uses the shard's GetRecords limits."
task "Redeploy a2 with enhanced fan-out too: kcl app set a2 --retrieval fan-out" until $(sim describe --query 'apps.a2.retrieval') == fan-out --hint-after 30s "The same line as for a1, with a2." --show "kcl app set a2 --retrieval fan-out"
say "The same command for a3, a4 and a5:"
kcl app set a3 --retrieval fan-out
kcl app set a4 --retrieval fan-out
kcl app set a5 --retrieval fan-out
wait 20s
START=$(sim describe --query 'sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded)')
wait 60s
NONE=$(sim describe --query "sum([sum(streams.orders.shards[].totals.ReadProvisionedThroughputExceeded), to_number('-$START')])")
expect $NONE == 0
expect $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.ConsumerCount) == 5
point chart latency
say "No call refused in the last minute: nobody polls the shard. Five pipes under the lane, one per application, and every line on the latency chart is down to about a tenth of a second. Fan-out is not free: each consumer is billed per shard-hour and per GB it receives (the cost meter in the bar lists 'fan-out consumer-shard-hours')."
recap "Polling readers of a shard share its 5 GetRecords calls and 2 MB a second: past a few applications they refuse each other and wait. An enhanced fan-out consumer (RegisterStreamConsumer, then SubscribeToShard) gets its own 2 MiB a second per shard, pushed about 70 ms after the put, and leaves the shared limits alone. The KCL reads with fan-out unless given a PollingConfig; fan-out costs per consumer-shard-hour and per GB."
