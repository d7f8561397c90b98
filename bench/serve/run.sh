#!/usr/bin/env bash
# Serving benchmark: wrk on loopback against `storyline serve` over a store of
# N generated articles (default 100,000), on the story list, one story, and
# search; and the same wrk against a static file served by
# `python3 -m http.server` as a peer baseline. Prints a markdown table (see
# BENCHMARKS.md, "Serving (wrk)", for a recorded run).
#
# Usage (from the repository root):
#   bench/serve/run.sh [corpus] [ingest] [wrk]     # default: all three
#
# Environment:
#   STORYLINE  the binary (default: $CARGO_TARGET_DIR/release/storyline,
#              else target/release/storyline)
#   WORK       scratch directory (default /tmp/storyline-serve-bench)
#   N          articles to generate and ingest (default 100000)
#   CHUNK      articles per `storyline ingest` run (default 25000; several
#              runs decide like one, and bound the ingest's memory)
#   DURATION   wrk duration per endpoint (default 20s)
#   THREADS    wrk threads (default 2), CONNS connections (default 32)
#   QUERY      search query (default "police shooting")
#
# Needs: wrk (apt-get install -y wrk), python3, curl.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${STORYLINE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/storyline}"
WORK="${WORK:-/tmp/storyline-serve-bench}"
N="${N:-100000}"
CHUNK="${CHUNK:-25000}"
DURATION="${DURATION:-20s}"
THREADS="${THREADS:-2}"
CONNS="${CONNS:-32}"
QUERY="${QUERY:-police shooting}"
SECTIONS="${*:-corpus ingest wrk}"
CORPUS="$WORK/corpus-$N.jsonl"
DB="$WORK/store-$N.db"
mkdir -p "$WORK"

[ -x "$BIN" ] || { echo "no storyline binary at $BIN (cargo build --release, or set STORYLINE)" >&2; exit 1; }
has() { case " $SECTIONS " in *" $1 "*) return 0;; *) return 1;; esac; }
load() { cut -d' ' -f1 /proc/loadavg; }

if has corpus && [ ! -s "$CORPUS" ]; then
    echo "generating $N articles into $CORPUS" >&2
    python3 "$ROOT/bench/cluster/gen_corpus.py" --n "$N" -o "$CORPUS"
fi

if has ingest; then
    [ -s "$CORPUS" ] || { echo "no corpus at $CORPUS (run the corpus section)" >&2; exit 1; }
    rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.index" "$WORK/chunks"
    mkdir -p "$WORK/chunks"
    split -l "$CHUNK" -d -a 3 --additional-suffix=.jsonl "$CORPUS" "$WORK/chunks/part-"
    t0=$(date +%s)
    for part in "$WORK"/chunks/part-*.jsonl; do
        echo "ingesting $part (load $(load))" >&2
        "$BIN" ingest --db "$DB" "$part" 2>&1 | grep -v '^skipped' | tail -1 >&2
    done
    echo "ingested $N articles in $(( $(date +%s) - t0 )) s" >&2
fi

