"""`shardlab endpoint` driven by real SDKs, checking what their users would notice.

Run by scripts/endpoint-test with the Python of .tools/boto3 (boto3 pinned there by
scripts/lib/bootstrap.sh: ensure_boto3). Every test starts an endpoint of its own
(peers.Endpoint, a free loopback port), so none sees another's streams or throttling:

- throttling: threads put records one at a time past one shard's 1,000 records/s, see
  ProvisionedThroughputExceededException, back off exponentially and retry (our own loop:
  botocore's retries are off, so every throttle is seen), and in the end every record is on
  the shard, in the order its puts were acknowledged for each partition key;
- partial failure: one PutRecords batch over the shard's 1 MiB/s is answered 200 with
  FailedRecordCount, failed entries naming the error and successful ones their sequence
  number and shard; retrying only the failed entries gets them all in;
- resharding: split_shard at the midpoint; once ACTIVE again the parent is closed and two
  children name it, and new records go to (and are read from) the children;
- enhanced fan-out: register_stream_consumer, wait for ACTIVE, subscribe_to_shard, and read
  the event stream while another client puts: every record arrives, in order, with its
  sequence number; a newer subscription ends the stream with ResourceInUseException, and one
  within 5 s of it is refused;
- the AWS SDK for JavaScript v3 (endpoint_sdk_test.mjs, run with node): create a stream, put,
  read back, and which HTTP version the client spoke;
- malformed requests on a raw connection (wrong JSON types, garbage, a 20 MB body, unknown or
  missing target, no signature, a GET): each an AWS-shaped error, and the server still
  answers a good request after each.

Simulated time is the wall clock times --speed: the throttling test runs slower than the wall
clock (0.25: a shard takes 250 records a wall second), so that boto3 on a slow machine still
outruns the shard (about 800 PutRecord calls a second from 8 threads on 2 cores, under the
1,000 a shard takes at speed 1); the resharding test faster (10), so CREATING and UPDATING
pass quickly. The throttling test's wait for CREATING (8 s at 0.25) overlaps the others.

Prints one line per test and `endpoint-test: N checks passed` at the end; exits 1 on any
failure.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import peers

HERE = os.path.dirname(os.path.abspath(__file__))
THROTTLED = "ProvisionedThroughputExceededException"
SERIALIZATION = "SerializationException"
UNKNOWN_OPERATION = "UnknownOperationException"


class Failed(Exception):
    """A check that did not hold."""


class Checks:
    """Counts checks that held; the first that does not ends its test."""

    def __init__(self):
        self.passed = 0
        self.lock = threading.Lock()

    def that(self, condition, what):
        if not condition:
            raise Failed(what)
        with self.lock:
            self.passed += 1

    def equal(self, got, want, what):
        self.that(got == want, f"{what}: got {got!r}, want {want!r}")


def client(endpoint, **config):
    """A boto3 Kinesis client for `endpoint`, with dummy credentials and no retries of its own:
    every throttle reaches the program. (botocore's `max_attempts` counts retries, so
    {"max_attempts": 1} would still retry once, with a hidden backoff; `total_max_attempts`
    counts the first attempt too.)"""
    return boto3.client(
        "kinesis",
        endpoint_url=endpoint.url,
        region_name=peers.REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, **config),
    )


def error_code(error):
    return error.response.get("Error", {}).get("Code")


def wait_active(kinesis, stream, timeout=30):
    """Polls describe_stream_summary until the stream is ACTIVE; returns the statuses seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
            "StreamStatus"
        ]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "ACTIVE":
            return seen
        time.sleep(0.05)
    raise Failed(f"{stream} not ACTIVE after {timeout}s (seen {seen})")


def backoff(attempt, base=0.02, cap=1.0):
    """Full-jitter exponential backoff (the AWS Architecture Blog's): up to base * 2^attempt."""
    return random.uniform(0, min(cap, base * 2**attempt))


