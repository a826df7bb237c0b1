"""The `seasonctl` command line: one module per command, registered here in the order `--help` lists them.

Thin: each command parses its flags, calls the pure packages, formats, and sets the exit code
(`exits`). `plan`, `size` and `validate` import neither pulumi nor the components (start-up time
matters): a command that needs something slow to import (pulumi, matplotlib, icalendar, the HTTP
client) imports its worker module inside the command function.
"""

from __future__ import annotations

import typer

from freshfoodz_seasonal.cli import (
    adopt,
    baseline,
    calendar,
    diff,
    due,
    loadtest,
    plan,
    playbook,
    preview,
    provision,
    rollback,
    size,
    track,
    validate,
)
from freshfoodz_seasonal.cli.help_format import FlagHelpCommand, FlagHelpGroup
from freshfoodz_seasonal.cli.warroom import warroom

app = typer.Typer(
    name="seasonctl",
    cls=FlagHelpGroup,
    help="Plan and prepare seasonal peaks (e.g. Spargel, Oktoberfest, Weihnachten), one stack config per season.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for command in (
    plan.plan,
    preview.preview,
    diff.diff,
    adopt.adopt,
    provision.provision,
    rollback.rollback,
    playbook.playbook,
    calendar.calendar,
    due.due,
    loadtest.loadtest,
    validate.validate,
    size.size,
    baseline.baseline,
    track.track,
):
    app.command(cls=FlagHelpCommand)(command)
app.add_typer(warroom)


def main() -> None:
    app()
