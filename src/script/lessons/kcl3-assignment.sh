# title: KCL 3.x: a leader assigns leases by load
# summary: In KCL 3.x one worker, elected through a lock in a DynamoDB table, assigns every lease. The workers report their CPU every 30 s, and the leader moves leases off a worker busier than the fleet's average by a graceful handoff, so nothing is processed twice: it balances load, not lease counts.
# goal: Predict how a KCL 3.x leader rebalances leases when one worker gets busy: by CPU load rather than lease counts, and without processing records twice.
step "Three workers, one leader"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 6
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 600
kcl app add app --stream s --workers 3 --checkpoint every:1000
point app app
say "The application app reads six shards with three workers under KCL 3.x, the default of kcl app add and the version AWS recommends today. Its record processor checkpoints after the batch that reaches 1,000 records: about every 10 s per shard."
ask "In KCL 3.x, who decides which worker holds which lease?" "Each worker for itself: it takes free leases and steals from the worker with the most, as in KCL 2.x" "One worker, the leader, elected through a lock in a DynamoDB table: it assigns the leases, and the other workers renew theirs and look for new ones assigned to them" "Kinesis Data Streams, when the workers call GetRecords" "Nobody: each worker reads every shard" answer 2 because "KCL 3.x has no lease taker. Every worker tries to take the Leader lock, an item in the application's coordinator state table (an item of the lease table itself in KCL 3.5's single-table format, which an application opts into), and the one that holds it runs the lease assignment manager every 20 s: it hands out unowned and expired leases and balances the load. The other workers keep renewing their leases and query the lease table's LeaseOwnerToLeaseKeyIndex about every 10 s for leases assigned to them."
wait 8m --fast
LEADER=$(sim describe --query apps.app.leader)
expect $LEADER != null
C1=$(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])")
C2=$(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2'])")
C3=$(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-3'])")
expect $(sim describe --query "length(apps.app.leases[?leaseOwner])") == 6
expect $C1 > 0
point worker app/$LEADER
say "$LEADER holds the Leader lock: the leader badge is on its card. It processes shards like the others and also assigns every lease: eight minutes in, worker-1, worker-2 and worker-3 hold $C1, $C2 and $C3 leases."

step "What the leader balances"
show stream kcl console
sim describe --query "apps.app.workers[].[id, cpu, length(leases)]" --output text
point panel kcl
say "Each worker samples its CPU every second and every 30 s writes the average to a worker metrics table (rows of the lease table in KCL 3.5's opt-in single-table format); its card's CPU bar shows its last report. The leader reads the reports, and each renewal writes the lease's throughput (the throughputKBps column). Every third run of the lease assignment manager, once a minute, it balances: a worker whose CPU is more than 10% above or below the fleet's average is out of balance."
ask "The host of worker-1 gets busy with other work: 70% of its CPU. What does the leader do?" "Nothing: the leader balances lease counts, and those have not changed" "It moves leases off worker-1 at its balancing runs, part of the gap each time, to the workers below the average, handing each one over gracefully" "It waits until worker-1's leases expire and then reassigns them" "worker-1 gives its leases away by itself" answer 2 because "worker-1's next report puts it far above the fleet's average. At each balancing run the leader takes part of the gap off it (60% of it, turned into throughput and made up of leases) and assigns those leases to the workers below the average. It stops when worker-1 is back within 10% of the average or has nothing left to give, whatever the lease counts say. Each move is a graceful handoff: the lease is live, so no expiry is waited for."
point worker app/worker-1
task "Make worker-1 busy: type in the console kcl worker load app/worker-1 70" until $(sim describe --query "apps.app.workers[?id=='worker-1'].cpu | [0]") > 60 --hint-after 20s "The console is the line at the bottom of the page: type the command there and press Enter." --show "kcl worker load app/worker-1 70"
CPU=$(sim describe --query "apps.app.workers[?id=='worker-1'].cpu | [0]")
say "worker-1's CPU bar reads $CPU% at its first report since the load began. Watch the lease table: at the leader's next balancing run a lease leaves worker-1."
wait until $(sim describe --query "length(apps.app.leases[?checkpointOwner])") > 0 --timeout 4m
sim describe --query "apps.app.leases[?checkpointOwner].[leaseKey, leaseOwner, checkpointOwner]" --output text
MOVING=$(sim describe --query "apps.app.leases[?checkpointOwner].leaseKey | [0]")
TO=$(sim describe --query "apps.app.leases[?checkpointOwner].leaseOwner | [0]")
FROM=$(sim describe --query "apps.app.leases[?checkpointOwner].checkpointOwner | [0]")
expect $FROM == worker-1
point lease $MOVING
say "The handoff has begun: the leader wrote $MOVING's leaseOwner as $TO and its checkpointOwner as worker-1 (the row reads 'handing over from worker-1 to $TO'). worker-1 still holds the lease, and only it may checkpoint it while checkpointOwner names it."
ask "worker-1 had processed records of $MOVING since its last checkpoint. Will $TO process them again, as after a KCL 2.x steal?" "Yes: a new owner always starts from the last checkpoint, so some records come twice" "No: worker-1's renewal fails on checkpointOwner, its record processor's shutdownRequested checkpoints what it processed, and $TO starts right after that checkpoint" "No: $TO starts at the newest record and skips the rest" answer 2 because "worker-1's next renewal (every 3.3 s) requires checkpointOwner to be absent, so it fails, and that is how worker-1 learns of the handoff. The KCL calls its record processor's shutdownRequested, where the application checkpoints; then worker-1 writes the lease over to $TO and removes checkpointOwner. $TO finds the lease at its next look (about every 10 s) and starts right after worker-1's last checkpoint. If shutdownRequested took more than 30 s the KCL would transfer the lease anyway."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])") == 0 --timeout 6m
wait 30s
sim describe --query "apps.app.workers[].[id, cpu, length(leases)]" --output text
W2=$(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2'])")
W3=$(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-3'])")
HANDOFF=$(sim describe --query 'apps.app.duplicates_by_reason.handoff || `0`')
STEAL=$(sim describe --query 'apps.app.duplicates_by_reason.steal || `0`')
expect $(sim describe --query "apps.app.workers[?id=='worker-1'].cpu | [0]") >= 70
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-1'])") == 0
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='worker-2' || leaseOwner=='worker-3'])") == 6
expect $(sim describe --query apps.app.duplicates) == 0
expect $HANDOFF == 0
expect $STEAL == 0
point panel kcl
say "Over the leader's next balancing runs worker-1 gave up its leases and now holds none: its background load alone keeps it above the fleet's average, and it has nothing left to give. The others hold $W2 and $W3. KCL 2.x would call that unbalanced (it aims at two leases each), but KCL 3.x balances CPU. The KCL panel counts no record processed again: $HANDOFF by handoff, $STEAL by steal."

