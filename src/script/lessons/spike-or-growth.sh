# title: Spike or growth?
# summary: A shard's limits hold every second, not on average. A short burst is refused for a moment and gets in on the producer's retries; traffic that keeps growing needs more shards.
# goal: Tell from the charts whether throttling is a burst that retries absorb or growth that needs more shards, and act on it.
step "Steady traffic"
show stream producers charts
aws kinesis create-stream --stream-name clicks --shard-count 2
aws kinesis wait stream-exists --stream-name clicks
producer add web --stream clicks --rate 1200 --retry backoff --attempts 10
wait 20s
point producer web
say "1,200 records a second over two shards: about 600 each, of their 1,000. The producer web resends refused records with exponential backoff, up to 10 attempts each."
expect $(sim describe --query producers.web.throttled) == 0

step "A burst"
ask "For 3 seconds the traffic jumps to 3,000 a second, then falls back. Over the minute that averages under 1,300 a second, within the two shards' 2,000. Can records be refused?" "No: the minute's average is under the limit" "Yes: the limit holds for every second, and for 3 seconds it is exceeded" answer 2 because "A shard's limits are per second. CloudWatch shows one-minute sums, so a short burst that is refused can hide inside a minute that looks fine."
producer set web --rate 3000
wait 3s
producer set web --rate 1200
wait 30s
sim describe --query 'producers.web.{throttled: throttled, retried: retried, failed: failed}'
expect $(sim describe --query producers.web.throttled) > 0
expect $(sim describe --query producers.web.failed) == 0
point chart producers
say "On this chart, 'web throttled' jumps for a few seconds and falls back to 0, and 'web succeeded' catches up: every refused record got in on a retry, nothing lost. A burst like this needs no new shards, only a producer that retries with backoff."

step "Growth"
ask "Now the traffic grows to 3,000 a second and stays there. Will the retries absorb it again?" "Yes, with enough attempts" "No: every second brings more than the shards take, so the backlog of retries only grows" answer 2 because "Retries only move records to a later second. When every second is over the limit, there is no later second with room."
producer set web --rate 3000
wait until $(sim describe --query producers.web.failed) > 0 --timeout 2m
wait 30s
expect $(sim describe --query producers.web.failed) > 1000
point chart WriteProvisionedThroughputExceeded
say "Both shards refuse records every second, and records are dropped after their 10 attempts (the count of 'failed' on web's form in the producers panel). This is growth: the stream needs more shards. Three shards of 1,000 would each be exactly at their limit, with no room for the retries or for keys that do not spread perfectly evenly; four give each about 750 a second."
task "Scale clicks to 4 shards: in the stream panel, type 4 in 'UpdateShardCount to' and press Apply, or press 'Split in half' on both lanes" until $(aws kinesis describe-stream-summary --stream-name clicks --query StreamDescriptionSummary.OpenShardCount) >= 4 --hint-after 30s "'UpdateShardCount to' under the lanes already says 4: press Apply (UNIFORM_SCALING)." --show "aws kinesis update-shard-count --stream-name clicks --target-shard-count 4 --scaling-type UNIFORM_SCALING"
wait until status clicks ACTIVE --every 1s --timeout 5m
wait 60s
BEFORE=$(sim describe --query producers.web.throttled)
wait 30s
sim describe --query 'producers.web.{throttled: throttled, pending_retries: pending_retries}'
expect $(sim describe --query producers.web.throttled) == $BEFORE
point chart WriteProvisionedThroughputExceeded
say "Four shards, about 750 records a second each: the refusals stop on this chart once the retries queued during the growth have got in, and nothing is refused any more."
recap "Throttling for a moment that retries absorb is a spike; throttling that keeps up, with records that fail after their last retry, is growth, and the fix is more shards. Limits hold every second: a minute's average can hide a burst, so watch the throttling metrics (WriteProvisionedThroughputExceeded, PutRecords.ThrottledRecords), not the average rate."
