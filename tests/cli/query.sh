# --query (JMESPath, jmespath 1.x as the CLI bundles it): objects keep the service's member
# order, multi-select hashes the order written, lists, filters, functions, literals (the
# legacy bare backtick literal too), and what a query of nothing prints.
aws kinesis create-stream --stream-name Query --shard-count 3
aws kinesis create-stream --stream-name Books --shard-count 1
aws kinesis create-stream --stream-name Bikes --shard-count 1
sleep 3
aws kinesis list-shards --stream-name Query --query 'Shards[0]'
aws kinesis list-shards --stream-name Query --query 'Shards[0].HashKeyRange'
aws kinesis list-shards --stream-name Query --query 'Shards[].ShardId'
aws kinesis list-shards --stream-name Query --query 'Shards[?ShardId==`shardId-000000000001`].HashKeyRange.StartingHashKey'
aws kinesis list-shards --stream-name Query --query "Shards[?ShardId=='shardId-000000000002'].ShardId | [0]"
aws kinesis list-shards --stream-name Query --query 'length(Shards)'
aws kinesis list-shards --stream-name Query --query 'Shards[].{Id: ShardId, Start: HashKeyRange.StartingHashKey}'
aws kinesis list-shards --stream-name Query --query 'Shards[-1].[ShardId, HashKeyRange.EndingHashKey]'
aws kinesis describe-stream-summary --stream-name Query --query 'StreamDescriptionSummary.{Status: StreamStatus, Name: StreamName, Shards: OpenShardCount}'
aws kinesis describe-stream-summary --stream-name Query --query 'StreamDescriptionSummary.StreamStatus'
aws kinesis describe-stream-summary --stream-name Query --query 'StreamDescriptionSummary.EnhancedMonitoring'
aws kinesis describe-stream-summary --stream-name Query --query 'StreamDescriptionSummary.Nothing'
aws kinesis list-streams --query 'StreamNames[?starts_with(@, `B`)]'
aws kinesis list-streams --query 'StreamNames[?starts_with(@, `"B"`)]'
aws kinesis list-streams --query "StreamNames[?starts_with(@, 'Bo')]"
aws kinesis list-streams --query 'sort_by(StreamNames[].{N: @}, &N)[].N'
aws kinesis list-streams --query 'StreamNames[?contains(@, `e`)] | length(@)'
aws kinesis list-streams --query 'StreamNames[0:2]'
aws kinesis list-streams --query 'StreamNames[?@ > `B`]'
aws kinesis list-shards --stream-name Query --query 'Shards[?'
aws kinesis describe-stream-summary --stream-name Nope --query 'StreamDescriptionSummary.StreamStatus'
