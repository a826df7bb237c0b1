"""`seasonctl size`: ad-hoc sizing of one pool of pods for one route."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from capacity.errors import InfeasibleError
from capacity.pool_sizing import Method, size_pool
from capacity.pool_spec import PoolSpec, RouteLoad, Routing
from capacity.service_time import ServiceTime
from freshfoodz_seasonal.cli.exits import EXIT_INFEASIBLE, EXIT_INVALID, fail, print_json, warn
from freshfoodz_seasonal.cli.old_formula import METHOD_HELP
from freshfoodz_seasonal.cli.options import TableOrJson
from freshfoodz_seasonal.cli.size_args import SizeArguments
from freshfoodz_seasonal.cli.size_view import size_as_dict, size_sections
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.plan.variability import variability_warning


def size(
    rps: Annotated[float, typer.Option(help="arrival rate, requests per second (> 0)")],
    service_time_ms: Annotated[float, typer.Option(help="mean service time in ms (> 0)")],
    slots_per_pod: Annotated[int, typer.Option(help="requests one pod serves at once (>= 1)")],
    p95_slo_ms: Annotated[float, typer.Option(help="p95 response time objective in ms (> 0)")],
    target_utilization: Annotated[float, typer.Option(help="utilization cap, 0 < u < 1")],
    service_cv: Annotated[float, typer.Option(help="service time coefficient of variation (> 0)")] = 1.0,
    routing: Annotated[
        Routing, typer.Option(help="per-pod (Kubernetes Service) or pooled (one queue)")
    ] = Routing.PER_POD,
    method: Annotated[Method, typer.Option(help=METHOD_HELP)] = Method.MODEL,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.TABLE,
) -> None:
    """Ad-hoc sizing of one pool of pods for one route."""
    problems = SizeArguments(rps, service_time_ms, service_cv, slots_per_pod, p95_slo_ms, target_utilization).problems()
    if problems:
        fail(EXIT_INVALID, problems)
    spec = PoolSpec(
        routes=(RouteLoad("route", rps, ServiceTime(service_time_ms / 1000.0, service_cv), p95_slo_ms / 1000.0),),
        slots_per_pod=slots_per_pod,
        target_utilization=target_utilization,
        routing=routing,
    )
    try:
        sizing = size_pool(spec, method)
    except InfeasibleError as error:
        fail(EXIT_INFEASIBLE, [f"infeasible: {problem}" for problem in error.problems])
    if (warning := variability_warning(sizing)) is not None:
        warn(f"the pool: {warning}")
    if output_format is TableOrJson.JSON:
        print_json(size_as_dict(spec, sizing))
    else:
        Console(highlight=False).print(
            to_rich(f"{rps:g} rps at {service_time_ms:g} ms", size_sections(spec, sizing)), crop=False
        )
