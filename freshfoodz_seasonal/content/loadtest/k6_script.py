"""The k6 peak test of one season, computed from its capacity plan.

`peak_test` decides every number (stages, rates, VUs, weights, thresholds) as plain data, so tests can
check the numbers without parsing JavaScript; `render` turns that data into a k6 ES module, and
`k6_script` does both. Every string that comes from the config reaches the script through
`json.dumps`, never by pasting it into JavaScript source.

Numbers and why:
- Rates. One `ramping-arrival-rate` scenario (an open model: k6 starts iterations at the given rate
  whether or not the system keeps up, as real customers do). One iteration is one request, so
  iterations per second are requests per second. It starts at the baseline total rps, ramps to
  multiplier x baseline, holds, and ramps down to 0: the stack's shape (`loadTest.rampUp`, `.hold`,
  `.rampDown`; the original plan's per season in the shipped stacks).
  k6 reads `startRate` and `target` as integers; when a rate per second is not a whole number, the
  time unit becomes one minute (rates x 60), so the rate is still met to within 1/120 rps.
- VUs. Little's Law: VUs busy = arrival rate x time one iteration takes. The time is the plan's
  predicted p95 per route, weighted by the baseline mix: a p95 instead of a mean on purpose, because
  it errs towards more VUs. Then `PRE_ALLOCATED_SAFETY` x that for `preAllocatedVUs` and
  `MAX_VUS_SAFETY` x for `maxVUs` (network time, slow moments; k6 drops iterations, visible as
  `dropped_iterations`, when it runs out of VUs), rounded up, at least 1.
- Thresholds, the stack's business KPIs (`kpis`, the original plan's by default): each KPI route's p95
  (a Trend of its own, `<route>_duration`) below its `p95SloMs`; sample success as a **Rate** (a
  fraction of the sample route's requests answered 2xx) above `kpis.sampleSuccess`; `http_req_failed`
  below `kpis.errorRate`, aborting the test (after `ABORT_DELAY`, so that the first few requests of a
  cold start do not end it); no dropped iteration. No route or service name is required.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from capacity.rounding import ceil_tolerant
from freshfoodz_seasonal.config.model import LoadTest
from freshfoodz_seasonal.metrics.thresholds import BusinessKpis
from freshfoodz_seasonal.plan.season_plan import PlannedRoute, SeasonPlan

PRE_ALLOCATED_SAFETY = 2.0
MAX_VUS_SAFETY = 5.0
ABORT_DELAY = "1m"
# Path parameters such as `{id}` get a value from 1 to this, drawn per request.
PATH_PARAMETER_MAX = 1000
_RATE_TOLERANCE = 1e-9

SAMPLE_SUCCESS_RATE = "sample_success"


def trend_name(route: str) -> str:
    """A KPI route's Trend: `sample-request` -> `sample_request_duration` (k6 names take no '-')."""
    return f"{route.replace('-', '_')}_duration"


@dataclass(frozen=True)
class Stage:
    target: int
    duration: str
    comment: str


@dataclass(frozen=True)
class RouteMix:
    """One route as the script calls it: its share of the baseline traffic and what it reports to."""

    name: str
    method: str
    path: str
    weight: float
    cumulative: float
    predicted_p95_s: float
    sample: bool
    trend: str | None
    """The KPI Trend its durations go to; None for a route whose p95 is no KPI."""


@dataclass(frozen=True)
class PeakTest:
    stack: str
    season: str
    load_multiplier: float
    baseline_rps: float
    peak_rps: float
    time_unit: str
    start_rate: int
    stages: tuple[Stage, ...]
    expected_latency_s: float
    concurrency: float
    pre_allocated_vus: int
    max_vus: int
    routes: tuple[RouteMix, ...]
    sample_route: str
    kpi_p95_ms: tuple[tuple[str, float], ...]
    """(Trend, the route's p95 SLO in ms) per KPI route, in the order of the stack's routes."""
    sample_success: float
    error_rate: float

    @property
    def thresholds(self) -> dict[str, list[object]]:
        """What k6 checks at the end (and `http_req_failed` all along); the values of `options.thresholds`."""
        return {
            **{trend: [f"p(95)<{_number(slo_ms)}"] for trend, slo_ms in self.kpi_p95_ms},
            SAMPLE_SUCCESS_RATE: [f"rate>{_number(self.sample_success)}"],
            "http_req_failed": [
                {
                    "threshold": f"rate<{_number(self.error_rate)}",
                    "abortOnFail": True,
                    "delayAbortEval": ABORT_DELAY,
                }
            ],
            "dropped_iterations": ["count<1"],
        }


