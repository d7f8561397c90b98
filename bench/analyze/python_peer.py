#!/usr/bin/env python3
"""A peer for `storyline analyze`'s speed: what a Python user would reach for
to pull dates and amounts out of news text, run on the same articles.

- time expressions: dateparser.search.search_dates (dateparser 1.x), with
  the publication date as the relative base;
- amounts with units: quantulum3's parser.

It does less than `storyline analyze` (no entities, aliases or quotes),
so the ratio flatters the peer. Prints one JSON line per article
(counts) to -o and a summary to stderr.

    python3 bench/analyze/python_peer.py CORPUS.jsonl [-n N] [-o OUT]
"""
import argparse
import datetime as dt
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("-n", type=int, default=0, help="first N articles only")
    ap.add_argument("-o", default="/dev/null")
    args = ap.parse_args()
    from dateparser.search import search_dates
    from quantulum3 import classifier as qclassifier
    from quantulum3 import parser as qparser

    # quantulum3's pickled unit classifier does not load under current
    # scikit-learn; its documented fallback is the rule disambiguation.
    qclassifier.USE_CLF = False

    docs = []
    with open(args.corpus) as f:
        for line in f:
            if line.strip():
                docs.append(json.loads(line))
            if args.n and len(docs) >= args.n:
                break
    t0 = time.process_time()
    w0 = time.time()
    with open(args.o, "w") as out:
        for d in docs:
            text = d.get("text", "")
            base = None
            if d.get("date"):
                try:
                    base = dt.datetime.strptime(d["date"][:10], "%Y-%m-%d")
                except ValueError:
                    base = None
            settings = {"RELATIVE_BASE": base} if base else {}
            times = search_dates(text, languages=["en"], settings=settings) or []
            amounts = qparser.parse(text)
            out.write(json.dumps({"id": d.get("id"), "times": len(times), "amounts": len(amounts)}) + "\n")
    cpu = time.process_time() - t0
    wall = time.time() - w0
    n = len(docs)
    print(json.dumps({"articles": n, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "articles_per_cpu_s": round(n / cpu, 1)}), file=sys.stderr)


if __name__ == "__main__":
    main()
