"""The peers Shardlab is compared with, started and stopped by the comparison scripts.

kinesalite (npm `kinesalite`, an in-memory Kinesis written against real Kinesis) runs on a
loopback port the system picks, with the account and region Shardlab uses, so ARNs and error
texts compare unrewritten. Used by scripts/cli-compare and scripts/differential; the tools
are installed by scripts/lib/bootstrap.sh (ensure_kinesalite, ensure_awscli_v1).
"""

import json
import os
import signal
import subprocess
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
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def __exit__(self, *exc):
        self.stop()

    def call(self, action, body, timeout=30):
        """One Kinesis JSON 1.1 call: (HTTP status, parsed body or None, raw text)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + "/",
            data=data,
            method="POST",
            headers={
                "X-Amz-Target": f"Kinesis_20131202.{action}",
                "Content-Type": "application/x-amz-json-1.1",
                # kinesalite checks that a request is signed, not the signature.
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/"
                "kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
                "X-Amz-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            },
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
