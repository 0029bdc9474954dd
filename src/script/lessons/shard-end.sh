# title: KCL: say SHARD_END
# summary: When a shard is closed by a split or a merge, the KCL calls the record processor's shardEnded, and the application must checkpoint there. If it does not, the parent's lease never reaches SHARD_END and the children are never processed.
# goal: Diagnose children stuck behind a parent from the lease table, and name the fix.
step "An application that forgets"
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 100
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --forget-shard-end
wait 30s
say "This application's record processor does not checkpoint in shardEnded: a bug Shardlab plays on purpose. It shows KCL 2.x, where every worker runs its own lease taker."
expect $(sim describe --query apps.app.processed) > 1000

step "Split the shard"
# task: the learner splits shard 0 (split-shard), until the stream has 3 shards.
aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728
wait until status s ACTIVE --every 1s
wait 10s
BEFORE=$(sim describe --query apps.app.processed)
wait 80s
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint, parentShardIds[0]]' --output text
ask "The producer still sends 100 records a second, now into shards 1 and 2. Look at the lease table: what holds the application back?" "Nothing: it is processing the children" "The children's leases wait for their parent, whose checkpoint is not SHARD_END" "The children have no leases" answer 2 because "A child's shard consumer stays in WAITING_ON_PARENT_SHARDS until its parent's lease is checkpointed at SHARD_END, and only the application's checkpoint in shardEnded writes it."
# task: the learner answers by pointing at the parent's checkpoint (point lease shardId-000000000000).
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000000'].checkpoint | [0]") != SHARD_END
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000001'].checkpoint | [0]") == TRIM_HORIZON
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].checkpoint | [0]") == TRIM_HORIZON
expect $(sim describe --query apps.app.processed) == $BEFORE
say "The children's leases exist, created at the parent's end and checkpointed at TRIM_HORIZON, but their consumers wait for the parent: nothing has been processed since the parent's last records, and new records pile up in shards 1 and 2."

step "The fix"
say "The fix is in the application: call checkpoint() in shardEnded, then deploy it. Here a fixed application starts on the same stream with its own lease table."
# task: the learner starts the fixed application (kcl app add fixed ...), until its children are processed.
kcl app add fixed --stream s --workers 2 --initial-position TRIM_HORIZON
wait 90s
expect $(sim describe --query "apps.fixed.leases[?leaseKey=='shardId-000000000001'].checkpoint | [0]") != TRIM_HORIZON
say "The fixed application checkpointed the parent at SHARD_END, and its children were processed."
# recap: At a shard's end the record processor must checkpoint in shardEnded; the lease
# table shows a forgotten one: the parent's checkpoint is not SHARD_END and the children
# stay at TRIM_HORIZON, waiting.
