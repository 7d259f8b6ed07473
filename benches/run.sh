#!/usr/bin/env bash
# make bench (issue 19's figures): the home page, a career, a mentor and a resource page as an
# anonymous visitor gets them (the rendered-page cache), and a signed-in dashboard page (rendered
# every time), each under oha (64 connections) beside its ceiling: a bare axum handler sending the
# same bytes from memory in the same run. Prints a table of ratios against the targets and the
# page cache's hit rate; then ranking the 923 careers for one person, booking, the library's
# search, the release WASM's size, and Lighthouse's four scores for the four public pages.
# Figures are one run on a shared 2-core machine: compare the ratios, not absolutes.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-8s}
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

summarise() { # name url [header]
  oha -z "$DURATION" -c "$CONNECTIONS" --no-tui --output-format json -H "Accept-Encoding: br, gzip" ${3:+-H "$3"} "$2" >"$WORK/$1.json"
  python3 - "$1" "$WORK/$1.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
data = json.load(open(path))
summary, pct = data["summary"], data["latencyPercentiles"]
codes = data.get("statusCodeDistribution", {})
ok = sum(v for k, v in codes.items() if k.startswith("2"))
total = sum(codes.values()) or 1
json.dump({"rps": summary["requestsPerSec"], "p50": pct["p50"], "p99": pct["p99"], "ok": ok / total,
           "bytes": summary.get("sizePerRequest") or 0}, open(path + ".summary", "w"))
PY
}

cache_figures() { curl -fsS "http://$APP_ADDR/healthz" | python3 -c 'import json,sys; c=json.load(sys.stdin)["page_cache"]; print(c["hits"], c["misses"])'; }

