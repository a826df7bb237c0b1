"""`seasonctl validate`: every problem of a stack config at once."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.stack_calendar import stack_name_problem
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, resolve_stack_file
from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, warn
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, StackArgument
from freshfoodz_seasonal.cli.stacks import calendar_findings
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.visible import escaped


def validate(stack: StackArgument, date: DateOption = None, project_dir: ProjectDirOption = Path(".")) -> None:
    """Check a stack config, and its season against the project's other stack files; print every problem found."""
    problems: list[str] = []
    catalog = load_catalog()
    try:
        path = resolve_stack_file(stack, project_dir)
        problems += [problem] if (problem := stack_name_problem(path)) else []
        settings = load_stack_settings(path, catalog)
    except ConfigError as error:
        problems += [str(p) for p in error.problems]
    if problems:
        fail(EXIT_INVALID, [*problems, f"{counted(len(problems), 'problem')} found"])
    findings = calendar_findings(path, settings, catalog, clock_on(date).today)
    if findings.conflict is not None:
        fail(EXIT_INVALID, [f"{path}: {findings.conflict}", f"{counted(1, 'problem')} found"])
    if findings.late is not None:
        warn(f"{path}: {findings.late.describe()}")
    Console(highlight=False).print(
        Text(
            escaped(
                f"{path}: valid ({settings.season.name}, {counted(len(settings.routes), 'route')}, "
                f"{counted(len(settings.services), 'service')}, {counted(len(settings.workers), 'worker')})"
            )
        )
    )
