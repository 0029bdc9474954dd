# title: A hot key throttles one shard
# summary: Each shard takes 1,000 records per second. One key sending more than that burns its own shard while the others idle; splitting cannot help a key that alone is over the limit, spreading the keys does.
# goal: Tell a hot key from a stream short of shards, and cool it by spreading the key's records rather than by splitting its shard.
show stream producers hot-keys console
step "Four shards, evenly loaded"
aws kinesis create-stream --stream-name clicks --shard-count 4
aws kinesis wait stream-exists --stream-name clicks
producer add steady --stream clicks --rate 2000 --keys uniform:10000 --retry none
wait 20s
say "2,000 records a second over 10,000 keys: no key stands out, and the four shards get about 500 each, half of each shard's 1,000."
expect $(sim describe --query producers.steady.throttled) == 0

step "One key gets hot"
show stream producers hot-keys charts console
say "A new producer sends 1,200 records a second, all with the key user-42."
ask "The stream takes 4,000 records a second in all and gets 3,200. What happens?" "Nothing: there is room to spare" "Every shard throttles a little" "The one shard user-42 hashes into throttles; the others do not" answer 3 because "A key's records all go to the one shard whose range holds its MD5, and each shard has its own 1,000 records/s: spare room in other shards does not help."
producer add viral --stream clicks --rate 1200 --keys hot:user-42:1.0:0 --retry none
wait until throttled clicks --timeout 1m
say "There: the first ProvisionedThroughputExceededException."
wait 30s
point shard shardId-000000000001
say "MD5 sends every user-42 record to shard 1. It is asked for about 1,700 records a second and refuses the excess with ProvisionedThroughputExceededException."
expect $(sim describe --query 'streams.clicks.shards[1].totals.WriteProvisionedThroughputExceeded') > 10000
expect $(sim describe --query 'streams.clicks.shards[0].totals.WriteProvisionedThroughputExceeded') == 0
expect $(sim describe --query 'streams.clicks.shards[2].totals.WriteProvisionedThroughputExceeded') == 0

step "Splitting does not cool a key over 1,000 a second"
ask "You will split shard 1 in two halves. Will user-42 stop throttling?" "Yes: each half takes half of user-42" "No: user-42 lands in one half, which still gets all of it" answer 2 because "A key's hash is one number, so it lands in exactly one of the halves, and user-42 alone sends 1,200 records a second, more than any one shard takes."
point shard shardId-000000000001
task "Split shard 1 in two: press 'Split in half' on its lane, shardId-000000000001" until $(aws kinesis describe-stream-summary --stream-name clicks --query StreamDescriptionSummary.OpenShardCount) >= 5 --hint-after 20s "The 'Split in half' button is on the red lane, shardId-000000000001." --show "aws kinesis split-shard --stream-name clicks --shard-to-split shardId-000000000001 --new-starting-hash-key 127605887595351923798765477786913079296"
say "Shard 1 is closed; its two children take its hash keys. Watch them."
wait until throttled clicks --timeout 1m
BEFORE=$(sim describe --query producers.viral.throttled)
wait 10s
expect $(sim describe --query producers.viral.throttled) > $BEFORE
say "Still throttled: all of user-42 is in one child shard, and its 1,200 a second are more than a shard's 1,000. A split helps a shard hot with many keys; it cannot help one key that alone is over the limit."

step "Spreading the key"
point producer viral
ask "You will give viral's records 1,000 keys instead of the one key user-42. Will any shard still throttle?" "Yes: the 1,200 records a second are still there" "No: spread over the shards, no shard gets more than its 1,000 a second" answer 2 because "Each of the 1,000 keys hashes to its own place, so the 1,200 records a second spread over all five open shards, a few hundred each on top of steady's traffic: under every shard's 1,000."
task "Spread viral's records over many keys: in its form (Producers panel), choose keys 'uniform over N keys' with N = 1000 and press Apply" until $(sim describe --query producers.viral.keys) != hot:user-42:1:0 --hint-after 30s "In the console: producer set viral --keys uniform:1000" --show "producer set viral --keys uniform:1000"
wait 5s
BEFORE=$(sim describe --query producers.viral.throttled)
wait 20s
expect $(sim describe --query producers.viral.throttled) == $BEFORE
say "No more throttling: no shard gets more than its 1,000 records a second. With real data you spread a hot key by salting it, adding a suffix (user-42#0 to user-42#9, for example): its records then land on several shards, and their order across them is no longer kept, so the consumer puts them back together."
recap "A key's records all go to one shard, and a shard takes 1,000 records a second, so one key sending more throttles its shard however much room the others have. Splitting that shard cannot help when the key alone is over the limit: its hash lands in one child. Spreading the key over many keys, by salting it, spreads its records over the shards."
