# title: Ordering: what keeps a key's records in order, and what does not
# summary: A shard keeps its records in the order it stored them, and a key goes to one shard. Records resent after a refusal can be stored behind newer ones, and a reader that reads a child shard before its parents gets newer records first.
# goal: Tell when a key's records reach a reader in the order they were sent, and keep them in order for a key too hot for one shard.
step "One key, sent one record at a time"
aws kinesis create-stream --stream-name events --shard-count 1
aws kinesis wait stream-exists --stream-name events
consumer add reader --stream events --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --idle 1s
producer add single --stream events --rate 500 --keys hot:user-42:1.0:0 --retry none
wait 20s
say "A shard returns its records in the order it stored them, and every user-42 record goes to the one shard that holds its hash key. The consumer counts order_violations: records of one key it got after a record of that key which the producer sent later."
expect $(sim describe --query consumers.reader.order_violations) == 0
expect $(sim describe --query consumers.reader.records) > 5000

step "PutRecords and retries"
producer remove single
ask "A producer sends user-42's records in PutRecords batches at 1,500 a second into this one shard, which takes 1,000, and resends refused entries. Will the consumer get user-42's records in the order they were sent?" "Yes: one key, one shard, one order" "No: resent entries land behind newer records of the same key" answer 2 because "Kinesis stores a PutRecords call's entries independently. A refused entry is not stored; when it is resent, records the producer sent after it may already be in the shard, so the shard's order is not the sending order."
# task: the learner adds the batching producer (the line below is the --show line).
producer add batches --stream events --rate 1500 --keys hot:user-42:1.0:0 --batch 500 --linger 100ms --retry backoff --attempts 30
wait until $(sim describe --query consumers.reader.order_violations) > 0 --timeout 1m
wait 20s
say "Out of order: each resent entry that arrived behind newer user-42 records counts once. PutRecord with SequenceNumberForOrdering, one record at a time, is the way to keep one key strictly in order; PutRecords does not guarantee it."
expect $(sim describe --query consumers.reader.order_violations) > 100
expect $(sim describe --query producers.batches.throttled) > 0
producer remove batches

step "A reader that reads a child before its parents"
aws kinesis create-stream --stream-name clicks --shard-count 1
aws kinesis wait stream-exists --stream-name clicks
say "Two producers, one in each half of the hash key space; the busy one sends 400 records a second. The consumer reads at most 20 records a call, so it falls behind on the busy half."
producer add quiet --stream clicks --rate 20 --keys uniform:3 --explicit-hash-key 1
producer add busy --stream clicks --rate 400 --keys uniform:3 --explicit-hash-key 170141183460469231731687303715884105729
consumer add naive --stream clicks --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --limit 20
kcl app add app --stream clicks --workers 2 --initial-position TRIM_HORIZON
wait 10s
aws kinesis split-shard --stream-name clicks --shard-to-split shardId-000000000000 --new-starting-hash-key 170141183460469231731687303715884105728
wait until status clicks ACTIVE --every 1s
wait 10s
aws kinesis merge-shards --stream-name clicks --shard-to-merge shardId-000000000001 --adjacent-shard-to-merge shardId-000000000002
wait until status clicks ACTIVE --every 1s
ask "The split made shards 1 and 2, the merge made shard 3 from them. The consumer follows each closed shard's ChildShards as soon as it reaches its end. What does it get once the quiet shard 1 ends while the busy shard 2 still has a backlog?" "Nothing unusual: shard 3 waits for shard 2" "Shard 3's newer records of the busy keys before shard 2's older ones" answer 2 because "Nothing makes a reader wait for the other parent: it has to do that itself. The KCL does: a child's shard consumer stays in WAITING_ON_PARENT_SHARDS until every parent lease is checkpointed at SHARD_END."
wait 150s
expect $(sim describe --query consumers.naive.order_violations) > 100
expect $(sim describe --query apps.app.order_violations) == 0
say "The consumer got newer records first; the KCL application, reading the same shards, got every key in order."
producer remove quiet
producer remove busy

step "A key too hot for one shard"
aws kinesis create-stream --stream-name users --shard-count 4
aws kinesis wait stream-exists --stream-name users
consumer add r0 --stream users --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON --idle 1s
say "One user sends 1,500 records a second: more than a shard takes, so one key cannot carry them. Giving each record a random key (a new UUID, say) would spread them over every shard, and nothing would keep the user's order: each key would hold a single record. Salting keeps an order per sub-key: the producer here writes the user's records under four keys (say user-42#0 to user-42#3; Shardlab's producer names them user-0 to user-3), and the reader puts them back together by a sequence number it carries in the data."
# task: the learner picks the keys (salted, or random) for a 1,500-a-second user.
producer add salted --stream users --rate 1500 --keys uniform:4 --retry none
wait 20s
expect $(sim describe --query producers.salted.throttled) == 0
expect $(sim describe --query consumers.r0.order_violations) == 0
say "Four keys, about 375 records a second each, in three shards: nothing refused, and each sub-key's records in order. The cost: the user's order holds per sub-key, and the reader merges the four."
# recap: A key's records keep their order in its shard if the producer sends them in order
# (PutRecord, or SequenceNumberForOrdering); PutRecords with retries can reorder them; read
# parents before children (the KCL does); a key too hot for one shard can be salted into
# sub-keys, each kept in order.
