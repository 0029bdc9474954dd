aws kinesis create-stream --stream-name s --shard-count 100000000
aws kinesis create-stream --stream-name t --shard-count 20000
aws kinesis create-stream --stream-name u --shard-count 2
wait 3s
aws kinesis update-shard-count --stream-name u --target-shard-count 100000000 --scaling-type UNIFORM_SCALING
sim producer add p --stream u --rate 100000000
sim producer add q --stream u --rate 1000 --size 100000000