step "When the leader dies"
ask "Now $LEADER, the leader, crashes. What happens to the Leader lock?" "Another worker takes it at once" "It stays with the dead leader until its lease on the lock lapses, 120 s without a heartbeat; then another worker takes it" "Nobody leads any more: the application stops" "The lease table picks a leader at random" answer 2 because "The lock is itself a lease, 120 s long, which the leader's heartbeat renews every 30 s. Nobody can take it until it lapses, so for about two minutes nobody assigns leases, and the dead leader's own leases wait too. Then another worker takes the lock, and its first runs of the lease assignment manager reassign them: about 2.5 to 3 minutes after the crash."
point worker app/$LEADER
task "Crash the leader: press Kill on $LEADER's card in the KCL panel" until $(sim describe --query "apps.app.workers[?id=='$LEADER'].state | [0]") == dead --hint-after 20s "The Kill button is on $LEADER's card, the one with the leader badge." --show "kcl worker kill app/$LEADER"
wait until $(sim describe --query apps.app.leader) != $LEADER --timeout 5m
NEWLEADER=$(sim describe --query apps.app.leader)
point worker app/$NEWLEADER
say "$NEWLEADER took the Leader lock once the dead leader's lock lapsed: the leader badge moved to its card."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='$LEADER'])") == 0 --timeout 3m
expect $(sim describe --query "length(apps.app.leases[?leaseOwner=='$LEADER'])") == 0
say "The new leader reassigned the dead leader's leases. A crash is not a handoff: nobody called shutdownRequested, so the new owners start right after the last checkpoints $LEADER wrote. Watch the KCL panel's processed-again count."
wait until $(sim describe --query 'apps.app.duplicates_by_reason.failover || `0`') > 0 --timeout 1m
wait 10s
FAILOVER=$(sim describe --query 'apps.app.duplicates_by_reason.failover || `0`')
expect $FAILOVER > 0
expect $(sim describe --query 'apps.app.duplicates_by_reason.handoff || `0`') == 0
say "$FAILOVER records that $LEADER had processed after its last checkpoints were processed again by their new owners: the panel gives the reason failover. The handoffs before processed none twice."
recap "In KCL 3.x one worker, elected through the Leader lock, assigns every lease; the workers report their CPU every 30 s and each lease's throughput as they renew. Once a minute the leader moves part of the load off any worker more than 10% from the fleet's average, by CPU rather than lease count, through a graceful handoff (checkpointOwner, shutdownRequested), so no record is processed twice. A crashed leader holds the lock for up to 120 s, so its leases wait longer than other workers' do."
