"""`seasonctl track`: one day of the season held against its plan (the work is in `track_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.cli.options import (
    AcceptWarningsOption,
    CaFileOption,
    InsecureOption,
    ProjectDirOption,
    PrometheusUrlOption,
    QueryTimeoutOption,
    ReportFormat,
    StackArgument,
)


def track(
    stack: StackArgument,
    prometheus_url: PrometheusUrlOption,
    date: Annotated[
        str | None, typer.Option(help="the day to track, YYYY-MM-DD (Europe/Berlin); default yesterday")
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="a span's first day, YYYY-MM-DD (with --to; instead of --date)")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="a span's last day, YYYY-MM-DD (inclusive)")] = None,
    season: Annotated[
        int | None,
        typer.Option(
            min=2000, max=2100, help="a whole season, the one that begins in that year, with its measured multiplier"
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="also write the season review there: report.md and PNG charts (a folder of its own)"
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="table, json or markdown (the war room's daily note)")
    ] = ReportFormat.TABLE,
    timeout: QueryTimeoutOption = 30.0,
    ca_file: CaFileOption = None,
    insecure: InsecureOption = False,
    accept_warnings: AcceptWarningsOption = False,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """A day (or a span of days) of the season against its plan: each route's peak and p95, each service's
    needed pods, the database and the KPIs.

    A verdict per line (ok, watch, act) and, where the plan falls short, the stack-file change the model
    proposes (never applied). Credentials as for `seasonctl baseline`. Exit 7 when a line says act (so a
    scheduled run can page); 5 when nothing was measured, when --season's data is not held, or when
    Prometheus warns its answers may be partial and nothing acts (unless --accept-warnings); 4 if
    Prometheus cannot be read.
    """
    # Imported here: only this command needs the HTTP client.
    from freshfoodz_seasonal.cli.track_command import TrackRequest, run_track  # noqa: PLC0415

    run_track(
        TrackRequest(
            stack,
            prometheus_url,
            date,
            timeout,
            ca_file,
            insecure,
            project_dir,
            accept_warnings,
            first,
            last,
            season,
            report,
        ),
        output_format,
    )
