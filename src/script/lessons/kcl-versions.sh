# title: KCL 2.x or 3.x
# summary: Two applications read one stream, one on KCL 2.x and one on KCL 3.x, and each gets a third worker: KCL 2.x's workers steal leases one per taker run by lease counts and process records again; KCL 3.x's leader balances by load with graceful handoffs and processes none twice. AWS calls KCL 1.x and 2.x outdated.
# goal: Tell how KCL 2.x and KCL 3.x share leases among workers, what each costs in records processed twice, and which one AWS recommends today.
step "Two applications, two versions"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 6
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 600
kcl app add old --stream s --workers 2 --version 2 --checkpoint every:1000
kcl app add new --stream s --workers 2 --checkpoint every:1000
point panel kcl
say "Two applications read the same six shards, each with its own lease table and two workers: old runs KCL 2.x (kcl app add --version 2) and new runs KCL 3.x (the default). Both record processors checkpoint after the batch that reaches 1,000 records, about every 10 s per shard. The KCL panel's header of each application names its version, and new's names its leader."
wait 5m --fast
LEADER=$(sim describe --query apps.new.leader)
OLD0=$(sim describe --query 'apps.old.duplicates_by_reason.steal || `0`')
NEW0=$(sim describe --query apps.new.duplicates)
expect $(sim describe --query apps.old.version) == 2
expect $(sim describe --query apps.new.version) == 3
expect $(sim describe --query apps.old.leader) == null
expect $LEADER != null
expect $OLD0 > 0
expect $NEW0 == 0
sim describe --query "[apps.old.workers[].[id, length(leases)], apps.new.workers[].[id, length(leases)]]" --output text
point app old
say "Five minutes in, each application has shared its six leases between its two workers. old's workers started together: one took most of the free leases, and the other stole from it until the counts were even: the KCL panel already counts $OLD0 records old processed again (reason steal). In new, $LEADER holds the Leader lock: it assigned the leases and moved them between the workers by handoff, and new has processed $NEW0 records twice."

step "A worker joins KCL 2.x"
show stream kcl console
ask "A third worker joins old (KCL 2.x). How does it get its leases, and what does that cost?" "It steals one lease per taker run (every 20 s) from the worker with the most, until the counts are 2, 2, 2; the records processed since each stolen lease's last checkpoint are processed again" "The leader hands it two leases gracefully; nothing is processed twice" "It waits until a worker dies" "It takes two leases at once, and nothing is processed twice" answer 1 because "In KCL 2.x every worker runs its own lease taker, once at start and then every 20 s. With no free or expired lease it steals from the worker that holds the most, one lease per run by default (maxLeasesToStealAtOneTime 1), until it holds ceil(6 / 3) = 2. A steal takes a live lease: the old owner loses it without checkpointing, and the thief starts right after the last checkpoint."
point app old
task "Add a worker to old: press + Add a worker under old in the KCL panel, or type in the console kcl worker add old worker-3" until $(sim describe --query 'length(apps.old.workers)') >= 3 --hint-after 20s "Under old in the KCL panel, the + Add a worker button is at the end of the row of worker cards." --show "kcl worker add old worker-3"
OLDNEW=$(sim describe --query "apps.old.workers[?id!='worker-1' && id!='worker-2'].id | [0]")
point worker old/$OLDNEW
wait until $(sim describe --query "length(apps.old.leases[?leaseOwner=='$OLDNEW'])") == 2 --timeout 2m
wait 20s
OLD1=$(sim describe --query 'apps.old.duplicates_by_reason.steal || `0`')
expect $OLD1 > $OLD0
expect $(sim describe --query "length(apps.old.leases[?leaseOwner=='$OLDNEW'])") == 2
sim describe --query "apps.old.workers[].[id, length(leases)]" --output text
point panel kcl
say "$OLDNEW stole a lease as it started and another at its next taker run, 20 s later, and stopped at 2, 2, 2. The steals took live leases from their owners: old's records processed again (steal) went from $OLD0 to $OLD1."

