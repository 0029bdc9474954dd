# title: The KPL: collection and aggregation
# summary: Each shard accepts at most 1,000 records a second however small they are, so thousands of tiny records a second are throttled long before 1 MiB/s. The Kinesis Producer Library's aggregation packs many user records into one Kinesis record so they fit, for the price of a short wait in its buffer.
# goal: Tell when a shard's record count, not its bytes, throttles a producer, and make 4,000 tiny records a second fit in one shard with KPL aggregation.
show stream producers console
step "4,000 tiny records a second"
aws kinesis create-stream --stream-name clicks --shard-count 1
aws kinesis wait stream-exists --stream-name clicks
say "The stream clicks has one shard. A shard takes writes of up to 1 MiB/s and up to 1,000 records/s. Click events are small: 50 bytes each."
ask "A producer sends 4,000 click events of 50 bytes a second (200 KB/s, a fifth of the shard's 1 MiB/s) in PutRecords calls of up to 500. How many does the shard take?" "All 4,000: they are far under 1 MiB/s" "About 1,000 a second: a shard takes 1,000 records a second whatever their size" "About 2,000 a second" answer 2 because "A shard's write limit is 1 MiB/s or 1,000 records/s, whichever comes first. Tiny records reach the record count long before the bytes, so about 3,000 a second are refused with ProvisionedThroughputExceededException, however few calls carry them."
producer add sdk --stream clicks --rate 4000 --size 50 --batch 500 --linger 100ms --retry none
point producer sdk
wait 10s
TAKEN=$(sim describe --query 'streams.clicks.shards[0].totals.IncomingRecords')
BYTES=$(sim describe --query 'streams.clicks.shards[0].totals.IncomingBytes')
expect $TAKEN <= 11500
expect $(sim describe --query 'producers.sdk.failed') > 20000
say "In 10 s the shard took $TAKEN of the 40,000 records, about 1,000 a second (a little more at first, the unused second before), and only $BYTES bytes: about 60 KB a second, a sixteenth of what its bytes limit allows. The rest were refused."

step "The KPL collects"
producer remove sdk
ask "The Kinesis Producer Library (KPL) collects records into PutRecords calls and retries refused ones for you. With collection alone, how many of the 4,000 a second get in?" "All of them: fewer calls mean fewer throttles" "Still about 1,000 a second: each record is still one Kinesis record, and the rest wait in the KPL's buffer" "None: the KPL stops when it is throttled" answer 2 because "Collection saves requests, not records: a PutRecords call of 500 records counts as 500 against the 1,000 a second. The KPL holds itself at 150% of each shard's limits (its RateLimit), retries what is refused, and keeps the rest in its buffer until they get in or their RecordTtl, 30 s by default, runs out: then they fail as Expired."
producer add kpl --stream clicks --rate 4000 --size 50 --kpl
point producer kpl
wait 40s --fast
BUFFERED=$(sim describe --query 'producers.kpl.buffered')
EXPIRED=$(sim describe --query 'producers.kpl.expired')
expect $BUFFERED > 50000
expect $EXPIRED > 0
PUT=$(sim describe --query 'producers.kpl.user_records_put')
expect $PUT <= 45000
sim describe --query 'producers.kpl.[user_records, user_records_put, buffered, expired]' --output text
say "Of the 160,000 user records made in 40 s, $PUT got in, each a Kinesis record of its own: about 1,000 a second. $BUFFERED wait in the KPL's buffer, and $EXPIRED have already failed as Expired, 30 s after they were made."

step "Aggregation"
producer remove kpl
say "The producer kpl is gone, and with it everything in its buffer."
ask "With aggregation on, the KPL packs user records into one Kinesis record of up to 51,200 bytes (its AggregationMaxSize). About how many Kinesis records a second will carry the 4,000 click events?" "4,000" "About 10: each holds hundreds of click events, and only the Kinesis records count against the 1,000 a second" "1,000, the shard's limit" answer 2 because "An aggregated record is one record for the shard, of its full size: 4,000 events of 50 bytes (and a few bytes of packing each) are about 8 to 10 Kinesis records a second, far under 1,000, and 220 KB/s, far under 1 MiB/s."
task "Add a producer agg that sends the same 4,000 records of 50 bytes a second through the KPL with aggregation: producer add agg --stream clicks --rate 4000 --size 50 --kpl --aggregate" until $(sim describe --query 'producers.agg.user_records') > 0 --hint-after 30s "Type the command in the console: it is the producer kpl's with --aggregate added." --show "producer add agg --stream clicks --rate 4000 --size 50 --kpl --aggregate"
point producer agg
wait 30s
USER=$(sim describe --query 'producers.agg.user_records_put')
KINESIS=$(sim describe --query 'producers.agg.kinesis_records')
expect $(sim describe --query 'producers.agg.kinesis_records_throttled') == 0
expect $(sim describe --query 'producers.agg.expired') == 0
expect $KINESIS < 600
sim describe --query 'producers.agg.[user_records_put, kinesis_records, latency_ms_mean, latency_ms_max]' --output text
say "Every user record got in: $USER user records in $KINESIS Kinesis records, none refused. The price is the wait: each user record sat up to RecordMaxBufferedTime (100 ms by default) in the KPL's buffer while its aggregate filled, 50 ms on average (latency_ms_mean)."

step "What a consumer sees"
ask "A plain GetRecords reads the shard. What does it get?" "The click events one by one" "Aggregated records: binary data starting with the KPL's magic number, under the partition key a" answer 2 because "Kinesis stores what it was given: one record per aggregate. The KPL sends each with PartitionKey a and the first user record's hash key as ExplicitHashKey, so the whole aggregate goes to that record's shard. Only a reader that de-aggregates (the KCL, or the KPL's de-aggregation module) sees the user records."
ITERATOR=$(aws kinesis get-shard-iterator --stream-name clicks --shard-id shardId-000000000000 --shard-iterator-type LATEST --query ShardIterator --output text)
wait 1s
aws kinesis get-records --shard-iterator $ITERATOR --limit 1 --query 'Records[0].[PartitionKey, Data]' --output text
say "The Data starts with 84mawg: base64 for F3 89 9A C2, the magic number of the KPL's aggregated record format, followed by a protobuf message holding the user records and an MD5 checksum."
kcl app add app --stream clicks --workers 1 --initial-position LATEST
point app app
say "A new KCL application first waits up to 30 s for its lease table (KCL 2.x and 3.x alike). Under KCL 3.x, the default of kcl app add, its elected leader then assigns the leases once the workers have reported their metrics, and each worker finds its own: the first records can take about a minute."
wait until $(sim describe --query 'apps.app.user_records') > 0 --timeout 2m
wait 10s
expect $(sim describe --query 'apps.app.user_records') > 30000
sim describe --query 'apps.app.[processed, user_records]' --output text
say "The KCL application app de-aggregates: its record processor gets each click event as a record of its own, with a sub-sequence number (its place in the aggregate), and checkpoints at a sequence number and a sub-sequence number (checkpointSubSequenceNumber in the lease table)."
recap "A shard takes 1,000 records a second however small they are. Collecting records into PutRecords calls saves requests, not records; aggregation packs many user records into one Kinesis record, so tiny records fit by the thousand, at the price of up to RecordMaxBufferedTime (100 ms) in the KPL's buffer. Readers see the aggregates; the KCL de-aggregates them for the record processor."
