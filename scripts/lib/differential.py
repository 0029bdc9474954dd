"""A differential run of raw Kinesis API calls: Shardlab's engine against kinesalite.

Seeded random sequences (differential_gen.py) go, call by call, to kinesalite (an HTTP POST,
`X-Amz-Target: Kinesis_20131202.<Action>`, `Content-Type: application/x-amz-json-1.1`) and
to Shardlab's `Kinesis::call` through `shardlab call` (src/cli/call.rs). Both answers are
normalised as the differential report did (/work/shared/reviews/differential.md, Method):
sequence numbers become labels per sequence in order of appearance, shard iterators and
NextTokens `<iterator>` and `<token>`, timestamps `<time>`, MillisBehindLatest `<millis>`,
and the members kinesalite predates (StreamModeDetails, StreamSummaries, ChildShards, and
EncryptionType in PutRecord(s) answers: U1) are stripped and counted. A call is identical
when the status and the normalised body are equal.

Both sides change state at once (kinesalite's createStreamMs, deleteStreamMs and
updateStreamMs 0; `shardlab call --create-ms 0 --delete-ms 0 --update-ms 0`), so CREATING
and UPDATING are not compared here (scripts/cli-compare compares them with AWS's
durations). Shardlab's clock moves 1 s before each call, so its per-shard limits (5 reads a
second, 1 MiB and 1,000 records written) never throttle a sequence; kinesalite has none.
Streams are deleted on both sides between sequences.

The report: calls compared and identical, sequences identical throughout, and the first
difference of each unequal sequence, grouped by the known differences of
differential_known.py (with their class and the report's id), the rest by (action,
kinesalite's answer, Shardlab's answer, first differing member).
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.error
from collections import Counter, defaultdict

import differential_gen
import differential_known
import peers

SHARD_LIMIT = 50
STEP_MS = 1000
KINESALITE_TIMEOUT_S = 0.5  # its answers take a few ms; only its AT_TIMESTAMP hang is slower
SEQUENCE = re.compile(r"(?<![0-9])[0-9]{56}(?![0-9])")
ITERATOR = re.compile(r"AAAAAAAAAA[A-Za-z0-9+/]{12,}={0,2}")
EPOCH_MS = re.compile(r"(?<![0-9])1[5-9][0-9]{11}(?:\.[0-9]+)?(?![0-9])")
STRIPPED = {"StreamModeDetails": "K", "StreamSummaries": "K", "ChildShards": "K"}


class Side:
    """One implementation: how to call it, its clock, and what it has handed out."""

    def __init__(self, name):
        self.name = name
        self.reset()

    def reset(self):
        self.iterators, self.sequences, self.marks, self.tokens = [], [], [], []
        self.origins = {}
        self.started_ms = self.now_ms()

    def context(self, action, request):
        """The (stream, shard) an answer's sequence numbers belong to, as far as known."""
        if not isinstance(request, dict):
            return ("?", "?")
        if action == "GetRecords":
            iterator = unquoted(request.get("ShardIterator"))
            return (
                self.origins.get(iterator, ("?", "?")) if isinstance(iterator, str) else ("?", "?")
            )
        stream = request.get("StreamName")
        shard = request.get("ShardId", request.get("ShardToSplit"))
        return (
            stream if isinstance(stream, str) else "?",
            shard if isinstance(shard, str) else "?",
        )

    def remember_origin(self, action, request, body):
        """Where an iterator points: the stream and shard of the GetShardIterator that made it."""
        if action == "GetShardIterator" and isinstance(body.get("ShardIterator"), str):
            self.origins[body["ShardIterator"]] = self.context(action, request)
        elif action == "GetRecords" and isinstance(body.get("NextShardIterator"), str):
            self.origins[body["NextShardIterator"]] = self.context(action, request)

    def resolve(self, value):
        """A request with this side's values in place of the placeholders."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "$iter" in value:
            found = pick(self.iterators, value["$iter"]) or "AAAAAAAAAAFnoiterator"
            return f'"{found}"' if value.get("quoted") else found
        if "$seq" in value:
            return (
                pick(self.sequences, value["$seq"])
                or "49500000000000000000000000000000000000000000000000000002"
            )
        if "$time" in value:
            mark = pick(self.marks, value["$time"])
            # No mark yet: a second before the sequence began, on this side's clock, so that
            # it means the same on both (before every record of the sequence).
            return (mark if mark is not None else self.started_ms - 1000) / 1000
        if "$now" in value:
            return (self.now_ms() + value["$now"]) / 1000
        if "$token" in value:
            return pick(self.tokens, value["$token"]) or "notatoken"
        return {k: self.resolve(v) for k, v in value.items()}

    def harvest(self, body):
        """Remembers the iterators, sequence numbers and tokens of an answer."""
        if isinstance(body, dict):
            for key in sorted(body):
                value = body[key]
                if key in ("ShardIterator", "NextShardIterator") and isinstance(value, str):
                    self.iterators.append(value)
                elif key == "NextToken" and isinstance(value, str):
                    self.tokens.append(value)
                elif (
                    isinstance(value, str) and "SequenceNumber" in key and SEQUENCE.fullmatch(value)
                ):
                    self.sequences.append(value)
                else:
                    self.harvest(value)
        elif isinstance(body, list):
            for value in body:
                self.harvest(value)


def unquoted(iterator):
    if isinstance(iterator, str) and len(iterator) >= 2 and iterator[0] == iterator[-1] == '"':
        return iterator[1:-1]
    return iterator


def pick(items, k):
    if not items:
        return None
    return items[k % len(items)] if k >= 0 else items[max(-len(items), k)]


class KinesaliteSide(Side):
    def __init__(self, server):
        super().__init__("kinesalite")
        self.server = server

    def now_ms(self):
        return int(time.time() * 1000)

    def mark(self):
        time.sleep(0.005)
        self.marks.append(self.now_ms())
        time.sleep(0.005)

    def call(self, action, body):
        data = json.dumps(body).encode()
        try:
            status, parsed, text = self.server.call(action, data, timeout=KINESALITE_TIMEOUT_S)
        except (TimeoutError, urllib.error.URLError, ConnectionError) as e:
            if "timed out" in str(e) or isinstance(e, TimeoutError):
                return {"status": "timeout", "body": None}
            return {"status": "no answer", "body": str(e)}
        if (
            action in ("CreateStream", "DeleteStream", "SplitShard", "MergeShards")
            and status == 200
        ):
            # Its 0 ms state change runs on a later turn of its event loop (a reshard writes
            # several records), so give it that turn before the next call.
            time.sleep(0.003 if action.endswith("Stream") else 0.015)
        if status == 200 and not text:
            # AWS answers the actions without output (CreateStream, DeleteStream, SplitShard,
            # MergeShards, the retention calls) with an empty body (kinesalite's AWS-validated
            # test createStream: res.body.should.equal('')); Kinesis::call gives {} for it.
            return {"status": status, "body": {}}
        return {"status": status, "body": parsed if parsed is not None or not text else text}


class ShardlabSide(Side):
    def __init__(self, binary, start_ms):
        self.clock = start_ms
        super().__init__("shardlab")
        self.process = subprocess.Popen(
            [
                binary,
                "call",
                "--start-ms",
                str(start_ms),
                "--create-ms",
                "0",
                "--delete-ms",
                "0",
                "--update-ms",
                "0",
                "--shard-limit",
                str(SHARD_LIMIT),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def now_ms(self):
        return self.clock

    def send(self, request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("error: shardlab call stopped")
        return json.loads(line)

    def mark(self):
        self.clock += STEP_MS // 2
        self.send({"wait_ms": STEP_MS // 2})
        self.marks.append(self.clock)

    def call(self, action, body):
        self.clock += STEP_MS
        answer = self.send({"wait_ms": STEP_MS, "action": action, "body": body})
        return {"status": answer["status"], "body": answer.get("body")}

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Normaliser:
    """Masks one side's answers within a sequence.

    A sequence number becomes a label per (stream, shard) in order of appearance, as the
    report's "per-shard labels": `<seq Foo1/shardId-000000000000 #2>`. The context is the
    request's stream and shard, the ShardId beside the number in the answer, or for
    GetRecords where its iterator came from. A stream's labels start again when it is
    created again.
    """

    def __init__(self, stripped):
        self.labels = {}
        self.stripped = stripped

    def forget(self, stream):
        for context in [c for c in self.labels if c[0] == stream]:
            del self.labels[context]

    def label(self, number, context):
        table = self.labels.setdefault(context, {})
        return f"<seq {context[0]}/{context[1]} #{table.setdefault(number, len(table) + 1)}>"

    def value(self, value, context, key=""):
        if isinstance(value, dict):
            if isinstance(value.get("ShardId"), str):
                context = (context[0], value["ShardId"])
            out = {}
            for k in sorted(value):
                if k in STRIPPED:
                    self.stripped[k] += 1
                    continue
                out[k] = self.value(value[k], context, k)
            return out
        if isinstance(value, list):
            return [self.value(v, context, key) for v in value]
        if key in ("ShardIterator", "NextShardIterator") and isinstance(value, str):
            return "<iterator>"
        if key == "NextToken" and value is not None:
            return "<token>"
        if key.endswith("Timestamp") and isinstance(value, (int, float)):
            return "<time>"
        if key == "MillisBehindLatest":
            return "<millis>"
        if isinstance(value, str):
            value = SEQUENCE.sub(lambda m: self.label(m.group(0), context), value)
            return EPOCH_MS.sub("<ms>", ITERATOR.sub("<iterator>", value))
        return value

    def answer(self, action, request, answer, side):
        # Error bodies, EncryptionType and the rest compare as sent: Shardlab spells a
        # SerializationException's text `Message` and leaves an unknown operation's and an
        # unencrypted put's missing members out, as AWS does (N1, N2, U1 of issue 16).
        body = answer["body"]
        if action == "CreateStream" and answer["status"] == 200 and isinstance(request, dict):
            self.forget(request.get("StreamName"))
        return {"status": answer["status"], "body": self.value(body, side.context(action, request))}


def first_difference(a, b, path="body"):
    """The path of the first member where two normalised values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}"
            if a[key] != b[key]:
                return first_difference(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
    elif isinstance(a, list) and isinstance(b, list):
        return f"{path} (length {len(a)} vs {len(b)})"
    return path


def empty(kinesalite, shardlab):
    """Deletes every stream on both sides (not compared)."""
    for side in (kinesalite, shardlab):
        for _ in range(50):
            names = (side.call("ListStreams", {"Limit": 100}).get("body") or {}).get(
                "StreamNames", []
            )
            if not names:
                break
            for name in names:
                side.call("DeleteStream", {"StreamName": name})
            if side is kinesalite:
                time.sleep(0.005)


def run(options):
    started = time.monotonic()
    stripped = Counter()
    totals = Counter()
    groups = defaultdict(list)
    with peers.Kinesalite(shard_limit=SHARD_LIMIT) as server:
        kinesalite = KinesaliteSide(server)
        shardlab = ShardlabSide(options.shardlab, int(time.time() * 1000))
        try:
            for number, (kind, steps) in enumerate(
                differential_gen.sequences(options.seed, options.sequences)
            ):
                if options.trace is not None and number != options.trace:
                    continue
                empty(kinesalite, shardlab)
                kinesalite.reset()
                shardlab.reset()
                normalisers = Normaliser(stripped), Normaliser(stripped)
                first = None
                for step_index, step in enumerate(steps):
                    if step.get("mark"):
                        kinesalite.mark()
                        shardlab.mark()
                        continue
                    action = step["action"]
                    answers = []
                    for side, normaliser in zip((kinesalite, shardlab), normalisers, strict=True):
                        body = side.resolve(step["body"])
                        answer = side.call(action, body)
                        if answer["status"] == 200 and isinstance(answer["body"], dict):
                            side.harvest(answer["body"])
                            side.remember_origin(action, body, answer["body"])
                        answers.append(
                            (body, answer, normaliser.answer(action, body, answer, side))
                        )
                    (_, k_raw, k), (s_body, s_raw, s) = answers
                    if options.trace is not None:
                        print(
                            f"{'==' if k == s else '!='} step {step_index}: {action} "
                            f"{short(s_body, 400)}\n"
                            f"   kinesalite {k_raw['status']} {short(k_raw['body'], 400)}\n"
                            f"   shardlab   {s_raw['status']} {short(s_raw['body'], 400)}"
                        )
                    totals["calls"] += 1
                    if k == s:
                        totals["identical"] += 1
                    elif first is None:
                        first = {
                            "sequence": number,
                            "kind": kind,
                            "step": step_index,
                            "action": action,
                            "body": s_body,
                            "k": k,
                            "s": s,
                            "k_raw": k_raw,
                            "s_raw": s_raw,
                            "path": first_difference(k, s),
                            "handed_out": set(shardlab.sequences),
                        }
                totals["sequences"] += 1
                if first is None:
                    totals["sequences identical"] += 1
                else:
                    entry = differential_known.classify(first)
                    key = (
                        entry["id"]
                        if entry
                        else (
                            first["action"],
                            differential_known.error(first["k"]) or "ok",
                            differential_known.error(first["s"]) or "ok",
                            first["path"],
                        )
                    )
                    groups[key].append(first)
        finally:
            shardlab.close()
    report(options, totals, groups, stripped, time.monotonic() - started)
    return 0


def short(value, limit=300):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def report(options, totals, groups, stripped, seconds):
    calls, identical = totals["calls"], totals["identical"]
    sequences, same = totals["sequences"], totals["sequences identical"]
    known = {e["id"]: e for e in differential_known.KNOWN}
    print(
        f"differential: seed {options.seed}, {sequences} sequences "
        f"({sequences - sequences // 3} validation-heavy, {sequences // 3} scenario), "
        f"{seconds:.0f}s"
    )
    print(
        f"calls compared: {calls}; identical: {identical} ({100 * identical / max(calls, 1):.1f} %)"
    )
    print(f"sequences identical throughout: {same} of {sequences}")
    unequal = sequences - same
    by_class = Counter(
        known[k]["class"] if k in known else "?" for k, v in groups.items() for _ in v
    )
    print(
        f"first difference of the other {unequal}: "
        + ", ".join(
            [f"class {c}: {by_class[c]}" for c in (1, 2, 3) if by_class[c]]
            + [f"runner artefacts: {by_class['-']}"] * bool(by_class["-"])
            + [f"unclassified: {by_class['?']}"] * bool(by_class["?"])
        )
    )
    print(f"\n{'class':5}  {'id':18} {'count':>5}  what")
    ordered = sorted(
        groups.items(),
        key=lambda kv: (
            str(known[kv[0]]["class"]) if kv[0] in known else "9",
            -len(kv[1]),
            str(kv[0]),
        ),
    )
    for key, firsts in ordered:
        if key in known:
            print(f"{known[key]['class']:<5}  {key:18} {len(firsts):5}  {known[key]['what']}")
        else:
            action, k_type, s_type, path = key
            print(
                f"{'?':5}  {'unclassified':18} {len(firsts):5}  {action}: kinesalite {k_type}, "
                f"shardlab {s_type}; first at {path}"
            )
        for example in firsts[: options.examples]:
            print(
                f"         e.g. sequence {example['sequence']} step {example['step']}: "
                f"{example['action']} {short(example['body'], 200)}"
            )
            print(
                f"           kinesalite {example['k_raw']['status']} "
                f"{short(example['k_raw']['body'])}"
            )
            print(
                f"           shardlab   {example['s_raw']['status']} "
                f"{short(example['s_raw']['body'])}"
            )
    if stripped:
        print(
            "\nnormalised before comparing (members kinesalite predates, stripped): "
            + ", ".join(f"{k} x{n}" for k, n in sorted(stripped.items()))
        )
    print(
        f"differential-figures: calls={calls} identical={identical} sequences={sequences} "
        f"sequences_identical={same}",
        file=sys.stderr,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shardlab", required=True, help="the shardlab binary")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sequences", type=int, default=3000)
    parser.add_argument("--examples", type=int, default=1, help="examples shown per group")
    parser.add_argument(
        "--trace",
        type=int,
        metavar="SEQUENCE",
        help="run only this sequence and print every call with both answers",
    )
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
