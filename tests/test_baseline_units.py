"""The pure parts of `seasonctl baseline`: queries, answer parsing, per-route checks, the CV fit, the stack edit."""

from __future__ import annotations

import difflib
import itertools
import math
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from baseline.measure import (
    MIN_COVERAGE,
    NamedRoute,
    PrometheusAnswerError,
    RouteBaseline,
    Sample,
    instant_vector,
    measure_routes,
    routes_in_data,
)
from baseline.queries import BaselineWindow, Measure, RouteKey, baseline_queries
from baseline.stack_update import StackUpdateError, update_stack_text
from capacity.service_time import ServiceTime
from capacity.service_time_fit import HistogramTooCoarse, fit_service_time
from monitoring.metrics import MetricNames
from monitoring.promql import duration_seconds
from seasonctl.baseline_command import updated_stack
from sources.catalog_files import load_catalog
from sources.prometheus_http import credentials_from_environment
from sources.text_files import FileChanged, write_text_atomically
from stackconfig.problems import ConfigError

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog()
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, math.inf)
NAMES = MetricNames()
WINDOW_S, STEP_S = 14 * 86_400.0, 300.0
PRODUCTS = NamedRoute("catalog-browse", RouteKey("GET", "/api/products"))


def exact_buckets(service: ServiceTime, requests: float) -> list[tuple[float, float]]:
    return [(le, requests * (1.0 - service.survival(le))) for le in BUCKETS]


# --- queries ---------------------------------------------------------------------------------------


def test_one_query_per_measure_whatever_the_number_of_routes() -> None:
    window = BaselineWindow("14d")
    few = baseline_queries(NAMES, window, (), [RouteKey("GET", "/a")])
    many = baseline_queries(NAMES, window, (), [RouteKey("GET", f"/r{i}") for i in range(50)])
    assert list(few) == list(many) == list(Measure)


def test_queries_name_the_statistic_and_match_paths_literally() -> None:
    routes = [RouteKey("GET", "/api/customers/{id}"), RouteKey("POST", "/api/orders.json")]
    queries = baseline_queries(NAMES, BaselineWindow("14d"), (("job", "=", "api"),), routes)
    peak = queries[Measure.PEAK_RATE]
    assert peak.startswith("quantile_over_time(0.99, (sum by (uri, method) (rate(http_server_requests_seconds_count{")
    assert peak.endswith("[5m])))[14d:5m])")
    # RE2 metacharacters escaped, then the backslashes escaped for the PromQL string.
    assert r'uri=~"/api/customers/\\{id\\}|/api/orders\\.json"' in peak
    assert 'method=~"GET|POST"' in peak and 'job="api"' in peak
    assert 'status=~"5.."' in queries[Measure.ERRORS]
    assert queries[Measure.P95] == f"histogram_quantile(0.95, {queries[Measure.BUCKETS]})"


def test_custom_names_reach_every_query() -> None:
    names = MetricNames(http_histogram="api_latency_seconds", uri_label="path", method_label="verb")
    queries = baseline_queries(names, BaselineWindow("7d", rate_window="2m"), (), [RouteKey("GET", "/x")])
    for promql in queries.values():
        assert "http_server_requests" not in promql and "uri" not in promql
        assert "api_latency_seconds_" in promql and "by (path, verb" in promql
    assert "[2m]" in queries[Measure.PEAK_RATE] and "[7d]" in queries[Measure.REQUESTS]


@pytest.mark.parametrize(("text", "seconds"), [("14d", 1_209_600), ("2w", 1_209_600), ("336h", 1_209_600), ("5m", 300)])
def test_durations(text: str, seconds: float) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["14", "1.5d", "-1d", "14 d", "d", ""])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        BaselineWindow(text)


# --- answers ----------------------------------------------------------------------------------------


def answer(*samples: tuple[dict[str, str], str]) -> dict[str, object]:
    result = [{"metric": labels, "value": [1_800_000_000, value]} for labels, value in samples]
    return {"status": "success", "data": {"resultType": "vector", "result": result}}


def test_answers_keep_nan_and_infinities() -> None:
    samples = instant_vector(answer(({"uri": "/a"}, "NaN"), ({"uri": "/b"}, "+Inf"), ({"uri": "/c"}, "1.5")))
    values = [s.value for s in samples]
    assert math.isnan(values[0]) and values[1] == math.inf and values[2] == 1.5


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "error", "errorType": "bad_data", "error": "parse error"},
        {"status": "success", "data": {"resultType": "matrix", "result": []}},
        {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, 2]}]}},
        {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}, "value": [1, "x"]}]}},
        ["not", "a", "mapping"],
    ],
)
def test_malformed_answers_are_refused(bad: object) -> None:
    with pytest.raises(PrometheusAnswerError):
        instant_vector(bad)


