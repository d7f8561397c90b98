#!/usr/bin/env python3
"""Peer run for `storyline extract-bench --peer`: trafilatura on the Zyte
article-extraction-benchmark pages, scored exactly like the benchmark's
evaluate.py (4-gram shingles of \\w+ tokens, per-page normalised tp/fp/fn,
mean precision and mean recall over pages, F1 of those means).

Usage: python3 trafilatura_peer.py [DIR] [--out FILE.jsonl] [--json]
Prints one summary line; with --json prints a JSON object instead (the Rust
command parses that).
"""
import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=4):
    tokens = TOKEN_RE.findall(text or "")
    out = [tuple(tokens[i:i + n]) for i in range(0, max(1, len(tokens) - n + 1))]
    return Counter(s for s in out if s)


def tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for k in set(t) | set(p):
        tc, pc = t.get(k, 0), p.get(k, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def precision(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall(tp, fp, fn):
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", nargs="?", default="../shared/data/extraction/zyte")
    ap.add_argument("--out")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    root = Path(args.dir)
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf8"))
    rows, elapsed = [], 0.0
    for key in sorted(truth):
        raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        start = time.perf_counter()
        # bytes in, so trafilatura does its own charset detection, like storyline does
        text = trafilatura.extract(raw, url=truth[key].get("url")) or ""
        elapsed += time.perf_counter() - start
        counts = tp_fp_fn(truth[key].get("articleBody", ""), text)
        rows.append((key, counts, text))
    p = statistics.mean(precision(*c) for _, c, _ in rows if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for _, c, _ in rows if c[0] + c[2] > 0)
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    ms = 1000.0 * elapsed / max(1, len(rows))
    if args.out:
        with open(args.out, "w", encoding="utf8") as f:
            for key, c, text in rows:
                f.write(json.dumps({"id": key, "precision": precision(*c), "recall": recall(*c),
                                    "text": text}, ensure_ascii=False) + "\n")
    summary = {"name": f"trafilatura {trafilatura.__version__}", "pages": len(rows),
               "precision": p, "recall": r, "f1": f1, "ms_per_page": ms}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{summary['name']:<20} pages={len(rows)} precision={p:.3f} recall={r:.3f} "
              f"F1={f1:.3f} ms/page={ms:.2f}")


if __name__ == "__main__":
    sys.exit(main())
