"""Kubernetes objects of both phases, checked by kubernetes-validate (official schemas, strict)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.content.manifests.hpa import HpaValues, PodsMetric, hpa_manifest
from freshfoodz_seasonal.content.manifests.peak_controls import peak_controls_config_map, priority_class_manifest
from freshfoodz_seasonal.declaration.peak_controls import route_limits
from freshfoodz_seasonal.declaration.phase_values import hpa_values
from freshfoodz_seasonal.plan.season_plan import plan_season
from tests.support.project import FROZEN, ROOT, SHIPPED_STACKS, shared_catalog, stack_file_config

KUBERNETES_VERSION = "1.33.0"


def settings_of(stack: str, phase: str, project: Path = FROZEN) -> StackSettings:
    """A stack of `project` (by default a frozen one, whose numbers the tests pin) in `phase`."""
    values, _ = project_values(stack_file_config(project / f"Pulumi.{stack}.yaml"), stack)
    values["phase"] = phase
    return parse_settings(values, shared_catalog(), stack)


def validate(manifest: dict[str, Any]) -> None:
    kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("phase", ["peak", "baseline"])
@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_hpas_are_valid_autoscaling_v2_objects(stack: str, phase: str, catalog: Catalog) -> None:
    settings = settings_of(stack, phase, ROOT)
    plan = plan_season(settings, catalog, stack, 2026)
    manifests = [hpa_manifest(values) for values in hpa_values(plan)]
    assert len(manifests) == len(settings.services) + len(settings.workers)
    for manifest in manifests:
        validate(manifest)
        spec = manifest["spec"]
        assert 1 <= spec["minReplicas"] <= spec["maxReplicas"]
        assert isinstance(spec["minReplicas"], int) and isinstance(spec["maxReplicas"], int)


def test_peak_sets_the_plan_and_baseline_restores_the_platform_values(catalog: Catalog) -> None:
    peak_settings = settings_of("weihnachten", "peak")
    plan = plan_season(peak_settings, catalog, "weihnachten", 2026)
    peak = hpa_values(plan)
    assert [(v.min_replicas, v.max_replicas, v.cpu_target_percent) for v in peak] == [
        (s.hpa.min_replicas, s.hpa.max_replicas, s.hpa.cpu_target_percent) for s in (*plan.services, *plan.workers)
    ]
    assert [v.min_replicas for v in peak[len(plan.services) :]] == [w.pods for w in plan.workers]
    baseline_settings = settings_of("weihnachten", "baseline")
    baseline = hpa_values(plan_season(baseline_settings, catalog, "weihnachten", 2026))
    assert [(v.min_replicas, v.max_replicas, v.cpu_target_percent) for v in baseline] == [
        (s.baseline_replicas, s.baseline_max_replicas, s.baseline_cpu_target_percent)
        for s in baseline_settings.workloads
    ]
    assert [v.deployment for v in peak] == [v.deployment for v in baseline]


def test_an_hpa_on_in_flight_requests_is_a_valid_pods_metric_hpa() -> None:
    manifest = hpa_manifest(HpaValues("api", "shop", 7, 11, 50, 60, PodsMetric("http_server_active_requests", 3.74)))
    validate(manifest)
    (metric,) = manifest["spec"]["metrics"]
    assert metric["pods"]["target"] == {"type": "AverageValue", "averageValue": "3740m"}
    broken = json.loads(json.dumps(manifest))
    broken["spec"]["metrics"][0]["pods"]["metric"]["names"] = "a typo"  # strict: unknown fields are errors
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(broken)


def test_scale_up_is_fast_and_scale_down_is_slow() -> None:
    behavior = hpa_manifest(HpaValues("api", "shop", 2, 4, 50, 10))["spec"]["behavior"]
    assert behavior["scaleUp"]["stabilizationWindowSeconds"] == 0
    assert behavior["scaleDown"]["stabilizationWindowSeconds"] >= 300
    assert max(p["value"] for p in behavior["scaleDown"]["policies"]) < 100


def test_the_validator_rejects_a_broken_hpa() -> None:
    manifest = hpa_manifest(HpaValues("api", "shop", 2, 4, 50, 10))
    manifest["spec"]["maxReplicas"] = "four"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(manifest)
    manifest = hpa_manifest(HpaValues("api", "shop", 2, 4, 50, 10))
    manifest["spec"]["maxReplica"] = 4  # strict: unknown fields are errors
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(manifest)


def test_min_above_max_is_refused() -> None:
    with pytest.raises(ValueError, match="minReplicas"):
        hpa_manifest(HpaValues("api", "shop", 5, 4, 50, 10))


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_peak_controls_are_valid_objects_with_limits_above_the_planned_peak(stack: str, catalog: Catalog) -> None:
    settings = settings_of(stack, "peak", ROOT)
    plan = plan_season(settings, catalog, stack, 2026)
    limits = route_limits(plan)
    controls = settings.peak_controls
    priority = priority_class_manifest(controls.priority_class_value, controls.priority_services, "FreshFoodz")
    config_map = peak_controls_config_map(
        f"freshfoodz-{stack}-peak-controls", controls.namespace, stack, limits, controls.non_critical_features
    )
    validate(priority)
    validate(config_map)
    planned_rps = {route.name: route.rps for service in plan.services for route in service.sizing.routes}
    assert [limit.route for limit in limits] == list(planned_rps)
    for limit in limits:
        assert limit.limit_rps >= math.floor(planned_rps[limit.route])
    assert json.loads(config_map["data"]["rate-limits.json"])[0]["limitRps"] == limits[0].limit_rps
    assert config_map["data"]["degraded-features"].splitlines() == controls.non_critical_features


def test_rate_limits_split_the_capacity_at_hpa_max(catalog: Catalog) -> None:
    """api at 5x: 11 pods x 8 slots x 0.5 = 44 slots for 26.2 busy at 200 rps: 335.9 rps in all."""
    settings = settings_of("weihnachten", "peak")
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    api = {limit.route: limit.limit_rps for limit in route_limits(plan)}
    capacity = 11 * 8 * 0.5 * 200 / 26.2
    assert api["catalog-browse"] == math.floor(capacity * 100 / 200)
    assert api["sample-request"] == math.floor(capacity * 30 / 200)