def route_answers(
    route: RouteKey = PRODUCTS.key,
    requests: float = 1_000_000.0,
    mean_s: float = 0.06,
    cv: float = 1.2,
    **overrides: float,
) -> dict[Measure, list[Sample]]:
    labels = {"method": route.method, "uri": route.uri}
    service = ServiceTime(mean_s, cv)
    values = {
        Measure.PEAK_RATE: 20.0,
        Measure.COVERAGE: WINDOW_S / STEP_S + 1,
        Measure.REQUESTS: requests,
        Measure.SECONDS: requests * mean_s,
        Measure.ERRORS: requests * 0.01,
        Measure.P95: service.quantile_s(0.95),
    } | {Measure(name): value for name, value in overrides.items()}
    answers = {measure: [Sample(labels, value)] for measure, value in values.items()}
    answers[Measure.BUCKETS] = [Sample(labels | {"le": repr(le)}, n) for le, n in exact_buckets(service, requests)]
    return answers


def measure(answers: dict[Measure, list[Sample]], routes: list[NamedRoute] | None = None) -> tuple[list, list]:
    return measure_routes(routes or [PRODUCTS], answers, NAMES, WINDOW_S, STEP_S)


def test_a_complete_route_gives_its_baseline() -> None:
    (result,), problems = measure(route_answers())
    assert problems == []
    assert result.peak_rps == 20.0 and result.mean_s == pytest.approx(0.06)
    assert result.cv == pytest.approx(1.2, rel=0.01)
    assert result.error_rate == pytest.approx(0.01) and result.covered_days == pytest.approx(14.0, abs=0.01)


def test_no_5xx_series_means_no_errors() -> None:
    answers = route_answers()
    answers[Measure.ERRORS] = []
    (result,), _ = measure(answers)
    assert result.error_rate == 0.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"peak_rate": math.nan}, "peak_rate is NaN"),
        ({"seconds": math.inf}, "seconds is \\+Inf"),
        ({"requests": 0.0, "seconds": 0.0}, "no requests in the window"),
        ({"coverage": WINDOW_S / STEP_S * MIN_COVERAGE - 2}, "data covers 13.7 of the 14.0 days"),
        ({"p95": math.inf}, "p95 is \\+Inf: the buckets hold no usable counts"),
        ({"p95": math.nan}, "p95 is NaN"),
        ({"errors": math.nan}, "error count is NaN"),
    ],
)
def test_unusable_data_is_named_per_route(overrides: dict[str, float], message: str) -> None:
    results, (problem,) = measure(route_answers(**overrides))
    assert results == []
    assert problem.route == "catalog-browse"
    assert re.search(message, problem.message), problem.message


def test_a_route_missing_from_the_data_is_named_with_its_labels() -> None:
    other = NamedRoute("order-submit", RouteKey("POST", "/api/orders"))
    results, (problem,) = measure(route_answers(), [PRODUCTS, other])
    assert [r.route for r in results] == [PRODUCTS]
    assert problem.route == "order-submit"
    assert "no data: no http_server_requests_seconds_count series with method='POST' and uri='/api/orders'" in str(
        problem
    )


def test_a_p95_beyond_the_largest_finite_bucket_is_not_a_measurement() -> None:
    # Mean 20 s: most requests are slower than the 10 s bucket, and Prometheus answers 10 s.
    answers = route_answers(mean_s=20.0, cv=0.5, p95=10.0)
    _, (problem,) = measure(answers)
    assert "more than 5 % of the requests are slower than the largest finite bucket (10 s)" in problem.message
    assert "Prometheus reports 10 s" in problem.message


def test_one_bucket_cannot_show_a_spread() -> None:
    answers = route_answers()
    labels = {"method": "GET", "uri": "/api/products"}
    answers[Measure.BUCKETS] = [Sample(labels | {"le": "0.1"}, 1e6), Sample(labels | {"le": "+Inf"}, 1e6)]
    _, (problem,) = measure(answers)
    assert "fewer than two histogram buckets hold requests" in problem.message


def test_discovered_routes_are_named_by_request_busiest_first() -> None:
    samples = [
        Sample({"method": "GET", "uri": "/quiet"}, 10.0),
        Sample({"method": "POST", "uri": "/busy"}, 500.0),
    ]
    assert [r.name for r in routes_in_data(samples, NAMES)] == ["POST /busy", "GET /quiet"]


# --- the CV fit --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(mean_s=st.floats(0.01, 1.0), cv=st.floats(0.2, 3.0))
def test_the_fit_recovers_a_lognormal_from_its_buckets(mean_s: float, cv: float) -> None:
    service = ServiceTime(mean_s, cv)
    cumulative = [0.0, *(share for _, share in exact_buckets(service, 1.0))]
    # The spread shows only where several buckets hold a visible share.
    assume(sum(b - a > 1e-3 for a, b in itertools.pairwise(cumulative)) >= 3)
    fitted = fit_service_time(mean_s, exact_buckets(service, 1e6))
    assert fitted.cv == pytest.approx(cv, rel=0.01)


