# title: KCL: a zombie after a long pause
# summary: A worker frozen longer than the failover time (a long garbage collection) loses its lease without knowing. When it wakes it finishes its batch, so two workers processed the same records, and its checkpoint fails.
# goal: Recognise a zombie KCL worker: one that lost its lease during a long pause, finishes its batch anyway, and fails to checkpoint.
step "Slow processing"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 100
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --processing 8ms --version 2
point app app
say "One shard, two workers: one holds the lease, the other waits. The record processor takes 8 ms a record, so each batch keeps the owner busy for most of the 1.5 s between reads. This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead (the default of kcl app add; this lesson adds its application with --version 2)."
wait 40s
OWNER=$(sim describe --query 'apps.app.leases[0].leaseOwner')
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, leaseCounter]' --output text

step "Freeze the owner for 50 seconds"
ask "The owner, $OWNER, is about to freeze for 50 s in the middle of a batch (a long garbage collection). Does the other worker take the lease meanwhile?" "No: the lease waits for its owner" "Yes: the counter stands still, so about 20 to 40 s later the other worker takes it" "Yes, after exactly 10 s" answer 2 because "The other worker cannot tell a frozen owner from a dead one: it only sees leaseCounter stand still. Its taker, every 20 s, finds the lease expired once the counter has not moved for failoverTimeMillis (10 s) between two of its scans, and takes it."
point worker app/$OWNER
kcl worker pause app/$OWNER 50s
wait until $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER --timeout 1m
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER
NEWOWNER=$(sim describe --query 'apps.app.leases[0].leaseOwner')
point lease shardId-000000000000
say "$NEWOWNER took the lease while $OWNER was frozen mid-batch, and started again after the last checkpoint: it is processing the records $OWNER was in the middle of."
ask "$OWNER wakes up 50 s after it froze. What does it do first?" "It finishes the batch it was processing, although the lease is gone" "It notices at once and drops the batch" "It takes the lease back" answer 1 because "A pause stops the process mid-call: when it resumes, the record processor simply goes on with its batch. The KCL only finds out that the lease is gone afterwards (its renewer does not renew a lease its own clock says expired), so records the new owner processed are processed a second time."
wait until $(sim describe --query 'apps.app.duplicates_by_reason."zombie overlap"') > 0 --timeout 1m
expect $(sim describe --query apps.app.overlaps) >= 1
expect $(sim describe --query 'apps.app.duplicates_by_reason."zombie overlap"') > 0
expect $(sim describe --query "apps.app.workers[?id=='$OWNER'].consumers.\"shardId-000000000000\".reason | [0]") == LEASE_LOST
ZOMBIE=$(sim describe --query 'apps.app.duplicates_by_reason."zombie overlap"')
point panel kcl
say "On waking $OWNER finished its batch: $ZOMBIE records $NEWOWNER had processed too (the KCL panel counts them as processed again, reason zombie overlap). Its checkpoint then threw ShutdownException, because it no longer held the lease, and the KCL shut its shard consumer down with the reason LEASE_LOST."

step "A short pause"
show stream kcl console
ask "What if $NEWOWNER freezes for only 5 s? Does it lose its lease?" "Yes, like $OWNER" "No: 5 s is well under failoverTimeMillis (10 s), and it renews as soon as it wakes" "Only if a taker run falls during the pause" answer 2 because "A pause costs a lease only when its counter stands still for more than failoverTimeMillis (10 s): by another worker's scans, or by the owner's own clock (it never renews a lease its clock says expired). Its last write came at most 3.3 s before the pause, and 5 s more stays under 10 s, so its next renewal succeeds."
point worker app/$NEWOWNER
task "Pause $NEWOWNER for 5 s: on its card in the KCL panel choose 5s in the list beside Pause, then press Pause" until $(sim describe --query "apps.app.workers[?id=='$NEWOWNER'].state | [0]") == paused --hint-after 20s "The list beside the Pause button on $NEWOWNER's card starts at 15s: pick 5s first." --show "kcl worker pause app/$NEWOWNER 5s"
COUNTER=$(sim describe --query 'apps.app.leases[0].leaseCounter')
point lease shardId-000000000000
say "Watch the lease's row for the next 45 s."
wait 45s
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') == $NEWOWNER
expect $(sim describe --query 'apps.app.leases[0].leaseCounter') > $COUNTER
say "$NEWOWNER kept its lease: its counter stood still for the pause, then went on rising, and nobody took it."
recap "A worker frozen for longer than the failover time is taken for dead: another worker takes its lease, and when it wakes it finishes its batch anyway, a zombie, so records are processed twice and its checkpoint fails with ShutdownException (shutdown reason LEASE_LOST). A pause well under failoverTimeMillis (10 s) costs nothing: the owner renews in time. Idempotent processing makes the zombie's duplicates harmless."
