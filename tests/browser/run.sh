#!/usr/bin/env bash
# The desk in Debian's headless Chromium: builds the desk, serves it on a free loopback port,
# runs desk.mjs against it (playwright-core from the committed lock file), stops the server.
# Needs /usr/bin/chromium and npm (.ci/run installs chromium). Screenshots: target/browser/.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --example desk --features desk
log=$(mktemp)
./target/debug/examples/desk --bind 127.0.0.1:0 --lang en 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the desk did not start:"; cat "$log"; exit 1; }
(cd tests/browser && npm ci --no-audit --no-fund --silent)
DESK_URL="$url" node tests/browser/desk.mjs
