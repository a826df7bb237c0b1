"""The whole season plan: floors, caps, warnings and how the tiers feed each other."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from capacity.catalog import Catalog
from capacity.errors import InfeasibleError
from capacity.pool_sizing import Method
from freshfoodz_seasonal.adapters.stack_file import stack_name_of
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.plan.season_plan import plan_season
from tests.support.project import FROZEN, FROZEN_STACKS, ROOT, SHIPPED_STACKS, shared_catalog, stack_file_config


def stack_values(path: Path) -> dict[str, Any]:
    values, problems = project_values(stack_file_config(path), stack_name_of(path))
    assert not problems
    return values


def settings_with(stack: str = "weihnachten", project: Path = FROZEN, **changes: Any) -> StackSettings:
    """A stack of `project` (by default a frozen one, whose numbers the tests pin) with `changes`."""
    values = stack_values(project / f"Pulumi.{stack}.yaml")
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target: Any = values
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[leaf] = value
    return parse_settings(values, shared_catalog(), "test")


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_plan_within_every_constraint(stack: str, catalog: Catalog) -> None:
    settings = settings_with(stack, ROOT)
    plan = plan_season(settings, catalog, stack, 2026)
    target = settings.season.target_utilization
    for service in plan.services:
        assert service.pods >= service.baseline_replicas
        assert service.sizing.utilization <= target.app_servers + 1e-9
        assert all(r.predicted_p95_s <= r.p95_slo_s for r in service.sizing.routes)
        assert service.hpa.min_replicas == service.pods <= service.hpa.max_replicas
    for worker in plan.workers:
        assert worker.utilization <= target.workers + 1e-9
    assert plan.database.connection_utilization * plan.database.usable_max_connections == pytest.approx(
        plan.database.connections
    )
    assert plan.database.primary_cpu_utilization <= target.database + 1e-9
    assert plan.nodes.nodes <= plan.max_nodes
    assert plan.cost.peak_per_hour >= plan.cost.baseline_per_hour


def test_bigger_season_never_plans_less(catalog: Catalog) -> None:
    plans = {s: plan_season(settings_with(s), catalog, s, 2026) for s in FROZEN_STACKS}
    for smaller, larger in (("spargel", "oktoberfest"), ("oktoberfest", "weihnachten")):
        assert [s.pods for s in plans[smaller].services] <= [s.pods for s in plans[larger].services]
        assert plans[smaller].nodes.nodes <= plans[larger].nodes.nodes


def test_pods_never_drop_below_baseline_replicas(catalog: Catalog) -> None:
    settings = settings_with(
        services__0__baselineReplicas=12, services__0__baselineMaxReplicas=20, services__0__maxReplicasCap=60
    )
    api = plan_season(settings, catalog, "t", 2026).services[0]
    assert (api.pods, api.binding_constraint) == (12, "baselineReplicas")
    assert api.sizing.pods == 12  # utilization and p95 are reported at the pods that will run
    assert api.sizing.utilization < settings.season.target_utilization.app_servers


def test_connections_follow_the_pods(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "t", 2026)
    pools = {w.name: w.db_pool_per_pod for w in settings.workloads}
    expected = sum(pools[p.name] * p.pods for p in [*plan.services, *plan.workers])
    assert plan.database.connections == expected
    at_max = sum(pools[s.name] * s.hpa.max_replicas for s in plan.services) + sum(
        pools[w.name] * w.hpa.max_replicas for w in plan.workers
    )
    assert plan.connections_at_hpa_max == at_max


def test_warns_when_hpa_max_could_exhaust_connections(catalog: Catalog) -> None:
    settings = settings_with(services__0__dbPoolPerPod=300, services__0__hpaHeadroom=3)
    plan = plan_season(settings, catalog, "t", 2026)
    assert plan.connections_at_hpa_max > plan.database.usable_max_connections >= plan.database.connections
    assert any("at HPA maxReplicas the pools open" in warning for warning in plan.warnings)
    assert not [w for w in plan_season(settings_with(), catalog, "t", 2026).warnings if "connections" in w]


def test_seasonal_nodes_carry_only_the_pods_above_baseline(catalog: Catalog) -> None:
    settings = settings_with()
    plan = plan_season(settings, catalog, "t", 2026)
    assert plan.nodes.pods == sum(p.pods - p.baseline_replicas for p in [*plan.services, *plan.workers])
    assert plan.nodes.headroom_nodes == settings.nodes.availability_zones


def test_too_few_nodes_allowed_is_infeasible(catalog: Catalog) -> None:
    with pytest.raises(InfeasibleError, match=r"nodes\.maxNodes is 3"):
        plan_season(settings_with(nodes__maxNodes=3), catalog, "t", 2026)


def test_replica_cap_below_the_plan_is_infeasible_and_names_the_service(catalog: Catalog) -> None:
    with pytest.raises(InfeasibleError, match=r"service api: .*maxReplicasCap is 4"):
        settings = settings_with(services__0__maxReplicasCap=4, services__0__baselineMaxReplicas=4)
        plan_season(settings, catalog, "t", 2026)


def test_slo_no_pod_count_meets_is_infeasible_and_names_route(catalog: Catalog) -> None:
    with pytest.raises(InfeasibleError, match="sample-request"):
        plan_season(settings_with(routes__3__p95SloMs=700), catalog, "t", 2026)


def test_seed_method_replaces_only_the_app_pods(catalog: Catalog) -> None:
    # The seed formula's pod counts exceed the shipped caps, which is part of what it gets wrong.
    settings = settings_with(services__0__maxReplicasCap=500, services__1__maxReplicasCap=500, nodes__maxNodes=200)
    seed = plan_season(settings, catalog, "t", 2026, Method.SEED)
    model = plan_season(settings, catalog, "t", 2026)
    assert [s.pods for s in seed.services] == [s.seed_formula_pods for s in model.services]
    assert [w.pods for w in seed.workers] == [w.pods for w in model.workers]


def test_seed_method_beyond_the_caps_is_infeasible(catalog: Catalog) -> None:
    with pytest.raises(InfeasibleError, match="maxReplicasCap is 60"):
        plan_season(settings_with(), catalog, "t", 2026, Method.SEED)


def test_cost_covers_the_window(catalog: Catalog) -> None:
    plan = plan_season(settings_with(), catalog, "t", 2026)
    assert plan.cost.hours == 61 * 24
    assert plan.cost.extra_over_window == pytest.approx(
        (plan.cost.peak_per_hour - plan.cost.baseline_per_hour) * 61 * 24
    )
    peak_items = [line.item for line in plan.cost.peak]
    assert "seasonal node group" in peak_items
    assert ("RDS read replicas" in peak_items) == (plan.database.read_replicas > 0)


def test_scale_back_is_six_in_the_morning_in_berlin_summer_and_winter() -> None:
    from freshfoodz_seasonal.declaration.scale_back import scale_back_at

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    summer = scale_back_at(dt.date(2026, 6, 24), now)
    winter = scale_back_at(dt.date(2026, 12, 31), now)
    assert summer == dt.datetime(2026, 6, 26, 4, 0, tzinfo=dt.UTC)  # 06:00 CEST
    assert winter == dt.datetime(2027, 1, 2, 5, 0, tzinfo=dt.UTC)  # 06:00 CET


def test_a_scale_back_in_the_past_is_not_scheduled() -> None:
    from freshfoodz_seasonal.declaration.scale_back import scale_back_at

    assert scale_back_at(dt.date(2026, 6, 24), dt.datetime(2026, 6, 26, 4, 0, tzinfo=dt.UTC)) is None
    assert scale_back_at(dt.date(2026, 6, 24), dt.datetime(2026, 6, 26, 3, 59, tzinfo=dt.UTC)) is not None


def test_an_estimate_above_the_budget_is_warned_about(catalog: Catalog) -> None:
    over = plan_season(settings_with(costs__seasonBudget=1000), catalog, "t", 2026)
    (warning,) = [w for w in over.warnings if w.startswith("cost:")]
    assert f"is {over.cost.extra_while_running:,.2f} EUR, above costs.seasonBudget 1,000.00" in warning
    # The budget is the season's own cost while its resources run: from T-14 to the scale-back two days after.
    assert over.cost.running_hours == (14 + over.window.days + 2) * 24
    assert (
        over.cost.extra_while_running
        == (over.cost.peak_per_hour - over.cost.baseline_per_hour) * over.cost.running_hours
    )
    within = plan_season(settings_with(costs__seasonBudget=1_000_000), catalog, "t", 2026)
    assert not [w for w in within.warnings if w.startswith("cost:")]


def test_every_infeasible_route_is_named_at_once(catalog: Catalog) -> None:
    # Two routes of two services whose service time alone breaks their SLO: both named, not the first only.
    settings = settings_with(routes__0__p95SloMs=50, routes__4__p95SloMs=100)
    with pytest.raises(InfeasibleError) as refused:
        plan_season(settings, catalog, "weihnachten", 2026)
    message = str(refused.value)
    assert "service api: route catalog-browse: the service time alone has p95" in message
    assert "service event-catering: route event-availability: the service time alone has p95" in message
