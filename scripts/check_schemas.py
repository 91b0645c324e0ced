#!/usr/bin/env python3
"""Check GuideKit's JSON Schemas, the example guides and the schema fixtures.

What it checks, from the repository root:

(a) every guides/*.yaml against Schemas/guide.schema.json (guides/guidekit.yaml against
    Schemas/guidekit.schema.json), and that each starts with the yaml-language-server comment naming it;
(b) every Schemas/*.schema.json is a valid draft 2020-12 schema whose $refs all resolve;
(c) fixtures under Tests/GuideKitTests/Fixtures/Lint/ whose first line is `# schema: accept` must pass,
    `# schema: reject` must fail (emoji position markers 1️⃣…🔟 are stripped before parsing; a fixture
    whose name contains `guidekit` is a project file, any other a guide);
(d) when present, examples/users/*.yaml|yml|json against Schemas/user-state.schema.json and
    examples/events/*.jsonl, line by line, against Schemas/event.schema.json;
(e) when present, guides/tests/*.yaml (scenario tests) against Schemas/scenario.schema.json, each starting
    with the yaml-language-server comment naming it;
(f) the decisions the engine sends, against Schemas/decision.schema.json: `guidekit simulate --format json`
    for every examples/users persona (as is, and launching each guide by hand), and every line's decision of
    `guidekit simulate --timeline` for every scenario in guides/tests. The `guidekit` binary is
    `--guidekit PATH`, else .build/debug/guidekit, else it is built with `swift build --product guidekit`.

YAML is read with YAML 1.2 core-schema semantics, as GuideKit reads it: only true/false (any case
spelling the spec allows) are booleans, yes/no/on/off and dates stay strings, integers are decimal.
Where the schema expects a string, a plain scalar's text is the string (`version: 1.10` is "1.10"),
as the format contract says; a quoted scalar is always a string. Duplicate keys and multiple
documents are errors.

Prints one line per checked file and a summary; exits 1 on any problem.

Usage: python3 scripts/check_schemas.py [--root DIR] [--guidekit PATH | --no-decisions]
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable


def _require(module: str, package: str) -> Any:
    """Imports `module`, installing `package` with pip first when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        print(f"installing {package} …", file=sys.stderr)
        install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package])
        if install.returncode != 0:
            sys.exit(f"error: could not install {package}; install it with `{sys.executable} -m pip install '{package}'`")
        importlib.invalidate_caches()
        return importlib.import_module(module)


yaml = _require("yaml", "PyYAML")
referencing = _require("referencing", "jsonschema>=4.18")  # before jsonschema: an old one gets upgraded
jsonschema = _require("jsonschema", "jsonschema>=4.18")
import referencing.exceptions  # noqa: E402  (after the install above)
import referencing.jsonschema  # noqa: E402
from jsonschema import Draft202012Validator  # noqa: E402
from jsonschema.exceptions import ValidationError  # noqa: E402

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
FIXTURES = Path("Tests/GuideKitTests/Fixtures/Lint")
MARKER_LINE = re.compile(r"^#\s*schema:\s*(\S+)\s*$")
EMOJI_MARKERS = re.compile("[0-9]\ufe0f?\u20e3|\U0001f51f")
MAX_ERRORS_PER_FILE = 20
SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")


# YAML 1.2 core schema


