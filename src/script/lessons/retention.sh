# title: Retention: how long records stay
# summary: Records stay readable for the stream's retention period, 24 hours by default, then they are gone, whether anyone read them or not.
# goal: Tell how long a stream keeps its records and change its retention period.
show stream console
step "A record that will age"
aws kinesis create-stream --stream-name logs --shard-count 1
aws kinesis wait stream-exists --stream-name logs
aws kinesis put-record --stream-name logs --partition-key k --data old
aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours) == 24
say "One record, old, in a stream that keeps records 24 hours: RetentionPeriodHours, the default."

step "A day passes"
ask "23 hours later a second record, new, comes in; two hours after that you read the shard from TRIM_HORIZON. What do you get?" "Both records: nobody has read old yet" "Only new: old is more than 24 hours old" "Nothing: the stream is a day old" answer 2 because "A stream keeps each record for its retention period from when it arrived, then trims it, whether anyone read it or not. old is 25 hours old; new is 2 hours old."
wait 23h --fast
aws kinesis put-record --stream-name logs --partition-key k --data new
wait 2h --fast
I=$(aws kinesis get-shard-iterator --stream-name logs --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
aws kinesis get-records --shard-iterator $I
expect $(aws kinesis get-records --shard-iterator $I --query 'length(Records)') == 1
expect $(aws kinesis get-records --shard-iterator $I --query 'Records[0].Data') == bmV3
say "One record: bmV3 is new in base64. old is past 24 hours and gone; TRIM_HORIZON now starts at new."

step "Keep them longer"
say "An incident: records must stay readable for two days while a broken consumer is fixed. Raise the retention before they age out: records already trimmed never come back."
task "Raise the retention to 48 hours: in the console, type aws kinesis increase-stream-retention-period --stream-name logs --retention-period-hours 48" until $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours) >= 48 --hint-after 20s "IncreaseStreamRetentionPeriod takes the new period in hours, from 24 to 8,760 (a year)." --show "aws kinesis increase-stream-retention-period --stream-name logs --retention-period-hours 48"
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours) >= 48
say "Retention runs from 24 hours to 8,760 (a year). Beyond 24 hours it costs more: in provisioned mode, extended retention up to 7 days is billed per shard-hour, long-term retention beyond that per GB-month."

step "Another day"
ask "30 more hours pass. new arrived 32 hours ago. Is it still there?" "Yes: it is under the 48 hours" "No: it was put while retention was 24 hours" answer 1 because "Retention applies to every record still in the stream when it changes: with 48 hours, a record put 32 hours ago stays."
wait 30h --fast
I=$(aws kinesis get-shard-iterator --stream-name logs --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
aws kinesis get-records --shard-iterator $I --query 'Records[].Data'
expect $(aws kinesis get-records --shard-iterator $I --query 'Records[0].Data') == bmV3
say "Still there. Going back down is DecreaseStreamRetentionPeriod, and never below 24 hours:"
aws kinesis decrease-stream-retention-period --stream-name logs --retention-period-hours 12
expect $? == 255
recap "A stream keeps each record for its retention period, 24 hours by default, then trims it whether or not anyone read it. IncreaseStreamRetentionPeriod raises it up to 8,760 hours, for the records still in the stream too, at a cost; a record already trimmed is gone for good, so raise it before the records you need age out."
