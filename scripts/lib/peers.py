"""The peers Shardlab is compared with, started and stopped by the comparison scripts.

Endpoint is Shardlab's own `shardlab endpoint` (issue 21): the engine behind HTTP, so that the
real AWS CLI and the SDKs can be pointed at it (scripts/cli-compare --peer endpoint,
scripts/endpoint-test). Each user starts one of its own on a port the system picks.

kinesalite (npm `kinesalite`, an in-memory Kinesis written against real Kinesis) runs on a
loopback port the system picks, with the account and region Shardlab uses, so ARNs and error
texts compare unrewritten. Used by scripts/cli-compare and scripts/differential; the tools
are installed by scripts/lib/bootstrap.sh (ensure_kinesalite, ensure_awscli_v1).
"""

import collections
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOLS = os.path.join(ROOT, ".tools")

# Shardlab's engine Config::default(): account, region.
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


def kinesalite_package():
    """kinesalite's package folder: $KINESALITE_DIR, else .tools/node_modules/kinesalite."""
    path = os.environ.get("KINESALITE_DIR") or os.path.join(TOOLS, "node_modules", "kinesalite")
    if not os.path.isfile(os.path.join(path, "index.js")):
        raise SystemExit(
            f"error: no kinesalite in {path} (scripts/lib/bootstrap.sh: ensure_kinesalite)"
        )
    return path


def stop_group(process, timeout=5):
    """Stops a process started with start_new_session=True, and all it started: SIGTERM to
    its process group, SIGKILL if it is still there after `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def signed_headers(action):
    """The headers of a Kinesis JSON 1.1 call. Both peers check that a request is signed (a
    SigV4 Authorization header and a date), not the signature."""
    return {
        "X-Amz-Target": f"Kinesis_20131202.{action}",
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/"
        "kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
        "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
    }


def json_call(url, action, body, timeout=30):
    """One Kinesis JSON 1.1 call to `url`: (HTTP status, parsed body or None, raw text)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        url + "/", data=data, method="POST", headers=signed_headers(action)
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return status, parsed, text


def shardlab_binary():
    """The shardlab binary: $SHARDLAB_BIN, else the debug build in the cargo target folder."""
    path = os.environ.get("SHARDLAB_BIN") or os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "debug", "shardlab"
    )
    if not os.access(path, os.X_OK):
        raise SystemExit(f"error: no shardlab binary at {path} (cargo build --bin shardlab)")
    return path


BANNER = re.compile(r"^Shardlab endpoint: .* at (http://\S+)$")


class Endpoint:
    """`shardlab endpoint` of our own on a free loopback port; use as a context manager.

    Its standard output (the banner, what a --script prints, a line a second about the calls)
    is read on a thread of its own, so the pipe never fills; the last lines are kept in
    `lines` for a failure's report."""

    def __init__(self, seed=1, speed=1.0, script=None, binary=None, log=None, page=None):
        self.args = ["endpoint", "--port", "0", "--seed", str(seed), "--speed", str(speed)]
        if script:
            self.args += ["--script", script]
        if page:
            self.args += ["--page", page]
        self.binary = binary or shardlab_binary()
        self.log = log
        self.process = None
        self.url = None
        self.lines = collections.deque(maxlen=200)
        self.reader = None

    def __enter__(self):
        # Its standard error goes to a file, not a pipe nobody reads, so it can never block.
        self.errors = None if self.log else tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [self.binary, *self.args],
            stdout=subprocess.PIPE,
            stderr=self.log or self.errors,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
        first = self.process.stdout.readline().rstrip("\n")
        found = BANNER.match(first)
        if not found:
            self.stop()
            error = self.stderr()
            raise SystemExit(
                f"error: shardlab endpoint did not start (it printed {first!r}) {error}".strip()
            )
        self.url = found.group(1)
        self.lines.append(first)
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        return self

    def _drain(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stderr(self):
        """What it wrote to standard error (when not given a log)."""
        if not self.errors or self.errors.closed:
            return ""
        self.errors.seek(0)
        return self.errors.read()

    @property
    def port(self):
        return int(self.url.rsplit(":", 1)[1])

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        stop_group(self.process)
        if self.reader:
            self.reader.join(timeout=5)
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def __exit__(self, *exc):
        self.stop()

    def call(self, action, body, timeout=30):
        """One Kinesis JSON 1.1 call: (HTTP status, parsed body or None, raw text)."""
        return json_call(self.url, action, body, timeout)


class Kinesalite:
    """A kinesalite server of our own; use as a context manager."""

    def __init__(self, create_ms=0, delete_ms=0, update_ms=0, shard_limit=100, log=None):
        self.options = {
            "createStreamMs": create_ms,
            "deleteStreamMs": delete_ms,
            "updateStreamMs": update_ms,
            "shardLimit": shard_limit,
        }
        self.log = log
        self.process = None
        self.port = None

    def __enter__(self):
        env = dict(os.environ, AWS_ACCOUNT_ID=ACCOUNT_ID, AWS_DEFAULT_REGION=REGION)
        env.pop("AWS_REGION", None)
        self.process = subprocess.Popen(
            [
                "node",
                os.path.join(HERE, "kinesalite-loopback.js"),
                kinesalite_package(),
                json.dumps(self.options),
            ],
            stdout=subprocess.PIPE,
            stderr=self.log or subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.isdigit():
            self.stop()
            raise SystemExit("error: kinesalite did not start")
        self.port = int(line)
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        stop_group(self.process)
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def __exit__(self, *exc):
        self.stop()

    def call(self, action, body, timeout=30):
        """One Kinesis JSON 1.1 call: (HTTP status, parsed body or None, raw text)."""
        return json_call(self.url, action, body, timeout)
