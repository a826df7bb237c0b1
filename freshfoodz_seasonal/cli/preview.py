"""`seasonctl preview`: what `pulumi up` would declare, offline (the work is in `preview_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.clock import clock_on
from freshfoodz_seasonal.cli.options import DateOption, ProjectDirOption, TableOrJson
from freshfoodz_seasonal.config.model import Phase


def preview(
    stacks: Annotated[
        list[str], typer.Argument(metavar="STACK|FILE...", help="one or more stack names or stack files")
    ],
    phase: Annotated[Phase | None, typer.Option(help="override the stacks' phase")] = None,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.TABLE,
    out: Annotated[
        Path | None,
        typer.Option(
            help="write resources.json, k8s/*.yaml and, at the peak, alerts.rules.yml and dashboard.json here "
            "(one folder per stack if several)"
        ),
    ] = None,
    date: DateOption = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """What `pulumi up` would declare, computed offline by running the program under Pulumi's mocks."""
    # Imported here: it imports pulumi, which is slow, and only the commands that run the program need it.
    from freshfoodz_seasonal.cli.preview_command import run_preview  # noqa: PLC0415

    run_preview(stacks, phase, output_format, out, project_dir, clock_on(date))
