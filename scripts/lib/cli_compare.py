"""Compares Shardlab's console with the real AWS CLI v1 run by bash against kinesalite.

For each script in tests/cli/ (one command a line, as a learner types them):

- Shardlab: `shardlab run --per-command SCRIPT` gives each command's stdout, stderr and exit
  code (src/cli/per_command.rs);
- AWS: bash runs the same command lines, one at a time, with `aws` the real AWS CLI v1
  (pip awscli, kept in one Python process by aws_relay.py) talking to a fresh kinesalite, and
  each line's stdout, stderr and exit code captured apart.

Both sides are then masked, the same way, for what is random only: sequence numbers become
labels per stream in order of first appearance (<SEQ Foo 1>, ...), shard iterators <ITERATOR>,
epoch timestamps <TIME>, MillisBehindLatest <MILLIS> (kinesalite's depends on the wall clock),
and a pagination token shows what it holds (the CLI's base64 of
{"NextToken": ..., "boto_truncate_amount": N}) with a service token inside masked. The
account and region are Shardlab's on both sides, so ARNs are not masked. What kinesalite is
known to get wrong (differential.md, class 2) is listed in KNOWN_KINESALITE_ERRORS, each with
its reason; nothing else is forgiven. The two sides must then be byte-identical; a unified
diff per script shows what is not.

With --peer endpoint, the CLI talks to `shardlab endpoint` (Shardlab's own engine behind
HTTP, issue 21) instead of kinesalite, and nothing is forgiven or rewritten: only what is
random is masked. Its simulated time follows the wall clock (speed 1), so `sleep 3` in bash
is three simulated seconds there too; what the CLI's own run time (a few tenths of a second
a command) could change shows as a difference, not hidden.

kinesalite keeps a stream CREATING and DELETING 2 s and UPDATING 5 s, Shardlab's own
durations (src/engine/config.rs), so a command right after create-stream sees CREATING on both
sides and `sleep 3` makes both ACTIVE (`sleep N` is real time in bash, simulated time in
Shardlab).
"""

import argparse
import base64
import binascii
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import peers

# Shardlab's Config::default(): create_duration_ms, delete_duration_ms, reshard_duration_ms.
DELAYS = {"create_ms": 2000, "delete_ms": 2000, "update_ms": 5000}

# What kinesalite 3.3.3 gets wrong, each visible in some command of tests/cli/ (all class 2
# of /work/shared/reviews/differential.md: "kinesalite deviates from AWS"). Each entry says
# which commands it concerns (a regular expression on the command line) and how it is undone:
# a member AWS sends and kinesalite lacks is removed from Shardlab's output (JSON members, or
# rows of --output text, with the rows nested under them), or the request is rewritten before
# kinesalite sees it (aws_relay.py).
KNOWN_KINESALITE_ERRORS = [
    {
        "id": "K1",
        "what": "no StreamModeDetails in DescribeStreamSummary, DescribeStream and ListStreams",
        "reason": "kinesalite predates on-demand streams (2021); AWS sends StreamModeDetails "
        "(API reference, DescribeStreamSummary and StreamDescription). "
        "differential.md class 2: 'StreamModeDetails, StreamSummaries and ChildShards "
        "are missing'. The CLI prints the member only without pagination, so only "
        "those commands are forgiven",
        "commands": r"\bdescribe-stream-summary\b|\bdescribe-stream\b.*--no-paginate",
        "drop_members": ["StreamModeDetails"],
        "drop_rows": {"STREAMMODEDETAILS": []},
    },
    {
        "id": "K2",
        "what": "no StreamSummaries in ListStreams",
        "reason": "kinesalite predates StreamSummaries (2022); AWS sends it and the CLI's "
        "paginator keeps it (botocore paginators-1.json: ListStreams result_key "
        "[StreamNames, StreamSummaries]). With --output text the CLI prints a "
        "missing result key as a row 'None' (awscli/formatter.py, TextFormatter), "
        "which AWS's answer would not give. differential.md class 2",
        "commands": r"\blist-streams\b",
        "drop_members": ["StreamSummaries"],
        "drop_rows": {"STREAMSUMMARIES": ["STREAMMODEDETAILS"]},
        "aws_drop_lines": {"when": r"--output text", "lines": ["None"]},
    },
    {
        "id": "K3",
        "what": "no ChildShards in GetRecords at a closed shard's end",
        "reason": "kinesalite predates ChildShards (2020); AWS sends them with the last "
        "records of a closed shard (API reference, GetRecords). differential.md "
        "class 2",
        "commands": r"\bget-records\b",
        "drop_members": ["ChildShards"],
        "drop_rows": {"CHILDSHARDS": ["HASHKEYRANGE", "PARENTSHARDS"]},
    },
    {
        "id": "K4",
        "what": "a shard iterator in JSON quotes is rejected ('Invalid ShardIterator.')",
        "reason": "AWS accepts it (localstack/localstack#9884; differential.md class 2 'Quoted "
        "iterators rejected; AWS accepts them'), and bash keeps the quotes of "
        "X=$(aws ... --query ShardIterator). aws_relay.py unquotes the value of "
        "--shard-iterator before the CLI sends it, so kinesalite answers as AWS would",
        "commands": r"\bget-records\b",
        "relay": "--unquote-iterators",
    },
]