# The pages: a career, and the first mentor and resource the sitemap lists; the signed-in page is
# the demo student Sam's progress dashboard (his roadmaps, steps per week, resources), rendered
# for him on every request (never cached).
sitemap=$(curl -fsS "http://$APP_ADDR/sitemap.xml")
mentor=$(grep -oE "/mentors/[^<]+" <<<"$sitemap" | head -1)
resource=$(grep -oE "/resources/[^<]+" <<<"$sitemap" | head -1)
cookie=$(curl -fsS -o /dev/null -D - -X POST -H "Origin: http://$APP_ADDR" -H "Accept: application/json" \
  --data 'identifier=sam&password=waypoint-student-demo' "http://$APP_ADDR/api/sign_in" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \(waypoint_session=[^;]*\).*/\1/p' | head -1)
[ -n "$cookie" ] || { echo "bench: signing in as the demo student failed"; exit 1; }

echo "oha, $DURATION at $CONNECTIONS connections on loopback, Accept-Encoding: br, gzip. Each page beside its ceiling:"
echo "a bare axum handler sending the very bytes Waypoint sent for it (brotli) from memory, in this same run."
echo "One run on a shared 2-core machine (oha shares the cores): compare the ratios, not the absolutes."
echo
read -r hits_before misses_before < <(cache_figures)
rows=()
bench_page() { # label path target-ratio [cookie]
  local label=$1 path=$2 target=$3 header=${4:+Cookie: $4}
  curl -fsS -o /dev/null ${header:+-H "$header"} "http://$APP_ADDR$path"
  curl -fsS -H 'Accept-Encoding: br, gzip' ${header:+-H "$header"} -D "$WORK/page.headers" -o "$WORK/page.body" "http://$APP_ADDR$path"
  local encoding
  encoding=$(sed -n 's/^content-encoding: *\([a-z]*\).*/\1/Ip' "$WORK/page.headers" | tr -d '\r' | head -1)
  target/release/bare-axum "$BARE_ADDR" "$WORK/page.body" "text/html; charset=utf-8" "${encoding:-identity}" >/dev/null 2>&1 &
  BARE_PID=$!
  sleep 0.5
  summarise "$label" "http://$APP_ADDR$path" "$header"
  summarise "$label (ceiling)" "http://$BARE_ADDR$path"
  kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true
  BARE_PID=
  rows+=("$label|$path|$target")
}
bench_page "home" "/" 0.5
bench_page "career page" "/careers/15-1252.00" 0.5
bench_page "mentor page" "$mentor" 0.5
bench_page "resource page" "$resource" 0.5
bench_page "signed-in dashboard" "/progress" 0.15 "$cookie"
read -r hits_after misses_after < <(cache_figures)

python3 - "$WORK" "$hits_after" "$hits_before" "$misses_after" "$misses_before" "${rows[@]}" <<'PY'
import json, sys
work, ha, hb, ma, mb = sys.argv[1], *map(int, sys.argv[2:6])
print(f"{'page':<22} {'path':<34} {'req/s':>8} {'ceiling':>8} {'ratio':>6} {'target':>7} {'p50 ms':>7} {'p99 ms':>7} {'bytes':>7}  verdict")
for row in sys.argv[6:]:
    label, path, target = row.split("|")
    app = json.load(open(f"{work}/{label}.json.summary"))
    bare = json.load(open(f"{work}/{label} (ceiling).json.summary"))
    ratio = app["rps"] / bare["rps"]
    public = float(target) >= 0.5
    met = ratio >= float(target) and (not public or app["p99"] * 1000 < 10) and app["ok"] > 0.999
    goal = f">={target}x" + (", p99<10ms" if public else "")
    print(f"{label:<22} {path[:34]:<34} {app['rps']:>8.0f} {bare['rps']:>8.0f} {ratio:>5.2f}x {'>=' + target + 'x':>7} "
          f"{app['p50']*1000:>7.2f} {app['p99']*1000:>7.2f} {app['bytes']:>7}  {'met' if met else 'MISSED'} ({goal})")
hits, misses = ha - hb, ma - mb
print(f"page cache over these runs: {hits} hits, {misses} misses, hit rate {hits / max(1, hits + misses):.4%}")
PY

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
bash end2end/wasm-size.sh "${WASM_BUDGET_RAW:-99999999}" "${WASM_BUDGET_BROTLI:-99999999}" || true
echo
echo "A first visit in Chromium (a fresh profile each): what each page downloads before it is live"
(cd end2end && node first-visit.mjs "http://$APP_ADDR" / /careers/15-1252.00 /careers "$mentor" /mentors "$resource" /resources /pricing) || true

echo
echo "Lighthouse $(lighthouse --version) (mobile, simulated throttling) in Debian's Chromium, anonymous visits:"
echo "Performance / Accessibility / Best Practices / SEO"
for path in / /careers/15-1252.00 "$mentor" "$resource"; do
  name=$(tr -c 'a-zA-Z0-9\n' '_' <<<"$path")
  # Lighthouse sometimes loses the trace of a load (NO_NAVSTART): a second attempt, then give up.
  ran=
  for attempt in 1 2; do
    if CHROME_PATH=$(command -v chromium) lighthouse "http://$APP_ADDR$path" --quiet --output=json --output-path="$WORK/lighthouse$name.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync" \
      2>"$WORK/lighthouse$name.log"; then ran=1; break; fi
  done
  [ -n "$ran" ] || { echo "$path: lighthouse failed twice: $(tail -1 "$WORK/lighthouse$name.log")"; continue; }
  python3 - "$path" "$WORK/lighthouse$name.json" <<'PY'
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
cats = report["categories"]
scores = [round((cats[key]["score"] or 0) * 100) for key in ("performance", "accessibility", "best-practices", "seo")]
audits = report["audits"]
metric = lambda key: audits[key].get("displayValue", "?")
below = [f"{a['id']} ({a.get('displayValue', a['score'])})" for a in audits.values()
         if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") in ("binary", "numeric")]
print(f"{path:<34} {' / '.join(map(str, scores))}   FCP {metric('first-contentful-paint')}, LCP {metric('largest-contentful-paint')}, "
      f"TBT {metric('total-blocking-time')}, CLS {metric('cumulative-layout-shift')}")
if below:
    print(f"{'':<34} below 0.9: {', '.join(below[:8])}")
PY
done
