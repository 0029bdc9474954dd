# title: KCL: a worker joins
# summary: In KCL 2.x a new worker takes no free leases (there are none) so it steals, one lease per 20-second taker run, from the most loaded worker, until the lease counts are as even as they can be: counts of leases, not of traffic.
# goal: Predict how KCL 2.x moves leases to a worker that joins: one steal per taker run until the load is as even as it can be.
step "Two workers, ten shards"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 10
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 500
kcl app add app --stream s --workers 2 --initial-position TRIM_HORIZON --version 2
point app app
say "The application app reads ten shards with two workers. This lesson shows KCL 2.x, where every worker runs its own lease taker every 20 s; KCL 3.x has one elected leader assign the leases by load instead (the default of kcl app add; this lesson adds its application with --version 2)."
wait 150s --fast
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])") == 5
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2'])") == 5
STEAL0=$(sim describe --query apps.app.duplicates_by_reason.steal)
point panel kcl
say "Five leases each: every shard has an owner, so no lease is free."

step "A third worker"
show stream kcl console
ask "A third worker joins. How does it get leases?" "It takes a third of them (3 or 4) at once" "It steals them one at a time, one per taker run (every 20 s), from the most loaded worker" "It gets none until a worker dies: nothing is free" "The others hand it their busiest shards" answer 2 because "In KCL 2.x each worker runs its own lease taker, once at start and then every 20 s. With no free or expired lease it steals, and by default at most one lease per run (maxLeasesToStealAtOneTime is 1), from the worker that holds the most."
task "Add a third worker: press + Add a worker in the KCL panel, or type in the console: kcl worker add app worker-3" until $(sim describe --query 'length(apps.app.workers)') >= 3 --hint-after 20s "The + Add a worker button is at the end of the row of worker cards." --show "kcl worker add app worker-3"
NEW=$(sim describe --query "apps.app.workers[?id!='worker-1' && id!='worker-2'].id | [0]")
point worker app/$NEW
say "Watch $NEW's card and the lease table's owners."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='$NEW'])") == 2 --timeout 2m
say "$NEW stole one lease at its first taker run, as it started, and one more at its next run, 20 s later: one steal per run, from the most loaded worker."
ask "When does $NEW stop stealing?" "When it holds 3: the counts are 4, 3, 3, as even as ten leases get" "When it holds 5, as many as the others had" "Never: the workers keep passing leases round" "When the three workers process the same number of records a second" answer 1 because "Each taker run works out a target, ceil(10 / 3) = 4 leases a worker, and steals only from a worker above the target (or at it, while the thief is 2 or more short). At 4, 3, 3 nobody may steal any more. KCL 2.x counts leases, not the traffic in them: a worker with three busy shards and one with three idle ones count the same."
wait 60s
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='$NEW'])") == 3
expect $(sim describe --query "max([length(apps.app.leases[?leaseOwner=='worker-1']), length(apps.app.leases[?leaseOwner=='worker-2'])])") == 4
sim describe --query "apps.app.workers[].[id, length(leases)]" --output text
STEALS=$(sim describe --query apps.app.duplicates_by_reason.steal)
point panel kcl
say "4, 3, 3 and no more steals. Each steal made the new owner start right after the lease's last checkpoint: in the KCL panel, the records processed again with the reason steal went from $STEAL0 (steals while the first two workers started) to $STEALS."
recap "In KCL 2.x a worker that joins finds no free lease, so it steals one lease per 20-second taker run from the most loaded worker. It stops when the lease counts are as even as they get (4, 3, 3 for ten shards and three workers): KCL 2.x balances the number of leases, not the traffic, and every steal processes some records again."
