# shellcheck shell=bash
# Helpers for looking at a built dist/ folder in headless Chromium, as a person would.
# serve_dist DIR starts a static server (scripts/lib/serve_dist.py: precompressed files with
# Content-Encoding) on a free loopback port and sets $SERVE_PORT;
# chromium_headless ARGS... runs Chromium with the flags this machine needs as root.

serve_dist() {
  local dir="$1"
  SERVE_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # Sends the post_build hook's .br/.gz siblings with Content-Encoding, as a real host would.
  python3 "$(dirname "${BASH_SOURCE[0]}")/serve_dist.py" "$dir" "$SERVE_PORT" >/dev/null 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$SERVE_PORT/')" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "could not serve $dir" >&2
  return 1
}

chromium_headless() {
  local profile
  profile="$(mktemp -d)"
  timeout 90 chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync --no-first-run \
    --user-data-dir="$profile" "$@" 2>/dev/null
  local status=$?
  rm -rf "$profile"
  return $status
}