def test_the_fit_is_not_fooled_by_noisy_cumulative_counts() -> None:
    service = ServiceTime(0.25, 0.8)
    buckets = exact_buckets(service, 1e6)
    # increase() extrapolates each bucket on its own: a cumulative count may dip a little.
    noisy = [(le, n * (1.0 + (0.002 if i % 2 else -0.002))) for i, (le, n) in enumerate(buckets)]
    assert fit_service_time(0.25, noisy).cv == pytest.approx(0.8, rel=0.03)


def test_the_fit_refuses_a_histogram_without_spread() -> None:
    with pytest.raises(HistogramTooCoarse):
        fit_service_time(0.05, [(0.1, 100.0), (math.inf, 100.0)])
    with pytest.raises(ValueError, match="positive"):
        fit_service_time(0.0, [(0.1, 50.0), (math.inf, 100.0)])


# --- the stack edit ----------------------------------------------------------------------------------


def stack_text(name: str) -> str:
    return (ROOT / f"Pulumi.{name}.yaml").read_text(encoding="utf-8")


def measured(name: str, rps: float, mean_s: float, cv: float, p95_s: float = 1.0) -> RouteBaseline:
    route = NamedRoute(name, RouteKey("GET", "/"))
    return RouteBaseline(route, rps, mean_s, p95_s, cv, 0.0, 1e6, 14.0)


@pytest.mark.parametrize("stack", ["spargel", "oktoberfest", "weihnachten"])
def test_an_empty_update_leaves_every_shipped_stack_byte_identical(stack: str) -> None:
    text, changes = update_stack_text(stack_text(stack), [])
    assert text == stack_text(stack) and changes == []


def test_an_update_changes_only_the_measured_values_and_rounds_them_up() -> None:
    original = stack_text("weihnachten")
    text, changes = update_stack_text(original, [measured("order-submit", 9.123, 0.23401, 0.7512)])
    diff = [
        line
        for line in difflib.unified_diff(original.splitlines(), text.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "-      baselineRps: 8",
        "-      meanServiceTimeMs: 250",
        "-      serviceTimeCv: 0.8",
        "+      baselineRps: 9.13",
        "+      meanServiceTimeMs: 234.1",
        "+      serviceTimeCv: 0.76",
    ]
    assert [(c.key, c.old, c.new) for c in changes] == [
        ("baselineRps", 8, 9.13),
        ("meanServiceTimeMs", 250, 234.1),
        ("serviceTimeCv", 0.8, 0.76),
    ]
    assert "# Baseline traffic: 50 rps in total" in text  # comments kept


def test_a_route_given_by_its_p95_gets_the_measured_p95() -> None:
    original = stack_text("weihnachten").replace("      serviceTimeCv: 1.2\n", "      p95ServiceTimeMs: 180\n", 1)
    text, changes = update_stack_text(original, [measured("catalog-browse", 20.0, 0.06, 1.2, p95_s=0.20004)])
    assert "      p95ServiceTimeMs: 200.1\n" in text and "serviceTimeCv: 1.2" not in text
    assert [c.key for c in changes] == ["baselineRps", "meanServiceTimeMs", "p95ServiceTimeMs"]


def test_an_update_for_a_route_the_file_lacks_is_refused() -> None:
    with pytest.raises(StackUpdateError, match="no route named 'ghost'"):
        update_stack_text(stack_text("weihnachten"), [measured("ghost", 1.0, 0.1, 1.0)])


def test_measured_values_outside_the_model_are_refused_before_writing() -> None:
    original = stack_text("weihnachten").replace("      serviceTimeCv: 1.2\n", "      p95ServiceTimeMs: 180\n", 1)
    # p95 / mean = 5: no lognormal has that shape, so the stack would not validate.
    with pytest.raises(ConfigError) as raised:
        updated_stack(
            Path("Pulumi.weihnachten.yaml"), original, [measured("catalog-browse", 20, 0.06, 1.2, 0.3)], CATALOG
        )
    assert any("p95ServiceTimeMs / meanServiceTimeMs = 5" in str(p) for p in raised.value.problems)


# --- the file write and the credentials ---------------------------------------------------------------


def test_an_atomic_write_keeps_the_mode_and_leaves_no_staging_file(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    write_text_atomically(path, "new\n", expected=b"old\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["stack.yaml"]


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text("edited by someone else\n", encoding="utf-8")
    with pytest.raises(FileChanged):
        write_text_atomically(path, "new\n", expected=b"what we read\n")
    assert path.read_text(encoding="utf-8") == "edited by someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["stack.yaml"]


def test_credentials_never_show_in_their_repr() -> None:
    bearer = credentials_from_environment({"PROMETHEUS_BEARER_TOKEN": "tok-123"})
    basic = credentials_from_environment({"PROMETHEUS_USERNAME": "ops", "PROMETHEUS_PASSWORD": "pw-456"})
    assert bearer is not None and basic is not None
    assert bearer.header == "Bearer tok-123" and basic.header.startswith("Basic ")
    assert "tok-123" not in repr(bearer) and "pw-456" not in repr(basic) and "b3Bz" not in repr(basic)
    assert credentials_from_environment({}) is None
