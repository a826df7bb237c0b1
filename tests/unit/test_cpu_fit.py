"""CPU per request and per job: the least-squares fit on hand-made points (and its refusals: too few steps, no
spread, no rise, a poor fit, a bent line), and the range answers it is fed from (a rate on the Deployment's own
pods, steps where the pod count changed left out, the refusals' messages)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from freshfoodz_seasonal.baseline.cpu_fit import MIN_STEPS_WITH_TRAFFIC, CpuFitRefused, fit_cpu
from freshfoodz_seasonal.baseline.cpu_measure import DEFAULT_SETTLE_S, measure_cpu, rateless_targets
from freshfoodz_seasonal.baseline.cpu_queries import (
    DEPLOYMENT_LABEL,
    SERIES_LABEL,
    WORKLOAD_LABEL,
    CpuMeasure,
    CpuScope,
    CpuTarget,
    JobsCounter,
    Unit,
)
from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError, Sample
from freshfoodz_seasonal.baseline.queries import RouteKey
from freshfoodz_seasonal.baseline.range_answer import RangeSeries, range_series
from freshfoodz_seasonal.metrics.names import MetricNames

STEPS = 2016  # a week of 5-minute steps
STEP_S = 300.0


def daily_rate(mean: float, amplitude: float, steps: int = STEPS) -> np.ndarray:
    """A rate per pod with a daily cycle, one value per 5-minute step."""
    return mean * (1 + amplitude * np.sin(2 * math.pi * np.arange(steps) / 288))


def cores(rate: np.ndarray, ms: float, idle_m: float, noise_m: float = 0.0, seed: int = 1) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0.0, noise_m / 1000, rate.size)
    return idle_m / 1000 + rate * ms / 1000 + noise


# --- the fit -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "idle_m", "noise_m"),
    [(12.0, 80.0, 0.0), (12.0, 80.0, 2.0), (0.8, 150.0, 0.5), (250.0, 200.0, 5.0), (3.0, 0.5, 0.0)],
)
def test_a_known_line_is_recovered_within_one_percent(ms: float, idle_m: float, noise_m: float) -> None:
    rate = daily_rate(20.0, 0.6)
    fit = fit_cpu(rate, cores(rate, ms, idle_m, noise_m), "request")
    assert fit.ms_per_unit == pytest.approx(ms, rel=0.01)
    assert fit.idle_millicores == pytest.approx(idle_m, rel=0.01)
    assert fit.points == STEPS and fit.peak_rate_per_pod == pytest.approx(32.0, rel=1e-3)
    assert 0.9 < fit.r_squared <= 1.0 and not fit.idle_clamped


def test_steps_without_traffic_count_for_the_idle_cpu() -> None:
    # Nights without jobs: the pods' CPU there is the idle CPU, and the line goes through it.
    rate = np.where(np.arange(STEPS) % 288 < 96, 0.0, daily_rate(3.0, 0.5))
    fit = fit_cpu(rate, cores(rate, 40.0, 30.0, 2.0), "job")
    assert fit.ms_per_unit == pytest.approx(40.0, rel=0.01) and fit.idle_millicores == pytest.approx(30.0, rel=0.01)


def test_a_slightly_negative_idle_cpu_within_its_noise_counts_as_zero() -> None:
    rate = daily_rate(20.0, 0.6)
    fit = fit_cpu(rate, cores(rate, 10.0, -0.4, 3.0), "request")
    assert fit.idle_clamped and fit.idle_cores == 0.0
    assert fit.ms_per_unit == pytest.approx(10.0, rel=0.01)


def refusal(rate: np.ndarray, cpu: np.ndarray, unit: str = "request") -> str:
    with pytest.raises(CpuFitRefused) as raised:
        fit_cpu(rate, cpu, unit)
    return str(raised.value)


def test_too_few_steps_with_traffic_are_refused() -> None:
    rate = np.zeros(STEPS)
    rate[: MIN_STEPS_WITH_TRAFFIC - 1] = daily_rate(5.0, 0.6, MIN_STEPS_WITH_TRAFFIC - 1)
    message = refusal(rate, cores(rate, 10.0, 50.0))
    assert "only 99 steps have both CPU and traffic; at least 100 are needed" in message
    rate[MIN_STEPS_WITH_TRAFFIC - 1] = 5.0
    assert fit_cpu(rate, cores(rate, 10.0, 50.0), "request").points == STEPS


def test_a_rate_per_pod_that_hardly_varies_is_refused() -> None:
    # An HPA that keeps each pod at the same load: every point sits in one spot, the slope is anyone's guess.
    rate = daily_rate(20.0, 0.15)
    message = refusal(rate, cores(rate, 12.0, 80.0, 5.0))
    assert "the rate per pod hardly varies (5th percentile 17/s, 95th 23/s, less than 1.5x apart)" in message
    assert "the CPU per request cannot be told from the idle CPU" in message


def test_a_cpu_that_does_not_rise_with_the_rate_is_refused() -> None:
    rate = daily_rate(20.0, 0.6)
    message = refusal(rate, 0.5 - rate * 0.002, "job")
    assert "the CPU does not rise with the rate (slope -2 ms per job, R^2 1.00)" in message


def test_a_cpu_the_rate_does_not_explain_is_refused_with_its_r_squared() -> None:
    rate = daily_rate(20.0, 0.6)
    message = refusal(rate, cores(rate, 1.0, 100.0, noise_m=12.0))
    assert "the rate explains little of the CPU (R^2 0.3" in message and "at least 0.5 needed" in message


def test_a_negative_idle_cpu_beyond_its_noise_is_refused() -> None:
    rate = daily_rate(20.0, 0.6)
    message = refusal(rate, cores(rate, 12.0, -50.0, 2.0))
    assert "the line gives an idle pod -50 millicores, below zero by more than its noise" in message


def test_a_cpu_capped_at_its_limit_is_refused_as_a_bent_line() -> None:
    # Throttling: the pods cannot use more than 0.4 cores, so the top of the cycle flattens. R^2 stays high
    # (0.9 and more), and one straight line would put the CPU per request some 20 % too low.
    rate = daily_rate(20.0, 0.6)
    capped = np.minimum(cores(rate, 12.0, 80.0, 2.0), 0.4)
    slope = np.polyfit(rate, capped, 1)[0]
    assert np.corrcoef(rate, capped)[0, 1] ** 2 > 0.9 and slope < 0.0105
    message = refusal(rate, capped)
    assert "the CPU is not a straight line of the rate: the lower half of the steps gives 12 ms per request" in message
    assert "more than 20% apart" in message and "throttling at the pod's CPU limit" in message
    assert "a code path that changes with the load" in message


def test_a_line_whose_slope_changes_with_the_load_is_refused() -> None:
    # A cache that stops working above 20 requests per second per pod: each request beyond costs 20 ms, not 10.
    rate = daily_rate(20.0, 0.6)
    cpu = 0.05 + 0.010 * rate + 0.010 * np.maximum(rate - 20.0, 0.0) + np.random.default_rng(3).normal(0, 0.002, STEPS)
    assert "the CPU is not a straight line of the rate" in refusal(rate, cpu)


def test_a_noisy_straight_line_passes_the_linearity_check_with_its_halves() -> None:
    rate = daily_rate(20.0, 0.6)
    fit = fit_cpu(rate, cores(rate, 12.0, 80.0, noise_m=40.0, seed=11), "request")
    assert fit.half_slopes is not None
    low, high = fit.half_slopes
    assert low * 1000 == pytest.approx(12.0, rel=0.1) and high * 1000 == pytest.approx(12.0, rel=0.1)
    assert fit.ms_per_unit == pytest.approx(12.0, rel=0.03) and 0.5 < fit.r_squared < 0.9


def test_a_noisy_flat_half_is_not_called_bent_within_its_noise() -> None:
    # Few points, much noise: the halves' slopes differ by more than 20 %, but well within their noise.
    rate = 20.0 * (1 + 0.6 * np.sin(2 * math.pi * np.arange(MIN_STEPS_WITH_TRAFFIC) / 50))
    cpu = cores(rate, 12.0, 80.0, noise_m=25.0, seed=15)
    fit = fit_cpu(rate, cpu, "request")
    assert fit.half_slopes is not None
    low, high = fit.half_slopes
    assert abs(high - low) > 0.2 * max(low, high)


def test_rates_and_cpu_values_come_in_pairs() -> None:
    with pytest.raises(ValueError, match="one of each per step"):
        fit_cpu([1.0, 2.0], [0.1], "request")


# --- range answers ----------------------------------------------------------------------------------------


def matrix(*series: tuple[dict[str, str], list[tuple[float, str]]]) -> dict[str, object]:
    result = [{"metric": labels, "values": [[t, v] for t, v in values]} for labels, values in series]
    return {"status": "success", "data": {"resultType": "matrix", "result": result}}


def test_a_range_answer_keeps_finite_points_only() -> None:
    (series,) = range_series(matrix(({"pod": "a"}, [(1.0, "0.5"), (2.0, "NaN"), (3.0, "+Inf"), (4.0, "1")])))
    assert series.labels == {"pod": "a"} and series.points == {1.0: 0.5, 4.0: 1.0}


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "success", "data": {"resultType": "vector", "result": []}},
        {"status": "error", "errorType": "bad_data", "error": "parse error"},
        {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, 2]]}]}},
        {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": [[1, "x"]]}]}},
        {"status": "success", "data": {"resultType": "matrix", "result": [{"metric": [], "values": []}]}},
    ],
)
def test_a_malformed_range_answer_is_refused(bad: object) -> None:
    with pytest.raises(PrometheusAnswerError):
        range_series(bad)


# --- from answers to fits and problems --------------------------------------------------------------------

NAMES = MetricNames()
API = CpuTarget("api", Unit.REQUEST, "shop", "shop-api", routes=(RouteKey("GET", "/a"), RouteKey("POST", "/b")))
WORKER = CpuTarget("mailer", Unit.JOB, "shop", "mailer", jobs=JobsCounter("jobs_done_total", (("queue", "=", "mail"),)))
TIMES = [1_800_000_000.0 + STEP_S * k for k in range(STEPS)]


def by_time(values: np.ndarray) -> list[tuple[float, str]]:
    return [(t, repr(float(v))) for t, v in zip(TIMES, values, strict=True)]


def deployment(namespace: str, name: str, values: np.ndarray) -> tuple[dict[str, str], list[tuple[float, str]]]:
    return {"namespace": namespace, DEPLOYMENT_LABEL: name}, by_time(values)


def rate_series(
    workload: str, values: np.ndarray, first: int = 0, deployment: str | None = None
) -> tuple[dict[str, str], list[tuple[float, str]]]:
    """A workload's rate on its Deployment's pods, as the rate query labels it."""
    target = {"api": API, "mailer": WORKER}.get(workload)
    name = deployment or (target.deployment if target else workload)
    return {WORKLOAD_LABEL: workload, "namespace": "shop", DEPLOYMENT_LABEL: name}, by_time(values)[first:]


def answers(
    requests: np.ndarray, jobs: np.ndarray, pods: float | np.ndarray = 3.0
) -> dict[CpuMeasure, list[RangeSeries]]:
    """The three answers for API and WORKER: 80 m idle and 12 ms per request, 30 m idle and 40 ms per job."""
    api_pods = np.broadcast_to(np.asarray(pods, dtype=float), (STEPS,))
    api_cores = api_pods * 0.08 + requests * 0.012
    mailer_cores = 2 * 0.03 + jobs * 0.04
    return {
        CpuMeasure.CORES: range_series(
            matrix(deployment("shop", "shop-api", api_cores), deployment("shop", "mailer", mailer_cores))
        ),
        CpuMeasure.PODS: range_series(
            matrix(deployment("shop", "shop-api", api_pods), deployment("shop", "mailer", np.full(STEPS, 2.0)))
        ),
        CpuMeasure.RATE: range_series(matrix(rate_series("api", requests), rate_series("mailer", jobs))),
    }


def test_each_workload_is_fitted_on_its_deployment_and_its_units() -> None:
    scope = CpuScope((API, WORKER), unmeasured=("batch: no jobsMetric",))
    result = measure_cpu(scope, answers(daily_rate(36.0, 0.6), daily_rate(4.0, 0.5)), NAMES, STEP_S)
    assert result.problems == [] and result.unmeasured == ("batch: no jobsMetric",) and result.step_s == STEP_S
    api, mailer = result.workloads
    assert api.target is API and mailer.target is WORKER
    assert api.fit.ms_per_unit == pytest.approx(12.0, rel=1e-6) and api.fit.idle_millicores == pytest.approx(80.0)
    assert mailer.fit.ms_per_unit == pytest.approx(40.0, rel=1e-6) and mailer.fit.idle_millicores == pytest.approx(30.0)
    # The rate per pod: the Deployment's rate shared by its three pods.
    assert api.fit.points == STEPS and api.fit.peak_rate_per_pod == pytest.approx(36.0 * 1.6 / 3, rel=1e-3)
    assert api.dropped_steps == mailer.dropped_steps == 0


def test_only_the_rate_on_the_workloads_own_deployment_counts() -> None:
    # The same routes served by a canary Deployment: the rate query gives it its own series, never api's.
    requests = daily_rate(36.0, 0.6)
    data = answers(requests, daily_rate(4.0, 0.5))
    data[CpuMeasure.RATE] = range_series(
        matrix(
            rate_series("api", requests * 0.25, deployment="shop-api-canary"),
            rate_series("api", requests),
            rate_series("mailer", daily_rate(4.0, 0.5)),
        )
    )
    api, _ = measure_cpu(CpuScope((API, WORKER)), data, NAMES, STEP_S).workloads
    assert api.fit.ms_per_unit == pytest.approx(12.0, rel=1e-6)


def test_steps_where_the_pod_count_changed_are_left_out_and_counted() -> None:
    # A rollout every 200 steps: for two steps the count holds old pods whose rates cover part of the window
    # and new ones warming up, with CPU the line does not describe.
    requests = daily_rate(36.0, 0.6)
    pods = np.full(STEPS, 3.0)
    for start in range(100, STEPS, 200):
        pods[start : start + 2] = (5.0, 4.0)
    data = answers(requests, daily_rate(4.0, 0.5), pods)
    cores = data[CpuMeasure.CORES][0].points
    skewed = {at: value + (0.9 if pods[TIMES.index(at)] != 3.0 else 0.0) for at, value in cores.items()}
    data[CpuMeasure.CORES] = [RangeSeries(data[CpuMeasure.CORES][0].labels, skewed), data[CpuMeasure.CORES][1]]
    (api,) = measure_cpu(CpuScope((API,)), data, NAMES, STEP_S).workloads
    changes = len(range(100, STEPS, 200))
    # Each rollout: 3 -> 5 -> 4 -> 3, three changes of the count; every step within the rate window plus the
    # warm-up (900 s, three steps) after one is left out: the three changing steps and the two after them.
    assert DEFAULT_SETTLE_S == 900.0
    assert api.dropped_steps == 5 * changes and api.fit.points == STEPS - 5 * changes
    assert api.fit.ms_per_unit == pytest.approx(12.0, rel=1e-6) and api.fit.idle_millicores == pytest.approx(80.0)


def test_a_gap_in_the_pods_leaves_out_the_step_after_it_but_not_the_first() -> None:
    requests = daily_rate(36.0, 0.6)
    data = answers(requests, daily_rate(4.0, 0.5))
    pods = data[CpuMeasure.PODS][0]
    # No pods for ten steps (scaled to zero, or no data): the step they come back is a warm-up.
    gap = {at: value for at, value in pods.points.items() if not TIMES[500] <= at < TIMES[510]}
    data[CpuMeasure.PODS] = [RangeSeries(pods.labels, gap), data[CpuMeasure.PODS][1]]
    (api,) = measure_cpu(CpuScope((API,)), data, NAMES, STEP_S).workloads
    # The step they come back and the two after it (the settling time): three left out.
    assert api.dropped_steps == 3 and api.fit.points == STEPS - 13


def test_too_few_steps_left_are_refused_with_how_many_were_left_out() -> None:
    requests = daily_rate(36.0, 0.6, STEPS)
    pods = np.where(np.arange(STEPS) % 2 == 0, 3.0, 4.0)  # a count that changes at every step
    pods[:90] = 3.0  # steady for 90 steps, and the 91st (3 pods, as the 90th) too
    (problem,) = measure_cpu(CpuScope((API,)), answers(requests, requests, pods), NAMES, STEP_S).problems
    assert "only 91 steps have both CPU and traffic; at least 100 are needed" in problem.message
    assert f"({STEPS - 91} steps left out after the pod count changed)" in problem.message
    assert "give --skip-cpu api to write the rest without its CPU" in problem.message and "--no-cpu" in problem.message


def test_a_deployment_without_cpu_series_names_what_was_checked_and_the_way_out() -> None:
    absent = CpuTarget("web", Unit.REQUEST, "shop", "shop-web", routes=(RouteKey("GET", "/a"),))
    rates = daily_rate(30.0, 0.6)
    scope = CpuScope((absent,), cpu_matchers=(("cluster", "=", "eu"),))
    result = measure_cpu(scope, answers(rates, rates), NAMES, STEP_S)
    (problem,) = result.problems
    assert str(problem).startswith("web (CPU): no CPU series for Deployment shop/shop-web: checked ")
    # The selectors as the queries use them: the stack's cpuMatchers, the namespace, the pods' names.
    assert (
        'container_cpu_usage_seconds_total{cluster="eu",namespace=~"shop",pod=~"(shop-web-).+",container!="",'
        'container!="POD"}' in problem.message
    )
    assert 'kube_pod_owner{cluster="eu",namespace=~"shop",pod=~"(shop-web-).+",owner_kind="ReplicaSet"}' in (
        problem.message
    )
    assert (
        'kube_replicaset_owner{cluster="eu",namespace=~"shop",owner_kind="Deployment",owner_name=~"shop-web"}'
        in problem.message
    )
    assert "give --skip-cpu web to write the rest without its CPU" in problem.message
    assert "or --no-cpu if the cluster does not export cAdvisor and kube-state-metrics metrics" in problem.message


def label_counts(workload: str, any_series: int, with_pod: int) -> list[Sample]:
    """The diagnostic query's answer for one workload: its counter's series, and those with pod labels."""
    counted = [("any", any_series), ("with_pod", with_pod)]
    return [Sample({WORKLOAD_LABEL: workload, SERIES_LABEL: kind}, float(n)) for kind, n in counted if n]


def test_missing_units_are_a_problem_of_their_workload_told_apart_by_their_labels() -> None:
    rates = daily_rate(30.0, 0.6)
    data = answers(rates, rates)
    data[CpuMeasure.RATE] = []
    scope = CpuScope((API, WORKER), http_matchers=(("job", "=", "shop"),))
    assert rateless_targets(scope, data, NAMES) == [API, WORKER]
    # Without the diagnostic query's answer: what the join needs, and the way out.
    unknown = measure_cpu(scope, data, NAMES, STEP_S)
    assert unknown.workloads == [] and [p.workload for p in unknown.problems] == ["api", "mailer"]
    assert (
        'no series of http_server_requests_seconds_count{job="shop",method="GET",uri="/a"} or '
        'http_server_requests_seconds_count{job="shop",method="POST",uri="/b"} on Deployment shop/shop-api\'s pods'
        in unknown.problems[0].message
    )
    # No series at all; series without pod labels; series on other pods.
    told = measure_cpu(scope, data, NAMES, STEP_S, [*label_counts("api", 0, 0), *label_counts("mailer", 3, 0)])
    api, mailer = (p.message for p in told.problems)
    assert api.startswith('no series of http_server_requests_seconds_count{job="shop",method="GET"')
    assert "in the window: the request rate is unknown; give --skip-cpu api" in api
    assert mailer.startswith(
        'jobs_done_total{queue="mail"} (workers[].jobsMetric) has 3 series in the window, none with the pod labels '
        "namespace and pod (metrics.podNamespaceLabel, metrics.podLabel"
    )
    assert "the scrape config must keep the pod's namespace and name" in mailer
    assert "(kube-prometheus ServiceMonitors do)" in mailer
    assert "give --skip-cpu mailer to write the rest without its CPU" in mailer and "or --no-cpu" in mailer
    elsewhere = measure_cpu(scope, data, NAMES, STEP_S, label_counts("api", 4, 4)).problems[0].message
    assert "name pods, but none of Deployment shop/shop-api's pods with a CPU rate at the same steps" in elsewhere


def test_custom_pod_labels_are_named_in_the_refusal() -> None:
    names = MetricNames(pod_namespace_label="kubernetes_namespace", pod_label="kubernetes_pod_name")
    rates = daily_rate(30.0, 0.6)
    data = answers(rates, rates)
    data[CpuMeasure.CORES] = [
        RangeSeries({"kubernetes_namespace": "shop", DEPLOYMENT_LABEL: "mailer"}, s.points)
        for s in data[CpuMeasure.CORES][1:]
    ]
    data[CpuMeasure.PODS] = [
        RangeSeries({"kubernetes_namespace": "shop", DEPLOYMENT_LABEL: "mailer"}, s.points)
        for s in data[CpuMeasure.PODS][1:]
    ]
    data[CpuMeasure.RATE] = []
    (problem,) = measure_cpu(CpuScope((WORKER,)), data, names, STEP_S, label_counts("mailer", 1, 0)).problems
    assert "none with the pod labels kubernetes_namespace and kubernetes_pod_name" in problem.message


def test_a_refused_fit_is_a_problem_of_its_workload() -> None:
    flat = np.full(STEPS, 10.0)
    result = measure_cpu(CpuScope((API,)), answers(flat, flat), NAMES, STEP_S)
    (problem,) = result.problems
    assert problem.workload == "api" and "the rate per pod hardly varies" in problem.message
    assert problem.message.endswith(
        "give --skip-cpu api to write the rest without its CPU (its cpu stays as it is), or --no-cpu to measure no "
        "CPU at all"
    )


def test_steps_without_pods_or_rate_are_left_out() -> None:
    requests = daily_rate(30.0, 0.6)
    data = answers(requests, daily_rate(4.0, 0.5))
    pods = np.full(STEPS, 3.0)
    pods[:100] = 0.0  # scaled to zero: no point, not a division by zero
    data[CpuMeasure.PODS] = range_series(matrix(deployment("shop", "shop-api", pods)))
    # No rate for the first 200 steps (no route had a series): unknown, not zero traffic.
    data[CpuMeasure.RATE] = range_series(matrix(rate_series("api", requests, first=200)))
    (api,) = measure_cpu(CpuScope((API,)), data, NAMES, STEP_S).workloads
    assert api.fit.points == STEPS - 200
