# title: KCL: a zombie after a long pause
# summary: A worker frozen longer than the failover time (a long garbage collection) loses its lease without knowing. When it wakes it finishes its batch, so two workers processed the same records, and its checkpoint fails.
# goal: Recognise a zombie KCL worker: one that lost its lease during a long pause, finishes its batch anyway, and fails to checkpoint.
step "Slow processing"
aws kinesis create-stream --stream-name s --shard-count 1
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 100
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --processing 8ms
wait 40s
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."
OWNER=$(sim describe --query 'apps.app.leases[0].leaseOwner')

step "Freeze the owner for 50 seconds"
kcl worker pause app/$OWNER 50s
wait 45s
expect $(sim describe --query 'apps.app.leases[0].leaseOwner') != $OWNER
say "The other worker saw the counter frozen and took the lease while the owner was frozen mid-batch."

step "The zombie wakes up"
wait 20s
expect $(sim describe --query apps.app.overlaps) >= 1
expect $(sim describe --query 'apps.app.duplicates_by_reason."zombie overlap"') > 0
say "On waking it finished its batch (records the new owner had processed too) and found its lease expired by its own clock. Its checkpoint threw ShutdownException, because it no longer held the lease, and the KCL shut its shard consumer down with the reason LEASE_LOST."
