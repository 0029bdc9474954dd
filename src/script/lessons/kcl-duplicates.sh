# title: KCL: at-least-once and duplicates
# summary: A new lease owner starts from the last checkpoint, so everything processed after that checkpoint is processed again. Checkpoint often, and make processing idempotent.
# goal: Explain why a KCL application processes some records again after a worker dies, and how checkpointing more often means fewer of them.
step "Checkpointing every 1,000 records"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --checkpoint every:1000 --version 2
point app app
say "The application app reads two shards with two workers, and its record processor checkpoints after the batch that reaches 1,000 records: at 100 records a second per shard, about every 10 s. This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead (the default of kcl app add; this lesson adds its application with --version 2)."
wait 60s --fast
BEFORE=$(sim describe --query apps.app.duplicates)
STEAL=$(sim describe --query 'apps.app.duplicates_by_reason.steal || `0`')
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
point panel kcl
say "One lease each, each with a checkpoint: the sequence number its processor got to. The KCL panel already counts $BEFORE records processed again: at start one worker took both leases and the other stole one, and the thief started from the last checkpoint, so whatever the first worker had processed after it came a second time ($STEAL records by that steal)."

step "A worker dies between checkpoints"
show stream kcl console
ask "worker-1 dies between two checkpoints. When worker-2 takes its lease, what happens to the records worker-1 processed since its last checkpoint?" "Nothing: worker-2 starts after the last record worker-1 processed" "worker-2 processes them again: it starts right after the last checkpoint" "They are lost: worker-2 starts at the newest record" "worker-2 starts the shard over from TRIM_HORIZON" answer 2 because "The lease table only knows the checkpoint. The new owner starts right after it, so every record the dead worker processed after its last checkpoint is processed again (here at most about 1,000: the processor checkpoints after the batch that reaches 1,000 records). Nothing is lost, some records come twice: at-least-once."
point worker app/worker-1
task "Press Kill on worker-1's card in the KCL panel" until $(sim describe --query "length(apps.app.workers[?state=='dead'])") >= 1 --hint-after 20s "The Kill button is on worker-1's card, above the lease table." --show "kcl worker kill app/worker-1"
say "Watch the processed-again counter in the KCL panel: nothing moves until a survivor takes the dead worker's lease, 20 to 40 s after the death."
wait until $(sim describe --query apps.app.duplicates) > $BEFORE --timeout 2m
wait 10s
FAILOVER=$(sim describe --query apps.app.duplicates_by_reason.failover)
expect $(sim describe --query apps.app.duplicates) > $BEFORE
expect $FAILOVER > 0
expect $FAILOVER < 1200
point panel kcl
say "worker-2 took the lease and started right after its last checkpoint: $FAILOVER records the dead worker had processed after that checkpoint were processed a second time (the panel gives the reason: failover)."
recap "A KCL application processes every record at least once, not exactly once: a new lease owner starts right after the last checkpoint, so what the old owner processed after it is processed again. Checkpointing more often means fewer records processed again (each checkpoint is a write to the lease table), and processing that is idempotent makes them harmless."
