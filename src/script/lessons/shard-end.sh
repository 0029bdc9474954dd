# title: KCL: say SHARD_END
# summary: When a shard is closed by a split or a merge, the KCL calls the record processor's shardEnded, and the application must checkpoint there. If it does not, the parent's lease never reaches SHARD_END and the children are never processed.
# goal: Diagnose children stuck behind a parent from the lease table, and name the fix.
step "An application that forgets"
show stream producers kcl
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 100
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --forget-shard-end --version 2
wait 30s
point app app
say "An application, app, reads a stream of one shard, 100 records a second, with two workers. It shows KCL 2.x, where every worker runs its own lease taker. When a shard ends, the KCL calls the record processor's shardEnded, and the processor must checkpoint there; this one does not: a bug Shardlab plays on purpose."
expect $(sim describe --query apps.app.processed) > 1000

step "Split the shard"
ask "When the shard is split, the producer's records go to its two children. What happens to app's processing?" "It goes on, in the two children" "It stops: the children's records are not processed" "Each record is processed twice, in the parent and in a child" answer 2 because "The parent's records were all processed, then nothing more: the children's records wait in the stream, unread. The lease table says why: that is the next question."
task "Split the shard: press 'Split in half' on its lane, shardId-000000000000" until $(aws kinesis describe-stream-summary --stream-name s --query StreamDescriptionSummary.OpenShardCount) == 2 --hint-after 20s "The 'Split in half' button is on the lane of shardId-000000000000, in the stream panel." --show "aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728"
wait 15s
BEFORE=$(sim describe --query apps.app.processed)
wait 80s
expect $(sim describe --query apps.app.processed) == $BEFORE
say "80 seconds on, app has processed nothing since the parent's last records: its count is still $BEFORE, while the producer's 100 records a second go to shards 1 and 2."
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint, parentShardId[0]]' --output text
ask "Look at app's lease table in the KCL panel. What holds the application back?" "Nothing: it is processing the children" "The children's leases wait for their parent, whose checkpoint is not SHARD_END" "The children have no leases" answer 2 because "A child's shard consumer stays in WAITING_ON_PARENT_SHARDS until its parent's lease is checkpointed at SHARD_END, and only the application's checkpoint in shardEnded writes it."
point lease shardId-000000000000
say "The parent's row: its checkpoint is still the sequence number of a record, not SHARD_END. The KCL 2.x log says it too: \"Application didn't checkpoint at end of shard\", again at every retry of the shutdown."
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000000'].checkpoint | [0]") != SHARD_END
point lease shardId-000000000001
say "The children's rows exist, created at the parent's end, with the parent in parentShardId and their checkpoint at TRIM_HORIZON: nothing read yet. Their consumers wait for the parent, and new records pile up in shards 1 and 2."
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000001'].checkpoint | [0]") == TRIM_HORIZON
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].checkpoint | [0]") == TRIM_HORIZON
expect $(sim describe --query apps.app.processed) == $BEFORE

step "The fix"
show stream producers kcl console
say "The fix is in the application: call checkpoint() in shardEnded, then deploy it. Here a fixed application, fixed, starts on the same stream with its own lease table."
ask "fixed starts from TRIM_HORIZON and reads the parent to its end. What will its lease table show then?" "The parent at SHARD_END, and the children's checkpoints moving on" "The same as app's: the children stuck at TRIM_HORIZON" "No row for the children" answer 1 because "fixed checkpoints in shardEnded, so the parent's lease reaches SHARD_END and the children's consumers, no longer waiting, process their records and checkpoint."
task "Start the fixed application: type in the console: kcl app add fixed --stream s --workers 2 --initial-position TRIM_HORIZON --version 2" until $(sim describe --query 'length(apps.fixed.leases || `[]`)') >= 1 --hint-after 20s "Click in the console at the bottom, type the line exactly as written (Tab completes the words), and press Enter." --show "kcl app add fixed --stream s --workers 2 --initial-position TRIM_HORIZON --version 2"
wait until $(sim describe --query "length(apps.fixed.leases[?leaseKey=='shardId-000000000001' && checkpoint!='TRIM_HORIZON'])") == 1 --timeout 3m
point app fixed
sim describe --query 'apps.fixed.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
expect $(sim describe --query "apps.fixed.leases[?leaseKey=='shardId-000000000001'].checkpoint | [0]") != TRIM_HORIZON
say "fixed checkpointed the parent at SHARD_END, and its children's checkpoints move on: they are being processed. (By default, once the children have checkpointed, the KCL deletes the finished parent's lease.) app stays stuck until it is fixed too."
expect $(sim describe --query apps.app.processed) == $BEFORE
recap "At a shard's end the record processor must checkpoint in shardEnded, or the children of a split or merge are never processed. The lease table shows a forgotten one: the parent's checkpoint is not SHARD_END, and its children's leases stay at TRIM_HORIZON, waiting for it."
