#!/usr/bin/env python3
"""datasketch peer for `cargo xtask dedup-bench`.

Reads corpus.jsonl (one article per line: id, text with paragraphs separated
by a blank line, in arrival order) and finds duplicates the usual datasketch
way: MinHash (num_perm permutations) of the same word shingles storyline
uses (NFKC, lower case, punctuation folded, repeated paragraphs once,
British/American spelling folded, k-word shingles inside paragraphs), a
MinHashLSH index at the same Jaccard threshold, each article queried before
it is inserted, candidates confirmed by estimated Jaccard >= threshold, and
each duplicate pointed at the original of its best match.

With `--thresholds 0.2,0.3,...` the MinHashes are computed once and the
LSH pass is run at each threshold, so the caller can report datasketch at
its best threshold.

Prints one JSON object: {"tool", "version", "seconds", "articles",
"original_of": {id: original id}, "runs": [{"threshold", "seconds",
"b_r", "original_of"}]} (the top-level fields are the first run's).
`seconds` covers shingling, MinHash and LSH (what storyline's timing
covers), not reading the file.
"""
import argparse
import json
import sys
import time
import unicodedata

try:
    import datasketch
    from datasketch import MinHash, MinHashLSH
except ImportError:
    sys.exit("datasketch is not installed: pip install datasketch")

SPELLING_TABLE = {
    "ageing": "aging", "catalogue": "catalog", "catalogues": "catalogs", "defence": "defense",
    "defences": "defenses", "dialogue": "dialog", "dialogues": "dialogs", "grey": "gray",
    "judgement": "judgment", "judgements": "judgments", "licence": "license", "licences": "licenses",
    "offence": "offense", "offences": "offenses", "pretence": "pretense", "programme": "program",
    "programmes": "programs", "tyre": "tire", "tyres": "tires",
}
# (British suffix, American suffix, shortest word), in the order storyline tries them.
SUFFIXES = [
    ("isations", "izations", 9), ("isation", "ization", 8), ("ising", "izing", 7), ("ised", "ized", 6),
    ("ises", "izes", 6), ("isers", "izers", 7), ("iser", "izer", 6), ("ise", "ize", 6),
    ("ysing", "yzing", 7), ("ysed", "yzed", 6), ("yse", "yze", 6), ("ourable", "orable", 9),
    ("ouring", "oring", 8), ("oured", "ored", 7), ("ourite", "orite", 8), ("ours", "ors", 6),
    ("our", "or", 5), ("elling", "eling", 8), ("elled", "eled", 7), ("ellers", "elers", 8),
    ("eller", "eler", 7), ("tres", "ters", 6), ("tre", "ter", 5),
]


def normalize(text):
    out, word = [], []
    for c in unicodedata.normalize("NFKC", text):
        if c.isalnum():
            word.append(c.lower())
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def fold(word):
    if len(word) < 4 or not word.isascii():
        return word
    if word in SPELLING_TABLE:
        return SPELLING_TABLE[word]
    for uk, us, min_len in SUFFIXES:
        if len(word) >= min_len and word.endswith(uk):
            return word[: len(word) - len(uk)] + us
    return word


def shingles(text, k):
    seen, out = set(), set()
    for para in text.split("\n\n"):
        words = normalize(para)
        if not words:
            continue
        key = " ".join(words)
        if key in seen:
            continue
        seen.add(key)
        words = [fold(w) for w in words]
        if len(words) < k:
            out.add(" ".join(words).encode())
        else:
            for i in range(len(words) - k + 1):
                out.add(" ".join(words[i : i + k]).encode())
    return out


def run_lsh(docs, sketches, threshold, num_perm):
    """Query-then-insert in arrival order; a duplicate points at the
    original of its most similar earlier article."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    original_of = {}
    for d in docs:
        m = sketches.get(d["id"])
        if m is None:
            continue
        best, best_j = None, -1.0
        for cand in lsh.query(m):
            j = m.jaccard(sketches[cand])
            if j >= threshold and (j > best_j or (j == best_j and cand < best)):
                best, best_j = cand, j
        if best is not None:
            original_of[d["id"]] = original_of.get(best, best)
        lsh.insert(d["id"], m)
    return original_of, (list(lsh.b_r) if hasattr(lsh, "b_r") else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--thresholds", default="",
                    help="comma-separated Jaccard thresholds to sweep (the MinHashes are computed once); "
                         "default: --threshold only")
    ap.add_argument("--shingle-words", type=int, default=5)
    ap.add_argument("--num-perm", type=int, default=128)
    args = ap.parse_args()
    docs = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    thresholds = [float(t) for t in args.thresholds.split(",") if t.strip()] or [args.threshold]

    start = time.perf_counter()
    sketches = {}
    for d in docs:
        sh = shingles(d["text"], args.shingle_words)
        if not sh:
            continue
        m = MinHash(num_perm=args.num_perm, seed=1)
        m.update_batch(list(sh))
        sketches[d["id"]] = m
    minhash_seconds = time.perf_counter() - start

    runs = []
    for t in thresholds:
        start = time.perf_counter()
        original_of, b_r = run_lsh(docs, sketches, t, args.num_perm)
        runs.append({"threshold": t, "seconds": minhash_seconds + time.perf_counter() - start,
                     "b_r": b_r, "original_of": original_of})

    json.dump({"tool": "datasketch", "version": datasketch.__version__, "articles": len(docs),
               "minhash_seconds": minhash_seconds, "seconds": runs[0]["seconds"],
               "original_of": runs[0]["original_of"], "runs": runs}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
