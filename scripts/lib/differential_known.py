"""The known differences between Shardlab and kinesalite, for scripts/differential.

Each entry names a difference of /work/shared/reviews/differential.md by its id and class:
1 Shardlab is wrong (kinesalite matches AWS), 2 kinesalite is wrong, 3 unclear. The first
difference of each unequal sequence is given to `classify`, which returns the first entry
whose test holds, so the more specific entries come first. A test sees the call: `action`,
the request `body` (as Shardlab got it), and both normalised answers `k` (kinesalite) and
`s` (Shardlab), each {"status": 200 | 400 | 500 | "timeout" | "no answer", "body": ...}.
"""

import re

SHARD_MEMBERS = (
    "ShardId",
    "ShardToSplit",
    "ShardToMerge",
    "AdjacentShardToMerge",
    "ExclusiveStartShardId",
)
HASH_KEY = re.compile(r"0|[1-9][0-9]{0,38}")
SEQUENCE = re.compile(r"0|[1-9][0-9]{0,128}")


def error(answer):
    """The error type of an answer, or None for a success."""
    if answer["status"] == 200:
        return None
    body = answer.get("body")
    return body.get("__type", "?") if isinstance(body, dict) else str(answer["status"])


def message(answer):
    body = answer.get("body")
    return (body.get("message") or "") if isinstance(body, dict) else ""


def members(body):
    """Every (name, value) in a request body, records of PutRecords included."""
    if not isinstance(body, dict):
        return []
    found = list(body.items())
    records = body.get("Records")
    if isinstance(records, list):
        for record in records:
            if isinstance(record, dict):
                found += list(record.items())
    return found


def value_of(body, *names):
    return [v for k, v in members(body) if k in names]


def numeric_shard(call):
    return any(isinstance(v, str) and v.isdigit() for v in value_of(call["body"], *SHARD_MEMBERS))


def odd_shard(call):
    """A shard id that is neither canonical (shardId- and 12 digits) nor bare digits."""
    return any(
        isinstance(v, str) and v and not re.fullmatch(r"shardId-[0-9]{12}|[0-9]+", v)
        for v in value_of(call["body"], *SHARD_MEMBERS)
    )


def unanchored_only(call):
    """A hash key or sequence number that AWS's anchored pattern refuses and kinesalite's
    unanchored one passes, which only Shardlab's ValidationException names."""
    for name, value in members(call["body"]):
        pattern = {
            "ExplicitHashKey": HASH_KEY,
            "NewStartingHashKey": HASH_KEY,
            "StartingSequenceNumber": SEQUENCE,
            "SequenceNumberForOrdering": SEQUENCE,
        }.get(name)
        member = name[0].lower() + name[1:]
        if (
            pattern
            and isinstance(value, str)
            and not pattern.fullmatch(value)
            and pattern.search(value)
            and f"{member}' failed" in message(call["s"])
            and f"{member}' failed" not in message(call["k"])
        ):
            return True
    return False


def version_2(text):
    """Whether a decimal sequence number has AWS's version-2 layout: hex 2...2 in 188 bits
    (src/engine/sequence.rs)."""
    number = int(text)
    return number >> 184 == 2 and number & 0xF == 2 and number < 1 << 188


def old_sequence(call):
    """A sequence number of a layout before version 2, or a short one."""
    return any(
        isinstance(v, str) and v.isdigit() and not version_2(v)
        for v in value_of(call["body"], "StartingSequenceNumber", "SequenceNumberForOrdering")
    )


def at_path(answer, path):
    """The value at a path of first_difference ("body.body.Records[0].SequenceNumber")."""
    value = answer
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path)[1:]:
        if part.startswith("["):
            value = value[int(part[1:-1])]
        else:
            value = value[part]
    return value


