# title: Capacity challenge
# summary: Carry 3 MB/s in, read by two applications, for ten minutes without a refused write or read, for as little as you can. Shards, capacity mode and retrieval are yours to choose; the bill in the bar says what your choice costs.
# goal: Choose a stream's shards, capacity mode and read retrieval for a given load, and tell what each choice costs.
step "The brief"
show stream producers kcl charts console
say "A shop will write 3,000 orders a second of about 1 KB: 3 MB/s, over many keys. Two KCL applications, billing and analytics, must each read every order. Your job: ten minutes with no write and no read refused, for as little money as you can. The bar shows what your streams cost, per hour now and so far (us-east-1 prices, illustrative)."
ask "For steady traffic like this, which costs least?" "An on-demand stream: it sizes itself" "A provisioned stream with just enough shards" "They cost the same" answer 2 because "On-demand bills every GB written and read: 3 MB/s in and 6 MB/s out (two applications) is about $1.70 an hour at these prices. Four provisioned shards cost 4 x $0.015 an hour plus $0.014 per million 25 KB PUT payload units (one per order): about $0.21 an hour. On-demand pays off when traffic is unknown or spiky, not when it is steady and known."
task "Create the stream shop as you choose: aws kinesis create-stream --stream-name shop --shard-count N (N shards of 1 MB/s in, 2 MB/s out), or --stream-mode-details StreamMode=ON_DEMAND" until $(sim describe --query 'streams.shop.status || `none`') == ACTIVE --hint-after 60s "3 MB/s at 1 MB/s a shard needs more than 3 shards: keys never spread perfectly evenly." --show "aws kinesis create-stream --stream-name shop --shard-count 4"
task "Start billing: kcl app add billing --stream shop --workers 2 --version 2, with --retrieval polling (the shard's shared 2 MB/s) or fan-out (2 MiB/s per consumer, billed per consumer-shard-hour and GB)" until $(sim describe --query 'apps.billing.stream || `none`') == shop --hint-after 60s "Two applications reading 3 MB/s each share a shard's 2 MB/s when they poll: 4 shards give each shard's two readers 1.5 MB/s of their 2." --show "kcl app add billing --stream shop --workers 2 --retrieval polling --version 2"
task "Start analytics the same way: kcl app add analytics --stream shop --workers 2 --version 2 [--retrieval polling|fan-out]" until $(sim describe --query 'apps.analytics.stream || `none`') == shop --hint-after 60s "The same line with analytics instead of billing." --show "kcl app add analytics --stream shop --workers 2 --retrieval polling --version 2"

step "Ten minutes"
producer add web --stream shop --rate 3000 --size 1000 --keys uniform:100000 --retry backoff
point producer web
say "web now writes 3,000 orders a second. The applications' workers first share out the leases (a call refused while they start up does not count); then ten minutes go by. Watch the lanes for red."
wait 1m
WRITES_BEFORE=$(sim describe --query producers.web.throttled)
READS_BEFORE=$(sim describe --query 'sum(streams.shop.shards[].totals.ReadProvisionedThroughputExceeded)')
wait 10m --fast
WRITES=$(sim describe --query producers.web.throttled)
READS=$(sim describe --query 'sum(streams.shop.shards[].totals.ReadProvisionedThroughputExceeded)')
PER_HOUR=$(sim describe --query cost.per_hour_usd)
sim cost
say "Writes refused so far: $WRITES ($WRITES_BEFORE of them during the warm-up). GetRecords calls refused: $READS ($READS_BEFORE during the warm-up). Your streams cost $PER_HOUR dollars an hour at this pace. The cheapest answer Shardlab knows: 4 provisioned shards, both applications polling, about $0.21 an hour."
expect $WRITES == $WRITES_BEFORE
expect $READS == $READS_BEFORE
expect $PER_HOUR <= 0.22
recap "Size a stream from its bytes and its records a second, in and out: 3 MB/s in needs more than 3 shards, and two polling applications reading 3 MB/s each need 3 MB/s of a shard's 2 MB/s per shard, so 4 shards carry both. On-demand spares you the sizing but bills by the GB; enhanced fan-out gives each application its own 2 MiB/s per shard and bills per consumer-shard-hour and GB. For steady, known traffic a provisioned stream with just enough shards is cheapest; pay for on-demand or fan-out when you need what they give."
