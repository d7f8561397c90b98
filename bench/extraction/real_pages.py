#!/usr/bin/env python3
"""One run, same pages: storyline vs trafilatura (main text) and htmldate
(publication dates) on the WCXB development split and the Zyte pages;
titles against WCXB's annotated title, with trafilatura's metadata as peer.

Every tool gets the same page bytes and no URL (as `storyline extract DIR`
reads pages from disk; a page's own canonical/og:url links are fair game
for every tool). Text is scored with ../shared/tools/score_extract.py
(WCXB bag-of-words F1; Zyte shingle F1). Dates are scored on WCXB article
pages whose annotated `published` is known: right (same day), missing
(no date given) or wrong. A title is right when it equals the annotated
one after lower-casing and folding punctuation runs to one space.

Timing: storyline is the wall and CPU (user + system, from the child's
rusage) time of `storyline extract DIR` (process start, reading, gunzip,
extraction and cleaning) divided by pages; trafilatura is timed inside
Python around its call only (wall and process CPU), htmldate likewise
(wall). CPU time is the fair column on a shared machine.

A shared machine's speed drifts by a fifth between passes, and not the same
way for both tools, so one pass can put the ratio anywhere from 4.6x to 5.9x.
`--rounds N` adds N more passes of both extractors, interleaved (storyline,
then trafilatura, per round), and prints each round's CPU ms/page and ratio
and their median.

Usage (from the repository root, after `cargo build --release`):
    pip install trafilatura htmldate lxml_html_clean
    python3 bench/extraction/real_pages.py [--out /tmp/real-pages] [--skip-peers] [--rounds 3]
"""
import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SHARED = Path("../shared")
WCXB = SHARED / "data/extraction/wcxb-dev"
ZYTE = SHARED / "data/extraction/zyte"
SCORER = SHARED / "tools/score_extract.py"


def pages(d):
    for p in sorted((d / "html").glob("*.html.gz")):
        yield p.name[: -len(".html.gz")], gzip.decompress(p.read_bytes())


def run_trafilatura_titles(d, out):
    """trafilatura's title (its metadata pass), untimed: the text timing above is the peer's speed."""
    from trafilatura import extract_metadata

    with open(out, "w") as f:
        for pid, raw in pages(d):
            try:
                m = extract_metadata(raw.decode("utf-8", "replace"))
                title = m.title if m else None
            except Exception:
                title = None
            f.write(json.dumps({"id": pid, "title": title}) + "\n")


