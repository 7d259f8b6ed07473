#!/usr/bin/env bash
# Prints what a first visit downloads of the release WASM, raw and as served (cargo-leptos
# --precompress writes the brotli files the server sends), and fails when the heaviest first visit
# passes the budget given by the Makefile (WASM_BUDGET_RAW / WASM_BUDGET_BROTLI, the one place it
# is kept). Raising the budget needs its reason recorded in docs/benchmarks.md.
#
# The bundle is split (cargo-leptos --split, one lazy split per area of pages, app/src/lib.rs):
# every page needs the main module, and the files its area's split lists in
# __wasm_split_manifest.json (its own code and the chunks it shares with other areas).
set -euo pipefail
cd "$(dirname "$0")/.."
budget_raw=$1
budget_brotli=$2
# The release build names the main module by its content (cargo-leptos hash-files); the hashes are
# in target/release/hash.txt.
hash=$(sed -n 's/^wasm: *//p' target/release/hash.txt 2>/dev/null || true)
manifest_hash=$(sed -n 's/^manifest: *//p' target/release/hash.txt 2>/dev/null || true)
pkg=target/site/pkg
wasm=$pkg/waypoint${hash:+.$hash}.wasm
manifest=$pkg/__wasm_split_manifest${manifest_hash:+.$manifest_hash}.json
[ -f "$wasm" ] && [ -f "$wasm.br" ] || { echo "wasm-size: $wasm(.br) missing: run make release"; exit 1; }
python3 - "$wasm" "$manifest" "$pkg" "$budget_raw" "$budget_brotli" <<'PY'
import json, os, sys
wasm, manifest, pkg, budget_raw, budget_br = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
size = lambda path: os.path.getsize(path) if os.path.exists(path) else 0
main_raw, main_br = size(wasm), size(wasm + ".br")
areas = json.load(open(manifest)) if os.path.exists(manifest) else {}
files = [name for name in os.listdir(pkg) if name.endswith(".wasm")]
total_raw = sum(size(os.path.join(pkg, name)) for name in files)
total_br = sum(size(os.path.join(pkg, name + ".br")) or size(os.path.join(pkg, name)) for name in files)
kib = lambda n: f"{n / 1024:.0f} KiB"
print(f"release WASM: main module {main_raw} bytes raw ({kib(main_raw)}), {main_br} as served with brotli ({kib(main_br)}); "
      f"{len(files)} files in all, {kib(total_raw)} raw, {kib(total_br)} with brotli")
heaviest = ("every page: the bundle is not split", main_raw, main_br, 0)
for key in sorted(areas):
    stems = areas[key]
    raw = main_raw + sum(size(os.path.join(pkg, stem + ".wasm")) for stem in stems)
    br = main_br + sum(size(os.path.join(pkg, stem + ".wasm.br")) or size(os.path.join(pkg, stem + ".wasm")) for stem in stems)
    name = key.strip("_").rsplit("_", 1)[0]
    print(f"  first visit to {name:<18} {1 + len(stems):>3} files, {kib(raw):>9} raw, {kib(br):>8} with brotli")
    if br > heaviest[2]:
        heaviest = (name, raw, br, len(stems))
name, raw, br, _ = heaviest
print(f"heaviest first visit ({name}): {raw} bytes raw (budget {budget_raw}, {100 * raw / budget_raw:.1f}%), "
      f"{br} with brotli (budget {budget_br}, {100 * br / budget_br:.1f}%)")
status = 0
if raw > budget_raw:
    print(f"wasm-size: the heaviest first visit grew past its budget by {raw - budget_raw} bytes raw"); status = 1
if br > budget_br:
    print(f"wasm-size: the heaviest first visit grew past its budget by {br - budget_br} bytes as served"); status = 1
if status:
    print("wasm-size: bring it back down, or raise WASM_BUDGET_* in the Makefile with the reason in docs/benchmarks.md")
sys.exit(status)
PY
