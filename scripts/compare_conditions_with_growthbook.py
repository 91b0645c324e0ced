#!/usr/bin/env python3
"""Compare GuideKit's condition evaluation with GrowthBook's Python SDK 4.0.0 on generated cases, in one run.

Generates (seeded, so a run can be repeated) condition/attribute cases over GrowthBook's operators and
JSON's types, evaluates each with `growthbook.core.evalCondition` (4.0.0) in this process and with one
`guidekit eval --jsonl` process, and prints the agreement, the disagreements by operator, and the
first few disagreeing cases.

The generator avoids what the two do not mean to agree on, each documented in Targeting.md:
- JavaScript-only coercion (the three conformance cases that assume it): 4.0.0 is strict, like GuideKit,
  so nothing needs avoiding there, and numbers stay below 2^53 (Python compares larger ints exactly,
  JavaScript and GuideKit as doubles).
- Array values with scalar operators (`$eq`, `$gt`, `$regex`, the version operators …): GuideKit passes
  when one element passes ("array values match when any element matches"); 4.0.0 sees a list. Arrays are
  generated only for the operators that take arrays (`$size`, `$elemMatch`, `$all`, `$in`, `$exists`,
  `$type`, implicit equality with a list).
- A plain number operand of a version operator against a string value: GuideKit reads the operand's raw
  text as a version (`$vlt: 1.10` is the version 1.10); 4.0.0 sees a number and a mismatch.
- Paths into arrays (`tags.0`, `tags.length`): GuideKit does not address array elements by index.
- Regexes outside the linear-time subset (backreferences, lookaround) and nested quantifiers (exponential
  in Python's `re`); GuideKit's `$regex` extensions (`$glob`, `$newerThan`, `$performed`, `$segment`)
  are not GrowthBook's.
- Objects compared as wholes with their keys in another order (4.0.0 compares JavaScript key order).

Usage: scripts/compare_conditions_with_growthbook.py [--cases N] [--seed S] [--guidekit PATH] [--show K]
GrowthBook 4.0.0 is installed with pip into a virtual environment under ~/.cache when this Python lacks it.
"""

import argparse
import collections
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(os.path.expanduser("~"), ".cache", "guidekit-growthbook-4.0.0-venv")
GROWTHBOOK_VERSION = "4.0.0"


def ensure_growthbook():
    """Re-runs this script inside a virtual environment with growthbook 4.0.0 when this Python lacks it."""
    try:
        from importlib.metadata import version

        if version("growthbook") == GROWTHBOOK_VERSION:
            return
    except Exception:
        pass
    if os.environ.get("GUIDEKIT_COMPARE_IN_VENV"):
        sys.exit("error: growthbook %s is still missing after installing it into %s" % (GROWTHBOOK_VERSION, VENV))
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "growthbook==" + GROWTHBOOK_VERSION], check=True)
    os.environ["GUIDEKIT_COMPARE_IN_VENV"] = "1"
    os.execv(python, [python] + sys.argv)


WORDS = ["trial", "pro", "Pro", "PRO", "free", "admin", "member", "", "a", "b", "ab", "abc", "x y", "東京", "été",
         "Été", "😀", "z", "10", "9", "3", "5.5", "-1", "true", "null", "mobile", "Tablet"]
VERSIONS = ["1.0.0", "1.2.3", "1.10.0", "1.9.99", "2.0.0-beta.1", "2.0.0-beta.11", "2.0.0", "v2.0.0", "2.0.0+build",
            "5", "5.2", "10.0.0", "0", "", "1.0.0-rc.1", "3.1.4.1", "a.b"]
TIMESTAMPS = ["2026-11-20T09:00:00Z", "2026-11-21T09:00:00Z", "2025-01-01T00:00:00Z", "2026-11-20T10:30:00Z"]
NUMBERS = [0, 1, -1, 2, 3, 5, 10, 1.5, -2.5, 100, 0.1, 1e15, 1e19, 7]
KEYS = ["plan", "seats", "role", "version", "tags", "flag", "joined", "score", "city"]


