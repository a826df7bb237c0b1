"""`seasonctl validate`: every problem of a stack config at once."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, resolve_stack_file
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail
from freshfoodz_seasonal.cli.options import ProjectDirOption, StackArgument
from freshfoodz_seasonal.config.problems import ConfigError


def validate(stack: StackArgument, project_dir: ProjectDirOption = Path(".")) -> None:
    """Check a stack config and print every problem found."""
    try:
        path = resolve_stack_file(stack, project_dir)
        settings = load_stack_settings(path, load_catalog())
    except ConfigError as error:
        fail(EXIT_INVALID, [str(p) for p in error.problems] + [f"{len(error.problems)} problem(s) found"])
    Console(highlight=False).print(
        f"{path}: valid ({settings.season.name}, {len(settings.routes)} routes, "
        f"{len(settings.services)} services, {len(settings.workers)} workers)"
    )
