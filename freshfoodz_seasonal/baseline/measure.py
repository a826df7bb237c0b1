"""From Prometheus's answers to one baseline per route, or every reason there is none.

Pure: it takes the decoded JSON of the instant queries of `baseline.queries` and returns
`RouteBaseline`s. A route whose data is missing, not a number, too short or too coarse is a
`BaselineProblem`; every route is checked, so one run shows all problems. What is measured but
deserves a second look (a CV taken from the buckets' moments, a histogram that counts other
requests than the counter) is a note on the route.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from capacity.service_time_fit import estimate_service_time
from freshfoodz_seasonal.baseline.queries import BaselineWindow, Measure, RouteKey
from freshfoodz_seasonal.metrics.names import MetricNames
from freshfoodz_seasonal.metrics.promql import duration_seconds
from freshfoodz_seasonal.visible import visible

# A label value or warning is shown in tables and messages: no terminal escapes, bounded.
MAX_LABEL_CHARS = 500
MAX_WARNING_CHARS = 500
# A history with fewer of the window's steps than this share is too short for the window asked.
MIN_COVERAGE = 0.98
# A history below this share of the window is more likely a rate window too short to hold two
# samples (rate() then has nothing to compute) than data that young.
SPARSE_HISTORY = 0.5
# The +Inf bucket and _count count the same requests; further apart than this share, they do not.
MAX_BUCKET_COUNT_MISMATCH = 0.01


class PrometheusAnswerError(ValueError):
    """An answer that is not an instant vector as the HTTP API documents it."""


@dataclass(frozen=True)
class Sample:
    labels: Mapping[str, str]
    value: float


@dataclass(frozen=True)
class NamedRoute:
    """A route as the stack names it, or as the data names it (`GET /api/products`)."""

    name: str
    key: RouteKey


@dataclass(frozen=True)
class RouteBaseline:
    route: NamedRoute
    peak_rps: float
    mean_s: float
    p95_s: float
    cv: float
    error_rate: float
    requests: float
    covered_days: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BaselineProblem:
    route: str
    message: str

    def __str__(self) -> str:
        return f"{self.route}: {self.message}"


def instant_vector(answer: Any) -> list[Sample]:
    """The samples of a `/api/v1/query` answer; values may be NaN or +-Inf, as Prometheus sends them."""
    try:
        data = answer["data"]
        if answer["status"] != "success" or data["resultType"] != "vector":
            raise PrometheusAnswerError(f"expected a successful instant vector, got {answer!r:.200}")
        samples = []
        for item in data["result"]:
            labels, (_, text) = item["metric"], item["value"]
            if not isinstance(labels, dict) or not isinstance(text, str):
                raise PrometheusAnswerError(f"unexpected sample {item!r:.200}")
            samples.append(Sample({str(k): visible(str(v), MAX_LABEL_CHARS) for k, v in labels.items()}, float(text)))
        return samples
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, PrometheusAnswerError):
            raise
        raise PrometheusAnswerError(f"not a Prometheus instant-query answer ({error}): {answer!r:.200}") from None


def answer_warnings(answer: Any) -> tuple[str, ...]:
    """The `warnings` of an answer (Thanos and Mimir report partial answers there); none if it has none."""
    warnings = answer.get("warnings") if isinstance(answer, dict) else None
    if not isinstance(warnings, list):
        return ()
    return tuple(visible(str(warning), MAX_WARNING_CHARS) for warning in warnings)


def route_key(labels: Mapping[str, str], names: MetricNames) -> RouteKey:
    """The route a series counts, by its method and uri labels."""
    return RouteKey(labels.get(names.method_label, ""), labels.get(names.uri_label, ""))


def _by_route(samples: Sequence[Sample], names: MetricNames) -> dict[RouteKey, list[Sample]]:
    grouped: dict[RouteKey, list[Sample]] = {}
    for sample in samples:
        grouped.setdefault(route_key(sample.labels, names), []).append(sample)
    return grouped


def routes_in_data(requests: Sequence[Sample], names: MetricNames) -> list[NamedRoute]:
    """Every (method, uri) the data has, named `METHOD uri`, busiest first."""
    totals = {key: sum(s.value for s in samples) for key, samples in _by_route(requests, names).items()}
    ordered = sorted(totals, key=lambda key: (-totals[key] if math.isfinite(totals[key]) else 0.0, key.uri, key.method))
    return [NamedRoute(f"{key.method} {key.uri}", key) for key in ordered]


def _describe(value: float) -> str:
    return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")


@dataclass(frozen=True)
class RouteAnswers:
    """One route's share of every answer."""

    single: Mapping[Measure, float | None]
    buckets: Sequence[tuple[float, float]]


