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
from capacity.workers import job_wait_quantile_s, pods_for_sla
from freshfoodz_seasonal.content.manifests.hpa import HpaValues, PodsMetric, hpa_manifest, milli_quantity
from freshfoodz_seasonal.declaration.phase_values import hpa_values
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.plan.summary import plan_as_dict
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
    # Slot utilisation and latency are reported at the 8 pods that will run.
    assert api.sizing.pods == 8 and api.sizing.utilization < 0.5
    summary = plan_as_dict(plan)["services"][0]
    assert summary["binding_constraint"] == "cpu"
    assert summary["cpu"] == {
        "millicores_per_request": 8.0,
        "idle_millicores": 50.0,
        "utilization_at_plan": 0.5,
        "hpa_target_percent": 50,
        "pods_for_cpu": 8,
        "source": "measured",
    }


def test_a_target_out_of_the_sensible_range_is_warned(catalog: Catalog) -> None:
    # (0.005 + 200 / 7 x 0.0001) / 0.5 = 1.6 %: the HPA would follow idle noise.
    plan = planned(catalog, services__0__cpu={"msPerRequest": 0.1, "idleMillicores": 5})
    assert plan.services[0].hpa.cpu_target_percent == 2
    (low,) = [w for w in plan.warnings if w.startswith("service api: the HPA CPU target of 2 %")]
    assert "outside 10% to 90%" in low and "lower the CPU request" in low
    # At a 95 % app-server target: 2.1 cores / (0.475 - 0.05) -> 5 pods, each at (0.05 + 40 x 0.0105) / 0.5 = 94 %.
    hot = planned(
        catalog,
        season__targetUtilization__appServers=0.95,
        services__0__cpu={"msPerRequest": 10.5, "idleMillicores": 50},
    )
    assert (hot.services[0].pods, hot.services[0].binding_constraint) == (5, "cpu")
    assert any("service api: the HPA CPU target of 94 %" in w and "raise the CPU request" in w for w in hot.warnings)


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


def test_the_sla_raises_the_pods_to_the_fewest_that_hold_it(catalog: Catalog) -> None:
    # An SLA of 1 s leaves 0.2 s of wait for a 0.8 s job; 5 pods wait 0.46 s at p99.
    def meets(pods: int) -> bool:
        c = erlang_c_by_sums(2 * pods, 6.0)
        wait = 0.0 if c <= 0.01 else 0.8 / (2 * pods - 6) * math.log(c / 0.01)
        return wait + 0.8 <= 1.0

    fewest = next(pods for pods in range(4, 21) if meets(pods))
    assert fewest > 5
    assert pods_for_sla(7.5, 0.8, 2, 1.0, 5, 20) == fewest
    assert pods_for_sla(7.5, 0.8, 2, 1.0, 5, fewest - 1) is None
    plan = planned(catalog, workers__1__slaSeconds=1)
    worker = plan.workers[1]
    assert (worker.pods, worker.binding_constraint) == (fewest, "sla")
    assert worker.predicted_p99_wait_s + 0.8 <= 1.0
    summary = plan_as_dict(plan)["workers"][1]
    assert summary["sla"] == {"seconds": 1, "predicted_p99_wait_s": round(worker.predicted_p99_wait_s, 4)}
    assert summary["hpa"]["min_replicas"] == fewest


def test_the_shipped_two_hour_sla_is_held_with_room(catalog: Catalog) -> None:
    worker = planned(catalog).workers[1]
    assert worker.sla_seconds == 7200 and worker.binding_constraint == "utilization"
    assert worker.predicted_p99_wait_s == pytest.approx(0.8 / 4 * math.log(erlang_c_by_sums(10, 6.0) / 0.01))


def test_concurrency_scaling_targets_the_slots_the_plan_fills(catalog: Catalog) -> None:
    plan = planned(catalog, autoscaling={"metric": "concurrency", "concurrencyMetric": "http_server_active_requests"})
    assert plan.concurrency_metric == "http_server_active_requests"
    services, workers = hpa_values(plan)[:2], hpa_values(plan)[2:]
    # 8 slots per pod x 50 %: 4 requests in flight per pod on average at the planned peak.
    assert [v.pods_metric for v in services] == [PodsMetric("http_server_active_requests", 4.0)] * 2
    assert all(v.pods_metric is None for v in workers)  # workers keep CPU
    metric = hpa_manifest(services[0])["spec"]["metrics"]
    assert metric == [
        {
            "type": "Pods",
            "pods": {
                "metric": {"name": "http_server_active_requests"},
                "target": {"type": "AverageValue", "averageValue": "4"},
            },
        }
    ]


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