class YAML12Loader(yaml.SafeLoader):
    """A SafeLoader whose implicit types are YAML 1.2 core schema's, with decimal integers only."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    ("merge", r"^<<$", "<"),
]:
    YAML12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


# In YAML an integer is written as one: `version: 1.0` is a real number, not the integer 1 that JSON
# Schema would take it for.
YAMLValidator = jsonschema.validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


class YAMLError(Exception):
    """A file that is not a single, well-formed YAML document."""


def _scalar(node: Any) -> Any:
    tag = node.tag.rsplit(":", 1)[-1] if node.tag.startswith("tag:yaml.org,2002:") else node.tag
    text = node.value
    if tag in ("str", "merge"):  # `<<` is a merge only as a key
        return text
    if tag == "null":
        return None
    if tag == "bool":
        if text.lower() not in ("true", "false"):
            raise YAMLError(f"line {node.start_mark.line + 1}: {text!r} is not a boolean")
        return text.lower() == "true"
    if tag == "int":
        try:
            return int(text, 10)
        except ValueError:
            raise YAMLError(f"line {node.start_mark.line + 1}: {text!r} is not a decimal integer") from None
    if tag == "float":
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        try:
            return float(text)
        except ValueError:
            raise YAMLError(f"line {node.start_mark.line + 1}: {text!r} is not a number") from None
    raise YAMLError(f"line {node.start_mark.line + 1}: unsupported tag {node.tag}")


def load_yaml(text: str) -> tuple[Any, dict[tuple, str]]:
    """Reads one YAML document.

    Returns the value and, for every plain scalar that resolved to something other than a string, its
    path and text, so that a string position can take the text as written.
    """
    try:
        root = yaml.compose(text, Loader=YAML12Loader)
    except yaml.YAMLError as error:
        raise YAMLError(" ".join(str(error).split())) from None
    plain: dict[tuple, str] = {}
    active: set[int] = set()

    def build(node: Any, path: tuple) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node)
            if not isinstance(value, str) and node.style is None and node.value != "":
                plain[path] = node.value
            return value
        if id(node) in active:
            raise YAMLError(f"line {node.start_mark.line + 1}: an alias refers to its own anchor")
        active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [build(item, path + (index,)) for index, item in enumerate(node.value)]
            return build_mapping(node, path)
        finally:
            active.discard(id(node))

    def entries(node: Any, merging: frozenset = frozenset()) -> dict[str, Any]:
        """The mapping's keys and value nodes, merges (`<<: *base`) applied: own keys win, then earlier sources."""
        if id(node) in merging:
            raise YAMLError(f"line {node.start_mark.line + 1}: a merge refers to its own mapping")
        own: dict[str, Any] = {}
        places: dict[str, str] = {}
        sources: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                if not all(isinstance(source, yaml.MappingNode) for source in merged):
                    raise YAMLError(f"line {key_node.start_mark.line + 1}: << must merge a mapping or a list of them")
                sources.extend(merged)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise YAMLError(f"line {key_node.start_mark.line + 1}: a mapping key must be a scalar")
            key = key_node.value
            place = f"line {key_node.start_mark.line + 1}, column {key_node.start_mark.column + 1}"
            if key in own:
                raise YAMLError(f"{place}: duplicate key {key!r} (first at {places[key]})")
            own[key] = value_node
            places[key] = place
        for source in sources:
            for key, value_node in entries(source, merging | {id(node)}).items():
                own.setdefault(key, value_node)
        return own

    def build_mapping(node: Any, path: tuple) -> dict:
        return {key: build(value_node, path + (key,)) for key, value_node in entries(node).items()}

    if root is None:
        return None, plain
    return build(root, ()), plain


# Validation


