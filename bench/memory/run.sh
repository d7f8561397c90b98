#!/usr/bin/env bash
# Peak memory against input size (issue 21): a 100,000-item feed and a
# 15 MB plain-text file through `ingest`, `extract` and `cluster`.
#   bash bench/memory/run.sh [BIN] [DIR]
# BIN defaults to $CARGO_TARGET_DIR/release/storyline (else target/...);
# DIR (default /tmp/storyline-mem) receives the generated inputs and stores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-${CARGO_TARGET_DIR:-$here/../../target}/release/storyline}"
dir="${2:-/tmp/storyline-mem}"
[ -f "$dir/feed-100k.rss" ] && [ -f "$dir/text-15mb.txt" ] || python3 "$here/gen.py" "$dir"
printf '%-8s %-16s %10s %12s %8s %8s\n' command input input_MB peak_RSS_MB ratio seconds
for input in ${INPUTS:-feed-100k.rss text-15mb.txt}; do
    size=$(stat -c %s "$dir/$input")
    for cmd in ingest extract cluster; do
        args=("$cmd" "$dir/$input" --max-file-mb 64)
        if [ "$cmd" = ingest ]; then rm -rf "$dir/m.db"*; args+=(--db "$dir/m.db"); fi
        /usr/bin/time -f '%M %e' -o "$dir/time.txt" "$bin" "${args[@]}" >/dev/null 2>"$dir/stderr.txt" || {
            echo "error: $cmd $input failed:" >&2; tail -5 "$dir/stderr.txt" >&2; exit 1; }
        read -r kb secs < <(tail -1 "$dir/time.txt")
        awk -v c="$cmd" -v i="$input" -v s="$size" -v kb="$kb" -v t="$secs" 'BEGIN {
            printf "%-8s %-16s %10.1f %12.1f %8.1f %8s\n", c, i, s/1e6, kb*1024/1e6, kb*1024/s, t }'
    done
done
