# title: Partition keys and MD5
# summary: Kinesis puts a record in the shard whose hash key range holds the MD5 of its partition key, read as a 128-bit number. Same key, same shard, until a split or a merge changes the shards.
# goal: Predict which shard a record goes to from the MD5 of its partition key, and send a record to a shard of your choice with an explicit hash key.
step "A stream of four shards"
aws kinesis create-stream --stream-name keys --shard-count 4
aws kinesis wait stream-exists --stream-name keys
say "Four shards cut the hash key space, 0 to 2^128-1, into four equal ranges."
aws kinesis list-shards --stream-name keys --query 'Shards[].[ShardId, HashKeyRange.StartingHashKey, HashKeyRange.EndingHashKey]' --output text

step "Where do keys go?"
ask "The MD5 of the key 'a' starts 0cc175b9. Which shard gets it?" "shardId-000000000000" "shardId-000000000001" "shardId-000000000003" answer 1 because "0x0c... is about 5% of the way through the 128-bit space, inside the first quarter."
say "The MD5 of 'a' is 0cc175b9..., a number in the first quarter of the space: shard 0."
SHARD=$(aws kinesis put-record --stream-name keys --partition-key a --data one --query ShardId)
expect $SHARD == shardId-000000000000
SHARD=$(aws kinesis put-record --stream-name keys --partition-key user-42 --data two --query ShardId)
expect $SHARD == shardId-000000000001
SHARD=$(aws kinesis put-record --stream-name keys --partition-key héllo --data three --query ShardId)
expect $SHARD == shardId-000000000002
SHARD=$(aws kinesis put-record --stream-name keys --partition-key partitionKey-0 --data four --query ShardId)
expect $SHARD == shardId-000000000003
say "The same key always goes to the same shard, as long as no split or merge changes the shards: after one, the key goes to a new shard. A shard returns its records in the order it stored them; records sent in one PutRecords call, at the same moment, or retried can be stored in another order than they were sent."
SHARD=$(aws kinesis put-record --stream-name keys --partition-key user-42 --data again --query ShardId)
expect $SHARD == shardId-000000000001

step "Choosing the hash key yourself"
say "An ExplicitHashKey skips the MD5: the number you give decides the shard. 2^128-1 is the last shard's."
SHARD=$(aws kinesis put-record --stream-name keys --partition-key a --data five --explicit-hash-key 340282366920938463463374607431768211455 --query ShardId)
expect $SHARD == shardId-000000000003
aws kinesis put-record --stream-name keys --partition-key a --data six --explicit-hash-key 340282366920938463463374607431768211456
expect $? == 255
say "A hash key above 2^128-1 is refused with AWS's own InvalidArgumentException."