def read_shard(kinesis, stream, shard_id, want=None, timeout=30):
    """Every record of a shard from TRIM_HORIZON, in order, reading until `want` records (or an
    empty answer at the tip when `want` is None). Backs off when reads are throttled."""
    iterator = kinesis.get_shard_iterator(
        StreamName=stream, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records, attempt = [], 0
    deadline = time.monotonic() + timeout
    while iterator and time.monotonic() < deadline:
        try:
            answer = kinesis.get_records(ShardIterator=iterator, Limit=10000)
        except ClientError as error:
            if error_code(error) != THROTTLED:
                raise
            time.sleep(backoff(attempt, base=0.1))
            attempt += 1
            continue
        attempt = 0
        records += answer["Records"]
        iterator = answer.get("NextShardIterator")
        if want is None and not answer["Records"] and answer.get("MillisBehindLatest") == 0:
            break
        if want is not None and len(records) >= want:
            break
    return records


def test_throttling(checks, binary):
    """Past one shard's write limit with PutRecord: throttles seen, backoff, all records in,
    in acknowledgement order per partition key."""
    threads, per_thread, size = 8, 250, 1000
    total = threads * per_thread
    with peers.Endpoint(speed=0.25, binary=binary) as endpoint:
        kinesis = client(endpoint, max_pool_connections=threads)
        kinesis.create_stream(StreamName="Firehose", ShardCount=1)
        wait_active(kinesis, "Firehose")
        throttles, acked = [0] * threads, [[] for _ in range(threads)]
        most_attempts = [0] * threads

        def producer(n):
            # Each thread owns two partition keys and puts one record at a time, so the order
            # it was acknowledged in is the order that key's records must have on the shard.
            for i in range(per_thread):
                key = f"producer-{n}-{i % 2}"
                data = f"{n:02d}:{i:04d}:".encode().ljust(size, b".")
                for attempt in range(30):
                    try:
                        answer = kinesis.put_record(
                            StreamName="Firehose", PartitionKey=key, Data=data
                        )
                        break
                    except ClientError as error:
                        if error_code(error) != THROTTLED:
                            raise
                        throttles[n] += 1
                        most_attempts[n] = max(most_attempts[n], attempt + 2)
                        time.sleep(backoff(attempt))
                else:
                    raise Failed(f"a record of producer {n} still throttled after 30 attempts")
                acked[n].append((key, data, answer["SequenceNumber"]))

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(producer, n) for n in range(threads)]:
                future.result()
        seconds = time.monotonic() - started
        checks.that(sum(throttles) > 0, "no ProvisionedThroughputExceededException seen")
        records = read_shard(kinesis, "Firehose", "shardId-000000000000", want=total)
        checks.equal(len(records), total, "records read back from the shard")
        on_shard = {}
        for record in records:
            on_shard.setdefault(record["PartitionKey"], []).append(
                (record["Data"], record["SequenceNumber"])
            )
        want = {}
        for puts in acked:
            for key, data, sequence in puts:
                want.setdefault(key, []).append((data, sequence))
        checks.equal(sorted(on_shard), sorted(want), "partition keys on the shard")
        for key in want:
            checks.equal(on_shard[key], want[key], f"records of {key}, in acknowledged order")
        sequences = [int(r["SequenceNumber"]) for r in records]
        checks.that(sequences == sorted(sequences), "sequence numbers increase along the shard")
        return (
            f"{total} PutRecord calls of {size} B from {threads} threads in {seconds:.1f}s "
            f"(speed 0.25): {sum(throttles)} ProvisionedThroughputExceededException, "
            f"at most {max(most_attempts)} attempts for a record; all {total} read back "
            "in order"
        )


