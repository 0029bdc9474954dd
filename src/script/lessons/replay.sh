# title: Iterators and replay: a stream is not a queue
# summary: Reading does not remove records. Several readers can read the same records, each from its own position, and read them again.
# goal: Read the same records again, from any position, with the right shard iterator type, and explain why reading a stream removes nothing.
step "A few records"
aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis wait stream-exists --stream-name events
aws kinesis put-record --stream-name events --partition-key k1 --data one
aws kinesis put-record --stream-name events --partition-key k2 --data two
aws kinesis put-record --stream-name events --partition-key k3 --data three

step "Two readers see the same records"
A=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
B=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
expect $(aws kinesis get-records --shard-iterator $A --query 'length(Records)') == 3
expect $(aws kinesis get-records --shard-iterator $B --query 'length(Records)') == 3
say "Reading removed nothing: both readers got all three records. A shard iterator is a position, so the same one reads the same records again."
expect $(aws kinesis get-records --shard-iterator $A --query 'Records[2].PartitionKey') == k3

step "LATEST: only what comes next"
wait 1s
L=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type LATEST --query ShardIterator)
expect $(aws kinesis get-records --shard-iterator $L --query 'length(Records)') == 0
aws kinesis put-record --stream-name events --partition-key k4 --data four
expect $(aws kinesis get-records --shard-iterator $L --query 'Records[0].PartitionKey') == k4

step "From a sequence number"
wait 1s
SEQ=$(aws kinesis put-record --stream-name events --partition-key k5 --data five --query SequenceNumber)
aws kinesis put-record --stream-name events --partition-key k6 --data six
AT=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number $SEQ --query ShardIterator)
AFTER=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type AFTER_SEQUENCE_NUMBER --starting-sequence-number $SEQ --query ShardIterator)
expect $(aws kinesis get-records --shard-iterator $AT --query 'Records[0].PartitionKey') == k5
expect $(aws kinesis get-records --shard-iterator $AFTER --query 'Records[0].PartitionKey') == k6
say "A consumer that saves the sequence number it reached (a checkpoint) can resume right after it."

step "Iterators expire"
wait 1s
OLD=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
wait 6m
aws kinesis get-records --shard-iterator $OLD
expect $? == 255
say "An iterator is good for five minutes. Every GetRecords returns a fresh NextShardIterator; keep using that one."
