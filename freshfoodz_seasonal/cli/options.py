"""Arguments, options and output formats that several commands share, so they read the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from freshfoodz_seasonal.adapters.text_files import NotWritable, check_new_file
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail


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


def flag(name: str, help_text: str) -> Any:
    """A bool option given as `--name` alone: it takes no value, so its help shows none (typer's would show
    `<bool>`, a value the flag refuses)."""
    return typer.Option(name, help=help_text, metavar="")


# How `baseline`, `track` and `warroom drill` reach Prometheus or Grafana.
PrometheusUrlOption = Annotated[
    str, typer.Option(help="Prometheus's base URL, as https://HOST:9090", show_default=False)
]
QueryTimeoutOption = Annotated[
    float, typer.Option(min=1, max=600, metavar="SECONDS", help="how long to wait for each request")
]
CaFileOption = Annotated[
    Path | None, typer.Option(help="trust this CA bundle (PEM) for the server's certificate", dir_okay=False)
]
# `--insecure` as curl names it: a longer name (kubectl's --insecure-skip-tls-verify) is cut short with "…" in
# typer's option table at 80 columns, which shares the width evenly among its columns.
InsecureOption = Annotated[bool, flag("--insecure", "do not check the server's certificate (not advised)")]
AcceptWarningsOption = Annotated[
    bool, flag("--accept-warnings", "judge on answers Prometheus warns may be partial (refused otherwise)")
]


def checked_output_file(option: str, path: Path | None) -> None:
    """A file option (`--out`, `--chart`) checked before the work it would hold: exit 2 if it cannot be written."""
    if path is None:
        return
    try:
        check_new_file(path)
    except NotWritable as error:
        fail(EXIT_INVALID, [f"{option} {path}: {error}"])
