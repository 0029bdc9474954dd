# title: Bytes or records: the two write limits
# summary: A shard takes 1 MiB a second or 1,000 records a second, whichever comes first. 600 records a second of 2 KB are under the record limit and over the byte limit.
# goal: Size a stream's shard count from both its records a second and its bytes a second.
step "Small records"
show stream producers
aws kinesis create-stream --stream-name logs --shard-count 1
aws kinesis wait stream-exists --stream-name logs
producer add app --stream logs --rate 600 --size 100 --retry none
wait 10s
point shard shardId-000000000000
say "600 records a second of about 100 bytes: 60 KB a second. The lane's two write gauges show them against the shard's two write limits, 1,000 records a second and 1 MiB a second: both well under."
expect $(sim describe --query producers.app.throttled) == 0

step "Bigger records"
ask "The same 600 records a second now carry 2,000 bytes each. Will the shard refuse some?" "No: 600 is under 1,000 records a second" "Yes: 600 x 2 KB is more than 1 MiB a second" answer 2 because "A shard takes 1 MiB a second or 1,000 records a second, whichever is reached first: 600 records of 2 KB are about 1.2 MB a second."
producer set app --size 2000
wait until throttled logs --timeout 1m
wait 20s
point shard shardId-000000000000
say "Refused with ProvisionedThroughputExceededException while the record count is well under 1,000 a second: on this lane, write bytes/s is full at 1 MiB, write records/s shows only about 510 of 1,000, and the other 90 records a second are refused."
expect $(sim describe --query 'streams.logs.shards[0].totals.WriteProvisionedThroughputExceeded') > 1000
expect $(sim describe --query producers.app.throttled) > 1000

step "How many shards?"
ask "How many shards does 600 records a second of 2 KB need?" "1" "2" "3" answer 2 because "About 1.2 MB a second needs two shards of 1 MiB each, and 600 records a second need one: the larger of the two answers."
task "Give logs the shards it needs: in the stream panel, type the count in 'UpdateShardCount to' and press Apply, or press 'Split in half' on the lane" until $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.OpenShardCount) >= 2 --hint-after 20s "Two shards take 2 MiB a second: 'UpdateShardCount to' 2, then Apply (UNIFORM_SCALING)." --show "aws kinesis update-shard-count --stream-name logs --target-shard-count 2 --scaling-type UNIFORM_SCALING"
wait 5s
BEFORE=$(sim describe --query producers.app.throttled)
wait 20s
expect $(sim describe --query producers.app.throttled) == $BEFORE
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.OpenShardCount) >= 2
say "Two shards, about 300 records and 600 KB a second each: nothing refused. A PutRecord's size counts rounded up to a whole KB against the limit, so 2,000 bytes of data plus the key count as 2 KB; PutRecords rounds the total of its call instead."
recap "A shard's write limit is two limits, 1,000 records and 1 MiB a second, and whichever is reached first refuses the write. Size a stream by whichever needs more shards: records a second / 1,000, and bytes a second / 1 MiB."
