#!/usr/bin/env python3
"""No acknowledged event is lost: `guidekit serve` is killed with SIGKILL in the middle of a stream of
event batches from several clients, restarted on the same SQLite file, and then

  * every event the server acknowledged (202) is in GET /v1/events/export, and
  * every user's guide progress (GET /v1/users/{id}) equals `guidekit state` replaying the export.

Usage: python3 scripts/check_server_durability.py [--binary .build/debug/guidekit] [--clients 4]
Exits 0 when both hold, 1 otherwise. Needs a built `guidekit` (swift build).
"""
import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SECRET = "sk_durability_check"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = ["welcome", "sidebar", "new-project", "search"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Authorization", f"Bearer {SECRET}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return response.status, response.read()


def start(binary, database, port, log):
    env = dict(os.environ, GUIDEKIT_SECRET_KEY=SECRET, GUIDEKIT_PUBLIC_KEY="pk_durability_check")
    process = subprocess.Popen(
        [binary, "serve", "--guides", os.path.join(ROOT, "guides"), "--database", database,
         "--port", str(port), "--reload-interval", "0"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"error: the server exited with {process.returncode} while starting; see {log.name}")
        try:
            if request(port, "GET", "/healthz", timeout=1)[0] == 200:
                return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    process.kill()
    sys.exit("error: the server did not answer /healthz within 60 s")


def journey(user, start_second):
    """A user's events: three shows of the welcome tour, snoozed, snoozed, completed."""
    events, second = [], start_second
    for show, end in enumerate(["guide_snoozed", "guide_snoozed", "guide_completed"]):
        def add(kind, step=None):
            nonlocal second
            second += 1
            event = {"type": kind, "user": user, "guide": "welcome-tour", "version": 3,
                     "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1795428000 + second)),
                     "id": f"{user}-{show}-{kind}-{step or ''}"}
            if step:
                event["step"] = step
            events.append(event)
        add("guide_started")
        for step in STEPS[: 2 + show]:
            add("step_viewed", step)
            add("step_completed", step)
        add(end, STEPS[1 + show])
    return events


def client(port, batches, acknowledged, lock, stop):
    for batch in batches:
        if stop.is_set():
            return
        try:
            status, body = request(port, "POST", "/v1/events", {"events": batch})
        except (urllib.error.URLError, ConnectionError, OSError):
            return  # the server is gone: this batch was not acknowledged
        if status == 202:
            answer = json.loads(body)
            if answer["rejected"]:
                sys.exit(f"error: events rejected: {answer['rejected'][:3]}")
            with lock:
                acknowledged.update(event["id"] for event in batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=None)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--users", type=int, default=400)
    args = parser.parse_args()
    binary = args.binary or os.path.join(
        subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip(), "guidekit")
    workdir = tempfile.mkdtemp(prefix="guidekit-durability-")
    database = os.path.join(workdir, "guidekit.sqlite")
    log = open(os.path.join(workdir, "server.log"), "w")
    port = free_port()
    rng = random.Random(14)

    # Each client sends whole users' journeys in order, in batches of up to 25 events.
    per_client = [[] for _ in range(args.clients)]
    for index in range(args.users):
        events = journey(f"u_{index:05d}", index)
        per_client[index % args.clients].extend(events)
    batches = [[events[i:i + rng.randint(5, 25)] for i in range(0, len(events), 25)] for events in per_client]
    batches = [[batch for batch in group if batch] for group in batches]
    total = sum(len(batch) for group in batches for batch in group)

    server = start(binary, database, port, log)
    acknowledged, lock, stop = set(), threading.Lock(), threading.Event()
    threads = [threading.Thread(target=client, args=(port, group, acknowledged, lock, stop)) for group in batches]
    for thread in threads:
        thread.start()
    # Kill it mid-stream: once a third of the events were acknowledged.
    deadline = time.time() + 120
    while time.time() < deadline:
        with lock:
            if len(acknowledged) >= total // 3:
                break
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    with lock:
        acked = set(acknowledged)
    print(f"sent up to {total} events from {args.clients} clients; {len(acked)} acknowledged before SIGKILL")
    if not acked or len(acked) == total:
        sys.exit("error: the kill did not land mid-stream; nothing to check")

    server = start(binary, database, port, log)
    try:
        status, export = request(port, "GET", "/v1/events/export")
        lines = [json.loads(line) for line in export.decode().splitlines() if line]
        exported = {line["id"] for line in lines}
        missing = acked - exported
        print(f"export after restart: {len(exported)} events; acknowledged but missing: {len(missing)}")
        export_path = os.path.join(workdir, "export.jsonl")
        with open(export_path, "wb") as handle:
            handle.write(export)
        users = sorted({line["user"] for line in lines})
        replay = subprocess.run(
            [binary, "state", "--events", export_path, "--guides", os.path.join(ROOT, "guides"), "--format", "jsonl"],
            capture_output=True, text=True, cwd=ROOT, check=True)
        replayed = {state["id"]: state.get("guides", {}) for state in map(json.loads, replay.stdout.splitlines())}
        different = []
        for user in users:
            _, body = request(port, "GET", f"/v1/users/{user}")
            stored = json.loads(body).get("guides", {})
            if stored != replayed.get(user):
                different.append(user)
        print(f"users: {len(users)}; progress different from the replay of the export: {len(different)}")
        for user in different[:3]:
            print(f"  {user}: server {request(port, 'GET', f'/v1/users/{user}')[1][:300]!r}")
            print(f"  {user}: replay {json.dumps(replayed.get(user))[:300]}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if missing or different:
        print(f"FAILED (server log: {log.name})")
        sys.exit(1)
    print("ok: every acknowledged event survived SIGKILL and progress equals the replay")


if __name__ == "__main__":
    main()
