"""The `seasonctl` command line. Thin: parse, call the pure packages, format, set the exit code.

Exit codes: 0 done, 2 invalid input (config, flags), 3 infeasible request, 4 Prometheus could not be
read, 5 the data gives no baseline, 6 the Pulumi CLI is missing or a step of a rollback failed, 1 aborted
at the confirmation prompt.
`plan`, `size` and `validate` import neither pulumi nor the components (start-up time matters).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import yaml
from rich.console import Console
from rich.text import Text

from capacity.catalog import Catalog
from capacity.errors import InfeasibleError
from capacity.pool_sizing import Method, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.playbook_files import load_done_ids, load_playbooks
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, read_stack_file, resolve_stack_file
from freshfoodz_seasonal.adapters.text_files import write_text_atomically
from freshfoodz_seasonal.cli.calendar_view import calendar_as_dict, calendar_sections
from freshfoodz_seasonal.cli.plan_view import plan_heading, plan_sections
from freshfoodz_seasonal.cli.playbook_view import PlaybookView
from freshfoodz_seasonal.cli.size_args import SizeArguments
from freshfoodz_seasonal.cli.size_view import size_as_dict, size_sections
from freshfoodz_seasonal.cli.tables import to_markdown, to_rich
from freshfoodz_seasonal.config.model import Phase, StackSettings
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.content.loadtest.k6_operator import in_cluster_manifests
from freshfoodz_seasonal.content.loadtest.k6_script import k6_script
from freshfoodz_seasonal.metrics.promql import duration_seconds
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE, resource_prefix
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.plan.summary import plan_as_dict
from freshfoodz_seasonal.playbooks.calendar import OverlapError, SeasonEntry, SeasonRule, year_calendar
from freshfoodz_seasonal.playbooks.schedule import dated_playbook, playbook_year
from freshfoodz_seasonal.seasons.windows import deployed_season_year, resolve_window

if TYPE_CHECKING:
    from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient
    from freshfoodz_seasonal.baseline.measure import RouteBaseline
    from freshfoodz_seasonal.baseline.queries import BaselineWindow
    from freshfoodz_seasonal.baseline.stack_update import Change
    from freshfoodz_seasonal.preview.capture import Capture
    from freshfoodz_seasonal.review.snapshot import Snapshot

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_PROMETHEUS = 4
EXIT_NO_BASELINE = 5
EXIT_PULUMI = 6
EXIT_ABORTED = 1
# A baseline window from one day (a daily cycle) to 400 days (a year and a season).
MIN_BASELINE_WINDOW_S = 86_400
MAX_BASELINE_WINDOW_S = 400 * 86_400

app = typer.Typer(
    name="seasonctl",
    help="Plan and prepare FreshFoodz's seasonal peaks (Spargel, Oktoberfest, Weihnachten) from a stack config.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class SizeFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


StackArgument = Annotated[
    str, typer.Argument(metavar="STACK|FILE", help="a stack name (reads Pulumi.<stack>.yaml) or a stack file")
]
ProjectDirOption = Annotated[
    Path, typer.Option("--project-dir", help="where the Pulumi.<stack>.yaml files are", file_okay=False)
]


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(code: int, lines: list[str]) -> NoReturn:
    console = _stderr()
    for line in lines:
        # Values from the user's file may contain brackets: never read them as rich markup.
        console.print(Text("error: ", style="red") + Text(line))
    raise typer.Exit(code)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def _stack_name(path: Path) -> str:
    name = path.name
    if name.startswith("Pulumi.") and name.endswith(".yaml"):
        return name.removeprefix("Pulumi.").removesuffix(".yaml")
    return path.stem


def _load_stack(stack: str, project_dir: Path, catalog: Catalog) -> tuple[Path, StackSettings]:
    """The stack file and its validated settings; exit 2 with every problem otherwise."""
    try:
        path = resolve_stack_file(stack, project_dir)
        return path, load_stack_settings(path, catalog)
    except ConfigError as error:
        _fail(EXIT_INVALID, [str(p) for p in error.problems])


@app.command()
def plan(
    stack: StackArgument,
    output_format: Annotated[PlanFormat, typer.Option("--format", help="table, json or markdown")] = PlanFormat.TABLE,
    method: Annotated[
        Method, typer.Option(help="model (queueing) or seed (the original plan's formula)")
    ] = Method.MODEL,
    year: Annotated[
        int | None,
        typer.Option(
            min=2000,
            max=2100,
            help="season year; default: the running one (or one ended in the last 7 days), else the next",
        ),
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The whole capacity plan of a season: pods, HPAs, workers, database, nodes and cost."""
    catalog = load_catalog()
    path, settings = _load_stack(stack, project_dir, catalog)
    window = settings.season.window
    season = year if year is not None else deployed_season_year(window.start, window.end, dt.date.today())
    try:
        result = plan_season(settings, catalog, _stack_name(path), season, method)
    except InfeasibleError as error:
        _fail(EXIT_INFEASIBLE, [f"{path}: infeasible: {error}"])
    if output_format is PlanFormat.JSON:
        _print_json(plan_as_dict(result))
    elif output_format is PlanFormat.MARKDOWN:
        sys.stdout.write(to_markdown(plan_heading(result), plan_sections(result)))
    else:
        Console(highlight=False).print(to_rich(plan_heading(result), plan_sections(result)))


