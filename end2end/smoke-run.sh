#!/usr/bin/env bash
# The last step of `make test`: `make run` itself, as a new user runs it. It starts `make run` on a
# spare port with its own fresh data folder, waits for /healthz, fetches the home page and a career
# page from the release build it serves, and stops it with Ctrl-C (SIGINT), as a user would. A
# `make run` that does not build, does not start or serves a broken page fails `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

ADDR=${SMOKE_ADDR:-127.0.0.1:3300}
DATA=.data/smoke
LOG=$DATA.log
rm -rf "$DATA"
mkdir -p .data

# Its own process group, so one signal reaches make and the server it started.
LEPTOS_SITE_ADDR=$ADDR WAYPOINT_DATA_DIR=$DATA RUST_LOG=warn setsid make --no-print-directory run >"$LOG" 2>&1 &
RUN_PID=$!
stop() {
  if kill -0 "$RUN_PID" 2>/dev/null; then
    kill -INT -- "-$RUN_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$RUN_PID" 2>/dev/null || true
  fi
  wait "$RUN_PID" 2>/dev/null || true
}
trap stop EXIT

fail() {
  echo "smoke: $1"
  echo "--- last lines of $LOG:"
  tail -n 40 "$LOG" || true
  exit 1
}

# `make run` checks the tools and the release build (both already done by `make test`), then
# starts a fresh embedded cluster, migrates, and loads the reference and demo data.
for _ in $(seq 1 900); do
  curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1 && break
  kill -0 "$RUN_PID" 2>/dev/null || fail "make run exited before serving http://$ADDR"
  sleep 0.2
done
curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1 || fail "make run did not answer /healthz within 180 s"

check() { # path, text the page must contain
  local body
  body=$(curl -fsS --compressed "http://$ADDR$1") || fail "GET $1 did not answer 200"
  grep -qF -- "$2" <<<"$body" || fail "GET $1 does not contain \"$2\""
  grep -qE -- '/pkg/waypoint\.[A-Za-z0-9_-]+\.js' <<<"$body" || fail "GET $1 does not load the hydration script (by its hashed name)"
  echo "smoke: GET $1 200, $(wc -c <<<"$body") bytes, contains \"$2\""
}
check / "<title>Waypoint"
check /careers/15-1252.00 "Software Developers"
# The browser bundle that page loads, by its hashed name, precompressed and kept for a year.
wasm=$(curl -fsS "http://$ADDR/" | grep -oE '/pkg/waypoint\.[A-Za-z0-9_-]+\.wasm' | head -1)
[ -n "$wasm" ] || fail "the home page does not preload the WASM by its hashed name"
curl -fsS -H 'Accept-Encoding: br' -o /dev/null -D - "http://$ADDR$wasm" >"$LOG.wasm-headers" || fail "GET $wasm failed"
grep -qi '^content-type: application/wasm' "$LOG.wasm-headers" || fail "GET $wasm is not application/wasm"
grep -qi '^content-encoding: br' "$LOG.wasm-headers" || fail "GET $wasm was not sent precompressed with brotli"
grep -qi '^cache-control: public, max-age=31536000, immutable' "$LOG.wasm-headers" || fail "GET $wasm is not cached as immutable"
echo "smoke: GET $wasm 200 application/wasm, brotli, immutable"

stop
trap - EXIT
grep -q "panicked" "$LOG" && fail "the server panicked"
echo "smoke: make run served http://$ADDR and stopped cleanly"
