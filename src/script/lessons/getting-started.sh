# title: Getting started: the AWS CLI tutorial
# summary: Create a stream, put a record, read it back with a shard iterator, delete the stream. These are the commands of the AWS tutorial, word for word.
# goal: Create a stream, put a record, read it back with a shard iterator and delete the stream with the AWS CLI.
step "Create a stream"
say "A stream is made of shards. This one has a single shard."
aws kinesis create-stream --stream-name Foo --shard-count 1
aws kinesis describe-stream-summary --stream-name Foo
expect $(aws kinesis describe-stream-summary --stream-name Foo --query StreamDescriptionSummary.StreamStatus) == CREATING
say "A new stream is CREATING for a few moments. Wait, then look again."
wait 5s
aws kinesis describe-stream-summary --stream-name Foo
expect $(aws kinesis describe-stream-summary --stream-name Foo --query StreamDescriptionSummary.StreamStatus) == ACTIVE
aws kinesis list-streams

step "Put a record"
say "--data takes raw text here, as AWS CLI version 1 does; version 2 reads --data as base64 unless you add --cli-binary-format raw-in-base64-out. The answer names the shard and the record's sequence number."
aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata
expect $(sim describe --query 'streams.Foo.shards[0].records') == 1

step "Get a shard iterator and read the records"
say "A shard iterator is a position in a shard. TRIM_HORIZON is the oldest record still kept."
aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo
SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator')
aws kinesis get-records --shard-iterator $SHARD_ITERATOR
say "Data comes back base64-encoded: dGVzdGRhdGE= is testdata."
expect $(aws kinesis get-records --shard-iterator $SHARD_ITERATOR --query 'Records[*].Data' --output text) == dGVzdGRhdGE=

step "Clean up"
aws kinesis delete-stream --stream-name Foo
aws kinesis describe-stream-summary --stream-name Foo
expect $(aws kinesis describe-stream-summary --stream-name Foo --query StreamDescriptionSummary.StreamStatus) == DELETING
wait 5s
aws kinesis describe-stream-summary --stream-name Foo
expect $? == 255
say "Once deleted, the stream is gone: ResourceNotFoundException."
