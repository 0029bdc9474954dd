# title: KCL: how often to checkpoint
# summary: After a worker dies, its leases' new owners start from the last checkpoint, so everything processed since then is processed again. Checkpointing more often means fewer records processed twice and more writes to the lease table.
# goal: Choose a checkpoint frequency by weighing the records processed twice after a failure against the writes to the lease table, and make processing idempotent.
step "Two applications, two checkpoint policies"
aws kinesis create-stream --stream-name payments --shard-count 1
aws kinesis wait stream-exists --stream-name payments
producer add shop --stream payments --rate 250
kcl app add often --stream payments --workers 2 --initial-position TRIM_HORIZON --checkpoint every:100
kcl app add rarely --stream payments --workers 2 --initial-position TRIM_HORIZON --checkpoint every:5000
wait 60s
say "Two applications read the same stream, KCL 2.x, two workers each: often checkpoints once it has processed 100 records since its last checkpoint, rarely once it has processed 5,000. Each checkpoint is a write to the lease's row in DynamoDB, and raises its leaseCounter, as do the owner's renewals every 3.3 s."
sim describe --query 'apps.*.leases[].[leaseKey, leaseOwner, leaseCounter, checkpoint]' --output text
OFTEN_OWNER=$(sim describe --query 'apps.often.leases[0].leaseOwner')
RARELY_OWNER=$(sim describe --query 'apps.rarely.leases[0].leaseOwner')
expect $(sim describe --query 'apps.often.leases[0].leaseCounter') > $(sim describe --query 'apps.rarely.leases[0].leaseCounter')

step "Kill each lease's owner"
ask "The worker that holds each application's lease dies. Which application will process more records twice?" "often" "rarely" "Neither: the KCL delivers each record once" answer 2 because "The new owner starts after the last checkpoint. rarely's last checkpoint is up to 5,000 records behind (20 seconds at 250 a second), often's at most about a batch behind."
# task: the learner kills both owners (kcl worker kill often/..., rarely/...), until both leases move.
kcl worker kill often/$OFTEN_OWNER
kcl worker kill rarely/$RARELY_OWNER
wait until lease rarely shardId-000000000000 moves --timeout 2m
wait 30s
sim describe --query '{often: apps.often.duplicates, rarely: apps.rarely.duplicates}'
expect $(sim describe --query apps.rarely.duplicates) > $(sim describe --query apps.often.duplicates)
expect $(sim describe --query 'apps.rarely.duplicates_by_reason.failover') > 1000
expect $(sim describe --query apps.often.duplicates) < 400
say "rarely processed thousands of records twice: everything since its last checkpoint. often, which checkpoints after nearly every batch, lost at most a batch; it paid for that with more writes to its lease table, one per checkpoint. The KCL delivers every record at least once, not exactly once."

step "Idempotent processing"
say "However often you checkpoint, a failure repeats the records processed since the last checkpoint (and a producer's retries can store a record twice). Make processing idempotent: for example, write each result under a key made from the record's sequence number, or its own id, so that doing it twice leaves the same result."
# recap: The checkpoint frequency trades duplicates after a failure against writes to the
# lease table; no frequency removes duplicates, so processing must be idempotent.
