# title: Partition keys and MD5
# summary: Kinesis puts a record in the shard whose hash key range holds the MD5 of its partition key, read as a 128-bit number. Same key, same shard, until a split or a merge changes the shards.
# goal: Predict which shard a record goes to from the MD5 of its partition key, and send a record to a shard of your choice with an explicit hash key.
show stream console
step "A stream of four shards"
aws kinesis create-stream --stream-name keys --shard-count 4
aws kinesis wait stream-exists --stream-name keys
say "Four shards cut the hash key space, 0 to 2^128-1, into four equal ranges: each lane shows its range."
aws kinesis list-shards --stream-name keys --query 'Shards[].[ShardId, HashKeyRange.StartingHashKey, HashKeyRange.EndingHashKey]' --output text

step "Where do keys go?"
ask "The MD5 of the key 'a' starts 0cc175b9. Which shard gets it?" "shardId-000000000000" "shardId-000000000001" "shardId-000000000003" answer 1 because "0x0c... is about 5% of the way through the 128-bit space, inside the first quarter: shard 0's range."
aws kinesis put-record --stream-name keys --partition-key a --data one
expect $(aws kinesis get-records --shard-iterator $(aws kinesis get-shard-iterator --stream-name keys --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator) --query 'Records[0].PartitionKey') == a
say "Three more keys, three other shards:"
SHARD=$(aws kinesis put-record --stream-name keys --partition-key user-42 --data two --query ShardId)
echo "user-42 went to $SHARD"
expect $SHARD == shardId-000000000001
SHARD=$(aws kinesis put-record --stream-name keys --partition-key héllo --data three --query ShardId)
echo "héllo went to $SHARD"
expect $SHARD == shardId-000000000002
SHARD=$(aws kinesis put-record --stream-name keys --partition-key partitionKey-0 --data four --query ShardId)
echo "partitionKey-0 went to $SHARD"
expect $SHARD == shardId-000000000003
say "The same key always goes to the same shard, as long as its shard is not split or merged: after that, the key goes to the child shard whose range holds its hash. A shard returns its records in the order it stored them; records sent in one PutRecords call, at the same moment, or retried can be stored in another order than they were sent."
SHARD=$(aws kinesis put-record --stream-name keys --partition-key user-42 --data again --query ShardId)
echo "user-42 again went to $SHARD"
expect $SHARD == shardId-000000000001

step "Choosing the hash key yourself"
say "An ExplicitHashKey skips the MD5: the number you give decides the shard, whatever the partition key."
ask "The key 'a' goes to shard 0. Put it with --explicit-hash-key 340282366920938463463374607431768211455 (2^128-1). Which shard gets it?" "shardId-000000000000, the key's shard" "shardId-000000000003, the shard whose range holds 2^128-1" answer 2 because "With an ExplicitHashKey, Kinesis does not hash the partition key: the number you gave is the hash key, and 2^128-1 is the end of the last shard's range."
SHARD=$(aws kinesis put-record --stream-name keys --partition-key a --data five --explicit-hash-key 340282366920938463463374607431768211455 --query ShardId)
echo "a with hash key 2^128-1 went to $SHARD"
expect $SHARD == shardId-000000000003
wait 1s
point shard shardId-000000000002
task "Put a record in shardId-000000000002 yourself: in the console, a put-record with --explicit-hash-key set to a number in its range, 170141183460469231731687303715884105728 to 255211775190703847597530955573826158591" until $(sim describe --query 'streams.keys.shards[2].records') >= 2 --hint-after 30s "Any partition key will do; try --explicit-hash-key 200000000000000000000000000000000000000." --show "aws kinesis put-record --stream-name keys --partition-key mine --data seven --explicit-hash-key 200000000000000000000000000000000000000"
say "In it: the hash key you chose put it there, not the partition key's MD5."
aws kinesis put-record --stream-name keys --partition-key a --data six --explicit-hash-key 340282366920938463463374607431768211456
expect $? == 255
say "A hash key above 2^128-1 is refused with AWS's own InvalidArgumentException."
recap "Kinesis reads the MD5 of a partition key as a 128-bit number and stores the record in the shard whose hash key range holds it, so one key always lands in one shard while the shards stay the same. An ExplicitHashKey replaces the MD5: the number you give picks the shard."