if has wrk; then
    command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
    [ -s "$DB" ] || { echo "no store at $DB (run the ingest section)" >&2; exit 1; }
    free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
    port=$(free_port)
    base="http://127.0.0.1:$port"
    "$BIN" serve --db "$DB" --addr "127.0.0.1:$port" > "$WORK/serve.log" 2>&1 &
    server=$!
    peer=""
    trap 'kill $server ${peer:-} 2>/dev/null || true' EXIT
    for _ in $(seq 1 600); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fs "$base/healthz" >&2; echo >&2

    # The endpoints: the first page of the story list (what the UI opens),
    # the newest story (the list's first entry) and the biggest story (the
    # slowest view to build), and a search.
    curl -fs "$base/api/stories" > "$WORK/stories.json"
    curl -fs "$base/api/stories?sort=biggest&limit=1" > "$WORK/biggest.json"
    newest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/stories.json")
    biggest=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))[0]; print(s["id"], s["articles"])' "$WORK/biggest.json")
    q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$QUERY")
    articles_of() { curl -fs "$base/api/stories/$1/version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])'; }
    echo "newest story $newest ($(articles_of "$newest") articles); biggest ${biggest% *} (${biggest#* } articles)" >&2
    # The first request of the biggest story builds its view (then cached).
    first_view=$(curl -fs -o /dev/null -w '%{time_total}' "$base/api/stories/${biggest% *}")
    echo "first (uncached) GET /api/stories/${biggest% *}: ${first_view} s" >&2

    # Peer: the same wrk against python3 -m http.server serving the story
    # list's JSON as a static file.
    mkdir -p "$WORK/static"
    cp "$WORK/stories.json" "$WORK/static/stories.json"
    pport=$(free_port)
    (cd "$WORK/static" && exec python3 -m http.server "$pport" --bind 127.0.0.1) > "$WORK/peer.log" 2>&1 &
    peer=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$pport/stories.json" >/dev/null 2>&1 && break; sleep 0.1; done

    echo "| endpoint | bytes | requests/s | p50 | p99 | non-2xx | socket errors | load |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    bad=0
    # run NAME URL [LUA_SCRIPT]: one wrk run, one table row.
    run() {
        local name="$1" url="$2" script="${3:-}"
        local bytes="-"
        [ -n "$script" ] || bytes=$(curl -fs "$url" | wc -c)   # also warms the caches
        local out="$WORK/wrk-$(echo "$name" | tr -c 'a-zA-Z0-9' '_').txt"
        local l; l=$(load)
        wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency ${script:+-s "$script"} "$url" > "$out"
        python3 - "$name" "$bytes" "$l" "$out" <<'PY' || bad=1
import re, sys
name, size, load, path = sys.argv[1:]
t = open(path).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
non2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", t) or [0, 0])[1])
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
sock = sum(map(int, m.groups())) if m else 0
print(f"| {name} | {size} | {rps:,.0f} | {lat.get('50', '?')} | {lat.get('99', '?')} | {non2xx} | {sock} | {load} |")
sys.exit(1 if non2xx or sock else 0)
PY
    }
    run "GET /api/stories" "$base/api/stories"
    run "GET /api/stories/$newest (newest)" "$base/api/stories/$newest"
    run "GET /api/stories/${biggest% *} (biggest, ${biggest#* } articles)" "$base/api/stories/${biggest% *}"
    run "GET /api/stories/$newest/version" "$base/api/stories/$newest/version"
    run "GET /api/search?q=$q (repeated: cached answer)" "$base/api/search?q=$q"
    # Uncached search: every request a different two-word query (drawn from
    # the corpus' titles, $WORK/queries.txt), so the per-query cache misses
    # and each request evaluates its query and snippets.
    python3 - "$CORPUS" "$WORK/queries.txt" <<'PY'
import json, random, re, sys, urllib.parse
words = {}
with open(sys.argv[1]) as f:
    for n, line in enumerate(f):
        if n >= 20000:
            break
        for w in re.findall(r"[A-Za-z]{4,}", json.loads(line).get("title", "")):
            words[w.lower()] = words.get(w.lower(), 0) + 1
common = [w for w, c in sorted(words.items(), key=lambda x: -x[1])[:400]]
rng = random.Random(7)
qs = {f"{rng.choice(common)} {rng.choice(common)}" for _ in range(40000)}
with open(sys.argv[2], "w") as out:
    for q in sorted(qs):
        out.write(urllib.parse.quote(q) + "\n")
PY
    cat > "$WORK/queries.lua" <<LUA
local queries = {}
for line in io.lines("$WORK/queries.txt") do queries[#queries + 1] = line end
local counter = 1
local threads = {}
function setup(thread) thread:set("offset", #threads * 7919); table.insert(threads, thread) end
function init(args) counter = counter + offset end
function request()
    counter = counter + 1
    return wrk.format("GET", "/api/search?q=" .. queries[(counter % #queries) + 1])
end
LUA
    run "GET /api/search?q=(a different two-word query each request: uncached)" "$base" "$WORK/queries.lua"
    # Reads derived from the biggest story's cached view.
    event=$(curl -fs "$base/api/stories/${biggest% *}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][0]["id"])')
    article=$(curl -fs "$base/api/events/$event" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"][0]["id"])')
    run "GET /api/events/$event (of the biggest story)" "$base/api/events/$event"
    run "GET /api/entities?story=${biggest% *}" "$base/api/entities?story=${biggest% *}"
    run "GET /api/articles/$article" "$base/api/articles/$article"
    # The peer's own errors (python's server times out under 32
    # connections) are reported in its row but do not fail the benchmark.
    ours_bad=$bad
    run "peer: python3 -m http.server, static stories.json" "http://127.0.0.1:$pport/stories.json"
    bad=$ours_bad
    echo
    echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency URL; server RSS after the runs: $(( $(ps -o rss= -p "$server") / 1024 )) MB;" \
         "first (uncached) view of the biggest story: ${first_view} s; $(curl -fs "$base/healthz")"
    [ "$bad" = 0 ] || { echo "error: some runs had non-2xx responses or socket errors (see $WORK/wrk-*.txt)" >&2; exit 1; }
fi
