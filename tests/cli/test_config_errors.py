"""A corpus of broken stack files: every one must end in exit 2 and a message naming file, key and value.

Each case starts from the frozen `Pulumi.weihnachten.yaml` (tests/support/stacks/frozen/), breaks one
thing, and is given to both `seasonctl validate FILE` and `seasonctl plan FILE` (in-process, through
typer's CliRunner).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from freshfoodz_seasonal.cli.app import app
from tests.support.project import ROOT, SHIPPED_STACKS, frozen_stack, shipped_stack, stack_file_config

NS = "freshfoodz-seasonal"
COMMANDS = ("validate", "plan")
BASE_TEXT = frozen_stack("weihnachten").read_text(encoding="utf-8")

Config = dict[str, Any]
Mutation = Callable[[Config], None]
KeyPath = tuple[str | int, ...]
NOT_GIVEN: Any = object()


# --- mutations of the `config:` mapping; paths are bare keys, the first one gets the namespace ----


def _parent(config: Config, path: KeyPath) -> tuple[Any, str | int]:
    first, *rest = path
    if not rest:
        return config, f"{NS}:{first}"
    node = config[f"{NS}:{first}"]
    for part in rest[:-1]:
        node = node[part]
    return node, rest[-1]


def put(path: KeyPath, value: Any) -> Mutation:
    def mutate(config: Config) -> None:
        parent, key = _parent(config, path)
        parent[key] = value

    return mutate


def drop(path: KeyPath) -> Mutation:
    def mutate(config: Config) -> None:
        parent, key = _parent(config, path)
        del parent[key]

    return mutate


def rename(path: KeyPath, new_key: str) -> Mutation:
    """Give the key at `path` another name (a typo); `new_key` is bare, or namespaced at the top."""

    def mutate(config: Config) -> None:
        parent, key = _parent(config, path)
        parent[new_key] = parent.pop(key)

    return mutate


def put_raw(key: str, value: Any) -> Mutation:
    """Set a config key exactly as written, namespace or not."""

    def mutate(config: Config) -> None:
        config[key] = value

    return mutate


def all_of(*mutations: Mutation) -> Mutation:
    def mutate(config: Config) -> None:
        for mutation in mutations:
            mutation(config)

    return mutate


# --- running the CLI ---------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_no_crash(result: Result) -> None:
    """The CLI exited on purpose: no exception escaped, no traceback printed."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


