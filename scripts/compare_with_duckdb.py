#!/usr/bin/env python3
"""Check `guidekit report --window 0` against DuckDB's reference SQL on generated data, exactly.

Generates a log with ../shared/bench/gen_events.py, writes the generator's guide definitions as guide
YAML files committed version by version into a scratch git repository (so earlier versions are found
through git history, as the report does for real guides), runs the reference query of
../shared/bench/duckdb_funnel.py in-process (raw floats, not the rounded CSV), runs
`guidekit report --window 0 --format json` on the JSONL and the CSV file, and compares every number:
counts exactly, floats to 1e-9. Exits 1 on any mismatch and prints the first ones.

  scripts/compare_with_duckdb.py                 # 200k events, seed 42, debug build
  scripts/compare_with_duckdb.py --events 1000000 --binary .build-release/release/guidekit
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
sys.path.insert(0, BENCH)


def write_guides_repo(guides_json, repo):
    """Commit each guide version in the order the versions went live."""
    with open(guides_json) as f:
        guides = json.load(f)
    folder = os.path.join(repo, "guides")
    os.makedirs(folder)
    git = lambda *args: subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True)  # noqa: E731
    git("init", "-q")
    git("config", "user.email", "compare@guidekit.invalid")
    git("config", "user.name", "compare")
    git("config", "commit.gpgsign", "false")
    versions = sorted((v["live_from"], name, v["version"], v["steps"])
                      for name, g in guides.items() for v in g["versions"])
    for live_from, name, version, steps in versions:
        lines = ["# yaml-language-server: $schema=../Schemas/guide.schema.json",
                 f"id: {name}", f"name: {name.replace('-', ' ').capitalize()}", f"version: {version}",
                 "status: published", "steps:"]
        for step in steps:
            lines += [f"  - id: {step}", "    kind: modal", f"    title: {step.replace('-', ' ').capitalize()}"]
        with open(os.path.join(folder, name + ".yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
        git("add", "-A")
        git("commit", "-q", "-m", f"{name} v{version} (live {live_from})")
    return folder


def duckdb_rows(path, fmt, guides_json):
    import duckdb
    from duckdb_funnel import SQL, source
    from funnel_common import load_steps
    con = duckdb.connect()
    con.execute("CREATE TABLE steps(guide VARCHAR, version INTEGER, step VARCHAR, idx INTEGER, nsteps INTEGER)")
    con.executemany("INSERT INTO steps VALUES (?, ?, ?, ?, ?)", load_steps(guides_json))
    return con.execute(SQL.format(src=source(os.path.abspath(path), fmt))).fetchall()


def same(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) and b is None
    return abs(float(a) - float(b)) <= 1e-9


def compare(rows, report, label):
    mismatches = []
    guides = {(g["guide"], g["version"]): g for g in report["guides"] if g["group"] is None}
    seen = set()
    for guide, version, idx, step, reached, completed, dismissed, dropped, rate, median, p90 in rows:
        g = guides.get((guide, version))
        if g is None:
            mismatches.append(f"{label}: {guide} v{version}: missing from the report")
            continue
        if g["step_order"]["source"] == "matched by id onto the current order":
            mismatches.append(f"{label}: {guide} v{version}: order not found in git history")
        mine = g["steps"][idx] if idx < len(g["steps"]) else None
        seen.add((guide, version, idx))
        if mine is None or mine["step"] != step:
            mismatches.append(f"{label}: {guide} v{version} #{idx}: step {step!r} vs {mine and mine['step']!r}")
            continue
        for name, want, got in (("reached", reached, mine["reached"]), ("completed", completed, mine["completed"]),
                                ("dismissed", dismissed, mine["dismissed"]), ("dropped", dropped, mine["dropped"]),
                                ("drop_rate", rate, mine["drop_rate"]), ("median_s", median, mine["median_s"]),
                                ("p90_s", p90, mine["p90_s"]), ("in_progress", 0, mine["in_progress"])):
            if not same(want, got):
                mismatches.append(f"{label}: {guide} v{version} {step}: {name} duckdb={want} guidekit={got}")
    # Steps DuckDB has no row for (no event at all) must be empty in the report.
    for (guide, version), g in guides.items():
        for s in g["steps"]:
            if (guide, version, s["index"]) not in seen and (s["reached"] or s["completed"] or s["dismissed"]
                                                             or s["dropped"] or s["median_s"] is not None):
                mismatches.append(f"{label}: {guide} v{version} {s['step']}: not in DuckDB but non-empty in the report")
    return mismatches


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--binary", help="guidekit executable (default: swift build, then .build/debug/guidekit)")
    ap.add_argument("--keep", help="keep the scratch files in this folder")
    a = ap.parse_args()
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("duckdb is not installed: installing it with pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "duckdb"], check=True)
        import duckdb  # noqa: F401
    binary = a.binary
    if binary is None:
        subprocess.run(["swift", "build", "--product", "guidekit"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build", "debug", "guidekit")
    work = a.keep or tempfile.mkdtemp(prefix="guidekit-compare-")
    os.makedirs(work, exist_ok=True)
    prefix = os.path.join(work, f"events_{a.events}_{a.seed}")
    t0 = time.time()
    subprocess.run([sys.executable, os.path.join(BENCH, "gen_events.py"), "--target-events", str(a.events),
                    "--seed", str(a.seed), "--out", prefix], check=True, capture_output=True)
    repo = os.path.join(work, "repo")
    if os.path.exists(repo):
        subprocess.run(["rm", "-rf", repo], check=True)
    guides = write_guides_repo(prefix + ".guides.json", repo)
    problems = []
    for fmt in ("jsonl", "csv"):
        rows = duckdb_rows(f"{prefix}.{fmt}", fmt, prefix + ".guides.json")
        out = subprocess.run([binary, "report", f"{prefix}.{fmt}", "--guides", guides, "--window", "0",
                              "--format", "json"], capture_output=True, text=True)
        if out.returncode != 0:
            problems.append(f"{fmt}: guidekit exited {out.returncode}: {out.stderr.strip()}")
            continue
        report = json.loads(out.stdout)
        found = compare(rows, report, fmt)
        problems += found
        bad = sum(e["count"] for e in report["input"]["skipped"])
        print(f"{fmt}: {len(rows)} DuckDB rows, {report['input']['events']} events, {bad} skipped lines, "
              f"{len(found)} mismatches")
    if not a.keep:
        subprocess.run(["rm", "-rf", work])
    if problems:
        print(f"FAIL: {len(problems)} mismatches; the first ones:")
        for p in problems[:20]:
            print("  " + p)
        sys.exit(1)
    print(f"OK: guidekit report --window 0 equals DuckDB on {a.events} events, JSONL and CSV "
          f"({time.time() - t0:.1f} s)")


if __name__ == "__main__":
    main()
