"""CPU per request and per job: the least-squares fit on hand-made points, and the range answers it is fed from."""

from __future__ import annotations

import math

import numpy as np
import pytest

from freshfoodz_seasonal.baseline.cpu_fit import MIN_STEPS_WITH_TRAFFIC, CpuFitRefused, fit_cpu
from freshfoodz_seasonal.baseline.cpu_measure import measure_cpu
from freshfoodz_seasonal.baseline.cpu_queries import (
    DEPLOYMENT_LABEL,
    WORKLOAD_LABEL,
    CpuMeasure,
    CpuScope,
    CpuTarget,
    JobsCounter,
    Unit,
)
from freshfoodz_seasonal.baseline.measure import PrometheusAnswerError
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


def rate_series(workload: str, values: np.ndarray, first: int = 0) -> tuple[dict[str, str], list[tuple[float, str]]]:
    return {WORKLOAD_LABEL: workload}, by_time(values)[first:]


def answers(requests: np.ndarray, jobs: np.ndarray, pods: float = 3.0) -> dict[CpuMeasure, list[RangeSeries]]:
    """The three answers for API and WORKER: 80 m idle and 12 ms per request, 30 m idle and 40 ms per job."""
    api_cores = pods * 0.08 + requests * 0.012
    mailer_cores = 2 * 0.03 + jobs * 0.04
    return {
        CpuMeasure.CORES: range_series(
            matrix(deployment("shop", "shop-api", api_cores), deployment("shop", "mailer", mailer_cores))
        ),
        CpuMeasure.PODS: range_series(
            matrix(
                deployment("shop", "shop-api", np.full(STEPS, pods)), deployment("shop", "mailer", np.full(STEPS, 2.0))
            )
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


def test_a_deployment_without_cpu_series_names_what_was_checked_and_the_way_out() -> None:
    absent = CpuTarget("web", Unit.REQUEST, "shop", "shop-web", routes=(RouteKey("GET", "/a"),))
    rates = daily_rate(30.0, 0.6)
    result = measure_cpu(CpuScope((absent,)), answers(rates, rates), NAMES, STEP_S)
    (problem,) = result.problems
    assert str(problem).startswith("web (CPU): no CPU series for Deployment shop/shop-web: checked ")
    assert 'container_cpu_usage_seconds_total{namespace="shop",container!="",container!="POD"}' in problem.message
    assert 'kube_pod_owner{owner_kind="ReplicaSet"}' in problem.message
    assert 'kube_replicaset_owner{owner_kind="Deployment",owner_name="shop-web"}' in problem.message
    assert "give --no-cpu if the cluster does not export cAdvisor and kube-state-metrics metrics" in problem.message


def test_missing_units_are_a_problem_of_their_workload() -> None:
    rates = daily_rate(30.0, 0.6)
    data = answers(rates, rates)
    data[CpuMeasure.RATE] = []
    result = measure_cpu(CpuScope((API, WORKER)), data, NAMES, STEP_S)
    assert result.workloads == []
    assert [p.workload for p in result.problems] == ["api", "mailer"]
    assert "no http_server_requests_seconds_count series for its routes (GET /a, POST /b)" in result.problems[0].message
    assert 'no jobs_done_total{queue="mail"} series (workers[].jobsMetric)' in result.problems[1].message


def test_a_refused_fit_is_a_problem_of_its_workload() -> None:
    flat = np.full(STEPS, 10.0)
    result = measure_cpu(CpuScope((API,)), answers(flat, flat), NAMES, STEP_S)
    (problem,) = result.problems
    assert problem.workload == "api" and "the rate per pod hardly varies" in problem.message


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
