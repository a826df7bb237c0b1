"""The provisioning plan: ordered steps, each one targeted update that fits the window where it can."""

from __future__ import annotations

from typing import Any

import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.config.model import MeasuredMinutes, Provisioning, StackSettings
from freshfoodz_seasonal.durations import ChangeKind, Minutes
from freshfoodz_seasonal.plan.season_plan import SeasonPlan, plan_season
from freshfoodz_seasonal.provisioning.schedule import Change, ProvisioningPlan, critical_path, provisioning_plan
from tests.support.project import frozen_stack

ROWS = load_durations()


def settings_of(catalog: Catalog, **database: Any) -> StackSettings:
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    return settings.model_copy(update={"database": settings.database.model_copy(update=database)})


def planned(settings: StackSettings, catalog: Catalog) -> tuple[SeasonPlan, ProvisioningPlan]:
    plan = plan_season(settings, catalog, "weihnachten", 2026)
    return plan, provisioning_plan(settings, plan, ROWS)


def step(provisioning: ProvisioningPlan, name: str) -> Any:
    (found,) = [s for s in provisioning.steps if s.name == name]
    return found


def test_a_growing_class_and_the_replicas_are_never_one_step(catalog: Catalog) -> None:
    plan, provisioning = planned(settings_of(catalog, baseline_cpu_utilization=0.5), catalog)
    assert plan.database.instance_class != plan.baseline_db_class and plan.database.read_replicas > 0
    names = [s.name for s in provisioning.steps]
    assert names == ["replicas", "db-class", "nodes-pods", "controls"]
    for each in provisioning.steps:
        kinds = {kind for change in each.changes for kind in change.kinds}
        assert not ({ChangeKind.RDS_CLASS_MULTI_AZ, ChangeKind.RDS_REPLICA_CREATE} <= kinds)
        assert each.fits_budget, each
    # 21.5 + 21.5 min typical do not fit one 30-minute window: the class change goes to the next day,
    # with the nodes and monitoring after it.
    assert [s.day for s in provisioning.steps] == [-14, -13, -13, -13]
    assert step(provisioning, "db-class").disruptions[0].kind == "failover"
    assert step(provisioning, "db-class").disruptions[0].seconds == (60.0, 120.0)


def test_a_class_that_stays_has_no_class_step_and_fits_one_window(catalog: Catalog) -> None:
    plan, provisioning = planned(settings_of(catalog), catalog)
    assert plan.database.instance_class == plan.baseline_db_class
    assert [s.name for s in provisioning.steps] == ["replicas", "nodes-pods", "controls"]
    assert provisioning.days == (-14,) and provisioning.total.typical <= provisioning.budget_minutes


def test_a_single_az_primary_has_an_outage_and_replicas_pause_its_io(catalog: Catalog) -> None:
    _, provisioning = planned(settings_of(catalog, baseline_cpu_utilization=0.5, multi_az=False), catalog)
    assert {d.kind for d in step(provisioning, "db-class").disruptions} == {"outage"}
    pauses = step(provisioning, "replicas").disruptions
    assert pauses and all(d.kind == "I/O pause" and d.seconds == (1.0, 1.0) for d in pauses)


def test_the_pods_wait_for_the_nodes(catalog: Catalog) -> None:
    _, provisioning = planned(settings_of(catalog), catalog)
    nodes_pods = step(provisioning, "nodes-pods")
    chain = [ChangeKind.PULUMI_RUN, ChangeKind.NODE_GROUP_CREATE, ChangeKind.KUBERNETES_OBJECT]
    chain += [ChangeKind.HPA_ACTS_ON_MINIMUM, ChangeKind.PODS_READY]
    assert nodes_pods.minutes.typical == pytest.approx(sum(ROWS[kind].minutes.typical for kind in chain))


def test_the_critical_path_is_the_longest_chain_not_the_sum() -> None:
    changes = [
        Change("a", (ChangeKind.NODE_GROUP_CREATE,)),
        Change("b", (ChangeKind.RDS_REPLICA_CREATE,)),
        Change("c", (ChangeKind.PODS_READY,), after=("a",)),
    ]
    replica, nodes, pods = (
        ROWS[k].minutes for k in (ChangeKind.RDS_REPLICA_CREATE, ChangeKind.NODE_GROUP_CREATE, ChangeKind.PODS_READY)
    )
    expected = replica.longest(nodes + pods)
    assert critical_path(changes, ROWS) == expected


def test_measured_durations_replace_the_shipped_ones_and_move_steps(catalog: Catalog) -> None:
    slow = {ChangeKind.RDS_REPLICA_CREATE: MeasuredMinutes(low=30, typical=45, high=90)}
    settings = settings_of(catalog).model_copy(update={"provisioning": Provisioning(durations=slow)})
    _, provisioning = planned(settings, catalog)
    replicas = step(provisioning, "replicas")
    assert replicas.minutes == ROWS[ChangeKind.PULUMI_RUN].minutes + Minutes(30, 45, 90)
    assert not replicas.fits_budget
    # Over budget on its own: the day is full, the next steps go to the next day.
    assert [s.day for s in provisioning.steps] == [-14, -13, -13]


def test_the_rollback_is_the_command_s_three_updates_on_the_rollback_day(catalog: Catalog) -> None:
    plan, provisioning = planned(settings_of(catalog, baseline_cpu_utilization=0.5), catalog)
    assert [s.name for s in provisioning.rollback] == ["hpas", "db-class", "remove"]
    assert {s.day for s in provisioning.rollback} == {plan.window.days}
    removed = step(ProvisioningPlan(30, provisioning.rollback, ()), "remove")
    assert any(r.endswith("-nodes-group") for r in removed.resources)
    assert (
        sum(r.endswith(tuple(f"-replica-{i}" for i in range(1, 10))) for r in removed.resources)
        == plan.database.read_replicas
    )


def test_the_failover_is_put_at_the_quiet_hour(catalog: Catalog) -> None:
    settings = settings_of(catalog, baseline_cpu_utilization=0.5)
    settings = settings.model_copy(update={"season": settings.season.model_copy(update={"quiet_hour": 3})})
    _, provisioning = planned(settings, catalog)
    assert step(provisioning, "db-class").hour == 3
    assert step(provisioning, "replicas").hour is None and step(provisioning, "nodes-pods").hour is None


def test_the_rules_wait_for_their_folder_and_contact_points(catalog: Catalog) -> None:
    _, provisioning = planned(settings_of(catalog), catalog)
    controls = step(provisioning, "controls")
    rules = next(change for change in controls.changes if change.resource.endswith("-monitoring-rules"))
    assert {name.removeprefix(rules.resource.removesuffix("rules")) for name in rules.after} == {
        "folder",
        "war-room-critical",
        "war-room-warning",
    }
    grafana = ROWS[ChangeKind.GRAFANA_OBJECT].minutes
    # The longest chain: the folder or contact point, then the rules (or a Kubernetes object, if longer).
    expected = ROWS[ChangeKind.PULUMI_RUN].minutes + (grafana + grafana).longest(
        ROWS[ChangeKind.KUBERNETES_OBJECT].minutes
    )
    assert (controls.minutes.low, controls.minutes.typical, controls.minutes.high) == pytest.approx(
        (expected.low, expected.typical, expected.high)
    )
