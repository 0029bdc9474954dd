# title: Two applications, one stream
# summary: Every application reading a stream gets every record; the workers of one application share its shards. A stream is not a queue such as SQS, where each message goes to one consumer.
# goal: Tell two applications reading one stream from two workers of one application, and predict what each one gets.
step "One application"
show stream producers kcl
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 200
kcl app add billing --stream orders --workers 1 --initial-position TRIM_HORIZON --retrieval polling --version 2
wait 30s
point app billing
say "billing reads every record of the stream: one worker holding both shards' leases. (This is KCL 2.x, where every worker runs its own lease taker; each application has its own lease table, named after it.)"
expect $(sim describe --query apps.billing.processed) > 4000

step "A second application"
show stream producers kcl console
ask "A second application, analytics, starts reading the same stream from TRIM_HORIZON. Which records does it get?" "The ones billing has not processed yet" "Every record, billing's too" "Half of them: the two applications share the stream" answer 2 because "Reading does not remove records. Each application keeps its own leases and checkpoints, so each reads every record from its own position."
BILLING_SO_FAR=$(sim describe --query apps.billing.processed)
task "Start a second application: type in the console: kcl app add analytics --stream orders --workers 1 --initial-position TRIM_HORIZON --retrieval polling --version 2" until $(sim describe --query 'length(apps.analytics.leases || `[]`)') == 2 --hint-after 20s "Click in the console at the bottom, type the line exactly as written (Tab completes the words), and press Enter." --show "kcl app add analytics --stream orders --workers 1 --initial-position TRIM_HORIZON --retrieval polling --version 2"
wait until $(sim describe --query apps.analytics.processed) >= $BILLING_SO_FAR --timeout 2m
ANALYTICS_SO_FAR=$(sim describe --query apps.analytics.processed)
point app analytics
say "In a few seconds analytics has processed $ANALYTICS_SO_FAR records, more than the $BILLING_SO_FAR billing had processed when analytics started: the same records, read from the start of each shard, and the new ones."
wait 45s
expect $(sim describe --query 'length(apps.analytics.leases)') == 2
expect $(sim describe --query apps.analytics.processed) > 15000
expect $(sim describe --query apps.billing.processed) > 15000
say "Both applications processed the whole stream, each in its own lease table. In an SQS queue each message goes to one consumer at a time: it is hidden from the others while one works on it, and gone once that one deletes it."

step "Two workers of one application"
ask "billing gets a second worker. Does each record now reach billing twice?" "Yes: each worker reads the whole stream" "No: the two workers split billing's two leases, one shard each" answer 2 because "Workers of one application share its leases: a lease has one owner at a time, so each shard is read by one worker of the application."
task "Give billing a second worker: press + Add a worker under billing in the KCL panel" until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-2'])") == 1 --hint-after 20s "The + Add a worker button is under billing's workers; or type in the console: kcl worker add billing worker-2" --show "kcl worker add billing worker-2"
wait until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1 --timeout 1m
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1
point worker billing/worker-2
say "One shard each. Within one application the workers share the work, as consumers of a queue do; across applications, each gets everything. (If billing shows records 'processed again', they are the ones worker-1 processed after the lease's last checkpoint, until it noticed that worker-2 had taken the lease: the lesson kcl-duplicates is about them.)"

step "Reads are shared"
say "These applications poll with GetRecords (in KCL 2.x that takes a PollingConfig; without one, KCL 2.x reads with enhanced fan-out). Every polling application's reads of a shard count against the same five GetRecords calls and 2 MB a second. KCL 2.x polls each shard every 1.5 s by default, about 0.7 calls a second, so a few applications fit; beyond that, enhanced fan-out gives each registered consumer its own 2 MiB a second per shard (lesson enhanced-fan-out)."
expect $(sim describe --query 'streams.orders.shards[0].totals.ReadProvisionedThroughputExceeded') == 0
recap "Each application reading a stream gets every record, with its own lease table and checkpoints; the workers of one application split its shards between them, as consumers of a queue share its messages. Polling applications share each shard's read limits; enhanced fan-out gives each its own."
