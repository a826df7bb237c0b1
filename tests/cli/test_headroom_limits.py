"""Which part of a tier breaks first, and at what multiplier, worked out by hand from the frozen asparagus stack
(api 8 slots, dbPoolPerPod 8; workers order-fulfilment and sample-dispatch; database db.r7g.xlarge,
4 vCPU, 3,243 usable connections, baselineCpuUtilization 0.25, target 0.7)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.support.cli_runner import invoke
from tests.support.project import frozen_stack

SPARGEL = frozen_stack("spargel")


def headroom_of(tmp_path: Path, change: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    document = yaml.safe_load(SPARGEL.read_text(encoding="utf-8"))
    if change is not None:
        change(document["config"])
    stack = tmp_path / "Pulumi.spargel.yaml"
    stack.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = invoke("plan", str(stack), "--year", "2027", "--format", "json")
    assert result.exit_code == 0, result.output
    room: dict[str, Any] = json.loads(result.stdout)["headroom"]
    return room


def tier(room: dict[str, Any], kind: str, name: str | None = None) -> dict[str, Any]:
    return next(t for t in room["tiers"] if t["kind"] == kind and t["name"] == name)


def test_the_worker_that_breaks_first_by_hand(tmp_path: Path) -> None:
    room = headroom_of(tmp_path)
    # sample-dispatch: 1.5 jobs/s x 0.8 s = 1.2 busy per 1x; at HPA max 5 pods x 2 x 0.75 = 7.5 busy; 6.25x.
    assert (room["max_multiplier"], room["first_to_break"]) == (6.2, "worker sample-dispatch")
    worker = tier(room, "worker", "sample-dispatch")
    assert worker["reach"] == "up_to" and worker["limit"] == "utilization target at HPA max 5 pods"
    # The nodes hold every HPA's maxReplicas: no load breaks them.
    assert tier(room, "nodes") | {"limit": ""} == {
        "tier": "nodes", "kind": "nodes", "name": None, "max_multiplier": None, "reach": "any_load", "limit": "",
    }  # fmt: skip
    assert room["search_limit"] == 100.0


def test_connections_break_the_database_first_by_hand(tmp_path: Path) -> None:
    room = headroom_of(tmp_path, lambda config: config["freshfoodz-seasonal:services"][0].update(dbPoolPerPod=300))
    # Room for 3,243 x 0.7 = 2,270 connections. At 6.4x: api ceil(5.24 x 6.4 / (8 x 0.6)) = 7 pods x 300
    # = 2,100, event-catering ceil(3.6 x 6.4 / 4.8) = 5 x 8 = 40, order-fulfilment ceil(2 x 6.4 / 3) = 5 x 4
    # = 20, sample-dispatch at its HPA max 5 x 2 = 10: 2,170. At 6.5x api needs 8 pods: 2,400.
    assert tier(room, "database") == {
        "tier": "database", "kind": "database", "name": None, "max_multiplier": 6.4, "reach": "up_to",
        "limit": "connections of db.r7g.xlarge",
    }  # fmt: skip


def test_the_primary_alone_breaks_where_reads_do_not_dominate(tmp_path: Path) -> None:
    room = headroom_of(tmp_path, lambda config: config["freshfoodz-seasonal:database"].update(readShare=0.3))
    # 0.25 x 4 vCPU = 1 busy vCPU per 1x: 3 at 3x is more than 4 x 0.7, so the plan takes db.r7g.2xlarge
    # (8 vCPU): 8 x 0.7 = 5.6 busy vCPU, 5.6x; with reads at 30 % no replica takes any.
    database = tier(room, "database")
    assert (room["first_to_break"], database["max_multiplier"]) == ("database", 5.6)
    assert database["limit"] == "CPU of the primary db.r7g.2xlarge (reads 30%: no replicas take them)"


def test_the_writes_on_the_primary_break_before_the_replicas_do(tmp_path: Path) -> None:
    room = headroom_of(
        tmp_path, lambda config: config["freshfoodz-seasonal:database"].update(readShare=0.5, maxReadReplicas=5)
    )
    # Writes 0.5 vCPU per 1x on 4 x 0.7 = 2.8: 5.6x; the reads would fit 5 replicas up to 28x.
    database = tier(room, "database")
    assert (database["max_multiplier"], database["limit"]) == (
        5.6,
        "CPU of the primary db.r7g.xlarge with the writes alone",
    )
