# title: KCL: how often to checkpoint
# summary: After a worker dies, its leases' new owners start from the last checkpoint, so everything processed since then is processed again. Checkpointing more often means fewer records processed twice and more writes to the lease table.
# goal: Choose a checkpoint frequency by weighing the records processed twice after a failure against the writes to the lease table, and make processing idempotent.
step "Two applications, two checkpoint policies"
show stream producers kcl
aws kinesis create-stream --stream-name payments --shard-count 1
aws kinesis wait stream-exists --stream-name payments
producer add shop --stream payments --rate 250
kcl app add often --stream payments --workers 2 --initial-position TRIM_HORIZON --checkpoint every:100 --version 2
kcl app add rarely --stream payments --workers 2 --initial-position TRIM_HORIZON --checkpoint every:5000 --version 2
wait 60s
say "Two applications read the same stream of one shard with KCL 2.x (every worker runs its own lease taker), two workers each; one worker of each holds the lease, the other waits. They differ in one setting: when the record processor checkpoints."
point app often
say "often checkpoints at the end of a batch once it has processed 100 records since its last checkpoint. At 250 records a second a batch holds more than 100, so it checkpoints after every batch."
point app rarely
say "rarely checkpoints once it has processed 5,000 records since its last checkpoint: every 20 seconds or so. Each checkpoint is a write to the lease's row in DynamoDB and raises its leaseCounter, as do the owner's renewals every 3.3 s."
sim describe --query 'apps.*.leases[].[leaseKey, leaseOwner, leaseCounter, checkpoint]' --output text
OFTEN_OWNER=$(sim describe --query 'apps.often.leases[0].leaseOwner')
RARELY_OWNER=$(sim describe --query 'apps.rarely.leases[0].leaseOwner')
OFTEN_WRITES=$(sim describe --query 'apps.often.leases[0].leaseCounter')
RARELY_WRITES=$(sim describe --query 'apps.rarely.leases[0].leaseCounter')
expect $OFTEN_WRITES > $RARELY_WRITES
say "In one minute often's lease was written $OFTEN_WRITES times, rarely's $RARELY_WRITES times: renewals for both, and a checkpoint after every batch for often."

step "often's owner dies"
ask "often's $OFTEN_OWNER, which holds its lease, dies. Where will the worker that takes the lease start reading?" "Right after the checkpoint in the lease" "At the newest record, as LATEST" "At the start of the shard: the initial position, TRIM_HORIZON" answer 1 because "A new owner starts right after the checkpoint in the lease; the initial position only applies to a lease that has no checkpoint yet. often checkpointed after its last batch, so the new owner repeats at most the batch that was in progress."
point worker often/$OFTEN_OWNER
task "Kill often's $OFTEN_OWNER: press Kill on its card under often in the KCL panel" until $(sim describe --query "apps.often.workers[?id=='$OFTEN_OWNER'].state | [0]") == dead --hint-after 20s "Under often in the KCL panel, $OFTEN_OWNER is the worker whose card lists the shard's lease; its Kill button is on that card." --show "kcl worker kill often/$OFTEN_OWNER"
wait until lease often shardId-000000000000 moves --timeout 2m
wait 10s
OFTEN_AGAIN=$(sim describe --query apps.often.duplicates)
say "The lease moved once the other worker's lease taker saw its leaseCounter stop for longer than the failover time (10 s). The new owner started after often's last checkpoint: $OFTEN_AGAIN records processed again."
expect $(sim describe --query apps.often.duplicates) < 400

step "rarely's owner dies"
ask "Now rarely's $RARELY_OWNER dies. Will rarely process more records twice than often did?" "Yes: everything since its last checkpoint, up to 5,000 records" "No, the same: at most a batch" "No: the KCL delivers each record once" answer 1 because "The new owner starts after the last checkpoint. rarely's last checkpoint can be up to 5,000 records behind (20 seconds at 250 a second), often's at most about a batch."
point worker rarely/$RARELY_OWNER
task "Kill rarely's $RARELY_OWNER: press Kill on its card under rarely in the KCL panel" until $(sim describe --query "apps.rarely.workers[?id=='$RARELY_OWNER'].state | [0]") == dead --hint-after 20s "Under rarely in the KCL panel, $RARELY_OWNER is the worker whose card lists the shard's lease; its Kill button is on that card." --show "kcl worker kill rarely/$RARELY_OWNER"
wait until lease rarely shardId-000000000000 moves --timeout 2m
wait 30s
sim describe --query '{often: apps.often.duplicates, rarely: apps.rarely.duplicates}'
expect $(sim describe --query apps.rarely.duplicates) > $(sim describe --query apps.often.duplicates)
expect $(sim describe --query 'apps.rarely.duplicates_by_reason.failover') > 1000
expect $(sim describe --query apps.often.duplicates) < 400
RARELY_AGAIN=$(sim describe --query apps.rarely.duplicates)
say "rarely processed $RARELY_AGAIN records twice: everything since its last checkpoint. often, which checkpoints after every batch, processed $OFTEN_AGAIN twice; it paid for that with more writes to its lease table ($OFTEN_WRITES against $RARELY_WRITES in the first minute), each one a DynamoDB write you are billed for. The KCL delivers every record at least once, not exactly once."

step "Idempotent processing"
say "However often you checkpoint, a failure repeats the records processed since the last checkpoint (and a producer's retries can store a record twice). Make processing idempotent: for example, write each result under a key made from an id the producer puts in the record, so that doing it twice leaves the same result (a key made from the sequence number catches the consumer's repeats, but not a record the producer stored twice: that copy has a sequence number of its own)."
recap "The checkpoint frequency trades the records processed twice after a failure against writes to the lease table: a new owner starts after the last checkpoint. No frequency removes duplicates (the KCL delivers at least once), so processing must be idempotent."
