# title: Iterators and replay: a stream is not a queue
# summary: Reading does not remove records. Several readers can read the same records, each from its own position, and read them again.
# goal: Read the same records again, from any position, with the right shard iterator type, and explain why reading a stream removes nothing.
show stream console
step "A few records"
aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis wait stream-exists --stream-name events
aws kinesis put-record --stream-name events --partition-key k1 --data one
aws kinesis put-record --stream-name events --partition-key k2 --data two
aws kinesis put-record --stream-name events --partition-key k3 --data three
say "Three records in the stream's one shard."

step "Two readers see the same records"
say "Reader A takes a TRIM_HORIZON iterator, the shard's oldest record, and reads:"
A=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
aws kinesis get-records --shard-iterator $A --query 'Records[].PartitionKey'
expect $(aws kinesis get-records --shard-iterator $A --query 'length(Records)') == 3
ask "Reader A got all three records. Now you read the shard from TRIM_HORIZON, as a second reader. How many records do you get?" "None: A has taken them" "All three" "Only those A has not acknowledged" answer 2 because "Reading a stream removes nothing: records stay until the retention period passes, and every reader reads them from its own position. A queue such as SQS hides a message it hands to one reader, which deletes it once processed; a stream keeps every record for every reader."
point shard shardId-000000000000
READ=$(sim describe --query 'streams.events.shards[0].totals."GetRecords.Records"')
task 'Read the shard from TRIM_HORIZON yourself: in the console, type aws kinesis get-records --shard-iterator $(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)' until $(sim describe --query 'streams.events.shards[0].totals."GetRecords.Records"') > $READ --hint-after 30s 'The $(...) gets the iterator and hands it to get-records: type the whole line.' --show 'aws kinesis get-records --shard-iterator $(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)'
say "A shard iterator is a position, so the same one reads the same records again:"
aws kinesis get-records --shard-iterator $A --query 'Records[].PartitionKey'
expect $(aws kinesis get-records --shard-iterator $A --query 'Records[2].PartitionKey') == k3

step "LATEST: only what comes next"
wait 1s
L=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type LATEST --query ShardIterator)
say "LATEST is the position just after the newest record: reading from it gives nothing until a record comes."
expect $(aws kinesis get-records --shard-iterator $L --query 'length(Records)') == 0
aws kinesis put-record --stream-name events --partition-key k4 --data four
expect $(aws kinesis get-records --shard-iterator $L --query 'Records[0].PartitionKey') == k4
say "Once k4 is in, the same LATEST iterator reads it."

step "From a sequence number"
wait 1s
SEQ=$(aws kinesis put-record --stream-name events --partition-key k5 --data five --query SequenceNumber)
echo "k5's sequence number: $SEQ"
aws kinesis put-record --stream-name events --partition-key k6 --data six
ask "An AFTER_SEQUENCE_NUMBER iterator with k5's sequence number: which record does it read first?" "k5" "k6" "k1, the oldest" answer 2 because "AT_SEQUENCE_NUMBER starts at the record with that number, AFTER_SEQUENCE_NUMBER right after it. A consumer that saved the sequence number of the last record it processed (a checkpoint) resumes just after it with AFTER_SEQUENCE_NUMBER, so it does not read again what it checkpointed; records it processed after its last checkpoint are read again."
AT=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type AT_SEQUENCE_NUMBER --starting-sequence-number $SEQ --query ShardIterator)
AFTER=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type AFTER_SEQUENCE_NUMBER --starting-sequence-number $SEQ --query ShardIterator)
aws kinesis get-records --shard-iterator $AT --query 'Records[].PartitionKey'
aws kinesis get-records --shard-iterator $AFTER --query 'Records[].PartitionKey'
expect $(aws kinesis get-records --shard-iterator $AT --query 'Records[0].PartitionKey') == k5
expect $(aws kinesis get-records --shard-iterator $AFTER --query 'Records[0].PartitionKey') == k6

step "Iterators expire"
wait 1s
OLD=$(aws kinesis get-shard-iterator --stream-name events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
ask "You take a TRIM_HORIZON iterator and use it six minutes later. What does get-records answer?" "The records, from the oldest" "ExpiredIteratorException" "Only the records put in the last five minutes" answer 2 because "A shard iterator is good for five minutes. Every GetRecords returns a fresh NextShardIterator; a reader keeps using that one, or takes a new iterator from its checkpoint."
wait 6m --fast
aws kinesis get-records --shard-iterator $OLD
expect $? == 255
recap "Reading a stream removes nothing: every reader reads the same records from its own position until the retention period passes, so you can read them again. The iterator type picks the position: TRIM_HORIZON the oldest record, LATEST what comes next, AT_ and AFTER_SEQUENCE_NUMBER a record you saved. An iterator expires after five minutes; keep following each answer's NextShardIterator."
