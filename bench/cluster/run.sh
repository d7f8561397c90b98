#!/usr/bin/env bash
# storyline `cluster` vs the scikit-learn TF-IDF + agglomerative baseline,
# on the same inputs in the same run. Prints markdown tables (see
# BENCHMARKS.md for a recorded run).
#
# Usage (from the repository root):
#   bench/cluster/run.sh [quality] [speed] [stages] [memory]   # default: all four
#
# Environment:
#   STORYLINE   the binary (default: $CARGO_TARGET_DIR/release/storyline,
#               else target/release/storyline); build it first with
#               cargo build --release
#   WORK        scratch directory for corpora and outputs (default /tmp/storyline-bench)
#   REPS        timed repetitions per measurement, median reported (default 3)
#   N_BIG       size of the generated throughput corpus (default 100000)
#   REPS_BIG    timed repetitions for sizes above 20000 (default 1)
#   N_STAGE     corpus size for the per-command stage table (default 10000)
#   PEER_SIZES  generated-corpus sizes the O(n^2) peer is run on (default "5000 10000")
#   MEM_SIZES   sizes for the peak-memory curve (default "25000 50000 100000")
#
# Needs: python3 with scikit-learn (pip install scikit-learn), GNU time at /usr/bin/time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="$ROOT/../shared"
HERE="$ROOT/bench/cluster"
BIN="${STORYLINE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/storyline}"
WORK="${WORK:-/tmp/storyline-bench}"
REPS="${REPS:-3}"
N_BIG="${N_BIG:-100000}"
PEER_SIZES="${PEER_SIZES:-5000 10000}"
MEM_SIZES="${MEM_SIZES:-25000 50000 100000}"
SCORE="python3 $SHARED/tools/score_events.py"
PEER="python3 $HERE/sklearn_peer.py"
SECTIONS="${*:-quality speed stages memory}"
mkdir -p "$WORK"

[ -x "$BIN" ] || { echo "no storyline binary at $BIN (cargo build --release, or set STORYLINE)" >&2; exit 1; }

load() { cut -d' ' -f1 /proc/loadavg; }

# timed OUT_PREFIX CMD...: runs CMD under GNU time; prints "wall_s rss_mb".
timed() {
    local prefix="$1"; shift
    /usr/bin/time -v -o "$prefix.time" "$@" > "$prefix.stdout" 2> "$prefix.stderr" || {
        echo "failed: $* (see $prefix.stderr)" >&2; return 1; }
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
                /Maximum resident set size/ { r = $2 / 1024 }
                /User time \(seconds\)/ { c += $2 } /System time \(seconds\)/ { c += $2 }
                END { printf "%.2f %.0f %.2f\n", w, r, c }' "$prefix.time"
}

# median_run NAME CMD...: REPS timed runs; prints
# "median_wall_s max_rss_mb load_before cpu_s_of_median_run".
median_run() {
    local name="$1"; shift
    local rows=() rss=0 l w r c
    l="$(load)"
    for k in $(seq 1 "$REPS"); do
        read -r w r c < <(timed "$WORK/$name.$k" "$@")
        rows+=("$w $c"); [ "${r%.*}" -gt "$rss" ] && rss="${r%.*}"
    done
    printf '%s\n' "${rows[@]}" | sort -g | awk -v rss="$rss" -v l="$l" '{ w[NR] = $1; c[NR] = $2 } END { m = int((NR + 1) / 2); printf "%s %s %s %s\n", w[m], rss, l, c[m] }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "-" }'; }

corpus() {  # corpus N -> path of a generated corpus of N articles (prefix of the N_BIG one)
    local n="$1" big="$WORK/gen$N_BIG.jsonl"
    if [ ! -s "$big" ]; then
        python3 "$HERE/gen_corpus.py" --n "$N_BIG" -o "$big" --gold "$WORK/gen$N_BIG.gold.jsonl" >&2
    fi
    if [ "$n" = "$N_BIG" ]; then echo "$big"; return; fi
    [ -s "$WORK/gen$n.jsonl" ] || { head -n "$n" "$big" > "$WORK/gen$n.jsonl"; head -n "$n" "$WORK/gen$N_BIG.gold.jsonl" > "$WORK/gen$n.gold.jsonl"; }
    echo "$WORK/gen$n.jsonl"
}

