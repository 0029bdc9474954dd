# title: KCL: leases, renewals and failover
# summary: KCL 2.x workers hold a lease per shard and renew it every 3.3 seconds. When a worker dies, its lease counter freezes, and another worker takes the lease about 20 to 40 seconds later with the default settings.
# goal: Read a KCL 2.x lease table and tell how long a dead worker's lease waits before another worker takes it.
step "Three workers, three shards"
aws kinesis create-stream --stream-name s --shard-count 3
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 300
kcl app add app --stream s --workers 3 --initial-position TRIM_HORIZON
wait 90s
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."
say "The lease table, a DynamoDB table, has a row per shard: its owner and a leaseCounter that goes up at every write to the row: the owner's renewal every 3.3 s, and each checkpoint (this application checkpoints after every batch it reads, every 1.5 s or so)."
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, leaseCounter]' --output text
OWNER=$(sim describe --query 'apps.app.leases[0].leaseOwner')
COUNTER=$(sim describe --query 'apps.app.leases[0].leaseCounter')
wait 10s
expect $(sim describe --query 'apps.app.leases[0].leaseCounter') > $COUNTER

step "Kill a worker"
ask "A worker dies. How soon does another worker take its lease?" "At once" "After about 3.3 s, one renewal period" "After about 20 to 40 s" "After exactly 10 s, the failover time" answer 3 because "Nobody is told of the death. A survivor must see the lease counter stand still for failoverTimeMillis (10 s) by its own clock, and it only looks at its taker runs, every 20 s: about 20 to 40 s with KCL 2.x's defaults (worked out from the KCL's settings, not a figure AWS documents)."
kcl worker kill app/$OWNER
FROZEN=$(sim describe --query 'apps.app.leases[0].leaseCounter')
wait 15s
expect $(sim describe --query 'apps.app.leases[0].leaseCounter') == $FROZEN
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') == $OWNER
say "The counter is frozen, but the lease still names the dead worker. The others only scan the table every 20 s, and a lease is expired only once it has not moved for 10 s by their own clocks."

step "Failover"
say "Wait until the lease moves."
wait until lease app shardId-000000000000 moves --timeout 2m
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER
say "About 20 to 40 s after the crash a survivor took the lease: the counter went up by one and ownerSwitchesSinceCheckpoint counted the switch, until the new owner's first checkpoint reset it. The new owner started again from the last checkpoint."
sim describe --query 'apps.app.leases[0]'
