# title: KCL: parents before children
# summary: After a split, the KCL processes a child shard only when its parent is finished (the application checkpointed it at SHARD_END), so a key's records stay in order across the split.
# goal: Explain why the KCL processes a child shard only after its parent is checkpointed at SHARD_END, and see it in the lease table.
step "An application reading two shards"
aws kinesis create-stream --stream-name s --shard-count 2
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON
wait 40s
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."

step "Split a shard under it"
aws kinesis split-shard --stream-name s --shard-to-split shardId-000000000000 --new-starting-hash-key 85070591730234615865843651857942052864
wait 60s
say "At the parent's end its owner created leases for the two children, starting at TRIM_HORIZON, and called the record processor's shardEnded. There the application must checkpoint: that writes SHARD_END, and an application that forgets it keeps the children blocked. Only then did the children's consumers leave WAITING_ON_PARENT_SHARDS."
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].parentShardIds[0] | [0]") == shardId-000000000000
expect $(sim describe --query "apps.app.leases[?leaseKey=='shardId-000000000002'].checkpoint | [0]") != TRIM_HORIZON

step "The finished parent goes away"
wait 90s
expect $(sim describe --query "length(apps.app.leases[?leaseKey=='shardId-000000000000'])") == 0
say "Once both children had checkpointed, the parent's lease was deleted. The KCL looks at finished leases at most every 5 minutes, so in real life it can stay longer; this simulation looks every minute."