def title_counts(truth, pred_path):
    """Share of pages whose title is the annotated one: (articles, other pages)."""
    import re

    norm = lambda s: re.sub(r"\W+", " ", (s or "").lower()).strip()
    pred = {r["id"]: r.get("title") for r in map(json.loads, open(pred_path))}
    right, n = {True: 0, False: 0}, {True: 0, False: 0}
    for t in truth:
        if not t.get("title"):
            continue
        art = t["page_type"] == "article"
        n[art] += 1
        right[art] += norm(pred.get(t["id"])) == norm(t["title"])
    return right[True] / n[True], right[False] / n[False], n[True], n[False]


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_storyline(binary, d, out):
    """Wall and CPU (user + system) seconds of one `storyline extract`."""
    t0, c0 = time.perf_counter(), child_cpu()
    subprocess.run([binary, "extract", str(d / "html"), "-o", str(out)], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, child_cpu() - c0


def run_trafilatura(d, out):
    import trafilatura

    total = cpu = 0.0
    with open(out, "w") as f:
        for pid, raw in pages(d):
            t0, c0 = time.perf_counter(), time.process_time()
            text = trafilatura.extract(raw) or ""
            total += time.perf_counter() - t0
            cpu += time.process_time() - c0
            f.write(json.dumps({"id": pid, "text": text}) + "\n")
    return total, cpu


def run_htmldate(d, ids, out):
    from htmldate import find_date

    total = 0.0
    with open(out, "w") as f:
        for pid, raw in pages(d):
            if pid not in ids:
                continue
            t0 = time.perf_counter()
            try:
                date = find_date(raw, original_date=True, outputformat="%Y-%m-%d")
            except Exception:
                date = None
            total += time.perf_counter() - t0
            f.write(json.dumps({"id": pid, "published": date}) + "\n")
    return total


def speed_rounds(binary, out, n_pages, rounds):
    """Interleaved passes of both extractors over every page: CPU ms/page each."""
    import statistics

    print()
    print(f"Speed, {rounds} interleaved rounds over the same {n_pages} pages (CPU ms/page):")
    print()
    print("| round | storyline | trafilatura 2.3.1 | ratio |")
    print("|---|---|---|---|")
    ratios = []
    for r in range(1, rounds + 1):
        ours = sum(run_storyline(binary, d, out / f"speed-storyline-{d.name}.jsonl")[1] for d in (WCXB, ZYTE))
        peer = sum(run_trafilatura(d, out / f"speed-trafilatura-{d.name}.jsonl")[1] for d in (WCXB, ZYTE))
        ratios.append(peer / ours)
        print(f"| {r} | {ours / n_pages * 1000:.2f} | {peer / n_pages * 1000:.2f} | {peer / ours:.2f}x |", flush=True)
    print(f"| median | | | {statistics.median(ratios):.2f}x |")


def score(truth, pred, extra=()):
    r = subprocess.run(
        [sys.executable, str(SCORER), str(truth), str(pred), "--bootstrap", "0", *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(r.stdout)


def headline(s):
    b = s.get("bag") or {}
    if "f1" in b:
        return b["f1"]
    return s["zyte"]["f1"]


def empty_preds(pred, ids):
    n = 0
    for line in open(pred):
        r = json.loads(line)
        if r["id"] in ids and not (r.get("text") or "").strip():
            n += 1
    seen = {json.loads(line)["id"] for line in open(pred)}
    return n + len(ids - seen)


def empty_by_kind(pred, truth):
    texts = {}
    for line in open(pred):
        r = json.loads(line)
        texts[r["id"]] = (r.get("text") or "").strip()
    out = {}
    for t in truth:
        if not texts.get(t["id"]):
            out[t["page_type"]] = out.get(t["page_type"], 0) + 1
    return out


def date_counts(truth_dates, pred_path):
    pred = {}
    for line in open(pred_path):
        r = json.loads(line)
        pred[r["id"]] = (r.get("published") or "")[:10] or None
    right = missing = wrong = 0
    wrong_ids = []
    for pid, gold in truth_dates.items():
        p = pred.get(pid)
        if p is None:
            missing += 1
        elif p == gold:
            right += 1
        else:
            wrong += 1
            wrong_ids.append((pid, gold, p))
    n = len(truth_dates)
    return {"n": n, "right": right / n, "missing": missing / n, "wrong": wrong / n}, wrong_ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--storyline", default="target/release/storyline")
    ap.add_argument("--out", default="/tmp/real-pages")
    ap.add_argument("--skip-peers", action="store_true", help="reuse the peers' outputs in --out")
    ap.add_argument("--rounds", type=int, default=0, help="interleaved speed rounds of both extractors after the run")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    truth = [json.loads(line) for line in open(WCXB / "truth.jsonl")]
    articles = {t["id"] for t in truth if t["page_type"] == "article"}
    all_ids = {t["id"] for t in truth}
    dated = {t["id"]: t["published"][:10] for t in truth if t["page_type"] == "article" and t.get("published")}
    zyte_ids = set(json.load(open(ZYTE / "ground-truth.json")))
    n_wcxb, n_zyte = len(all_ids), len(zyte_ids)

    rows = {}
    n_pages = n_wcxb + n_zyte
    (t, c), (tz, cz) = (run_storyline(args.storyline, WCXB, out / "storyline-wcxb.jsonl"),
                        run_storyline(args.storyline, ZYTE, out / "storyline-zyte.jsonl"))
    rows["storyline"] = (out / "storyline-wcxb.jsonl", out / "storyline-zyte.jsonl", (t + tz) / n_pages, (c + cz) / n_pages)
    timing = out / "peer-timing.json"
    if not args.skip_peers:
        t, c = run_trafilatura(WCXB, out / "trafilatura-wcxb.jsonl")
        tz, cz = run_trafilatura(ZYTE, out / "trafilatura-zyte.jsonl")
        th = run_htmldate(WCXB, set(dated), out / "htmldate-wcxb.jsonl")
        run_trafilatura_titles(WCXB, out / "trafilatura-titles.jsonl")
        json.dump({"trafilatura": (t + tz) / n_pages, "trafilatura_cpu": (c + cz) / n_pages, "htmldate": th / len(dated)}, open(timing, "w"))
    peer_ms = json.load(open(timing))
    rows["trafilatura 2.3.1"] = (out / "trafilatura-wcxb.jsonl", out / "trafilatura-zyte.jsonl",
                                 peer_ms["trafilatura"], peer_ms.get("trafilatura_cpu", float("nan")))

    kinds = ["article", "service", "documentation", "forum", "product", "collection", "listing"]
    print(f"| extractor | WCXB dev articles ({len(articles)}) | WCXB dev all ({n_wcxb}) | pages with no text | Zyte ({n_zyte}) | ms/page (wall) | CPU ms/page |")
    print("|---|---|---|---|---|---|---|")
    by_kind = {}
    for name, (w, z, sec, cpu) in rows.items():
        art = headline(score(WCXB / "truth.jsonl", w, ["--page-type", "article"]))
        alls = score(WCXB / "truth.jsonl", w, ["--by-type"])
        by_kind[name] = (alls["by_page_type"], empty_by_kind(w, truth))
        zy = headline(score(ZYTE / "ground-truth.json", z))
        print(f"| {name} | {art:.3f} | {headline(alls):.3f} | {empty_preds(w, all_ids)} | {zy:.3f} | {sec * 1000:.1f} | {cpu * 1000:.1f} |")
    print()
    print("Per page kind, WCXB dev bag F1 (precision / recall; pages with no text):")
    print()
    print("| extractor | " + " | ".join(f"{k} ({sum(t['page_type'] == k for t in truth)})" for k in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for name, (bt, empty) in by_kind.items():
        cells = [f"{bt[k]['f1']:.3f} ({bt[k]['precision']:.2f} / {bt[k]['recall']:.2f}; {empty.get(k, 0)})" for k in kinds]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print(f"Publication dates, WCXB dev articles with a known date ({len(dated)}):")
    print()
    print("| tool | right | missing | wrong | ms/page |")
    print("|---|---|---|---|---|")
    sd, swrong = date_counts(dated, out / "storyline-wcxb.jsonl")
    hd, _ = date_counts(dated, out / "htmldate-wcxb.jsonl")
    print(f"| storyline | {sd['right']:.1%} | {sd['missing']:.1%} | {sd['wrong']:.1%} | (in extract) |")
    print(f"| htmldate 1.11 (original_date=True) | {hd['right']:.1%} | {hd['missing']:.1%} | {hd['wrong']:.1%} | {peer_ms['htmldate'] * 1000:.1f} |")
    print()
    sa, so, na, no = title_counts(truth, out / "storyline-wcxb.jsonl")
    ta, to, _, _ = title_counts(truth, out / "trafilatura-titles.jsonl")
    print(f"Titles equal to the annotated one, WCXB dev ({na} articles, {no} other pages with a title):")
    print()
    print("| tool | articles | other pages |")
    print("|---|---|---|")
    print(f"| storyline | {sa:.1%} | {so:.1%} |")
    print(f"| trafilatura 2.3.1 (extract_metadata) | {ta:.1%} | {to:.1%} |")
    with open(out / "storyline-date-errors.jsonl", "w") as f:
        for pid, gold, p in swrong:
            f.write(json.dumps({"id": pid, "truth": gold, "storyline": p}) + "\n")
    if args.rounds > 0:
        speed_rounds(args.storyline, out, n_pages, args.rounds)


if __name__ == "__main__":
    main()
