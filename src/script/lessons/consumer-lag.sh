# title: The consumer that fell behind
# summary: A consumer slower than its producers falls further behind every second. More workers do not help past one per shard, and once it is further behind than the retention period, records are trimmed before it reads them: lost.
# goal: Notice a consumer falling behind from its iterator age, know what adding workers, raising retention and resharding each do about it, and act before records are lost.
step "A slow record processor"
show stream producers kcl charts
aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis wait stream-exists --stream-name events
producer add app --stream events --rate 20
kcl app add slow --stream events --workers 1 --initial-position TRIM_HORIZON --processing 100ms --retrieval polling --version 2
wait 1m
point chart MillisBehindLatest
say "The producer sends 20 records a second; the record processor takes 100 ms a record, so it processes 10 a second. The line 'slow (KCL)' on this chart, its MillisBehindLatest, keeps climbing: how far behind the newest record the records it reads are. (KCL 2.x, polling.)"
wait 4m --fast
expect $(sim describe --query streams.events.shards[0].totals.IncomingRecords) == 6000
expect $(sim describe --query apps.slow.processed) < 3500

step "Another worker"
show stream producers kcl charts console
ask "A second worker joins slow. Does it catch up?" "Yes: twice the workers, twice the speed" "No: the stream has one shard, so one lease, and one worker processes it" answer 2 because "A shard is processed by one record processor at a time, on the worker holding its lease. A second worker finds no lease to take: one shard, one lease."
task "Add a worker to slow: press + Add a worker under slow in the KCL panel" until $(sim describe --query "length(apps.slow.workers)") >= 2 --hint-after 20s "The + Add a worker button is under slow's workers in the KCL panel; or type kcl worker add slow worker-2 in the console." --show "kcl worker add slow worker-2"
point lease shardId-000000000000
say "Watch this row of the lease table for a minute: does the one shard's lease go to the new worker?"
wait 1m
expect $(sim describe --query "length(apps.slow.leases[?leaseOwner!='worker-1'])") == 0
expect $(sim describe --query "sum(apps.slow.workers[?id!='worker-1'].processed)") == 0
say "The new worker holds nothing and processes nothing: the one lease stays with worker-1. worker-1 still processes about 10 records a second, in ever larger batches: each GetRecords returns everything that arrived while the last batch was processed, up to 10,000 records."

step "A day behind"
ask "It falls half a second further behind every second. What happens to the records once it is more than 24 hours behind, the stream's retention period?" "They wait for it, however long" "They are trimmed at 24 hours whether anyone read them or not: lost" "Kinesis slows the producer down" answer 2 because "Retention is how long a record stays readable. A consumer's position does not hold records back: Kinesis trims them when they are older than the retention period."
wait 50h --fast
sim describe --query '{processed: apps.slow.processed, held: streams.events.shards[0].records, received: streams.events.shards[0].totals.IncomingRecords}'
expect $(sim describe --query 'sum([apps.slow.processed, streams.events.shards[0].records])') < $(sim describe --query streams.events.shards[0].totals.IncomingRecords)
say "Processed plus still held is less than what the shard received: the difference was trimmed before anyone read it. Those records are gone."

step "Keep the records longer"
ask "You raise the retention to 7 days (168 hours). What does that do?" "It brings back the trimmed records" "It stops further loss while the consumer catches up, and costs more per shard-hour" "It makes the consumer faster" answer 2 because "Trimmed records never come back. Longer retention only keeps the ones still held for longer; retention past 24 hours is billed extra."
task "Raise the retention of events to 7 days: in the console, type: aws kinesis increase-stream-retention-period --stream-name events --retention-period-hours 168" until $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.RetentionPeriodHours) >= 168 --hint-after 30s "Retention has no button: type the aws kinesis increase-stream-retention-period line in the console, with --retention-period-hours 168." --show "aws kinesis increase-stream-retention-period --stream-name events --retention-period-hours 168"
HELD=$(sim describe --query streams.events.shards[0].records)
wait 2h --fast
expect $(sim describe --query streams.events.shards[0].records) > $HELD
say "The shard now holds more than a day of records and nothing more is trimmed: with 7 days, not for a week. The consumer is still a day behind, and still falling behind."

step "More capacity, and what it cannot do"
point shard shardId-000000000000
say "Splitting this shard gives new records two shards, and with two workers, two record processors. The KCL reads a parent to its end before its children, though, so the day of backlog in the parent still drains at one processor's pace; a faster record processor (batching its writes, say) is what clears a backlog in one shard."
task "Split the shard: press 'Split in half' on its lane" until $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) >= 2 --hint-after 20s "The 'Split in half' button is on the lane of shardId-000000000000." --show "aws kinesis split-shard --stream-name events --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728"
wait until status events ACTIVE --every 1s
wait 2m
expect $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) >= 2
expect $(sim describe --query "length(apps.slow.leases[?leaseKey!='shardId-000000000000'])") == 0
point lease shardId-000000000000
say "The children have no leases yet: the KCL creates them when the parent's processor reaches the parent's end, after the day and more of records still unread there, at 10 a second. Watch MillisBehindLatest, and split and add workers while the lag is minutes, not a day."
recap "A consumer that processes slower than records arrive falls behind without limit, and workers past one per shard sit idle. Past the retention period, records are trimmed unread and lost. Watch the iterator age (MillisBehindLatest), raise retention to buy time, and add shards, workers and a faster processor early."