class Generator:
    def __init__(self, seed):
        self.random = random.Random(seed)

    def pick(self, items):
        return items[self.random.randrange(len(items))]

    def chance(self, p):
        return self.random.random() < p

    def string(self):
        kind = self.random.randrange(4)
        if kind == 0:
            return self.pick(VERSIONS)
        if kind == 1:
            return self.pick(TIMESTAMPS)
        return self.pick(WORDS)

    def scalar(self):
        kind = self.random.randrange(10)
        if kind < 4:
            return self.string()
        if kind < 7:
            return self.pick(NUMBERS)
        if kind < 9:
            return self.chance(0.5)
        return None

    def array(self):
        return [self.scalar() for _ in range(self.random.randrange(4))]

    def object(self):
        return {self.pick(["x", "y", "name"]): self.scalar() for _ in range(self.random.randrange(3))}

    def value(self, arrays):
        kind = self.random.randrange(12)
        if arrays and kind < 3:
            return self.array()
        if kind == 3:
            return self.object()
        return self.scalar()

    def regex(self):
        pieces = ["a", "b", "[ab]", "[^a]", ".", "\\d", "\\w", "\\s", "x", "1", "é", "(a|b)", "(?:ab|c)", "T", "o"]
        quantifiers = ["", "", "", "*", "+", "?", "{1,2}", "*?"]
        pattern = "".join(self.pick(pieces) + self.pick(quantifiers) for _ in range(1 + self.random.randrange(3)))
        if self.chance(0.3):
            pattern = "^" + pattern
        if self.chance(0.3):
            pattern += "$"
        return pattern

    def operator(self):
        """An operator, its operand, and whether the value may be an array."""
        name = self.pick(["$eq", "$ne", "$lt", "$lte", "$gt", "$gte", "$in", "$nin", "$ini", "$nini", "$all", "$alli",
                          "$elemMatch", "$size", "$exists", "$type", "$regex", "$regexi", "$veq", "$vne", "$vgt",
                          "$vgte", "$vlt", "$vlte", "$not", "$inGroup", "$notInGroup"])
        if name in ("$eq", "$ne", "$lt", "$lte", "$gt", "$gte"):
            return name, self.scalar(), False
        if name in ("$in", "$nin", "$ini", "$nini"):
            return name, [self.scalar() for _ in range(self.random.randrange(4))], True
        if name in ("$all", "$alli"):
            return name, [self.scalar() for _ in range(self.random.randrange(3))], True
        if name == "$elemMatch":
            inner = self.pick(["$eq", "$gt", "$lt", "$in", "$regex"])
            operand = self.regex() if inner == "$regex" else (
                [self.scalar(), self.scalar()] if inner == "$in" else self.scalar())
            return name, {inner: operand}, True
        if name == "$size":
            return name, self.pick([0, 1, 2, 3, {"$gt": 1}, {"$lte": 2}]), True
        if name == "$exists":
            return name, self.chance(0.5), True
        if name == "$type":
            return name, self.pick(["string", "number", "boolean", "array", "object", "null"]), True
        if name in ("$regex", "$regexi"):
            return name, self.regex(), False
        if name in ("$veq", "$vne", "$vgt", "$vgte", "$vlt", "$vlte"):
            kind = self.random.randrange(10)
            if kind < 7:
                return name, self.pick(VERSIONS), False
            if kind < 9:
                return name, self.pick(NUMBERS), False  # a number operand, never with a string value (see above)
            return name, self.pick([True, None, ["1.0.0"], {"v": "1"}]), False
        if name == "$not":
            inner, operand, arrays = self.operator()
            if inner in ("$not",):
                return self.operator()
            return name, {inner: operand}, arrays
        return name, self.pick(["g1", "g2", "missing-group"]), True

    def clause(self, depth):
        """One condition object and the attributes that go with it."""
        condition = {}
        attributes = {}
        for _ in range(1 + self.random.randrange(2)):
            kind = self.random.randrange(10)
            if kind == 0 and depth < 2:
                logic = self.pick(["$and", "$or", "$nor"])
                parts = [self.clause(depth + 1) for _ in range(self.random.randrange(3))]
                condition[logic] = [part[0] for part in parts]
                for part in parts:
                    merge(attributes, part[1])
                continue
            if kind == 1 and depth < 2:
                inner, values = self.clause(depth + 1)
                condition["$not"] = inner
                merge(attributes, values)
                continue
            # Each path once per case, so a value generated for one operator never meets another.
            unused = [key for key in KEYS if key not in self.used]
            if not unused:
                continue
            key = self.pick(unused)
            self.used.add(key)
            path = "meta." + key if self.chance(0.2) else key
            if kind == 2:
                # Implicit equality with a scalar, a list or an object.
                expected = self.pick([self.scalar(), self.scalar(), self.array(), self.object()])
                arrays = isinstance(expected, list)
                condition[path] = expected
                if not self.chance(0.15):
                    value = expected if self.chance(0.4) else self.value(arrays)
                    set_path(attributes, path, value)
                continue
            name, operand, arrays = self.operator()
            condition[path] = {name: operand}
            if self.chance(0.15):
                continue  # missing
            value = self.value(arrays)
            if name.startswith("$v") or (name == "$not" and next(iter(operand)).startswith("$v")):
                version_operand = operand if name.startswith("$v") else next(iter(operand.values()))
                if is_number(version_operand) and isinstance(value, str):
                    value = self.pick(NUMBERS)
                elif isinstance(version_operand, str) and self.chance(0.6):
                    value = self.pick(VERSIONS)
            if name in ("$gt", "$gte", "$lt", "$lte") and self.chance(0.5):
                value = self.pick(TIMESTAMPS) if operand in TIMESTAMPS else self.scalar()
            set_path(attributes, path, value)
        return condition, attributes

    def case(self):
        self.used = set()
        condition, attributes = self.clause(0)
        groups = {"g1": [self.scalar() for _ in range(3)], "g2": []}
        return {"condition": condition, "attributes": attributes, "savedGroups": groups}


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def merge(target, source):
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        elif key not in target:
            target[key] = value