def _previewable(
    stack: str, project_dir: Path, catalog: Catalog
) -> tuple[str, dict[str, Any], StackSettings, SeasonPlan]:
    """(stack name, stack config, settings, plan) of a valid and feasible stack; exits 2 or 3 otherwise."""
    path, settings = _load_stack(stack, project_dir, catalog)
    config = read_stack_file(path)  # read and checked just above: the file is a valid stack file
    window = settings.season.window
    year = deployed_season_year(window.start, window.end, dt.date.today())
    try:
        plan = plan_season(settings, catalog, _stack_name(path), year)
    except InfeasibleError as error:
        _fail(EXIT_INFEASIBLE, [f"{path}: infeasible: {error}"])
    return _stack_name(path), config, settings, plan


@dataclass(frozen=True)
class _ProgramRun:
    name: str
    settings: StackSettings
    plan: SeasonPlan
    capture: Capture


def _run_programs(requests: list[tuple[str, Phase | None]], project_dir: Path, catalog: Catalog) -> list[_ProgramRun]:
    """Runs the Pulumi program under mocks for each (stack, phase override); exits 2 or 3 on a bad stack.

    Every stack is checked before any program runs: nothing is registered for a bad one.
    """
    program = project_dir / "__main__.py"
    if not program.is_file():
        _fail(EXIT_INVALID, [f"{program}: no Pulumi program here; run from the project or pass --project-dir"])
    checked = [(_previewable(stack, project_dir, catalog), phase) for stack, phase in requests]
    # Imported here: pulumi is slow to import and only the commands that run the program need it.
    from freshfoodz_seasonal.preview.capture import release_runtime, run_program, stack_config  # noqa: PLC0415

    runs = []
    for (name, config, settings, plan), phase in checked:
        if phase is not None:
            config[f"{CONFIG_NAMESPACE}:phase"] = phase.value
        runs.append(
            _ProgramRun(name, settings, plan, run_program(program, CONFIG_NAMESPACE, name, stack_config(config)))
        )
    release_runtime()
    return runs


