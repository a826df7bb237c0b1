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

# How `baseline` and `track` reach Prometheus.
PrometheusUrlOption = Annotated[
    str, typer.Option(help="Prometheus's base URL, e.g. https://prometheus.example:9090", show_default=False)
]
QueryTimeoutOption = Annotated[float, typer.Option(min=1, max=600, help="seconds to wait for each query")]
CaFileOption = Annotated[
    Path | None, typer.Option(help="trust this CA bundle (PEM) for Prometheus's certificate", dir_okay=False)
]
# Every flag (a bool option) says `metavar=""`: it takes no value, and typer's help would show `<bool>`.
InsecureOption = Annotated[
    bool,
    typer.Option("--insecure-skip-tls-verify", help="do not check Prometheus's certificate (not advised)", metavar=""),
]