def set_path(attributes, path, value):
    parts = path.split(".")
    current = attributes
    for part in parts[:-1]:
        if not isinstance(current.get(part), dict):
            current[part] = {}
        current = current[part]
    current.setdefault(parts[-1], value)


def operators_of(condition, found):
    if isinstance(condition, dict):
        for key, value in condition.items():
            if key.startswith("$"):
                found.add(key)
            operators_of(value, found)
    elif isinstance(condition, list):
        for item in condition:
            operators_of(item, found)
    return found


def guidekit_binary(path):
    if path:
        return path
    binary = os.path.join(ROOT, ".build", "debug", "guidekit")
    print("building guidekit (debug)…", file=sys.stderr)
    subprocess.run(["swift", "build", "--product", "guidekit"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000, help="how many cases (default 10000)")
    parser.add_argument("--seed", type=int, default=2026, help="the generator's seed (default 2026)")
    parser.add_argument("--guidekit", help="a built guidekit binary (default: build the debug one)")
    parser.add_argument("--show", type=int, default=10, help="how many disagreeing cases to print (default 10)")
    arguments = parser.parse_args()

    ensure_growthbook()
    from growthbook.core import evalCondition

    binary = guidekit_binary(arguments.guidekit)
    generator = Generator(arguments.seed)
    cases = [generator.case() for _ in range(arguments.cases)]
    lines = "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)
    output = subprocess.run([binary, "eval", "--jsonl"], input=lines, capture_output=True, text=True)
    answers = output.stdout.splitlines()
    if output.returncode != 0:
        print("error: guidekit eval --jsonl exited with %d after %d of %d answers; its last lines:\n%s"
              % (output.returncode, len(answers), len(cases), "\n".join(output.stderr.splitlines()[:3])),
              file=sys.stderr)
        return 2
    if len(answers) != len(cases):
        sys.exit("error: %d cases but %d answers from guidekit" % (len(cases), len(answers)))

    agreed = 0
    errors = 0
    disagreements = []
    by_operator = collections.Counter()
    for case, answer in zip(cases, answers):
        expected = evalCondition(case["attributes"], case["condition"], case["savedGroups"])
        response = json.loads(answer)
        if "result" not in response:
            errors += 1
            disagreements.append((case, expected, response))
            continue
        if response["result"] == expected:
            agreed += 1
        else:
            disagreements.append((case, expected, response["result"]))
            for name in operators_of(case["condition"], set()):
                by_operator[name] += 1

    share = 100.0 * agreed / len(cases)
    print("GrowthBook Python SDK %s vs GuideKit on %d generated cases (seed %d)"
          % (GROWTHBOOK_VERSION, len(cases), arguments.seed))
    print("agree: %d of %d (%.2f%%); disagree: %d; GuideKit errors: %d"
          % (agreed, len(cases), share, len(disagreements) - errors, errors))
    if by_operator:
        print("operators in disagreeing cases: " + ", ".join("%s %d" % item for item in by_operator.most_common()))
    for case, expected, got in disagreements[: arguments.show]:
        print("  growthbook %s, guidekit %s: %s" % (expected, got, json.dumps(case, ensure_ascii=False)))
    return 0 if share >= 99.5 else 1


if __name__ == "__main__":
    sys.exit(main())
