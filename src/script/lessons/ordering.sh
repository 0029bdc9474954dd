# title: Ordering: what keeps a key's records in order, and what does not
# summary: A shard keeps its records in the order it stored them, and a key goes to one shard. Records resent after a refusal can be stored behind newer ones, and a reader that reads a child shard before its parents gets newer records first.
# goal: Tell when a key's records reach a reader in the order they were sent, and keep them in order for a key too hot for one shard.
step "One key, sent one record at a time"
show stream producers
aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis wait stream-exists --stream-name events
consumer add reader --stream events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --idle 1s
producer add single --stream events --rate 500 --keys hot:user-42:1.0:0 --retry none
wait 20s
point consumer reader
say "A shard returns its records in the order it stored them, and every user-42 record goes to the one shard that holds its hash key. The consumer reader counts order violations on its lane: records of one key it got after a record of that key which the producer sent later. None so far."
expect $(sim describe --query consumers.reader.order_violations) == 0
expect $(sim describe --query consumers.reader.records) > 5000

step "PutRecords and retries"
producer remove single
producer add batches --stream events --rate 900 --keys hot:user-42:1.0:0 --batch 500 --linger 100ms --retry backoff --attempts 30
wait 20s
point producer batches
say "Another producer, batches, sends user-42's records in PutRecords calls of up to 500, 900 a second, and resends the entries a call refuses, with backoff. 900 a second is under the shard's 1,000: nothing refused, nothing resent, still in order."
expect $(sim describe --query producers.batches.throttled) == 0
expect $(sim describe --query consumers.reader.order_violations) == 0
ask "You raise batches to 1,500 records a second, more than the shard's 1,000, so some entries are refused and resent. Will the consumer still get user-42's records in the order they were sent?" "Yes: one key, one shard, one order" "No: resent entries land behind newer records of the same key" answer 2 because "Kinesis stores a PutRecords call's entries independently. A refused entry is not stored; when it is resent, records the producer sent after it may already be in the shard, so the shard's order is not the sending order."
task "Raise batches to 1,500 records a second: on its producer form, type 1500 in records/s and press Apply" until $(sim describe --query producers.batches.rate) > 1000 --hint-after 20s "The form is on the batches card in the producers panel: records/s 1500, then Apply." --show "producer set batches --rate 1500"
wait until $(sim describe --query consumers.reader.order_violations) > 0 --timeout 1m
wait 20s
point consumer reader
say "Out of order: each resent entry that arrived behind newer user-42 records counts once. PutRecord with SequenceNumberForOrdering, one record at a time, is the way to keep one key strictly in order; PutRecords does not guarantee it."
expect $(sim describe --query consumers.reader.order_violations) > 100
expect $(sim describe --query producers.batches.throttled) > 0
producer remove batches

step "A reader that reads a child before its parents"
show stream producers kcl tree
aws kinesis create-stream --stream-name clicks --shard-count 1
aws kinesis wait stream-exists --stream-name clicks
producer add quiet --stream clicks --rate 20 --keys uniform:3 --explicit-hash-key 1
producer add busy --stream clicks --rate 400 --keys uniform:3 --explicit-hash-key 170141183460469231731687303715884105729
consumer add naive --stream clicks --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --limit 20
kcl app add app --stream clicks --workers 2 --initial-position TRIM_HORIZON
point producer busy
say "A new stream, clicks, with two producers, one in each half of the hash key space; the busy one sends 400 records a second. The consumer naive reads at most 20 records a call, so it falls behind on the busy half. A KCL application, app, reads the same stream."
wait 10s
aws kinesis split-shard --stream-name clicks --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728
wait until status clicks ACTIVE --every 1s
wait 10s
aws kinesis merge-shards --stream-name clicks --shard-to-merge shardId-000000000001 --adjacent-shard-to-merge shardId-000000000002
wait until status clicks ACTIVE --every 1s
point consumer naive
ask "The split made shards 1 and 2, the merge made shard 3 from them. The consumer naive follows each closed shard's ChildShards as soon as it reaches its end. What does it get once the quiet shard 1 ends while the busy shard 2 still has a backlog?" "Nothing unusual: shard 3 waits for shard 2" "Shard 3's newer records of the busy keys before shard 2's older ones" answer 2 because "Nothing makes a reader wait for the other parent: it has to do that itself. The KCL does: a child's shard consumer stays in WAITING_ON_PARENT_SHARDS until every parent lease is checkpointed at SHARD_END."
wait until $(sim describe --query consumers.naive.order_violations) > 0 --timeout 5m
wait 1m
expect $(sim describe --query consumers.naive.order_violations) > 100
expect $(sim describe --query apps.app.order_violations) == 0
point app app
say "The consumer naive got newer records first; the KCL application, reading the same shards, got every key in order: its order violations in the KCL panel are 0."
producer remove quiet
producer remove busy

step "A key too hot for one shard"
show stream producers
aws kinesis create-stream --stream-name users --shard-count 4
aws kinesis wait stream-exists --stream-name users
consumer add r0 --stream users --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --idle 1s
producer add user42 --stream users --rate 1500 --keys hot:user-42:1.0:0 --retry none
wait 10s
point shard shardId-000000000001
say "A new stream, users, with four shards. One user, user-42, sends 1,500 records a second: more than a shard takes, so its one shard refuses a third of them while the other three idle. One key cannot carry them."
expect $(sim describe --query producers.user42.throttled) > 1000
ask "Which keys spread user-42's records over the shards and still keep an order a reader can rebuild?" "A random key per record (a new UUID, say)" "Four salted keys, user-42#0 to user-42#3, with a sequence number in the data" answer 2 because "A random key spreads the records evenly, but each key then holds a single record, so nothing keeps the user's order. Four salted keys each stay in order in their own shard, and the reader merges the four by the sequence number the producer put in the data."
point producer user42
task "Spread user42's records: on its producer form, pick 'uniform over N keys' with N keys 4 (four salted keys; Shardlab's producer names them user-0 to user-3), or 'random keys', and press Apply" until $(sim describe --query "length(streams.users.shards[?totals.IncomingRecords > \`0\`])") >= 2 --hint-after 30s "On the user42 card: keys 'uniform over N keys', N keys 4, then Apply." --show "producer set user42 --keys uniform:4"
wait 5s
BEFORE=$(sim describe --query producers.user42.throttled)
wait 20s
expect $(sim describe --query producers.user42.throttled) == $BEFORE
expect $(sim describe --query consumers.r0.order_violations) == 0
say "Nothing refused now. With four salted keys, about 375 records a second each land in three shards (two of them share shardId-000000000000), and each sub-key's records stay in order, as r0's count shows; the reader merges the four. With random keys there is nothing to merge by: each key holds one record, so the user's order is gone."
recap "A key's records keep their order in its shard if the producer sends them in order (PutRecord one at a time, or SequenceNumberForOrdering); PutRecords with retries can reorder them, and so can reading a child before its parents (the KCL waits for them). A key too hot for one shard can be salted into a few sub-keys, each kept in order; random keys spread it but keep no order at all."
