# title: Retention: how long records stay
# summary: Records stay readable for the stream's retention period, 24 hours by default, then they are gone, whether anyone read them or not.
# goal: Tell how long a stream keeps its records and change its retention period.
step "A record that will age"
aws kinesis create-stream --stream-name logs --shard-count 1
aws kinesis wait stream-exists --stream-name logs
aws kinesis put-record --stream-name logs --partition-key k --data old
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours) == 24

step "A day passes"
wait 23h --fast
aws kinesis put-record --stream-name logs --partition-key k --data new
wait 2h --fast
I=$(aws kinesis get-shard-iterator --stream-name logs --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --query ShardIterator)
aws kinesis get-records --shard-iterator $I
expect $(aws kinesis get-records --shard-iterator $I --query 'length(Records)') == 1
expect $(aws kinesis get-records --shard-iterator $I --query 'Records[0].Data') == bmV3
say "The old record is past 24 hours and gone; TRIM_HORIZON now starts at the new one."

step "Longer retention"
aws kinesis increase-stream-retention-period --stream-name logs --retention-period-hours 48
expect $(aws kinesis describe-stream-summary --stream-name logs --query StreamDescriptionSummary.RetentionPeriodHours) == 48
say "Retention runs from 24 hours to 8,760 (a year). Records already trimmed never come back."
aws kinesis decrease-stream-retention-period --stream-name logs --retention-period-hours 12
expect $? == 255