def reused_sequence_number(call):
    """kinesalite shows a sequence number it has already shown in that shard where Shardlab
    shows a new one: its child shards' first record has the shard's StartingSequenceNumber
    (seen at the put, or at the shard's listing after it)."""
    if not call["path"].endswith("SequenceNumber"):
        return False
    k, s = at_path(call["k"], call["path"]), at_path(call["s"], call["path"])
    number = re.compile(r"#(\d+)>$")
    return int(number.search(k).group(1)) < int(number.search(s).group(1))


def has_key(answer, key):
    return isinstance(answer.get("body"), dict) and key in answer["body"]


KNOWN = [
    # ---- not a difference of either: how this runner keeps time ----------------------------
    {
        "id": "T1",
        "class": "-",
        "what": "a sequence number of another stream: kinesalite made both streams in the same "
        "second, so it passes; Shardlab's clock moves 1 s a call, so it says 'did not come "
        "from this stream' (AWS's check)",
        "test": lambda c: (
            "did not come from this stream" in message(c["s"]) and c["k"]["status"] == 200
        ),
    },
    # ---- class 1: Shardlab differs where kinesalite matches AWS ------------------------------
    {
        "id": "A1",
        "class": 1,
        "what": "MergeShards accepts the reversed order",
        "test": lambda c: (
            c["action"] == "MergeShards"
            and c["s"]["status"] == 200
            and "adjacent pair" in message(c["k"])
        ),
    },
    {
        "id": "A5",
        "class": 1,
        "what": 'GetRecords: "NextShardIterator": null at a closed shard\'s end',
        "test": lambda c: (
            c["action"] == "GetRecords"
            and has_key(c["s"], "NextShardIterator")
            and c["s"]["body"]["NextShardIterator"] is None
        ),
    },
    {
        "id": "K-pattern",
        "class": 2,
        "what": "kinesalite's unanchored hash key / sequence number patterns accept '01', "
        "'-1', '1.5'",
        "test": unanchored_only,
    },
    {
        "id": "U6",
        "class": 3,
        "what": 'SequenceNumberForOrdering "0" to "5"',
        "test": lambda c: any(
            isinstance(v, str) and re.fullmatch(r"[0-5]", v)
            for v in value_of(c["body"], "SequenceNumberForOrdering")
        ),
    },
    {
        "id": "A3",
        "class": 1,
        "what": "a sequence number of an older layout, or a short one",
        "test": old_sequence,
    },
    # ---- class 2: kinesalite deviates from AWS ---------------------------------------------
    {
        "id": "K-retention",
        "class": 2,
        "what": "kinesalite caps RetentionPeriodHours at 168 (AWS: 8,760)",
        "test": lambda c: "RetentionPeriod" in c["action"] and "168" in message(c["k"]),
    },
    {
        "id": "K-at-timestamp",
        "class": 2,
        "what": "kinesalite never answers GetShardIterator AT_TIMESTAMP when no record is at or "
        "after the time (its answer timed out)",
        "test": lambda c: c["k"]["status"] == "timeout",
    },
    {
        "id": "K-list-shards",
        "class": 2,
        "what": "kinesalite's ListShards ignores MaxResults and NextToken",
        "test": lambda c: (
            c["action"] == "ListShards"
            and isinstance(c["body"], dict)
            and ("MaxResults" in c["body"] or "NextToken" in c["body"])
        ),
    },
    {
        "id": "K-describe-paging",
        "class": 2,
        "what": "kinesalite's DescribeStream ignores Limit and ExclusiveStartShardId",
        "test": lambda c: (
            c["action"] == "DescribeStream"
            and isinstance(c["body"], dict)
            and ("Limit" in c["body"] or "ExclusiveStartShardId" in c["body"])
        ),
    },
    {
        "id": "K-reshard-closed",
        "class": 2,
        "what": "kinesalite splits and merges closed shards (it never says 'already been merged "
        "or split')",
        "test": lambda c: (
            c["action"] in ("SplitShard", "MergeShards")
            and "already been merged or split" in message(c["s"])
            and "already been merged or split" not in message(c["k"])
        ),
    },
    {
        "id": "K-child-future",
        "class": 2,
        "what": "kinesalite's children start 1 s in the future: a child's first record gets "
        "the shard's StartingSequenceNumber, refused as SequenceNumberForOrdering",
        "test": lambda c: (
            (
                c["action"] == "PutRecord"
                and c["s"]["status"] == 200
                and error(c["k"]) == "InvalidArgumentException"
                and "SequenceNumberForOrdering" in c["body"]
            )
            or reused_sequence_number(c)
        ),
    },
    {
        "id": "K-late-end",
        "class": 2,
        "what": "kinesalite reports a closed shard's end one GetRecords late",
        "test": lambda c: (
            c["action"] == "GetRecords"
            and has_key(c["k"], "NextShardIterator")
            and c["s"]["status"] == 200
            and not has_key(c["s"], "NextShardIterator")
        ),
    },
    {
        "id": "K-quoted-iterator",
        "class": 2,
        "what": "kinesalite refuses a shard iterator in JSON quotes (AWS accepts it)",
        "test": lambda c: (
            c["action"] == "GetRecords"
            and isinstance(c["body"], dict)
            and isinstance(c["body"].get("ShardIterator"), str)
            and c["body"]["ShardIterator"].startswith('"')
        ),
    },
    # ---- class 3: unclear -------------------------------------------------------------------
    {
        "id": "U8",
        "class": 3,
        "what": "a body that is not a JSON object ([], true, null, ...)",
        "test": lambda c: not isinstance(c["body"], dict),
    },
    {
        "id": "U2",
        "class": 3,
        "what": "non-ASCII or malformed base64 Data",
        "test": lambda c: (
            c["action"] in ("PutRecord", "PutRecords")
            and error(c["k"]) == error(c["s"]) == "SerializationException"
            and "Blob" in message(c["k"])
            and "Blob" in message(c["s"])
        ),
    },
    {
        "id": "U3",
        "class": 3,
        "what": "an integer below -2^31 or above 2^31-1 (echoed differently)",
        "test": lambda c: any(
            isinstance(v, int) and not isinstance(v, bool) and not -(2**31) <= v < 2**31
            for _, v in members(c["body"])
        ),
    },
    {
        "id": "U5",
        "class": 3,
        "what": "AT_TIMESTAMP together with StartingSequenceNumber",
        "test": lambda c: (
            c["action"] == "GetShardIterator"
            and isinstance(c["body"], dict)
            and c["body"].get("ShardIteratorType") == "AT_TIMESTAMP"
            and "StartingSequenceNumber" in c["body"]
        ),
    },
    {
        "id": "U4/U9",
        "class": 3,
        "what": 'a shard id in an odd spelling ("shardId-1", "zzz", "1-2-3"), or a bare '
        "number as ListShards' ExclusiveStartShardId (kinesalite compares strings; Shardlab "
        "reads the number as AWS does elsewhere, A2)",
        "test": lambda c: odd_shard(c)
        or (
            c["action"] == "ListShards"
            and any(
                isinstance(v, str) and v.isdigit()
                for v in value_of(c["body"], "ExclusiveStartShardId")
            )
        ),
    },
    {
        "id": "U10",
        "class": 3,
        "what": "an iterator of a deleted (and re-created) stream",
        "test": lambda c: (
            c["action"] == "GetRecords"
            and c["k"]["status"] == 200
            and error(c["s"]) == "ResourceNotFoundException"
        ),
    },
    # ---- class 1 again, last: a numeric shard id is in many calls, so it counts only where
    # nothing above (a kinesalite error, an unclear case) explains the difference ----------
    {
        "id": "A2",
        "class": 1,
        "what": 'a bare numeric shard id ("1", "00001", "2147483647")',
        "test": numeric_shard,
    },
]


def classify(call):
    for entry in KNOWN:
        try:
            if entry["test"](call):
                return entry
        except (KeyError, TypeError, AttributeError, IndexError):
            continue
    return None
