"""Seeded random sequences of Kinesis API calls for scripts/differential.

Two kinds, as in the differential report (/work/shared/reviews/differential.md, "2,000
validation-heavy + 1,000 scenario sequences"):

- validation-heavy: a stream or two, then calls whose members are drawn from valid values,
  boundaries and mistakes (missing, null, wrong JSON type, empty, too long, bad characters,
  out of range, numbers as strings, old and odd sequence numbers, bare numeric shard ids,
  non-ASCII base64, bodies that are not objects);
- scenario: what a program does: create, wait, put, read with each iterator type following
  NextShardIterator, split, merge (in either order), retention, list, delete, re-create.

A sequence is a list of steps made before anything runs, so it depends on the seed only. A
step is {"action": A, "body": B}, or {"mark": True} (note each side's clock: a time for
AT_TIMESTAMP). Values that differ between the sides are placeholders, resolved per side when
the step runs (differential.py: resolve): {"$iter": k} the k-th shard iterator that side
has received in this sequence (counting from the latest when k < 0), {"$iter": k, "quoted":
true} the same in JSON quotes, {"$seq": k} a sequence number it has seen, {"$time": k} a mark,
{"$now": ms} its clock plus ms, {"$token": k} a NextToken of ListShards.

Never generated, because kinesalite cannot answer them: ListShards with a NextToken and no
StreamName (it crashes the server), UpdateShardCount and DescribeLimits (it has neither),
more than ten streams at once (its ListStreams pages by 10).
"""

import base64
import random

MAX_HASH = 2**128 - 1
PATTERN_CHARS = "abcXYZ019_.-"
OLD_LAYOUT_SEQUENCE = "49039857307708443467467104868809893875799651909875269633"


class Stream:
    """The generator's guess of a stream: its open shards, as if every call succeeded."""

    def __init__(self, name, shards):
        self.name = name
        self.next_index = shards
        self.open = []
        step = (MAX_HASH + 1) // shards
        for i in range(shards):
            end = MAX_HASH if i == shards - 1 else (i + 1) * step - 1
            self.open.append((i, i * step, end))
        self.closed = []
        self.retention = 24

    def shard_ids(self):
        return [shard_id(i) for i, _, _ in self.open] + [shard_id(i) for i in self.closed]


