#!/usr/bin/env bash
# make bench: load Waypoint's home page and /healthz with oha (10 s, 64 connections each) beside
# a bare axum handler serving the same bytes from memory, all in this one run, so the ratios
# show what rendering, the database and the middleware cost. Then ranking the 923 careers for
# one person (app::careers::matching::rank_matches), booking (target/release/booking: a race for
# one slot, the directory's search over 100,000 listings, slot computation) and the release WASM size.
# Figures are medians-of-one-run from a shared 2-core machine: compare the ratios, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
APP_ADDR=127.0.0.1:3200
BARE_ADDR=127.0.0.1:3201
WORK=.data/bench
mkdir -p "$WORK"

cleanup() {
  [ -n "${BARE_PID:-}" ] && kill "$BARE_PID" 2>/dev/null || true
  [ -n "${APP_PID:-}" ] && kill -INT "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
}
trap cleanup EXIT

LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=waypoint LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=$APP_ADDR WAYPOINT_DATA_DIR=$WORK RUST_LOG=warn \
  ./target/release/server >"$WORK/server.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 300); do
  curl -fsS "http://$APP_ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://$APP_ADDR/healthz" >/dev/null || { echo "server did not start; see $WORK/server.log"; exit 1; }

# The same bytes the app serves (home page as rendered now; the health JSON).
curl -fsS "http://$APP_ADDR/" -o "$WORK/home.html"
curl -fsS "http://$APP_ADDR/healthz" -o "$WORK/healthz.json"

summarise() { # name url [accept-encoding]
  oha -z "$DURATION" -c "$CONNECTIONS" --no-tui --output-format json -H "Accept-Encoding: ${3:-br, gzip}" "$2" >"$WORK/$1.json"
  python3 - "$1" "$WORK/$1.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
summary, pct = data["summary"], data["latencyPercentiles"]
codes = data.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2"))
total = sum(codes.values()) or 1
print(f"{name:<30} {summary['requestsPerSec']:>8.0f} req/s   p50 {pct['p50']*1000:7.2f} ms   p99 {pct['p99']*1000:7.2f} ms   {summary['sizePerRequest']:>6} B/resp   2xx {ok/total:6.1%}")
json.dump({"rps": summary["requestsPerSec"], "p50": pct["p50"], "p99": pct["p99"]}, open(path + ".summary", "w"))
PY
}

ratio() { # a b
  python3 - "$WORK/$1.json.summary" "$WORK/$2.json.summary" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
print(f"  ratio: {a['rps']/b['rps']:.2f}x the baseline's throughput, p50 {a['p50']/b['p50']:.1f}x, p99 {a['p99']/b['p99']:.1f}x the baseline's latency")
PY
}

echo "oha, $DURATION at $CONNECTIONS connections, loopback, Accept-Encoding: br, gzip unless marked;"
echo "one run, same machine. Waypoint compresses pages (brotli 1); the baseline sends raw bytes."
echo
target/release/bare-axum "$BARE_ADDR" "$WORK/home.html" >/dev/null 2>&1 &
BARE_PID=$!
sleep 0.5
summarise "home (Waypoint)" "http://$APP_ADDR/"
summarise "home (Waypoint, uncompressed)" "http://$APP_ADDR/" identity
summarise "home (bare axum)" "http://$BARE_ADDR/"
ratio "home (Waypoint)" "home (bare axum)"
ratio "home (Waypoint, uncompressed)" "home (bare axum)"
kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true

target/release/bare-axum "$BARE_ADDR" "$WORK/healthz.json" "application/json" >/dev/null 2>&1 &
BARE_PID=$!
sleep 0.5
summarise "healthz (Waypoint)" "http://$APP_ADDR/healthz"
summarise "healthz (bare axum)" "http://$BARE_ADDR/healthz"
ratio "healthz (Waypoint)" "healthz (bare axum)"

echo
target/release/rank-matches

echo
echo "Mentors and booking (its own embedded PostgreSQL): 1,000 concurrent holds of one slot, the"
echo "directory's search over ${BENCH_MENTORS:-100000} generated listings, one mentor's slots over four weeks"
target/release/booking "${BENCH_MENTORS:-100000}"

echo
echo "The resource library's search (its own embedded PostgreSQL): the starter library and"
echo "${BENCH_RESOURCES:-20000} generated resources, 40 rounds per query as a visitor; the bar is Elasticsearch's ~10 ms"
target/release/resource-search "${BENCH_RESOURCES:-20000}"

echo
wasm=$(ls target/site/pkg/*.wasm | head -1)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
served=$(curl -fsS -H 'Accept-Encoding: br' -o /dev/null -w '%{size_download}' "http://$APP_ADDR/pkg/$(basename "$wasm")")
awk -v name="$(basename "$wasm")" -v raw="$raw" -v gz="$gz" -v br="$served" \
  'BEGIN { printf "release WASM %s: %d bytes raw (%.0f KiB), %d gzipped -9 (%.0f KiB), %d as served with brotli (%.0f KiB)\n", name, raw, raw/1024, gz, gz/1024, br, br/1024 }'
