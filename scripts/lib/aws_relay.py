"""The real AWS CLI v1, kept in one Python process, serving a bash function named `aws`.

Why: `aws` is a Python program that takes about a second to start on this machine (0.4 s of
it importing botocore), and scripts/cli-compare runs well over a hundred commands. Each
command here runs exactly as `bin/aws` runs it (a fresh `awscli.clidriver.create_clidriver()`
and its `main(args)`, as `awscli.clidriver.main()` does) with its standard output and error
captured as bytes, so the start-up is paid once. scripts/cli-compare checks, on every run,
that a sample of commands prints the same bytes and exit code through this relay as through
the real `aws` executable.

Run by the awscli virtualenv's Python (scripts/lib/bootstrap.sh: ensure_awscli_v1):

    python aws_relay.py DIR

It makes the FIFOs DIR/request and DIR/response and serves requests until it reads a request
of -1 arguments. The bash side (cli_compare.py: BASH_PRELUDE) writes the argument count and
the arguments, each ended by a NUL byte, to DIR/request; the relay writes the command's
standard output and error to DIR/stdout and DIR/stderr, then its exit code and a newline to
DIR/response.

One rewrite is made on the way, and only on request (`--unquote-iterators`): a
`--shard-iterator` value wrapped in JSON quotes loses them before the CLI sends it, because
AWS accepts a quoted iterator and kinesalite does not (differential.md, class 2). It is listed,
with its reason, in cli_compare.py's KNOWN_KINESALITE_ERRORS; the relay counts how often it
applied it in DIR/rewrites.
"""

import io
import os
import sys
import traceback

import awscli.clidriver


def run_cli(args):
    """Runs `aws ARGS...` in this process; returns (exit code, stdout bytes, stderr bytes)."""
    out, err = io.BytesIO(), io.BytesIO()
    # What a real process gets under LANG=C.UTF-8: UTF-8, strict on stdout, backslashreplace
    # on stderr (Python's defaults for the standard streams).
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", write_through=True)
    saved = sys.stdout, sys.stderr, sys.argv
    sys.stdout, sys.stderr = stdout, stderr
    # argparse names the program after sys.argv[0] ("aws: error: ..."), as bin/aws runs.
    sys.argv = [os.path.join(os.path.dirname(sys.executable), "aws"), *args]
    try:
        try:
            code = awscli.clidriver.create_clidriver().main(args)
        except SystemExit as exit_:
            # bin/aws ends with sys.exit(main()); argparse's errors raise SystemExit(2).
            code = exit_.code
        except KeyboardInterrupt:
            code = 130
        except BaseException:  # An uncaught exception: Python prints it and exits 1.
            traceback.print_exc()
            code = 1
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        stdout.flush()
        stderr.flush()
        return code & 0xFF, out.getvalue(), err.getvalue()
    finally:
        sys.stdout, sys.stderr, sys.argv = saved
        stdout.detach()
        stderr.detach()


def unquote_iterators(args):
    """The arguments with a JSON-quoted `--shard-iterator` value unquoted, and how many."""
    changed = 0
    args = list(args)
    for i, arg in enumerate(args[:-1]):
        value = args[i + 1]
        if arg == "--shard-iterator" and len(value) >= 2 and value[0] == value[-1] == '"':
            args[i + 1] = value[1:-1]
            changed += 1
    return args, changed


def serve(directory, unquote):
    request = os.path.join(directory, "request")
    response = os.path.join(directory, "response")
    for fifo in (request, response):
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
    rewrites = 0
    while True:
        with open(request, "rb") as f:
            data = f.read()
        if not data:
            continue
        fields = data.split(b"\0")
        count = int(fields[0])
        if count < 0:
            return
        args = [os.fsdecode(field) for field in fields[1 : 1 + count]]
        if unquote:
            args, changed = unquote_iterators(args)
            rewrites += changed
            with open(os.path.join(directory, "rewrites"), "w") as f:
                f.write(f"{rewrites}\n")
        code, out, err = run_cli(args)
        with open(os.path.join(directory, "stdout"), "wb") as f:
            f.write(out)
        with open(os.path.join(directory, "stderr"), "wb") as f:
            f.write(err)
        with open(response, "w") as f:
            f.write(f"{code}\n")


if __name__ == "__main__":
    serve(sys.argv[1], "--unquote-iterators" in sys.argv[2:])
