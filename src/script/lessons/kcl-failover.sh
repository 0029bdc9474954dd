# title: KCL: leases, renewals and failover
# summary: KCL 2.x workers hold a lease per shard and renew it every 3.3 seconds. When a worker dies, its lease counter freezes, and another worker takes the lease about 20 to 40 seconds later with the default settings.
# goal: Read a KCL 2.x lease table and tell how long a dead worker's lease waits before another worker takes it.
step "Three workers, three shards"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 3
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 300
kcl app add app --stream s --workers 3 --initial-position TRIM_HORIZON --version 2
point app app
say "A KCL application, app, reads the stream s with three workers. This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead (the default of kcl app add; this lesson adds its application with --version 2)."
wait 90s --fast
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])") == 1
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2'])") == 1
say "A minute and a half later each worker holds one lease: one shard each."

step "The lease table"
point panel kcl
say "The lease table, a DynamoDB table, has a row per shard: its leaseKey, its leaseOwner and a leaseCounter."
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, leaseCounter]' --output text
OWNER=$(sim describe --query 'apps.app.leases[0].leaseOwner')
COUNTER=$(sim describe --query 'apps.app.leases[0].leaseCounter')
ask "Watch the leaseCounter of shardId-000000000000 for 10 seconds. What makes it go up?" "Each record the worker processes" "Only the owner's renewal, every 3.3 s" "Every write to the row: the owner's renewals and its checkpoints" "The other workers reading the row" answer 3 because "Only the owner writes the row while it holds the lease, and every write raises leaseCounter by one: the renewal every 3.3 s (KCL 2.x's default) and each checkpoint. This application checkpoints after every batch it reads, about every 1.5 s. The other workers only read the table."
point lease shardId-000000000000
wait 10s
NOW=$(sim describe --query 'apps.app.leases[0].leaseCounter')
expect $NOW > $COUNTER
say "In 10 seconds $OWNER's counter on shardId-000000000000 went from $COUNTER to $NOW: three renewals and a checkpoint after each batch. A counter that moves is a live owner."

step "Kill the owner"
show stream kcl console
ask "You are about to kill $OWNER, the owner of shardId-000000000000. How soon does another worker take its lease?" "At once" "After about 3.3 s, one renewal period" "After about 20 to 40 s" "After exactly 10 s, the failover time" answer 3 because "Nobody is told of the death. In KCL 2.x each survivor runs its lease taker every 20 s and judges a lease expired once its counter has stood still for failoverTimeMillis (10 s) between two of its own scans: the first scan after the death still sees the last change, the next one finds it expired. About 20 to 40 s with the default settings (worked out from the KCL's settings, not a figure AWS documents)."
point worker app/$OWNER
task "Press Kill on $OWNER's card in the KCL panel" until $(sim describe --query "apps.app.workers[?id=='$OWNER'].state | [0]") == dead --hint-after 20s "The Kill button is on $OWNER's card, above the lease table." --show "kcl worker kill app/$OWNER"
FROZEN=$(sim describe --query 'apps.app.leases[0].leaseCounter')
point lease shardId-000000000000
say "Watch the row of shardId-000000000000: its leaseCounter has stopped at $FROZEN, and it still names $OWNER."
wait 15s
expect $(sim describe --query 'apps.app.leases[0].leaseCounter') == $FROZEN
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') == $OWNER
say "15 s later it is still frozen and still names the dead worker: nothing in the table says it died. The survivors only scan the table every 20 s."
wait until $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER --timeout 2m
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER
sim describe --query 'apps.app.leases[0]'
say "A survivor took the lease: the counter went up by one, from $FROZEN, and ownerSwitchesSinceCheckpoint counted the switch (the new owner's first checkpoint resets it). The new owner started again after the last checkpoint."
recap "In KCL 2.x a lease stays alive while its owner writes it: leaseCounter goes up at each renewal (every 3.3 s) and each checkpoint. When the owner dies nothing tells the others; a survivor takes the lease only after its counter stood still for 10 s between two of its 20-second scans, about 20 to 40 s after the death with the default settings."