@app.command()
def preview(
    stacks: Annotated[
        list[str], typer.Argument(metavar="STACK|FILE...", help="one or more stack names or stack files")
    ],
    phase: Annotated[Phase | None, typer.Option(help="override the stacks' phase")] = None,
    output_format: Annotated[SizeFormat, typer.Option("--format", help="table or json")] = SizeFormat.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(
            help="write resources.json, k8s/*.yaml and, at the peak, alerts.rules.yml and dashboard.json here "
            "(one folder per stack if several)"
        ),
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """What `pulumi up` would declare, computed offline by running the program under Pulumi's mocks."""
    catalog = load_catalog()
    runs = _run_programs([(stack, phase) for stack in stacks], project_dir, catalog)
    names = [run.name for run in runs]
    if len(set(names)) < len(names):
        _fail(EXIT_INVALID, [f"the same stack name is given twice: {', '.join(sorted(names))}"])
    # Imported here: pulumi is slow to import and only preview needs it.
    from freshfoodz_seasonal.declaration.monitoring import monitoring_files  # noqa: PLC0415
    from freshfoodz_seasonal.preview.output import OutputRefused, write_tree  # noqa: PLC0415
    from freshfoodz_seasonal.preview.render import kubernetes_manifests, preview_tree, resources_document  # noqa: PLC0415

    captures = {run.name: run.capture for run in runs}
    planned = {run.name: (run.settings, run.plan) for run in runs}
    documents = {name: resources_document(capture) for name, capture in captures.items()}
    if out is not None:
        files = {}
        for name, capture in captures.items():
            folder = f"{name}/" if len(captures) > 1 else ""
            files[f"{folder}resources.json"] = _json_text(documents[name])
            files |= {f"{folder}k8s/{file}": text for file, text in kubernetes_manifests(capture).items()}
            if documents[name]["outputs"]["phase"] == "peak":
                files |= {f"{folder}{file}": text for file, text in monitoring_files(*planned[name]).items()}
        try:
            write_tree(out, files)
        except (OutputRefused, OSError) as error:
            _fail(EXIT_INVALID, [f"--out: {error}"])
    if output_format is SizeFormat.JSON:
        only = next(iter(documents.values()))
        sys.stdout.write(_json_text(only if len(documents) == 1 else {"stacks": documents}))
        return
    console = Console(highlight=False)
    for name, capture in captures.items():
        console.print(
            preview_tree(capture, f"{name} ({documents[name]['outputs']['phase']}): {len(capture.resources)} resources")
        )


class DiffFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"
    TABLE = "table"


def _snapshot_at(ref: str, stack: str, project_dir: Path) -> Snapshot:
    """The stack as the code and the stack file at `ref` declare it; exit 2 if that cannot be had."""
    import tempfile  # noqa: PLC0415

    from freshfoodz_seasonal.adapters.git_tree import GitError, export, resolve  # noqa: PLC0415
    from freshfoodz_seasonal.adapters.program_snapshot import SnapshotError, snapshot_of_folder  # noqa: PLC0415

    try:
        project = resolve(ref, project_dir)
        with tempfile.TemporaryDirectory(prefix="seasonctl-diff-") as folder:
            label = f"{ref} ({project.commit[:10]})"
            return snapshot_of_folder(export(project, project_dir, Path(folder)), stack, label)
    except (GitError, SnapshotError) as error:
        _fail(EXIT_INVALID, [f"--base {ref}: {error}"])


@app.command()
def diff(
    stack: StackArgument,
    base: Annotated[
        str | None, typer.Option(help="compare with the stack and code at this git ref; the default is HEAD")
    ] = None,
    against: Annotated[
        str | None, typer.Option(metavar="STACK|FILE", help="compare with another stack (this code, this tree)")
    ] = None,
    phase: Annotated[Phase | None, typer.Option(help="override STACK's phase")] = None,
    against_phase: Annotated[
        Phase | None, typer.Option(help="override the phase of the other side (with --against, or STACK itself)")
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="markdown (a PR comment), json or table")
    ] = DiffFormat.MARKDOWN,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """What a change does to a stack: resources and fields, capacity, cost per hour and per season.

    Offline: no cloud credentials. With --base, the other side is the stack file and the code as they
    were at that git ref, read with `git archive`; the work tree is not touched.
    """
    from freshfoodz_seasonal.cli.diff_view import diff_as_dict, diff_markdown, diff_sections  # noqa: PLC0415
    from freshfoodz_seasonal.review.stack_diff import compare  # noqa: PLC0415

    if base is not None and (against is not None or against_phase is not None):
        _fail(EXIT_INVALID, ["--base compares with a git ref; --against and --against-phase with this tree: pick one"])
    catalog = load_catalog()
    path = _load_stack(stack, project_dir, catalog)[0]
    name = _stack_name(path)
    after_label = "this tree" + (f", phase {phase.value}" if phase else "")
    if base is None and against is None and against_phase is None:
        base = "HEAD"
    prefixes = None
    if base is not None:
        # --phase overrides this side only: the base side is the stack as committed.
        runs = _run_programs([(stack, phase)], project_dir, catalog)
        before = _snapshot_at(base, name, project_dir)
    else:
        other = against or stack
        runs = _run_programs([(other, against_phase), (stack, phase)], project_dir, catalog)
        other_label = runs[0].name + (f", phase {against_phase.value}" if against_phase else "")
        before = _snapshot_of(runs[0], other_label)
        seasons = (runs[0].settings.season.name, runs[1].settings.season.name)
        prefixes = (resource_prefix(seasons[0]), resource_prefix(seasons[1]))
        runs = runs[1:]
    after = _snapshot_of(runs[0], after_label)
    result = compare(name, before, after, prefixes)
    if output_format is DiffFormat.JSON:
        _print_json(diff_as_dict(result))
    elif output_format is DiffFormat.MARKDOWN:
        sys.stdout.write(diff_markdown(result))
    else:
        Console(highlight=False).print(to_rich(result.headline, diff_sections(result)))


@app.command()
def rollback(
    stack: StackArgument,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    keep_seasonal: Annotated[
        bool,
        typer.Option(
            "--keep-seasonal", help="re-apply the baseline values but keep the season's own resources for now"
        ),
    ] = False,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """After the season: baseline values back, then the season's own resources removed; nothing lost.

    Shows what the baseline phase changes (the offline diff), asks, sets `phase: baseline` in the
    stack file and runs `pulumi up` twice through the Pulumi CLI: first only the resources the
    platform owns, then the whole stack. The adopted primary database is never deleted.
    """
    from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed  # noqa: PLC0415
    from freshfoodz_seasonal.cli.diff_view import diff_sections  # noqa: PLC0415
    from freshfoodz_seasonal.cli.rollback_command import (  # noqa: PLC0415
        BaselineTargets,
        RollbackStopped,
        backend_stack_name,
        rollback_steps,
        run_steps,
    )
    from freshfoodz_seasonal.preview.urns import engine_urns  # noqa: PLC0415
    from freshfoodz_seasonal.review.stack_diff import compare  # noqa: PLC0415

    catalog = load_catalog()
    path = _load_stack(stack, project_dir, catalog)[0]
    name = _stack_name(path)
    # Pulumi reads the stack's config from this file: edit any other, and the update would not see it.
    if path.resolve() != (project_dir / f"Pulumi.{name}.yaml").resolve():
        expected = project_dir / f"Pulumi.{name}.yaml"
        _fail(EXIT_INVALID, [f"{path}: rollback edits the stack file Pulumi reads, {expected}; give that one"])
    current, baseline_run = _run_programs([(stack, None), (stack, Phase.BASELINE)], project_dir, catalog)
    result = compare(name, _snapshot_of(current, "now"), _snapshot_of(baseline_run, "after rollback"))
    console = Console(highlight=False)
    console.print(to_rich(result.headline, diff_sections(result)))
    declared = baseline_run.capture.resources
    kept = [r for r in declared if r.custom and r.import_id]
    if not kept or not all(r.protect and r.retain_on_delete for r in kept):
        _fail(EXIT_INVALID, [f"{path}: the adopted database is not protected and retained in phase baseline; refusing"])
    urns = engine_urns(declared, name, CONFIG_NAMESPACE)
    targets = BaselineTargets(
        kubernetes=[urns[i] for i, r in enumerate(declared) if r.custom and r.type.startswith("kubernetes:")],
        database=[urns[i] for i, r in enumerate(declared) if r.custom and not r.type.startswith("kubernetes:")],
    )
    try:
        cli = PulumiCli.find(project_dir)
        qualified = backend_stack_name(cli, name)
    except PulumiFailed as error:
        _fail(EXIT_PULUMI, [str(error), "nothing changed"])
    steps = rollback_steps(cli, path, qualified, targets, keep_seasonal, lambda line: console.print(Text(line)))
    if not yes and not typer.confirm(f"Roll back {name}: {len(steps)} steps. Go on?", default=False):
        _fail(EXIT_ABORTED, ["aborted; nothing changed"])
    try:
        run_steps(steps, lambda line: console.print(Text(line)), name, qualified)
    except RollbackStopped as error:
        _fail(EXIT_PULUMI, str(error).splitlines())
    console.print(Text(f"{name} is back at its baseline values. Commit {path.name} (phase: baseline)."))
    if keep_seasonal:
        console.print(
            Text(f"The season's own resources are still there; `seasonctl rollback {name} --yes` removes them.")
        )


def _snapshot_of(run: _ProgramRun, label: str) -> Snapshot:
    from freshfoodz_seasonal.preview.render import resources_document  # noqa: PLC0415
    from freshfoodz_seasonal.review.snapshot import Snapshot  # noqa: PLC0415

    return Snapshot.of_documents(label, resources_document(run.capture), plan_as_dict(run.plan))


def _json_text(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        _fail(EXIT_INVALID, [f"--date: {text!r} is not a date; accepted: YYYY-MM-DD, e.g. 2026-10-15"])
    if not 2000 <= day.year <= 2100:
        _fail(EXIT_INVALID, [f"--date: {text!r}; accepted: a date in the years 2000 to 2100"])
    return day


@app.command()
def playbook(
    stack: StackArgument,
    date: Annotated[str | None, typer.Option(help="the day to judge the steps on, YYYY-MM-DD; default today")] = None,
    done_file: Annotated[
        Path | None, typer.Option(help="a YAML list of the ids of steps already done", dir_okay=False)
    ] = None,
    output_format: Annotated[PlanFormat, typer.Option("--format", help="table, json or markdown")] = PlanFormat.TABLE,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The season's T-milestone playbook: every step with its date and its state, most urgent first."""
    today = _parse_date(date)
    path, settings = _load_stack(stack, project_dir, load_catalog())
    try:
        done = load_done_ids(done_file) if done_file is not None else frozenset()
    except ConfigError as error:
        _fail(EXIT_INVALID, [str(p) for p in error.problems])
    steps = load_playbooks().steps_of(settings.season.name)
    unknown = sorted(done - {step.id for step in steps})
    if unknown:
        _fail(EXIT_INVALID, [f"{done_file}: no such step: {', '.join(unknown)}; accepted: the ids `playbook` lists"])
    window_rule = settings.season.window
    year = playbook_year(window_rule.start, window_rule.end, steps, today)
    window = resolve_window(window_rule.start, window_rule.end, year)
    values = {"stack": _stack_name(path), "multiplier": f"{settings.season.load_multiplier:g}"}
    view = PlaybookView(
        _stack_name(path), settings.season, window, today, dated_playbook(steps, window, today, done, values)
    )
    if output_format is PlanFormat.JSON:
        _print_json(view.as_dict())
    elif output_format is PlanFormat.MARKDOWN:
        sys.stdout.write(to_markdown(view.heading(), view.sections()))
    else:
        Console(highlight=False).print(to_rich(view.heading(), view.sections()))


class CalendarFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    ICS = "ics"


def _all_stacks(project_dir: Path, catalog: Catalog) -> list[tuple[str, StackSettings]]:
    stacks = []
    problems = []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        try:
            stacks.append((_stack_name(path), load_stack_settings(path, catalog)))
        except ConfigError as error:
            problems += [str(p) for p in error.problems]
    if problems:
        _fail(EXIT_INVALID, problems)
    if not stacks:
        _fail(EXIT_INVALID, [f"{project_dir}: no Pulumi.<stack>.yaml files here; pass --project-dir"])
    return stacks


@app.command()
def calendar(
    year: Annotated[int | None, typer.Option(min=2000, max=2100, help="the year; default this year")] = None,
    output_format: Annotated[
        CalendarFormat, typer.Option("--format", help="table, json or ics")
    ] = CalendarFormat.TABLE,
    chart: Annotated[Path | None, typer.Option(help="also draw the year into this .png or .svg file")] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Every stack's season window and playbook milestones in a year; ics for the release calendar."""
    now = dt.datetime.now(dt.UTC)
    if chart is not None and chart.suffix.lower() not in {".png", ".svg"}:
        _fail(EXIT_INVALID, [f"--chart: {chart}; accepted: a file name ending in .png or .svg"])
    catalog = load_catalog()
    stacks = _all_stacks(project_dir, catalog)
    rules = [
        SeasonRule(
            name, s.season.name, s.season.title, s.season.load_multiplier, s.season.window.start, s.season.window.end
        )
        for name, s in stacks
    ]
    try:
        entries = year_calendar(rules, year or now.year, load_playbooks())
    except OverlapError as error:
        _fail(EXIT_INVALID, [str(error)])
    if chart is not None:
        _draw_chart(stacks, entries, year or now.year, chart, catalog)
    if output_format is CalendarFormat.ICS:
        from freshfoodz_seasonal.playbooks.ics import calendar_ics  # noqa: PLC0415 - icalendar is slow to import, only ics needs it

        sys.stdout.write(calendar_ics(entries, now).decode("utf-8"))
    elif output_format is CalendarFormat.JSON:
        _print_json(calendar_as_dict(entries))
    else:
        Console(highlight=False).print(to_rich(f"Seasons in {year or now.year}", calendar_sections(entries)))


def _draw_chart(
    stacks: list[tuple[str, StackSettings]], entries: list[SeasonEntry], year: int, path: Path, catalog: Catalog
) -> None:
    # Imported here: matplotlib is slow to import and only the chart needs it.
    from freshfoodz_seasonal.cli.year_chart import PlannedCapacity, draw_year  # noqa: PLC0415

    capacity = {}
    for name, settings in stacks:
        try:
            plan = plan_season(settings, catalog, name, year)
        except InfeasibleError as error:
            _fail(EXIT_INFEASIBLE, [f"{name}: infeasible: {error}"])
        capacity[name] = PlannedCapacity(sum(s.pods for s in plan.services), plan.nodes.nodes)
    try:
        draw_year(entries, capacity, year, path)
    except OSError as error:
        _fail(EXIT_INVALID, [f"--chart: cannot write {path}: {error}"])


@app.command()
def loadtest(
    stack: StackArgument,
    out: Annotated[Path | None, typer.Option(help="write the script (or the manifests) here instead of stdout")] = None,
    in_cluster: Annotated[
        bool, typer.Option("--in-cluster", help="a ConfigMap and a k6-operator TestRun instead of a script")
    ] = False,
    api_base_url: Annotated[
        str | None, typer.Option(help="the API's URL as the in-cluster runners reach it (with --in-cluster)")
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The season's k6 peak test: baseline to the season's multiplier, with the business thresholds."""
    catalog = load_catalog()
    path, settings = _load_stack(stack, project_dir, catalog)
    if in_cluster and not api_base_url:
        _fail(EXIT_INVALID, ["--in-cluster needs --api-base-url, e.g. http://freshfoodz-api.freshfoodz.svc:8080"])
    window = settings.season.window
    try:
        plan = plan_season(
            settings, catalog, _stack_name(path), deployed_season_year(window.start, window.end, dt.date.today())
        )
    except InfeasibleError as error:
        _fail(EXIT_INFEASIBLE, [f"{path}: infeasible: {error}"])
    try:
        if in_cluster:
            manifests = in_cluster_manifests(settings, plan, api_base_url or "")
            text = yaml.safe_dump_all(manifests, sort_keys=False)
        else:
            text = k6_script(settings, plan)
    except ValueError as error:
        _fail(EXIT_INVALID, [f"{path}: {error}"])
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_text_atomically(out, text)
        except OSError as error:
            _fail(EXIT_INVALID, [f"--out: cannot write {out}: {error}"])


@app.command()
def validate(stack: StackArgument, project_dir: ProjectDirOption = Path(".")) -> None:
    """Check a stack config and print every problem found."""
    try:
        path = resolve_stack_file(stack, project_dir)
        settings = load_stack_settings(path, load_catalog())
    except ConfigError as error:
        _fail(EXIT_INVALID, [str(p) for p in error.problems] + [f"{len(error.problems)} problem(s) found"])
    Console(highlight=False).print(
        f"{path}: valid ({settings.season.name}, {len(settings.routes)} routes, "
        f"{len(settings.services)} services, {len(settings.workers)} workers)"
    )


@app.command()
def size(
    rps: Annotated[float, typer.Option(help="arrival rate, requests per second (> 0)")],
    service_time_ms: Annotated[float, typer.Option(help="mean service time in ms (> 0)")],
    slots_per_pod: Annotated[int, typer.Option(help="requests one pod serves at once (>= 1)")],
    p95_slo_ms: Annotated[float, typer.Option(help="p95 response time objective in ms (> 0)")],
    target_utilization: Annotated[float, typer.Option(help="utilisation cap, 0 < u < 1")],
    service_cv: Annotated[float, typer.Option(help="service time coefficient of variation (> 0)")] = 1.0,
    routing: Annotated[
        Routing, typer.Option(help="per-pod (Kubernetes Service) or pooled (one queue)")
    ] = Routing.PER_POD,
    method: Annotated[
        Method, typer.Option(help="model (queueing) or seed (the original plan's formula)")
    ] = Method.MODEL,
    output_format: Annotated[SizeFormat, typer.Option("--format", help="table or json")] = SizeFormat.TABLE,
) -> None:
    """Ad-hoc sizing of one pool of pods for one route."""
    arguments = SizeArguments(rps, service_time_ms, service_cv, slots_per_pod, p95_slo_ms, target_utilization)
    problems = arguments.problems()
    if problems:
        _fail(EXIT_INVALID, problems)
    spec = PoolSpec(
        routes=(RouteLoad("route", rps, ServiceTime(service_time_ms / 1000.0, service_cv), p95_slo_ms / 1000.0),),
        slots_per_pod=slots_per_pod,
        target_utilization=target_utilization,
        routing=routing,
    )
    try:
        sizing = size_pool(spec, method)
    except InfeasibleError as error:
        _fail(EXIT_INFEASIBLE, [f"infeasible: {error}"])
    if output_format is SizeFormat.JSON:
        _print_json(size_as_dict(spec, sizing))
    else:
        Console(highlight=False).print(to_rich(f"{rps:g} rps at {service_time_ms:g} ms", size_sections(spec, sizing)))


def _parse_end(text: str | None, step_s: float) -> float:
    """The evaluation time in Unix seconds: `text` (ISO 8601; no offset means UTC), or now rounded down to a step."""
    if text is None:
        return float(int(dt.datetime.now(dt.UTC).timestamp() // step_s) * step_s)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(
            EXIT_INVALID, [f"--end: {text!r} is not a time; accepted: ISO 8601, e.g. 2026-10-31 or 2026-10-31T06:00Z"]
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment > dt.datetime.now(dt.UTC):
        _fail(EXIT_INVALID, [f"--end: {text!r} is in the future; accepted: a time up to now"])
    return moment.timestamp()


def _baseline_window(window: str, rate_window: str) -> BaselineWindow:
    from freshfoodz_seasonal.baseline.queries import BaselineWindow  # noqa: PLC0415

    try:
        seconds = duration_seconds(window)
    except ValueError:
        _fail(EXIT_INVALID, [f"--window: {window!r} is not a duration; accepted: e.g. 14d, 2w, 336h"])
    if not MIN_BASELINE_WINDOW_S <= seconds <= MAX_BASELINE_WINDOW_S:
        _fail(EXIT_INVALID, [f"--window: {window!r}; accepted: 1d to 400d"])
    return BaselineWindow(window=window, rate_window=rate_window)


def _prometheus_client(url: str, timeout_s: float, ca_file: Path | None, insecure: bool) -> PrometheusClient:
    """The client, with credentials from the environment; exit 2 on a bad URL, CA file or credentials."""
    from freshfoodz_seasonal.adapters.prometheus_http import (  # noqa: PLC0415
        CaFileError,
        CredentialsError,
        PrometheusClient,
        credentials_from_environment,
    )

    if ca_file is not None and not ca_file.is_file():
        _fail(EXIT_INVALID, [f"--ca-file: {ca_file} is not a file"])
    try:
        credentials = credentials_from_environment(os.environ)
        client = PrometheusClient(url, credentials, timeout_s, str(ca_file) if ca_file else None, not insecure)
    except CredentialsError as error:
        _fail(EXIT_INVALID, [str(error)])
    except CaFileError as error:
        _fail(EXIT_INVALID, [f"--ca-file: {error}"])
    except ValueError as error:
        _fail(EXIT_INVALID, [f"--prometheus-url: {error}"])
    warnings = ["TLS certificates are not checked"] if insecure else []
    if client.sends_credentials_in_clear:
        warnings.append("the credentials go over plain http://, readable on the way; use https:// if you can")
    for warning in warnings:
        _stderr().print(Text("warning: ", style="yellow") + Text(warning))
    return client


def _write_baseline(path: Path, original: str, routes: list[RouteBaseline], catalog: Catalog) -> list[Change]:
    """Replaces the stack file with the measured routes, if the result is a valid stack; exits otherwise."""
    from freshfoodz_seasonal.baseline.stack_update import StackUpdateError  # noqa: PLC0415
    from freshfoodz_seasonal.cli.baseline_command import updated_stack  # noqa: PLC0415

    try:
        text, changes = updated_stack(path, original, routes, catalog)
    except ConfigError as error:
        _fail(
            EXIT_NO_BASELINE,
            [*(f"the measured values do not fit: {p}" for p in error.problems), f"{path}: nothing written"],
        )
    except StackUpdateError as error:
        _fail(EXIT_INVALID, [f"{path}: {error}; nothing written"])
    try:
        write_text_atomically(path, text, expected=original.encode("utf-8"))
    except OSError as error:
        _fail(EXIT_INVALID, [f"{path}: cannot write: {error}; the file is unchanged"])
    return changes


@app.command()
def baseline(
    prometheus_url: Annotated[
        str, typer.Option(help="Prometheus's base URL, e.g. https://prometheus.example:9090", show_default=False)
    ],
    window: Annotated[str, typer.Option(help="how far back to look, a PromQL duration: 14d, 2w, 336h")] = "14d",
    end: Annotated[str | None, typer.Option(help="the window's end, ISO 8601 (no offset: UTC); default now")] = None,
    stack: Annotated[
        str | None,
        typer.Option(metavar="STACK|FILE", help="measure this stack's routes with its metrics names and matchers"),
    ] = None,
    write: Annotated[
        bool, typer.Option("--write", help="update the stack file's routes (baselineRps, service times)")
    ] = False,
    output_format: Annotated[SizeFormat, typer.Option("--format", help="table or json")] = SizeFormat.TABLE,
    timeout: Annotated[float, typer.Option(min=1, max=600, help="seconds to wait for each query")] = 30.0,
    ca_file: Annotated[
        Path | None, typer.Option(help="trust this CA bundle (PEM) for Prometheus's certificate", dir_okay=False)
    ] = None,
    insecure_skip_tls_verify: Annotated[
        bool, typer.Option("--insecure-skip-tls-verify", help="do not check Prometheus's certificate (not advised)")
    ] = False,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Measure each route's baseline from Prometheus: peak rate, mean and p95 service time, CV, errors.

    Credentials come from the environment: PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and
    PROMETHEUS_PASSWORD. Exit 4 if Prometheus cannot be read, 5 if a route's data gives no baseline;
    in both cases nothing is written.
    """
    # Imported here: only this command needs the HTTP client, the fit and the YAML round trip.
    from freshfoodz_seasonal.adapters.prometheus_http import PrometheusUnavailable  # noqa: PLC0415
    from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError  # noqa: PLC0415
    from freshfoodz_seasonal.cli.baseline_command import Scope, measure_baseline  # noqa: PLC0415
    from freshfoodz_seasonal.cli.baseline_view import baseline_as_dict, baseline_heading, baseline_sections  # noqa: PLC0415
    from freshfoodz_seasonal.metrics.names import MetricNames  # noqa: PLC0415

    if write and stack is None:
        _fail(EXIT_INVALID, ["--write needs --stack: the stack file whose routes are updated"])
    catalog = load_catalog()
    path, original = None, ""
    scope = Scope(MetricNames(), (), ())
    rate_window = "5m"
    if stack is not None:
        path, settings = _load_stack(stack, project_dir, catalog)
        original = path.read_bytes().decode("utf-8")
        scope, rate_window = Scope.of_stack(settings), settings.metrics.rate_window
    baseline_window = _baseline_window(window, rate_window)
    end_s = _parse_end(end, duration_seconds(baseline_window.step))
    client = _prometheus_client(prometheus_url, timeout, ca_file, insecure_skip_tls_verify)
    try:
        measured = measure_baseline(client, scope, baseline_window, end_s)
    except (PrometheusUnavailable, PrometheusAnswerError) as error:
        _fail(EXIT_PROMETHEUS, [str(error)])
    # With a stack, one route without a baseline means no write: show what was measured, then say why.
    refused = stack is not None and bool(measured.problems)
    changes = None
    if write and path is not None and not refused:
        changes = _write_baseline(path, original, measured.routes, catalog)
    if output_format is SizeFormat.JSON:
        _print_json(baseline_as_dict(measured, changes))
    else:
        Console(highlight=False).print(to_rich(baseline_heading(measured), baseline_sections(measured, changes)))
    if refused:
        _fail(EXIT_NO_BASELINE, [*map(str, measured.problems), *([f"{path}: nothing written"] if write else [])])
    if not measured.routes:
        _fail(EXIT_NO_BASELINE, ["no route gives a baseline"])


def main() -> None:
    app()