def test_partial_failure(checks, binary):
    """A PutRecords batch over the shard's 1 MiB/s: some entries fail, each says why."""
    count, size = 500, 4000
    with peers.Endpoint(speed=1, binary=binary) as endpoint:
        kinesis = client(endpoint)
        kinesis.create_stream(StreamName="Batch", ShardCount=1)
        wait_active(kinesis, "Batch")
        entries = [
            {"PartitionKey": f"key-{i}", "Data": f"{i:04d}".encode().ljust(size, b"-")}
            for i in range(count)
        ]
        answer = kinesis.put_records(StreamName="Batch", Records=entries)
        failed = answer["FailedRecordCount"]
        results = answer["Records"]
        checks.equal(len(results), count, "one result per entry")
        checks.that(0 < failed < count, f"FailedRecordCount {failed} of {count}")
        bad = [r for r in results if "ErrorCode" in r]
        good = [r for r in results if "ErrorCode" not in r]
        checks.equal(len(bad), failed, "entries with an ErrorCode")
        checks.that(
            all(r["ErrorCode"] == THROTTLED for r in bad),
            f"failed entries' ErrorCode: {sorted({r['ErrorCode'] for r in bad})}",
        )
        message = (
            "Rate exceeded for shard shardId-000000000000 in stream Batch under account "
            f"{peers.ACCOUNT_ID}."
        )
        checks.that(
            all(r.get("ErrorMessage") == message for r in bad),
            f"failed entries' ErrorMessage: {sorted({r.get('ErrorMessage') for r in bad})}",
        )
        checks.that(
            all("SequenceNumber" not in r and "ShardId" not in r for r in bad),
            "failed entries carry no SequenceNumber or ShardId",
        )
        checks.that(
            all(
                r.get("ShardId") == "shardId-000000000000" and r.get("SequenceNumber")
                for r in good
            ),
            "successful entries carry SequenceNumber and ShardId",
        )
        # What the AWS developer guide tells a producer to do: send the failed entries again.
        pending = [e for e, r in zip(entries, results) if "ErrorCode" in r]
        rounds = 0
        while pending:
            rounds += 1
            checks.that(rounds <= 20, "failed entries still failing after 20 retries")
            time.sleep(backoff(rounds, base=0.1))
            retry = kinesis.put_records(StreamName="Batch", Records=pending)["Records"]
            pending = [e for e, r in zip(pending, retry) if "ErrorCode" in r]
        records = read_shard(kinesis, "Batch", "shardId-000000000000", want=count)
        checks.equal(
            sorted(r["PartitionKey"] for r in records),
            sorted(e["PartitionKey"] for e in entries),
            "every entry on the shard after retrying the failed ones",
        )
        return (
            f"PutRecords of {count} x {size} B: FailedRecordCount {failed}, ErrorCode and "
            f"ErrorMessage on each; the failed entries in after {rounds} retries"
        )


def test_split(checks, binary):
    """split_shard at the midpoint: parent closed, two children, new records on them."""
    with peers.Endpoint(speed=10, binary=binary) as endpoint:
        kinesis = client(endpoint)
        kinesis.create_stream(StreamName="Split", ShardCount=1)
        wait_active(kinesis, "Split")
        parent = kinesis.list_shards(StreamName="Split")["Shards"][0]
        start = int(parent["HashKeyRange"]["StartingHashKey"])
        end = int(parent["HashKeyRange"]["EndingHashKey"])
        middle = (start + end + 1) // 2
        before = kinesis.put_record(StreamName="Split", PartitionKey="early", Data=b"before")
        kinesis.split_shard(
            StreamName="Split",
            ShardToSplit=parent["ShardId"],
            NewStartingHashKey=str(middle),
        )
        statuses = wait_active(kinesis, "Split")
        checks.equal(statuses[0], "UPDATING", "status right after split_shard")
        shards = {s["ShardId"]: s for s in kinesis.list_shards(StreamName="Split")["Shards"]}
        checks.equal(len(shards), 3, "shards after the split")
        closed = shards[parent["ShardId"]]
        checks.that(
            "EndingSequenceNumber" in closed["SequenceNumberRange"],
            "the parent shard is closed (EndingSequenceNumber)",
        )
        children = [s for s in shards.values() if s.get("ParentShardId") == parent["ShardId"]]
        checks.equal(len(children), 2, "children naming the parent")
        ranges = sorted(
            (int(c["HashKeyRange"]["StartingHashKey"]), int(c["HashKeyRange"]["EndingHashKey"]))
            for c in children
        )
        checks.equal(ranges, [(start, middle - 1), (middle, end)], "children's hash key ranges")
        checks.that(
            all("EndingSequenceNumber" not in c["SequenceNumberRange"] for c in children),
            "the children are open",
        )
        put = {}
        for i in range(40):
            answer = kinesis.put_record(
                StreamName="Split", PartitionKey=f"after-{i}", Data=f"after {i}".encode()
            )
            put.setdefault(answer["ShardId"], []).append(f"after {i}".encode())
        checks.equal(
            sorted(put), sorted(c["ShardId"] for c in children), "shards the new records went to"
        )
        for child in children:
            got = [r["Data"] for r in read_shard(kinesis, "Split", child["ShardId"])]
            checks.equal(got, put[child["ShardId"]], f"records read from {child['ShardId']}")
        old = read_shard(kinesis, "Split", parent["ShardId"])
        checks.equal(
            [r["SequenceNumber"] for r in old],
            [before["SequenceNumber"]],
            "the parent keeps its record from before the split, and only it",
        )
        counts = ", ".join(str(len(v)) for _, v in sorted(put.items()))
        return (
            f"split at {middle}: statuses {' -> '.join(statuses)}; parent closed, children "
            f"{', '.join(sorted(put))} got {counts} records, read back from each"
        )


