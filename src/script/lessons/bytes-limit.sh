# title: Bytes or records: the two write limits
# summary: A shard takes 1 MiB a second or 1,000 records a second, whichever comes first. 600 records a second of 2 KB are under the record limit and over the byte limit.
# goal: Size a stream's shard count from both its records a second and its bytes a second.
step "Small records"
aws kinesis create-stream --stream-name logs --shard-count 1
aws kinesis wait stream-exists --stream-name logs
producer add app --stream logs --rate 600 --size 100 --retry none
wait 10s
say "600 records a second of about 100 bytes: 60 KB a second, well under both of the shard's write limits, 1,000 records and 1 MiB a second."
expect $(sim describe --query producers.app.throttled) == 0

step "Bigger records"
ask "The same 600 records a second now carry 2,000 bytes each. Will the shard refuse some?" "No: 600 is under 1,000 records a second" "Yes: 600 x 2 KB is more than 1 MiB a second" answer 2 because "A shard takes 1 MiB a second or 1,000 records a second, whichever is reached first: 600 records of 2 KB are about 1.2 MB a second."
producer set app --size 2000
wait until throttled logs --timeout 1m
wait 20s
say "Refused with ProvisionedThroughputExceededException while the record count is well under 1,000 a second. Compare the shard's IncomingBytes with its 1 MiB a second on the lane's gauge."
expect $(sim describe --query 'streams.logs.shards[0].totals.WriteProvisionedThroughputExceeded') > 1000
expect $(sim describe --query producers.app.throttled) > 1000

step "How many shards?"
ask "How many shards does 600 records a second of 2 KB need?" "1" "2" "3" answer 2 because "About 1.2 MB a second needs two shards of 1 MiB each, and 600 records a second need one: the larger of the two answers."
# task: the learner sets the shard count (update-shard-count), until OpenShardCount == 2.
aws kinesis update-shard-count --stream-name logs --target-shard-count 2 --scaling-type UNIFORM_SCALING
wait until status logs ACTIVE --every 1s --timeout 5m
wait 5s
BEFORE=$(sim describe --query producers.app.throttled)
wait 20s
expect $(sim describe --query producers.app.throttled) == $BEFORE
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.OpenShardCount) == 2
say "Two shards, about 600 KB a second each: nothing refused. A PutRecord's size counts rounded up to a whole KB against the limit, so 2,000 bytes of data plus the key count as 2 KB; PutRecords rounds the total of its call instead."
# recap: A shard's write limit is two limits, 1,000 records and 1 MiB a second. Size a stream
# by whichever needs more shards: records a second / 1,000, and bytes a second / 1 MiB.
