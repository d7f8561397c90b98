#!/usr/bin/env python3
"""Inputs for the peak-memory check of issue 21: a feed of 100,000 items
and a 15 MB plain-text file. Deterministic (seeded); writes to DIR.

    python3 bench/memory/gen.py DIR
"""
import os
import random
import sys

WORDS = (
    "council harbour storm ferry minister budget school road power coast vote court police "
    "river bridge market price union strike hospital doctor nurse farmer rain wind fire "
    "village city north south east west monday tuesday wednesday said told reported new old"
).split()
NAMES = ["Karsvik", "Haldvik", "Velmora", "Ostrand", "Brenna", "Tollan", "Maren Eik", "Jonas Hale"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    return " ".join(words).capitalize() + "."


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    rng = random.Random(21)
    items = 100_000
    with open(os.path.join(out, "feed-100k.rss"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bench Daily</title>\n')
        for i in range(items):
            day = 1 + i % 28
            f.write(
                f"<item><title>{sentence(rng, 5)}</title><link>https://bench.example/{i}</link>"
                f"<pubDate>Mon, {day:02d} Dec 2025 10:00:00 GMT</pubDate>"
                f"<description>{sentence(rng, 12)}</description></item>\n"
            )
        f.write("</channel></rss>\n")
    target = 15 * 1000 * 1000
    with open(os.path.join(out, "text-15mb.txt"), "w") as f:
        size = 0
        while size < target:
            para = " ".join(sentence(rng, rng.randrange(8, 20)) for _ in range(rng.randrange(3, 7))) + "\n\n"
            f.write(para)
            size += len(para)


if __name__ == "__main__":
    main()
