# --output text as the AWS CLI v1 prints it (awscli/text.py): scalars of an object on one
# row in the response's member order, a list of objects as one row each, tagged with the
# list's name in capitals; --query first, then text.
aws kinesis create-stream --stream-name Text --shard-count 2
sleep 3
aws kinesis describe-stream-summary --stream-name Text --output text
aws kinesis list-shards --stream-name Text --output text
aws kinesis list-streams --output text
aws kinesis put-record --stream-name Text --partition-key alpha --data hello --output text
aws kinesis put-record --stream-name Text --partition-key beta --data 'héllo wörld' --output text
aws kinesis put-records --stream-name Text --records Data=one,PartitionKey=alpha Data=two,PartitionKey=beta --output text
aws kinesis get-shard-iterator --stream-name Text --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --output text
ITERATOR=$(aws kinesis get-shard-iterator --stream-name Text --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)
aws kinesis get-records --shard-iterator $ITERATOR --output text
aws kinesis get-records --shard-iterator $ITERATOR --query 'Records[].[PartitionKey, Data]' --output text
aws kinesis list-shards --stream-name Text --query 'Shards[].ShardId' --output text
aws kinesis list-shards --stream-name Text --query 'Shards[].HashKeyRange' --output text
aws kinesis describe-stream-summary --stream-name Text --query 'StreamDescriptionSummary.[StreamName, OpenShardCount, RetentionPeriodHours]' --output text
aws kinesis describe-stream-summary --stream-name Text --query 'StreamDescriptionSummary.OpenShardCount' --output text
aws kinesis describe-stream-summary --stream-name Text --query 'StreamDescriptionSummary.Missing' --output text