def _walk(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    for error in errors:
        yield error
        yield from _walk(error.context or [])


def _get(document: Any, path: tuple) -> Any:
    for part in path:
        document = document[part]
    return document


def _set(document: Any, path: tuple, value: Any) -> None:
    _get(document, path[:-1])[path[-1]] = value


def validate(validator: Draft202012Validator, document: Any, plain: dict[tuple, str]) -> list[ValidationError]:
    """Validates, reading plain scalars as strings wherever the schema expects a string."""
    document = copy.deepcopy(document)
    while True:
        errors = list(validator.iter_errors(document))
        retype = set()
        for error in _walk(errors):
            expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
            path = tuple(error.absolute_path)
            if error.validator == "type" and "string" in expected and path in plain:
                if not isinstance(_get(document, path), str):
                    retype.add(path)
        if not retype:
            return sorted(errors, key=lambda error: [str(part) for part in error.absolute_path])
        for path in retype:
            _set(document, path, plain[path])


def describe(error: ValidationError) -> str:
    """`$.steps[0]: 'target' is a required property`, with the likeliest cause of a oneOf/anyOf failure.

    Alternatives whose type does not fit the value are set aside; of the rest, the error deepest in the
    document wins (the branch that got furthest): `{goto: Next Step}` is reported as a bad step id, not
    as "not one of next, back, …".
    """
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for cause in error.context:
            branches.setdefault(cause.relative_schema_path[0], []).append(cause)
        fitting = [
            cause
            for causes in branches.values()
            if not any(cause.validator == "type" and not cause.relative_path for cause in causes)
            for cause in causes
        ]
        if not fitting:
            types = dict.fromkeys(str(cause.validator_value) for cause in error.context if cause.validator == "type")
            expected = " or ".join(types)
            return f"{error.json_path}: {_shorten(repr(error.instance))} is not of type {expected}"
        error = max(fitting, key=lambda cause: (len(cause.absolute_path), cause.validator != "type"))
    message = error.message
    if error.validator == "not" and error.validator_value == {} and isinstance(error.schema, dict):
        # A field the schema forbids at this place, with the schema's own explanation.
        message = error.schema.get("description") or f"{error.path[-1]!r} is not allowed here"
    elif error.validator == "pattern" and isinstance(error.schema, dict) and "title" in error.schema:
        # "'7 days' is not a valid Duration (a whole number and a unit: …)" beats the raw regular expression.
        message = f"{error.instance!r} is not a valid {error.schema['title']} ({error.schema.get('description', '')})"
    return f"{error.json_path}: {_shorten(message)}"


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


class Checker:
    """Runs the checks and keeps the tallies."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.valid = 0
        self.rejected = 0
        self.unmarked = 0
        self.problems = 0
        self.registry = referencing.Registry()
        self.validators: dict[str, Draft202012Validator] = {}
        self.missing: set[str] = set()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def ok(self, path: Path, note: str = "") -> None:
        self.valid += 1
        print(f"ok      {self.rel(path)}{note}")

    def problem(self, where: str, message: str) -> None:
        self.problems += 1
        print(f"FAIL    {where}: {message}")

    # (b) the schemas themselves

    def load_schemas(self) -> None:
        schemas: dict[Path, dict] = {}
        for path in sorted((self.root / "Schemas").glob("*.schema.json")):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as error:
                self.problem(self.rel(path), f"not JSON: {error}")
                continue
            if not isinstance(schema, dict):
                self.problem(self.rel(path), "a schema file must hold a JSON object")
                continue
            schema.setdefault("$id", path.resolve().as_uri())
            schemas[path] = schema
        resources = [
            (schema["$id"], referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT202012))
            for schema in schemas.values()
        ]
        self.registry = referencing.Registry().with_resources(resources)
        for path, schema in schemas.items():
            where = self.rel(path)
            if schema.get("$schema") != DRAFT_2020_12:
                self.problem(where, f"$schema must be {DRAFT_2020_12!r}, not {schema.get('$schema')!r}")
                continue
            try:
                Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as error:
                self.problem(where, f"not a valid draft 2020-12 schema: {describe(error)}")
                continue
            unresolved = self.unresolved_refs(schema)
            if unresolved:
                self.problem(where, "unresolvable $ref " + ", ".join(unresolved))
                continue
            self.validators[path.name] = Draft202012Validator(schema, registry=self.registry)
            self.ok(path, " (draft 2020-12)")

    def unresolved_refs(self, schema: dict) -> list[str]:
        resolver = self.registry.resolver(base_uri=schema["$id"])
        refs: list[str] = []

        def collect(node: Any, key: str = "") -> None:
            if key in ("const", "enum", "examples", "default"):
                return
            if isinstance(node, dict):
                for name, value in node.items():
                    if name == "$ref" and isinstance(value, str):
                        refs.append(value)
                    elif name in SCHEMA_MAPS and isinstance(value, dict):
                        for sub in value.values():
                            collect(sub)
                    else:
                        collect(value, name)
            elif isinstance(node, list):
                for item in node:
                    collect(item)

        collect(schema)
        unresolved = []
        for ref in refs:
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable:
                unresolved.append(repr(ref))
        return unresolved

    def validator(self, name: str, for_what: str) -> Draft202012Validator | None:
        validator = self.validators.get(name)
        if validator is None and name not in self.missing:
            self.missing.add(name)
            self.problem(f"Schemas/{name}", f"missing or invalid, so {for_what} cannot be checked")
        return validator

    # (a) the guides and the project file

    def check_guides(self) -> None:
        folder = self.root / "guides"
        files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
        if not files:
            self.problem("guides/", "no guides found")
            return
        for path in files:
            schema = "guidekit.schema.json" if path.stem == "guidekit" else "guide.schema.json"
            validator = self.validator(schema, self.rel(path))
            if validator is None:
                continue
            text = path.read_text(encoding="utf-8")
            header = f"# yaml-language-server: $schema=../Schemas/{schema}"
            if text.splitlines()[:1] != [header]:
                self.problem(self.rel(path), f"the first line must be {header!r}")
                continue
            errors = self.errors_in_yaml(validator, text)
            if errors:
                for message in errors[:MAX_ERRORS_PER_FILE]:
                    self.problem(self.rel(path), message)
            else:
                self.ok(path)

    def errors_in_yaml(self, validator: Draft202012Validator, text: str) -> list[str]:
        try:
            document, plain = load_yaml(text)
        except YAMLError as error:
            return [f"YAML: {error}"]
        strict = YAMLValidator(validator.schema, registry=self.registry)
        return [describe(error) for error in validate(strict, document, plain)]

    # (c) the fixtures

    def check_fixtures(self) -> None:
        folder = self.root / FIXTURES
        if not folder.is_dir():
            return
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")):
            lines = path.read_text(encoding="utf-8").splitlines()
            match = MARKER_LINE.match(lines[0]) if lines else None
            if match is None:
                self.unmarked += 1
                continue
            expectation = match.group(1)
            if expectation not in ("accept", "reject"):
                self.problem(self.rel(path), f"'# schema: {expectation}' must be '# schema: accept' or '# schema: reject'")
                continue
            schema = "guidekit.schema.json" if "guidekit" in path.name else "guide.schema.json"
            validator = self.validator(schema, self.rel(path))
            if validator is None:
                continue
            text = EMOJI_MARKERS.sub("", "\n".join(lines) + "\n")
            errors = self.errors_in_yaml(validator, text)
            if expectation == "accept":
                if errors:
                    self.problem(self.rel(path), f"should pass {schema} but: {errors[0]}")
                else:
                    self.ok(path, " (accepted)")
            elif errors:
                self.rejected += 1
                count = f"{len(errors)} errors, first" if len(errors) > 1 else "1 error"
                print(f"ok      {self.rel(path)} (rejected, {count}: {errors[0]})")
            else:
                self.problem(self.rel(path), f"should fail {schema} but passes")

    # (d) the example user states and event logs

    def check_examples(self) -> None:
        users = self.root / "examples" / "users"
        files = sorted(p for p in users.glob("*") if p.suffix in (".yaml", ".yml", ".json")) if users.is_dir() else []
        if files and (validator := self.validator("user-state.schema.json", "examples/users")):
            for path in files:
                text = path.read_text(encoding="utf-8")
                if path.suffix == ".json":
                    try:
                        errors = [describe(error) for error in validate(validator, json.loads(text), {})]
                    except json.JSONDecodeError as error:
                        errors = [f"JSON: {error}"]
                else:
                    errors = self.errors_in_yaml(validator, text)
                for message in errors[:MAX_ERRORS_PER_FILE]:
                    self.problem(self.rel(path), message)
                if not errors:
                    self.ok(path)
        events = self.root / "examples" / "events"
        logs = sorted(events.glob("*.jsonl")) if events.is_dir() else []
        if logs and (validator := self.validator("event.schema.json", "examples/events")):
            for path in logs:
                self.check_event_log(validator, path)

    def check_event_log(self, validator: Draft202012Validator, path: Path) -> None:
        failures = 0
        count = 0
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                count += 1
                try:
                    errors = [describe(error) for error in validate(validator, json.loads(line), {})]
                except json.JSONDecodeError as error:
                    errors = [f"JSON: {error}"]
                for message in errors:
                    failures += 1
                    if failures <= MAX_ERRORS_PER_FILE:
                        self.problem(f"{self.rel(path)}:{number}", message)
                    else:
                        self.problems += 1
        if failures > MAX_ERRORS_PER_FILE:
            print(f"FAIL    {self.rel(path)}: {failures - MAX_ERRORS_PER_FILE} more problems not shown")
        if failures == 0:
            self.ok(path, f" ({count} events)")

    # (e) the scenario tests

    def check_scenarios(self) -> None:
        folder = self.root / "guides" / "tests"
        files = sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
        if not files or (validator := self.validator("scenario.schema.json", "guides/tests")) is None:
            return
        header = "# yaml-language-server: $schema=../../Schemas/scenario.schema.json"
        for path in files:
            text = path.read_text(encoding="utf-8")
            errors = self.errors_in_yaml(validator, text)
            if not text.startswith(header):
                errors.insert(0, f"the first line must be '{header}'")
            for message in errors[:MAX_ERRORS_PER_FILE]:
                self.problem(self.rel(path), message)
            if not errors:
                self.ok(path)

    # (f) the decisions

    def find_guidekit(self, given: Path | None) -> Path | None:
        if given is not None:
            return given
        built = self.root / ".build" / "debug" / "guidekit"
        if built.is_file():
            return built
        print("building guidekit (swift build --product guidekit) …", file=sys.stderr)
        build = subprocess.run(["swift", "build", "--product", "guidekit"], cwd=self.root)
        return built if build.returncode == 0 and built.is_file() else None

    def run_guidekit(self, binary: Path, arguments: list[str]) -> tuple[int, str, str]:
        run = subprocess.run(
            [str(binary), *arguments], cwd=self.root, capture_output=True, text=True, timeout=300
        )
        return run.returncode, run.stdout, run.stderr

    def check_decision(self, validator: Draft202012Validator, where: str, decision: Any) -> bool:
        errors = [describe(error) for error in validate(validator, decision, {})]
        for message in errors[:MAX_ERRORS_PER_FILE]:
            self.problem(where, message)
        return not errors

    def check_decisions(self, given: Path | None) -> None:
        users = self.root / "examples" / "users"
        personas = sorted(p for p in users.glob("*") if p.suffix in (".yaml", ".yml", ".json")) if users.is_dir() else []
        scenarios_folder = self.root / "guides" / "tests"
        scenarios = sorted(p for p in scenarios_folder.glob("*") if p.suffix in (".yaml", ".yml")) if scenarios_folder.is_dir() else []
        if not personas and not scenarios:
            return
        validator = self.validator("decision.schema.json", "decisions")
        if validator is None:
            return
        binary = self.find_guidekit(given)
        if binary is None:
            self.problem("guidekit", "no binary to produce decisions with; build it or pass --guidekit PATH")
            return
        guides = sorted(p.stem for p in (self.root / "guides").glob("*.yaml") if p.stem != "guidekit")
        for persona in personas:
            contexts = [[]] + [["--launch", guide] for guide in guides]
            checked = 0
            shown: set[str] = set()
            for context in contexts:
                where = f"{self.rel(persona)} {' '.join(context)}".strip()
                code, out, err = self.run_guidekit(
                    binary, ["simulate", "--user", str(persona), "--format", "json", *context]
                )
                if code != 0:
                    self.problem(where, f"simulate exited {code}: {err.strip()[:200]}")
                    continue
                try:
                    decision = json.loads(out)["decision"]
                except (json.JSONDecodeError, KeyError, TypeError) as error:
                    self.problem(where, f"simulate printed no decision: {error}")
                    continue
                if self.check_decision(validator, where, decision):
                    checked += 1
                    if decision.get("step"):
                        shown.add(f"{decision['guide']}/{decision['step']['id']}")
            if checked == len(contexts):
                self.ok(persona, f" (decisions: {checked} contexts, shown {', '.join(sorted(shown)) or 'nothing'})")
        for scenario in scenarios:
            code, out, err = self.run_guidekit(binary, ["simulate", "--timeline", str(scenario), "--format", "json"])
            if code not in (0, 1) or not out.strip():
                self.problem(self.rel(scenario), f"simulate --timeline exited {code}: {err.strip()[:200]}")
                continue
            lines = [line for line in out.splitlines() if line.strip()]
            valid = 0
            kinds: set[str] = set()
            for line in lines:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError as error:
                    self.problem(self.rel(scenario), f"a timeline line is not JSON: {error}")
                    continue
                where = f"{self.rel(scenario)} (timeline line {entry.get('line')})"
                if "decision" not in entry:
                    self.problem(where, "no decision")
                    continue
                if self.check_decision(validator, where, entry["decision"]):
                    valid += 1
                    step = entry["decision"].get("step")
                    if step:
                        kinds.add(step["kind"])
            if valid == len(lines):
                self.ok(scenario, f" (decisions: {valid} lines, kinds {', '.join(sorted(kinds)) or 'none'})")

    def summary(self) -> str:
        text = (
            f"schemas: {self.valid} files valid, {self.rejected} invalid fixtures rejected, "
            f"{self.problems} problem{'' if self.problems == 1 else 's'}"
        )
        if self.unmarked:
            text += f" ({self.unmarked} lint fixtures without a '# schema:' line not checked)"
        return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the repository root (default: the script's parent folder)",
    )
    parser.add_argument("--guidekit", type=Path, help="the guidekit binary (default: .build/debug/guidekit)")
    parser.add_argument("--no-decisions", action="store_true", help="skip (f): do not run guidekit")
    arguments = parser.parse_args()
    checker = Checker(arguments.root.resolve())
    checker.load_schemas()
    checker.check_guides()
    checker.check_fixtures()
    checker.check_examples()
    checker.check_scenarios()
    if not arguments.no_decisions:
        checker.check_decisions(arguments.guidekit.resolve() if arguments.guidekit else None)
    print(checker.summary())
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main())
