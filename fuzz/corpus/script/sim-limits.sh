aws kinesis create-stream --stream-name u --shard-count 2
wait 3s
producer add p --stream u --rate 100000000
producer add q --stream u --rate 1000 --size 100000000
producer add r --stream u --rate 1000 --batch 100000000 --linger 1000h
kcl app add a --stream u --workers 100000000
consumer add c --stream u --shard-id 0 --limit 100000000
wait 5s
sim describe --output text
