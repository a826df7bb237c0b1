"""What `seasonctl plan` shows: the plan as tables, one per tier."""

from __future__ import annotations

from collections.abc import Sequence

from capacity.database import MAX_CONNECTIONS_FACTOR
from freshfoodz_seasonal.cli.old_formula import OLD_FORMULA, OLD_FORMULA_NOTE, shown
from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.plan.forecast import ForecastPoint
from freshfoodz_seasonal.plan.headroom import SEARCH_LIMIT, Headroom
from freshfoodz_seasonal.plan.season_plan import BUDGET_MEASURE, SeasonPlan


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f} %"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def plan_heading(plan: SeasonPlan, declared_multiplier: float | None = None) -> str:
    """The plan's title line; a load other than the stack's `declared_multiplier` is named a what-if."""
    window = plan.window
    load = f"{plan.load_multiplier:g}x baseline"
    if declared_multiplier is not None and declared_multiplier != plan.load_multiplier:
        load += f" (a what-if: the stack says {declared_multiplier:g}x)"
    return (
        f"{plan.title}: stack {plan.stack}, phase {plan.phase}, {load}, "
        f"{window.first_day} to {window.last_day} ({window.days} days), method {plan.method.value}"
    )


def plan_sections(plan: SeasonPlan, room: Headroom, points: Sequence[ForecastPoint]) -> list[Section]:
    return [
        _services(plan),
        _routes(plan),
        *([_workers(plan)] if plan.workers else []),
        _autoscaling(plan),
        _database(plan),
        _nodes(plan),
        _cost(plan),
        _headroom(room),
        _forecast(plan, points),
        *([Section("Warnings", ["warning"], [[w] for w in plan.warnings])] if plan.warnings else []),
    ]


def _services(plan: SeasonPlan) -> Section:
    rows = [
        [
            s.name,
            s.routing,
            f"{sum(r.rps for r in s.sizing.routes):.1f}",
            f"{s.sizing.busy_slots:.1f}",
            f"{s.baseline_replicas} -> {s.pods}",
            shown(s.binding_constraint),
            _pct(s.sizing.utilization),
            str(s.seed_formula_pods),
        ]
        for s in plan.services
    ]
    return Section(
        "App pods",
        ["service", "routing", "peak rps", "busy", "pods", "binding", "util", OLD_FORMULA],
        rows,
        ["busy: slots busy on average (Little's Law); util: busy / (pods x slots per pod)", OLD_FORMULA_NOTE],
    )


def _routes(plan: SeasonPlan) -> Section:
    rows = [
        [
            r.name,
            s.name,
            f"{r.rps:.1f}",
            _ms(r.service_p95_s),
            _ms(r.predicted_p95_s),
            _ms(r.p95_slo_s),
            "ok" if r.predicted_p95_s <= r.p95_slo_s else "MISSED",
        ]
        for s in plan.services
        for r in s.sizing.routes
    ]
    return Section(
        "Routes at the peak (p95, ms)",
        ["route", "service", "peak rps", "service time", "response", "SLO", ""],
        rows,
        ["response = queueing wait + service time, predicted at the planned pods"],
        apart=["service"],
    )


def _workers(plan: SeasonPlan) -> Section:
    rows = [
        [
            w.name,
            f"{w.sizing.jobs_per_s:.3g}",
            f"{w.baseline_replicas} -> {w.pods}",
            w.binding_constraint,
            _pct(w.utilization),
            _wait(w.predicted_p99_done_s),
            "-" if w.sla_seconds is None else _wait(w.sla_seconds),
        ]
        for w in plan.workers
    ]
    return Section(
        "Workers",
        ["worker", "jobs/s", "pods", "binding", "util", "p99 done", "SLA"],
        rows,
        ["p99 done: a job's time from enqueue to done at the planned pods and the peak input (M/M/k)"],
    )


def _wait(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:,.0f} s" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def _autoscaling(plan: SeasonPlan) -> Section:
    rows = []
    for item in (*plan.services, *plan.workers):
        cpu = item.cpu
        concurrency = item.concurrency_target
        rows.append(
            [
                item.name,
                f"{item.hpa.min_replicas}-{item.hpa.max_replicas}",
                f"{concurrency:.3g} in flight" if concurrency is not None else f"{item.hpa.cpu_target_percent} % CPU",
                "-" if cpu.utilization_at_plan is None else _pct(cpu.utilization_at_plan),
                "-" if cpu.reacts_at_load is None else f"{cpu.reacts_at_load:.2f}x",
                "-"
                if cpu.millicores_per_unit is None or cpu.idle_millicores is None
                else f"{cpu.millicores_per_unit:.3g} ms + {cpu.idle_millicores:.0f} m",
            ]
        )
    return Section(
        "Autoscaling at the peak",
        ["workload", "HPA", "target", "CPU at plan", "reacts at", "CPU use"],
        rows,
        [
            "HPA: minReplicas (the planned pods) - maxReplicas; CPU at plan: CPU used / requested per pod at the peak",
            "reacts at: the load per pod, against the plan's, at which the HPA adds pods (its 10 % tolerance)",
            "CPU use: CPU ms per request (services) or job (workers) + an idle pod's millicores (seasonctl baseline)",
            "-: not measured; the CPU target is then the tier's slot utilization target (the fallback)",
        ],
    )


