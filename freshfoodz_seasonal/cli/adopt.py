"""`seasonctl adopt`: a new stack's first update, importing the platform's database (the work is in `adopt_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, StackArgument, flag


def adopt(
    stack: StackArgument,
    yes: Annotated[bool, flag("--yes", "do not ask for confirmation")] = False,
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Before a stack's first season: import the platform's primary database in phase baseline.

    Sets `phase: baseline` in the stack file, checks with `pulumi preview` that the primary imports
    exactly as it runs (else it says which setting to correct, and changes nothing), runs `pulumi up`,
    and sets the phase back. From then on the T-14 `pulumi up` only changes the database's class.
    """
    # Imported here: it imports pulumi, which is slow, and only the commands that run the program need it.
    from freshfoodz_seasonal.cli.adopt_command import run_adopt  # noqa: PLC0415

    run_adopt(stack, yes, project_dir, clock_on(date))
