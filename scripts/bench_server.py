#!/usr/bin/env python3
"""Benchmark `guidekit serve` against its references on this machine, in one run:

  decide    wrk at a fixed concurrency against POST /v1/decide, and against nginx serving a static JSON
            file of the same size (requests/s, p50, p99, and the ratio of the rates);
  events    accepted events/s in batches of 100 over HTTP, and the same rows inserted into SQLite from
            one process in one transaction (the store's limit), with the ratio;
  memory    the server's peak RSS with 100,000 stored users (and --users-big, default 0, more).

With --database postgres://… (a server and a database to connect to first; the benchmark creates and
drops a database of its own there), the store is PostgreSQL and it measures instead, with one and with two
instances on the one database:

  decide    wrk against each instance at once (requests/s summed, p50/p99 of each);
  events    accepted events/s in batches of 100 from 4 clients spread over the instances, against
            pgbench inserting the same rows (100 per transaction, 4 clients) into the same table: the limit;
  report    guidekit report --database over --report-events generated guide events, beside the same
            report of the export saved as a file.

Needs wrk and nginx (apt-get install wrk nginx) and a built guidekit (--binary, default: the release
build at .build/release/guidekit). Prints the figures and the machine's load.
"""
import argparse
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "sk_bench"
DECIDE_BODY = {"user": {"id": "u_0000042"}, "context": {"page": "/home"}}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", f"Bearer {SECRET}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as response:
        return response.status, response.read()


