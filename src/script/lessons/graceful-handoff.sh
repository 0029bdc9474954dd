# title: KCL 3.x: planned moves without duplicates
# summary: A worker stopped gracefully lets its record processor checkpoint in shutdownRequested before it lets go, so its leases' new owners process nothing twice; a crashed worker cannot, and the records it processed after its last checkpoint are processed again. The KCL 3.x leader's own moves are graceful handoffs.
# goal: Tell what a graceful shutdown, a crash and a KCL 3.x leader's handoff each do to the records a worker processed after its last checkpoint.
step "Checkpoints every 30 seconds"
show stream kcl
aws kinesis create-stream --stream-name s --shard-count 4
aws kinesis wait stream-exists --stream-name s
producer add p --stream s --rate 200
kcl app add app --stream s --workers 3 --checkpoint interval:30s
point app app
say "The application app reads four shards with three workers under KCL 3.x (the default of kcl app add). Its record processor checkpoints every 30 s: between two checkpoints a worker processes up to 30 s of a shard's records, 50 a second here, that only it knows it has processed."
wait 340s --fast
LEADER=$(sim describe --query apps.app.leader)
CRASH=$(sim describe --query "sort_by(apps.app.workers[?id!='$LEADER'], &length(leases))[0].id")
GONE=$(sim describe --query "apps.app.workers[?id!='$LEADER' && id!='$CRASH'].id | [0]")
expect $GONE != null
expect $CRASH != null
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
point panel kcl
say "$LEADER is the leader (the leader badge). Each lease row holds the checkpoint its owner last wrote: a new owner starts right after it."

step "A crash"
show stream kcl console
ask "$CRASH crashes (kcl worker kill): the process is gone between two checkpoints. What happens to the records it processed since its last checkpoint?" "Nothing: the KCL calls shutdownRequested first" "Their new owner processes them again: nobody checkpointed them, so it starts right after the last checkpoint" "They are lost" "The leader reads them from $CRASH's memory" answer 2 because "A crashed process runs no shutdownRequested. Its leases expire (the leader sees their leaseCounter still for more than 10 s, failoverTimeMillis), the leader reassigns them, and each new owner starts right after the last checkpoint: up to 30 s of records, 50 a second a shard, are processed a second time. At-least-once, not exactly once."
point worker app/$CRASH
task "Crash $CRASH: press Kill on its card in the KCL panel" until $(sim describe --query "apps.app.workers[?id=='$CRASH'].state | [0]") == dead --hint-after 20s "The Kill button is on $CRASH's card." --show "kcl worker kill app/$CRASH"
say "Watch $CRASH's leases in the lease table: their leaseCounter stops, and nothing happens until the leader sees them expire."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='$CRASH'])") == 0 --timeout 3m
wait 20s
FAILOVER=$(sim describe --query 'apps.app.duplicates_by_reason.failover || `0`')
expect $FAILOVER > 0
expect $FAILOVER <= 3000
point panel kcl
say "The leader reassigned $CRASH's leases after they expired, and $FAILOVER records $CRASH had processed after its last checkpoints were processed again: the KCL panel gives the reason failover."

