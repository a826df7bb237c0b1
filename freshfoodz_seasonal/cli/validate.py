"""`seasonctl validate`: every problem of a stack config at once."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.stack_calendar import stack_name_problem
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, resolve_stack_file
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail
from freshfoodz_seasonal.cli.options import ProjectDirOption, StackArgument
from freshfoodz_seasonal.config.problems import ConfigError


def validate(stack: StackArgument, project_dir: ProjectDirOption = Path(".")) -> None:
    """Check a stack config and print every problem found."""
    problems: list[str] = []
    try:
        path = resolve_stack_file(stack, project_dir)
        problems += [problem] if (problem := stack_name_problem(path)) else []
        settings = load_stack_settings(path, load_catalog())
    except ConfigError as error:
        problems += [str(p) for p in error.problems]
    if problems:
        fail(EXIT_INVALID, [*problems, f"{len(problems)} problem(s) found"])
    Console(highlight=False).print(
        f"{path}: valid ({settings.season.name}, {len(settings.routes)} routes, "
        f"{len(settings.services)} services, {len(settings.workers)} workers)"
    )
