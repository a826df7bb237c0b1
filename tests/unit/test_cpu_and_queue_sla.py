"""CPU as the plan's second constraint and the HPA's CPU target; the workers' queue SLA. Hand-checked numbers.

The weihnachten stack's api serves 200 rps at the peak (40 rps baseline x 5) on pods of 8 slots that
request 500 millicores, at an app-server target of 50 %: the slots alone need 7 pods.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from capacity.catalog import Catalog
from capacity.cpu import CpuUse, cpu_utilization, pods_for_cpu
from capacity.errors import InfeasibleError
from capacity.workers import job_done_quantile_s, job_wait_quantile_s, pods_for_sla
from freshfoodz_seasonal.content.alerting.rules import route_paths_of, season_alert_rules
from freshfoodz_seasonal.content.manifests.hpa import HpaValues, PodsMetric, hpa_manifest, milli_quantity
from freshfoodz_seasonal.declaration.phase_values import hpa_values
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.plan.summary import plan_as_dict
from tests.unit.test_queueing import exact_quantile, mmc_sojourn_survival
from tests.unit.test_season_plan import settings_with


def planned(catalog: Catalog, **changes: Any) -> SeasonPlan:
    return plan_season(settings_with(**changes), catalog, "t", 2026)


def test_cpu_pods_leave_room_for_the_idle_pod() -> None:
    # 200 rps x 2 ms = 0.4 cores of requests; each pod has 0.5 x 0.5 - 0.05 = 0.2 cores for them: 2 pods.
    assert pods_for_cpu(200.0, CpuUse(0.002, 0.05), 0.5, 0.5) == 2
    # 0.40001 cores / 0.2 -> 3: a hair above a whole number rounds up.
    assert pods_for_cpu(200.005, CpuUse(0.002, 0.05), 0.5, 0.5) == 3
    assert cpu_utilization(200.0, CpuUse(0.002, 0.05), 7, 0.5) == pytest.approx((0.05 + 200 / 7 * 0.002) / 0.5)
    with pytest.raises(InfeasibleError, match="an idle pod uses 250 millicores"):
        pods_for_cpu(1.0, CpuUse(0.001, 0.25), 0.5, 0.5)


def test_an_io_bound_service_keeps_its_slot_pods_and_gets_the_cpu_it_really_uses_as_target(catalog: Catalog) -> None:
    plan = planned(catalog, services__0__cpu={"msPerRequest": 2, "idleMillicores": 50})
    api = plan.services[0]
    assert (api.pods, api.binding_constraint) == (7, "utilization")
    # (0.05 + 200 / 7 x 0.002) / 0.5 = 0.2143: the HPA adds a pod when a pod's CPU passes 21 %, not 50 %.
    assert api.cpu.utilization_at_plan == pytest.approx(0.2142857, rel=1e-6)
    assert api.cpu.hpa_target_percent == api.hpa.cpu_target_percent == 21
    assert (api.cpu.pods_for_cpu, api.cpu.source) == (2, "measured")
    (manifest, *_) = [hpa_manifest(v) for v in hpa_values(plan)]
    assert manifest["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 21


def test_a_cpu_bound_service_is_sized_by_its_cpu(catalog: Catalog) -> None:
    # 200 rps x 8 ms = 1.6 cores / 0.2 per pod = 8 pods, one more than the slots need.
    plan = planned(catalog, services__0__cpu={"msPerRequest": 8, "idleMillicores": 50})
    api = plan.services[0]
    assert (api.pods, api.binding_constraint, api.cpu.pods_for_cpu) == (8, "cpu", 8)
    # At 8 pods each uses 0.05 + 25 x 0.008 = 0.25 cores: exactly the 50 % target.
    assert api.cpu.utilization_at_plan == pytest.approx(0.5)
    assert api.hpa.cpu_target_percent == 50
    # Slot utilization and latency are reported at the 8 pods that will run.
    assert api.sizing.pods == 8 and api.sizing.utilization < 0.5
    summary = plan_as_dict(plan)["services"][0]
    assert summary["binding_constraint"] == "cpu"
    assert summary["cpu"] == {
        "millicores_per_request": 8.0,
        "idle_millicores": 50.0,
        "utilization_at_plan": 0.5,
        "used_millicores": 250.0,
        "hpa_target_percent": 50,
        # CPU must pass 1.1 x 50 % = 275 m; idle stays 50 m, so requests must go 0.2 -> 0.225 cores.
        "reacts_at_load": 1.125,
        "rate_per_pod": 25.0,
        "measured_up_to": None,
        "pods_for_cpu": 8,
        "source": "measured",
    }


def test_a_target_out_of_the_sensible_range_is_warned(catalog: Catalog) -> None:
    # (0.005 + 200 / 7 x 0.0001) / 0.5 = 1.6 %: the HPA would follow idle noise.
    plan = planned(catalog, services__0__cpu={"msPerRequest": 0.1, "idleMillicores": 5})
    assert plan.services[0].hpa.cpu_target_percent == 2
    (low,) = [w for w in plan.warnings if w.startswith("service api: the CPU a pod uses at the planned peak, 1.6%")]
    assert "outside 10% to 90%" in low and "lower the CPU request" in low
    # At a 95 % app-server target: 2.1 cores / (0.475 - 0.05) -> 5 pods, each at (0.05 + 40 x 0.0105) / 0.5 = 94 %.
    hot = planned(
        catalog,
        season__targetUtilization__appServers=0.95,
        services__0__cpu={"msPerRequest": 10.5, "idleMillicores": 50},
    )
    assert (hot.services[0].pods, hot.services[0].binding_constraint) == (5, "cpu")
    hot_warnings = [w for w in hot.warnings if "service api: the CPU a pod uses at the planned peak, 94.0%" in w]
    assert len(hot_warnings) == 1 and "raise the CPU request" in hot_warnings[0]


def test_without_a_measurement_the_target_is_the_fallback_and_the_plan_says_so(catalog: Catalog) -> None:
    plan = planned(catalog)
    for service in plan.services:
        assert (service.cpu.source, service.hpa.cpu_target_percent) == ("fallback", 50)
    for worker in plan.workers:
        assert (worker.cpu.source, worker.hpa.cpu_target_percent) == ("fallback", 65)
    (note,) = [w for w in plan.warnings if w.startswith("no CPU per request or job")]
    assert all(name in note for name in ("api", "event-catering", "order-fulfilment", "sample-dispatch"))
    measured = planned(
        catalog,
        services__0__cpu={"msPerRequest": 2, "idleMillicores": 50},
        services__1__cpu={"msPerRequest": 2, "idleMillicores": 50},
        workers__0__cpu={"msPerJob": 20, "idleMillicores": 20},
        workers__1__cpu={"msPerJob": 20, "idleMillicores": 20},
    )
    assert not [w for w in measured.warnings if w.startswith("no CPU per request or job")]


def test_a_workers_cpu_per_job_sets_its_target(catalog: Catalog) -> None:
    # order-fulfilment: 20 jobs/s on 4 pods of 250 millicores; (0.02 + 5 x 0.02) / 0.25 = 48 %.
    plan = planned(catalog, workers__0__cpu={"msPerJob": 20, "idleMillicores": 20})
    worker = plan.workers[0]
    assert worker.pods == 4 and worker.hpa.cpu_target_percent == 48
    # 20 jobs/s x 20 ms = 0.4 cores / (0.25 x 0.65 - 0.02) = 2.8 -> 3 pods: not binding.
    assert worker.cpu.pods_for_cpu == 3 and worker.binding_constraint == "utilization"


def erlang_c_by_sums(servers: int, offered: float) -> float:
    """Erlang C from its textbook form, independent of the recursion the planner uses."""
    head = sum(offered**k / math.factorial(k) for k in range(servers))
    tail = offered**servers / math.factorial(servers) * servers / (servers - offered)
    return tail / (head + tail)


def test_the_p99_job_wait_is_erlang_cs_exponential_tail() -> None:
    # sample-dispatch at Christmas: 7.5 jobs/s of 0.8 s on 5 pods x 2 slots: 6 Erlangs on 10 slots.
    c = erlang_c_by_sums(10, 6.0)
    expected = 0.8 / (10 - 6) * math.log(c / 0.01)
    assert job_wait_quantile_s(7.5, 0.8, 10) == pytest.approx(expected, rel=1e-9)
    assert job_wait_quantile_s(7.5, 0.8, 6) == math.inf  # 6 Erlangs on 6 slots never drain
    assert job_wait_quantile_s(0.1, 0.8, 10) == 0.0  # fewer than 1 % of jobs wait at all


def sojourn_p99(pods: int) -> float:
    """sample-dispatch's p99 from enqueue to done on `pods` x 2 slots, from M/M/c's closed form."""
    return exact_quantile(lambda t: mmc_sojourn_survival(2 * pods, 7.5, 0.8, t), 0.99)


def test_the_p99_from_enqueue_to_done_is_m_m_cs_sojourn_time() -> None:
    for pods in (4, 5, 6, 9):
        assert job_done_quantile_s(7.5, 0.8, 2 * pods) == pytest.approx(sojourn_p99(pods), rel=2e-3)
    # The job's own exponential time is a floor: ln(100) x 0.8 s.
    assert job_done_quantile_s(7.5, 0.8, 1000) == pytest.approx(0.8 * math.log(100), rel=1e-3)
    assert job_done_quantile_s(7.5, 0.8, 6) == math.inf


def test_the_sla_raises_the_pods_to_the_fewest_that_hold_it(catalog: Catalog) -> None:
    # 3.70 s from enqueue to done: 5 pods give 3.711 s at p99, 6 pods 3.688 s.
    assert sojourn_p99(5) > 3.7 >= sojourn_p99(6)
    assert pods_for_sla(7.5, 0.8, 2, 3.7, 5, 20) == 6
    assert pods_for_sla(7.5, 0.8, 2, 3.7, 5, 5) is None
    plan = planned(catalog, workers__1__slaSeconds=3.7)
    worker = plan.workers[1]
    assert (worker.pods, worker.binding_constraint) == (6, "sla")
    assert worker.predicted_p99_done_s == pytest.approx(sojourn_p99(6), rel=2e-3)
    summary = plan_as_dict(plan)["workers"][1]
    assert summary["sla"] == {
        "seconds": 3.7,
        "predicted_p99_wait_s": round(worker.predicted_p99_wait_s, 4),
        "predicted_p99_done_s": round(worker.predicted_p99_done_s, 4),
    }
    assert summary["hpa"]["min_replicas"] == 6


def test_an_sla_shorter_than_the_job_itself_is_refused_without_asking_for_pods(catalog: Catalog) -> None:
    # 1 % of 0.8 s exponential jobs take longer than 3.68 s however many pods wait for them.
    with pytest.raises(InfeasibleError, match=r"worker sample-dispatch: slaSeconds 3\.6 is shorter than a job's own"):
        planned(catalog, workers__1__slaSeconds=3.6)


def test_the_shipped_two_hour_sla_is_held_with_room(catalog: Catalog) -> None:
    worker = planned(catalog).workers[1]
    assert worker.sla_seconds == 7200 and worker.binding_constraint == "utilization"
    assert worker.predicted_p99_wait_s == pytest.approx(0.8 / 4 * math.log(erlang_c_by_sums(10, 6.0) / 0.01))
    assert worker.predicted_p99_done_s == pytest.approx(sojourn_p99(5), rel=2e-3)


CONCURRENCY = {"metric": "concurrency", "concurrencyMetric": "http_server_active_requests"}


def test_concurrency_scaling_targets_the_requests_a_pod_serves_at_the_plan(catalog: Catalog) -> None:
    plan = planned(catalog, autoscaling=CONCURRENCY)
    assert plan.concurrency_metric == "http_server_active_requests"
    services, workers = hpa_values(plan)[:2], hpa_values(plan)[2:]
    # api: 26.2 busy slots on 7 pods = 3.74 requests in service per pod at the planned peak.
    api = plan.services[0]
    assert services[0].pods_metric == PodsMetric("http_server_active_requests", api.sizing.busy_slots / 7)
    assert services[0].pods_metric.average_per_pod == pytest.approx(3.742857, rel=1e-6)
    assert all(v.pods_metric is None for v in workers)  # workers keep CPU
    metric = hpa_manifest(services[0])["spec"]["metrics"]
    assert metric == [
        {
            "type": "Pods",
            "pods": {
                "metric": {"name": "http_server_active_requests"},
                "target": {"type": "AverageValue", "averageValue": "3743m"},
            },
        }
    ]
    # The services' CPU target is not used: no CPU advice for them, only for the workers.
    (note,) = [w for w in plan.warnings if w.startswith("no CPU per request or job")]
    assert "api" not in note and "order-fulfilment" in note


def test_a_latency_bound_service_keeps_its_lower_in_flight_target(catalog: Catalog) -> None:
    # An SLO of 184 ms for catalog-browse needs more pods than the slots: fewer requests per pod.
    plan = planned(catalog, routes__0__p95SloMs=184, autoscaling=CONCURRENCY)
    api = plan.services[0]
    assert api.binding_constraint == "latency" and api.pods > 7
    assert api.concurrency_target == pytest.approx(api.sizing.busy_slots / api.pods)
    # Below what the utilization target alone would keep in flight (8 slots x 0.5).
    assert api.concurrency_target < 8 * 0.5
    assert api.pods > api.sizing.pods_for_utilization


def test_quantities_in_thousandths() -> None:
    assert [milli_quantity(v) for v in (4.0, 5.5, 0.0015, 12.3456)] == ["4", "5500m", "2m", "12346m"]
    with pytest.raises(ValueError, match="positive"):
        milli_quantity(0.0001)
    manifest = hpa_manifest(HpaValues("api", "shop", 2, 4, 50, 10, PodsMetric("inflight", 2.75)))
    assert manifest["spec"]["metrics"][0]["pods"]["target"]["averageValue"] == "2750m"


def test_an_sla_nobody_watches_is_warned(catalog: Catalog) -> None:
    assert not [w for w in planned(catalog).warnings if "backlogAgeMetric" in w]
    plan = planned(catalog, workers__0__slaSeconds=600)
    (warning,) = [w for w in plan.warnings if "backlogAgeMetric" in w]
    assert warning.startswith("worker order-fulfilment: slaSeconds is set but no backlogAgeMetric")


def test_idle_cpu_that_blunts_the_hpa_is_warned(catalog: Catalog) -> None:
    # event-catering: 50 rps on 5 pods, 10 rps x 2 ms = 20 m + 50 m idle = 70 m of 500 m, target 14 %.
    # The HPA adds pods above 1.1 x 14 % x 500 m = 77 m: requests must reach 27 m, 1.35x the plan's 20 m.
    plan = planned(catalog, services__1__cpu={"msPerRequest": 2, "idleMillicores": 50})
    catering = plan.services[1]
    assert catering.hpa.cpu_target_percent == 14
    assert catering.cpu.reacts_at_load == pytest.approx(1.35)
    (warning,) = [w for w in plan.warnings if w.startswith("service event-catering: idle CPU")]
    assert "idle CPU is 50 of the 70 millicores" in warning and "only at 1.35x the plan's load" in warning
    # Little idle CPU: the HPA reacts within the tolerance, no warning.
    lean = planned(catalog, services__1__cpu={"msPerRequest": 2, "idleMillicores": 2})
    assert lean.services[1].cpu.reacts_at_load < 1.2
    assert not [w for w in lean.warnings if "idle CPU is" in w]


def test_a_worker_scaled_by_an_external_autoscaler_gets_no_hpa_patch_but_its_numbers(catalog: Catalog) -> None:
    plan = planned(catalog, workers__1__autoscaler="external")
    worker = plan.workers[1]
    assert worker.external_autoscaler and plan.hpa_workers == (plan.workers[0],)
    assert [v.deployment for v in hpa_values(plan)] == [
        "freshfoodz-api",
        "event-catering-api",
        "order-fulfilment-worker",
    ]
    (warning,) = [w for w in plan.warnings if "external autoscaler" in w]
    assert warning.startswith("worker sample-dispatch: scaled by an external autoscaler (autoscaler: external)")
    assert f"set its minimum to {worker.pods} and its maximum to at least {worker.hpa.max_replicas}" in warning
    # It still counts: its pods are packed on the nodes and its pools open connections.
    assert plan.database.connections == planned(catalog).database.connections
    rules = season_alert_rules(plan, route_paths_of(plan))
    assert "SampleDispatchWorkerHpaAtMaxReplicas" not in {r.name for r in rules}
    assert "SampleDispatchOldestJobAboveSla" in {r.name for r in rules}  # its queue is still watched


def test_a_plan_beyond_the_measured_rate_per_pod_says_its_cpu_is_extrapolated(catalog: Catalog) -> None:
    # api at the peak: 200 rps on 7 pods = 28.6 rps per pod.
    within = planned(catalog, services__0__cpu={"msPerRequest": 2, "idleMillicores": 50, "peakRatePerPod": 30})
    assert within.services[0].cpu.rate_per_pod == pytest.approx(200 / 7)
    assert not [w for w in within.warnings if "extrapolated" in w]
    beyond = planned(catalog, services__0__cpu={"msPerRequest": 2, "idleMillicores": 50, "peakRatePerPod": 20})
    (warning,) = [w for w in beyond.warnings if "extrapolated" in w]
    assert warning.startswith("service api: each pod takes 28.6/s at the planned peak, beyond the 20/s per pod")


def test_a_service_scaled_on_in_flight_requests_still_says_when_its_cpu_is_extrapolated(catalog: Catalog) -> None:
    # api CPU-bound (8 pods at 25 rps each) on a line measured up to 20 rps per pod: the constraint extrapolates.
    cpu = {"msPerRequest": 8, "idleMillicores": 50, "peakRatePerPod": 20}
    plan = planned(catalog, services__0__cpu=cpu, autoscaling=CONCURRENCY)
    assert plan.services[0].binding_constraint == "cpu"
    (warning,) = [w for w in plan.warnings if "extrapolated" in w]
    assert warning.startswith("service api: each pod takes 25/s at the planned peak, beyond the 20/s")
