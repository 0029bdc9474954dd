# Errors the service returns, as the AWS CLI v1 shows them: a blank line, then
# "An error occurred (Name) when calling the Action operation: message" on stderr, exit 255.
aws kinesis describe-stream --stream-name Nope
echo $?
aws kinesis describe-stream-summary --stream-name Nope
aws kinesis delete-stream --stream-name Nope
aws kinesis put-record --stream-name Nope --partition-key a --data x
aws kinesis create-stream --stream-name Errors --shard-count 2
aws kinesis put-record --stream-name Errors --partition-key a --data x
aws kinesis split-shard --stream-name Errors --shard-to-split shardId-000000000000 --new-starting-hash-key 1
aws kinesis create-stream --stream-name Errors --shard-count 1
sleep 3
aws kinesis create-stream --stream-name Errors --shard-count 1
aws kinesis get-shard-iterator --stream-name Errors --shard-id shardId-000000000009 --shard-iterator-type LATEST
aws kinesis get-shard-iterator --stream-name Errors --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER
aws kinesis get-shard-iterator --stream-name Errors --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number 12345
aws kinesis get-shard-iterator --stream-name Errors --shard-id shardId-000000000000 --shard-iterator-type AT_TIMESTAMP
# "0" is an InternalFailure (HTTP 500) on AWS: the CLI retries it four times, sleeping up to
# 15 s in all, then says so: "(reached max retries: 4)".
aws kinesis get-shard-iterator --stream-name Errors --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number 0
aws kinesis get-shard-iterator --stream-name Errors --shard-id 1 --shard-iterator-type LATEST --query 'length(ShardIterator) > `0`'
aws kinesis get-shard-iterator --stream-name Errors --shard-id 00001 --shard-iterator-type LATEST --query 'length(ShardIterator) > `0`'
aws kinesis get-records --shard-iterator bogus
aws kinesis get-records --shard-iterator AAAAAAAAAAFbogus
aws kinesis put-record --stream-name Errors --partition-key a --data x --explicit-hash-key 999999999999999999999999999999999999999
aws kinesis put-record --stream-name Errors --partition-key a --data x --sequence-number-for-ordering abc
aws kinesis split-shard --stream-name Errors --shard-to-split shardId-000000000000 --new-starting-hash-key 0
aws kinesis split-shard --stream-name Errors --shard-to-split shardId-000000000007 --new-starting-hash-key 5
aws kinesis merge-shards --stream-name Errors --shard-to-merge shardId-000000000000 --adjacent-shard-to-merge shardId-000000000009
aws kinesis increase-stream-retention-period --stream-name Errors --retention-period-hours 12
aws kinesis decrease-stream-retention-period --stream-name Errors --retention-period-hours 48
aws kinesis decrease-stream-retention-period --stream-name Errors --retention-period-hours 12
aws kinesis create-stream --stream-name 'bad name!' --shard-count 1
aws kinesis create-stream --stream-name xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx --shard-count 1
aws kinesis list-shards --stream-name Errors --next-token abc
aws kinesis describe-stream-summary
aws kinesis describe-stream-summary --stream-name Nope --output text
