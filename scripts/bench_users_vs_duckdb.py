#!/usr/bin/env python3
"""Speed of `guidekit simulate --users` against DuckDB reading the same population, in one run.

Generates a population with `guidekit generate-users` (seed 1, cached under --data, default
/tmp/guidekit-bench), builds guidekit in release mode (unless --binary is given), then times, alternating,
best of --runs by wall time:

- `guidekit simulate --users FILE --guides guides --format json`: reads, checks and completes every state
  and selects a guide for each user against the bundled guides;
- DuckDB (`pip install duckdb`) in a fresh Python process: `SELECT count(*) FROM read_json(FILE,
  format='newline_delimited')`, the reference for reading the same JSON.

Prints both times, their throughput and the ratio (guidekit / DuckDB), and checks that both counted every
user. The goal (issue 16) is 1M users in under 15 s.

  scripts/bench_users_vs_duckdb.py                      # 1M users, best of 3
  scripts/bench_users_vs_duckdb.py --users 100000 --runs 1
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DUCKDB = """
import sys, time, duckdb
start = time.perf_counter()
duckdb.execute("SET enable_progress_bar = false")
count = duckdb.execute("SELECT count(*) FROM read_json(?, format='newline_delimited')", [sys.argv[1]]).fetchone()[0]
print(count, time.perf_counter() - start)
"""


def wall(cmd):
    """-> (wall seconds, stdout) of one run; exits on failure."""
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr[-2000:]}")
    return seconds, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/guidekit-bench")
    ap.add_argument("--binary", help="use this guidekit instead of building one")
    a = ap.parse_args()
    try:
        import duckdb  # noqa: F401
    except ImportError:
        sys.exit("duckdb is not installed: pip install duckdb")
    binary = a.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", ".build-release", "--product", "guidekit"],
                       cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build-release", "release", "guidekit")
    os.makedirs(a.data, exist_ok=True)
    path = os.path.join(a.data, f"users_{a.users}.jsonl")
    if not os.path.exists(path):
        print(f"generating {a.users:,} users into {path} (cached for later runs)", flush=True)
        subprocess.run([binary, "generate-users", "--count", str(a.users), "--seed", "1", "-o", path + ".tmp"],
                       check=True)
        os.replace(path + ".tmp", path)
    size = os.path.getsize(path)
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # into the page cache
    guides = os.path.join(ROOT, "guides")
    mine, duck = [], []
    for _ in range(a.runs):
        seconds, out = wall([binary, "simulate", "--users", path, "--guides", guides, "--format", "json"])
        users = json.loads(out)["users"]
        if users != a.users:
            sys.exit(f"guidekit counted {users} users, not {a.users}")
        mine.append(seconds)
        seconds, out = wall([sys.executable, "-c", DUCKDB, path])
        count = int(out.strip().splitlines()[-1].split()[0])  # after any progress bar DuckDB draws
        if count != a.users:
            sys.exit(f"DuckDB counted {count} rows, not {a.users}")
        duck.append(seconds)
        print(f"run: guidekit {mine[-1]:.2f} s, DuckDB {duck[-1]:.2f} s", flush=True)
    m, d = min(mine), min(duck)
    mib = size / 2**20
    print()
    print(f"{a.users:,} users, {mib:.0f} MiB of JSON Lines, best of {a.runs} (wall time, {os.cpu_count()} cores)")
    print(f"guidekit simulate --users  {m:7.2f} s  {mib / m:7.1f} MiB/s  {a.users / m:12,.0f} users/s")
    print(f"DuckDB count(*) read_json  {d:7.2f} s  {mib / d:7.1f} MiB/s  {a.users / d:12,.0f} users/s")
    print(f"ratio guidekit / DuckDB    {m / d:7.2f}")
    if a.users >= 1_000_000:
        goal = 15 * a.users / 1_000_000
        print(f"goal (1M users in under 15 s): {'met' if m < goal else 'NOT met'}")


if __name__ == "__main__":
    main()
