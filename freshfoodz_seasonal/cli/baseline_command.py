"""`seasonctl baseline`: check the flags, ask Prometheus, show what was measured, and update the stack file.

The steps are kept apart so a failure in any of them leaves the stack file as it was: all queries
run and every route (and workload's CPU) is measured before the new file text is made; the new
text must validate as a stack before it replaces the file, in one rename.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.prometheus_http import (
    CaFileError,
    CredentialsError,
    PrometheusClient,
    PrometheusUnavailable,
    credentials_from_environment,
)
from freshfoodz_seasonal.adapters.text_files import NotWritable, check_writable, write_text_atomically
from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError
from freshfoodz_seasonal.baseline.queries import BaselineWindow
from freshfoodz_seasonal.baseline.stack_update import Change, StackUpdateError
from freshfoodz_seasonal.cli.baseline_measure import Baseline, Scope, cpu_workloads, measure_baseline, updated_stack
from freshfoodz_seasonal.cli.baseline_view import baseline_as_dict, baseline_heading, baseline_sections
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, EXIT_NO_BASELINE, EXIT_PROMETHEUS, fail, print_json, warn
from freshfoodz_seasonal.cli.options import TableOrJson
from freshfoodz_seasonal.cli.stacks import load_stack
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.metrics.names import DEFAULT_RATE_WINDOW, MetricNames
from freshfoodz_seasonal.metrics.promql import duration_seconds

# A baseline window from one day (a daily cycle) to 400 days (a year and a season).
MIN_BASELINE_WINDOW_S = 86_400
MAX_BASELINE_WINDOW_S = 400 * 86_400


@dataclass(frozen=True)
class BaselineRequest:
    """The command's flags, as given."""

    prometheus_url: str
    window: str
    end: str | None
    stack: str | None
    write: bool
    timeout_s: float
    ca_file: Path | None
    insecure: bool
    project_dir: Path
    accept_warnings: bool = False
    measure_cpu: bool = True
    """With a stack: measure each workload's CPU per request or job (--no-cpu: not)."""
    skip_cpu: tuple[str, ...] = ()
    """Services and workers whose CPU is not measured (--skip-cpu): their cpu in the stack stays as it is."""


def run_baseline(request: BaselineRequest, output_format: TableOrJson, now: dt.datetime) -> None:
    """Checks the flags and the stack, measures, shows, and writes the stack file if asked and all went well."""
    if request.write and request.stack is None:
        fail(EXIT_INVALID, ["--write needs --stack: the stack file whose routes are updated"])
    if request.skip_cpu and request.stack is None:
        fail(EXIT_INVALID, ["--skip-cpu needs --stack: it names a service or worker of the stack"])
    catalog = load_catalog()
    path, original = None, ""
    scope = Scope(MetricNames(), (), ())
    rate_window = DEFAULT_RATE_WINDOW
    if request.stack is not None:
        loaded = load_stack(request.stack, request.project_dir, catalog)
        path, original = loaded.path, loaded.path.read_bytes().decode("utf-8")
        check_skip_cpu(request.skip_cpu, cpu_workloads(loaded.settings))
        if request.write:
            _check_writable_stack_file(path)
        scope = Scope.of_stack(loaded.settings, request.measure_cpu, request.skip_cpu)
        rate_window = loaded.settings.metrics.rate_window
    window = baseline_window(request.window, rate_window)
    end_s = parse_end(request.end, duration_seconds(window.step), now)
    client = prometheus_client(request.prometheus_url, request.timeout_s, request.ca_file, request.insecure)
    try:
        measured = measure_baseline(client, scope, window, end_s)
    except (PrometheusUnavailable, PrometheusAnswerError) as error:
        fail(EXIT_PROMETHEUS, [client.shown(str(error))])
    # With a stack, one route or workload without a baseline means no write: show what was measured, then
    # say why. So do Prometheus's warnings: a partial answer can under-state the rate, and so plan too few pods.
    partial = bool(measured.warnings) and not request.accept_warnings
    unmeasured = bool(measured.problems) or bool(measured.cpu_problems)
    refused = (request.stack is not None and unmeasured) or partial
    changes = None
    if request.write and path is not None and not refused:
        quiet_hour = measured.profile.quiet_hour if measured.profile is not None else None
        changes = write_baseline(path, original, measured, catalog, quiet_hour)
    if output_format is TableOrJson.JSON:
        print_json(baseline_as_dict(measured, changes))
    else:
        Console(highlight=False).print(
            to_rich(baseline_heading(measured), baseline_sections(measured, changes)), crop=False
        )
    if refused:
        nothing_written = [f"{path}: nothing written"] if request.write else []
        partial_note = (
            [
                f"Prometheus warned {counted(len(measured.warnings), 'time')} that its answers may be partial, "
                "which can under-state the rate; check the warnings above, or give --accept-warnings to use the answers"
            ]
            if partial
            else []
        )
        problems = [*map(str, measured.problems), *map(str, measured.cpu_problems)]
        fail(EXIT_NO_BASELINE, [*problems, *partial_note, *nothing_written])
    if not measured.routes:
        fail(EXIT_NO_BASELINE, ["no route gives a baseline"])


