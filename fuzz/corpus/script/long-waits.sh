aws kinesis create-stream --stream-name u --shard-count 2
wait 3s
producer add p --stream u --rate 3000 --keys hot:k:0.9
kcl app add a --stream u --workers 3
wait until lease a shardId-000000000000 moves --timeout 1m
kcl worker kill a/worker-1
wait 1000h
sleep 1e30
