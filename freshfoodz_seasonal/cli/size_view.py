"""What `seasonctl size` shows for one pool."""

from __future__ import annotations

from typing import Any

from capacity.pool_sizing import Method, PoolSizing
from capacity.pool_spec import PoolSpec
from freshfoodz_seasonal.cli.old_formula import OLD_FORMULA_NOTE, shown
from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.plan.summary import pool_as_dict


def size_as_dict(spec: PoolSpec, sizing: PoolSizing) -> dict[str, Any]:
    """JSON of `size`: the pool's figures, with the single route's p95 at the top level."""
    data = pool_as_dict(sizing)
    route = data["routes"][0]
    return {
        "pods": data["pods"],
        "predicted_p95_ms": route["predicted_p95_ms"],
        "service_p95_ms": route["service_p95_ms"],
        "p95_slo_ms": route["p95_slo_ms"],
        "utilization": data["utilization"],
        "binding_constraint": data["binding_constraint"],
        "method": data["method"],
        "routing": spec.routing.value,
        "slots_per_pod": spec.slots_per_pod,
        "target_utilization": spec.target_utilization,
        "rps": route["rps"],
        "busy_slots": data["busy_slots"],
        "pods_for_utilization": data["pods_for_utilization"],
        "pods_for_latency": data["pods_for_latency"],
        "probability_of_wait": data["probability_of_wait"],
        "mean_wait_ms": data["mean_wait_ms"],
    }


def size_sections(spec: PoolSpec, sizing: PoolSizing) -> list[Section]:
    data = size_as_dict(spec, sizing)
    rows = [
        ["pods", str(data["pods"])],
        ["binding constraint", shown(data["binding_constraint"])],
        ["pods for utilization", str(data["pods_for_utilization"])],
        ["pods for latency", "-" if data["pods_for_latency"] is None else str(data["pods_for_latency"])],
        ["busy slots (Little's Law)", f"{data['busy_slots']:.2f}"],
        ["utilization", f"{data['utilization'] * 100:.1f} % (target {spec.target_utilization * 100:.0f} %)"],
        ["P(wait)", f"{data['probability_of_wait']:.4f}"],
        ["predicted p95", f"{data['predicted_p95_ms']:.1f} ms (SLO {data['p95_slo_ms']:.0f} ms)"],
        ["service time p95", f"{data['service_p95_ms']:.1f} ms"],
    ]
    notes = [OLD_FORMULA_NOTE] if data["method"] == Method.SEED.value else []
    return [Section(f"Sizing ({shown(data['method'])}, {data['routing']})", ["", "value"], rows, notes)]