echo "# storyline cluster benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "binary: $BIN ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')); reps: $REPS (median wall, max RSS)"
echo

if [[ " $SECTIONS " == *" quality "* ]]; then
    echo "## Quality on the development sets (gold labels; input has no gold field used)"
    echo
    echo "| corpus | system | B3 P | B3 R | B3 F1 | pairwise F1 | ARI | events | wall s | peak RSS MB | load |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    # gva best threshold of the peer: from its own sweep (--tune), printed below.
    GVA_BEST="${GVA_BEST:-}"
    for corp in ecbplus-dev gva-dev; do
        gold="$SHARED/data/events/$corp.jsonl"
        read -r w r l c < <(median_run "sl-$corp" "$BIN" cluster "$gold" -o "$WORK/sl-$corp.pred.jsonl")
        s="$($SCORE "$gold" "$WORK/sl-$corp.pred.jsonl")"
        echo "$s" | python3 -c "import json,sys; e=json.load(sys.stdin)['event']; print('| $corp | storyline | %.3f | %.3f | **%.3f** | %.3f | %.3f | %d | $w | $r | $l |' % (e['b3_p'], e['b3_r'], e['b3_f1'], e['pw_f1'], e['ari'], e['n_pred_clusters']))"
        sl_w="$w"
        thresholds="0.86"
        if [ "$corp" = gva-dev ]; then
            if [ -z "$GVA_BEST" ]; then
                GVA_BEST="$($PEER "$gold" --tune "$gold" --grid 0.60:0.98:0.02 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['best']['threshold'])")"
            fi
            thresholds="0.86 $GVA_BEST"
        fi
        for t in $thresholds; do
            read -r w r l c < <(median_run "peer-$corp-$t" $PEER "$gold" --threshold "$t" -o "$WORK/peer-$corp-$t.pred.jsonl")
            s="$($SCORE "$gold" "$WORK/peer-$corp-$t.pred.jsonl")"
            label="sklearn t=$t"; [ "$t" = 0.86 ] && label="sklearn t=0.86 (ECB+-tuned)" || label="sklearn t=$t (best for $corp)"
            echo "$s" | python3 -c "import json,sys; e=json.load(sys.stdin)['event']; print('| $corp | $label | %.3f | %.3f | %.3f | %.3f | %.3f | %d | $w | $r | $l |' % (e['b3_p'], e['b3_r'], e['b3_f1'], e['pw_f1'], e['ari'], e['n_pred_clusters']))"
            echo "| | time ratio peer/storyline | | | | | | | $(ratio "$w" "$sl_w") | | |"
        done
    done
    echo
fi

if [[ " $SECTIONS " == *" speed "* ]]; then
    echo "## Whole-run throughput on the generated corpus (~300-word articles)"
    echo
    echo "| articles | system | runs | wall s (median) | articles/s | CPU s (user+sys) | articles per CPU-s | peak RSS MB | B3 F1 (synthetic gold) | load before | storyline speed-up (wall) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for n in $PEER_SIZES $N_BIG; do
        f="$(corpus "$n")"; gold="${f%.jsonl}.gold.jsonl"
        reps="$REPS"; [ "$n" -gt 20000 ] && reps="${REPS_BIG:-1}"
        read -r w r l c < <(REPS="$reps" median_run "sl-gen$n" "$BIN" cluster "$f" -o "$WORK/sl-gen$n.pred.jsonl")
        f1="$($SCORE "$gold" "$WORK/sl-gen$n.pred.jsonl" | python3 -c "import json,sys; print('%.3f' % json.load(sys.stdin)['event']['b3_f1'])")"
        echo "| $n | storyline cluster | $reps | $w | $(rate "$n" "$w") | $c | $(rate "$n" "$c") | $r | $f1 | $l | |"
        sl_w="$w"
        if [ "$n" -le 20000 ]; then
            read -r w r l c < <(median_run "peer-gen$n" $PEER "$f" --threshold 0.86 -o "$WORK/peer-gen$n.pred.jsonl")
            f1="$($SCORE "$gold" "$WORK/peer-gen$n.pred.jsonl" | python3 -c "import json,sys; print('%.3f' % json.load(sys.stdin)['event']['b3_f1'])")"
            echo "| $n | sklearn t=0.86 | $REPS | $w | $(rate "$n" "$w") | $c | $(rate "$n" "$c") | $r | $f1 | $l | $(ratio "$w" "$sl_w") |"
        else
            need=$(awk -v n="$n" 'BEGIN { printf "%.0f", n * (n - 1) / 2 * 20 / 1e9 }')
            echo "| $n | sklearn t=0.86 | - | cannot run: O(n²) distances, ~$need GB | | | | | | | |"
        fi
    done
    echo