def check_skip_cpu(skip: Sequence[str], workloads: Sequence[str]) -> None:
    """Exit 2 if `--skip-cpu` names something that is not a service or worker of the stack."""
    unknown = [name for name in skip if name not in workloads]
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        verb = "is not a service or worker" if len(unknown) == 1 else "are not services or workers"
        fail(EXIT_INVALID, [f"--skip-cpu: {names} {verb} of the stack; accepted: {', '.join(workloads)}"])


def parse_end(text: str | None, step_s: float, now: dt.datetime) -> float:
    """The evaluation time in Unix seconds: `text` (ISO 8601; no offset means UTC), or `now` rounded down to a step."""
    if text is None:
        return float(int(now.timestamp() // step_s) * step_s)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(EXIT_INVALID, [f"--end: {text!r} is not a time; accepted: ISO 8601, e.g. 2026-10-31 or 2026-10-31T06:00Z"])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment > now:
        fail(EXIT_INVALID, [f"--end: {text!r} is in the future; accepted: a time up to now"])
    return moment.timestamp()


def baseline_window(window: str, rate_window: str) -> BaselineWindow:
    """The window `--window` names, from one day to 400; exit 2 otherwise."""
    try:
        seconds = duration_seconds(window)
    except ValueError:
        fail(EXIT_INVALID, [f"--window: {window!r} is not a duration; accepted: e.g. 14d, 2w, 336h"])
    if not MIN_BASELINE_WINDOW_S <= seconds <= MAX_BASELINE_WINDOW_S:
        fail(EXIT_INVALID, [f"--window: {window!r}; accepted: 1d to 400d"])
    return BaselineWindow(window=window, rate_window=rate_window)


def prometheus_client(url: str, timeout_s: float, ca_file: Path | None, insecure: bool) -> PrometheusClient:
    """The client, with credentials from the environment; exit 2 on a bad URL, CA file or credentials."""
    if ca_file is not None and not ca_file.is_file():
        fail(EXIT_INVALID, [f"--ca-file: {ca_file} is not a file"])
    try:
        credentials = credentials_from_environment(os.environ)
        client = PrometheusClient(url, credentials, timeout_s, str(ca_file) if ca_file else None, not insecure)
    except CredentialsError as error:
        fail(EXIT_INVALID, [str(error)])
    except CaFileError as error:
        fail(EXIT_INVALID, [f"--ca-file: {error}"])
    except ValueError as error:
        fail(EXIT_INVALID, [f"--prometheus-url: {error}"])
    if insecure:
        warn("TLS certificates are not checked")
    if client.sends_credentials_in_clear:
        warn("the credentials go over plain http://, readable on the way; use https:// if you can")
    return client


def _check_writable_stack_file(path: Path) -> None:
    """--write's stack file, checked before anything is measured: exit 2 if it cannot be replaced."""
    try:
        check_writable(path)
    except NotWritable as error:
        fail(EXIT_INVALID, [f"{path}: --write cannot replace it: {error}; nothing measured"])


def write_baseline(
    path: Path, original: str, measured: Baseline, catalog: Catalog, quiet_hour: int | None
) -> list[Change]:
    """Replaces the stack file with the measured routes and CPU, if the result is a valid stack; exits otherwise."""
    try:
        text, changes = updated_stack(path, original, measured.routes, catalog, quiet_hour, measured.measured_cpu)
    except ConfigError as error:
        fail(
            EXIT_NO_BASELINE,
            [*(f"the measured values do not fit: {p}" for p in error.problems), f"{path}: nothing written"],
        )
    except StackUpdateError as error:
        fail(EXIT_INVALID, [f"{path}: {error}; nothing written"])
    try:
        write_text_atomically(path, text, expected=original.encode("utf-8"))
    except OSError as error:
        fail(EXIT_INVALID, [f"{path}: cannot write: {error}; the file is unchanged"])
    return changes