def _database(plan: SeasonPlan) -> Section:
    db = plan.database
    rows = [
        ["class", f"{plan.baseline_db_class} -> {db.instance_class}"],
        ["binding", db.binding_constraint],
        ["read replicas", str(db.read_replicas)],
        [
            "connections (planned pods)",
            f"{db.connections} of {db.usable_max_connections} ({_pct(db.connection_utilization)})",
        ],
        ["connections (HPA max)", f"{plan.connections_at_hpa_max} of {db.usable_max_connections}"],
        ["busy vCPU (all instances)", f"{db.busy_vcpu:.2f}, {db.vcpu} vCPU per instance"],
        ["primary CPU", _pct(db.primary_cpu_utilization)],
        ["replica CPU", "-" if db.replica_cpu_utilization is None else _pct(db.replica_cpu_utilization)],
    ]
    return Section(
        "Database",
        ["", "planned"],
        rows,
        [
            f"usable connections = {MAX_CONNECTIONS_FACTOR:g} x RDS's default max_connections; "
            "database CPU assumed to grow with load"
        ],
    )


def _nodes(plan: SeasonPlan) -> Section:
    n = plan.nodes
    rows = [
        ["instance type", n.instance_type],
        ["nodes", f"{n.nodes} ({n.nodes_for_pods} for pods + {n.headroom_nodes} headroom, max {plan.max_nodes})"],
        ["pods above baseline", str(n.pods)],
        ["requested", f"{n.cpu_requested_m} m CPU, {n.memory_requested_mib} MiB"],
        ["allocation", f"{_pct(n.cpu_allocation)} CPU, {_pct(n.memory_allocation)} memory"],
    ]
    return Section("Seasonal node group", ["", "planned"], rows, ["headroom: one spare node per availability zone"])


def _cost(plan: SeasonPlan) -> Section:
    """Lines with a numbered price basis; the bases, long sentences, go below the table."""
    cost = plan.cost
    cur = cost.currency
    bases: list[str] = []
    rows = []
    for phase, lines in (("baseline", cost.baseline), ("peak", cost.peak)):
        for line in lines:
            if line.source not in bases:
                bases.append(line.source)
            rows.append(
                [
                    f"{phase}: {line.item}",
                    f"{line.quantity} x {line.resource}",
                    f"{line.per_hour:.2f}",
                    f"[{bases.index(line.source) + 1}]" + (" estimate" if line.estimate else ""),
                ]
            )
    rows += [
        [
            "baseline total",
            f"{cost.baseline_over_window:,.0f} over {cost.hours} h",
            f"{cost.baseline_per_hour:.2f}",
            "",
        ],
        ["peak total", f"{cost.peak_over_window:,.0f} over {cost.hours} h", f"{cost.peak_per_hour:.2f}", ""],
        ["season extra", f"{cost.extra_over_window:,.0f} over {cost.hours} h", f"{cost.extra_per_hour:.2f}", ""],
        [
            "season extra while it runs",
            f"{cost.extra_while_running:,.0f} over {cost.running_hours} h",
            f"{cost.extra_per_hour:.2f}",
            "T-14 to scale-back",
        ],
    ]
    budget = plan.season_budget
    if budget is not None:
        left = budget - round(cost.extra_while_running, 2)
        verdict = f"{left:,.2f} left" if left >= 0 else f"OVER by {-left:,.2f}"
        rows.append(["budget (costs.seasonBudget)", f"{budget:,.0f}: {verdict}", "", "vs. extra while it runs"])
    notes = [f"[{number}] {basis}" for number, basis in enumerate(bases, start=1)]
    notes.append(f"the budget is compared with the season extra while it runs: {BUDGET_MEASURE}")
    if cost.has_estimates:
        notes.append("estimates are not quoted prices; set your own under costs.priceOverridesUsdPerHour")
    return Section(f"Cost in {cur}", ["item", "resources", f"{cur}/h", "price basis"], rows, notes)


def headroom_line(room: Headroom) -> str:
    """The plan's limit in one line: `holds to 6.8x; the database breaks first (CPU of ...)`."""
    first = room.first_to_break
    if first is None:
        return f"Headroom: holds beyond {SEARCH_LIMIT:.1f}x; no tier breaks up to there"
    return f"Headroom: holds to {first.max_multiplier:.1f}x; {first.tier} breaks first ({first.limit})"


def _headroom(room: Headroom) -> Section:
    rows = [
        [tier.tier, "-" if tier.max_multiplier is None else f"{tier.max_multiplier:.1f}x", tier.limit]
        for tier in room.tiers
    ]
    return Section(
        headroom_line(room),
        ["tier", "holds to", "what breaks next"],
        rows,
        [
            f"the largest load multiplier (planned: {room.planned_multiplier:g}x) each tier carries within its SLOs "
            "and targets at its limit: a workload at its HPA's maxReplicas, the database at the planned class with "
            "at most maxReadReplicas replicas, the seasonal nodes at nodes.maxNodes; rounded down to 0.1x",
        ],
    )


def _forecast(plan: SeasonPlan, points: Sequence[ForecastPoint]) -> Section:
    """The plan at -20 %, as planned and at +20 %: what a wrong forecast would have needed."""

    def row(point: ForecastPoint) -> list[str]:
        load = "planned" if point.scale == 1.0 else f"{(point.scale - 1) * 100:+.0f} %"
        at = point.plan
        if at is None:
            return [load, f"{point.load_multiplier:.3g}x", "infeasible", "", "", ""]
        return [
            load,
            f"{point.load_multiplier:.3g}x",
            str(at.pods),
            str(at.nodes.nodes),
            f"{at.database.instance_class} + {at.database.read_replicas}",
            f"{at.cost.extra_while_running:,.0f}",
        ]

    notes = [
        "pods: services and workers; database: class + read replicas; season extra: the season's own cost while "
        "its resources run, as in the Cost table",
        *(f"{(p.scale - 1) * 100:+.0f} %: infeasible: {problem}" for p in points for problem in p.infeasible),
    ]
    columns = ["forecast", "load", "pods", "nodes", "database", f"season extra ({plan.cost.currency})"]
    return Section("If the forecast is off by 20 %", columns, [row(p) for p in points], notes)