def shard_id(index):
    return f"shardId-{index:012d}"


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.streams = {}
        self.names = 0

    # ---- values ---------------------------------------------------------------------------

    def pick(self, *weighted):
        """pick((weight, value_or_callable), ...)."""
        total = sum(w for w, _ in weighted)
        x = self.rng.uniform(0, total)
        for weight, value in weighted:
            x -= weight
            if x <= 0:
                return value() if callable(value) else value
        value = weighted[-1][1]
        return value() if callable(value) else value

    def new_name(self):
        self.names += 1
        return self.rng.choice(["Orders", "clicks", "s", "A.b-c_9", "Foo"]) + str(self.names)

    def text(self, n):
        return "".join(self.rng.choice(PATTERN_CHARS) for _ in range(n))

    def wrong_type(self):
        return self.rng.choice([7, 1.5, True, [], {}, ["x"], {"a": 1}, -3])

    def stream_name(self):
        names = list(self.streams)
        return self.pick(
            (8, lambda: self.rng.choice(names) if names else "Nope"),
            (1, "Nope"),
            (0.5, ""),
            (0.5, "bad name!"),
            (0.5, lambda: "x" * self.rng.choice([128, 129])),
            (0.3, "é"),
            (0.5, None),
            (0.5, self.wrong_type),
        )

    def some_stream(self):
        return self.streams[self.rng.choice(list(self.streams))] if self.streams else None

    def shard(self, stream):
        known = stream.shard_ids() if stream else [shard_id(0)]
        return self.pick(
            (8, lambda: self.rng.choice(known)),
            (1, lambda: shard_id(self.rng.choice([9, 99, 12345]))),
            (0.6, lambda: self.rng.choice(["0", "1", "00001", "2147483647", "2147483648"])),
            (0.3, lambda: self.rng.choice(["shardId-1", "zzz", "1-2-3", "shardId-00000000000x"])),
            (0.3, ""),
            (0.3, None),
            (0.3, self.wrong_type),
        )

    def hash_key(self, stream=None):
        def inside():
            if stream and stream.open:
                _, start, end = self.rng.choice(stream.open)
                return str(self.rng.randint(start, end))
            return str(self.rng.randint(0, MAX_HASH))

        return self.pick(
            (6, inside),
            (1, lambda: self.rng.choice(["0", "1", str(MAX_HASH), str(MAX_HASH + 1)])),
            (0.5, lambda: self.rng.choice(["01", "-1", "1.5", " 1", "1e3", "abc", ""])),
            (0.3, lambda: "9" * self.rng.choice([39, 40])),
            (0.3, self.wrong_type),
        )

    def sequence_number(self):
        return self.pick(
            (6, lambda: {"$seq": self.rng.randint(-3, 5)}),
            (1, lambda: self.rng.choice(["0", "1", "5", "12345", "-1", "01", "1.5"])),
            (0.5, OLD_LAYOUT_SEQUENCE),
            (0.5, lambda: "4" + "".join(self.rng.choice("0123456789") for _ in range(55))),
            (0.3, lambda: "9" * self.rng.choice([129, 130])),
            (0.3, ""),
            (0.3, self.wrong_type),
        )

    def integer(self, low, high):
        return self.pick(
            (6, lambda: self.rng.randint(low, high)),
            (1, lambda: self.rng.choice([low - 1, high + 1, 0, -1])),
            (0.5, lambda: self.rng.choice([2**31, -(2**31) - 1, 10**11, -(10**10)])),
            (0.5, lambda: self.rng.choice([str(low), "5", 1.5, 2.9])),
            (0.3, None),
            (0.3, lambda: self.rng.choice([True, [], {}])),
        )

    def data(self, huge=True):
        def raw(n):
            return base64.b64encode(bytes(self.rng.randrange(256) for _ in range(n))).decode()

        return self.pick(
            (8, lambda: raw(self.rng.randint(0, 64))),
            (0.5, ""),
            (0.5, lambda: self.rng.choice(["é===", "abc", "!!!!", "YQ", "YQ=", "💥AAA", "a b="])),
            (
                0.2 if huge else 0,
                lambda: base64.b64encode(b"x" * self.rng.choice([1048576, 1048577])).decode(),
            ),
            (0.3, None),
            (0.3, self.wrong_type),
        )

    def partition_key(self):
        return self.pick(
            (
                8,
                lambda: (
                    self.rng.choice(["a", "b", "user-42", "123", "ü", "日本"])
                    + str(self.rng.randint(0, 99))
                ),
            ),
            (0.5, ""),
            (0.5, lambda: "k" * self.rng.choice([256, 257])),
            (0.3, None),
            (0.3, self.wrong_type),
        )

    def iterator_type(self):
        return self.pick(
            (3, "TRIM_HORIZON"),
            (2, "LATEST"),
            (2, "AT_SEQUENCE_NUMBER"),
            (2, "AFTER_SEQUENCE_NUMBER"),
            (0.7, "AT_TIMESTAMP"),
            (0.3, "trim_horizon"),
            (0.3, "BOGUS"),
            (0.3, None),
            (0.2, self.wrong_type),
        )

    def timestamp(self):
        return self.pick(
            (4, lambda: {"$time": self.rng.randint(-2, 2)}),
            (1, lambda: {"$now": self.rng.choice([-86_400_000, 60_000, 3_600_000])}),
            (0.5, lambda: self.rng.choice([0, -1, 1.5, "2020-01-01T00:00:00Z", "x"])),
        )

    def iterator(self):
        return self.pick(
            (8, lambda: {"$iter": self.rng.randint(-2, 3)}),
            (0.5, lambda: {"$iter": -1, "quoted": True}),
            (0.5, lambda: self.rng.choice(["bogus", "AAAAAAAAAAFbogus", "AAAAAAAAAAE="])),
            (0.3, ""),
            (0.3, None),
            (0.3, self.wrong_type),
        )

    def maybe(self, body, key, value, p=0.5):
        if self.rng.random() < p:
            body[key] = value

    # ---- calls ----------------------------------------------------------------------------

    def create(self, name=None, shards=None):
        name = name or self.new_name()
        shards = shards or self.rng.choice([1, 1, 2, 2, 3, 4, 5, 8])
        if len(self.streams) < 8:
            self.streams[name] = Stream(name, shards)
        return {"action": "CreateStream", "body": {"StreamName": name, "ShardCount": shards}}

    def random_call(self):
        """One call of a validation-heavy sequence."""
        stream = self.some_stream()
        action = self.pick(
            (2, "PutRecord"),
            (1.5, "PutRecords"),
            (2, "GetShardIterator"),
            (2, "GetRecords"),
            (1, "DescribeStream"),
            (1, "DescribeStreamSummary"),
            (1, "ListStreams"),
            (1, "ListShards"),
            (1, "CreateStream"),
            (0.8, "SplitShard"),
            (0.8, "MergeShards"),
            (0.6, "IncreaseStreamRetentionPeriod"),
            (0.6, "DecreaseStreamRetentionPeriod"),
            (0.5, "DeleteStream"),
            (0.2, "Bogus"),
        )
        body = {}
        if action == "PutRecord":
            body = {
                "StreamName": self.stream_name(),
                "PartitionKey": self.partition_key(),
                "Data": self.data(),
            }
            self.maybe(body, "ExplicitHashKey", self.hash_key(stream), 0.3)
            self.maybe(body, "SequenceNumberForOrdering", self.sequence_number(), 0.2)
        elif action == "PutRecords":
            count = self.pick((8, lambda: self.rng.randint(1, 5)), (0.5, 0), (0.3, 501))
            records = []
            for _ in range(count):
                # Small Data: a body over 7 MB gets kinesalite's own 413 (AWS's limit is 5 MiB
                # of records; PutRecord tries the 1 MiB boundary).
                record = {"PartitionKey": self.partition_key(), "Data": self.data(huge=False)}
                self.maybe(record, "ExplicitHashKey", self.hash_key(stream), 0.2)
                records.append(record)
            body = {
                "StreamName": self.stream_name(),
                "Records": self.pick((9, records), (0.3, None), (0.3, self.wrong_type)),
            }
        elif action == "GetShardIterator":
            kind = self.iterator_type()
            body = {
                "StreamName": self.stream_name(),
                "ShardId": self.shard(stream),
                "ShardIteratorType": kind,
            }
            if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER") or self.rng.random() < 0.1:
                self.maybe(body, "StartingSequenceNumber", self.sequence_number(), 0.9)
            if kind == "AT_TIMESTAMP" or self.rng.random() < 0.1:
                self.maybe(body, "Timestamp", self.timestamp(), 0.9)
        elif action == "GetRecords":
            body = {"ShardIterator": self.iterator()}
            self.maybe(body, "Limit", self.integer(1, 10000), 0.3)
        elif action == "DescribeStream":
            body = {"StreamName": self.stream_name()}
            self.maybe(body, "Limit", self.integer(1, 10000), 0.15)
            self.maybe(body, "ExclusiveStartShardId", self.shard(stream), 0.15)
        elif action == "DescribeStreamSummary":
            body = {"StreamName": self.stream_name()}
        elif action == "ListStreams":
            self.maybe(body, "Limit", self.integer(1, 10000), 0.4)
            self.maybe(body, "ExclusiveStartStreamName", self.stream_name(), 0.3)
        elif action == "ListShards":
            body = {"StreamName": self.stream_name()}
            if body["StreamName"] is None:
                del body["StreamName"]  # A NextToken alone would crash kinesalite.
            else:
                self.maybe(body, "NextToken", self.rng.choice(["abc", {"$token": -1}]), 0.1)
            self.maybe(body, "ExclusiveStartShardId", self.shard(stream), 0.2)
            self.maybe(body, "MaxResults", self.integer(1, 10000), 0.15)
        elif action == "CreateStream":
            name = self.pick((6, self.new_name), (2, self.stream_name))
            shards = self.integer(1, 6)
            body = {"StreamName": name, "ShardCount": shards}
            if (
                isinstance(name, str)
                and isinstance(shards, int)
                and 1 <= shards <= 6
                and name not in self.streams
                and len(self.streams) < 8
            ):
                self.streams[name] = Stream(name, shards)
        elif action == "SplitShard":
            body = {
                "StreamName": self.stream_name(),
                "ShardToSplit": self.shard(stream),
                "NewStartingHashKey": self.hash_key(stream),
            }
        elif action == "MergeShards":
            first, second = self.shard(stream), self.shard(stream)
            body = {
                "StreamName": self.stream_name(),
                "ShardToMerge": first,
                "AdjacentShardToMerge": second,
            }
        elif action in ("IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod"):
            hours = self.pick(
                (4, lambda: self.rng.choice([24, 48, 72, 168])),
                (2, lambda: self.rng.choice([1, 23, 169, 8760, 8761])),
                (1, lambda: self.integer(24, 168)),
            )
            body = {"StreamName": self.stream_name(), "RetentionPeriodHours": hours}
        elif action == "DeleteStream":
            name = self.stream_name()
            body = {"StreamName": name}
            self.streams.pop(name, None) if isinstance(name, str) else None
        # Members AWS does not know, and bodies that are not objects.
        if self.rng.random() < 0.03:
            body["Unknown"] = "x"
        if self.rng.random() < 0.02:
            body = self.rng.choice([[], True, None, "x", 1])
        for key in [k for k, v in (body.items() if isinstance(body, dict) else []) if v is None]:
            if self.rng.random() < 0.5:
                del body[key]  # missing rather than null
        return {"action": action, "body": body}

    def validation_sequence(self):
        steps = [self.create(shards=self.rng.choice([1, 2, 3]))]
        if self.rng.random() < 0.4:
            steps.append(self.create())
        for _ in range(self.rng.randint(6, 16)):
            if self.rng.random() < 0.08:
                steps.append({"mark": True})
            steps.append(self.random_call())
        return steps

    def scenario_sequence(self):
        steps = []
        stream = None
        name = self.new_name()
        steps.append(self.create(name, self.rng.choice([1, 2, 3, 4])))
        stream = self.streams[name]
        for _ in range(self.rng.randint(8, 22)):
            roll = self.rng.random()
            if roll < 0.28:
                body = {
                    "StreamName": name,
                    "PartitionKey": self.partition_key_valid(),
                    "Data": base64.b64encode(self.text(self.rng.randint(1, 20)).encode()).decode(),
                }
                if self.rng.random() < 0.2:
                    _, start, end = self.rng.choice(stream.open)
                    body["ExplicitHashKey"] = str(self.rng.choice([start, end, (start + end) // 2]))
                if self.rng.random() < 0.1:
                    body["SequenceNumberForOrdering"] = {"$seq": -1}
                steps.append({"action": "PutRecord", "body": body})
            elif roll < 0.34:
                steps.append(
                    {
                        "action": "PutRecords",
                        "body": {
                            "StreamName": name,
                            "Records": [
                                {"PartitionKey": self.partition_key_valid(), "Data": "eA=="}
                                for _ in range(self.rng.randint(1, 6))
                            ],
                        },
                    }
                )
            elif roll < 0.40:
                steps.append({"mark": True})
            elif roll < 0.54:
                kind = self.rng.choice(
                    [
                        "TRIM_HORIZON",
                        "TRIM_HORIZON",
                        "LATEST",
                        "AT_SEQUENCE_NUMBER",
                        "AFTER_SEQUENCE_NUMBER",
                        "AT_TIMESTAMP",
                    ]
                )
                ids = stream.shard_ids()
                body = {
                    "StreamName": name,
                    "ShardId": self.rng.choice(ids),
                    "ShardIteratorType": kind,
                }
                if kind.endswith("SEQUENCE_NUMBER"):
                    body["StartingSequenceNumber"] = {"$seq": self.rng.randint(-3, 3)}
                if kind == "AT_TIMESTAMP":
                    body["Timestamp"] = {"$time": self.rng.randint(-2, 0)}
                steps.append({"action": "GetShardIterator", "body": body})
            elif roll < 0.72:
                body = {"ShardIterator": {"$iter": -1}}
                if self.rng.random() < 0.3:
                    body["Limit"] = self.rng.choice([1, 2, 100])
                steps.append({"action": "GetRecords", "body": body})
            elif roll < 0.78 and stream.open:
                index, start, end = self.rng.choice(stream.open)
                if end - start >= 2:
                    key = self.rng.choice([start + 1, (start + end) // 2, end])
                    steps.append(
                        {
                            "action": "SplitShard",
                            "body": {
                                "StreamName": name,
                                "ShardToSplit": shard_id(index),
                                "NewStartingHashKey": str(key),
                            },
                        }
                    )
                    stream.open.remove((index, start, end))
                    stream.closed.append(index)
                    stream.open += [
                        (stream.next_index, start, key - 1),
                        (stream.next_index + 1, key, end),
                    ]
                    stream.next_index += 2
                    stream.open.sort(key=lambda s: s[1])
            elif roll < 0.83 and len(stream.open) >= 2:
                i = self.rng.randrange(len(stream.open) - 1)
                (a, start, _), (b, _, end) = stream.open[i], stream.open[i + 1]
                first, second = (a, b) if self.rng.random() < 0.75 else (b, a)
                steps.append(
                    {
                        "action": "MergeShards",
                        "body": {
                            "StreamName": name,
                            "ShardToMerge": shard_id(first),
                            "AdjacentShardToMerge": shard_id(second),
                        },
                    }
                )
                stream.open[i : i + 2] = [(stream.next_index, start, end)]
                stream.closed += [a, b]
                stream.next_index += 1
            elif roll < 0.88:
                action = self.rng.choice(["DescribeStream", "DescribeStreamSummary", "ListShards"])
                steps.append({"action": action, "body": {"StreamName": name}})
            elif roll < 0.91:
                steps.append({"action": "ListStreams", "body": {}})
            elif roll < 0.95:
                hours = self.rng.choice([24, 48, 72, 168])
                action = (
                    "IncreaseStreamRetentionPeriod"
                    if hours >= stream.retention
                    else "DecreaseStreamRetentionPeriod"
                )
                stream.retention = hours
                steps.append(
                    {"action": action, "body": {"StreamName": name, "RetentionPeriodHours": hours}}
                )
            elif roll < 0.97:
                steps.append({"action": "DeleteStream", "body": {"StreamName": name}})
                steps.append({"action": "DescribeStreamSummary", "body": {"StreamName": name}})
                del self.streams[name]
                steps.append(self.create(name, self.rng.choice([1, 2])))
                stream = self.streams[name]
            else:
                steps.append({"action": "GetRecords", "body": {"ShardIterator": {"$iter": 0}}})
        return steps

    def partition_key_valid(self):
        return self.rng.choice(["a", "b", "c", "user-42", "é", "42"]) + str(self.rng.randint(0, 9))

    def sequence(self, kind):
        """A fresh sequence (the servers are emptied between sequences)."""
        self.streams = {}
        return self.validation_sequence() if kind == "validation" else self.scenario_sequence()


def sequences(seed, count):
    """(kind, steps) for `count` sequences: two validation-heavy for each scenario."""
    generator = Generator(seed)
    for i in range(count):
        kind = "scenario" if i % 3 == 2 else "validation"
        yield kind, generator.sequence(kind)
