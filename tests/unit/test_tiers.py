"""Workers, HPA bounds, database class, node packing and cost: each against hand-computed figures."""

from __future__ import annotations

import math

import pytest

from capacity.catalog import Catalog, RdsClass
from capacity.cost import PriceBook, cost_line, ec2_price, rds_price
from capacity.database import DatabaseDemand, candidate_classes, size_database, usable_max_connections
from capacity.errors import InfeasibleError
from capacity.hpa import hpa_bounds
from capacity.nodes import DaemonOverhead, PodShape, pack_nodes, room_per_node
from capacity.workers import size_workers
from tests.support.project import shared_catalog


def test_workers_by_littles_law() -> None:
    """20 jobs/s x 0.5 s = 10 busy slots; 4 per pod at 65 % -> ceil(3.85) = 4 pods."""
    sizing = size_workers(20.0, 0.5, 4, 0.65)
    assert (sizing.pods, sizing.busy_slots) == (4, 10.0)
    assert sizing.utilization == pytest.approx(10 / 16)


def test_hpa_bounds_headroom_cap_and_cpu_target() -> None:
    bounds = hpa_bounds(planned_pods=7, headroom=0.5, cap=60, cpu_target_percent=50)
    assert (bounds.min_replicas, bounds.max_replicas, bounds.cpu_target_percent, bounds.capped) == (7, 11, 50, False)
    capped = hpa_bounds(planned_pods=10, headroom=0.5, cap=12, cpu_target_percent=55)
    assert (capped.max_replicas, capped.capped, capped.cpu_target_percent) == (12, True, 55)
    with pytest.raises(InfeasibleError, match="maxReplicasCap is 5"):
        hpa_bounds(planned_pods=6, headroom=0.5, cap=5, cpu_target_percent=50)


def test_usable_connections_are_ninety_percent_of_the_default(catalog: Catalog) -> None:
    assert usable_max_connections(catalog.rds_classes["db.r7g.large"]) == math.floor(1802 * 0.9)


def test_candidates_stay_in_family_and_never_shrink(catalog: Catalog) -> None:
    names = [c.name for c in candidate_classes(catalog.rds_classes.values(), catalog.rds_classes["db.r7g.xlarge"])]
    assert names[0] == "db.r7g.xlarge"
    assert all(name.startswith("db.r7g.") for name in names)
    assert "db.r7g.large" not in names
    vcpus = [catalog.rds_classes[n].vcpu for n in names]
    assert vcpus == sorted(vcpus)


def r7g_from(name: str) -> list[RdsClass]:
    return candidate_classes(shared_catalog().rds_classes.values(), shared_catalog().rds_classes[name])


def test_database_grows_for_cpu_when_reads_do_not_dominate() -> None:
    """5 busy vCPU at 60 %: 4 vCPU carry 2.4, 8 carry 4.8, 16 carry 9.6 -> db.r7g.4xlarge."""
    sizing = size_database(DatabaseDemand(100, 5.0, 0.3), r7g_from("db.r7g.large"), 0.6, max_read_replicas=2)
    assert (sizing.instance_class, sizing.read_replicas, sizing.binding_constraint) == ("db.r7g.4xlarge", 0, "cpu")


def test_database_moves_reads_to_replicas_when_they_dominate() -> None:
    """5 busy vCPU, 70 % reads: writes 1.5 fit 4 x 0.6 = 2.4; reads 3.5 need 2 replicas of 2.4."""
    sizing = size_database(DatabaseDemand(100, 5.0, 0.7), r7g_from("db.r7g.xlarge"), 0.6, max_read_replicas=2)
    assert (sizing.instance_class, sizing.read_replicas) == ("db.r7g.xlarge", 2)
    assert sizing.primary_cpu_utilization == pytest.approx(1.5 / 4)
    assert sizing.replica_cpu_utilization == pytest.approx(3.5 / 8)
    one_replica_allowed = size_database(DatabaseDemand(100, 5.0, 0.7), r7g_from("db.r7g.xlarge"), 0.6, 1)
    assert (one_replica_allowed.instance_class, one_replica_allowed.read_replicas) == ("db.r7g.2xlarge", 1)


def test_database_grows_for_connections() -> None:
    """db.r7g.large accepts 1621 x 0.6 = 972 connections at the target; 1000 need the next class."""
    sizing = size_database(DatabaseDemand(1000, 0.1, 0.0), r7g_from("db.r7g.large"), 0.6, 0)
    assert (sizing.instance_class, sizing.binding_constraint) == ("db.r7g.xlarge", "connections")


