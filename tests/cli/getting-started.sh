# The AWS CLI tutorial's steps, as src/script/lessons/getting-started.sh runs them:
# https://docs.aws.amazon.com/streams/latest/dev/fundamental-stream.html
# Run by scripts/cli-compare through the real AWS CLI v1 (bash, kinesalite) and through
# `shardlab run --per-command`; every command must print the same bytes on both.
# `sleep 3` waits out CREATING and DELETING (2 s on both sides).
aws kinesis create-stream --stream-name Foo --shard-count 1
aws kinesis describe-stream-summary --stream-name Foo
sleep 3
aws kinesis describe-stream-summary --stream-name Foo
# The waiter finds the stream ACTIVE at its first DescribeStream: silent, exit 0.
aws kinesis wait stream-exists --stream-name Foo
aws kinesis list-streams
aws kinesis put-record --stream-name Foo --partition-key 123 --data testdata
aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo
# The tutorial's form: bash keeps the JSON quotes of the iterator, and AWS accepts them.
SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator')
aws kinesis get-records --shard-iterator $SHARD_ITERATOR
# What a shell user writes instead: --output text gives the bare iterator.
SHARD_ITERATOR=$(aws kinesis get-shard-iterator --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --stream-name Foo --query 'ShardIterator' --output text)
aws kinesis get-records --shard-iterator $SHARD_ITERATOR --query 'Records[*].Data' --output text
aws kinesis get-records --shard-iterator $SHARD_ITERATOR --output text
aws kinesis delete-stream --stream-name Foo
aws kinesis describe-stream-summary --stream-name Foo
sleep 3
aws kinesis describe-stream-summary --stream-name Foo
echo $?
aws kinesis wait stream-not-exists --stream-name Foo
