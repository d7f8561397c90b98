#!/usr/bin/env python3
"""How far one online pass over plain TF-IDF can go on each event corpus,
at the threshold that suits that corpus best (an oracle: the threshold is
read off the corpus's own labels, so these are ceilings, not results).

Issue 16 compares storyline, trained without a corpus, with TF-IDF +
agglomerative clustering at a threshold tuned on ECB+. This asks what the
representation itself allows: the same TF-IDF as the peer (scikit-learn,
sublinear tf, English stop words, title + text), clustered the way
storyline clusters, one article at a time in input order, each joining the
event whose summed unit vectors (centroid) it is most similar to, or
opening a new one below a cosine threshold. IDF either over the whole
corpus (as the peer sees it) or running (only the articles seen so far, as
an online system must). No dates, names or learned weights.

    python3 bench/cluster/online_ceiling.py [CORPUS.jsonl ...]

Default corpora: ecbplus-dev and meantime-dev (gva-dev's 5,258 articles
and ~3,000 events make this pure-Python pass take hours per threshold).

Scores with ../shared/tools/score_events.py (B3 F1). Prints a markdown
table: per corpus and IDF, the best threshold on a grid and its B3 F1 with
the event count.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

from sklearn.feature_extraction.text import CountVectorizer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "data", "events")
SCORER = os.path.join(HERE, "..", "..", "..", "shared", "tools", "score_events.py")
GRID = [round(0.10 + 0.02 * i, 2) for i in range(21)]  # 0.10 .. 0.50


def read(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def online(counts, threshold, running):
    """Event label per row: single pass, centroid of unit TF-IDF vectors."""
    n_docs, n_terms = counts.shape
    df_all = (counts > 0).sum(axis=0).A1
    df_seen = [0] * n_terms
    centroids, labels = [], []
    for i in range(n_docs):
        row = counts.getrow(i)
        terms, tf = row.indices, row.data
        if running:
            for t in terms:
                df_seen[t] += 1
            idf = [math.log((1 + i + 1) / (1 + df_seen[t])) + 1 for t in terms]
        else:
            idf = [math.log((1 + n_docs) / (1 + df_all[t])) + 1 for t in terms]
        vec = {t: (1 + math.log(c)) * w for t, c, w in zip(terms, tf, idf)}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        best, best_sim = -1, -1.0
        for k, (cen, cen_norm) in enumerate(centroids):
            sim = sum(v * cen.get(t, 0.0) for t, v in vec.items()) / cen_norm
            if sim > best_sim:
                best, best_sim = k, sim
        if best >= 0 and best_sim >= threshold:
            cen = centroids[best][0]
            for t, v in vec.items():
                cen[t] = cen.get(t, 0.0) + v
            centroids[best] = (cen, math.sqrt(sum(v * v for v in cen.values())))
            labels.append(best)
        else:
            centroids.append((dict(vec), 1.0))
            labels.append(len(centroids) - 1)
    return labels


def b3(gold_path, rows, labels):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for r, label in zip(rows, labels):
            fh.write(json.dumps({"id": r["id"], "event": label}) + "\n")
        pred = fh.name
    try:
        out = subprocess.run([sys.executable, SCORER, gold_path, pred], capture_output=True, text=True, check=True)
    finally:
        os.unlink(pred)
    ev = json.loads(out.stdout)["event"]
    return ev["b3_f1"], ev["n_pred_clusters"]


def main():
    paths = sys.argv[1:] or [os.path.join(DATA, c + ".jsonl") for c in ("ecbplus-dev", "meantime-dev")]
    print("| corpus | IDF | best threshold | B3 F1 | events (gold) |")
    print("|---|---|---|---|---|")
    for path in paths:
        rows = read(path)
        texts = [(r.get("title") or "") + "\n" + (r.get("text") or "") for r in rows]
        counts = CountVectorizer(stop_words="english").fit_transform(texts).tocsr()
        n_gold = len({str(r["event"]) for r in rows})
        for running in (False, True):
            best = max((b3(path, rows, online(counts, t, running)) + (t,) for t in GRID), key=lambda s: s[0])
            name = os.path.basename(path)[: -len(".jsonl")]
            idf = "running" if running else "whole corpus"
            print(f"| {name} | {idf} | {best[2]:.2f} | {best[0]:.3f} | {best[1]} ({n_gold}) |", flush=True)


if __name__ == "__main__":
    main()
