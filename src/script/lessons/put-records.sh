# title: PutRecords: partial failures and retries
# summary: A PutRecords call succeeds even when some of its records are refused. Each result says which; retrying only the failed entries is your job.
# goal: Read a PutRecords answer's FailedRecordCount and per-record errors, and resend only the records that failed.
step "A small shard"
aws kinesis create-stream --stream-name orders --shard-count 1
aws kinesis wait stream-exists --stream-name orders
sim limits --stream orders --write-records 5
say "For this lesson the shard takes only 5 records a second (AWS's limit is 1,000), so a batch of 8 overflows it."

step "Eight records in one call"
aws kinesis put-records --stream-name orders --records Data=a,PartitionKey=k1 Data=b,PartitionKey=k2 Data=c,PartitionKey=k3 Data=d,PartitionKey=k4 Data=e,PartitionKey=k5 Data=f,PartitionKey=k6 Data=g,PartitionKey=k7 Data=h,PartitionKey=k8
say "The call returned normally: FailedRecordCount is 3, and the last three entries carry ErrorCode ProvisionedThroughputExceededException instead of a sequence number. The shard holds the first five."
expect $(sim describe --query 'streams.orders.shards[0].records') == 5
expect $(sim describe --query 'streams.orders.shards[0].totals.WriteProvisionedThroughputExceeded') == 3

step "Retry just the failed entries"
wait 1s
aws kinesis put-records --stream-name orders --records Data=f,PartitionKey=k6 Data=g,PartitionKey=k7 Data=h,PartitionKey=k8
expect $(sim describe --query 'streams.orders.shards[0].records') == 8
say "Now all eight are in, each once. The AWS SDKs retry a request that failed as a whole, not the entries a successful PutRecords refused: check FailedRecordCount and resend those entries yourself (with exponential backoff). The KPL is the one that resends them for you."

step "A producer that retries"
ask "A producer sends 8 records a second to this 5-a-second shard and resends refused records with backoff, up to 30 attempts each. Once it slows to 2 a second, what happens to the refused ones?" "They are lost" "They get in, late" "They are put twice" answer 2 because "A refused entry was not stored, so resending it does not store it twice. With 30 attempts the retries outlast the overload here; with 3, the default of the AWS SDKs' standard retry mode, a record refused three times would be dropped. Retries are still a source of duplicates when a put succeeded but its answer was lost: AWS counts producer retries among them."
producer add shop --stream orders --rate 8 --batch 8 --linger 1s --retry backoff --attempts 30
wait until throttled orders --timeout 1m
wait 10s
producer set shop --rate 2
wait 30s
expect $(sim describe --query producers.shop.throttled) > 0
expect $(sim describe --query producers.shop.failed) == 0
say "Some records were refused at 8 a second, but the producer kept resending them, up to 30 times each, and once the rate fell below 5 a second they all got in: none was lost, none was stored twice."
