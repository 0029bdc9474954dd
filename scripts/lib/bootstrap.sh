# shellcheck shell=bash
# Installs, idempotently, the tools Shardlab's page and tests need on a fresh machine.
# Sourced by scripts/serve, scripts/test, scripts/cli-compare and scripts/differential; each
# ensure_* function does nothing when its tool is already there at the right version, so a
# second run costs seconds.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"                # ignored by git: npm packages and the AWS CLI's virtualenv
TRUNK_VERSION="0.21.14"             # 0.22 needs a newer rustc than the machine's
BINARYEN_VERSION="132.0.0"
CARGO_FUZZ_VERSION="0.13.2"         # libFuzzer runner; works on stable with --sanitizer none
AWSCLI_V1_VERSION="1.46.3"          # the CLI the console imitates (pip awscli; v1 runs from PyPI)
KINESALITE_VERSION="3.3.3"          # the Kinesis the CLI comparison talks to (npm kinesalite)
TWIGGY_VERSION="0.8.0"              # wasm size profiler for scripts/test's size report
BOTO3_VERSION="1.44.8"              # the Python SDK scripts/endpoint-test drives the endpoint with
JS_SDK_KINESIS_VERSION="3.1143.0"   # @aws-sdk/client-kinesis, the JavaScript SDK v3's Kinesis client

export PATH="$TOOLS/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version Cargo.lock resolved; the CLI must equal it exactly.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 9 minutes on 2 cores, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(locked_wasm_bindgen_version)"
  [ -n "$want" ] || die "no wasm-bindgen in Cargo.lock"
  grep -q "^wasm_bindgen = \"$want\"" "$ROOT/Trunk.toml" ||
    die "Trunk.toml [tools] wasm_bindgen must be \"$want\", the version in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]; then
    say "installing wasm-bindgen-cli $want (about 3 minutes, once)"
    # Not --locked: the CLI's own lock file names a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

# Debian's binaryen (108) is too old for rustc 1.95's output.
ensure_wasm_opt() {
  if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt from the npm package binaryen@$BINARYEN_VERSION into .tools/"
    command -v npm >/dev/null || die "npm is needed to install binaryen's wasm-opt"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
  fi
}

# The real AWS CLI v1, pinned, in a Python virtualenv of its own: .tools/awscli/bin/aws.
ensure_awscli_v1() {
  local venv="$TOOLS/awscli"
  if [ -x "$venv/bin/aws" ] &&
    compgen -G "$venv/lib/python3*/site-packages/awscli-$AWSCLI_V1_VERSION.dist-info" >/dev/null; then
    return
  fi
  say "installing the AWS CLI v1 (pip awscli==$AWSCLI_V1_VERSION) into .tools/awscli"
  command -v python3 >/dev/null || die "python3 (with venv and pip) is needed for the AWS CLI v1"
  rm -rf "$venv"
  mkdir -p "$TOOLS"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_V1_VERSION"
}

# kinesalite, an in-memory Kinesis for Node.js: .tools/node_modules/kinesalite.
ensure_kinesalite() {
  local package="$TOOLS/node_modules/kinesalite/package.json"
  if [ -f "$package" ] && grep -q "\"version\": \"$KINESALITE_VERSION\"" "$package"; then
    return
  fi
  say "installing kinesalite@$KINESALITE_VERSION from npm into .tools/"
  command -v npm >/dev/null || die "npm is needed to install kinesalite"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "kinesalite@$KINESALITE_VERSION"
}

# boto3, pinned, in a Python virtualenv of its own (.tools/boto3), apart from the CLI's: the
# CLI v1 pins its own botocore, which boto3's would fight over.
ensure_boto3() {
  local venv="$TOOLS/boto3"
  if [ -x "$venv/bin/python" ] &&
    compgen -G "$venv/lib/python3*/site-packages/boto3-$BOTO3_VERSION.dist-info" >/dev/null; then
    return
  fi
  say "installing boto3 (pip boto3==$BOTO3_VERSION) into .tools/boto3"
  command -v python3 >/dev/null || die "python3 (with venv and pip) is needed for boto3"
  rm -rf "$venv"
  mkdir -p "$TOOLS"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "boto3==$BOTO3_VERSION"
}

# The AWS SDK for JavaScript v3's Kinesis client: .tools/node_modules/@aws-sdk/client-kinesis.
ensure_js_sdk() {
  local package="$TOOLS/node_modules/@aws-sdk/client-kinesis/package.json"
  if [ -f "$package" ] && grep -q "\"version\": \"$JS_SDK_KINESIS_VERSION\"" "$package"; then
    return
  fi
  say "installing @aws-sdk/client-kinesis@$JS_SDK_KINESIS_VERSION from npm into .tools/"
  command -v npm >/dev/null || die "npm is needed to install the AWS SDK for JavaScript"
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error \
    "@aws-sdk/client-kinesis@$JS_SDK_KINESIS_VERSION"
}

ensure_chromium() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    return
  fi
  say "installing Debian's chromium and chromium-driver"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
}

ensure_cargo_fuzz() {
  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about a minute, once)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}

ensure_twiggy() {
  # It prints "twiggy-opt 0.8.0".
  if [ "$(twiggy --version 2>/dev/null | awk '{ print $2 }')" != "$TWIGGY_VERSION" ]; then
    say "installing twiggy $TWIGGY_VERSION (about two minutes of compiling, once)"
    cargo install twiggy --version "$TWIGGY_VERSION" --locked
  fi
}

# Everything the page build needs.
ensure_build_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_wasm_opt
}
