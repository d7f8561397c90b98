#!/usr/bin/env python3
"""A stream that runs for years (issue 22): one store fed year after year.

Ingests, into ONE store, in this order:

  1. the seed dated 2021 (../shared/data/seeds-dated.jsonl),
  2. one generated batch per period (default: 100,000 articles for each of
     2022, 2023 and 2024), each batch's events dated within its own period,
  3. every other seed (the four dated 2025),

each step as its own `storyline ingest FILE --db DB` under GNU time
(`/usr/bin/time -v`), and records wall seconds, CPU seconds, microseconds per
article and peak RSS per step. After each step it also ingests ONE new
article (a "probe") and times that too: a one-article ingest pays for
opening the store and loading whatever state the clusterer keeps, so its
wall time and peak RSS show whether start-up cost grows with the archive.
At the end it asks `storyline show SEED_ID --json` for each seed (the story
that holds it) and says whether all five seeds ended in one story.

Batches come from bench/cluster/gen_corpus.py: the same source vocabulary
(ECB+ and GVA dev articles) with a different --seed per batch, so every
batch is new events; ids are prefixed per batch (`y2022a-g0000001`) so no
batch repeats another's ids. gen_corpus adds 0-6 days of publication lag to
an event date, so a batch's last articles may be dated in the first days of
the next period.

Usage (from the repository root):

    # the issue's run: 2021 seed, 3 x 100,000 (2022, 2023, 2024), 2025 seeds
    nice -n 5 python3 bench/stream/run.py --reuse

    # 1,000,000 generated articles over three years (12 batches of 83,334)
    nice -n 5 python3 bench/stream/run.py --years 2022-2024 --splits 4 --total 1000000 --reuse

    # quick end-to-end check
    python3 bench/stream/run.py --per-batch 2000

Options: --bin (default $STORYLINE, else $CARGO_TARGET_DIR/release/storyline,
else target/release/storyline), --per-batch N or --total N, --years LIST
(`2022,2023,2024`, `2017-2024`, or a mix), --splits K (K consecutive batches
per year), --work DIR (scratch, default /tmp/storyline-stream; the store is
WORK/store.db, removed at the start), --reuse (keep generated batches
between runs, cached by their parameters), --no-probe, --json FILE (all
figures), --md FILE (the table also written there).

Needs python3 (stdlib only) and GNU time at /usr/bin/time
(`apt-get install time`).
"""
import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GEN = os.path.join(ROOT, "bench", "cluster", "gen_corpus.py")
SEEDS = os.path.join(ROOT, "..", "shared", "data", "seeds-dated.jsonl")
GNU_TIME = "/usr/bin/time"
RSS = os.path.join(HERE, "rss.py")


def default_bin():
    if os.environ.get("STORYLINE"):
        return os.environ["STORYLINE"]
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    return os.path.join(target, "release", "storyline")