fi

if [[ " $SECTIONS " == *" stages "* ]]; then
    n="${N_STAGE:-10000}"; f="$(corpus "$n")"
    echo "## Stages on $n generated articles (each command reads the JSONL itself)"
    echo
    echo "| command | what it runs | wall s (median of $REPS) | articles/s | CPU s | articles per CPU-s | peak RSS MB | load before |"
    echo "|---|---|---|---|---|---|---|---|"
    read -r we r l ce < <(median_run "extract$n" "$BIN" extract "$f" -o "$WORK/extract$n.jsonl")
    echo "| extract | read + clean + write | $we | $(rate "$n" "$we") | $ce | $(rate "$n" "$ce") | $r | $l |"
    read -r wa r l ca < <(median_run "analyze$n" "$BIN" analyze "$f" -o "$WORK/analyze$n.jsonl")
    echo "| analyze | read + clean + analyze + write | $wa | $(rate "$n" "$wa") | $ca | $(rate "$n" "$ca") | $r | $l |"
    read -r wc r l cc < <(median_run "cluster$n" "$BIN" cluster "$f" -o "$WORK/cluster$n.jsonl")
    echo "| cluster | read + clean + analyze + features + signatures (parallel); alias folding + dedup + clustering (serial); write | $wc | $(rate "$n" "$wc") | $cc | $(rate "$n" "$cc") | $r | $l |"
    d=$(awk -v a="$wa" -v b="$we" 'BEGIN { printf "%.2f", a - b }'); dc=$(awk -v a="$ca" -v b="$ce" 'BEGIN { printf "%.2f", a - b }')
    echo "| analyze − extract | ≈ analysis alone | $d | $(rate "$n" "$d") | $dc | $(rate "$n" "$dc") | | |"
    d=$(awk -v a="$wc" -v b="$wa" 'BEGIN { printf "%.2f", a - b }'); dc=$(awk -v a="$cc" -v b="$ca" 'BEGIN { printf "%.2f", a - b }')
    echo "| cluster − analyze | ≈ features + signatures + the serial step (dedup, alias folding, clustering) | $d | $(rate "$n" "$d") | $dc | $(rate "$n" "$dc") | | |"
    echo
fi

if [[ " $SECTIONS " == *" memory "* ]]; then
    echo "## Peak memory of storyline cluster vs size"
    echo
    echo "| articles | input MB | wall s | peak RSS MB | RSS per article KB | load |"
    echo "|---|---|---|---|---|---|"
    for n in $MEM_SIZES; do
        f="$(corpus "$n")"
        mb=$(( $(stat -L -c %s "$f") / 1048576 ))
        read -r w r l c < <(REPS=1 median_run "mem-gen$n" "$BIN" cluster "$f" -o "$WORK/mem-gen$n.pred.jsonl")
        echo "| $n | $mb | $w | $r | $(awk -v r="$r" -v n="$n" 'BEGIN { printf "%.1f", r * 1024 / n }') | $l |"
    done
    echo
fi