def route_answers(answers: Mapping[Measure, Sequence[Sample]], names: MetricNames) -> dict[RouteKey, RouteAnswers]:
    grouped = {measure: _by_route(answers.get(measure, ()), names) for measure in Measure}
    keys = set().union(*(grouped[m].keys() for m in (Measure.REQUESTS, Measure.COVERAGE, Measure.PEAK_RATE)))
    result = {}
    for key in keys:
        single: dict[Measure, float | None] = {
            measure: (samples[0].value if (samples := grouped[measure].get(key)) else None)
            for measure in Measure
            if measure not in {Measure.BUCKETS, Measure.HISTORY}
        }
        buckets = [(float(s.labels.get("le", "nan")), s.value) for s in grouped[Measure.BUCKETS].get(key, [])]
        result[key] = RouteAnswers(single, buckets)
    return result


class _Unusable(ValueError):
    """A route's data cannot give a baseline; the message says why."""


def _finite(values: Mapping[Measure, float | None], measure: Measure, route: NamedRoute) -> float:
    value = values[measure]
    if value is None:
        raise _Unusable(f"Prometheus returned no {measure.value} for {route.key.method} {route.key.uri}")
    if not math.isfinite(value):
        raise _Unusable(f"the {measure.value} is {_describe(value)}; the counters may have been reset or corrupted")
    return value


def _p95(answers: RouteAnswers, names: MetricNames) -> float:
    p95 = answers.single[Measure.P95]
    if p95 is None or not answers.buckets:
        raise _Unusable(f"no {names.http_bucket} series: enable the histogram (percentiles-histogram) for this route")
    if not math.isfinite(p95):
        raise _Unusable(f"the p95 is {_describe(p95)}: the buckets hold no usable counts")
    finite = [(le, count) for le, count in answers.buckets if math.isfinite(le)]
    total = max((count for le, count in answers.buckets if math.isinf(le)), default=math.nan)
    if finite and total > 0:
        largest, below = max(finite)
        # histogram_quantile caps a quantile in the +Inf bucket at the largest finite bound: not a measurement.
        if (total - below) / total > 0.05:
            raise _Unusable(
                f"more than 5 % of the requests are slower than the largest finite bucket ({largest:g} s), so the "
                f"p95 is unknown (Prometheus reports {p95:g} s); add larger buckets"
            )
    return p95


def _fit_note(fitted_cv: float, moment_cv: float, cdf_gap: float, used_cv: float) -> str:
    return (
        f"the histogram does not fit a lognormal (CDF gap up to {cdf_gap:.3f}; CV {moment_cv:.2f} from the bucket "
        f"moments, {fitted_cv:.2f} fitted): CV {used_cv:.2f} used, the larger"
    )


def _count_mismatch_note(histogram: float, requests: float, names: MetricNames) -> str | None:
    """A note when the +Inf bucket and _count disagree: the histogram then describes other requests."""
    apart = abs(histogram - requests) / requests
    if apart <= MAX_BUCKET_COUNT_MISMATCH:
        return None
    return (
        f"the histogram counts {histogram:.0f} requests, {names.http_count} {requests:.0f} ({apart:.1%} apart): "
        "they cover different series (e.g. the histogram enabled mid-window); p95 and CV describe the histogram's"
    )


