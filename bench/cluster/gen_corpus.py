#!/usr/bin/env python3
"""Generate a large JSONL corpus of ~300-word news articles for throughput runs.

Articles are recombined from the sentences of the real development articles
(../shared/data/events/ecbplus-dev.jsonl and gva-dev.jsonl). Generated
articles are grouped into synthetic events: every synthetic event draws its
sentences from one source event (and, to reach the target length, from other
events of the same source corpus, like the background paragraphs of a real
report), gets an event date spread over two years, and 1 to ~20 articles
published within a few days of it. So the clusterer does realistic work:
many similar-but-different events (the same source event is reused with
other dates and other sentence mixes), real vocabulary, real noise.

Deterministic: the same --seed and --n give byte-identical output.

Output (one line per article, publication order NOT sorted, like a crawl):
    {"id": "g0000001", "title": "...", "text": "...", "date": "2025-03-14",
     "source": "outlet-17"}
With --gold FILE also writes {"id", "event", "topic"} per article (the
synthetic event, and the source corpus as topic) for score_events.py; the
corpus itself carries no gold field.

Usage:
    python3 bench/cluster/gen_corpus.py --n 100000 -o /tmp/gen100k.jsonl
    python3 bench/cluster/gen_corpus.py --n 10000 -o /tmp/gen10k.jsonl --gold /tmp/gen10k.gold.jsonl
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCES = [
    os.path.join(HERE, "..", "..", "..", "shared", "data", "events", "ecbplus-dev.jsonl"),
    os.path.join(HERE, "..", "..", "..", "shared", "data", "events", "gva-dev.jsonl"),
]

# Split after . ! ? (optionally followed by a closing quote) and whitespace,
# or at paragraph breaks. Crude, but the recombined text stays readable.
SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d]?\s+(?=[A-Z\"'\u201c0-9])|\n\s*\n|\n")


def sentences(text):
    out = []
    for s in SENT_SPLIT.split(text):
        s = s.strip()
        if len(s.split()) >= 4:
            out.append(s)
    return out


def load(paths):
    """Returns a list of (corpus_name, event_key, [sentences], [titles])."""
    events = {}
    order = []
    for path in paths:
        name = os.path.basename(path).split(".")[0]
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                r = json.loads(line)
                key = (name, str(r.get("event")))
                if key not in events:
                    events[key] = ([], [])
                    order.append(key)
                sents, titles = events[key]
                sents.extend(sentences(r.get("text") or ""))
                if r.get("title"):
                    titles.append(r["title"].strip())
    return [(k[0], k[1], events[k][0], events[k][1]) for k in order if events[k][0]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100000, help="articles to generate (default 100000)")
    ap.add_argument("--seed", type=int, default=20251104)
    ap.add_argument("--words", type=int, default=300, help="target words per article (default 300)")
    ap.add_argument("--start", default="2024-01-01", help="first event date")
    ap.add_argument("--days", type=int, default=730, help="event dates spread over this many days")
    ap.add_argument("--source", action="append", help="source JSONL (repeatable; default ecbplus-dev + gva-dev)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--gold", help="also write synthetic gold labels here")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    src = load(args.source or DEFAULT_SOURCES)
    by_corpus = {}
    for i, (corpus, _, _, _) in enumerate(src):
        by_corpus.setdefault(corpus, []).append(i)
    start = dt.date.fromisoformat(args.start)

    out = open(args.output, "w", encoding="utf-8")
    gold = open(args.gold, "w", encoding="utf-8") if args.gold else None
    written = 0
    n_events = 0
    deck = []
    while written < args.n:
        if not deck:  # every source event is used once per pass, in a new order
            deck = list(range(len(src)))
            rng.shuffle(deck)
        si = deck.pop()
        corpus, _, sents, titles = src[si]
        n_events += 1
        event_label = f"g{n_events}"
        event_date = start + dt.timedelta(days=rng.randrange(args.days))
        # Event sizes: many small events, a long tail of big ones (mean ~5).
        size = min(1 + int(rng.expovariate(1 / 4.0)), 40, args.n - written)
        # Each synthetic event uses its own subset of the source sentences
        # (so two reuses of one source event are similar but not identical).
        own = sents[:]
        rng.shuffle(own)
        own = own[: max(4, int(len(own) * 0.7))]
        others = by_corpus[corpus]
        for _ in range(size):
            written += 1
            words = 0
            body = []
            pool = own[:]
            rng.shuffle(pool)
            # Lead with 60-90% own-event sentences, fill with background.
            target_own = args.words * rng.uniform(0.6, 0.9)
            while pool and words < target_own:
                s = pool.pop()
                body.append(s)
                words += len(s.split())
            guard = 0
            while words < args.words and guard < 200:
                guard += 1
                o = src[others[rng.randrange(len(others))]][2]
                s = o[rng.randrange(len(o))]
                body.append(s)
                words += len(s.split())
            # Paragraphs of 2-4 sentences.
            paras, k = [], 0
            while k < len(body):
                step = rng.randint(2, 4)
                paras.append(" ".join(body[k : k + step]))
                k += step
            title = titles[rng.randrange(len(titles))] if titles else body[0][:90]
            date = event_date + dt.timedelta(days=min(int(rng.expovariate(1 / 1.0)), 6))
            rec = {
                "id": f"g{written:07d}",
                "title": title,
                "text": "\n\n".join(paras),
                "date": date.isoformat(),
                "source": f"outlet-{rng.randrange(200)}",
            }
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if gold:
                gold.write(json.dumps({"id": rec["id"], "event": event_label, "topic": corpus}) + "\n")
    out.close()
    if gold:
        gold.close()
    print(f"wrote {written} articles in {n_events} synthetic events from {len(src)} source events to {args.output}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
