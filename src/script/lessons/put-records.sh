# title: PutRecords: partial failures and retries
# summary: A PutRecords call succeeds even when some of its records are refused. Each result says which; retrying only the failed entries is your job.
# goal: Read a PutRecords answer's FailedRecordCount and per-record errors, and resend only the records that failed.
show stream console
step "A small shard"
aws kinesis create-stream --stream-name orders --shard-count 1
aws kinesis wait stream-exists --stream-name orders
sim limits --stream orders --write-records 5
say "For this lesson the shard takes only 5 records a second (AWS's limit is 1,000), so a batch of 8 overflows it."

step "Eight records in one call"
ask "One PutRecords call sends 8 records to this shard, which takes 5 a second. What does the call answer?" "An error, ProvisionedThroughputExceededException, and nothing is stored" "Success, with FailedRecordCount 3: five stored, three refused" "Success: all eight are stored, a little late" answer 2 because "PutRecords succeeds as a call even when some of its entries are refused: each entry of its answer has either a SequenceNumber or an ErrorCode, and FailedRecordCount counts the refused ones."
aws kinesis put-records --stream-name orders --records Data=a,PartitionKey=k1 Data=b,PartitionKey=k2 Data=c,PartitionKey=k3 Data=d,PartitionKey=k4 Data=e,PartitionKey=k5 Data=f,PartitionKey=k6 Data=g,PartitionKey=k7 Data=h,PartitionKey=k8
say "The call returned normally: FailedRecordCount is 3, and the last three entries (f, g and h) carry ErrorCode ProvisionedThroughputExceededException instead of a sequence number. The shard holds the first five."
expect $(sim describe --query 'streams.orders.shards[0].records') == 5
expect $(sim describe --query 'streams.orders.shards[0].totals.WriteProvisionedThroughputExceeded') == 3

step "Retry just the failed entries"
say "The AWS SDKs retry a request that failed as a whole, not the entries a successful PutRecords refused: check FailedRecordCount and resend those entries yourself (with exponential backoff). The KPL is the one that resends them for you."
wait 1s
task "Resend only the three refused entries, f, g and h: in the console, type aws kinesis put-records --stream-name orders --records Data=f,PartitionKey=k6 Data=g,PartitionKey=k7 Data=h,PartitionKey=k8" until $(sim describe --query 'streams.orders.shards[0].records') >= 8 --hint-after 30s "Copy the three entries whose answer had an ErrorCode; resending all eight would store a, b, c, d and e twice." --show "aws kinesis put-records --stream-name orders --records Data=f,PartitionKey=k6 Data=g,PartitionKey=k7 Data=h,PartitionKey=k8"
expect $(sim describe --query 'streams.orders.shards[0].records') == 8
say "Now all eight are in, each once."

step "A producer that retries"
show stream producers charts console
producer add shop --stream orders --rate 8 --batch 8 --linger 1s --retry backoff --attempts 30
say "The producer shop sends 8 records a second to this 5-a-second shard, in PutRecords calls, and resends the refused entries with exponential backoff, up to 30 attempts each."
wait until throttled orders --timeout 1m
wait 10s
point producer shop
ask "You are about to slow shop down to 2 records a second. What happens to the records the shard refused?" "They are lost" "They get in, late" "They are put twice" answer 2 because "A refused entry was not stored, so resending it does not store it twice. With 30 attempts the retries outlast the overload here; a resend loop that allows only a few attempts would drop records refused that often. (The SDKs' own retries cover a call that fails as a whole, not the refused entries of a PutRecords that succeeded; the KPL resends entries until their RecordTtl, 30 s by default, runs out.) Retries are still a source of duplicates when a put succeeded but its answer was lost: AWS counts producer retries among them."
task "Slow shop down: set its records/s to 2 in its form (Producers panel) and press Apply" until $(sim describe --query producers.shop.rate) <= 4 --hint-after 20s "In the console: producer set shop --rate 2" --show "producer set shop --rate 2"
wait until $(sim describe --query producers.shop.pending_retries) == 0 --timeout 2m
wait 10s
expect $(sim describe --query producers.shop.throttled) > 0
expect $(sim describe --query producers.shop.failed) == 0
say "Some records were refused at 8 a second, but the producer kept resending them, and once the rate fell below 5 a second they all got in: none was lost, none was stored twice."
recap "A PutRecords call can succeed while some of its entries fail: check FailedRecordCount and resend only the entries with an ErrorCode, with backoff. Retries save refused records when the overload passes, as long as they are allowed enough attempts; a record refused on every attempt is dropped."
