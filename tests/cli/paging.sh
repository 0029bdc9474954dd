# Paginated commands as the AWS CLI v1 assembles them (botocore's paginators-1.json for
# Kinesis): list-streams, list-shards and describe-stream fetch every page and print the
# result keys; --max-items truncates and prints the CLI's own NextToken (base64 of
# {"NextToken": ..., "boto_truncate_amount": N}); --starting-token resumes from it;
# --no-paginate prints the service's raw response.
# Not here: --page-size, --limit and --max-results, which kinesalite ignores for
# DescribeStream and ListShards, a --starting-token that is not the CLI's own (botocore sends
# it as the service's NextToken, which kinesalite's ListStreams ignores), and more than 10
# streams (kinesalite's ListStreams pages by 10, AWS by 100): differential.md class 2.
aws kinesis create-stream --stream-name Paged --shard-count 5
aws kinesis create-stream --stream-name Alpha --shard-count 1
aws kinesis create-stream --stream-name Beta --shard-count 1
sleep 3
aws kinesis list-streams
aws kinesis list-streams --max-items 2
# The token printed above, copied as a user copies it. (With --query NextToken --output text
# the CLI prints a row 'None' for the page before the token: awscli/formatter.py.)
aws kinesis list-streams --max-items 2 --query NextToken --output text
aws kinesis list-streams --starting-token eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==
aws kinesis list-streams --starting-token eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ== --max-items 1
aws kinesis list-streams --no-paginate
aws kinesis list-streams --max-items 1 --output text
aws kinesis list-shards --stream-name Paged --max-items 2
aws kinesis list-shards --stream-name Paged --starting-token eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ== --query 'Shards[].ShardId'
aws kinesis list-shards --stream-name Paged --no-paginate --query 'Shards[].ShardId'
aws kinesis list-shards --stream-name Paged --max-items 3 --query 'Shards[].ShardId'
aws kinesis describe-stream --stream-name Paged
aws kinesis describe-stream --stream-name Paged --max-items 2
aws kinesis describe-stream --stream-name Paged --starting-token eyJFeGNsdXNpdmVTdGFydFNoYXJkSWQiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ== --query 'StreamDescription.Shards[].ShardId'
aws kinesis describe-stream --stream-name Paged --no-paginate
aws kinesis describe-stream --stream-name Alpha --output text
aws kinesis describe-stream --stream-name Alpha --no-paginate --output text
