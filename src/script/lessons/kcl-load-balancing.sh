# title: KCL: a worker joins
# summary: In KCL 2.x a new worker takes no free leases (there are none) so it steals, one lease per 20-second taker run, from the most loaded worker, until the lease counts are as even as they can be: counts of leases, not of traffic.
# goal: Predict how KCL 2.x moves leases to a worker that joins: one steal per taker run until the load is as even as it can be.
step "Two workers, ten shards"
aws kinesis create-stream --stream-name s --shard-count 10
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 500
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON
wait 150s
say "This lesson shows KCL 2.x, where every worker runs its own lease taker; KCL 3.x has one elected leader assign the leases instead."
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])") == 5
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2'])") == 5

step "A third worker"
kcl worker add app worker-3
wait 1s
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-3'])") == 1
say "It stole one lease at once, from the most loaded worker, and will steal one more per taker run."
wait 20s
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-3'])") == 2
wait 60s
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-3'])") == 3
say "4, 3, 3: as even as ten leases get, counting leases. KCL 2.x balances the number of leases, not the traffic in them: a worker with three busy shards and one with three idle ones count the same. Each steal made the new owner restart from the last checkpoint."
