#!/usr/bin/env bash
# Runs the integration suite (server/tests/it) RUNS times in a row (default 30) and stops at the
# first failure, to show it never hangs nor flakes: `make test-repeat` (RUNS=n to change it).
# Built once; each run gets its own throwaway PostgreSQL cluster, like `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-30}
export RUSTFLAGS="${TEST_RUSTFLAGS:---cfg erase_components}" LEPTOS_OUTPUT_NAME=waypoint
cargo test -p server --test it --no-run
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  if ! log=$(timeout 900 cargo test -q -p server --test it 2>&1); then
    echo "$log" | tail -n 60
    echo "repeat: run $run of $runs FAILED after $(( $(date +%s) - started )) s"
    exit 1
  fi
  summary=$(grep -E '^test result:' <<<"$log" | tail -n 1)
  echo "repeat: run $run of $runs passed in $(( $(date +%s) - started )) s: $summary"
done
echo "repeat: $runs runs in a row passed"
