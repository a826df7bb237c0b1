"""A season plan as plain data with stable keys: the JSON of `seasonctl plan` and the stack outputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from capacity.cost import CostLine
from capacity.pool_sizing import PoolSizing
from freshfoodz_seasonal.plan.forecast import ForecastPoint
from freshfoodz_seasonal.plan.headroom import SEARCH_LIMIT, Headroom
from freshfoodz_seasonal.plan.season_plan import BUDGET_MEASURE, CpuAtPlan, ScaledPlan, SeasonPlan


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 1)


def pool_as_dict(sizing: PoolSizing) -> dict[str, Any]:
    return {
        "pods": sizing.pods,
        "method": sizing.method.value,
        "binding_constraint": sizing.binding_constraint.value,
        "pods_for_utilization": sizing.pods_for_utilization,
        "pods_for_latency": sizing.pods_for_latency,
        "busy_slots": round(sizing.busy_slots, 4),
        "utilization": round(sizing.utilization, 4),
        "probability_of_wait": round(sizing.probability_of_wait, 6),
        "mean_wait_ms": _ms(sizing.mean_wait_s),
        "routes": [
            {
                "name": route.name,
                "rps": round(route.rps, 4),
                "p95_slo_ms": _ms(route.p95_slo_s),
                "predicted_p95_ms": _ms(route.predicted_p95_s),
                "service_p95_ms": _ms(route.service_p95_s),
            }
            for route in sizing.routes
        ],
    }


def _budget(plan: SeasonPlan) -> dict[str, Any] | None:
    """costs.seasonBudget against what it is compared with (BUDGET_MEASURE), if the stack sets one."""
    if plan.season_budget is None:
        return None
    used = round(plan.cost.extra_while_running, 2)  # in cents, as the tag and the policy pack compare
    return {
        "amount": plan.season_budget,
        "compared_with": "extra_while_running",
        "meaning": BUDGET_MEASURE,
        "within": used <= plan.season_budget,
        "left": round(plan.season_budget - used, 2),
    }


def _cost_line(line: CostLine) -> dict[str, Any]:
    return {
        "item": line.item,
        "resource": line.resource,
        "quantity": line.quantity,
        "unit_per_hour": round(line.unit_per_hour, 4),
        "per_hour": round(line.per_hour, 4),
        "source": line.source,
        "estimate": line.estimate,
    }


def _hpa(item: ScaledPlan) -> dict[str, Any]:
    concurrency = item.concurrency_target
    return {
        "min_replicas": item.hpa.min_replicas,
        "max_replicas": item.hpa.max_replicas,
        "metric": "cpu" if concurrency is None else "concurrency",
        "cpu_target_percent": item.hpa.cpu_target_percent,
        "concurrency_target_per_pod": None if concurrency is None else round(concurrency, 4),
    }


def _cpu(cpu: CpuAtPlan, unit: str) -> dict[str, Any]:
    """CPU milliseconds per unit are also the millicores one unit per second keeps busy."""
    return {
        f"millicores_per_{unit}": _rounded(cpu.millicores_per_unit),
        "idle_millicores": _rounded(cpu.idle_millicores),
        "utilization_at_plan": _rounded(cpu.utilization_at_plan),
        "used_millicores": _rounded(cpu.used_millicores),
        "hpa_target_percent": cpu.hpa_target_percent,
        "reacts_at_load": _rounded(cpu.reacts_at_load),
        "rate_per_pod": round(cpu.rate_per_pod, 4),
        "measured_up_to": _rounded(cpu.measured_up_to),
        "pods_for_cpu": cpu.pods_for_cpu,
        "source": cpu.source,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def plan_as_dict(plan: SeasonPlan) -> dict[str, Any]:
    cost = plan.cost
    return {
        "stack": plan.stack,
        "season": plan.season,
        "title": plan.title,
        "phase": plan.phase,
        "method": plan.method.value,
        "load_multiplier": plan.load_multiplier,
        "window": {
            "first_day": plan.window.first_day.isoformat(),
            "last_day": plan.window.last_day.isoformat(),
            "days": plan.window.days,
        },
        "autoscaling": {
            "metric": "cpu" if plan.concurrency_metric is None else "concurrency",
            "concurrency_metric": plan.concurrency_metric,
        },
        "services": [
            {
                "name": s.name,
                "deployment": s.deployment,
                "namespace": s.namespace,
                "routing": s.routing,
                "baseline_replicas": s.baseline_replicas,
                "pods": s.pods,
                "binding_constraint": s.binding_constraint,
                "seed_formula_pods": s.seed_formula_pods,
                "hpa": _hpa(s),
                "cpu": _cpu(s.cpu, "request"),
                "sizing": pool_as_dict(s.sizing),
            }
            for s in plan.services
        ],
        "workers": [
            {
                "name": w.name,
                "deployment": w.deployment,
                "namespace": w.namespace,
                "baseline_replicas": w.baseline_replicas,
                "pods": w.pods,
                "binding_constraint": w.binding_constraint,
                "max_replicas_cap": w.max_replicas_cap,
                "hpa": _hpa(w),
                "cpu": _cpu(w.cpu, "job"),
                "jobs_per_s": round(w.sizing.jobs_per_s, 4),
                "busy_slots": round(w.sizing.busy_slots, 4),
                "utilization": round(w.utilization, 4),
                "sla": {
                    "seconds": w.sla_seconds,
                    # Finite: the planned pods keep the workers under their target utilization, below 1.
                    "predicted_p99_wait_s": round(w.predicted_p99_wait_s, 4),
                    "predicted_p99_done_s": round(w.predicted_p99_done_s, 4),
                },
            }
            for w in plan.workers
        ],
        "database": {
            "baseline_class": plan.baseline_db_class,
            "instance_class": plan.database.instance_class,
            "read_replicas": plan.database.read_replicas,
            "binding_constraint": plan.database.binding_constraint,
            "connections": plan.database.connections,
            "connections_at_hpa_max": plan.connections_at_hpa_max,
            "usable_max_connections": plan.database.usable_max_connections,
            "busy_vcpu": round(plan.database.busy_vcpu, 4),
            "primary_cpu_utilization": round(plan.database.primary_cpu_utilization, 4),
            "replica_cpu_utilization": (
                None
                if plan.database.replica_cpu_utilization is None
                else round(plan.database.replica_cpu_utilization, 4)
            ),
        },
        "nodes": {
            "instance_type": plan.nodes.instance_type,
            "nodes": plan.nodes.nodes,
            "nodes_for_pods": plan.nodes.nodes_for_pods,
            "headroom_nodes": plan.nodes.headroom_nodes,
            "max_nodes": plan.max_nodes,
            "pods": plan.nodes.pods,
            "cpu_requested_m": plan.nodes.cpu_requested_m,
            "memory_requested_mib": plan.nodes.memory_requested_mib,
            "cpu_allocation": round(plan.nodes.cpu_allocation, 4),
            "memory_allocation": round(plan.nodes.memory_allocation, 4),
        },
        "cost": {
            "currency": cost.currency,
            "hours": cost.hours,
            "baseline_per_hour": round(cost.baseline_per_hour, 2),
            "peak_per_hour": round(cost.peak_per_hour, 2),
            "baseline_over_window": round(cost.baseline_over_window, 2),
            "peak_over_window": round(cost.peak_over_window, 2),
            "extra_over_window": round(cost.extra_over_window, 2),
            "running_hours": cost.running_hours,
            "extra_per_hour": round(cost.extra_per_hour, 2),
            "extra_while_running": round(cost.extra_while_running, 2),
            "budget": _budget(plan),
            "contains_estimates": cost.has_estimates,
            "baseline_lines": [_cost_line(line) for line in cost.baseline],
            "peak_lines": [_cost_line(line) for line in cost.peak],
        },
        "warnings": list(plan.warnings),
    }


def headroom_as_dict(room: Headroom) -> dict[str, Any]:
    first = room.first_to_break
    return {
        "max_multiplier": None if first is None else first.max_multiplier,
        "first_to_break": None if first is None else first.tier,
        "search_limit": SEARCH_LIMIT,
        "tiers": [
            {
                "tier": t.tier,
                "kind": t.kind,
                "name": t.name,
                "max_multiplier": t.max_multiplier,
                "reach": t.reach.value,
                "limit": t.limit,
            }
            for t in room.tiers
        ],
    }


def forecast_as_dict(points: Sequence[ForecastPoint]) -> list[dict[str, Any]]:
    return [
        {
            "scale": point.scale,
            "load_multiplier": round(point.load_multiplier, 4),
            "pods": None if point.plan is None else point.plan.pods,
            "seasonal_nodes": None if point.plan is None else point.plan.nodes.nodes,
            "db_class": None if point.plan is None else point.plan.database.instance_class,
            "read_replicas": None if point.plan is None else point.plan.database.read_replicas,
            "season_extra_cost": None if point.plan is None else round(point.plan.cost.extra_while_running, 2),
            "infeasible": list(point.infeasible) or None,
        }
        for point in points
    ]