def write_stack(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def broken_stack(tmp_path: Path, mutation: Mutation) -> Path:
    document = yaml.safe_load(BASE_TEXT)
    config = copy.deepcopy(document["config"])
    mutation(config)
    document["config"] = config
    return write_stack(tmp_path, document)


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing `needle`."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    mutation: Mutation
    key: str
    got: Any = NOT_GIVEN
    says: tuple[str, ...] = ()


SEASON = ("season",)
UTIL = ("season", "targetUtilization")
WINDOW = ("season", "window")

CASES = [
    # wrong types
    Case(
        "string-for-number",
        put(("routes", 0, "baselineRps"), "fast"),
        f"{NS}:routes[0].baselineRps",
        got="fast",
        says=("valid number",),
    ),
    Case(
        "list-for-mapping",
        put(("nodes",), [1, 2]),
        f"{NS}:nodes",
        got=[1, 2],
        says=("instanceType",),
    ),
    Case("number-for-string", put(("season", "name"), 42), f"{NS}:season.name", got=42, says=("valid string",)),
    Case("mapping-for-list", put(("routes",), {"a": 1}), f"{NS}:routes", got={"a": 1}, says=("valid list",)),
    Case("fraction-for-integer", put(("services", 0, "slotsPerPod"), 2.5), f"{NS}:services[0].slotsPerPod", got=2.5),
    Case("word-for-boolean", put(("database", "multiAz"), "maybe"), f"{NS}:database.multiAz", got="maybe"),
    # values YAML parses into something a lax parser would convert
    Case("boolean-for-integer", put(("services", 0, "slotsPerPod"), True), f"{NS}:services[0].slotsPerPod", got=True),
    Case("boolean-for-number", put(("routes", 0, "baselineRps"), True), f"{NS}:routes[0].baselineRps", got=True),
    Case("numeric-string", put(("services", 0, "slotsPerPod"), "8"), f"{NS}:services[0].slotsPerPod", got="8"),
    Case("integer-for-boolean", put(("database", "multiAz"), 1), f"{NS}:database.multiAz", got=1),
    Case("infinity", put(("routes", 0, "baselineRps"), float("inf")), f"{NS}:routes[0].baselineRps", says=("finite",)),
    Case(
        "not-a-number", put(("season", "loadMultiplier"), float("nan")), f"{NS}:season.loadMultiplier", says=("finite",)
    ),
    Case(
        "huge-number",
        put(("routes", 0, "meanServiceTimeMs"), 1e308),
        f"{NS}:routes[0].meanServiceTimeMs",
        got=1e308,
        says=("less than or equal to 3600000",),
    ),
    Case("infinite-exchange-rate", put(("costs", "currencyPerUsd"), float("inf")), f"{NS}:costs.currencyPerUsd"),
    Case(
        "terminal-escape-in-title",
        put(("season", "title"), "x\x1b]0;pwned\x07"),
        f"{NS}:season.title",
        says=("printable",),
    ),
    Case("snake-case-key", rename(("routes", 0, "baselineRps"), "baseline_rps"), f"{NS}:routes[0].baseline_rps"),
    Case(
        "deployment-twice",
        put(("workers", 0, "deployment"), "freshfoodz-api"),
        f"{NS}:workers[0].deployment",
        says=("already scaled by services 'api'",),
    ),
    Case(
        "deployment-name-in-another-namespace",
        all_of(put(("workers", 0, "namespace"), "jobs"), put(("workers", 0, "deployment"), "freshfoodz-api")),
        f"{NS}:workers[0].deployment",
        says=("already scaled by services 'api' (namespace freshfoodz)", "across namespaces"),
    ),
    Case(
        "worker-named-like-a-service",
        put(("workers", 0, "name"), "api"),
        f"{NS}:workers[0].name",
        says=("'api' is also a service's name",),
    ),
    Case(
        "route-endpoint-twice",
        all_of(put(("routes", 4, "method"), "GET"), put(("routes", 4, "path"), "/api/products")),
        f"{NS}:routes[4].path",
        says=("GET /api/products is already route 'catalog-browse'",),
    ),
    Case(
        "reserved-matcher-label",
        put(("workers", 1, "backlogAgeMetric", "matchers"), {"__name__": "x"}),
        f"{NS}:workers[1].backlogAgeMetric.matchers.__name__",
        says=("reserved by Prometheus",),
    ),
    Case(
        "reserved-http-matcher-label",
        put(("metrics",), {"httpMatchers": {"__address__": "x"}}),
        f"{NS}:metrics.httpMatchers.__address__",
        says=("reserved by Prometheus",),
    ),
    Case(
        "sample-route-unknown",
        put(("metrics",), {"sampleRoute": "samples"}),
        f"{NS}:metrics.sampleRoute",
        says=("no route named 'samples'",),
    ),
    Case(
        "in-cluster-without-url",
        put(("loadTest",), {"inCluster": True}),
        f"{NS}:loadTest",
        says=("needs apiBaseUrl",),
    ),
    Case(
        "histogram-with-suffix",
        put(("metrics",), {"httpHistogram": "http_server_requests_seconds_bucket"}),
        f"{NS}:metrics",
        says=("base name",),
    ),
    Case(
        "season-name-too-long",
        put(("season", "name"), "weihnachten-und-silvester"),
        f"{NS}:season.name",
        got="weihnachten-und-silvester",
    ),
    Case(
        "metric-name-invalid",
        put(("metrics",), {"httpHistogram": "http-requests"}),
        f"{NS}:metrics.httpHistogram",
        got="http-requests",
    ),
    # zero and negative values
    Case("baseline-rps-zero", put(("routes", 0, "baselineRps"), 0), f"{NS}:routes[0].baselineRps", got=0),
    Case("slots-per-pod-negative", put(("services", 1, "slotsPerPod"), -1), f"{NS}:services[1].slotsPerPod", got=-1),
    Case(
        "mean-service-time-negative",
        put(("routes", 3, "meanServiceTimeMs"), -5),
        f"{NS}:routes[3].meanServiceTimeMs",
        got=-5,
    ),
    # utilization outside [0.01, 0.99]: the lower bound keeps the queueing maths finite
    Case(
        "utilization-one",
        put((*UTIL, "appServers"), 1.0),
        f"{NS}:season.targetUtilization.appServers",
        got=1.0,
        says=("from 0.01 to 0.99",),
    ),
    Case(
        "utilization-above-one", put((*UTIL, "appServers"), 1.5), f"{NS}:season.targetUtilization.appServers", got=1.5
    ),
    Case("utilization-zero", put((*UTIL, "workers"), 0), f"{NS}:season.targetUtilization.workers", got=0),
    Case("utilization-negative", put((*UTIL, "database"), -0.2), f"{NS}:season.targetUtilization.database", got=-0.2),
    # the season window
    Case("window-month-13", put((*WINDOW, "start"), "13-01"), f"{NS}:season.window.start", got="13-01"),
    Case("window-day-32", put((*WINDOW, "end"), "12-32"), f"{NS}:season.window.end", got="12-32"),
    Case(
        "window-february-29",
        put((*WINDOW, "end"), "02-29"),
        f"{NS}:season.window.end",
        got="02-29",
        says=("leap",),
    ),
    Case("window-not-mm-dd", put((*WINDOW, "start"), "1-1"), f"{NS}:season.window.start", got="1-1", says=("MM-DD",)),
    Case(
        "window-longer-than-a-season",
        all_of(put((*WINDOW, "start"), "11-02"), put((*WINDOW, "end"), "11-01")),
        f"{NS}:season.window",
        says=("11-02 to 11-01 lasts up to 366 days; a season lasts at most 349 days",),
    ),
    # unknown keys, with a suggestion
    Case(
        "unknown-top-level-key",
        rename(SEASON, f"{NS}:seasn"),
        f"{NS}:seasn",
        says=(f"did you mean '{NS}:season'",),
    ),
    Case(
        "unknown-key-in-list-item",
        rename(("routes", 0, "baselineRps"), "baselineRPS"),
        f"{NS}:routes[0].baselineRPS",
        says=("did you mean 'baselineRps'",),
    ),
    Case(
        "unknown-key-in-section",
        rename((*SEASON, "loadMultiplier"), "loadMultiplyer"),
        f"{NS}:season.loadMultiplyer",
        says=("did you mean 'loadMultiplier'",),
    ),
    Case(
        "config-key-without-namespace",
        put_raw("phase", "peak"),
        "config.phase",
        says=(f"{NS}:phase",),
    ),
    # catalog names
    Case(
        "unknown-instance-type",
        put(("nodes", "instanceType"), "m7g.xlarg"),
        f"{NS}:nodes.instanceType",
        got="m7g.xlarg",
        says=("did you mean m7g.xlarge",),
    ),
    Case(
        "unknown-rds-class",
        put(("database", "instanceClass"), "db.r7g.xlarg"),
        f"{NS}:database.instanceClass",
        got="db.r7g.xlarg",
        says=("unknown RDS class", "did you mean db.r7g.xlarge"),
    ),
    Case(
        "markup-style-in-value",
        put(("routes", 0, "baselineRps"), "[bold]fast"),
        f"{NS}:routes[0].baselineRps",
        got="[bold]fast",
    ),
    Case(
        "markup-in-value",
        put(("nodes", "instanceType"), "m7g.xlarge[/]"),
        f"{NS}:nodes.instanceType",
        got="m7g.xlarge[/]",
    ),
    # routes
    Case(
        "route-to-missing-service",
        put(("routes", 2, "service"), "checkout"),
        f"{NS}:routes[2].service",
        says=("no service named 'checkout'", "api, event-catering"),
    ),
    Case(
        "both-cv-and-p95",
        put(("routes", 1, "p95ServiceTimeMs"), 80),
        f"{NS}:routes[1]",
        says=("exactly one of serviceTimeCv and p95ServiceTimeMs",),
    ),
    Case(
        "neither-cv-nor-p95",
        drop(("routes", 1, "serviceTimeCv")),
        f"{NS}:routes[1]",
        says=("exactly one of serviceTimeCv and p95ServiceTimeMs",),
    ),
    Case(
        "p95-to-mean-above-3.87",
        all_of(drop(("routes", 1, "serviceTimeCv")), put(("routes", 1, "p95ServiceTimeMs"), 160)),
        f"{NS}:routes[1]",
        says=("= 4;", "3.87"),
    ),
    Case("empty-routes", put(("routes",), []), f"{NS}:routes", got=[], says=("at least 1",)),
    Case(
        "duplicate-route-names",
        put(("routes", 1, "name"), "catalog-browse"),
        f"{NS}:routes",
        says=("'catalog-browse' is used 2 times",),
    ),
    # missing sections
    Case("missing-database", drop(("database",)), f"{NS}:database", says=("missing required key", "instanceClass")),
    Case("missing-window", drop(WINDOW), f"{NS}:season.window", says=("missing required key", "start, end")),
    # other sections
    Case("bad-phase", put(("phase",), "peek"), f"{NS}:phase", got="peek", says=("'peak'", "'baseline'")),
    Case(
        "usd-with-rate",
        put(("costs", "currency"), "USD"),
        f"{NS}:costs",
        says=("currency USD needs currencyPerUsd 1.0",),
    ),
    Case(
        "bad-subnet-id",
        put(("platform", "subnetIds", 1), "subnet-xyz"),
        f"{NS}:platform.subnetIds[1]",
        got="subnet-xyz",
    ),
    Case(
        "pod-bigger-than-node",
        put(("services", 0, "cpuRequestMillicores"), 64_000),
        f"{NS}:services[0]",
        says=("64000m CPU", "does not fit on a m7g.xlarge node"),
    ),
    Case(
        "baseline-max-above-cap",
        put(("services", 0, "baselineMaxReplicas"), 61),
        f"{NS}:services[0].baselineMaxReplicas",
        says=("61 is above maxReplicasCap 60", "at most 60"),
    ),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_broken_config_is_invalid_input(tmp_path: Path, case: Case, command: str) -> None:
    path = broken_stack(tmp_path, case.mutation)

    result = run(command, str(path))

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    prefix = f"error: {path}: {case.key}: "
    lines = [line for line in error_lines(result) if line.startswith(prefix)]
    assert lines, f"no message starting {prefix!r} in:\n{result.stderr}"
    message = lines[0]
    if case.got is not NOT_GIVEN:
        assert message.endswith(f"(got {case.got!r})"), message
    for text in case.says:
        assert text in message


# --- files that are not YAML, or not a stack ------------------------------------------------------

SUBNETS_BLOCK = "".join(f"      - subnet-0a1b2c3d4e5f6000{i}\n" for i in (1, 2, 3))
UNCLOSED_TEXT = BASE_TEXT.replace(
    "    subnetIds:\n" + SUBNETS_BLOCK,
    "    subnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002, subnet-0a1b2c3d4e5f60003\n",
)
BAD_INDENT_TEXT = BASE_TEXT.replace("    title: Weihnachten", "   title: Weihnachten")
TAB_TEXT = BASE_TEXT.replace("    title: Weihnachten", "\ttitle: Weihnachten")
DUPLICATE_TEXT = BASE_TEXT.replace("    maxNodes: 20\n", "    maxNodes: 20\n    maxNodes: 30\n")
DUPLICATE_TOP_TEXT = BASE_TEXT.replace(f"  {NS}:phase: peak\n", f"  {NS}:phase: peak\n  {NS}:phase: baseline\n")


@dataclass(frozen=True)
class TextCase:
    id: str
    text: str
    key: str
    says: str


TEXT_CASES = [
    # The parser notices the missing ']' where the next key starts, the line after the bracket.
    TextCase(
        "unclosed-bracket",
        UNCLOSED_TEXT,
        f"line {line_of(UNCLOSED_TEXT, 'subnetIds: [') + 1}, column 28",
        "invalid YAML: expected ',' or ']'",
    ),
    TextCase(
        "bad-indentation", BAD_INDENT_TEXT, f"line {line_of(BAD_INDENT_TEXT, 'title:')}, column 4", "invalid YAML"
    ),
    TextCase("tab", TAB_TEXT, f"line {line_of(TAB_TEXT, 'title:')}, column 1", "invalid YAML: found character '\\t'"),
    TextCase(
        "duplicate-key",
        DUPLICATE_TEXT,
        f"line {line_of(DUPLICATE_TEXT, 'maxNodes: 30')}, column 5",
        "found the key 'maxNodes' twice",
    ),
    TextCase(
        "duplicate-top-level-key",
        DUPLICATE_TOP_TEXT,
        f"line {line_of(DUPLICATE_TOP_TEXT, 'phase: baseline')}, column 3",
        f"found the key '{NS}:phase' twice",
    ),
    TextCase(
        "complex-key", "config:\n  ? [a, b]\n  : 1\n", "line 2, column 5", "found a key that is not a plain value"
    ),
    TextCase("empty-file", "", "config", "a stack file is a mapping with a `config:` mapping inside"),
    TextCase("file-is-a-list", "- peak\n- baseline\n", "config", "a stack file is a mapping"),
    TextCase("no-config-mapping", "config: peak\n", "config", "a stack file is a mapping"),
]


def test_text_cases_really_change_the_file() -> None:
    """Guards the table above: each replace() found its target."""
    for case in TEXT_CASES[:5]:
        assert case.text != BASE_TEXT, case.id


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in TEXT_CASES])
def test_unreadable_stack_file_is_invalid_input(tmp_path: Path, case: TextCase, command: str) -> None:
    path = tmp_path / "Pulumi.broken.yaml"
    path.write_text(case.text, encoding="utf-8")

    result = run(command, str(path))

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    lines = error_lines(result)
    assert lines[0].startswith(f"error: {path}: {case.key}: "), result.stderr
    assert case.says in lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_stack_lists_the_stacks(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.chdir(ROOT)

    result = run(command, "nosuchstack")

    assert_no_crash(result)
    assert result.exit_code == 2
    assert error_lines(result)[0] == (
        f"error: Pulumi.nosuchstack.yaml: file: no such stack file; stacks in .: {', '.join(SHIPPED_STACKS)}"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_problem_in_a_file_is_reported(tmp_path: Path, command: str) -> None:
    path = broken_stack(
        tmp_path,
        all_of(
            put(("routes", 0, "baselineRps"), 0),
            put(("services", 1, "slotsPerPod"), -1),
            put(("database", "readShare"), 1.5),
        ),
    )

    result = run(command, str(path))

    assert_no_crash(result)
    assert result.exit_code == 2
    problems = [line for line in error_lines(result) if line.startswith(f"error: {path}: ")]
    assert [line.split(": ")[2] for line in problems] == [
        f"{NS}:routes[0].baselineRps",
        f"{NS}:services[1].slotsPerPod",
        f"{NS}:database.readShare",
    ]
    assert [line.rsplit(" (got ", 1)[1] for line in problems] == ["0)", "-1)", "1.5)"]
    if command == "validate":
        assert error_lines(result)[-1] == "error: 3 problems found"


def test_cross_section_problems_are_all_reported(tmp_path: Path) -> None:
    path = broken_stack(
        tmp_path,
        all_of(
            put(("routes", 2, "service"), "checkout"),
            put(("services", 0, "cpuRequestMillicores"), 64_000),
            put(("nodes", "availabilityZones"), 4),
        ),
    )

    result = run("validate", str(path))

    assert result.exit_code == 2
    keys = [line.split(": ")[2] for line in error_lines(result)[:-1]]
    assert sorted(keys) == sorted([f"{NS}:routes[2].service", f"{NS}:services[0]", f"{NS}:platform.subnetIds"])
    assert error_lines(result)[-1] == "error: 3 problems found"


def test_a_bad_value_does_not_hide_a_broken_reference(tmp_path: Path) -> None:
    path = broken_stack(
        tmp_path,
        all_of(put(("services", 0, "slotsPerPod"), 0), put(("routes", 0, "service"), "apii")),
    )

    result = run("validate", str(path))

    assert result.exit_code == 2
    keys = [line.split(": ")[2] for line in error_lines(result)[:-1]]
    assert keys == [f"{NS}:services[0].slotsPerPod", f"{NS}:routes[0].service"]


def test_a_bad_value_does_not_hide_an_unknown_kpi_route(tmp_path: Path) -> None:
    path = broken_stack(
        tmp_path,
        all_of(put(("services", 0, "slotsPerPod"), 0), put(("kpis", "p95Routes"), ["sample-request", "nosuch"])),
    )

    result = run("validate", str(path))

    assert result.exit_code == 2
    keys = [line.split(": ")[2] for line in error_lines(result)[:-1]]
    assert keys == [f"{NS}:services[0].slotsPerPod", f"{NS}:kpis.p95Routes[1]"]
    assert "no route named 'nosuch'; accepted: one of " in error_lines(result)[1]


def test_a_directory_is_not_a_stack_file(tmp_path: Path) -> None:
    result = run("plan", str(tmp_path))

    assert_no_crash(result)
    assert result.exit_code == 2
    assert error_lines(result)[0] == f"error: {tmp_path}: file: is a directory; give a stack file or a stack name"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stack_is_valid(monkeypatch: pytest.MonkeyPatch, stack: str) -> None:
    monkeypatch.chdir(ROOT)
    config = stack_file_config(shipped_stack(stack))

    result = run("validate", stack)

    assert_no_crash(result)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    counts = f"{len(config[f'{NS}:routes'])} routes, {len(config[f'{NS}:services'])} services"
    assert " ".join(result.stdout.split()).startswith(f"Pulumi.{stack}.yaml: valid ({stack}, {counts}")


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ({"start": "13-40", "end": "12-31"}, f"{NS}:warRoom.days.start: '13-40' is not a real date"),
        ({"start": "12-01"}, f"{NS}:warRoom.days.end: missing required key; accepted: last day, MM-DD"),
        ("weekend", f"{NS}:warRoom.days: input should be 'window' or 'wiesn'; accepted: window (the season's)"),
    ],
)
def test_a_key_of_several_forms_is_named_by_its_path_with_the_problem_of_the_form_given(
    tmp_path: Path, days: Any, expected: str
) -> None:
    # warRoom.days is `window`, `wiesn` or {start, end}: a mapping is judged as the mapping, a text as a text.
    path = broken_stack(tmp_path, put(("warRoom", "days"), days))
    result = run("validate", str(path))
    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    (problem,) = [line for line in error_lines(result) if line.startswith(f"error: {path}: ")]
    assert problem.startswith(f"error: {path}: {expected}"), problem


def test_a_stack_without_the_default_sample_route_is_told_to_name_its_own(tmp_path: Path) -> None:
    # Another shop's stack that names no metrics.sampleRoute: the default is no route of it, and says so.
    document = yaml.safe_load((ROOT / "tests/support/stacks/Pulumi.summer-sale.yaml").read_text(encoding="utf-8"))
    del document["config"][f"{NS}:metrics"]["sampleRoute"]
    path = write_stack(tmp_path, document)
    result = run("validate", str(path))
    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    problem, count = error_lines(result)
    assert count == "error: 1 problem found"
    assert problem.startswith(
        f"error: {path}: {NS}:metrics.sampleRoute: no route named 'sample-request' (the default where "
        "metrics.sampleRoute is not set); name the route whose success rate is your business KPI, one of "
    ), problem
