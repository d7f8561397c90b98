#!/usr/bin/env python3
"""Builds crates/core/src/cluster/background_df.tsv: document frequencies
the clusterer blends with its running ones, so that IDF does not depend on
the size of the input (in a 50-article input, a name every outlet prints
must not count as rare because only 50 documents were seen).

Sources (text only, no labels), each weighted equally (a source's share of
documents holding a word, averaged over sources), so the 5,258 shooting
reports of gva-dev do not make the table a table of shootings:

- ../shared/data/extraction/wcxb-dev/truth.jsonl: 1,337 pages of a 2025
  web crawl, several hundred sites (WCXB dev split, CC BY 4.0)
- ../shared/data/events/ecbplus-dev.jsonl (ECB+, CC BY 3.0)
- ../shared/data/events/meantime-dev.jsonl (MEANTIME / Wikinews, CC BY 4.0)
- ../shared/data/events/gva-dev.jsonl (local news reports of shootings)

Columns: word (lower case; two words for a capitalised pair), documents
per 10,000 holding the word in any case (the term side), documents per
10,000 holding it capitalised (the name side, as the clusterer's
capitalised runs see names). Words below MIN_PER_10K on both sides are
left out: the clusterer treats a word missing from the table as rare,
which is what such a word is.

Usage: python3 bench/cluster/background_df.py [-o crates/core/src/cluster/background_df.tsv]
"""
import argparse
import collections
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SHARED = os.path.join(ROOT, "..", "shared", "data")
SOURCES = [
    ("wcxb-dev", os.path.join(SHARED, "extraction", "wcxb-dev", "truth.jsonl")),
    ("ecbplus-dev", os.path.join(SHARED, "events", "ecbplus-dev.jsonl")),
    ("meantime-dev", os.path.join(SHARED, "events", "meantime-dev.jsonl")),
    ("gva-dev", os.path.join(SHARED, "events", "gva-dev.jsonl")),
]
SCALE = 10_000
MIN_PER_10K = 10
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Punctuation that ends a run of capitalised words, as in features.rs.
BREAK = re.compile(r"[.,;:\n()\"“”]")


def doc_words(text):
    words, caps, pairs = set(), set(), set()
    prev_cap, prev_end = None, 0
    for m in WORD.finditer(text):
        w = m.group(0)
        lower = w.lower()
        words.add(lower)
        if BREAK.search(text, prev_end, m.start()):
            prev_cap = None
        if w[0].isupper():
            caps.add(lower)
            if prev_cap is not None:
                pairs.add(prev_cap + " " + lower)
            prev_cap = lower
        else:
            prev_cap = None
        prev_end = m.end()
    return words, caps | pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "crates", "core", "src", "cluster", "background_df.tsv"))
    args = ap.parse_args()
    share_any = collections.Counter()
    share_cap = collections.Counter()
    counts = []
    for name, path in SOURCES:
        df_any, df_cap, n = collections.Counter(), collections.Counter(), 0
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                text = (r.get("title") or "") + "\n" + (r.get("text") or "")
                if not text.strip():
                    continue
                n += 1
                words, caps = doc_words(text)
                df_any.update(words)
                df_cap.update(caps)
        counts.append(f"{name} {n}")
        for w, c in df_any.items():
            share_any[w] += c / n / len(SOURCES)
        for w, c in df_cap.items():
            share_cap[w] += c / n / len(SOURCES)
    rows = []
    for w in set(share_any) | set(share_cap):
        a, c = round(share_any[w] * SCALE), round(share_cap[w] * SCALE)
        if max(a, c) >= MIN_PER_10K:
            rows.append((w, a, c))
    rows.sort()
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("# Background document frequencies (per 10,000 documents) for the clusterer's IDF.\n")
        out.write("# Built by bench/cluster/background_df.py; sources equally weighted: " + ", ".join(counts) + ".\n")
        out.write("# word\tany case\tcapitalised\n")
        for w, a, c in rows:
            out.write(f"{w}\t{a}\t{c}\n")
    print(f"{len(rows)} rows -> {args.output}")


if __name__ == "__main__":
    main()
