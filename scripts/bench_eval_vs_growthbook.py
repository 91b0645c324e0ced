#!/usr/bin/env python3
"""Compare GuideKit's condition evaluation with GrowthBook's Python SDK, in one run, on the same inputs.

Writes a typical five-clause audience and a set of user states (JSON) to a temporary folder, times
`growthbook.core.evalCondition` on them in this process, runs `guidekit bench eval --conditions ...
--states ...` (release build) on the same files, checks that both tools matched the same states, and
prints both figures and the ratio.

Both figures are CPU time (this process's for Python, the benchmark thread's for GuideKit), fastest of
five rounds, so that other work on a shared machine disturbs them as little as possible.

Usage: scripts/bench_eval_vs_growthbook.py [--states N] [--seconds S] [--guidekit PATH]
GrowthBook's SDK is installed with pip into a virtual environment under ~/.cache when it is missing.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(os.path.expanduser("~"), ".cache", "guidekit-bench-venv")


def ensure_growthbook():
    """Re-runs this script inside a virtual environment that has `growthbook` when this Python lacks it."""
    try:
        import growthbook.core  # noqa: F401

        return
    except ImportError:
        pass
    if os.environ.get("GUIDEKIT_BENCH_IN_VENV"):
        sys.exit("error: growthbook is still missing after installing it into " + VENV)
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "growthbook"], check=True)
    os.environ["GUIDEKIT_BENCH_IN_VENV"] = "1"
    os.execv(python, [python] + sys.argv)


TYPICAL_AUDIENCE = {
    "user.plan": "trial",
    "user.seats": {"$gte": 3},
    "events.project_created.count": {"$lt": 1},
    "guides.welcome-tour.status": {"$ne": "completed"},
    "device.app_version": {"$vgte": "5.0.0"},
}


def generated_states(count):
    """Deterministic states shaped like completed user states (10 events, 5 guides)."""
    plans = ["trial", "pro", "free", "trial", "enterprise"]
    statuses = ["not_started", "in_progress", "completed", "dismissed", "snoozed"]
    versions = ["4.9.1", "5.0.0", "5.2.0", "5.10.3", "6.0.0-beta.1"]
    events = [
        "project_created", "deal_created", "invite_sent", "report_viewed", "login", "export_done",
        "comment_added", "file_uploaded", "search_used", "settings_changed",
    ]
    guides = ["welcome-tour", "import-checklist", "invite-team", "reports-intro", "nps-survey"]
    states = []
    for index in range(count):
        event_values = {}
        for offset, name in enumerate(events):
            n = (index + offset * 7) % 4
            event_values[name] = (
                {"count": 0}
                if n == 0
                else {"count": n, "first": "2026-11-20T10:00:00Z", "last": "2026-11-21T08:00:00Z"}
            )
        guide_values = {
            name: {"status": statuses[(index + offset) % len(statuses)], "shows": offset}
            for offset, name in enumerate(guides)
        }
        states.append(
            {
                "id": "u-%d" % index,
                "user": {
                    "plan": plans[index % len(plans)],
                    "role": "admin" if index % 3 == 0 else "member",
                    "seats": index % 9,
                    "signed_up_at": "2026-11-20T09:00:00Z",
                },
                "account": {"industry": "retail", "employees": index % 200},
                "events": event_values,
                "guides": guide_values,
                "page": {"path": "/projects/%d/settings" % index},
                "device": {"type": "desktop", "os": "macOS", "app_version": versions[index % len(versions)]},
                "locale": "ja-JP",
                "now": "2026-11-23T10:00:00Z",
            }
        )
    return states


def time_growthbook(conditions, states, seconds):
    from growthbook.core import evalCondition

    matched = sum(1 for c in conditions for s in states if evalCondition(s, c))
    rounds = []
    for _ in range(5):
        budget = seconds / 5
        count = 0
        start = time.process_time()
        elapsed = 0.0
        while elapsed < budget:
            for condition in conditions:
                for state in states:
                    evalCondition(state, condition)
            count += len(conditions) * len(states)
            elapsed = time.process_time() - start
        rounds.append(elapsed * 1e9 / count)
    rounds.sort()
    return rounds[0], rounds[2], matched / (len(conditions) * len(states))


def guidekit_binary(path):
    if path:
        return path
    binary = os.path.join(ROOT, ".build-release", "release", "guidekit")
    print("building guidekit (release)…", file=sys.stderr)
    subprocess.run(
        ["swift", "build", "-c", "release", "--scratch-path", ".build-release", "--product", "guidekit"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=1000, help="how many states (default 1000)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per tool (default 2)")
    parser.add_argument("--guidekit", help="a built guidekit binary (default: build the release one)")
    arguments = parser.parse_args()

    ensure_growthbook()
    binary = guidekit_binary(arguments.guidekit)
    conditions = [TYPICAL_AUDIENCE]
    states = generated_states(arguments.states)
    with tempfile.TemporaryDirectory() as folder:
        conditions_file = os.path.join(folder, "conditions.json")
        states_file = os.path.join(folder, "states.json")
        with open(conditions_file, "w") as handle:
            json.dump(conditions, handle)
        with open(states_file, "w") as handle:
            json.dump(states, handle)

        python_ns, python_median, python_share = time_growthbook(conditions, states, arguments.seconds)
        output = subprocess.run(
            [binary, "bench", "eval", "--conditions", conditions_file, "--states", states_file,
             "--seconds", str(arguments.seconds), "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    swift = json.loads(output)
    swift_ns = swift["ns_per_eval"]

    import growthbook

    print("conditions: %d (five clauses), states: %d" % (len(conditions), len(states)))
    print("GrowthBook Python SDK %s  evalCondition: %10.1f ns per evaluation (median %.1f)"
          % (getattr(growthbook, "__version__", "?"), python_ns, python_median))
    print("GuideKit                 Condition:     %10.1f ns per evaluation (median %.1f; %.1f ns to prepare a state)"
          % (swift_ns, swift["ns_per_eval_median"], swift["ns_per_document"]))
    print("ratio: GuideKit is %.0f× faster" % (python_ns / swift_ns))
    if abs(python_share - swift["match_share"]) > 1e-9:
        print("error: the tools disagree: GrowthBook matched %.4f of the states, GuideKit %.4f"
              % (python_share, swift["match_share"]), file=sys.stderr)
        return 1
    print("both matched %.2f%% of the states" % (python_share * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
