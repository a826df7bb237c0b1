"""Arguments, options and output formats that several commands share, so they read the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class ReportFormat(StrEnum):
    """A report: table for the terminal, JSON with stable keys, markdown for pull requests."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


class TableOrJson(StrEnum):
    TABLE = "table"
    JSON = "json"


StackArgument = Annotated[
    str, typer.Argument(metavar="STACK|FILE", help="a stack name (reads Pulumi.<stack>.yaml) or a stack file")
]
ProjectDirOption = Annotated[
    Path, typer.Option("--project-dir", help="where the Pulumi.<stack>.yaml files are", file_okay=False)
]
DateOption = Annotated[
    str | None,
    typer.Option(help="judge as on this day, YYYY-MM-DD (Europe/Berlin), for dry runs; default today"),
]
