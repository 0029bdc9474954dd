# title: KCL: what the Kinesis Client Library does
# summary: A KCL application keeps a lease per shard in a DynamoDB table named after it; each worker holds some leases and runs a record processor for each, which checkpoints how far it got.
# goal: Say what a KCL worker, a lease, the lease table and a checkpoint are, and find each on the page.
step "A stream, and an application that reads it"
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 200
say "Reading a stream by hand means a GetRecords loop per shard, following splits and merges, and remembering where you were. The Kinesis Client Library (KCL) does that inside your consumer application: a Java library into which your code plugs a record processor."
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."
ask "An application starts with one worker on this stream of two shards. How many rows will its lease table hold?" "One: a row per worker" "Two: a row per shard" "None until a second worker joins" answer 2 because "A lease is the right to process one shard. The table has a row per shard, whatever the number of workers; a worker holds as many leases as it can take."
kcl app add billing --stream orders --workers 1 --initial-position TRIM_HORIZON
wait 30s
sim describe --query 'apps.billing.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
expect $(sim describe --query 'length(apps.billing.leases)') == 2
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 2
say "The lease table is a DynamoDB table named after the application, one row per shard: leaseKey (the shard), leaseOwner (the worker holding it), leaseCounter (raised by every write: the owner renews it every 3.3 s) and checkpoint."

step "A record processor per lease, and its checkpoints"
say "For each lease it holds, a worker runs a shard consumer that reads the shard and hands each batch of records to a record processor: your code. The processor checkpoints: it writes into the lease the sequence number it has processed up to."
expect $(sim describe --query 'apps.billing.leases[0].checkpoint') != TRIM_HORIZON
expect $(sim describe --query apps.billing.processed) > 4000
say "This application checkpoints after every batch. A worker that takes over a lease starts right after its checkpoint."

step "A second worker"
ask "A second worker of billing starts. What does it do?" "It reads both shards too, so each record is processed twice" "It takes one of the two leases, and each worker processes one shard" "Nothing: the first worker already holds every lease" answer 2 because "Workers of one application share its leases. The newcomer finds no free lease, so it takes one from the worker with the most, and from then on each shard has one owner."
# task: the learner adds a worker (kcl worker add billing), until worker-2 holds a lease.
kcl worker add billing worker-2
wait until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-2'])") == 1 --timeout 1m
wait 10s
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1
expect $(sim describe --query "apps.billing.workers[?id=='worker-2'].processed | [0]") > 0
say "One lease each. worker-2 took its lease from worker-1 and started after the lease's last checkpoint."
# recap: A KCL application keeps one lease per shard in a DynamoDB table named after it;
# workers share the leases; for each lease a record processor processes the shard's records
# and checkpoints how far it got, which is where the next owner starts.
