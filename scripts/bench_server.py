#!/usr/bin/env python3
"""Benchmark `guidekit serve` against its references on this machine, in one run:

  seeding   --users users (and --users-big for the memory figure) are written into the SQLite file directly:
            two template users are made over HTTP, so their rows are the server's own, then copied with SQL.
            Even ids are new trial owners whom decide shows the welcome tour's current step; odd ids have no
            attributes and are shown nothing. Every user has the welcome tour in progress (2 events).
  decide    wrk at a fixed concurrency against POST /v1/decide, each request for a random stored user, and
            against nginx serving two static JSON files of the two answers' sizes in the same mix (requests/s,
            p50, p99, and the ratio of the rates). Two answers are first checked against `guidekit simulate`.
  events    accepted events/s in batches of 100 over HTTP from 4 clients (bodies encoded before the clock starts,
            one kept-alive connection each): one user per batch (the web SDK's shape) and 100 users per batch;
            against the same rows inserted into a SQLite file with the store's event table and indexes from one
            process in one transaction (the store's limit), with the ratio.
  memory    the server's peak RSS with --users stored users after all of the above, and with --users-big
            (default 1,000,000) after a decide run over them.
  ceiling   with --ceiling, also the framework alone: scripts/bench/hummingbird-ceiling (Hummingbird, the
            version the server uses, answering the same decide requests with constant bodies of the two
            sizes; no store, no middleware), built in release the first time (minutes), run like decide.

With --database postgres://… (a server and a database to connect to first; the benchmark creates and
drops a database of its own there), the store is PostgreSQL and it measures instead, with one and with two
instances on the one database:

  decide    wrk against each instance at once (requests/s summed, p50/p99 of each);
  events    accepted events/s in batches of 100 from 4 clients spread over the instances, against
            pgbench inserting the same rows (100 per transaction, 4 clients) into the same table: the limit;
  report    guidekit report --database over --report-events generated guide events, beside the same
            report of the export saved as a file.

Needs wrk and nginx (apt-get install wrk nginx) and a built guidekit (--binary, default: the release
build at .build/release/guidekit). Prints the figures, the command and the machine's load (uptime).
"""
import argparse
import http.client
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
    parser.add_argument("--warmup", type=int, default=5, help="seconds of decide before each measured decide run")
    parser.add_argument("--database", help="postgres://… to benchmark the PostgreSQL store instead of SQLite")
    parser.add_argument("--users-big", type=int, default=1_000_000,
                        help="a second store this large for peak RSS and decide (0: skip)")
    parser.add_argument("--report-events", type=int, default=1_000_000)
    parser.add_argument("--ceiling", action="store_true",
                        help="also measure Hummingbird alone on the same requests (scripts/bench/hummingbird-ceiling)")
    args = parser.parse_args()
    if args.database:
        return bench_postgres(args)
    for tool in ["wrk", "nginx"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install wrk nginx")
    work = tempfile.mkdtemp(prefix="guidekit-bench-")
    try:
        bench_sqlite(args, work)
    finally:
        # A million users' store is about a gigabyte.
        shutil.rmtree(work, ignore_errors=True)


def bench_sqlite(args, work):
    print(f"command: {' '.join(sys.argv)}")
    print(f"load before: {uptime()}")
    database = os.path.join(work, "bench.sqlite")
    started = time.time()
    templates = seed_sqlite(args.binary, database, work, args.users)
    print(f"seeded {args.users:,} users ({args.users * 2:,} events) into the SQLite file in {time.time() - started:.0f}s; "
          f"even ids: {templates['shown']}, odd ids: {templates['none']}")
    port, server = start_instance(args.binary, database, work, "sqlite")
    check_against_simulate(args.binary, port, work)

    # Events/s in batches of 100 from 4 concurrent clients: one user per batch (the web SDK's shape) and 100
    # users per batch (a backend's shape).
    one_rate, one_accepted = events_rate([port], args.users, "one", one_user_per_batch=True)
    many_rate, many_accepted = events_rate([port], args.users, "many")
    sqlite_rate = sqlite_reference(database, work, one_accepted + many_accepted, args.users)

    # decide (random users, half of them shown a guide) against nginx serving static files of the answers' sizes.
    sizes = decide_sizes(port)
    decide_rate([port], work, args.warmup, args.connections, args.users)  # warm-up, not counted
    (decide,) = decide_rate([port], work, args.seconds, args.connections, args.users)[1]
    reference_rate = nginx_rate(work, sizes, args.seconds, args.connections, args.users)
    ceiling = ceiling_rate(work, sizes, args) if args.ceiling else None
    rss_small = peak_rss_kib(server.pid)
    server.terminate()
    server.wait()

    big = None
    if args.users_big:
        big_database = os.path.join(work, "big.sqlite")
        started = time.time()
        seed_sqlite(args.binary, big_database, work, args.users_big)
        seeded = time.time() - started
        big_port, big_server = start_instance(args.binary, big_database, work, "big")
        decide_rate([big_port], work, args.warmup, args.connections, args.users_big)  # warm-up, not counted
        (big_decide,) = decide_rate([big_port], work, args.seconds, args.connections, args.users_big)[1]
        big = (seeded, big_decide, peak_rss_kib(big_server.pid))
        big_server.terminate()
        big_server.wait()

    print()
    print(f"events, one user per batch of 100 (4 clients): {one_rate:,.0f}/s; "
          f"100 users per batch: {many_rate:,.0f}/s")
    print(f"SQLite, the same rows into the store's event table and indexes, one transaction: {sqlite_rate:,.0f} rows/s")
    print(f"events / SQLite: one user per batch {one_rate / sqlite_rate:.1%}, 100 users per batch {many_rate / sqlite_rate:.1%}")
    print(f"decide ({args.connections} connections, after a {args.warmup}s warm-up, a random user of {args.users:,} per "
          f"request, even ids shown "
          f"{templates['shown']} in {sizes['shown']} bytes, odd ids none in {sizes['none']} bytes): "
          f"{decide[0]:,.0f} req/s, p50 {decide[1]:.2f} ms, p99 {decide[2]:.2f} ms {decide[3] or ''}")
    print(f"nginx (static files of the same two sizes, the same mix): {reference_rate[0]:,.0f} req/s, "
          f"p50 {reference_rate[1]:.2f} ms, p99 {reference_rate[2]:.2f} ms")
    print(f"decide / nginx: {decide[0] / reference_rate[0]:.1%}")
    if ceiling:
        print(f"Hummingbird alone (the same requests, constant answers of the two sizes, no store, no middleware): "
              f"{ceiling[0]:,.0f} req/s, p50 {ceiling[1]:.2f} ms, p99 {ceiling[2]:.2f} ms "
              f"({ceiling[0] / reference_rate[0]:.1%} of nginx); decide / Hummingbird alone: {decide[0] / ceiling[0]:.1%}")
    print(f"peak RSS with {args.users:,} users (after every run above): {rss_small / 1024:.0f} MiB")
    if big:
        seeded, big_decide, rss = big
        print(f"{args.users_big:,} users (seeded in {seeded:.0f}s): decide {big_decide[0]:,.0f} req/s, "
              f"p50 {big_decide[1]:.2f} ms, p99 {big_decide[2]:.2f} ms ({big_decide[0] / reference_rate[0]:.1%} of nginx); "
              f"peak RSS {rss / 1024:.0f} MiB")
    print(f"load after: {uptime()}")


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def seed_sqlite(binary, database, work, users):
    """Fills a store file with `users` users, each with a welcome-tour in progress (guide_started, step_viewed).

    Two template users are made over HTTP (so their rows are what the server writes), then copied with SQL:
    even ids are new owners on a trial (the welcome tour's audience), odd ids have no attributes. Returns what
    the templates are."""
    port, server = start_instance(binary, database, work, "seed")
    now = time.time()
    iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    templates = {"shown": "u_T000000", "none": "u_T000001"}
    post(port, "/v1/identify", {"user": {"id": templates["shown"], "attributes": {
        "signed_up_at": iso(now - 86400), "role": "owner", "plan": "trial"}}})
    for user in templates.values():
        post(port, "/v1/events", {"events": [
            {"type": "guide_started", "user": user, "guide": "welcome-tour", "version": 3, "ts": iso(now - 3600),
             "id": f"{user}-guide_started"},
            {"type": "step_viewed", "user": user, "guide": "welcome-tour", "version": 3, "step": "welcome",
             "ts": iso(now - 3599), "id": f"{user}-step_viewed"}]})
    server.terminate()
    server.wait()
    db = sqlite3.connect(database)
    rows = {}
    for parity, user in enumerate([templates["shown"], templates["none"]]):
        state, through = db.execute("SELECT state, appliedThrough FROM user WHERE id = ?", (user,)).fetchone()
        events = db.execute("SELECT id, user, time, type, guide, version, step, variant, name, line FROM event "
                            "WHERE user = ? ORDER BY sequence", (user,)).fetchall()
        rows[parity] = (user, state, through, events)
    db.execute("DELETE FROM event")
    db.execute("DELETE FROM user")

    def users_rows():
        for index in range(users):
            template, state, through, _ = rows[index % 2]
            yield f"u_{index:07d}", state.replace(template, f"u_{index:07d}"), through

    def events_rows():
        for index in range(users):
            template, _, _, events = rows[index % 2]
            user = f"u_{index:07d}"
            for event in events:
                yield tuple(value.replace(template, user) if isinstance(value, str) else value for value in event)
    with db:
        db.executemany("INSERT INTO user (id, state, appliedThrough) VALUES (?, ?, ?)", users_rows())
        db.executemany("INSERT INTO event (id, user, time, type, guide, version, step, variant, name, line) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events_rows())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"shown": "the welcome tour's current step (new trial owners)", "none": "nothing (no attributes)"}


def check_against_simulate(binary, port, work):
    """decide answers as `guidekit simulate --user … --format json` does, for a shown and a not-shown user."""
    for user in ["u_0000000", "u_0000001"]:
        _, answer = post(port, "/v1/decide", {"user": {"id": user}, "context": {"page": "/home"}})
        decision = json.loads(answer)["decision"]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/users/{user}",
                                         headers={"Authorization": f"Bearer {SECRET}"})
        state = json.loads(urllib.request.urlopen(request, timeout=60).read())
        state_path = os.path.join(work, f"{user}.json")
        with open(state_path, "w") as handle:
            json.dump(state, handle)
        simulated = json.loads(subprocess.run(
            [binary, "simulate", "--guides", os.path.join(ROOT, "guides"), "--user", state_path, "--page", "/home",
             "--format", "json"], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        if (simulated.get("decision") if "decision" in simulated else simulated) != decision and \
                not (decision is None and (simulated.get("decision") or {}).get("guide") is None):
            sys.exit(f"decide for {user} differs from simulate: {decision} vs {simulated}")


def decide_sizes(port):
    """The size of the decide answer for a shown (even) and a not-shown (odd) user."""
    sizes = {}
    for key, user in [("shown", "u_0000000"), ("none", "u_0000001")]:
        _, answer = post(port, "/v1/decide", {"user": {"id": user}, "context": {"page": "/home"}})
        sizes[key] = len(answer)
    if sizes["shown"] <= sizes["none"]:
        sys.exit(f"the even users should be shown a guide: answers of {sizes} bytes")
    return sizes


def ceiling_rate(work, sizes, args):
    """The framework's ceiling: scripts/bench/hummingbird-ceiling answering the same decide requests (same wrk
    script, warm-up, time and connections) with constant bodies of the answers' sizes."""
    package = os.path.join(ROOT, "scripts", "bench", "hummingbird-ceiling")
    subprocess.run(["swift", "build", "-c", "release", "--package-path", package], check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(package, ".build", "release", "HummingbirdCeiling")
    port = free_port()
    process = subprocess.Popen([binary, str(port), str(sizes["shown"]), str(sizes["none"])],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        decide_rate([port], work, args.warmup, args.connections, args.users)  # warm-up, not counted
        (result,) = decide_rate([port], work, args.seconds, args.connections, args.users)[1]
        if result[3]:
            sys.exit(f"the ceiling server refused requests: {result[3]}")
        return result
    finally:
        process.terminate()
        process.wait()


def nginx_rate(work, sizes, seconds, connections, users):
    """nginx serving two static JSON files of the decide answers' sizes, chosen as decide's users are."""
    static = os.path.join(work, "www")
    os.makedirs(static, exist_ok=True)
    for key, size in sizes.items():
        with open(os.path.join(static, f"{key}.json"), "wb") as handle:
            handle.write(b'{"pad":"' + b"x" * (size - 11) + b'"}\n')
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
    script = os.path.join(work, "get.lua")
    with open(script, "w") as handle:
        handle.write('wrk.method = "GET"\n'
                     'request = function()\n'
                     '  local index = math.random(0, %d)\n'
                     '  return wrk.format(nil, index %% 2 == 0 and "/shown.json" or "/none.json")\n'
                     'end\n' % (users - 1))
    try:
        return wrk(f"http://127.0.0.1:{nginx_port}/", script, seconds, connections)
    finally:
        nginx.terminate()
        nginx.wait()


def sqlite_reference(database, work, count, users):
    """Rows/s inserting `count` event rows into a SQLite file with the store's event table and indexes, in one
    transaction from one process (synchronous = FULL, WAL, as the store runs)."""
    source = sqlite3.connect(database)
    schema = [sql for (sql,) in source.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'event' AND sql IS NOT NULL ORDER BY type DESC")]
    source.close()
    rows = [(f"x-{i}", f"u_{i % users:07d}", 1795500000.0, "track", None, None, None, None, "task_completed",
             json.dumps({"type": "track", "event": "task_completed", "user": f"u_{i % users:07d}",
                         "ts": "2026-11-24T10:00:00Z", "id": f"x-{i}"}))
            for i in range(count)]
    reference = sqlite3.connect(os.path.join(work, "reference.sqlite"))
    reference.execute("PRAGMA journal_mode=WAL")
    reference.execute("PRAGMA synchronous=FULL")
    for sql in schema:
        reference.execute(sql)
    started = time.time()
    with reference:
        reference.executemany("INSERT INTO event (id, user, time, type, guide, version, step, variant, name, line) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows) / (time.time() - started)


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

    A batch holds `track` events of 100 users, or of one user with `one_user_per_batch` (as the web SDK sends
    them), stamped now (after every stored event: in order). The bodies are encoded before the clock starts and
    each client keeps one connection open, so the figure is the server's, not the Python client's."""
    def user(offset, b, i):
        return (offset * 1000 + b) % users if one_user_per_batch else (offset * 7919 + b * 100 + i) % users

    ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))
    bodies = [[json.dumps({"events": [
        {"type": "track", "event": "task_completed", "user": f"u_{user(offset, b, i):07d}", "ts": ts,
         "id": f"bench-{tag}-{offset}-{b}-{i}"} for i in range(100)]}).encode() for b in range(batches)]
        for offset in range(clients)]

    def client(offset, results):
        connection = http.client.HTTPConnection("127.0.0.1", ports[offset % len(ports)], timeout=60)
        headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
        for body in bodies[offset]:
            connection.request("POST", "/v1/events", body, headers)
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status != 202 or answer["rejected"]:
                sys.exit(f"events refused: {response.status} {answer}")
            results.append(answer["accepted"])
        connection.close()
    results, threads = [], []
    started = time.time()
    for offset in range(clients):
        thread = threading.Thread(target=client, args=(offset, results))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return sum(results) / (time.time() - started), sum(results)


def decide_rate(ports, work, seconds, connections, users):
    """wrk against every instance at once, each request for a random one of `users` stored users; the rates
    summed."""
    script = os.path.join(work, "decide.lua")
    with open(script, "w") as handle:
        handle.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     'wrk.headers["Authorization"] = "Bearer %s"\n'
                     'request = function()\n'
                     '  local body = string.format(\'{"user":{"id":"u_%%07d"},"context":{"page":"/home"}}\', '
                     'math.random(0, %d))\n'
                     '  return wrk.format(nil, nil, nil, body)\n'
                     'end\n' % (SECRET, users - 1))
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
        one_decide, one_detail = decide_rate([port], work, args.seconds, args.connections, args.users)
        second_port, second = start_instance(args.binary, database, work, "two")
        processes.append(second)
        two_events, _ = events_rate([port, second_port], args.users, "two")
        two_decide, two_detail = decide_rate([port, second_port], work, args.seconds, args.connections, args.users)

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
