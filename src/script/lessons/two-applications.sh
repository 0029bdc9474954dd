# title: Two applications, one stream
# summary: Every application reading a stream gets every record; the workers of one application share its shards. A stream is not a queue such as SQS, where each message goes to one consumer.
# goal: Tell two applications reading one stream from two workers of one application, and predict what each one gets.
step "One application"
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 200
kcl app add billing --stream orders --workers 1 --initial-position TRIM_HORIZON
wait 30s
say "billing reads every record of the stream: one worker holding both shards' leases. (KCL 2.x here; each application has its own lease table, named after it.)"
expect $(sim describe --query apps.billing.processed) > 4000

step "A second application"
ask "A second application, analytics, starts reading the same stream from TRIM_HORIZON. Which records does it get?" "The ones billing has not processed yet" "Every record, billing's too" "Half of them: the two applications share the stream" answer 2 because "Reading does not remove records. Each application keeps its own leases and checkpoints, so each reads every record from its own position."
# task: the learner adds the application (kcl app add analytics ...), until it holds leases.
kcl app add analytics --stream orders --workers 1 --initial-position TRIM_HORIZON
wait 60s
expect $(sim describe --query 'length(apps.analytics.leases)') == 2
expect $(sim describe --query apps.analytics.processed) > 15000
expect $(sim describe --query apps.billing.processed) > 15000
say "Both applications processed the whole stream, each in its own lease table. In an SQS queue each message goes to one consumer at a time: it is hidden from the others while one works on it, and gone once that one deletes it."

step "Two workers of one application"
ask "billing gets a second worker. Does each record now reach billing twice?" "Yes: each worker reads the whole stream" "No: the two workers split billing's two leases, one shard each" answer 2 because "Workers of one application share its leases: a lease has one owner at a time, so each shard is read by one worker of the application."
# task: the learner adds a worker to billing, until each worker holds one lease.
kcl worker add billing worker-2
wait until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-2'])") == 1 --timeout 1m
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1
say "One shard each. Within one application the workers share the work, as consumers of a queue do; across applications, each gets everything."

step "Reads are shared"
say "Every application's reads of a shard count against the same five GetRecords calls a second. KCL 2.x polling every 1.5 s asks for about 0.7 a second per shard, so a few applications fit; beyond that, enhanced fan-out gives each application its own 2 MiB a second per shard (Shardlab does not simulate it)."
expect $(sim describe --query 'streams.orders.shards[0].totals.ReadProvisionedThroughputExceeded') == 0
# recap: Each application gets every record, with its own lease table and checkpoints; the
# workers of one application split its shards. Applications share each shard's read limits
# unless they use enhanced fan-out.
