# Splitting and merging: UPDATING for 5 s on both sides, then the parents closed (an
# EndingSequenceNumber) and the children open with their ParentShardId. A closed shard read
# from LATEST ends at once: Records, no NextShardIterator, and ChildShards (kinesalite lacks
# them, K3).
aws kinesis create-stream --stream-name Reshard --shard-count 2
sleep 3
aws kinesis put-record --stream-name Reshard --partition-key a --data before
aws kinesis split-shard --stream-name Reshard --shard-to-split shardId-000000000000 --new-starting-hash-key 85070591730234615865843651857942052864
aws kinesis describe-stream-summary --stream-name Reshard --query StreamDescriptionSummary.StreamStatus
aws kinesis split-shard --stream-name Reshard --shard-to-split shardId-000000000001 --new-starting-hash-key 255211775190703847597530955573826158592
sleep 6
aws kinesis list-shards --stream-name Reshard
aws kinesis describe-stream-summary --stream-name Reshard --query StreamDescriptionSummary.[StreamStatus,OpenShardCount]
ITERATOR=$(aws kinesis get-shard-iterator --stream-name Reshard --shard-id shardId-000000000000 --shard-iterator-type LATEST --query ShardIterator --output text)
aws kinesis get-records --shard-iterator $ITERATOR
aws kinesis merge-shards --stream-name Reshard --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003
sleep 6
aws kinesis list-shards --stream-name Reshard --query 'Shards[].[ShardId, ParentShardId, AdjacentParentShardId]' --output text
aws kinesis describe-stream --stream-name Reshard --query 'StreamDescription.Shards[?SequenceNumberRange.EndingSequenceNumber == null].ShardId'
