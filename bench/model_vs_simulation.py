"""Pods planned by the queueing model and by the seed formula, against what a simulation needs.

Run from the repository root (it imports the grid and simulator from `tests/`):

    .venv/bin/python -m bench.model_vs_simulation            # table and summary
    .venv/bin/python -m bench.model_vs_simulation --json     # the same as JSON
    .venv/bin/python -m bench.model_vs_simulation --only "pp k4" --workers 1
    .venv/bin/python -m bench.model_vs_simulation --holdout  # 8 cases nothing was fitted on, about 1 minute
    .venv/bin/python -m bench.model_vs_simulation --review   # 28 cases of an independent review, about 4 minutes

Each case of `tests/support/sim_grid.py` is sized three ways: the model (`size_pool`, Method.MODEL), the
seed formula (Method.SEED) and an exact discrete-event simulation of the model's assumptions
(`tests/support/des.py`): the smallest pod count whose simulated p95 meets every SLO within the same
utilization cap. Over-plan = (planned - simulated) / simulated pods; negative means under-planned.
Takes about 2.5 minutes on 2 cores (69 cases).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict

from tests.support.sim_grid import GRID, HOLDOUT, REVIEW_CASES, CaseResult, run_grid, summarize


def case_row(result: CaseResult) -> dict[str, object]:
    """One case as plain values: times in ms, over-plans in %."""
    spec = result.case.spec
    routes = spec.routes
    return {
        "case": result.case.name,
        "routing": str(spec.routing),
        "slots_per_pod": spec.slots_per_pod,
        "cv": [route.service_time.cv for route in routes],
        "slo_ms": [route.p95_slo_s * 1000 for route in routes],
        "target_utilization": spec.target_utilization,
        "sim_pods": result.sim_pods,
        "model_pods": result.model.pods,
        "seed_pods": result.seed_pods,
        "model_binding": str(result.model.binding_constraint),
        "model_over_plan_pct": 100 * result.model_over_plan,
        "seed_over_plan_pct": 100 * result.seed_over_plan,
        "predicted_p95_ms_at_model_pods": [r.predicted_p95_s * 1000 for r in result.model.routes],
        "simulated_p95_ms_at_model_pods": [t.p95_s * 1000 for t in result.sim_at_model],
        "pods_simulated": list(result.search_order),
    }


def print_table(results: list[CaseResult]) -> None:
    """One line per case; several routes show as CV and SLO lists joined by '/'."""
    header = (
        f"{'case':22} {'routing':8} {'K':>3} {'CV':>7} {'SLO ms':>10} {'U':>5} {'sim':>4} {'model':>5} "
        f"{'seed':>5} {'binds':>11} {'model %':>8} {'seed %':>8}  p95 ms at model N, predicted/simulated"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        spec = result.case.spec
        cvs = "/".join(f"{route.service_time.cv:g}" for route in spec.routes)
        slos = "/".join(f"{route.p95_slo_s * 1000:g}" for route in spec.routes)
        ties = result.ties_at_model()
        p95s = ", ".join(
            f"{pred.predicted_p95_s * 1000:.1f}/{tail.p95_s * 1000:.1f}{' (tie)' if tail in ties else ''}"
            for pred, tail in zip(result.model.routes, result.sim_at_model, strict=True)
        )
        print(
            f"{result.case.name:22} {spec.routing:8} {spec.slots_per_pod:>3} {cvs:>7} {slos:>10} "
            f"{spec.target_utilization:>5} {result.sim_pods:>4} {result.model.pods:>5} {result.seed_pods:>5} "
            f"{result.model.binding_constraint:>11} {100 * result.model_over_plan:>+8.1f} "
            f"{100 * result.seed_over_plan:>+8.1f}  {p95s}"
        )


def print_summary(results: list[CaseResult], seconds: float) -> None:
    summary = summarize(results)
    latency_bound = [r for r in results if r.model.binding_constraint == "latency"]
    print()
    print(f"cases: {summary.cases} ({len(latency_bound)} latency-bound in the model), {seconds:.0f} s")
    print(
        f"model: mean over-plan {100 * summary.model_mean_over_plan:+.1f} %, "
        f"max {100 * summary.model_max_over_plan:+.1f} %, under-plans {summary.model_under_plans}"
    )
    if latency_bound:
        mean = sum(r.model_over_plan for r in latency_bound) / len(latency_bound)
        print(f"model, latency-bound cases only: mean over-plan {100 * mean:+.1f} %")
    for label, group in (
        ("single-route", [r for r in results if len(r.case.spec.routes) == 1]),
        ("multi-route", [r for r in results if len(r.case.spec.routes) > 1]),
    ):
        if group:
            part = summarize(group)
            print(
                f"model, {label} cases ({part.cases}): mean over-plan {100 * part.model_mean_over_plan:+.1f} %, "
                f"max {100 * part.model_max_over_plan:+.1f} %, under-plans {part.model_under_plans}"
            )
    print(
        f"seed:  mean over-plan {100 * summary.seed_mean_over_plan:+.1f} %, "
        f"max {100 * summary.seed_max_over_plan:+.1f} %, under-plans {summary.seed_under_plans}"
    )
    print(
        f"model p95 at its own pod count vs simulated: {100 * summary.p95_error_min:+.1f} % "
        f"to {100 * summary.p95_error_max:+.1f} %"
    )
    for result in results:
        if result.model.pods < result.sim_pods:
            tie = " (within 2 s.e. of 5 % at the model's N in this run)" if result.ties_at_model() else ""
            print(f"UNDER-PLAN: {result.case.name}: model {result.model.pods} < simulation {result.sim_pods}{tie}")
    print("(tie): simulated share over the SLO within 2 standard errors of 5 % even on the longest run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)")
    parser.add_argument("--only", default="", help="run only cases whose name contains this text")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--holdout", action="store_true", help="the holdout cases, which no constant was fitted on")
    chosen.add_argument("--review", action="store_true", help="the cases an independent review built")
    args = parser.parse_args(argv)
    cases_set = HOLDOUT if args.holdout else REVIEW_CASES if args.review else GRID
    cases = tuple(case for case in cases_set if args.only in case.name)
    if not cases:
        parser.error(f"no case name contains {args.only!r}")
    started = time.perf_counter()
    results = run_grid(cases, workers=args.workers)
    seconds = time.perf_counter() - started
    if args.json:
        rows = [case_row(result) for result in results]
        json.dump({"cases": rows, "summary": asdict(summarize(results)), "seconds": seconds}, sys.stdout, indent=2)
        print()
    else:
        print_table(results)
        print_summary(results, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