def _number(value: float) -> str:
    """2000.0 -> '2000', 0.8 -> '0.8': how a threshold reads in k6."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _is_whole(value: float) -> bool:
    return abs(value - round(value)) <= _RATE_TOLERANCE * max(1.0, abs(value))


def _rates(baseline_rps: float, peak_rps: float) -> tuple[str, int, int]:
    """(timeUnit, startRate, peak target): per second when both are whole numbers, else per minute."""
    if _is_whole(baseline_rps) and _is_whole(peak_rps):
        return "1s", round(baseline_rps), round(peak_rps)
    return "1m", round(baseline_rps * 60), round(peak_rps * 60)


def _predictions(plan: SeasonPlan) -> dict[str, float]:
    return {route.name: route.predicted_p95_s for service in plan.services for route in service.sizing.routes}


def _route_mix(plan: SeasonPlan, kpis: BusinessKpis) -> tuple[RouteMix, ...]:
    predicted = _predictions(plan)
    total = sum(route.baseline_rps for route in plan.routes)
    mix: list[RouteMix] = []
    running = 0.0
    for index, route in enumerate(plan.routes):
        weight = route.baseline_rps / total
        running += weight
        last = index == len(plan.routes) - 1
        mix.append(
            RouteMix(
                name=route.name,
                method=route.method,
                path=route.path,
                weight=weight,
                # The last bound is exactly 1 so float noise can never leave a draw without a route.
                cumulative=1.0 if last else running,
                predicted_p95_s=predicted[route.name],
                sample=route.name == kpis.sample_route,
                trend=trend_name(route.name) if route.name in kpis.p95_routes else None,
            )
        )
    return tuple(mix)


def _route_named(plan: SeasonPlan, name: str, key: str) -> PlannedRoute:
    try:
        return plan.route(name)
    except KeyError:
        raise ValueError(f"{key} {name!r} is not a route of this stack") from None


def peak_test(plan: SeasonPlan, kpis: BusinessKpis, shape: LoadTest) -> PeakTest:
    """Every number of the season's k6 peak test; raises ValueError when the plan cannot give one.

    `kpis` are the stack's business KPIs (StackSettings.business_kpis): the sample route, whose success rate
    is a KPI, and the routes whose p95 is one; `shape` its `loadTest` (the ramp up, the hold, the ramp down).
    """
    sample = _route_named(plan, kpis.sample_route, "metrics.sampleRoute")
    for name in kpis.p95_routes:
        _route_named(plan, name, "kpis.p95Routes")
    multiplier = plan.load_multiplier
    baseline_rps = sum(route.baseline_rps for route in plan.routes)
    peak_rps = baseline_rps * multiplier
    time_unit, start_rate, peak_target = _rates(baseline_rps, peak_rps)
    factor = _number(multiplier)
    stages = (
        Stage(peak_target, shape.ramp_up, f"ramp up to {factor}x baseline"),
        Stage(peak_target, shape.hold, f"hold {factor}x baseline"),
        Stage(0, shape.ramp_down, "ramp down"),
    )
    routes = _route_mix(plan, kpis)
    latency = sum(route.weight * route.predicted_p95_s for route in routes)
    concurrency = peak_rps * latency
    return PeakTest(
        stack=plan.stack,
        season=plan.season,
        load_multiplier=multiplier,
        baseline_rps=baseline_rps,
        peak_rps=peak_rps,
        time_unit=time_unit,
        start_rate=start_rate,
        stages=stages,
        expected_latency_s=latency,
        concurrency=concurrency,
        pre_allocated_vus=max(1, ceil_tolerant(concurrency * PRE_ALLOCATED_SAFETY)),
        max_vus=max(1, ceil_tolerant(concurrency * MAX_VUS_SAFETY)),
        routes=routes,
        sample_route=sample.name,
        kpi_p95_ms=tuple(
            (trend_name(route.name), route.p95_slo_ms) for route in plan.routes if route.name in kpis.p95_routes
        ),
        sample_success=kpis.sample_success,
        error_rate=kpis.error_rate,
    )


def _js(value: object) -> str:
    """A JavaScript literal of a JSON value: strings escaped, non-ASCII as \\u escapes."""
    return json.dumps(value, ensure_ascii=True)


def _route_literal(route: RouteMix) -> str:
    body = None
    if route.method in {"POST", "PUT", "PATCH"}:
        # The config knows no request bodies; a small JSON document marks the request as a load test.
        body = json.dumps({"loadTest": True, "route": route.name}, separators=(",", ":"))
    fields = {
        "name": route.name,
        "method": route.method,
        "path": route.path,
        "cumulative": route.cumulative,
        "body": body,
        "sample": route.sample,
        "trend": route.trend,
    }
    return "  { " + ", ".join(f"{key}: {_js(value)}" for key, value in fields.items()) + " },"


def _threshold_lines(test: PeakTest) -> list[str]:
    lines = []
    for metric, rules in test.thresholds.items():
        rendered = []
        for rule in rules:
            if isinstance(rule, dict):
                rendered.append("{ " + ", ".join(f"{key}: {_js(value)}" for key, value in rule.items()) + " }")
            else:
                rendered.append(_js(rule))
        lines.append(f"    {_js(metric)}: [{', '.join(rendered)}],")
    return lines


def render(test: PeakTest) -> str:
    """The k6 ES module of a peak test."""
    mix = ", ".join(f"{route.name} {route.weight:.1%}" for route in test.routes)
    stage_lines = [
        f"        {{ target: {stage.target}, duration: {_js(stage.duration)} }}, // {stage.comment}"
        for stage in test.stages
    ]
    lines = [
        f"// k6 peak test of stack {_js(test.stack)}, season {_js(test.season)}: generated by `seasonctl loadtest`,",
        "// do not edit; change the stack config and generate it again.",
        f"// Baseline {_number(test.baseline_rps)} rps -> peak {_number(test.peak_rps)} rps; mix: {mix}.",
        f"// VUs by Little's Law: {test.peak_rps:g} rps x {test.expected_latency_s:.3f} s (predicted p95, mix-weighted)"
        f" = {test.concurrency:.1f} busy; x{PRE_ALLOCATED_SAFETY:g} pre-allocated, x{MAX_VUS_SAFETY:g} max.",
        "// Environment: API_BASE_URL (e.g. https://api.example.com, no trailing slash) and API_TOKEN.",
        "import http from 'k6/http';",
        "import { Rate, Trend } from 'k6/metrics';",
        "",
        f"const SEASON = {_js(test.season)};",
        f"const PATH_PARAMETER_MAX = {PATH_PARAMETER_MAX};",
        "",
        "// One Trend per KPI route (kpis.p95Routes), its p95 held to the route's SLO below.",
        "/** @type {Record<string, Trend>} */",
        "const TRENDS = {",
        *(f"  {_js(trend)}: new Trend({_js(trend)}, true)," for trend, _ in test.kpi_p95_ms),
        "};",
        f"const sampleSuccess = new Rate({_js(SAMPLE_SUCCESS_RATE)});",
        "",
        "// The baseline mix as cumulative weights: a route is picked when Math.random() < its bound.",
        "const ROUTES = [",
        *[_route_literal(route) for route in test.routes],
        "];",
        "",
        "/** @type {import('k6/options').Options} */",
        "export const options = {",
        "  scenarios: {",
        f"    {_js(test.season)}: {{",
        "      executor: 'ramping-arrival-rate',",
        f"      startRate: {test.start_rate},",
        f"      timeUnit: {_js(test.time_unit)},",
        f"      preAllocatedVUs: {test.pre_allocated_vus},",
        f"      maxVUs: {test.max_vus},",
        "      stages: [",
        *stage_lines,
        "      ],",
        "    },",
        "  },",
        "  thresholds: {",
        *_threshold_lines(test),
        "  },",
        "};",
        "",
        "/** @returns {(typeof ROUTES)[number]} */",
        "function pickRoute() {",
        "  const draw = Math.random();",
        "  for (const route of ROUTES) {",
        "    if (draw < route.cumulative) {",
        "      return route;",
        "    }",
        "  }",
        "  return ROUTES[ROUTES.length - 1];",
        "}",
        "",
        "/** @param {string} path */",
        "function concretePath(path) {",
        "  return path.replace(/\\{[^{}\\/]+\\}/g, () => String(1 + Math.floor(Math.random() * PATH_PARAMETER_MAX)));",
        "}",
        "",
        "function correlationId() {",
        "  const nonce = Math.random().toString(36).slice(2, 10);",
        "  return `k6-${SEASON}-${__VU}-${__ITER}-${Date.now().toString(36)}-${nonce}`;",
        "}",
        "",
        "export default function () {",
        "  const route = pickRoute();",
        "  /** @type {Record<string, string>} */",
        "  const headers = {",
        "    Authorization: `Bearer ${__ENV.API_TOKEN}`,",
        "    'X-Correlation-Id': correlationId(),",
        "  };",
        "  if (route.body !== null) {",
        "    headers['Content-Type'] = 'application/json';",
        "  }",
        "  const res = http.request(route.method, `${__ENV.API_BASE_URL}${concretePath(route.path)}`, route.body, {",
        "    headers,",
        "    tags: { route: route.name },",
        "  });",
        "  if (route.sample) {",
        "    sampleSuccess.add(res.status >= 200 && res.status < 300);",
        "  }",
        "  if (route.trend !== null) {",
        "    TRENDS[route.trend].add(res.timings.duration);",
        "  }",
        "}",
        "",
    ]
    return "\n".join(lines)


def k6_script(plan: SeasonPlan, kpis: BusinessKpis, shape: LoadTest) -> str:
    """The season's k6 peak test as a JavaScript ES module."""
    return render(peak_test(plan, kpis, shape))
