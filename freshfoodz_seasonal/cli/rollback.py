"""`seasonctl rollback`: a stack back to its baseline after the season (the work is in `rollback_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, StackArgument, flag


def rollback(
    stack: StackArgument,
    yes: Annotated[bool, flag("--yes", "do not ask for confirmation")] = False,
    keep_seasonal: Annotated[
        bool,
        flag("--keep-seasonal", "re-apply the baseline values but keep the season's own resources for now"),
    ] = False,
    early: Annotated[
        str | None,
        typer.Option(metavar="REASON", help="roll back while the season still runs, for this reason (it is printed)"),
    ] = None,
    any_hour: Annotated[
        str | None,
        typer.Option(
            metavar="REASON", help="change the database's class outside the stack's quiet hour, for this reason"
        ),
    ] = None,
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """After the season: baseline values back, then the season's own resources removed; nothing lost.

    Refuses while the season runs (from its T-14 to its last day) unless --early gives a reason, and while
    another season owns the shared resources. Shows what the baseline phase changes (the offline diff),
    asks, sets `phase: baseline` in the stack file and runs `pulumi up` three times through the Pulumi
    CLI: the platform's Kubernetes objects, then the database, then the whole stack (not with
    --keep-seasonal), checking the stack file before each. The adopted primary database is never deleted.
    With --date, the checks hold on that day and on today.
    """
    # Imported here: it imports pulumi, which is slow, and only the commands that run the program need it.
    from freshfoodz_seasonal.cli.rollback_command import run_rollback  # noqa: PLC0415

    run_rollback(stack, yes, keep_seasonal, early, any_hour, project_dir, clock_on(date))
