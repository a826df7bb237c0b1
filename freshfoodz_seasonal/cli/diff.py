"""`seasonctl diff`: what a change does to a stack, offline (the work is in `diff_command`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, StackArgument
from freshfoodz_seasonal.config.model import Phase


class DiffFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"
    TABLE = "table"


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
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """What a change does to a stack: resources and fields, capacity, cost per hour and per season.

    Offline: no cloud credentials. With --base, the other side is the stack file and the code as they
    were at that git ref, read with `git archive`; the work tree is not touched.
    """
    # Imported here: it imports pulumi, which is slow, and only the commands that run the program need it.
    from freshfoodz_seasonal.cli.diff_command import run_diff  # noqa: PLC0415

    run_diff(stack, base, against, phase, against_phase, output_format, project_dir, clock_on(date))