def parse_years(spec):
    years = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if b < a:
                raise SystemExit(f"--years: empty range {part}")
            years.extend(range(a, b + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.append(int(part))
        else:
            raise SystemExit(f"--years: cannot read {part!r} (want 2022,2023 or 2017-2024)")
    if years != sorted(years) or len(set(years)) != len(years):
        raise SystemExit("--years must be increasing, without repeats (a stream moves forward)")
    return years


def periods(years, splits):
    """[(label, start_date, days)]: `splits` consecutive periods per year."""
    out = []
    for y in years:
        first = dt.date(y, 1, 1)
        length = (dt.date(y + 1, 1, 1) - first).days
        for k in range(splits):
            a = length * k // splits
            b = length * (k + 1) // splits
            label = f"{y}" if splits == 1 else f"{y}{chr(ord('a') + k)}"
            out.append((label, first + dt.timedelta(days=a), b - a))
    return out


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def generate(work, label, start, days, n, seed, words, reuse):
    """One batch, cached as WORK/batches/<params>.jsonl. Returns (path, seconds, reused)."""
    bdir = os.path.join(work, "batches")
    os.makedirs(bdir, exist_ok=True)
    path = os.path.join(bdir, f"b{label}-{start.isoformat()}-d{days}-n{n}-s{seed}-w{words}.jsonl")
    if reuse and os.path.exists(path):
        return path, 0.0, True
    raw = path + ".raw"
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, GEN, "--n", str(n), "--seed", str(seed), "--words", str(words),
         "--start", start.isoformat(), "--days", str(days), "-o", raw],
        check=True,
    )
    prefix = f"y{label}-"
    tmp = path + ".tmp"
    with open(raw, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        for line in src:
            # gen_corpus writes {"id": "g0000001", ...}; make ids unique per batch.
            if line.startswith('{"id": "g'):
                line = '{"id": "' + prefix + line[len('{"id": "'):]
            else:
                rec = json.loads(line)
                rec["id"] = prefix + rec["id"]
                line = json.dumps(rec, ensure_ascii=False) + "\n"
            out.write(line)
    os.replace(tmp, path)
    os.remove(raw)
    return path, time.monotonic() - t0, False


def split_seeds(work):
    """seed-2021.jsonl (seeds dated 2021) and seeds-later.jsonl (every other seed)."""
    early, later = [], []
    with open(SEEDS, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            (early if str(rec.get("date", "")).startswith("2021") else later).append(rec)
    out = []
    for name, recs in (("seed-2021", early), ("seeds-later", later)):
        p = os.path.join(work, name + ".jsonl")
        with open(p, "w", encoding="utf-8") as o:
            for r in recs:
                o.write(json.dumps(r, ensure_ascii=False) + "\n")
        out.append((p, recs))
    return out


def make_probes(work, count, seed):
    """`count` generated articles, unrelated to every batch (own seed), as dicts."""
    p = os.path.join(work, f"probes-n{count}-s{seed}.jsonl")
    subprocess.run(
        [sys.executable, GEN, "--n", str(count), "--seed", str(seed), "--start", "2000-01-01",
         "--days", "30", "-o", p],
        check=True, stderr=subprocess.DEVNULL,
    )
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def store_bytes(db):
    """The database (with its WAL) and the search index directory beside it."""
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.path.getsize(db + suffix)
        except OSError:
            pass
    for dirpath, _, files in os.walk(db + ".index"):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def timed(cmd, prefix, sample=False):
    """Runs cmd under GNU time -v. Returns dict(wall, cpu, rss_mb, rc); with
    `sample`, also where the peak memory was (bench/stream/rss.py: heap
    against the search index's mapped files against SQLite's)."""
    tfile = prefix + ".time"
    full = [GNU_TIME, "-v", "-o", tfile] + cmd
    if sample:
        full = [sys.executable, RSS, "--out", prefix + ".rss.json", "--"] + full
    with open(prefix + ".stdout", "wb") as so, open(prefix + ".stderr", "wb") as se:
        rc = subprocess.run(full, stdout=so, stderr=se).returncode
    wall = cpu = rss = 0.0
    with open(tfile, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]
                s = 0.0
                for part in v.split(":"):
                    s = s * 60 + float(part)
                wall = s
            elif line.startswith("User time (seconds)") or line.startswith("System time (seconds)"):
                cpu += float(line.rsplit(": ", 1)[1])
            elif line.startswith("Maximum resident set size (kbytes)"):
                rss = int(line.rsplit(": ", 1)[1]) / 1024.0
    out = {"wall": wall, "cpu": cpu, "rss_mb": rss, "rc": rc}
    if sample:
        with open(prefix + ".rss.json", encoding="utf-8") as f:
            r = json.load(f)
        out["rss_detail"] = {"peak": r["peak_status_mb"], "at_peak": r["at_peak_rss"],
                             "peak_by_group": r["peak_by_group_mb"]}
    return out


def ingest_summary(prefix):
    """(new, duplicates, already) from ingest's summary line, if found."""
    text = ""
    for ext in (".stdout", ".stderr"):
        with open(prefix + ext, encoding="utf-8", errors="replace") as f:
            text += f.read()
    m = re.search(r"ingested (\d+) new articles? \((\d+) duplicates?", text)
    already = re.search(r"(\d+) already stored", text)
    if not m:
        return None, None, None
    return int(m.group(1)), int(m.group(2)), int(already.group(1)) if already else None


def mb(b):
    return b / (1024 * 1024)


def cpu_per_article(r):
    return r["cpu"] / max(r["articles"], 1)


def table(rows, probe_cols):
    """The markdown table of the steps so far."""
    b1 = next((r for r in rows if r["batch"] is not None), None)

    def ratio(r, key):
        if r["batch"] is None or not b1 or not b1[key]:
            return ""
        return f"{r[key] / b1[key]:.2f}"

    def cpu_ratio(r):
        if r["batch"] is None or not b1 or not b1["cpu"]:
            return ""
        return f"{cpu_per_article(r) / cpu_per_article(b1):.2f}"

    head = ["step", "articles", "store before MB (db + index)", "wall s", "CPU s", "us/article", "peak RSS MB",
            "us/article vs batch 1", "CPU/article vs batch 1", "RSS vs batch 1"]
    sampled = any("rss_detail" in r for r in rows)
    if sampled:
        head += ["of it heap MB (RssAnon)", "mapped files MB (RssFile)"]
    if probe_cols:
        head += ["1-article ingest after: wall s", "peak RSS MB", "store after MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["step"], f"{r['articles']:,}", f"{r['store_before_mb']:,.0f}", f"{r['wall']:.1f}",
                 f"{r['cpu']:.1f}", f"{r['us_per_article']:,.0f}", f"{r['rss_mb']:,.0f}",
                 ratio(r, "us_per_article"), cpu_ratio(r), ratio(r, "rss_mb")]
        if sampled:
            pk = r.get("rss_detail", {}).get("peak", {})
            cells += [f"{pk.get('RssAnon', 0):,}", f"{pk.get('RssFile', 0):,}"]
        if probe_cols:
            cells += [f"{r['probe_wall']:.2f}", f"{r['probe_rss_mb']:,.0f}", f"{r['store_after_mb']:,.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=default_bin())
    ap.add_argument("--per-batch", type=int, default=100000)
    ap.add_argument("--total", type=int, help="generated articles in all (overrides --per-batch; spread evenly)")
    ap.add_argument("--years", default="2022,2023,2024")
    ap.add_argument("--splits", type=int, default=1, help="batches per year (default 1)")
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--gen-seed", type=int, default=20251104, help="base generator seed; batch seed = base + 100*year + split")
    ap.add_argument("--work", default="/tmp/storyline-stream")
    ap.add_argument("--reuse", action="store_true", help="keep generated batches between runs")
    ap.add_argument("--no-probe", action="store_true", help="skip the one-article ingest after each step")
    ap.add_argument("--sample", action="store_true",
                    help="sample each ingest's memory (rss.py): peak heap vs mapped index/database files")
    ap.add_argument("--json", help="write all figures here")
    ap.add_argument("--md", help="also write the markdown table here")
    args = ap.parse_args()

    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"no storyline binary at {args.bin} (cargo build --release, or --bin / $STORYLINE)")
    if not os.access(GNU_TIME, os.X_OK):
        raise SystemExit("GNU time not found at /usr/bin/time (apt-get install time)")
    os.makedirs(args.work, exist_ok=True)
    years = parse_years(args.years)
    if args.splits < 1 or args.splits > 26:
        raise SystemExit("--splits must be 1..26")
    pers = periods(years, args.splits)
    period_of = {label: (start, days) for label, start, days in pers}
    if args.total:
        base, extra = divmod(args.total, len(pers))
        sizes = [base + (1 if i < extra else 0) for i in range(len(pers))]
    else:
        sizes = [args.per_batch] * len(pers)

    # Inputs.
    (seed_early, early_recs), (seed_later, later_recs) = split_seeds(args.work)
    seed_ids = [r["id"] for r in early_recs + later_recs]
    print(f"seeds: {len(early_recs)} dated 2021 ({', '.join(r['id'] + ' ' + r['date'] for r in early_recs)}) first; "
          f"{len(later_recs)} others ({', '.join(r['id'] + ' ' + str(r.get('date')) for r in later_recs)}) last",
          file=sys.stderr)
    steps = [("seed 2021", seed_early, len(early_recs), None)]
    gen_log = []
    for (label, start, days), n in zip(pers, sizes):
        k = 0 if len(label) == 4 else ord(label[4]) - ord("a")
        seed = args.gen_seed + 100 * int(label[:4]) + k
        print(f"generating batch {label}: {n} articles, events {start} + {days} days, seed {seed} ...",
              file=sys.stderr, flush=True)
        path, secs, reused = generate(args.work, label, start, days, n, seed, args.words, args.reuse)
        gen_log.append({"batch": label, "n": n, "seconds": round(secs, 1), "reused": reused, "path": path})
        print(f"  {'reused' if reused else f'{secs:.1f} s'}: {path}", file=sys.stderr, flush=True)
        steps.append((f"batch {label}", path, n, label))
    steps.append(("seeds " + ",".join(sorted({str(r.get('date', ''))[:4] for r in later_recs})), seed_later,
                  len(later_recs), None))
    probes = [] if args.no_probe else make_probes(args.work, len(steps), args.gen_seed + 7)

    # Fresh store.
    db = os.path.join(args.work, "store.db")
    for suffix in ("", "-wal", "-shm", "-journal", ".writer-lock"):
        try:
            os.remove(db + suffix)
        except OSError:
            pass
    shutil.rmtree(db + ".index", ignore_errors=True)
    logs = os.path.join(args.work, "logs")
    shutil.rmtree(logs, ignore_errors=True)
    os.makedirs(logs)

    rows = []
    for i, (name, path, n, label) in enumerate(steps):
        before = store_bytes(db)
        prefix = os.path.join(logs, f"{i:02d}-" + re.sub(r"[^A-Za-z0-9]+", "_", name))
        print(f"ingest {name}: {n} articles from {path} (store {mb(before):.0f} MB) ...", file=sys.stderr, flush=True)
        r = timed([args.bin, "ingest", path, "--db", db], prefix, args.sample)
        if r["rc"] != 0:
            raise SystemExit(f"ingest failed (exit {r['rc']}); see {prefix}.stderr")
        new, dups, already = ingest_summary(prefix)
        row = {"step": name, "articles": n, "new": new, "duplicates": dups, "already": already,
               "store_before_mb": mb(before), "wall": r["wall"], "cpu": r["cpu"], "rss_mb": r["rss_mb"],
               "us_per_article": r["wall"] / n * 1e6 if n else 0.0, "batch": label}
        if "rss_detail" in r:
            row["rss_detail"] = r["rss_detail"]
            pk = r["rss_detail"]["peak"]
            print(f"  peak heap (RssAnon) {pk.get('RssAnon', 0)} MB, mapped files (RssFile) {pk.get('RssFile', 0)} MB, "
                  f"by mapping {r['rss_detail']['peak_by_group']}", file=sys.stderr, flush=True)
        print(f"  {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, peak RSS {r['rss_mb']:.0f} MB; "
              f"new {new}, duplicates {dups}, already stored {already}", file=sys.stderr, flush=True)
        if probes:
            p = dict(probes[i])
            p["id"] = f"probe-after-{i:02d}"
            # dated just after what the step fed, so it arrives in order
            if label is not None:
                start, days = period_of[label]
                p["date"] = (start + dt.timedelta(days=days + 6)).isoformat()
            else:
                p["date"] = max(str(x.get("date") or "") for x in (early_recs if i == 0 else later_recs))
            ppath = prefix + ".probe.jsonl"
            with open(ppath, "w", encoding="utf-8") as o:
                o.write(json.dumps(p, ensure_ascii=False) + "\n")
            pr = timed([args.bin, "ingest", ppath, "--db", db], prefix + ".probe")
            if pr["rc"] != 0:
                raise SystemExit(f"probe ingest failed; see {prefix}.probe.stderr")
            row["probe_wall"], row["probe_cpu"], row["probe_rss_mb"] = pr["wall"], pr["cpu"], pr["rss_mb"]
            row["store_after_mb"] = mb(store_bytes(db))
            print(f"  one-article ingest after it: {pr['wall']:.2f} s wall, peak RSS {pr['rss_mb']:.0f} MB "
                  f"(store {row['store_after_mb']:.0f} MB)", file=sys.stderr, flush=True)
        rows.append(row)
        # Save the figures so far after every step: a long stream (hours) that is
        # stopped or crashes still leaves its per-step numbers.
        partial = f"(partial: {i + 1} of {len(steps)} steps done; load {open('/proc/loadavg').read().split()[0]})"
        if args.md:
            with open(args.md, "w", encoding="utf-8") as f:
                f.write(table(rows, not args.no_probe) + "\n\n" + partial + "\n")
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump({"bin": args.bin, "years": years, "splits": args.splits, "sizes": sizes,
                           "generation": gen_log, "steps": rows, "partial": True}, f, indent=1)

    # Read side: stories, and the story of each seed.
    prefix = os.path.join(logs, "stories")
    st = timed([args.bin, "stories", "--db", db, "--json"], prefix)
    n_stories = None
    if st["rc"] == 0:
        try:
            with open(prefix + ".stdout", encoding="utf-8") as f:
                n_stories = len(json.load(f))
        except ValueError:
            pass
    seed_story = {}
    show_times = []
    for sid in seed_ids:
        prefix = os.path.join(logs, "show-" + sid)
        r = timed([args.bin, "show", sid, "--db", db, "--json"], prefix)
        show_times.append(r)
        if r["rc"] != 0:
            seed_story[sid] = None
            continue
        with open(prefix + ".stdout", encoding="utf-8") as f:
            obj = json.load(f)
        seed_story[sid] = {"story": obj.get("id"), "articles": obj.get("articles_total"),
                           "events": len(obj.get("events") or [])}
    labels = [v["story"] if v else None for v in seed_story.values()]
    one_story = None not in labels and len(set(labels)) == 1

    # Report.
    b1 = next((r for r in rows if r["batch"] is not None), None)
    batches = [r for r in rows if r["batch"] is not None]
    out = [table(rows, not args.no_probe), ""]
    if len(batches) >= 2:
        last = batches[-1]
        tr = last["us_per_article"] / b1["us_per_article"]
        cr = cpu_per_article(last) / cpu_per_article(b1)
        mr = last["rss_mb"] / b1["rss_mb"]
        # CPU time is the fair measure on a shared machine: wall time
        # includes waiting for a core.
        out.append(f"last batch ({last['step']}) vs first ({b1['step']}): CPU time per article x{cr:.2f} "
                   f"({'within' if cr <= 1.15 else 'NOT within'} 15%; wall x{tr:.2f}), peak RSS x{mr:.2f} "
                   f"({'within' if mr <= 1.10 else 'NOT within'} 10%)")
    desc = ", ".join(f"{sid} -> {v['story']} ({v['articles']} articles, {v['events']} events)" if v else f"{sid} -> ?"
                     for sid, v in seed_story.items())
    out.append(f"seeds in one story: {'yes' if one_story else 'no'} (stories: {desc})")
    out.append(f"stories --json: {st['wall']:.2f} s wall, peak RSS {st['rss_mb']:.0f} MB, {n_stories} stories; "
               f"show SEED --json: {max(t['wall'] for t in show_times):.2f} s wall at most, "
               f"peak RSS {max(t['rss_mb'] for t in show_times):.0f} MB at most")
    out.append(f"load average at the end: {open('/proc/loadavg').read().split()[0]}")
    text = "\n".join(out)
    print(text)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"bin": args.bin, "years": years, "splits": args.splits, "sizes": sizes,
                       "generation": gen_log, "steps": rows, "stories": st, "n_stories": n_stories,
                       "seed_story": seed_story, "seeds_in_one_story": one_story}, f, indent=1)


if __name__ == "__main__":
    main()