step "A worker joins KCL 3.x"
ask "A third worker joins new (KCL 3.x). How does it get its leases, and what does that cost?" "It steals one lease per 20 s, as in KCL 2.x, processing records again" "The leader, at its next balancing runs, moves leases to it because its CPU is far below the fleet's average, by graceful handoff: nothing is processed twice" "Nothing moves: KCL 3.x only reassigns the leases of dead workers" "The new worker asks the leader for a third of the leases" answer 2 because "A KCL 3.x worker takes nothing itself; it reports its CPU every 30 s, and the leader, once a minute, moves load from workers above the fleet's average to workers below it. Each move of a live lease is a graceful handoff: the old owner checkpoints in shutdownRequested, and the new owner starts right after that checkpoint."
point app new
task "Add a worker to new: press + Add a worker under new in the KCL panel, or type in the console kcl worker add new worker-3" until $(sim describe --query 'length(apps.new.workers)') >= 3 --hint-after 20s "Under new in the KCL panel, the + Add a worker button is at the end of the row of worker cards." --show "kcl worker add new worker-3"
NEWNEW=$(sim describe --query "apps.new.workers[?id!='worker-1' && id!='worker-2'].id | [0]")
point worker new/$NEWNEW
wait until $(sim describe --query "length(apps.new.leases[?leaseOwner=='$NEWNEW'])") > 0 --timeout 3m
say "The leader has moved leases to $NEWNEW. Watch the CPU bars of new's workers as their reports come in, every 30 s, and the lease table's owners: once a minute the leader may move leases again, by handoff, while a worker's CPU is more than 10% away from the fleet's average."
wait 3m
sim describe --query "apps.new.workers[].[id, cpu, length(leases)]" --output text
NEW1=$(sim describe --query apps.new.duplicates)
HANDOFF=$(sim describe --query 'apps.new.duplicates_by_reason.handoff || `0`')
expect $NEW1 == 0
expect $HANDOFF == 0
expect $(sim describe --query "length(apps.new.leases[?leaseOwner=='$NEWNEW'])") > 0
point panel kcl
say "The table above is new's workers now: their CPU at the last report and their leases. The leader aims at CPU near the fleet's average, not at equal counts. It sees a move only in later reports (each averages 30 s, and the leader smooths the last ones), so it can give a worker more than its share and move a lease back later: a lease here is worth about 10% of a worker's CPU, and the counts need not come out even. Every move was a handoff: new processed $NEW1 records twice ($HANDOFF by handoff), where old's steals processed $OLD1 again."

step "Which version to use"
ask "Which KCL version does AWS recommend for a new application today?" "KCL 1.x: it is the simplest" "KCL 2.x: it steals leases, so it is the most robust" "KCL 3.x: AWS calls KCL 1.x and 2.x outdated" "Any: they behave the same" answer 3 because "AWS's documentation calls KCL 1.x and 2.x outdated and strongly recommends moving to the latest KCL version; KCL 1.x reached its end of support on January 30, 2026. KCL 3.x balances the workers' real load, and its handoffs move live leases without processing records twice."
sim describe --query "[apps.old.version, apps.old.duplicates, apps.new.version, apps.new.duplicates]" --output text
say "On this run old (KCL 2.x) processed $OLD1 records twice, new (KCL 3.x) $NEW1. Moving a 2.x application to 3.x is a rolling deployment: the 3.x workers start in a mode compatible with KCL 2.x (the 2.x lease taker still runs while the workers already report their metrics), and the leader switches the application to its own assignment once every lease owner has reported metrics for 10 minutes, that is once every worker runs 3.x; the KCL's migration script (KclMigrationTool.py) can roll it back. The workers also need permission to write the new DynamoDB data: the worker metrics and the coordinator state."
recap "KCL 2.x workers share leases by counts: each runs a lease taker every 20 s and steals one live lease at a time, and every steal processes records again. In KCL 3.x an elected leader assigns the leases by the workers' CPU and moves live ones by graceful handoff, without processing them twice. AWS calls KCL 1.x and 2.x outdated and recommends the latest KCL 3.x; a 2.x application moves to it by a rolling deployment that switches over once every worker runs 3.x."