def wait_ready(port, process):
    for _ in range(600):
        if process.poll() is not None:
            sys.exit("the server exited while starting")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the server did not start")


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wrk(url, script, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url],
        capture_output=True, text=True, check=True).stdout
    rate = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])
    def latency(label):
        line = next(l for l in out.splitlines() if l.strip().startswith(label))
        value = line.split()[1]
        unit = 1e-3 if value.endswith("us") else (1.0 if value.endswith("ms") else 1000.0)
        return float(value.rstrip("usm")) * unit
    non2xx = [l for l in out.splitlines() if "Non-2xx" in l]
    return rate, latency("50%"), latency("99%"), non2xx


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/guidekit"))
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database", help="postgres://… to benchmark the PostgreSQL store instead of SQLite")
    parser.add_argument("--report-events", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.database:
        return bench_postgres(args)
    for tool in ["wrk", "nginx"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk nginx")
    work = tempfile.mkdtemp(prefix="guidekit-bench-")
    database = os.path.join(work, "bench.sqlite")
    port, server = start_instance(args.binary, database, work, "sqlite")
    print(f"load before: {os.getloadavg()}")

    started = time.time()
    sent = load_users(port, args.users)
    print(f"loaded {args.users} users ({sent} events) in {time.time() - started:.1f}s from one client")

    # Events/s in batches of 100 from 4 concurrent clients.
    rate, accepted = events_rate([port], args.users, "sqlite", one_user_per_batch=True)
    rows = [(f"x-{i}", f"u_{i % args.users:07d}", 1795500000.0, "track", None, None, None, None, "task_completed",
             json.dumps({"type": "track", "event": "task_completed", "user": f"u_{i:07d}", "ts": "2026-11-24T10:00:00Z"}))
            for i in range(accepted)]
    reference = sqlite3.connect(os.path.join(work, "reference.sqlite"))
    reference.execute("PRAGMA journal_mode=WAL")
    reference.execute("PRAGMA synchronous=FULL")
    reference.execute("CREATE TABLE event (sequence INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                      "user TEXT NOT NULL, time REAL NOT NULL, type TEXT NOT NULL, guide TEXT, version INTEGER, "
                      "step TEXT, variant TEXT, name TEXT, line TEXT NOT NULL)")
    started = time.time()
    with reference:
        reference.executemany("INSERT INTO event (id, user, time, type, guide, version, step, variant, name, line) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    sqlite_rate = len(rows) / (time.time() - started)
    print(f"events: {rate:,.0f}/s over HTTP in batches of 100 (4 clients); SQLite one transaction "
          f"{sqlite_rate:,.0f} rows/s; ratio {rate / sqlite_rate:.1%}")

    # decide vs nginx serving a static file of the same size.
    _, answer = post(port, "/v1/decide", DECIDE_BODY)
    _, [decide] = decide_rate([port], work, args.seconds, args.connections)
    static = os.path.join(work, "www")
    os.makedirs(static)
    with open(os.path.join(static, "decision.json"), "wb") as handle:
        handle.write(answer)
    nginx_port = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as handle:
        handle.write(f"""worker_processes 1; daemon off; pid {work}/nginx.pid; error_log {work}/nginx.err;
events {{ worker_connections 1024; }}
http {{ access_log off; server {{ listen 127.0.0.1:{nginx_port}; root {static};
  location / {{ default_type application/json; }} }} }}
""")
    nginx = subprocess.Popen(["nginx", "-c", conf, "-p", work])
    time.sleep(1)
    get_script = os.path.join(work, "get.lua")
    with open(get_script, "w") as handle:
        handle.write('wrk.method = "GET"\n')
    reference_rate = wrk(f"http://127.0.0.1:{nginx_port}/decision.json", get_script, args.seconds, args.connections)
    nginx.terminate()
    print(f"decide: {decide[0]:,.0f} req/s, p50 {decide[1]:.2f} ms, p99 {decide[2]:.2f} ms {decide[3]}")
    print(f"nginx ({len(answer)} bytes static): {reference_rate[0]:,.0f} req/s, p50 {reference_rate[1]:.2f} ms, "
          f"p99 {reference_rate[2]:.2f} ms")
    print(f"decide / nginx: {decide[0] / reference_rate[0]:.1%}")
    print(f"peak RSS with {args.users:,} users: {peak_rss_kib(server.pid) / 1024:.0f} MiB")
    print(f"load after: {os.getloadavg()}")
    server.terminate()
    server.wait()


def psql(url, sql):
    return subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def load_users(port, users):
    """Users with progress (guide_started and step_viewed each), sent in batches of 100 events; the events sent."""
    batch, sent = [], 0
    for index in range(users):
        user = f"u_{index:07d}"
        for kind, step in [("guide_started", None), ("step_viewed", "welcome")]:
            event = {"type": kind, "user": user, "guide": "welcome-tour", "version": 3,
                     "ts": "2026-11-23T10:00:%02dZ" % (1 if step else 0), "id": f"{user}-{kind}"}
            if step:
                event["step"] = step
            batch.append(event)
        if len(batch) >= 100:
            post(port, "/v1/events", {"events": batch})
            sent, batch = sent + len(batch), []
    if batch:
        post(port, "/v1/events", {"events": batch})
        sent += len(batch)
    return sent


def start_instance(binary, database, work, name):
    port = free_port()
    env = dict(os.environ, GUIDEKIT_SECRET_KEY=SECRET, GUIDEKIT_LOG_LEVEL="warning")
    log = open(os.path.join(work, f"{name}.log"), "w")
    process = subprocess.Popen(
        [binary, "serve", "--guides", os.path.join(ROOT, "guides"), "--database", database,
         "--port", str(port), "--reload-interval", "0"]
        + (["--database-pool-size", "8"] if database.startswith("postgres") else []),
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    wait_ready(port, process)
    return port, process


def events_rate(ports, users, tag, clients=4, batches=50, one_user_per_batch=False):
    """Accepted events/s in batches of 100 from `clients` threads spread over the instances, and how many.

    A batch holds events of 100 users, or of one user with `one_user_per_batch` (the SQLite figures so far)."""
    def user(offset, b, i):
        return (offset * 1000 + b) % users if one_user_per_batch else (offset * 7919 + b * 100 + i) % users

    def client(offset, results):
        port = ports[offset % len(ports)]
        for b in range(batches):
            events = [{"type": "track", "event": "task_completed",
                       "user": f"u_{user(offset, b, i):07d}",
                       "ts": "2026-11-24T10:00:00Z", "id": f"bench-{tag}-{offset}-{b}-{i}"} for i in range(100)]
            _, body = post(port, "/v1/events", {"events": events})
            results.append(json.loads(body)["accepted"])
    results, threads = [], []
    started = time.time()
    for offset in range(clients):
        thread = threading.Thread(target=client, args=(offset, results))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return sum(results) / (time.time() - started), sum(results)


def decide_rate(ports, work, seconds, connections):
    """wrk against every instance at once; the rates summed."""
    script = os.path.join(work, "decide.lua")
    with open(script, "w") as handle:
        handle.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
                     'wrk.headers["Authorization"] = "Bearer %s"\n' % (json.dumps(json.dumps(DECIDE_BODY)), SECRET))
    results = [None] * len(ports)
    def run(index):
        results[index] = wrk(f"http://127.0.0.1:{ports[index]}/v1/decide", script, seconds,
                             max(1, connections // len(ports)))
    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(ports))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(r[0] for r in results), results


def bench_postgres(args):
    for tool in ["wrk", "psql", "pgbench"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk postgresql-client")
    work = tempfile.mkdtemp(prefix="guidekit-bench-pg-")
    name = f"guidekit_bench_{os.getpid()}"
    psql(args.database, f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(args.database)
    database = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    processes = []
    try:
        print(f"load before: {os.getloadavg()}")
        port, process = start_instance(args.binary, database, work, "one")
        processes.append(process)
        started = time.time()
        sent = load_users(port, args.users)
        print(f"loaded {args.users} users ({sent} events) in {time.time() - started:.1f}s from one client")

        one_events, _ = events_rate([port], args.users, "one")
        one_decide, one_detail = decide_rate([port], work, args.seconds, args.connections)
        second_port, second = start_instance(args.binary, database, work, "two")
        processes.append(second)
        two_events, _ = events_rate([port, second_port], args.users, "two")
        two_decide, two_detail = decide_rate([port, second_port], work, args.seconds, args.connections)

        script = os.path.join(work, "insert.sql")
        line = json.dumps({"type": "track", "event": "task_completed", "user": "u_0000001",
                           "ts": "2026-11-24T10:00:00Z", "id": "pgbench"}).replace("'", "''")
        with open(script, "w") as handle:
            handle.write("INSERT INTO guidekit_event (id, user_id, time, type, name, line) "
                         "SELECT 'pgb-' || gen_random_uuid(), 'u_' || lpad((random() * %d)::int::text, 7, '0'), "
                         "1795500000, 'track', 'task_completed', '%s' FROM generate_series(1, 100);\n"
                         % (args.users, line))
        out = subprocess.run(["pgbench", "-n", "-f", script, "-c", "4", "-j", "2", "-T", str(args.seconds), database],
                             capture_output=True, text=True, check=True).stdout
        tps = float(next(l for l in out.splitlines() if l.startswith("tps")).split()[2])
        limit = tps * 100

        print(f"events, 1 instance: {one_events:,.0f}/s in batches of 100 (4 clients)")
        print(f"events, 2 instances: {two_events:,.0f}/s (4 clients spread over both)")
        print(f"pgbench, the same rows, 100 per transaction, 4 clients: {limit:,.0f} rows/s")
        print(f"events / pgbench: 1 instance {one_events / limit:.1%}, 2 instances {two_events / limit:.1%}")
        for label, rate, detail in [("1 instance", one_decide, one_detail), ("2 instances", two_decide, two_detail)]:
            each = ", ".join(f"p50 {r[1]:.2f} ms p99 {r[2]:.2f} ms{' ' + str(r[3]) if r[3] else ''}" for r in detail)
            print(f"decide, {label}: {rate:,.0f} req/s ({each})")
        for index, process in enumerate(processes):
            print(f"peak RSS of instance {index + 1}: {peak_rss_kib(process.pid) / 1024:.0f} MiB")
        sizes = psql(database, "SELECT pg_total_relation_size('guidekit_event') / greatest(count(*), 1), "
                     "(SELECT pg_total_relation_size('guidekit_user') / greatest(count(*), 1) FROM guidekit_user) "
                     "FROM guidekit_event")
        event_bytes, user_bytes = sizes.split("|")
        print(f"on disk, indexes included: {event_bytes} bytes per event, {user_bytes} bytes per user")
        for process in processes:
            process.terminate()
            process.wait()
        processes = []

        if args.report_events:
            started = time.time()
            psql(database, f"""
                INSERT INTO guidekit_event (id, user_id, time, type, guide, version, step, line)
                SELECT 'r' || n, 'r_' || (n / 4), 1795428000 + n % 4, kind, 'welcome-tour', 3, step,
                       '{{"type":"' || kind || '","user":"r_' || (n / 4) || '","guide":"welcome-tour","version":3,'
                       || coalesce('"step":"' || step || '",', '') || '"ts":"2026-11-23T10:00:0' || n % 4
                       || 'Z","id":"r' || n || '"}}'
                FROM (SELECT n, (ARRAY['guide_started','step_viewed','step_completed','step_viewed'])[n % 4 + 1] AS kind,
                             (ARRAY[NULL,'welcome','welcome','sidebar'])[n % 4 + 1] AS step
                      FROM generate_series(0, {args.report_events - 1}) AS n) AS g""")
            total = int(psql(database, "SELECT count(*) FROM guidekit_event"))
            print(f"report: {total:,} stored events ({args.report_events:,} generated in {time.time() - started:.0f}s)")
            started = time.time()
            subprocess.run([args.binary, "report", "--database", database, "--guides", os.path.join(ROOT, "guides"),
                            "--format", "json", "-o", os.path.join(work, "report-db.json")], check=True, cwd=ROOT)
            from_db = time.time() - started
            export = os.path.join(work, "export.jsonl")
            port, process = start_instance(args.binary, database, work, "export")
            processes.append(process)
            request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/events/export",
                                             headers={"Authorization": f"Bearer {SECRET}"})
            with urllib.request.urlopen(request, timeout=600) as response, open(export, "wb") as handle:
                shutil.copyfileobj(response, handle, 1 << 20)
            started = time.time()
            subprocess.run([args.binary, "report", "export.jsonl", "--guides", os.path.join(ROOT, "guides"),
                            "--format", "json", "-o", "report-file.json"], check=True, cwd=work)
            from_file = time.time() - started
            same = open(os.path.join(work, "report-db.json"), "rb").read() == \
                open(os.path.join(work, "report-file.json"), "rb").read()
            print(f"report --database: {from_db:.1f}s; report export.jsonl ({os.path.getsize(export) / 1e6:.0f} MB): "
                  f"{from_file:.1f}s; identical: {same}")
        print(f"load after: {os.getloadavg()}")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        psql(args.database, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
