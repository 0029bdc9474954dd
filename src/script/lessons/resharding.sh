# title: Resharding: splits, merges and the family tree
# summary: Shards are never changed: a split closes a shard and opens two children, a merge closes two and opens one. Closed shards stay readable and point to their children.
# goal: Split and merge shards, read a closed parent shard and find its children, and resize a stream with UpdateShardCount.
show stream console
step "A stream of two shards"
aws kinesis create-stream --stream-name orders --shard-count 2
aws kinesis wait stream-exists --stream-name orders
aws kinesis put-record --stream-name orders --partition-key a --data before-the-split
SHARD=$(aws kinesis put-record --stream-name orders --partition-key a --data also-before --query ShardId)
expect $SHARD == shardId-000000000000
say "Two records with the key a, both in shard 0."

step "Split shard 0"
say "A split closes a shard and opens two children, each with part of its hash key range. The lane's 'Split in half' button splits at the middle of the range: here 2^126."
ask "Right after your split, while the stream is UPDATING, the lesson asks for a second split, of shard 1. What happens?" "It waits its turn and runs once the first is done" "It is refused with ResourceInUseException" "Both splits run at once" answer 2 because "A stream reshards one operation at a time. While it is UPDATING, another SplitShard, MergeShards or UpdateShardCount is not queued: it is refused with ResourceInUseException, and you try again once the stream is ACTIVE."
point shard shardId-000000000000
task "Split shard 0 in two: press 'Split in half' on its lane, shardId-000000000000" until $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.StreamStatus) == UPDATING --hint-after 20s "The 'Split in half' button is on the first lane, shardId-000000000000." --show "aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000000 --new-starting-hash-key 85070591730234615865843651857942052864"
say "While the stream is UPDATING it still shows and serves the old shards. Now a second split:"
aws kinesis split-shard --stream-name orders --shard-to-split shardId-000000000001 --new-starting-hash-key 255211775190703847597530955573826158592
expect $? == 255
wait until status orders ACTIVE --every 1s
aws kinesis list-shards --stream-name orders --query 'Shards[].[ShardId, ParentShardId, SequenceNumberRange.EndingSequenceNumber]' --output text
expect $(aws kinesis list-shards --stream-name orders --query 'length(Shards)') == 4
expect $(aws kinesis list-shards --stream-name orders --query "Shards[?ShardId=='shardId-000000000002'].ParentShardId | [0]") == shardId-000000000000
say "Shard 0 is closed (it has an EndingSequenceNumber); its children 2 and 3 take new records. The key a now goes to child 2:"
SHARD=$(aws kinesis put-record --stream-name orders --partition-key a --data after-the-split --query ShardId)
echo "a went to $SHARD"
expect $SHARD == shardId-000000000002

step "The parent is still readable"
ask "What happened to the two records that were in shard 0 before the split?" "They moved to the two children" "They stay in shard 0, which is closed but still readable" "They were deleted" answer 2 because "Shards never change. The parent is closed: no new records, but everything in it stays readable until the retention period passes."
PARENT=$(aws kinesis get-shard-iterator --stream-name orders --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
aws kinesis get-records --shard-iterator $PARENT --query 'Records[].Data'
expect $(aws kinesis get-records --shard-iterator $PARENT --query 'length(Records)') == 2
NEXT=$(aws kinesis get-records --shard-iterator $PARENT --query NextShardIterator)
aws kinesis get-records --shard-iterator $NEXT --query 'ChildShards[].ShardId'
expect $(aws kinesis get-records --shard-iterator $NEXT --query 'length(ChildShards)') == 2
say "Both records are still in shard 0 (base64 of before-the-split and also-before). At its end a closed shard gives no next iterator but its ChildShards: read them next, parents before children, to keep each key's records in order."

step "Merge the children back"
show stream console history
point shard shardId-000000000002
task "Merge shards 2 and 3: select the lanes shardId-000000000002 and shardId-000000000003 and press Merge selected" until $(aws kinesis describe-stream-summary --stream-name orders --query StreamDescriptionSummary.OpenShardCount) <= 2 --hint-after 30s "Or in the console: aws kinesis merge-shards --stream-name orders --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003" --show "aws kinesis merge-shards --stream-name orders --shard-to-merge shardId-000000000002 --adjacent-shard-to-merge shardId-000000000003"
wait until status orders ACTIVE --every 1s
aws kinesis list-shards --stream-name orders --query 'Shards[].[ShardId, ParentShardId, AdjacentParentShardId]' --output text
expect $(aws kinesis list-shards --stream-name orders --query "Shards[?ShardId=='shardId-000000000004'].AdjacentParentShardId | [0]") == shardId-000000000003
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'length(Shards)') == 2
say "A merge closes both shards and opens one, shard 4, with both as parents: ParentShardId 2 and AdjacentParentShardId 3. Five shards in the stream's history, two of them open."

step "UpdateShardCount"
ask "UpdateShardCount asks for 3 shards with UNIFORM_SCALING. The two open shards each cover half of the hash key space. What do you get?" "Three open shards of equal size" "Three open shards: one half split in two, the other left whole" "An error: 3 does not divide the key space evenly" answer 1 because "UpdateShardCount with UNIFORM_SCALING splits and merges shards for you until the open shards are equal in size, whatever they were before."
aws kinesis update-shard-count --stream-name orders --target-shard-count 3 --scaling-type UNIFORM_SCALING
wait until status orders ACTIVE --every 1s
aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'Shards[].[ShardId, HashKeyRange.StartingHashKey, HashKeyRange.EndingHashKey]' --output text
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'length(Shards)') == 3
expect $(aws kinesis list-shards --stream-name orders --shard-filter Type=AT_LATEST --query 'Shards[0].HashKeyRange.EndingHashKey') == 113427455640312821154458202477256070484
say "Three equal ranges, the ones CreateStream gives three shards. AWS does not document which shards it makes on the way (it warns of short-lived ones); the ones in between here are Shardlab's model."
recap "A split closes a shard and opens two children; a merge closes two adjacent shards and opens one; one reshard at a time, the next is refused while the stream is UPDATING. Closed shards keep their records until retention passes and end with ChildShards, so a reader finishes the parent before its children. UpdateShardCount does the splits and merges for you, ending with equal shards."
