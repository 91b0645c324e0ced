#!/usr/bin/env python3
"""Several `guidekit serve` instances on one PostgreSQL database, as behind a load balancer:

  1. two instances, clients spread over both, each user's batches going to either; one instance is
     killed with SIGKILL mid-stream and its clients move to the other (as a load balancer does), which
     goes on;
  2. (with --db-stop and --db-start) the database is stopped under load: requests get 503 with a JSON
     error while it is down and succeed again once it is back, with no restart of the instances.

After each part: every acknowledged event is in GET /v1/events/export exactly once, and every user's
guide progress (GET /v1/users/{id}) equals `guidekit state` replaying the export.

Usage: python3 scripts/check_server_multi_instance.py --database postgres://user@127.0.0.1:5432/postgres
         [--db-stop 'pg_ctl … stop -m fast' --db-start 'pg_ctl … start -w'] [--binary .build/debug/guidekit]
The database URL names a server and a database to connect to first; the check creates (and drops) a
database of its own there with psql. Exits 0 when everything holds, 1 otherwise.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_server_durability as durability  # noqa: E402  (free_port, request, start, journey)

ROOT = durability.ROOT


class Clients:
    """Client threads sending batches to the instances; a batch that finds its instance gone moves on to
    the next one, and one answered 503 is sent again after a pause, until it is acknowledged."""

    def __init__(self, ports, batches):
        self.ports = ports
        self.batches = batches
        self.acknowledged = set()
        self.unavailable = 0
        self.unavailable_bodies = []
        self.moved = 0
        self.lock = threading.Lock()
        self.errors = []
        self.threads = [threading.Thread(target=self.run, args=(index, group)) for index, group in enumerate(batches)]

    def start(self):
        for thread in self.threads:
            thread.start()

    def join(self):
        for thread in self.threads:
            thread.join()

    def count(self):
        with self.lock:
            return len(self.acknowledged)

    def run(self, index, group):
        target = index % len(self.ports)
        deadline = time.time() + 300
        for batch in group:
            while time.time() < deadline:
                try:
                    status, body = durability.request(self.ports[target], "POST", "/v1/events", {"events": batch},
                                                      timeout=30)
                except urllib.error.HTTPError as error:
                    body = error.read()
                    if error.code == 503:
                        with self.lock:
                            self.unavailable += 1
                            if len(self.unavailable_bodies) < 3:
                                self.unavailable_bodies.append(body.decode(errors="replace"))
                        time.sleep(0.2)
                        continue
                    self.errors.append(f"HTTP {error.code}: {body[:200]!r}")
                    return
                except (urllib.error.URLError, ConnectionError, OSError):
                    with self.lock:
                        self.moved += 1
                    target = (target + 1) % len(self.ports)  # the instance is gone: the next one
                    time.sleep(0.05)
                    continue
                answer = json.loads(body)
                if status != 202 or answer["rejected"]:
                    self.errors.append(f"HTTP {status}: {body[:200]!r}")
                    return
                with self.lock:
                    self.acknowledged.update(event["id"] for event in batch)
                break
            else:
                self.errors.append("a batch was not acknowledged within 300 s")
                return


def batches_for(users, first, clients, rng):
    """Each user's journey in batches of 3 to 12 events, dealt round-robin to the clients, so one user's
    batches go to both instances at once."""
    groups = [[] for _ in range(clients)]
    dealt = 0
    for index in range(first, first + users):
        events = durability.journey(f"u_{index:05d}", index)
        position = 0
        while position < len(events):
            size = rng.randint(3, 12)
            groups[dealt % clients].append(events[position:position + size])
            position += size
            dealt += 1
    return groups


def verify(binary, port, acknowledged, workdir, label):
    status, export = durability.request(port, "GET", "/v1/events/export", timeout=60)
    lines = [json.loads(line) for line in export.decode().splitlines() if line]
    ids = [line["id"] for line in lines]
    repeated = len(ids) - len(set(ids))
    missing = acknowledged - set(ids)
    path = os.path.join(workdir, f"export-{label}.jsonl")
    with open(path, "wb") as handle:
        handle.write(export)
    replay = subprocess.run(
        [binary, "state", "--events", path, "--guides", os.path.join(ROOT, "guides"), "--format", "jsonl"],
        capture_output=True, text=True, cwd=ROOT, check=True)
    replayed = {state["id"]: state.get("guides", {}) for state in map(json.loads, replay.stdout.splitlines())}
    users = sorted({line["user"] for line in lines})
    different = []
    for user in users:
        _, body = durability.request(port, "GET", f"/v1/users/{user}")
        if json.loads(body).get("guides", {}) != replayed.get(user):
            different.append(user)
    print(f"  export: {len(ids)} events, {repeated} stored twice, {len(missing)} acknowledged but missing; "
          f"{len(users)} users, {len(different)} with progress different from the replay")
    for user in different[:3]:
        print(f"    {user}: server {durability.request(port, 'GET', f'/v1/users/{user}')[1][:300]!r}")
        print(f"    {user}: replay {json.dumps(replayed.get(user))[:300]}")
    return not repeated and not missing and not different


def psql(admin_url, sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", admin_url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("GUIDEKIT_TEST_POSTGRES_URL"),
                        help="postgres:// URL of a database to connect to first (default: GUIDEKIT_TEST_POSTGRES_URL)")
    parser.add_argument("--db-stop", help="shell command that stops the database server")
    parser.add_argument("--db-start", help="shell command that starts it again (and waits until it accepts)")
    parser.add_argument("--binary", default=None)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--users", type=int, default=240)
    args = parser.parse_args()
    if not args.database:
        sys.exit("error: give --database postgres://… or set GUIDEKIT_TEST_POSTGRES_URL")
    binary = args.binary or os.path.join(
        subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip(), "guidekit")
    workdir = tempfile.mkdtemp(prefix="guidekit-multi-")
    name = f"guidekit_multi_{os.getpid()}"
    psql(args.database, f"CREATE DATABASE {name}")
    parts = urllib.parse.urlsplit(args.database)
    database = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["GUIDEKIT_DATABASE_TIMEOUT"] = "3"
    rng = random.Random(17)
    ok = True
    servers = []
    try:
        logs = [open(os.path.join(workdir, f"server-{index}.log"), "w") for index in range(2)]
        ports = [durability.free_port() for _ in range(2)]
        # Both at once: the migrations run once under the advisory lock.
        starters = [threading.Thread(target=lambda i=i: servers.append((i, durability.start(binary, database, ports[i], logs[i]))))
                    for i in range(2)]
        for thread in starters:
            thread.start()
        for thread in starters:
            thread.join()
        servers = [process for _, process in sorted(servers)]

        print(f"1. two instances (ports {ports[0]}, {ports[1]}) on one database; SIGKILL of the first mid-stream")
        clients = Clients(ports, batches_for(args.users, 0, args.clients, rng))
        total = sum(len(batch) for group in clients.batches for batch in group)
        clients.start()
        while clients.count() < total // 3 and any(thread.is_alive() for thread in clients.threads):
            time.sleep(0.01)
        os.kill(servers[0].pid, signal.SIGKILL)
        servers[0].wait()
        killed_at = clients.count()
        clients.join()
        print(f"  {total} events from {args.clients} clients; {killed_at} acknowledged when the first instance was "
              f"killed, {clients.count()} at the end; {clients.moved} requests moved to the other instance")
        if clients.errors or clients.count() != total or killed_at in (0, total):
            print(f"  FAILED: {clients.errors[:3] or 'not every batch was acknowledged, or the kill missed the stream'}")
            ok = False
        ok = verify(binary, ports[1], clients.acknowledged, workdir, "kill") and ok

        if args.db_stop and args.db_start:
            print("2. the database stopped and started again under load (both instances)")
            servers[0] = durability.start(binary, database, ports[0], logs[0])
            clients = Clients(ports, batches_for(args.users, 10_000, args.clients, rng))
            total = sum(len(batch) for group in clients.batches for batch in group)
            clients.start()
            while clients.count() < total // 3 and any(thread.is_alive() for thread in clients.threads):
                time.sleep(0.01)
            subprocess.run(args.db_stop, shell=True, check=True, stdout=subprocess.DEVNULL)
            stopped_at = clients.count()
            time.sleep(4)
            down = clients.unavailable
            subprocess.run(args.db_start, shell=True, check=True, stdout=subprocess.DEVNULL)
            clients.join()
            print(f"  {total} events; {stopped_at} acknowledged when the database stopped; {down} answers 503 while "
                  f"it was down, {clients.unavailable} in all; {clients.count()} acknowledged at the end")
            if clients.unavailable_bodies:
                print(f"  a 503 answer: {clients.unavailable_bodies[0].strip()}")
            body_ok = all(json.loads(text).get("error", {}).get("code") for text in clients.unavailable_bodies)
            if clients.errors or clients.count() != total or down == 0 or not body_ok:
                print(f"  FAILED: {clients.errors[:3] or 'no 503 while down, a non-JSON 503, or events left unacknowledged'}")
                ok = False
            ok = verify(binary, ports[1], clients.acknowledged, workdir, "restart") and ok
        else:
            print("2. SKIPPED: the database restart needs --db-stop and --db-start")
    finally:
        for process in servers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
        psql(args.database, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if not ok:
        print(f"FAILED (server logs in {workdir})")
        sys.exit(1)
    print("ok: every acknowledged event stored once, progress equals the replay, through a kill and a restart")


if __name__ == "__main__":
    main()
