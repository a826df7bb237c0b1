"""`seasonctl baseline`: each route's baseline measured in Prometheus (the work is in `baseline_command`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from freshfoodz_seasonal.baseline.queries import DEFAULT_BASELINE_DAYS
from freshfoodz_seasonal.cli.clock import read_clock
from freshfoodz_seasonal.cli.options import (
    AcceptWarningsOption,
    CaFileOption,
    InsecureOption,
    ProjectDirOption,
    PrometheusUrlOption,
    QueryTimeoutOption,
    TableOrJson,
    flag,
)


def baseline(
    prometheus_url: PrometheusUrlOption,
    window: Annotated[
        str, typer.Option(help="how far back to look, a PromQL duration: 14d, 2w, 336h")
    ] = f"{DEFAULT_BASELINE_DAYS}d",
    end: Annotated[str | None, typer.Option(help="the window's end, ISO 8601 (no offset: UTC); default now")] = None,
    stack: Annotated[
        str | None,
        typer.Option(metavar="STACK|FILE", help="measure this stack's routes with its metrics names and matchers"),
    ] = None,
    write: Annotated[
        bool,
        flag("--write", "update the stack file's routes (baselineRps, service times) and workloads' cpu"),
    ] = False,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.TABLE,
    timeout: QueryTimeoutOption = 30.0,
    ca_file: CaFileOption = None,
    insecure: InsecureOption = False,
    accept_warnings: AcceptWarningsOption = False,
    no_cpu: Annotated[
        bool,
        flag(
            "--no-cpu",
            "do not measure the CPU per request and per job (for a cluster without cAdvisor or "
            "kube-state-metrics metrics); the stack's cpu values stay as they are",
        ),
    ] = False,
    skip_cpu: Annotated[
        list[str] | None,
        typer.Option(
            "--skip-cpu",
            metavar="WORKLOAD",
            help="do not measure this service's or worker's CPU (repeatable); its cpu in the stack stays as it "
            "is, and the rest is measured and written",
            show_default=False,
        ),
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """Measure each route's baseline from Prometheus: peak rate, mean and p95 service time, CV, errors.

    With --stack, also each service's CPU per request and each worker's CPU per job (workers with a
    jobsMetric), from cAdvisor's container CPU joined to the Deployments by kube-state-metrics, against the
    rate their own pods serve; --no-cpu skips it, --skip-cpu WORKLOAD skips one workload. Credentials
    come from the environment: PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD.
    Exit 4 if Prometheus cannot be read, 5 if a route's data gives no baseline, a workload's data no CPU
    per unit, or Prometheus warns that its answers may be partial (unless --accept-warnings); then
    nothing is written.
    """
    # Imported here: only this command needs the HTTP client, the fit and the YAML round trip.
    from freshfoodz_seasonal.cli.baseline_command import BaselineRequest, run_baseline  # noqa: PLC0415

    request = BaselineRequest(
        prometheus_url,
        window,
        end,
        stack,
        write,
        timeout,
        ca_file,
        insecure,
        project_dir,
        accept_warnings,
        measure_cpu=not no_cpu,
        skip_cpu=tuple(skip_cpu or ()),
    )
    run_baseline(request, output_format, read_clock().utc)