def wait_consumer_active(kinesis, consumer_arn, timeout=30):
    """Polls describe_stream_consumer until the consumer is ACTIVE; returns the statuses seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)[
            "ConsumerDescription"
        ]["ConsumerStatus"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == "ACTIVE":
            return seen
        time.sleep(0.05)
    raise Failed(f"{consumer_arn} not ACTIVE after {timeout}s (seen {seen})")


def test_subscribe_to_shard(checks, binary):
    """Enhanced fan-out: register a stream consumer, subscribe to a shard, and read the event
    stream while another client puts; a second subscription takes over the first."""
    with peers.Endpoint(speed=10, binary=binary) as endpoint:
        kinesis = client(endpoint)
        kinesis.create_stream(StreamName="Fanned", ShardCount=1)
        wait_active(kinesis, "Fanned")
        stream_arn = kinesis.describe_stream_summary(StreamName="Fanned")[
            "StreamDescriptionSummary"
        ]["StreamARN"]
        consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="reader")[
            "Consumer"
        ]
        statuses = wait_consumer_active(kinesis, consumer["ConsumerARN"])
        checks.equal(statuses[0], "CREATING", "the consumer's status right after registering")
        shard = kinesis.list_shards(StreamName="Fanned")["Shards"][0]["ShardId"]
        subscribed = kinesis.subscribe_to_shard(
            ConsumerARN=consumer["ConsumerARN"],
            ShardId=shard,
            StartingPosition={"Type": "LATEST"},
        )
        checks.equal(subscribed["ResponseMetadata"]["HTTPStatusCode"], 200, "status")
        checks.equal(
            subscribed["ResponseMetadata"]["HTTPHeaders"].get("content-type"),
            "application/vnd.amazon.eventstream",
            "content type",
        )
        want = [f"fanned {i}".encode() for i in range(30)]

        def produce():
            producer = client(endpoint)
            acknowledged = []
            for data in want:
                answer = producer.put_record(StreamName="Fanned", PartitionKey="k", Data=data)
                acknowledged.append(answer["SequenceNumber"])
                time.sleep(0.01)
            return acknowledged

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            producing = pool.submit(produce)
            got, events, continuation = [], 0, None
            stream = subscribed["EventStream"]
            deadline = time.monotonic() + 30
            for event in stream:
                fields = event["SubscribeToShardEvent"]
                events += 1
                got += fields["Records"]
                continuation = fields.get("ContinuationSequenceNumber", continuation)
                checks.that("MillisBehindLatest" in fields, "every event has MillisBehindLatest")
                if len(got) >= len(want) or time.monotonic() > deadline:
                    break
            acknowledged = producing.result()
        checks.equal([r["Data"] for r in got], want, "the records pushed, in the order put")
        checks.equal(
            [r["SequenceNumber"] for r in got], acknowledged, "their sequence numbers, as put"
        )
        checks.equal(continuation, acknowledged[-1], "ContinuationSequenceNumber is the last one")
        # 5 simulated seconds later (0.5 s here) a new subscription takes over: the first stream
        # ends with ResourceInUseException, as AWS ends it.
        time.sleep(0.6)
        second = client(endpoint).subscribe_to_shard(
            ConsumerARN=consumer["ConsumerARN"],
            ShardId=shard,
            StartingPosition={"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": continuation},
        )
        ended = None
        try:
            for event in stream:
                checks.that(not event["SubscribeToShardEvent"]["Records"], "nothing read twice")
        except ClientError as error:
            ended = error_code(error)
        checks.equal(ended, "ResourceInUseException", "how the first stream ends")
        first = next(iter(second["EventStream"]))["SubscribeToShardEvent"]
        checks.equal(first["Records"], [], "the new subscription resumes after the last record")
        second["EventStream"].close()
        # Within 5 s of that one: refused at once, as a JSON error.
        try:
            client(endpoint).subscribe_to_shard(
                ConsumerARN=consumer["ConsumerARN"],
                ShardId=shard,
                StartingPosition={"Type": "LATEST"},
            )
            refused = None
        except ClientError as error:
            refused = error_code(error)
        checks.equal(refused, "ResourceInUseException", "a subscription within 5 s of another")
        return (
            f"consumer {' -> '.join(statuses)}; {len(got)} records in {events} events while "
            f"another client put them; taken over with ResourceInUseException"
        )


def test_javascript(checks, binary, node_modules):
    """The AWS SDK for JavaScript v3: create, put, read back (endpoint_sdk_test.mjs)."""
    with peers.Endpoint(speed=10, binary=binary) as endpoint:
        done = subprocess.run(
            [
                "node",
                os.path.join(HERE, "endpoint_sdk_test.mjs"),
                endpoint.url,
                os.path.abspath(node_modules),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            raise Failed(f"node exited {done.returncode}:\n{done.stdout}{done.stderr}")
        report = json.loads(lines[-1])
        checks.that(report["checks"] > 0, "the JavaScript test checked nothing")
        with checks.lock:
            checks.passed += report["checks"]
        # What one SDK wrote, another reads: boto3 finds the stream and both records.
        kinesis = client(endpoint)
        checks.that(
            "FromJavaScript" in kinesis.list_streams()["StreamNames"],
            "boto3 lists the stream the JavaScript SDK created",
        )
        records = read_shard(kinesis, "FromJavaScript", "shardId-000000000000")
        checks.equal(
            [(r["PartitionKey"], r["Data"]) for r in records],
            [("alpha", b"hello from node"), ("beta", b"second record")],
            "boto3 reads the JavaScript SDK's records",
        )
        return f"{report['summary']} ({report['checks']} checks); boto3 reads them too"


def raw_call(endpoint, body, headers, method="POST", read_timeout=60):
    """One request on a fresh connection: (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=read_timeout)
    try:
        connection.request(method, "/", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, dict(response.getheaders()), text
    finally:
        connection.close()


def test_malformed(checks, binary):
    """Requests no SDK would send: AWS-shaped errors, and the server answers on."""
    with peers.Endpoint(binary=binary) as endpoint:
        signed = peers.signed_headers

        def headers(action="CreateStream", drop=()):
            h = signed(action)
            for name in drop:
                h.pop(name)
            return h

        cases = [
            (
                "ShardCount as a string",
                b'{"StreamName": "Typed", "ShardCount": "two"}',
                headers(),
                "POST",
                400,
                SERIALIZATION,
            ),
            ("garbage bytes", bytes(range(256)) * 4, headers(), "POST", 400, SERIALIZATION),
            ("JSON that is not an object", b"[1, 2]", headers(), "POST", 400, SERIALIZATION),
            # AWS's answer to an oversized body is not recorded; Shardlab's is JSON with a
            # __type, as its other errors are (wire/request.rs).
            ("a 20 MB body", b"{" + b" " * (20 * 1024 * 1024) + b"}", headers(), "POST", 413, ""),
            ("an unknown target", b"{}", headers("Frobnicate"), "POST", 400, UNKNOWN_OPERATION),
            (
                "no X-Amz-Target",
                b"{}",
                headers(drop=["X-Amz-Target"]),
                "POST",
                400,
                UNKNOWN_OPERATION,
            ),
            (
                "no Authorization",
                b"{}",
                headers("ListStreams", drop=["Authorization"]),
                "POST",
                400,
                "MissingAuthenticationTokenException",
            ),
            ("a GET", None, {}, "GET", 403, "<MissingAuthenticationTokenException>"),
        ]
        seen = []
        for what, body, head, method, status, name in cases:
            got_status, got_headers, text = raw_call(endpoint, body, head, method)
            checks.equal(got_status, status, f"{what}: status")
            if name and name.startswith("<"):
                checks.that(text.startswith(name), f"{what}: XML error {name}, got {text[:120]!r}")
                shown = name
            elif name is not None:
                try:
                    parsed = json.loads(text)
                except ValueError:
                    raise Failed(f"{what}: body is not JSON: {text[:200]!r}") from None
                if name:
                    checks.equal(parsed.get("__type"), name, f"{what}: __type")
                else:
                    checks.that(parsed.get("__type"), f"{what}: a __type in {text[:200]!r}")
                    checks.that(parsed.get("message"), f"{what}: a message in {text[:200]!r}")
                shown = parsed.get("__type")
            checks.that(
                got_headers.get("x-amzn-RequestId") or got_headers.get("x-amzn-requestid"),
                f"{what}: an x-amzn-RequestId header",
            )
            status_after, parsed, _ = endpoint.call("ListStreams", {})
            checks.that(
                status_after == 200 and "StreamNames" in parsed,
                f"after {what}: ListStreams answered {status_after}",
            )
            seen.append(f"{what} {got_status} {shown}")
        # A connection cut mid-body must not stop the server either.
        with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as sock:
            h = signed("ListStreams")
            head = "".join(f"{k}: {v}\r\n" for k, v in h.items())
            start = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n{head}\r\n{{"
            sock.sendall(start.encode())
        status_after, _, _ = endpoint.call("ListStreams", {})
        checks.equal(status_after, 200, "ListStreams after a connection cut mid-body")
        checks.that(endpoint.alive(), "the endpoint is still running")
        return "; ".join(seen)


TESTS = [
    ("throttling and backoff (boto3)", test_throttling),
    ("PutRecords partial failure (boto3)", test_partial_failure),
    ("split_shard (boto3)", test_split),
    ("subscribe_to_shard (boto3)", test_subscribe_to_shard),
    ("AWS SDK for JavaScript v3", test_javascript),
    ("malformed requests (http.client)", test_malformed),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shardlab", required=True, help="the shardlab binary")
    parser.add_argument("--node-modules", required=True, help="where @aws-sdk/client-kinesis is")
    parser.add_argument("--only", help="run the tests whose name contains this")
    options = parser.parse_args()
    checks = Checks()
    chosen = [(n, t) for n, t in TESTS if not options.only or options.only in n]

    def run(name, test):
        began = time.monotonic()
        extra = (options.node_modules,) if test is test_javascript else ()
        try:
            summary = test(checks, options.shardlab, *extra)
            return True, f"  ok   {name} ({time.monotonic() - began:.1f}s): {summary}"
        except (Exception, SystemExit) as error:  # noqa: BLE001 - reported, then counted
            detail = "" if isinstance(error, Failed) else "\n" + traceback.format_exc()
            return False, f"  FAIL {name} ({time.monotonic() - began:.1f}s): {error}{detail}"

    def run_all(tests):
        return [run(name, test) for name, test in tests]

    started = time.monotonic()
    # The throttling test spends its first 8 s waiting for CREATING to pass at speed 0.25;
    # the others run meanwhile, on endpoints of their own, and are done before it writes.
    alone = [t for t in chosen if t[1] is test_throttling]
    rest = [t for t in chosen if t[1] is not test_throttling]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = [pool.submit(run_all, alone), pool.submit(run_all, rest)]
        results = [r for outcome in outcomes for r in outcome.result()]
    for _, line in results:
        print(line)
    failures = sum(1 for ok, _ in results if not ok)
    took = time.monotonic() - started
    if failures:
        print(
            f"endpoint-test: {failures} tests FAILED, {checks.passed} checks passed ({took:.0f}s)"
        )
        return 1
    print(f"endpoint-test: {checks.passed} checks passed ({took:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
