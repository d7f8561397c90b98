#!/usr/bin/env python3
"""The scikit-learn baseline of issue 3: TF-IDF + agglomerative clustering.

TF-IDF (sublinear tf, English stop words, title + text) and
AgglomerativeClustering(linkage="average", cosine distance,
distance_threshold=T, n_clusters=None): what a user would do instead of
storyline, and a batch method that sees all documents at once.

Cosine distances are computed from the sparse TF-IDF matrix by scikit-learn
(`cosine_distances`) and passed as a precomputed matrix: the linkage needs
all n*(n-1)/2 distances, so memory is O(n^2) (about 20 bytes per pair with
scikit-learn's copies: ~0.5 GB at 5k articles, ~2 GB at 10k, ~8 GB at 20k,
~200 GB at 100k). It cannot run on the 100k corpus; --max-docs refuses
sizes above a limit instead of swapping the machine to death.

Usage:
    sklearn_peer.py INPUT.jsonl [--threshold T] [-o PRED.jsonl]
    sklearn_peer.py INPUT.jsonl --tune GOLD.jsonl [--grid 0.50:0.99:0.01]

Prints predicted labels as JSONL ({"id", "event"}) to -o (or stdout) and,
on stderr, one JSON line with the timings:
    {"peer": "sklearn-tfidf-agglomerative", "n": N, "threshold": T,
     "wall_s": ..., "vectorize_s": ..., "cluster_s": ..., "n_clusters": K,
     "peak_rss_mb": ...}
wall_s counts reading the JSONL, vectorising and clustering (not Python
start-up nor writing the output).

--tune GOLD sweeps the threshold over --grid, scores each with
../shared/tools/score_events.py and reports the best B-cubed F1 (one JSON
line per threshold on stderr, and the best on stdout).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCORER = os.path.join(HERE, "..", "..", "..", "shared", "tools", "score_events.py")

# The ECB+-tuned threshold (cosine distance) from `--tune` on ecbplus-dev;
# see BENCHMARKS.md for the sweep that chose it.
DEFAULT_THRESHOLD = 0.86


def read_jsonl(path):
    ids, docs = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not r.get("id") or not (r.get("text") or r.get("html")):
                continue
            ids.append(str(r["id"]))
            docs.append(((r.get("title") or "") + "\n" + (r.get("text") or r.get("html") or "")))
    return ids, docs


def vectorize(docs):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32).fit_transform(docs)


def distances(X):
    from sklearn.metrics.pairwise import cosine_distances

    D = cosine_distances(X)
    D[D < 0] = 0.0
    return D


def agglomerate(D, threshold):
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    return model.fit_predict(D)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_labels(path, ids, labels):
    fh = open(path, "w", encoding="utf-8") if path and path != "-" else sys.stdout
    for i, l in zip(ids, labels):
        fh.write(json.dumps({"id": i, "event": f"e{int(l)}"}) + "\n")
    if fh is not sys.stdout:
        fh.close()


def score(gold, ids, labels):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as tmp:
        for i, l in zip(ids, labels):
            tmp.write(json.dumps({"id": i, "event": f"e{int(l)}"}) + "\n")
        name = tmp.name
    try:
        out = subprocess.run([sys.executable, SCORER, gold, name], check=True, capture_output=True, text=True)
    finally:
        os.unlink(name)
    return json.loads(out.stdout)


def grid(spec):
    lo, hi, step = (float(x) for x in spec.split(":"))
    out, k = [], 0
    while lo + k * step <= hi + 1e-9:
        out.append(round(lo + k * step, 4))
        k += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                    help=f"cosine distance threshold (default {DEFAULT_THRESHOLD}, tuned on ecbplus-dev)")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--tune", metavar="GOLD", help="sweep thresholds, score against GOLD, report the best")
    ap.add_argument("--grid", default="0.50:0.99:0.01", help="LO:HI:STEP for --tune")
    ap.add_argument("--max-docs", type=int, default=20000,
                    help="refuse inputs larger than this (O(n^2) memory; default 20000)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    ids, docs = read_jsonl(args.input)
    n = len(ids)
    if n > args.max_docs:
        need_gb = n * (n - 1) / 2 * 20 / 1e9
        print(json.dumps({"peer": "sklearn-tfidf-agglomerative", "n": n, "error":
                          f"refused: average-linkage agglomerative needs all pairwise distances, "
                          f"~{need_gb:.0f} GB for {n} articles (limit --max-docs {args.max_docs})"}),
              file=sys.stderr)
        sys.exit(3)
    X = vectorize(docs)
    t1 = time.perf_counter()
    D = distances(X)
    t2 = time.perf_counter()

    if args.tune:
        results = []
        for t in grid(args.grid):
            labels = agglomerate(D, t)
            s = score(args.tune, ids, labels)
            row = {"threshold": t, "n_clusters": int(labels.max()) + 1, **{k: s["event"][k] for k in
                   ("b3_p", "b3_r", "b3_f1", "pw_p", "pw_r", "pw_f1", "ari")}}
            results.append(row)
            print(json.dumps(row), file=sys.stderr)
        best = max(results, key=lambda r: r["b3_f1"])
        print(json.dumps({"peer": "sklearn-tfidf-agglomerative", "input": args.input, "n": n, "best": best}))
        return

    labels = agglomerate(D, args.threshold)
    t3 = time.perf_counter()
    write_labels(args.output, ids, labels)
    print(json.dumps({
        "peer": "sklearn-tfidf-agglomerative", "input": args.input, "n": n, "threshold": args.threshold,
        "wall_s": round(t3 - t0, 3), "vectorize_s": round(t1 - t0, 3), "cluster_s": round(t3 - t1, 3),
        "articles_per_s": round(n / (t3 - t0), 1), "n_clusters": int(labels.max()) + 1,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }), file=sys.stderr)


if __name__ == "__main__":
    main()
