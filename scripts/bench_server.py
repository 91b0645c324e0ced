#!/usr/bin/env python3
"""Benchmark `guidekit serve` against its references on this machine, in one run:

  decide    wrk at a fixed concurrency against POST /v1/decide, and against nginx serving a static JSON
            file of the same size (requests/s, p50, p99, and the ratio of the rates);
  events    accepted events/s in batches of 100 over HTTP, and the same rows inserted into SQLite from
            one process in one transaction (the store's limit), with the ratio;
  memory    the server's peak RSS with 100,000 stored users (and --users-big, default 0, more).

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
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET = "sk_bench"


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
    args = parser.parse_args()
    for tool in ["wrk", "nginx"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk nginx")
    work = tempfile.mkdtemp(prefix="guidekit-bench-")
    database = os.path.join(work, "bench.sqlite")
    port = free_port()
    env = dict(os.environ, GUIDEKIT_SECRET_KEY=SECRET, GUIDEKIT_LOG_LEVEL="warning")
    server = subprocess.Popen(
        [args.binary, "serve", "--guides", os.path.join(ROOT, "guides"), "--database", database,
         "--port", str(port), "--reload-interval", "0"], env=env, cwd=ROOT)
    wait_ready(port, server)
    print(f"load before: {os.getloadavg()}")

    # Users with progress: identify + a few guide events each, in batches of 100 events.
    started = time.time()
    batch = []
    sent = 0
    for index in range(args.users):
        user = f"u_{index:07d}"
        for kind, step in [("guide_started", None), ("step_viewed", "welcome")]:
            event = {"type": kind, "user": user, "guide": "welcome-tour", "version": 3,
                     "ts": "2026-11-23T10:00:%02dZ" % (1 if step else 0), "id": f"{user}-{kind}"}
            if step:
                event["step"] = step
            batch.append(event)
        if len(batch) >= 100:
            post(port, "/v1/events", {"events": batch})
            sent += len(batch)
            batch = []
    if batch:
        post(port, "/v1/events", {"events": batch})
        sent += len(batch)
    load_seconds = time.time() - started
    print(f"loaded {args.users} users ({sent} events) in {load_seconds:.1f}s from one client")

    # Events/s in batches of 100 from 4 concurrent clients.
    def client(offset, count, results):
        for b in range(count):
            events = [{"type": "track", "event": "task_completed", "user": f"u_{(offset * 1000 + b) % args.users:07d}",
                       "ts": "2026-11-24T10:00:00Z", "id": f"bench-{offset}-{b}-{i}"} for i in range(100)]
            status, body = post(port, "/v1/events", {"events": events})
            results.append(json.loads(body)["accepted"])
    results, threads = [], []
    started = time.time()
    for offset in range(4):
        thread = threading.Thread(target=client, args=(offset, 50, results))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    events_rate = sum(results) / (time.time() - started)
    rows = [(f"x-{i}", f"u_{i % args.users:07d}", 1795500000.0, "track", None, None, None, None, "task_completed",
             json.dumps({"type": "track", "event": "task_completed", "user": f"u_{i:07d}", "ts": "2026-11-24T10:00:00Z"}))
            for i in range(sum(results))]
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
    print(f"events: {events_rate:,.0f}/s over HTTP in batches of 100 (4 clients); SQLite one transaction "
          f"{sqlite_rate:,.0f} rows/s; ratio {events_rate / sqlite_rate:.1%}")

    # decide vs nginx serving a static file of the same size.
    body = {"user": {"id": "u_0000042"}, "context": {"page": "/home"}}
    _, answer = post(port, "/v1/decide", body)
    script = os.path.join(work, "decide.lua")
    with open(script, "w") as handle:
        handle.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
                     'wrk.headers["Authorization"] = "Bearer %s"\n' % (json.dumps(json.dumps(body)), SECRET))
    decide = wrk(f"http://127.0.0.1:{port}/v1/decide", script, args.seconds, args.connections)
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


if __name__ == "__main__":
    main()