step "A planned shutdown"
ask "You deploy a new version and stop $GONE gracefully, as a deployment should: the KCL's graceful shutdown (kcl worker remove). What happens to the records $GONE processed since its last checkpoint?" "Their new owner processes them again: it starts from the last checkpoint" "Nothing: the record processor's shutdownRequested checkpoints them before $GONE lets go of each lease, so the new owner starts after them" "They are lost: the new owner starts at the newest record" "$GONE keeps its leases until another worker asks for them" answer 2 because "A graceful shutdown sends each of the worker's shard consumers to SHUTDOWN_REQUESTED: the batch in flight finishes, the KCL calls the record processor's shutdownRequested, where the application checkpoints (the lease is still its own, so it may), and the worker drops its lease. It does not write the lease over to anyone: in KCL 3.x the leader reassigns it once it has expired, as after a crash, and may wait until the stopped worker's last metrics report is 60 s old, since until then it still counts the worker as active. The new owner starts right after the final checkpoint, so nothing is processed twice."
point worker app/$GONE
task "Stop $GONE gracefully: press Remove on its card in the KCL panel, or type in the console kcl worker remove app/$GONE" until $(sim describe --query "length(apps.app.workers[?id=='$GONE'])") == 0 --hint-after 20s "The Remove button is on $GONE's card, beside Kill: Remove is the graceful shutdown, Kill a crash." --show "kcl worker remove app/$GONE"
say "$GONE checkpointed in shutdownRequested and stopped. Its leases still name it as leaseOwner, and their leaseCounter no longer moves: the leader reassigns them once they expire."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='$GONE'])") == 0 --timeout 2m
wait 20s
GRACEFUL=$(sim describe --query apps.app.duplicates)
expect $GRACEFUL == $FAILOVER
sim describe --query 'apps.app.leases[].[leaseKey, leaseOwner, checkpoint]' --output text
point panel kcl
say "The leader reassigned $GONE's leases, and the KCL panel's processed-again count is still $GRACEFUL, all from the crash: each new owner started right after the checkpoint $GONE wrote in shutdownRequested."

step "The leader's moves"
ask "A new worker joins, and the leader moves leases to it while their owner is processing them. Are records processed twice?" "Yes, as after a KCL 2.x steal: the new owner starts from the last checkpoint" "No: the leader hands each lease over gracefully, and the old owner checkpoints in shutdownRequested before the new owner starts" "No: the leader waits for the old owner to crash" answer 2 because "With graceful handoff on, as it is by default, a KCL 3.x leader does not take a live lease away. It writes leaseOwner = the new owner and checkpointOwner = the old one; the old owner's next renewal fails on that, its record processor's shutdownRequested checkpoints, and it writes the lease over and removes checkpointOwner. The new owner starts right after that checkpoint, seconds later, with no expiry to wait for."
task "Add a worker: press + Add a worker in the KCL panel, or type in the console kcl worker add app worker-4" until $(sim describe --query "length(apps.app.workers[?state=='running'])") >= 2 --hint-after 20s "The + Add a worker button is at the end of the row of worker cards." --show "kcl worker add app worker-4"
NEW=$(sim describe --query "apps.app.workers[?state=='running' && id!='$LEADER'] | [-1].id")
point worker app/$NEW
wait until $(sim describe --query "length(apps.app.leases[?checkpointOwner])") > 0 --timeout 4m
sim describe --query "apps.app.leases[?checkpointOwner].[leaseKey, leaseOwner, checkpointOwner]" --output text
say "A handoff in progress: leaseOwner already names $NEW, and checkpointOwner names the worker that still holds the lease until its shutdownRequested has checkpointed (the row reads 'handing over')."
wait until $(sim describe --query "length(apps.app.leases[?leaseOwner=='$NEW' && !checkpointOwner])") > 0 --timeout 2m
wait 20s
NEWLEASES=$(sim describe --query "length(apps.app.leases[?leaseOwner=='$NEW'])")
expect $NEWLEASES > 0
expect $(sim describe --query 'apps.app.duplicates_by_reason.handoff || `0`') == 0
expect $(sim describe --query 'apps.app.duplicates_by_reason.failover || `0`') == $FAILOVER
point panel kcl
say "$NEW owns $NEWLEASES lease(s) now, and the processed-again count is still $FAILOVER, all of it from the crash: the handoffs added none."
recap "Stopped gracefully (kcl worker remove), a worker's record processor checkpoints in shutdownRequested before the worker lets go, so the next owner processes nothing twice; in KCL 3.x its leases still wait to expire before the leader reassigns them. A crashed worker checkpoints nothing more, so what it processed after its last checkpoint is processed again (failover). The KCL 3.x leader moves live leases by graceful handoff (checkpointOwner, then shutdownRequested), also without duplicates."
