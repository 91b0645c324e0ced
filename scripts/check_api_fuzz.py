#!/usr/bin/env python3
"""Fuzz the HTTP API of `guidekit serve` from its OpenAPI document: no request may get a 5xx or crash it.

Schemathesis (pip) generates requests from Schemas/openapi.yaml, valid and invalid (wrong types, missing and
unknown fields, odd strings, huge numbers, bad paths and headers), and sends them to a fresh server on a
scratch SQLite store, twice: in development mode with the demo app (every route open), then with a public and
a secret key (the secret key sent on every request, so the key checks run before the routes). Fails when a
response is a 5xx, when the server exits while being fuzzed, or when it does not stop cleanly on SIGTERM.

The OpenAPI document refers to the event and user-state JSON Schemas by their `$id`
(https://guidekit.dev/schemas/…); they are bundled into it from Schemas/ first, so nothing is fetched.

  scripts/check_api_fuzz.py                         # 60 s in all, a random seed (printed)
  scripts/check_api_fuzz.py --seconds 300 --seed 1  # longer; a seed reproduces a run
"""
import argparse
import copy
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, "Schemas")
SECRET = "sk_api_fuzz_check"
PUBLIC = "pk_api_fuzz_check"


def bundled_openapi():
    """The OpenAPI document with every https://guidekit.dev/schemas/… reference pointing inside it."""
    import yaml

    with open(os.path.join(SCHEMAS, "openapi.yaml")) as f:
        document = yaml.safe_load(f)
    schemas = {}
    for name in sorted(os.listdir(SCHEMAS)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMAS, name)) as f:
                schema = json.load(f)
            schemas[schema["$id"]] = (name.replace(".schema.json", "").replace("-", "_") + "_schema", schema)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    used = set()

    def rewrite(node, inside=None):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    base, _, pointer = value.partition("#")
                    if base in schemas:
                        used.add(base)
                        node[key] = f"#/components/schemas/{schemas[base][0]}{pointer}"
                    elif not base and inside is not None and not value.startswith("#/components/"):
                        node[key] = f"#/components/schemas/{inside}{pointer}"  # a JSON Schema's own $defs
                else:
                    rewrite(value, inside)
        elif isinstance(node, list):
            for item in node:
                rewrite(item, inside)

    rewrite(document.get("paths", {}))
    rewrite(components)
    done = set()
    while used - done:
        for base in sorted(used - done):
            done.add(base)
            key, schema = schemas[base]
            copied = copy.deepcopy(schema)
            for name in ("$schema", "$id"):
                copied.pop(name, None)
            rewrite(copied, inside=key)
            components[key] = copied
    return document


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def start(binary, work, name, keyed, log):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEKIT_")}
    arguments = [binary, "serve", "--guides", os.path.join(ROOT, "guides"), "--database",
                 os.path.join(work, f"{name}.sqlite"), "--port", str(port), "--reload-interval", "0"]
    if keyed:
        env.update(GUIDEKIT_SECRET_KEY=SECRET, GUIDEKIT_PUBLIC_KEY=PUBLIC)
    else:
        arguments.append("--demo")
    process = subprocess.Popen(arguments, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"error: the server exited with {process.returncode} while starting; see {log.name}")
        if healthy(port):
            return process, port
        time.sleep(0.1)
    process.kill()
    sys.exit("error: the server did not answer /healthz within 60 s")


def fuzz(schema, binary, work, name, keyed, seconds, seed):
    """One server, fuzzed for `seconds`; the problems found."""
    problems = []
    log_path = os.path.join(work, f"{name}-server.log")
    with open(log_path, "w") as log:
        process, port = start(binary, work, name, keyed, log)
        command = ["schemathesis", "run", schema, "--url", f"http://127.0.0.1:{port}",
                   "--checks", "not_a_server_error", "--phases", "examples,coverage,fuzzing",
                   "--max-time", str(seconds), "--workers", "1", "--seed", str(seed),
                   "--request-timeout", "10", "--no-color"]
        if keyed:
            command += ["-H", f"Authorization: Bearer {SECRET}"]
        started = time.time()
        run = subprocess.run(command, capture_output=True, text=True, cwd=work)
        output = run.stdout + run.stderr
        with open(os.path.join(work, f"{name}-schemathesis.log"), "w") as f:
            f.write(output)
        lines = output.splitlines()
        cases = next((lines[i + 1].strip() for i, line in enumerate(lines[:-1]) if line.startswith("Test cases:")),
                     "no test cases")
        print(f"{name}: {cases} in {time.time() - started:.0f} s (seed {seed})")
        if process.poll() is not None:
            problems.append(f"{name}: the server exited with {process.returncode} while it was fuzzed")
        elif not healthy(port):
            problems.append(f"{name}: the server no longer answers /healthz")
        if run.returncode != 0:
            tail = "\n".join(output.splitlines()[-60:])
            problems.append(f"{name}: schemathesis found problems (exit {run.returncode}):\n{tail}")
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                code = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                code = "none (killed after 30 s)"
            if code != 0:
                problems.append(f"{name}: the server exited with {code} on SIGTERM")
    if problems:
        with open(log_path) as f:
            crash = [line for line in f.read().splitlines() if "Fatal error" in line or "error:" in line]
        problems += [f"{name} server log: {line}" for line in crash[:10]]
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=60, help="time for both servers together (default 60)")
    ap.add_argument("--seed", type=int, help="schemathesis seed (default: random, printed)")
    ap.add_argument("--binary", help="guidekit executable (default: swift build, then .build/debug/guidekit)")
    ap.add_argument("--keep", help="keep the logs and stores in this folder")
    a = ap.parse_args()
    try:
        import schemathesis  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        print("schemathesis is not installed: installing it with pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "schemathesis"], check=True)
    binary = a.binary
    if binary is None:
        subprocess.run(["swift", "build", "--product", "guidekit"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, ".build", "debug", "guidekit")
    seed = a.seed if a.seed is not None else random.randrange(1 << 32)
    work = a.keep or tempfile.mkdtemp(prefix="guidekit-api-fuzz-")
    os.makedirs(work, exist_ok=True)
    schema = os.path.join(work, "openapi.bundled.json")
    with open(schema, "w") as f:
        json.dump(bundled_openapi(), f)
    development = max(1, a.seconds * 2 // 3)
    problems = fuzz(schema, binary, work, "development", False, development, seed)
    problems += fuzz(schema, binary, work, "keyed", True, max(1, a.seconds - development), seed)
    if problems:
        print(f"FAIL ({len(problems)}; logs in {work}):")
        for problem in problems:
            print("  " + problem.replace("\n", "\n    "))
        sys.exit(1)
    if not a.keep:
        subprocess.run(["rm", "-rf", work])
    print(f"OK: no 5xx and no crash (seed {seed})")


if __name__ == "__main__":
    main()
