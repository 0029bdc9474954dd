# title: On-demand streams
# summary: An on-demand stream has no shard count to choose: AWS starts it with 4 shards and splits any shard that takes more than 500 KB/s for a while. Growth within twice the previous peak goes through; traffic that more than doubles at once is throttled until the splits catch up.
# goal: Predict when an on-demand stream adds shards and when its traffic is throttled meanwhile.
step "A stream without a shard count"
show stream producers charts
say "Until now you chose each stream's shards. An ON_DEMAND stream leaves that to AWS: you give no --shard-count, and SplitShard, MergeShards and UpdateShardCount are refused on it."
ask "AWS documents 4 MB/s of write capacity for a new on-demand stream. How many shards does it start with?" "1" "4" "It depends on the traffic" answer 2 because "Each shard takes 1 MB/s, so 4 MB/s is 4 shards; DescribeStreamSummary's OpenShardCount says 4 before any record is written."
task "Create an on-demand stream named events: in the console, type aws kinesis create-stream --stream-name events --stream-mode-details StreamMode=ON_DEMAND" until $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.StreamModeDetails.StreamMode --output text) == ON_DEMAND --hint-after 30s "Type the line exactly as shown, in the console, and press Enter." --show "aws kinesis create-stream --stream-name events --stream-mode-details StreamMode=ON_DEMAND"
aws kinesis wait stream-exists --stream-name events
aws kinesis describe-stream-summary --stream-name events --query 'StreamDescriptionSummary.{mode: StreamModeDetails.StreamMode, shards: OpenShardCount}'
expect $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) == 4
point shard shardId-000000000003
say "Four lanes, and a note beside the status says the rule AWS scales by: a shard that takes more than 500 KB/s for up to 15 minutes is split in two."

step "Traffic that fits"
producer add web --stream events --rate 16 --size 100000 --keys uniform:1000 --retry backoff --attempts 20
point producer web
say "web writes 16 records a second of about 100 KB over 1,000 keys: 1.6 MB/s, about 400 KB/s on each shard, under the 500 KB/s at which AWS splits one."
wait 20m --fast
expect $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) == 4
expect $(sim describe --query producers.web.throttled) == 0
say "Twenty minutes later: still 4 shards, nothing refused. On-demand does not add shards for traffic the ones it has carry with room to spare."

step "Traffic doubles"
ask "You will double web's traffic to 3.2 MB/s: about 800 KB/s on each shard, under its 1 MB/s but over 500 KB/s. What happens?" "Records are throttled until AWS adds shards" "Nothing is refused, and within 15 minutes each shard is split in two" "AWS adds shards within seconds" answer 2 because "Each shard can still take 800 KB/s, so nothing is refused. A shard over 500 KB/s is split within 15 minutes (Shardlab takes the full 15), so 4 shards become 8, each with about 400 KB/s again: room for twice the traffic."
task "Double web's traffic: set its records/s to 32 in its form (Producers panel) and press Apply" until $(sim describe --query producers.web.rate) >= 32 --hint-after 30s "In the console: producer set web --rate 32" --show "producer set web --rate 32"
wait 16m --fast
expect $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) == 8
expect $(sim describe --query producers.web.throttled) == 0
point shard shardId-000000000004
say "Eight open lanes now, and the 4 first shards are closed parents below them. The note beside the status says why AWS split each one. Every split is a real split: the family tree, ListShards and a KCL application see the children, as if you had split them yourself."

step "Traffic that more than doubles"
ask "Now web jumps to 10 MB/s, three times its peak: about 1.25 MB/s on each of the 8 shards. What happens?" "Nothing is refused: on-demand follows any traffic" "Writes over each shard's 1 MB/s are throttled until the splits catch up, up to 15 minutes" "The stream stops taking writes" answer 2 because "On-demand keeps room for twice the previous peak. Traffic that more than doubles within 15 minutes meets shards still limited to 1 MB/s each, and AWS documents that it can be throttled for about 15 minutes, even with evenly spread keys. The producer must retry."
producer set web --rate 100
wait 5m --fast
expect $(sim describe --query producers.web.throttled) > 0
point chart WriteProvisionedThroughputExceeded
say "Every shard refuses writes each second: the red lanes and this chart. web retries refused records with backoff, up to 20 attempts: most get in on a later attempt, and the ones that run out of attempts are counted as failed on web's card."
wait 12m --fast
expect $(aws kinesis describe-stream-summary --stream-name events --query StreamDescriptionSummary.OpenShardCount) == 16
wait 2m --fast
BEFORE=$(sim describe --query producers.web.throttled)
wait 1m
expect $(sim describe --query producers.web.throttled) == $BEFORE
say "Sixteen shards, about 640 KB/s each: the refusals stopped. Each still takes more than 500 KB/s, so in another 15 minutes they will split again, leaving room for twice this traffic."
recap "An on-demand stream starts with 4 shards and splits any shard that takes more than 500 KB/s, within 15 minutes, so it keeps room for about twice its peak. Growth within that room is never refused; traffic that more than doubles at once is throttled for up to 15 minutes, so producers must still retry. SplitShard, MergeShards and UpdateShardCount are refused on it. Hot keys are not isolated: one key still cannot exceed a shard's 1 MB/s."
