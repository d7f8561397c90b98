#!/usr/bin/env python3
"""Where a process's resident memory is: runs a command and samples it.

    python3 bench/stream/rss.py [--every 0.25] [--smaps-every 2] [--out FILE.json] -- CMD ARGS...

Samples /proc/PID/status (VmRSS, RssAnon, RssFile, RssShmem) every
--every seconds and /proc/PID/smaps every --smaps-every seconds, grouping
resident pages by what they map: the heap and anonymous mappings, the
search index's files (`*.index/`), the SQLite database, its WAL and shared
memory, the program itself, other files. Prints, as JSON, the peak of each
status figure, the smaps breakdown at the sample with the highest RSS, the
peak of each smaps group, and (with --out) the whole timeline.

The command may be a wrapper (`/usr/bin/time -v -o F storyline ...`): the
sampled process is the last one down its chain of only children, so the
wrapper's own CPU and memory stay out of the figures.

GNU time's "maximum resident set size" counts file pages mapped into the
process (tantivy reads its segments through mmap) as well as the heap; this
tells the two apart. Linux only; stdlib only.
"""
import argparse
import json
import os
import subprocess
import sys
import time

STATUS_KEYS = ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM")


def status(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in STATUS_KEYS:
                    out[k] = int(v.split()[0]) // 1024  # MB
    except OSError:
        return None
    return out


def group_of(name):
    if not name:
        return "anon"
    if name in ("[heap]",) or name.startswith("[anon"):
        return "anon"
    if name.startswith("["):
        return "other"
    if ".index/" in name:
        return "search index (mmap)"
    if name.endswith("-shm"):
        return "sqlite shm"
    if name.endswith("-wal"):
        return "sqlite wal"
    if name.endswith(".db"):
        return "sqlite db"
    if "/storyline" in name or name.endswith("/storyline"):
        return "program"
    return "other files"


def smaps(pid):
    groups = {}
    name = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                if "-" in parts[0] and not parts[0].endswith(":"):
                    name = parts[5] if len(parts) >= 6 else ""
                elif parts[0] == "Rss:":
                    g = group_of(name)
                    groups[g] = groups.get(g, 0) + int(parts[1])
    except OSError:
        return None
    return {k: v // 1024 for k, v in groups.items()}


def leaf(pid):
    """The last process down a chain of only children (`time -v storyline ...` samples storyline)."""
    while True:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
        except OSError:
            return pid
        if len(kids) != 1:
            return pid
        pid = int(kids[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=float, default=0.25)
    ap.add_argument("--smaps-every", type=float, default=2.0)
    ap.add_argument("--out", help="write the summary and the timeline here (JSON)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        raise SystemExit("no command")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    peak = {}
    timeline = []
    best_smaps = None
    best_rss = -1
    peak_groups = {}
    last_smaps = -1e9
    while p.poll() is None:
        now = time.monotonic() - t0
        pid = leaf(p.pid)
        st = status(pid)
        if st:
            for k, v in st.items():
                peak[k] = max(peak.get(k, 0), v)
            row = {"t": round(now, 2), **st}
            take = now - last_smaps >= args.smaps_every or st.get("VmRSS", 0) > best_rss
            if take and now - last_smaps >= min(args.smaps_every, 0.5):
                sm = smaps(pid)
                last_smaps = now
                if sm:
                    row["smaps"] = sm
                    for k, v in sm.items():
                        peak_groups[k] = max(peak_groups.get(k, 0), v)
                    if st.get("VmRSS", 0) >= best_rss:
                        best_rss = st.get("VmRSS", 0)
                        best_smaps = {"t": round(now, 2), **st, "groups": sm}
            timeline.append(row)
        time.sleep(args.every)
    summary = {"cmd": cmd, "rc": p.returncode, "wall": round(time.monotonic() - t0, 2), "peak_status_mb": peak,
               "at_peak_rss": best_smaps, "peak_by_group_mb": peak_groups}
    print(json.dumps(summary), file=sys.stderr)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({**summary, "timeline": timeline}, f)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
