# title: KCL: what the Kinesis Client Library does
# summary: A KCL application keeps a lease per shard in a DynamoDB table named after it; each worker holds some leases and runs a record processor for each, which checkpoints how far it got.
# goal: Say what a KCL worker, a lease, the lease table and a checkpoint are, and find each on the page.
step "A stream, and an application that reads it"
show stream producers
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
producer add shop --stream orders --rate 200
say "A stream of two shards, and a producer sending 200 records a second. Reading it by hand means a GetRecords loop per shard, following splits and merges, and remembering where you were. The Kinesis Client Library (KCL) does that inside your consumer application: a Java library into which your code plugs a record processor. It reads with enhanced fan-out by default (records pushed to it over a subscription of its own, lesson enhanced-fan-out), or by polling GetRecords when told to."
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x, the default of kcl app add, has one elected leader assign the leases instead; this lesson adds its application with --version 2."
ask "An application, billing, starts with one worker on this stream of two shards. How many rows will its lease table hold?" "One: a row per worker" "Two: a row per shard" "None until a second worker joins" answer 2 because "A lease is the right to process one shard. The table has a row per shard, whatever the number of workers; a worker holds as many leases as it can take."
show stream producers kcl
kcl app add billing --stream orders --workers 1 --initial-position TRIM_HORIZON --version 2
wait until $(sim describe --query 'length(apps.billing.leases)') == 2 --timeout 1m
wait 30s
sim describe --query 'apps.billing.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
expect $(sim describe --query 'length(apps.billing.leases)') == 2
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 2
point app billing
say "billing's lease table: in AWS a DynamoDB table named after the application, here under billing in the KCL panel. It has one row per shard: leaseKey (the shard), leaseOwner (the worker holding it), leaseCounter (raised by every write to the row) and checkpoint."
point worker billing/worker-1
say "worker-1 is a worker: one process of the application (usually one per host), with a worker id. It holds both leases, and renews each one every 3.3 s by raising its leaseCounter, which is how the other workers know it is alive."

step "A record processor per lease, and its checkpoints"
point lease shardId-000000000000
say "This row is the lease of shardId-000000000000. For each lease it holds, a worker runs a shard consumer that reads the shard and hands each batch of records to a record processor: your code. The processor checkpoints: it writes into the lease the sequence number it has processed up to, the long number in the checkpoint column."
expect $(sim describe --query 'apps.billing.leases[0].checkpoint') != TRIM_HORIZON
expect $(sim describe --query apps.billing.processed) > 4000
say "This application checkpoints after every batch. A worker that takes over a lease starts right after its checkpoint; TRIM_HORIZON, the initial position, only says where a lease without a checkpoint starts."

step "A second worker"
ask "A second worker of billing starts. What does it do?" "It reads both shards too, so each record is processed twice" "It takes one of the two leases, and each worker processes one shard" "Nothing: the first worker already holds every lease" answer 2 because "Workers of one application share its leases. In KCL 2.x the newcomer's lease taker finds no free lease, so it takes one from the worker that holds the most, and from then on each shard has one owner."
task "Start a second worker of billing: press + Add a worker under billing in the KCL panel" until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-2'])") == 1 --hint-after 20s "The + Add a worker button is under billing's workers in the KCL panel, above its lease table." --show "kcl worker add billing worker-2"
wait until $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1 --timeout 1m
wait 10s
expect $(sim describe --query "length(apps.billing.leases[?leaseOwner=='worker-1'])") == 1
expect $(sim describe --query "apps.billing.workers[?id=='worker-2'].processed | [0]") > 0
AGAIN=$(sim describe --query apps.billing.duplicates)
point worker billing/worker-2
say "One lease each. worker-2 took its lease from worker-1 and started right after the lease's last checkpoint, so whatever worker-1 had processed after that checkpoint is processed again ($AGAIN records here, 'processed again' in the panel; with enhanced fan-out worker-2's subscription to the shard ends worker-1's, so there are few): the lesson kcl-duplicates is about them."
recap "A KCL application keeps one lease per shard in a DynamoDB table named after it, and its workers share those leases. For each lease a worker runs a record processor, which processes the shard's records and checkpoints how far it got: that checkpoint is where the next owner starts."
