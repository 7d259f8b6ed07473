#!/usr/bin/env bash
# Prints the size of the release WASM that every first visit downloads, raw and as served
# (cargo-leptos --precompress writes the brotli file the server sends), and fails when either
# passes the budget given by the Makefile (WASM_BUDGET_RAW / WASM_BUDGET_BROTLI, the one place it
# is kept). Raising the budget needs its reason recorded in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_raw=$1
budget_brotli=$2
# The release build names the bundle by its content (cargo-leptos hash-files); the hash is in
# target/release/hash.txt.
hash=$(sed -n 's/^wasm: *//p' target/release/hash.txt 2>/dev/null || true)
wasm=target/site/pkg/waypoint${hash:+.$hash}.wasm
[ -f "$wasm" ] && [ -f "$wasm.br" ] || { echo "wasm-size: $wasm(.br) missing: run cargo leptos build --release --precompress"; exit 1; }
raw=$(stat -c %s "$wasm")
brotli=$(stat -c %s "$wasm.br")
gzip=$(stat -c %s "$wasm.gz" 2>/dev/null || echo 0)
awk -v raw="$raw" -v br="$brotli" -v gz="$gzip" -v braw="$budget_raw" -v bbr="$budget_brotli" 'BEGIN {
  printf "release WASM: %d bytes raw (%.0f KiB; budget %d, %.1f%% of it), %d as served with brotli (%.0f KiB; budget %d, %.1f%%), %d with gzip\n",
    raw, raw / 1024, braw, 100 * raw / braw, br, br / 1024, bbr, 100 * br / bbr, gz }'
status=0
if [ "$raw" -gt "$budget_raw" ]; then
  echo "wasm-size: the release WASM grew past its budget by $((raw - budget_raw)) bytes raw"; status=1
fi
if [ "$brotli" -gt "$budget_brotli" ]; then
  echo "wasm-size: the release WASM grew past its budget by $((brotli - budget_brotli)) bytes as served"; status=1
fi
[ "$status" = 0 ] || echo "wasm-size: bring it back down, or raise WASM_BUDGET_* in the Makefile with the reason in docs/benchmarks.md"
exit "$status"
