# title: KCL: parents before children
# summary: After a split, the KCL processes a child shard only when its parent is finished (the application checkpointed it at SHARD_END), so a key's records stay in order across the split.
# goal: Explain why the KCL processes a child shard only after its parent is checkpointed at SHARD_END, and see it in the lease table.
step "An application reading two shards"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --version 2
point app app
say "The application app reads the two shards of s with two workers, one lease each. This lesson shows KCL 2.x (2.3 or later), where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead (the default of kcl app add; this lesson adds its application with --version 2)."
wait 40s
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text

step "Split a shard under it"
show stream kcl console
ask "You are about to split a shard. From then on its records go to two new child shards. When does app start processing the children?" "At once, while it finishes the parent's last records" "Only once the parent's owner has processed the parent to its end and checkpointed it at SHARD_END" "Only after the parent's records expire, 24 hours later" "Never, until a worker restarts" answer 2 because "A key's records go to the parent until the split and to a child after it. To keep them in order the KCL processes a child only after its parent is finished: the parent's owner reads to its end, creates the children's leases (KCL 2.3 and later) and calls the record processor's shardEnded, where the application must checkpoint, which writes SHARD_END. A child whose parent is not at SHARD_END waits in WAITING_ON_PARENT_SHARDS."
point shard shardId-000000000000
task "Split shardId-000000000000: press 'Split in half' on its lane" until $(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount) >= 3 --hint-after 20s "The 'Split in half' button is on the lane of shardId-000000000000; it splits the lane at the middle of its hash key range." --show "aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 85070591730234615865843651857942052864"
PARENT=$(sim describe --query "streams.s.shards[?ShardId=='shardId-000000000002'].ParentShardId | [0]")
point lease $PARENT
say "New records now go to the children, shardId-000000000002 and shardId-000000000003. Watch the lease table: the KCL first finishes $PARENT."
wait until $(sim describe --query "apps.app.leases[?leaseKey=='$PARENT'].checkpoint | [0]") == SHARD_END --timeout 3m
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].parentShardId[0] | [0]") == $PARENT
say "The parent's owner reached its end, created a lease for each child (their parentShardId names $PARENT) and checkpointed SHARD_END. The children's leases have no owner yet: a worker takes them at its next taker run (every 20 s), and until then the records the children take wait, unread."
ask "Where will the children's leases start reading, even in an application configured to start at LATEST?" "At TRIM_HORIZON: the child's first record" "At LATEST: the newest record" "Where the parent's checkpoint was" answer 1 because "The KCL creates every child lease at TRIM_HORIZON, whatever the application's initial position: the records a child took while it waited for its parent are processed, in order, after the parent's."
wait until $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].checkpoint | [0]") != TRIM_HORIZON --timeout 3m
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].checkpoint | [0]") != TRIM_HORIZON
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
say "A worker took the children and checkpointed them: they are processed from their first record, after the last of the parent's."

step "The finished parent goes away"
point lease $PARENT
say "The parent's lease stays in the table after both children have checkpointed. Each worker's LeaseCleanupManager runs every minute, but looks at finished leases only once its stopwatch, started with the worker and restarted after each delete, has run 5 minutes. Watch the parent's row."
wait 4m --fast
wait until $(sim describe --query "length(apps.app.leases[?leaseKey=='$PARENT'])") == 0 --timeout 2m
expect $(sim describe --query "length(apps.app.leases[?leaseKey=='$PARENT'])") == 0
say "Once its owner's stopwatch passed 5 minutes, about 5 minutes after the workers started, the finished parent's lease was deleted: its children had checkpointed, so nothing needs it any more."
recap "After a split the KCL processes a child shard only once its parent is finished: the parent's owner reads to the end, creates the children's leases at TRIM_HORIZON, and the application checkpoints SHARD_END in shardEnded (an application that forgets it blocks the children). So each key's records are processed in order across the split, and the finished parent's lease is deleted once its children have checkpointed, at the owner's next cleanup check (every 5 minutes)."