SEQUENCE = re.compile(r"(?<![0-9])[0-9]{56}(?![0-9])")
ITERATOR = re.compile(r"AAAAAAAAAA[A-Za-z0-9+/]{16,}={0,2}")
EPOCH = re.compile(r"(?<![0-9.])1[5-9][0-9]{8}(?:\.[0-9]+)?(?![0-9])")
MILLIS_JSON = re.compile(r'("MillisBehindLatest": )[0-9]+')
TOKEN_JSON = re.compile(r'("NextToken": )"([^"]*)"')
TOKEN_TEXT = re.compile(r"^(NEXTTOKEN\t)(.*)$", re.M)
TOKEN_ARG = re.compile(r"(--starting-token\s+)([^\s$]\S*)")
# Control characters (but tab) are shown, so that a stray \r cannot hide in a diff.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


STREAM_ARG = re.compile(r"""--stream-name[ =](?:'([^']*)'|"([^"]*)"|([^\s)]+))""")
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=\$\(")
ITERATOR_VAR = re.compile(r"""--shard-iterator\s+"?\$\{?([A-Za-z_][A-Za-z0-9_]*)""")


def stream_contexts(commands):
    """The stream each command is about: its --stream-name, or for get-records the stream of
    the variable its --shard-iterator expands (set by VAR=$(... --stream-name X ...)), else ''.
    Sequence numbers are numbered per stream: two streams' numbers have nothing in common, and
    whether kinesalite's two streams made in the same second share one is chance."""
    variables, contexts = {}, []
    for command in commands:
        found = STREAM_ARG.search(command)
        stream = next((g for g in found.groups() if g is not None), "") if found else ""
        if not stream and (var := ITERATOR_VAR.search(command)):
            stream = variables.get(var.group(1), "")
        if assigned := ASSIGNMENT.match(command):
            variables[assigned.group(1)] = stream
        contexts.append(stream)
    return contexts


class Masker:
    """Masks one side's random values; sequence numbers get labels per stream, in order of
    first appearance."""

    def __init__(self):
        self.labels = {}

    def label(self, stream, value):
        table = self.labels.setdefault(stream, {})
        if value not in table:
            table[value] = len(table) + 1
        return f"<SEQ {stream + ' ' if stream else ''}{table[value]}>"

    def token(self, value):
        """A pagination token: the CLI's own shows its content, a service token is masked."""
        try:
            decoded = json.loads(base64.b64decode(value, validate=True).decode("utf-8"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return "<TOKEN>"
        if not isinstance(decoded, dict):
            return "<TOKEN>"
        if decoded.get("NextToken") is not None:
            decoded["NextToken"] = "<service token>"
        return "<TOKEN " + json.dumps(decoded, sort_keys=True) + ">"

    def text(self, text, command, stream=""):
        text = SEQUENCE.sub(lambda m: self.label(stream, m.group(0)), text)
        # Not numbered: AWS gives a new iterator string on every call, Shardlab the same one
        # for the same position.
        text = ITERATOR.sub("<ITERATOR>", text)
        text = EPOCH.sub("<TIME>", text)
        text = TOKEN_JSON.sub(lambda m: m.group(1) + '"' + self.token(m.group(2)) + '"', text)
        text = TOKEN_TEXT.sub(lambda m: m.group(1) + self.token(m.group(2)), text)
        text = MILLIS_JSON.sub(r"\1<MILLIS>", text)
        if re.search(r"\bget-records\b", command) and "--query" not in command:
            # --output text: the first row is MillisBehindLatest [NextShardIterator].
            text = re.sub(r"^[0-9]+(?=\t<ITERATOR|$)", "<MILLIS>", text, count=1, flags=re.M)
        return text

    def command(self, command):
        return TOKEN_ARG.sub(lambda m: m.group(1) + self.token(m.group(2)), command)


def drop_json_member(text, key):
    """Removes `"key": ...` (and what it spans) from 4-space pretty-printed JSON."""
    lines = text.split("\n")
    out = []
    i = 0
    member = re.compile(r'^(\s*)"' + re.escape(key) + r'": (.*)$')
    while i < len(lines):
        m = member.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent, rest = m.groups()
        end = i
        if rest in ("{", "["):
            close = re.compile("^" + indent + r"[}\]],?$")
            end = i + 1
            while end < len(lines) and not close.match(lines[end]):
                end += 1
        if end < len(lines) and not lines[end].endswith(",") and out and out[-1].endswith(","):
            out[-1] = out[-1][:-1]  # it was the last member: the one before loses its comma
        i = end + 1
    return "\n".join(out)


def drop_text_rows(text, rows):
    """Removes --output text rows tagged with a key of `rows`, and the rows nested under it."""
    out = []
    nested = None
    for line in text.split("\n"):
        tag = line.split("\t", 1)[0]
        if tag in rows:
            nested = rows[tag]
            continue
        if nested is not None and tag in nested:
            continue
        nested = None
        out.append(line)
    return "\n".join(out)


def forgive(shardlab, aws, applied):
    """Undoes what kinesalite is known to lack in one command's two records: members AWS
    sends are removed from Shardlab's, and rows the CLI prints only because kinesalite
    left a member out are removed from the CLI's."""
    for entry in KNOWN_KINESALITE_ERRORS:
        command = shardlab["command"]
        if not re.search(entry["commands"], command):
            continue
        changed = False
        if "drop_members" in entry:
            after = shardlab["stdout"]
            for key in entry["drop_members"]:
                after = drop_json_member(after, key)
            after = drop_text_rows(after, entry["drop_rows"])
            changed |= after != shardlab["stdout"]
            shardlab["stdout"] = after
        drop = entry.get("aws_drop_lines")
        if drop and re.search(drop["when"], command) and "--query" not in command:
            lines = aws["stdout"].split("\n")
            kept = [line for line in lines if line not in drop["lines"]]
            changed |= kept != lines
            aws["stdout"] = "\n".join(kept)
        if changed:
            applied[entry["id"]] = applied.get(entry["id"], 0) + 1


def visible(match):
    """A control character as its Unicode picture: \r as U+240D, DEL as U+2421."""
    code = ord(match.group(0))
    return "\u2421" if code == 0x7F else chr(0x2400 + code)


def render(record, masker, stream=""):
    """One command of a side's transcript: the command, its stdout (1>), stderr (2>) and exit
    code."""
    lines = [f"$ {masker.command(record['command'])}"]
    for prefix, key in (("1>", "stdout"), ("2>", "stderr")):
        text = masker.text(record[key], record["command"], stream)
        text = CONTROL.sub(visible, text)
        if not text:
            continue
        body = text[:-1] if text.endswith("\n") else text
        lines.extend(f"{prefix} {line}" if line else prefix for line in body.split("\n"))
        if not text.endswith("\n"):
            lines.append(f"{prefix}\\ (no newline at end)")
    lines.append(f"exit {record['exit']}")
    return lines


BASH_PRELUDE = r"""
set +e
aws() {
  printf '%s\0' "$#" "$@" >"$AWS_RELAY/request"
  local code
  IFS= read -r code <"$AWS_RELAY/response"
  cat "$AWS_RELAY/stdout"
  cat "$AWS_RELAY/stderr" >&2
  return "$code"
}
# Each line's exit code is saved, then set again, so that $? in the next line is its own.
__status() { return "$1"; }
"""


class Relay:
    """aws_relay.py in the awscli virtualenv's Python, aimed at one kinesalite."""

    def __init__(self, python, endpoint, work, flags=()):
        self.dir = tempfile.mkdtemp(prefix="relay-", dir=work)
        os.mkfifo(os.path.join(self.dir, "request"))
        os.mkfifo(os.path.join(self.dir, "response"))
        home = os.path.join(work, "home")
        os.makedirs(home, exist_ok=True)
        self.env = cli_env(endpoint, home)
        self.process = subprocess.Popen(
            [python, os.path.join(peers.HERE, "aws_relay.py"), self.dir, *flags],
            env=self.env,
            start_new_session=True,
        )

    def stop(self):
        if self.process.poll() is None:
            try:
                with open(os.path.join(self.dir, "request"), "wb") as f:
                    f.write(b"-1\0")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()

    def rewrites(self):
        try:
            with open(os.path.join(self.dir, "rewrites")) as f:
                return int(f.read())
        except (OSError, ValueError):
            return 0


def cli_env(endpoint, home):
    """The environment of the real CLI: kinesalite's endpoint, dummy keys, no user config."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": peers.REGION,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_CONFIG_FILE": os.path.join(home, "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": home,
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        }
    )
    env.pop("LC_ALL", None)
    return env


def run_bash(commands, relay, work):
    """Runs each command line in one bash, `aws` relayed; a record per command."""
    out = tempfile.mkdtemp(prefix="bash-", dir=work)
    script = [BASH_PRELUDE, f'cd "{out}"']
    for i, command in enumerate(commands):
        script.append(
            f'{{ {command}\n}} >"{out}/{i}.out" 2>"{out}/{i}.err"; __rc=$?; '
            f'echo $__rc >"{out}/{i}.rc"; __status $__rc'
        )
    env = dict(relay.env, AWS_RELAY=relay.dir, PATH=os.environ["PATH"])
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", "\n".join(script)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=600,
    )

    def read(i, suffix):
        with open(f"{out}/{i}.{suffix}", "rb") as f:
            return f.read().decode("utf-8", "backslashreplace")

    records = []
    for i, command in enumerate(commands):
        try:
            records.append(
                {
                    "command": command,
                    "stdout": read(i, "out"),
                    "stderr": read(i, "err"),
                    "exit": int(read(i, "rc")),
                }
            )
        except (OSError, ValueError) as e:
            raise SystemExit(
                f"error: bash stopped before `{command}`:\n"
                + completed.stderr.decode("utf-8", "replace")
            ) from e
    return records


def run_shardlab(shardlab, script):
    completed = subprocess.run(
        [shardlab, "run", "--per-command", script], capture_output=True, timeout=300
    )
    if completed.returncode != 0:
        raise SystemExit(
            f"error: shardlab run --per-command {script} failed:\n"
            + completed.stderr.decode("utf-8", "replace")
        )
    return [json.loads(line) for line in completed.stdout.decode("utf-8").splitlines()]


PEER_NAMES = {"kinesalite": "kinesalite", "endpoint": "shardlab endpoint"}


def start_peer(options):
    """A fresh server for the real CLI to talk to: kinesalite with Shardlab's delays, or
    `shardlab endpoint` (the same binary as the other side, at the wall clock's pace)."""
    if options.peer == "endpoint":
        return peers.Endpoint(binary=options.shardlab)
    return peers.Kinesalite(**DELAYS)


def compare_script(script, options, work):
    """Runs one script on both sides; returns its report."""
    started = time.monotonic()
    shardlab = run_shardlab(options.shardlab, script)
    commands = [record["command"] for record in shardlab]
    kinesalite = options.peer == "kinesalite"
    relay_flags = (
        sorted({e["relay"] for e in KNOWN_KINESALITE_ERRORS if "relay" in e}) if kinesalite else []
    )
    with start_peer(options) as peer:
        relay = Relay(options.aws_python, peer.url, work, relay_flags)
        try:
            real = run_bash(commands, relay, work)
        finally:
            relay.stop()
        if isinstance(peer, peers.Endpoint) and not peer.alive():
            raise SystemExit(
                f"error: shardlab endpoint stopped during {script} (exit "
                f"{peer.process.returncode}):\n{peer.stderr()}\n" + "\n".join(peer.lines)
            )
    applied = {}
    if relay.rewrites():
        applied["K4"] = relay.rewrites()
    if kinesalite:
        for shardlab_record, aws_record in zip(shardlab, real, strict=True):
            forgive(shardlab_record, aws_record, applied)
    real_masker, shardlab_masker = Masker(), Masker()
    differing = []
    real_lines, shardlab_lines = [], []
    contexts = stream_contexts(commands)
    lines = (r["line"] for r in shardlab)
    for line, a, b, stream in zip(lines, real, shardlab, contexts, strict=True):
        ra, rb = render(a, real_masker, stream), render(b, shardlab_masker, stream)
        real_lines += ra
        shardlab_lines += rb
        if ra != rb:
            differing.append((line, a["command"], summarise(ra, rb)))
    diff = list(
        difflib.unified_diff(
            real_lines,
            shardlab_lines,
            f"{os.path.basename(script)}: aws-cli v1 + {PEER_NAMES[options.peer]}",
            f"{os.path.basename(script)}: shardlab",
            lineterm="",
        )
    )
    return {
        "script": script,
        "commands": len(commands),
        "differing": differing,
        "diff": diff,
        "applied": applied,
        "seconds": time.monotonic() - started,
    }


def summarise(a, b):
    """What differs in one rendered command, in a few words: for stdout and stderr each change
    (up to three): a line only the CLI prints (-), only Shardlab (+), or one for the other
    (~); then the exit codes."""

    def show(line, prefix):
        return "`" + (line.removeprefix(prefix).strip()[:70] or "(blank line)") + "`"

    parts = []
    for name, prefix in (("stdout", "1>"), ("stderr", "2>")):
        x = [line for line in a if line.startswith(prefix)]
        y = [line for line in b if line.startswith(prefix)]
        changes = []
        matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            more = max(i2 - i1, j2 - j1) - 1
            extra = f" (+{more} lines)" if more > 0 else ""
            if tag == "delete":
                changes.append(f"-{show(x[i1], prefix)}{extra}")
            elif tag == "insert":
                changes.append(f"+{show(y[j1], prefix)}{extra}")
            elif tag == "replace":
                changes.append(
                    f"~ aws {show(x[i1], prefix)} / shardlab {show(y[j1], prefix)}{extra}"
                )
        if changes:
            parts.append(
                f"{name}: " + ", ".join(changes[:3]) + (", ..." if len(changes) > 3 else "")
            )
    if a[-1] != b[-1]:
        parts.append(f"aws {a[-1]} / shardlab {b[-1]}")
    return "; ".join(parts)


# Commands that go through each output path of the CLI; they must print the same bytes through
# aws_relay.py as through the real `aws` executable (state-free, so the order does not matter).
RELAY_CHECK = [
    ["kinesis", "list-streams"],
    ["kinesis", "list-streams", "--output", "text"],
    ["kinesis", "describe-stream", "--stream-name", "Nope"],
    ["kinesis", "create-stream", "--stream-name", "X", "--shard-count", "0"],
    ["kinesis", "create-stream", "--stream-name", "X", "--shard-count", "abc"],
    ["kinesis", "describe-stream", "--stream-name", "Nope", "--frobnicate"],
    ["kinesis", "frobnicate"],
    ["kinesis", "put-record", "--stream-name", "Nope", "--partition-key", "é", "--data", "ü"],
]


def check_relay(options, work):
    """Fails unless the relay prints what the real `aws` prints for RELAY_CHECK."""
    aws = os.path.join(os.path.dirname(options.aws_python), "aws")
    with start_peer(options) as peer:
        relay = Relay(options.aws_python, peer.url, work)
        try:
            quoted = [
                " ".join("'" + a.replace("'", "'\\''") + "'" for a in ["aws", *args])
                for args in RELAY_CHECK
            ]
            relayed = run_bash(quoted, relay, work)
        finally:
            relay.stop()

        def real(args):
            done = subprocess.run(
                [aws, *args],
                env=relay.env,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                timeout=120,
            )
            return {
                "stdout": done.stdout.decode("utf-8", "backslashreplace"),
                "stderr": done.stderr.decode("utf-8", "backslashreplace"),
                "exit": done.returncode,
            }

        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            direct = list(pool.map(real, RELAY_CHECK))
    bad = [
        (args, a, b)
        for args, a, b in zip(RELAY_CHECK, relayed, direct, strict=True)
        if (a["stdout"], a["stderr"], a["exit"]) != (b["stdout"], b["stderr"], b["exit"])
    ]
    for args, a, b in bad:
        print(
            f"relay check: `aws {' '.join(args)}` differs from the real aws:\n"
            f"  relay: {a}\n  aws:   {b}",
            file=sys.stderr,
        )
    return len(RELAY_CHECK), not bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aws-python", required=True, help="the awscli virtualenv's python")
    parser.add_argument("--shardlab", required=True, help="the shardlab binary")
    parser.add_argument("--no-relay-check", action="store_true")
    parser.add_argument(
        "--peer",
        choices=sorted(PEER_NAMES),
        default="kinesalite",
        help="what the real CLI talks to (default kinesalite)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="scripts run at once (default 2)")
    parser.add_argument("scripts", nargs="+")
    options = parser.parse_args()
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="cli-compare-")
    try:
        # The relay check first and alone: its real `aws` processes would slow the scripts,
        # whose CREATING and UPDATING checks need kinesalite's 2 s and 5 s to still run.
        checked, relay_ok = (0, True) if options.no_relay_check else check_relay(options, work)
        with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
            reports = list(pool.map(lambda s: compare_script(s, options, work), options.scripts))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(r["commands"] for r in reports)
    differing = sum(len(r["differing"]) for r in reports)
    applied = {}
    for report in reports:
        for key, count in report["applied"].items():
            applied[key] = applied.get(key, 0) + count
        print(
            f"  {os.path.basename(report['script']):24} {report['commands']:3} commands, "
            f"{report['commands'] - len(report['differing']):3} identical  "
            f"({report['seconds']:.0f}s)",
            file=sys.stderr,
        )
    for report in reports:
        if report["diff"]:
            print("\n".join(report["diff"]))
    if differing:
        print(f"\n{differing} of {total} commands differ:")
        for report in reports:
            for line, command, what in report["differing"]:
                print(f"  {os.path.basename(report['script'])}:{line}  {command}\n      {what}")
    forgiven = ", ".join(f"{key} x{count}" for key, count in sorted(applied.items())) or "none"
    if options.peer == "kinesalite":
        forgiven = f"kinesalite errors forgiven: {forgiven}"
    else:
        forgiven = f"against {PEER_NAMES[options.peer]}, nothing forgiven"
    print(
        f"\ncli-compare: {total - differing} of {total} commands identical in "
        f"{len(reports)} scripts; {forgiven}; relay check: "
        f"{'skipped' if not checked else ('ok' if relay_ok else 'FAILED')} "
        f"({checked} commands); {time.monotonic() - started:.0f}s"
    )
    print(
        f"cli-compare-figures: scripts={len(reports)} commands={total} "
        f"identical={total - differing}",
        file=sys.stderr,
    )
    return 0 if differing == 0 and relay_ok else 1


if __name__ == "__main__":
    sys.exit(main())
