# title: Getting started: the AWS CLI tutorial
# summary: Create a stream, put a record, read it back with a shard iterator, delete the stream. These are the commands of the AWS CLI tutorial, with describe-stream-summary in place of describe-stream.
# goal: Create a stream, put a record, read it back with a shard iterator and delete the stream with the AWS CLI.
show stream console
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
point shard shardId-000000000000
task "Put a record yourself: type in the console aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata" until $(sim describe --query 'streams.Foo.shards[0].records') >= 1 --hint-after 30s "Click the console, type the line exactly as shown and press Enter." --show "aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata"
say "The record is in the stream's only shard, shardId-000000000000: the answer gave its ShardId and SequenceNumber."
expect $(sim describe --query 'streams.Foo.shards[0].records') >= 1

step "Get a shard iterator and read the records"
say "A shard iterator is a position in a shard. TRIM_HORIZON is the oldest record still kept."
aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo
SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator')
ask "You put the text testdata. What will get-records show as the record's Data?" "testdata" "dGVzdGRhdGE=" "Nothing: a record can only be read once it is a minute old" answer 2 because "The CLI prints a record's Data as base64 in its JSON answer: dGVzdGRhdGE= is testdata encoded. A record is readable as soon as it is stored."
aws kinesis get-records --shard-iterator $SHARD_ITERATOR
expect $(aws kinesis get-records --shard-iterator $SHARD_ITERATOR --query 'Records[0].Data') == dGVzdGRhdGE=

step "Clean up"
aws kinesis delete-stream --stream-name Foo
aws kinesis describe-stream-summary --stream-name Foo
expect $(aws kinesis describe-stream-summary --stream-name Foo --query StreamDescriptionSummary.StreamStatus) == DELETING
wait 5s
aws kinesis describe-stream-summary --stream-name Foo
expect $? == 255
say "Once deleted, the stream is gone: ResourceNotFoundException."
recap "A stream is made of shards: put-record stores a record in one of them and answers with its shard and sequence number. To read, you take a shard iterator (a position, such as TRIM_HORIZON, the oldest record kept) and call get-records with it, which shows the data base64-encoded. Deleting a stream deletes its records with it."
