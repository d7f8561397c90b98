#!/usr/bin/env bash
# `storyline analyze` throughput on generated ~300-word articles, and a
# Python peer (dateparser + quantulum3, bench/analyze/python_peer.py) on the
# first PEER_N of the same articles in the same run. Prints a markdown
# table (see BENCHMARKS.md).
#
# Usage: bench/analyze/run.sh
# Environment: STORYLINE (binary), WORK (default /tmp/storyline-bench),
#   N (default 20000), REPS (default 3), PEER_N (default 1000)
# Needs: python3 with dateparser and quantulum3 (pip install dateparser quantulum3),
#   GNU time at /usr/bin/time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${STORYLINE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/storyline}"
WORK="${WORK:-/tmp/storyline-bench}"
N="${N:-20000}"; REPS="${REPS:-3}"; PEER_N="${PEER_N:-1000}"
mkdir -p "$WORK"
corpus="$WORK/gen$N.jsonl"
[ -s "$corpus" ] || python3 "$ROOT/bench/cluster/gen_corpus.py" --n "$N" -o "$corpus" --gold "$WORK/gen$N.gold.jsonl" >&2
load() { cut -d' ' -f1 /proc/loadavg; }
echo "| system | articles | wall s | CPU s (user+sys) | articles/s (wall) | articles per CPU-s | peak RSS MB | load |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for k in $(seq 1 "$REPS"); do
    l=$(load)
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/analyze.time" "$BIN" analyze "$corpus" -o "$WORK/analyze.out.jsonl"
    read -r w u s m < "$WORK/analyze.time"
    awk -v n="$N" -v w="$w" -v u="$u" -v s="$s" -v m="$m" -v l="$l" \
        'BEGIN { c = u + s; printf "| storyline analyze (2 threads) | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %s |\n", n, w, c, n / w, n / c, m / 1024, l }'
done
l=$(load)
/usr/bin/time -f "%e %U %S %M" -o "$WORK/peer.time" python3 "$ROOT/bench/analyze/python_peer.py" "$corpus" -n "$PEER_N" -o "$WORK/peer.out.jsonl" 2> "$WORK/peer.err"
read -r w u s m < "$WORK/peer.time"
awk -v n="$PEER_N" -v w="$w" -v u="$u" -v s="$s" -v m="$m" -v l="$l" \
    'BEGIN { c = u + s; printf "| peer: dateparser.search_dates + quantulum3 (1 thread; times and amounts only) | %d | %.2f | %.2f | %.1f | %.1f | %.0f | %s |\n", n, w, c, n / w, n / c, m / 1024, l }'
