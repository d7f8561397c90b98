#!/usr/bin/env python3
"""Distributed ingest throughput: `storyline publish` + W `storyline worker`s
into PostgreSQL, W = 1, 2, 4, against the embedded `storyline ingest`.

    STORYLINE=/work/target-dist/release/storyline N=2000 python3 bench/distributed/run.py

Needs PostgreSQL and NATS (STORYLINE_PG_URL, STORYLINE_NATS_URL or the
local defaults) and psql. Each run uses a fresh schema and stream, dropped
afterwards. Reports wall seconds from the workers' start until the last
article is stored, articles/s, and CPU seconds spent by the workers, by
PostgreSQL backends and by nats-server over the run (from /proc), which
say where the time goes.
"""
import json, os, subprocess, sys, tempfile, time, uuid

BIN = os.environ.get("STORYLINE", "target/release/storyline")
N = int(os.environ.get("N", "2000"))
PG = os.environ.get("STORYLINE_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
NATS = os.environ.get("STORYLINE_NATS_URL", "nats://127.0.0.1:4222")
WORKERS = [int(w) for w in os.environ.get("WORKERS", "1 2 4").split()]
SRC = os.environ.get("SRC", os.path.join(os.path.dirname(__file__), "../../../shared/data/events/gva-dev.jsonl"))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(names):
    """CPU seconds (user+system) of live processes with these names."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read()
        except OSError:
            continue
        name = st[st.index("(") + 1 : st.rindex(")")]
        if any(name.startswith(n) for n in names):
            fields = st[st.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def psql(url, sql):
    return subprocess.run(["psql", url.split("?")[0], "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


def load():
    return open("/proc/loadavg").read().split()[0]


def main():
    tmp = tempfile.mkdtemp()
    corpus = os.path.join(tmp, "corpus.jsonl")
    with open(SRC) as f, open(corpus, "w") as out:
        for i, line in enumerate(f):
            if i >= N:
                break
            out.write(line)
    rows = []
    # Embedded reference.
    db = os.path.join(tmp, "e.db")
    t = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%U %S", BIN, "ingest", corpus, "--db", db], capture_output=True, text=True, check=True)
    wall = time.time() - t
    u, s = r.stderr.strip().splitlines()[-1].split()
    stories = json.loads(subprocess.run([BIN, "stories", "--db", db, "--json"], capture_output=True, text=True, check=True).stdout)
    expected = sum(x["articles"] for x in stories)
    rows.append(dict(mode="embedded SQLite ingest", stored=expected, workers=1, wall=wall, rate=N / wall, worker_cpu=float(u) + float(s), pg_cpu=0.0, nats_cpu=0.0, publish=0.0, load=load()))
    print(rows[-1], flush=True)
    for w in WORKERS:
        tag = uuid.uuid4().hex[:10]
        schema, stream = f"bench_{tag}", f"bench_{tag}"
        url = f"{PG}?schema={schema}"
        try:
            t = time.time()
            subprocess.run([BIN, "publish", corpus, "--nats", NATS, "--stream", stream], check=True, capture_output=True)
            publish = time.time() - t
            # Create the schema first so the count below can run at once.
            subprocess.run([BIN, "stories", "--db", url], check=True, capture_output=True)
            pg0, nats0 = cpu_of(["postgres"]), cpu_of(["nats-server"])
            t = time.time()
            procs = [subprocess.Popen(["/usr/bin/time", "-f", "%U %S", BIN, "worker", "--db", url, "--nats", NATS, "--stream", stream, "--until-idle", "2"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(w)]
            deadline = time.time() + 600
            while int(psql(PG, f"SELECT COUNT(*) FROM {schema}.articles") or 0) < expected:
                assert time.time() < deadline, "workers did not finish"
                time.sleep(0.05)
            wall = time.time() - t
            pg_cpu, nats_cpu = cpu_of(["postgres"]) - pg0, cpu_of(["nats-server"]) - nats0
            cpu = 0.0
            logs = []
            for p in procs:
                _, err = p.communicate(timeout=120)
                lines = err.strip().splitlines()
                u, s = lines[-1].split()
                cpu += float(u) + float(s)
                logs += [l for l in lines if l.startswith("worker done")]
            rows.append(dict(mode="publish + workers", workers=w, wall=wall, rate=N / wall, worker_cpu=cpu, pg_cpu=pg_cpu, nats_cpu=nats_cpu, publish=publish, load=load(), logs=logs))
            print(rows[-1], flush=True)
        finally:
            subprocess.run(["psql", PG, "-qAtc", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)
            delete_stream(stream)
    print(json.dumps(rows, indent=1))


def delete_stream(name):
    """$JS.API.STREAM.DELETE.<name> over a plain NATS connection."""
    import socket
    host, port = NATS.split("://")[1].split(":")
    s = socket.create_connection((host, int(port)))
    s.recv(4096)
    s.sendall(f"CONNECT {{\"verbose\":false}}\r\nSUB _INBOX.del 1\r\nPUB $JS.API.STREAM.DELETE.{name} _INBOX.del 0\r\n\r\nPING\r\n".encode())
    time.sleep(0.3)
    s.close()


if __name__ == "__main__":
    main()