def _route_baseline(route: NamedRoute, answers: RouteAnswers, step_s: float, names: MetricNames) -> RouteBaseline:
    """The route's baseline; _Unusable with the first reason there is none."""
    values = answers.single
    peak_rps = _finite(values, Measure.PEAK_RATE, route)
    # Information only: a route has no series until its first request after a pod starts.
    coverage = values[Measure.COVERAGE]
    covered_s = coverage * step_s if coverage is not None and math.isfinite(coverage) else 0.0
    requests = _finite(values, Measure.REQUESTS, route)
    seconds = _finite(values, Measure.SECONDS, route)
    if requests <= 0 or peak_rps <= 0:
        raise _Unusable("no requests in the window: the series exist, but the route was not called")
    p95 = _p95(answers, names)
    errors = values[Measure.ERRORS] or 0.0  # no 5xx series at all: no errors
    if not math.isfinite(errors):
        raise _Unusable(f"the error count is {_describe(errors)}")
    notes = []
    buckets = list(answers.buckets)
    histogram_total = max((count for le, count in buckets if math.isinf(le)), default=None)
    if histogram_total is None:
        buckets.append((math.inf, requests))
    elif (note := _count_mismatch_note(histogram_total, requests, names)) is not None:
        notes.append(note)
    try:
        estimate = estimate_service_time(seconds / requests, buckets)
    except ValueError as error:  # HistogramTooCoarse, SpreadBeyondLimit, or a mean that is not positive
        raise _Unusable(str(error)) from None
    service = estimate.service_time
    if not estimate.lognormal_fits:
        notes.insert(0, _fit_note(estimate.fitted_cv, estimate.moment_cv, estimate.cdf_gap, service.cv))
    return RouteBaseline(
        route=route,
        peak_rps=peak_rps,
        mean_s=service.mean_s,
        p95_s=p95,
        cv=service.cv,
        error_rate=min(max(errors / requests, 0.0), 1.0),
        requests=requests,
        covered_days=covered_s / 86_400,
        notes=tuple(notes),
    )


def history_days(answers: Mapping[Measure, Sequence[Sample]], step_s: float) -> float:
    """How many days of the window the job's request rate covers (0 when Prometheus has none)."""
    samples = answers.get(Measure.HISTORY, ())
    steps = samples[0].value if samples and math.isfinite(samples[0].value) else 0.0
    return steps * step_s / 86_400


def _short_history(
    answers: Mapping[Measure, Sequence[Sample]], window: BaselineWindow, names: MetricNames
) -> str | None:
    """Why the job's history cannot give the window's baseline, or None if it can."""
    samples = answers.get(Measure.HISTORY, ())
    if samples and not math.isfinite(samples[0].value):
        return f"the history is {_describe(samples[0].value)}: not a count of steps; is this Prometheus?"
    days = history_days(answers, duration_seconds(window.step))
    window_days = duration_seconds(window.window) / 86_400
    if days >= MIN_COVERAGE * window_days:
        return None
    message = (
        f"the job's data ({names.http_count}, all routes) covers {days:.1f} of the {window_days:.1f} days the window "
        "asks; give a shorter --window or an --end with more history before it"
    )
    if days < SPARSE_HISTORY * window_days:
        message += (
            f"; if the metrics are older than that, the rate window (metrics.rateWindow, {window.rate_window}) may be "
            "shorter than twice the scrape interval: rate() needs two samples in it"
        )
    return message


def measure_routes(
    routes: Sequence[NamedRoute],
    answers: Mapping[Measure, Sequence[Sample]],
    names: MetricNames,
    window: BaselineWindow,
) -> tuple[list[RouteBaseline], list[BaselineProblem]]:
    """A baseline for every route that has one, in the order given, and a problem for every route that has none.

    The history is checked for the job as a whole: a window longer than the job's data would
    measure less than it says for every route alike.
    """
    by_key = route_answers(answers, names)
    step_s = duration_seconds(window.step)
    short = _short_history(answers, window, names) if by_key else None
    results: list[RouteBaseline] = []
    problems: list[BaselineProblem] = []
    for route in routes:
        found = by_key.get(route.key)
        if short is not None:
            problems.append(BaselineProblem(route.name, short))
            continue
        if found is None:
            problems.append(
                BaselineProblem(
                    route.name,
                    f"no data: no {names.http_count} series with {names.method_label}={route.key.method!r} and "
                    f"{names.uri_label}={route.key.uri!r} in the window (check the path, the method and the metrics "
                    "section's names and matchers)",
                )
            )
            continue
        try:
            results.append(_route_baseline(route, found, step_s, names))
        except _Unusable as error:
            problems.append(BaselineProblem(route.name, str(error)))
    return results, problems
