# title: KCL: at-least-once and duplicates
# summary: A new lease owner starts from the last checkpoint, so everything processed after that checkpoint is processed again. Checkpoint often, and make processing idempotent.
# goal: Explain why a KCL application processes some records again after a worker dies, and how checkpointing more often means fewer of them.
step "Checkpointing every 1,000 records"
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --checkpoint every:1000
wait 60s
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."
BEFORE=$(sim describe --query apps.app.duplicates)
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text

step "A worker dies between checkpoints"
kcl worker kill app/worker-1
wait 60s
say "worker-2 took worker-1's lease and restarted from its last checkpoint: the records worker-1 had processed after it were processed twice."
expect $(sim describe --query apps.app.duplicates) > $BEFORE
expect $(sim describe --query apps.app.duplicates_by_reason.failover) > 0
