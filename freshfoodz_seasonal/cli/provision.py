"""`seasonctl provision`: the season's peak put in place step by step (the work is in `provision_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, StackArgument, flag


def provision(
    stack: StackArgument,
    yes: Annotated[bool, flag("--yes", "do not ask for confirmation")] = False,
    step: Annotated[
        list[str] | None,
        typer.Option(
            metavar="NAME", help="run only this step of the provisioning plan (see seasonctl plan); repeatable"
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option(metavar="FILE", dir_okay=False, help="write each step's measured minutes as JSON here"),
    ] = None,
    any_hour: Annotated[
        str | None,
        typer.Option(
            metavar="REASON", help="run a disruptive step outside the stack's quiet hour, for this reason (printed)"
        ),
    ] = None,
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Before the season: the peak put in place as the provisioning plan's steps, each a targeted update.

    Refuses outside the season's span (from its T-14 to its rollback day) and while another season owns
    the shared resources. Shows what the peak changes (the offline diff) and the steps with their
    estimated minutes and disruptions, asks, sets `phase: peak` in the stack file and runs one
    `pulumi up --target` per step through the Pulumi CLI (replicas, the primary's class, nodes and
    pods, controls and monitoring), then a full `pulumi up`, checking the stack file before each. At
    the end it shows each step's measured minutes next to its estimate; --record writes them as JSON.
    With --step (repeatable), only those steps run, on the day the plan dates them. A step that disrupts (the
    failover) runs only in the stack's quiet hour (season.quietHour, Europe/Berlin, real clock) unless
    --any-hour gives a reason. With --date, the checks hold on that day and on today.
    """
    # Imported here: it imports pulumi, which is slow, and only the commands that run the program need it.
    from freshfoodz_seasonal.cli.provision_command import run_provision  # noqa: PLC0415

    run_provision(stack, yes, tuple(step or ()), record, any_hour, project_dir, clock_on(date))
