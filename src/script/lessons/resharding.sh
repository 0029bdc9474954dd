# title: Resharding: splits, merges and the family tree
# summary: Shards are never changed: a split closes a shard and opens two children, a merge closes two and opens one. Closed shards stay readable and point to their children.
# goal: Split and merge shards, read a closed parent shard and find its children, and resize a stream with UpdateShardCount.
step "A stream of two shards"
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
aws kinesis put-record --stream-name orders --partition-key a --data before-the-split
SHARD=$(aws kinesis put-record --stream-name orders --partition-key a --data also-before --query ShardId)
expect $SHARD == shardId-000000000000

step "Split shard 0"
ask "Shard 0 is split in two. What happens to the records already in it?" "They move to the two children" "They stay in shard 0, which is closed but still readable" "They are deleted" answer 2 because "Shards never change. The parent is closed: no new records, but everything in it stays readable until retention passes."
say "Split shard 0 at the middle of its range: 2^126."
aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000000 --new-starting-hash-key 85070591730234615865843651857942052864
expect $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.StreamStatus) == UPDATING
say "While the stream is UPDATING it still shows and serves the old shards. Another reshard is not queued: it is refused with ResourceInUseException until the stream is ACTIVE again."
aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 255211775190703847597530955573826158592
expect $? == 255
wait until status orders ACTIVE --every 1s
aws kinesis list-shards --stream-name orders --query 'Shards[].[ShardId, ParentShardId, SequenceNumberRange.EndingSequenceNumber]' --output text
expect $(aws kinesis list-shards --stream-name orders --query 'length(Shards)') == 4
expect $(aws kinesis list-shards --stream-name orders --query "Shards[?ShardId=='shardId-000000000002'].ParentShardId | [0]") == shardId-000000000000
say "Shard 0 is closed (it has an EndingSequenceNumber); its children 2 and 3 take new records."
SHARD=$(aws kinesis put-record --stream-name orders --partition-key a --data after-the-split --query ShardId)
expect $SHARD == shardId-000000000002

step "The parent is still readable"
PARENT=$(aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
expect $(aws kinesis get-records --shard-iterator $PARENT --query 'length(Records)') == 2
NEXT=$(aws kinesis get-records --shard-iterator $PARENT --query NextShardIterator)
expect $(aws kinesis get-records --shard-iterator $NEXT --query 'length(ChildShards)') == 2
say "At its end a closed shard gives no next iterator but its ChildShards: read them next, parents before children."

step "Merge the children back"
aws kinesis merge-shards --stream-name orders --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003
wait until status orders ACTIVE --every 1s
expect $(aws kinesis list-shards --stream-name orders --query "Shards[?ShardId=='shardId-000000000004'].AdjacentParentShardId | [0]") == shardId-000000000003
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'length(Shards)') == 2

step "UpdateShardCount"
aws kinesis update-shard-count --stream-name orders --target-shard-count 3 --scaling-type UNIFORM_SCALING
say "UpdateShardCount splits and merges shards for you until the open shards are equal in size: here the same ranges CreateStream gives three shards. AWS does not document which shards it makes on the way (it warns of short-lived ones); the ones in between here are Shardlab's model."
wait 40s
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'length(Shards)') == 3
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'Shards[0].HashKeyRange.EndingHashKey') == 113427455640312821154458202477256070484
