#!/usr/bin/env python3
"""Speed and memory of `guidekit report` against DuckDB running duckdb_funnel.py, on the same files.

Generates (once, cached under --data, default /tmp/guidekit-bench) logs of 1M and 10M events in JSONL
and CSV with ../shared/bench/gen_events.py (seed 42), writes the guide versions into a scratch git
repository, builds guidekit in release mode, then runs both tools on each file, alternating, best of
--runs by wall time, with peak resident memory from /usr/bin/time -v. Both compute the report of
duckdb_funnel.py (guidekit with --window 0 --format json). Prints a table with the ratios and whether
the targets (>= 5x faster, <= 1/4 of DuckDB's peak memory) are met.

  scripts/bench_report_vs_duckdb.py                    # 1M and 10M, best of 3
  scripts/bench_report_vs_duckdb.py --sizes 1000000 --runs 5
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from compare_with_duckdb import write_guides_repo  # noqa: E402


def label(n):
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def ensure_data(data, n):
    prefix = os.path.join(data, f"events_{label(n)}")
    if not all(os.path.exists(prefix + ext) for ext in (".jsonl", ".csv", ".guides.json")):
        print(f"generating {n:,} events into {prefix}.* (cached for later runs)", flush=True)
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_events.py"), "--target-events", str(n),
                        "--seed", "42", "--out", prefix], check=True, stdout=subprocess.DEVNULL)
    repo = prefix + ".repo"
    if not os.path.isdir(os.path.join(repo, "guides")):
        shutil.rmtree(repo, ignore_errors=True)
        write_guides_repo(prefix + ".guides.json", repo)
    return prefix, os.path.join(repo, "guides")


def timed(cmd):
    """-> (wall seconds, peak RSS bytes, stdout) of one run under /usr/bin/time -v."""
    out = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", out.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) * 1024
    return seconds, rss, out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--formats", default="jsonl,csv")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/guidekit-bench")
    ap.add_argument("--binary", help="use this guidekit instead of building one")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("/usr/bin/time is missing: apt-get install -y time")
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
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        prefix, guides = ensure_data(a.data, n)
        for fmt in a.formats.split(","):
            path = f"{prefix}.{fmt}"
            subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # into the page cache
            duck, mine = [], []
            for _ in range(a.runs):
                wall, rss, out = timed([sys.executable, os.path.join(BENCH, "duckdb_funnel.py"), "--input", path,
                                        "--format", fmt, "--guides", prefix + ".guides.json"])
                duck.append((wall, rss, json.loads(out.strip().splitlines()[-1])["query_s"][0]))
                wall, rss, _ = timed([binary, "report", path, "--guides", guides, "--window", "0",
                                      "--format", "json", "-o", os.devnull])
                mine.append((wall, rss))
            d = min(duck)
            m = min(mine)
            d_rss = max(r for _, r, _ in duck)
            m_rss = max(r for _, r in mine)
            rows.append((label(n), fmt, os.path.getsize(path), d[0], d[2], d_rss, m[0], m_rss))
            print(f"{label(n)} {fmt}: duckdb {d[0]:.2f} s {d_rss / 2**20:.0f} MiB, "
                  f"guidekit {m[0]:.2f} s {m_rss / 2**20:.0f} MiB", flush=True)
    print()
    print("| events | format | file | DuckDB wall (query) | DuckDB peak | guidekit wall | guidekit peak "
          "| speed-up | memory | targets (5x, 1/4) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for size, fmt, nbytes, dw, dq, dr, mw, mr in rows:
        speed = dw / mw
        memory = mr / dr
        meets = speed >= 5 and memory <= 0.25
        ok &= meets
        print(f"| {size} | {fmt} | {nbytes / 2**30:.2f} GiB | {dw:.2f} s ({dq:.2f} s) | {dr / 2**20:.0f} MiB "
              f"| {mw:.2f} s | {mr / 2**20:.0f} MiB | {speed:.1f}x | {memory:.2f} | {'met' if meets else 'NOT met'} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
