"""`seasonctl warroom`: the season's war room as code: its runbook, its rota, and a drill through Grafana."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.help_format import FlagHelpCommand, FlagHelpGroup
from freshfoodz_seasonal.cli.options import (
    CaFileOption,
    InsecureOption,
    ProjectDirOption,
    QueryTimeoutOption,
    StackArgument,
    TableOrJson,
)

warroom = typer.Typer(
    name="warroom",
    cls=FlagHelpGroup,
    help="The season's war room: runbook, rota (who is on when) and a drill of its alert receivers.",
    no_args_is_help=True,
)


class RotaFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    ICS = "ics"


YearOption = Annotated[
    int | None,
    typer.Option(min=2000, max=2100, help="the year the season begins in; default the season running or next"),
]


@warroom.command(cls=FlagHelpCommand)
def rota(
    stack: StackArgument,
    roster: Annotated[Path, typer.Option(help="the roster: a YAML file of people, roles and days off", dir_okay=False)],
    year: YearOption = None,
    output_format: Annotated[RotaFormat, typer.Option("--format", help="table, json or ics")] = RotaFormat.TABLE,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """A primary and a secondary for every staffed hour, within the working-time limits (exit 3 if the roster
    cannot cover them, naming the hours and the limit that binds)."""
    from freshfoodz_seasonal.cli.warroom_rota import run_rota  # noqa: PLC0415 - the solver is slow to import

    run_rota(stack, roster, year, output_format.value, project_dir)


class RunbookFormat(StrEnum):
    MARKDOWN = "markdown"
    JSON = "json"


@warroom.command(cls=FlagHelpCommand)
def runbook(
    stack: StackArgument,
    year: YearOption = None,
    output_format: Annotated[RunbookFormat, typer.Option("--format", help="markdown or json")] = RunbookFormat.MARKDOWN,
    roster: Annotated[
        Path | None, typer.Option(help="also make the rota from this roster (YAML)", dir_okay=False)
    ] = None,
    grafana_url: Annotated[str | None, typer.Option(help="Grafana's base URL, to link the dashboard")] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The season's runbook: dates and staffed hours, the dashboard, where each severity goes, the escalation
    ladder, the levers and who decides them, and per alert what to do first."""
    from freshfoodz_seasonal.cli.warroom_runbook import run_runbook  # noqa: PLC0415 - the solver is slow to import

    run_runbook(stack, year, output_format.value, roster, grafana_url, project_dir)


@warroom.command(cls=FlagHelpCommand)
def drill(
    stack: StackArgument,
    grafana_url: Annotated[str, typer.Option(help="Grafana's base URL, as https://HOST:3000", show_default=False)],
    # Grafana gives each test 15 s of its own: the default waits longer, so Grafana's verdict arrives.
    timeout: QueryTimeoutOption = 30.0,
    ca_file: CaFileOption = None,
    insecure: InsecureOption = False,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.TABLE,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Grafana's test notification through each of the season's contact points: each integration's result
    (exit 7 if one fails, 4 if Grafana cannot be asked). The token comes from GRAFANA_TOKEN."""
    from freshfoodz_seasonal.cli.warroom_drill import run_drill  # noqa: PLC0415 - the HTTP client is slow to import

    run_drill(stack, grafana_url, timeout, ca_file, insecure, output_format.value, project_dir)
