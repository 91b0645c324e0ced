#!/usr/bin/env python3
"""Speed of `guidekit simulate --users` against DuckDB reading the same population, in one run.

Generates a population with `guidekit generate-users` (seed 1, cached under --data, default
/tmp/guidekit-bench), builds guidekit in release mode (unless --binary is given), then times, alternating,
best of --runs by wall time:

- `guidekit simulate --users FILE --guides guides --format json`: reads, checks and completes every state
  and selects a guide for each user against the bundled guides;
- DuckDB (`pip install duckdb`) in a fresh Python process: `SELECT count(*) FROM read_json(FILE,
  format='newline_delimited')`, the reference for reading the same JSON.

Prints both times, their throughput and the ratio (guidekit / DuckDB), guidekit's CPU time (user + sys,
less sensitive than wall time to other work on the machine) and peak memory, the load average before and
after, and checks that both counted every user. The goal (issue 16) is 1M users in under 15 s.

  scripts/bench_users_vs_duckdb.py                      # 1M users, best of 3
  scripts/bench_users_vs_duckdb.py --users 100000 --runs 1
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
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
    """-> (wall seconds, stdout, CPU seconds user + sys, peak RSS in MiB) of one run; exits on failure."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors)
        stdout = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.stdout.close()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            sys.exit(f"failed ({code}): {' '.join(cmd)}\n{errors.read().decode(errors='replace')[-2000:]}")
    return seconds, stdout.decode(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def load():
    """The 1-minute load average."""
    return os.getloadavg()[0]


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
    load_before = load()
    for _ in range(a.runs):
        seconds, out, cpu, rss = wall([binary, "simulate", "--users", path, "--guides", guides, "--format", "json"])
        users = json.loads(out)["users"]
        if users != a.users:
            sys.exit(f"guidekit counted {users} users, not {a.users}")
        mine.append((seconds, cpu, rss))
        seconds, out, cpu, rss = wall([sys.executable, "-c", DUCKDB, path])
        count = int(out.strip().splitlines()[-1].split()[0])  # after any progress bar DuckDB draws
        if count != a.users:
            sys.exit(f"DuckDB counted {count} rows, not {a.users}")
        duck.append((seconds, cpu, rss))
        print(f"run: guidekit {mine[-1][0]:.2f} s (CPU {mine[-1][1]:.2f} s), "
              f"DuckDB {duck[-1][0]:.2f} s (CPU {duck[-1][1]:.2f} s)", flush=True)
    (m, m_cpu, m_rss), (d, d_cpu, d_rss) = min(mine), min(duck)
    mib = size / 2**20
    print()
    print(f"{a.users:,} users, {mib:.0f} MiB of JSON Lines, best of {a.runs} (wall time, {os.cpu_count()} cores; "
          f"load average {load_before:.1f} before, {load():.1f} after)")
    print(f"guidekit simulate --users  {m:7.2f} s  {mib / m:7.1f} MiB/s  {a.users / m:12,.0f} users/s  "
          f"CPU {m_cpu:6.2f} s ({m_cpu / a.users * 1e6:.1f} us/user)  peak RSS {m_rss:6.0f} MiB")
    print(f"DuckDB count(*) read_json  {d:7.2f} s  {mib / d:7.1f} MiB/s  {a.users / d:12,.0f} users/s  "
          f"CPU {d_cpu:6.2f} s  peak RSS {d_rss:6.0f} MiB")
    print(f"ratio guidekit / DuckDB    {m / d:7.2f}")
    if a.users >= 1_000_000:
        goal = 15 * a.users / 1_000_000
        print(f"goal (1M users in under 15 s): {'met' if m < goal else 'NOT met'}")


if __name__ == "__main__":
    main()
