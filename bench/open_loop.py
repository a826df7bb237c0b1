"""An open-loop HTTP load generator: Poisson arrivals at a fixed rate, latency from the scheduled send time.

The send times are drawn up front (exponential gaps at the total rate, each request's route drawn by
its traffic share) and kept whatever the server does: a slow answer never delays the next request,
as real customers do not wait for each other. Each latency runs from the request's *scheduled* time
to the end of its answer, so when the generator itself falls behind, the slip counts against the
latency instead of vanishing (no coordinated omission); the largest slip is reported so a reader can
see whether the generator kept up. Requests scheduled during the warm-up are sent but not counted.
The run is bounded by its duration and, optionally, a request count. Targets on loopback only.

Run against a service on this machine, e.g. the reference service (`bench/reference_service.py`):

    .venv/bin/python -m bench.open_loop --url http://127.0.0.1:8080 --rps 100 --route read=3 --route write=1 \\
        --duration 30 --warmup 5 [--max-requests 5000] [--json]

It requests `<url>/r/<route>`. From Python: `await run_load(LoadPlan(...))`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import aiohttp
import numpy as np
import numpy.typing as npt

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
# The first send is scheduled this far after start-up, so creating the session does not make it late.
START_LEAD_S = 0.05


@dataclass(frozen=True)
class Arrival:
    at_s: float  # scheduled send time, from the start of the run
    route: str


@dataclass(frozen=True)
class LoadPlan:
    """What to send: `total_rps` requests per second for `warmup_s + duration_s` seconds (at most
    `max_requests` of them), spread over routes in proportion to `shares` (any positive weights)."""

    base_url: str
    total_rps: float
    shares: Mapping[str, float]
    duration_s: float
    warmup_s: float = 0.0
    max_requests: int | None = None
    seed: int = 0
    request_timeout_s: float = 60.0


@dataclass(frozen=True)
class Outcome:
    """One request: when it was due and how late it left, and, if answered, what the server measured."""

    route: str
    scheduled_s: float
    lateness_s: float  # send time minus scheduled time: the generator's own slip
    latency_s: float  # answer complete minus scheduled time
    error: str | None = None
    pod: int = -1  # the pod that served it, if the server says
    server_wait_s: float = math.nan
    server_service_s: float = math.nan
    requested_service_s: float = math.nan

    @property
    def overhead_s(self) -> float:
        """Latency the server did not account for: generator slip, HTTP and both event loops."""
        return self.latency_s - self.server_wait_s - self.server_service_s

    @property
    def sleep_overshoot_s(self) -> float:
        """How much longer the server held the slot than the service time it drew: timer granularity
        and any moment its event loop was busy or off the CPU."""
        return self.server_service_s - self.requested_service_s


@dataclass(frozen=True)
class RouteReport:
    route: str
    count: int  # answered requests after the warm-up
    errors: int
    p50_s: float
    p95_s: float
    p99_s: float
    mean_s: float
    server_p95_s: float  # p95 of wait + service as the server measured it
    mean_overhead_s: float
    mean_sleep_overshoot_s: float  # realised minus drawn service time
    max_sleep_overshoot_s: float


@dataclass(frozen=True)
class LoadReport:
    routes: tuple[RouteReport, ...]
    max_lateness_s: float  # over the measured requests
    warmup_s: float
    outcomes: tuple[Outcome, ...]  # every request sent, warm-up included, in schedule order

    @property
    def sent(self) -> int:
        return len(self.outcomes)

    @property
    def measured(self) -> tuple[Outcome, ...]:
        """The requests scheduled after the warm-up."""
        return tuple(outcome for outcome in self.outcomes if outcome.scheduled_s >= self.warmup_s)


def require_loopback_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"the load generator only targets http://127.0.0.1 or http://localhost, not {url!r}")


def quantile(values: Sequence[float] | npt.NDArray[np.float64], probability: float) -> float:
    """The smallest value with at least `probability` of `values` at or below it (nan if none).

    Same definition as the simulator's (`tests/support/des.py`): p95 <= SLO exactly when at most 5 % exceed it.
    """
    if len(values) == 0:
        return math.nan
    return float(np.quantile(np.asarray(values), probability, method="inverted_cdf"))


def poisson_schedule(
    total_rps: float, shares: Mapping[str, float], horizon_s: float, max_requests: int | None, seed: int
) -> list[Arrival]:
    """Poisson arrivals at `total_rps` over [0, horizon_s), at most `max_requests`, routes drawn by share."""
    if total_rps <= 0 or not shares or min(shares.values()) <= 0:
        raise ValueError("need a positive rate and positive route shares")
    rng = random.Random(seed)
    names, weights = list(shares), list(shares.values())
    limit = math.inf if max_requests is None else max_requests
    arrivals: list[Arrival] = []
    at_s = rng.expovariate(total_rps)
    while at_s < horizon_s and len(arrivals) < limit:
        arrivals.append(Arrival(at_s=at_s, route=rng.choices(names, weights)[0]))
        at_s += rng.expovariate(total_rps)
    return arrivals


async def _send(session: aiohttp.ClientSession, base_url: str, arrival: Arrival, due: float) -> Outcome:
    loop = asyncio.get_running_loop()
    lateness_s = loop.time() - due
    try:
        async with session.get(f"{base_url}/r/{arrival.route}") as response:
            if response.status != 200:
                error: str | None = f"HTTP {response.status}"
                body = {}
            else:
                error, body = None, await response.json()
    except (aiohttp.ClientError, TimeoutError) as failure:
        error, body = type(failure).__name__, {}
    latency_s = loop.time() - due
    return Outcome(
        route=arrival.route,
        scheduled_s=arrival.at_s,
        lateness_s=lateness_s,
        latency_s=latency_s,
        error=error,
        pod=body.get("pod", -1),
        server_wait_s=body.get("wait_s", math.nan),
        server_service_s=body.get("service_s", math.nan),
        requested_service_s=body.get("requested_service_s", math.nan),
    )


async def drive(base_url: str, schedule: Sequence[Arrival], request_timeout_s: float) -> list[Outcome]:
    """Send each request at its scheduled time, never waiting for earlier answers; all outcomes."""
    loop = asyncio.get_running_loop()
    # No connection limit: a capped pool would queue requests in the client, hiding them from the server.
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=request_timeout_s)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = loop.time() + START_LEAD_S
        sends = []
        for arrival in schedule:
            due = start + arrival.at_s
            if (delay := due - loop.time()) > 0:
                await asyncio.sleep(delay)
            sends.append(asyncio.create_task(_send(session, base_url, arrival, due)))
        return list(await asyncio.gather(*sends))


def summarize(outcomes: Sequence[Outcome], warmup_s: float, routes: Sequence[str]) -> LoadReport:
    measured = [outcome for outcome in outcomes if outcome.scheduled_s >= warmup_s]
    return LoadReport(
        routes=tuple(_route_report(route, [o for o in measured if o.route == route]) for route in routes),
        max_lateness_s=max((outcome.lateness_s for outcome in measured), default=0.0),
        warmup_s=warmup_s,
        outcomes=tuple(outcomes),
    )


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def _route_report(route: str, outcomes: Sequence[Outcome]) -> RouteReport:
    answered = [outcome for outcome in outcomes if outcome.error is None]
    latencies = [outcome.latency_s for outcome in answered]
    overshoots = [outcome.sleep_overshoot_s for outcome in answered]
    return RouteReport(
        route=route,
        count=len(answered),
        errors=len(outcomes) - len(answered),
        p50_s=quantile(latencies, 0.50),
        p95_s=quantile(latencies, 0.95),
        p99_s=quantile(latencies, 0.99),
        mean_s=_mean(latencies),
        server_p95_s=quantile([o.server_wait_s + o.server_service_s for o in answered], 0.95),
        mean_overhead_s=_mean([outcome.overhead_s for outcome in answered]),
        mean_sleep_overshoot_s=_mean(overshoots),
        max_sleep_overshoot_s=max(overshoots, default=math.nan),
    )


async def run_load(plan: LoadPlan) -> LoadReport:
    """Run the plan against `plan.base_url` (loopback only) and summarise the requests after the warm-up."""
    require_loopback_url(plan.base_url)
    schedule = poisson_schedule(
        plan.total_rps, plan.shares, plan.warmup_s + plan.duration_s, plan.max_requests, plan.seed
    )
    outcomes = await drive(plan.base_url.rstrip("/"), schedule, plan.request_timeout_s)
    return summarize(outcomes, plan.warmup_s, list(plan.shares))


def print_report(report: LoadReport) -> None:
    print(f"{'route':12} {'count':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for route in report.routes:
        print(
            f"{route.route:12} {route.count:>7} {route.errors:>6} {route.p50_s * 1000:>8.1f} "
            f"{route.p95_s * 1000:>8.1f} {route.p99_s * 1000:>8.1f} {route.mean_s * 1000:>8.1f}"
        )
    print(f"sent {report.sent}; the generator's largest slip behind schedule: {report.max_lateness_s * 1000:.1f} ms")


def _share_arg(text: str) -> tuple[str, float]:
    """`NAME=WEIGHT`, e.g. `read=3`."""
    try:
        name, weight = text.split("=", 1)
        return name, float(weight)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected NAME=WEIGHT, got {text!r}") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT or http://localhost:PORT")
    parser.add_argument("--rps", type=float, required=True, help="total arrival rate, requests per second")
    parser.add_argument("--route", type=_share_arg, action="append", required=True, help="NAME=WEIGHT; repeat")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds, after the warm-up")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds sent but not counted")
    parser.add_argument("--max-requests", type=int, default=None, help="stop scheduling after this many")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the per-route report as JSON")
    args = parser.parse_args(argv)
    plan = LoadPlan(
        base_url=args.url,
        total_rps=args.rps,
        shares=dict(args.route),
        duration_s=args.duration,
        warmup_s=args.warmup,
        max_requests=args.max_requests,
        seed=args.seed,
    )
    try:
        require_loopback_url(plan.base_url)
    except ValueError as error:
        parser.error(str(error))
    report = asyncio.run(run_load(plan))
    if args.json:
        routes = [asdict(route) for route in report.routes]
        print(json.dumps({"routes": routes, "max_lateness_s": report.max_lateness_s, "sent": report.sent}, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