def test_database_beyond_the_largest_class_is_infeasible() -> None:
    with pytest.raises(InfeasibleError, match="RDS Proxy"):
        size_database(DatabaseDemand(4000, 1.0, 0.0), r7g_from("db.r7g.large"), 0.6, 0)


def test_node_room_subtracts_daemons(catalog: Catalog) -> None:
    room = room_per_node(catalog.instance_types["m7g.xlarge"], DaemonOverhead(200, 400, 4))
    assert (room.cpu_m, room.memory_mib, room.pods) == (3920 - 200, 14103 - 400, 58 - 4)


def test_packing_is_limited_by_the_scarcest_resource(catalog: Catalog) -> None:
    """m7g.xlarge less daemons: 3720 m CPU, 13703 MiB, 54 pods. 500 m pods: 7 per node by CPU."""
    instance = catalog.instance_types["m7g.xlarge"]
    overhead = DaemonOverhead(200, 400, 4)
    plan = pack_nodes([PodShape("api", 500, 1024, 15)], instance, overhead, headroom_nodes=3)
    assert (plan.nodes_for_pods, plan.nodes) == (3, 6)  # 7 + 7 + 1
    by_pods = pack_nodes([PodShape("tiny", 10, 10, 109)], instance, overhead, headroom_nodes=0)
    assert by_pods.nodes_for_pods == 3  # 54 + 54 + 1
    by_memory = pack_nodes([PodShape("big", 100, 6000, 5)], instance, overhead, headroom_nodes=0)
    assert by_memory.nodes_for_pods == 3  # 2 + 2 + 1


def test_packing_fills_gaps_with_smaller_pods(catalog: Catalog) -> None:
    """Two 1800 m pods leave 120 m per node; the 100 m pods go there before a new node opens."""
    instance = catalog.instance_types["m7g.xlarge"]
    shapes = [PodShape("small", 100, 100, 2), PodShape("large", 1800, 1000, 4)]
    plan = pack_nodes(shapes, instance, DaemonOverhead(200, 400, 4), headroom_nodes=0)
    assert plan.nodes_for_pods == 2
    assert plan.cpu_requested_m == 2 * 100 + 4 * 1800


def test_a_pod_larger_than_a_node_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        pack_nodes([PodShape("huge", 8000, 1024, 1)], catalog.instance_types["m7g.xlarge"], DaemonOverhead(0, 0, 0), 0)


BOOK = PriceBook("EUR", 0.9, 1.2, 2.0, {})


def test_ec2_price_with_region_factor_and_override(catalog: Catalog) -> None:
    m7g = catalog.instance_types["m7g.xlarge"]
    price = ec2_price(BOOK, m7g)
    assert price.usd_per_hour == pytest.approx(0.1632 * 1.2)
    assert price.estimate
    overridden = ec2_price(PriceBook("EUR", 0.9, 1.2, 2.0, {"m7g.xlarge": 0.2}), m7g)
    assert (overridden.usd_per_hour, overridden.estimate) == (0.2, False)
    exact = ec2_price(PriceBook("USD", 1.0, 1.0, 2.0, {}), m7g)
    assert (exact.usd_per_hour, exact.estimate) == (0.1632, False)


def test_rds_price_is_an_estimate_doubled_for_multi_az(catalog: Catalog) -> None:
    r7g = catalog.rds_classes["db.r7g.xlarge"]
    single = rds_price(BOOK, r7g, multi_az=False)
    assert single.usd_per_hour == pytest.approx(0.2142 * 2.0 * 1.2)
    assert single.estimate
    assert rds_price(BOOK, r7g, multi_az=True).usd_per_hour == pytest.approx(2 * single.usd_per_hour)


def test_cost_line_converts_currency_and_multiplies(catalog: Catalog) -> None:
    line = cost_line(BOOK, "nodes", "m7g.xlarge", 5, ec2_price(BOOK, catalog.instance_types["m7g.xlarge"]))
    assert line.unit_per_hour == pytest.approx(0.1632 * 1.2 * 0.9)
    assert line.per_hour == pytest.approx(5 * line.unit_per_hour)
    assert "0.9 EUR/USD" in line.source


def test_the_peak_never_lowers_the_platforms_ceiling() -> None:
    # The plan's headroom gives 6, the platform's own HPA allows 10: the season keeps 10.
    bounds = hpa_bounds(planned_pods=4, headroom=0.5, cap=20, cpu_target_percent=50, platform_max=10)
    assert (bounds.min_replicas, bounds.max_replicas, bounds.capped) == (4, 10, False)
    # Above the platform's ceiling the headroom decides, as before.
    assert hpa_bounds(planned_pods=9, headroom=0.5, cap=20, cpu_target_percent=50, platform_max=10).max_replicas == 14
