#!/usr/bin/env bash
# Browser proof of `storyline report`: ingests the dated seeds into a
# temporary store, writes the story's HTML report, opens it in headless
# Chromium, and checks that the page renders the timeline (a screenshot that
# is not blank, and a rendered DOM holding the timeline SVG and the
# 2025-11-04 entry).
#
#   tests/browser/report_screenshot.sh [STORYLINE_BINARY] [OUT_DIR]
#
# STORYLINE_BINARY defaults to target/release/storyline; OUT_DIR (where
# report.html, report.png and dom.html are kept) defaults to a temp dir.
# Without chromium the script prints SKIP and exits 0, unless CI is set, in
# which case it fails (CI installs it: apt-get install -y chromium).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$repo/target}/release/storyline}"
out="${2:-$(mktemp -d)}"
seeds="${SEEDS:-$repo/../shared/data/seeds-dated.jsonl}"

chromium_bin=""
for c in "${CHROMIUM:-}" chromium chromium-browser; do
    if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then chromium_bin="$(command -v "$c")"; break; fi
done
if [ -z "$chromium_bin" ]; then
    if [ -n "${CI:-}" ] && [ "${CI}" != "false" ]; then
        echo "FAIL report_screenshot: chromium is not installed (CI must run: apt-get install -y chromium)" >&2
        exit 1
    fi
    echo "SKIP report_screenshot: chromium is not installed (apt-get install -y chromium)"
    exit 0
fi

fail() { echo "FAIL report_screenshot: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "no storyline binary at $bin (build it, or pass its path)"
[ -f "$seeds" ] || fail "no seeds at $seeds"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to check the PNG"
mkdir -p "$out"
out="$(cd "$out" && pwd)"  # absolute: it becomes a file:// URL

work="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$work" "$profile"' EXIT

db="$work/story.db"
"$bin" ingest --db "$db" "$seeds" >/dev/null
# The story of the SCM seed (an article id names the story that holds it).
"$bin" report 000_3d5f58d5529388c6 --db "$db" --format html -o "$out/report.html"
[ -s "$out/report.html" ] || fail "empty report"
if grep -qi '<script' "$out/report.html"; then fail "the report contains a script tag"; fi

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile")
url="file://$out/report.html"
timeout 120 "$chromium_bin" "${flags[@]}" --screenshot="$out/report.png" --window-size=1200,1600 "$url" >"$work/shot.log" 2>&1 \
    || { cat "$work/shot.log" >&2; fail "chromium --screenshot failed"; }
timeout 120 "$chromium_bin" "${flags[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$work/dom.log" \
    || { cat "$work/dom.log" >&2; fail "chromium --dump-dom failed"; }

python3 - "$out/report.png" "$out/dom.html" <<'PY'
import re, struct, sys, zlib

png, dom = sys.argv[1], sys.argv[2]
data = open(png, "rb").read()
def fail(msg):
    print("FAIL report_screenshot: " + msg, file=sys.stderr)
    sys.exit(1)
if len(data) < 20_000:
    fail(f"screenshot is only {len(data)} bytes")
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail("screenshot is not a PNG")
w, h = struct.unpack(">II", data[16:24])
if (w, h) != (1200, 1600):
    fail(f"screenshot is {w}x{h}, expected 1200x1600")
# Decode enough of the image to see it is not blank: distinct row bytes.
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
if len(set(raw[::7])) < 16:
    fail("screenshot looks blank")

html = open(dom, encoding="utf-8").read()
if '<svg id="timeline-chart"' not in html:
    fail("rendered DOM has no timeline SVG")
marks = re.findall(r'<g class="mark" data-date="([^"]+)" data-sources="(\d+)"', html)
if len(marks) < 5:
    fail(f"timeline SVG has {len(marks)} marks, expected at least 5")
nov4 = [int(k) for d, k in marks if d == "2025-11-04"]
if not nov4 or max(nov4) < 3:
    fail(f"no 2025-11-04 mark with 3 sources in the timeline SVG (marks: {marks})")
if '<tr data-date="2025-11-04">' not in html:
    fail("no 2025-11-04 row in the timeline table")
print(f"OK report_screenshot: {png} {w}x{h} {len(data)} bytes; timeline SVG with {len(marks)} marks, 2025-11-04 reported by {max(nov4)} sources")
PY
