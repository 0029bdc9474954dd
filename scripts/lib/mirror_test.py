"""The page as a live mirror, end to end (scripts/mirror-test): `shardlab endpoint --page`
serves the built page; headless Chromium opens it at #mirror; boto3 creates a stream and puts a
record; the record must show in the lane of the shard the endpoint answered with, within a
second of the answer.

Chromium is driven through chromedriver's HTTP API (as scripts/lib/measure_page.py does), so
only boto3 (.tools/boto3) is needed beyond the standard library.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

# The issue's bound: the record is in its lane within a second of boto3's answer.
WITHIN_S = 1.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One headless Chromium session through chromedriver."""

    def __init__(self, driver_url, profile):
        self.driver = driver_url
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,900", f"--user-data-dir={profile}"]
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": args}}}}
        self.id = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.driver + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.load(response)["value"]

    def go(self, url):
        self.call("POST", f"/session/{self.id}/url", {"url": url})

    def js(self, script):
        return self.call("POST", f"/session/{self.id}/execute/sync", {"script": script, "args": []})

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.id}")
        except Exception:
            pass


BANNER = """
const b = document.getElementById("mirror-banner");
return b ? {connected: b.dataset.connected, endpoint: b.dataset.endpoint, text: b.innerText} : null;
"""

LANES = """
return Array.from(document.querySelectorAll(".lane")).map(l =>
  [l.dataset.shardId, Number(l.dataset.recordsHeld)]);
"""


def wait_for(what, probe, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.02)
    raise SystemExit(f"mirror-test: FAILED: {what} within {timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shardlab", required=True)
    parser.add_argument("--dist", required=True)
    parser.add_argument("--chromedriver", required=True)
    parser.add_argument("--screenshot", help="after the check, let a boto3 producer with a hot "
                        "key run for a few seconds and save the page as this PNG (the README's)")
    args = parser.parse_args()

    port = free_port()
    driver = subprocess.Popen([args.chromedriver, f"--port={port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    browser = None
    profile = None
    try:
        wait_for("chromedriver started", lambda: _up(f"http://127.0.0.1:{port}/status"), 30)
        profile = tempfile.mkdtemp(prefix="mirror-test-")
        with peers.Endpoint(binary=args.shardlab, page=args.dist) as endpoint:
            browser = Browser(f"http://127.0.0.1:{port}", profile)
            browser.go(f"{endpoint.url}/#mirror")
            banner = wait_for("the page said it mirrors the endpoint",
                              lambda: (b := browser.js(BANNER)) and b["connected"] == "true" and b, 60)
            host = endpoint.url.removeprefix("http://")
            assert banner["endpoint"] == host, banner
            print(f"mirror-test: the page says: {banner['text'].splitlines()[0]}")

            kinesis = boto3.client(
                "kinesis", endpoint_url=endpoint.url, region_name=peers.REGION,
                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                config=Config(retries={"total_max_attempts": 1}))
            kinesis.create_stream(StreamName="mirrored", ShardCount=2)
            deadline = time.monotonic() + 30
            while kinesis.describe_stream_summary(StreamName="mirrored")[
                    "StreamDescriptionSummary"]["StreamStatus"] != "ACTIVE":
                assert time.monotonic() < deadline, "the stream never became ACTIVE"
                time.sleep(0.1)
            lanes = wait_for("the page drew the stream's two lanes",
                             lambda: len(lanes := browser.js(LANES)) == 2 and lanes, 10)
            assert all(held == 0 for _, held in lanes), lanes

            put = kinesis.put_record(StreamName="mirrored", PartitionKey="boto3-was-here",
                                     Data=b"hello from boto3")
            answered = time.monotonic()
            shard = put["ShardId"]
            lanes = wait_for(f"the record showed in {shard}'s lane",
                             lambda: (lanes := dict(browser.js(LANES))).get(shard) == 1 and lanes,
                             WITHIN_S)
            took = time.monotonic() - answered
            others = {s: held for s, held in lanes.items() if s != shard}
            assert all(held == 0 for held in others.values()), lanes
            print(f"mirror-test: boto3's record (key boto3-was-here, {put['SequenceNumber'][:12]}...) "
                  f"showed in {shard}'s lane {took * 1000:.0f} ms after boto3 had its answer "
                  f"(bound {WITHIN_S * 1000:.0f} ms); the other lane holds none")
            print("mirror-test: OK")
            if args.screenshot:
                screenshot(browser, kinesis, args.screenshot)
    finally:
        if browser:
            browser.close()
        driver.terminate()
        driver.wait(timeout=10)
        if profile:
            shutil.rmtree(profile, ignore_errors=True)


def screenshot(browser, kinesis, path):
    """Three threads put batches for 6 s, mostly with one key, so its shard throttles; then
    the page is saved as a PNG."""
    import base64
    import threading

    from botocore.exceptions import ClientError

    stop = time.monotonic() + 6

    def produce(n):
        i = 0
        while time.monotonic() < stop:
            records = [{"PartitionKey": "user-42" if j % 10 else f"key-{n}-{i}-{j}",
                        "Data": b"x" * 100} for j in range(50)]
            try:
                kinesis.put_records(StreamName="mirrored", Records=records)
            except ClientError:
                time.sleep(0.01)
            i += 1
            time.sleep(0.02)

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    png = browser.call("GET", f"/session/{browser.id}/screenshot")
    for thread in threads:
        thread.join()
    with open(path, "wb") as out:
        out.write(base64.b64decode(png))
    print(f"mirror-test: saved the page as {path}")


def _up(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
