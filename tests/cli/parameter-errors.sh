# What the AWS CLI v1 refuses before sending anything. botocore's parameter validation
# (botocore/validate.py: required members, types, minimums): "Parameter validation failed:"
# after a blank line on stderr, exit 255. The CLI's own argument parsing (awscli/argparser.py,
# clidriver.py): unknown options and commands, missing options, values that are not numbers;
# argparse exits 2 (usage) and the CLI 255 (unknown options, bad values). Option prefixes are
# accepted as argparse accepts them.
aws kinesis create-stream --stream-name X --shard-count 0
aws kinesis create-stream --stream-name '' --shard-count 1
aws kinesis list-streams --limit 0
aws kinesis get-records --shard-iterator ''
aws kinesis get-records --shard-iterator x --limit 0
aws kinesis put-record --stream-name X --partition-key '' --data x
aws kinesis split-shard --stream-name X --shard-to-split '' --new-starting-hash-key 1
aws kinesis increase-stream-retention-period --stream-name X --retention-period-hours 0
aws kinesis create-stream --stream-name X --shard-count abc
aws kinesis create-stream --stream-name X --shard-count 1.5
aws kinesis put-record --stream-name X
aws kinesis create-stream --shard-count 1
aws kinesis describe-stream --stream-nam Nope
aws kinesis describe-stream --stream Nope
aws kinesis describe-stream --stream-name Nope --frobnicate
aws kinesis describe-stream --stream-name Nope --cli-binary-format raw-in-base64-out
aws kinesis describe-stream --stream-name
aws kinesis frobnicate
aws kinesis
aws kinesis describe-stream --stream-name Nope --output yaml-stream
echo $?
