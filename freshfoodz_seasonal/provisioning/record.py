"""What a provisioning run measured, next to what the plan estimated, and the durations it teaches.

A step whose changes are all one kind (the replicas, the primary's class) measures that kind: its wall
time less the typical Pulumi run. The last, untargeted update, which has nothing left to change,
measures the Pulumi run itself. Those become `provisioning.durations` rows a stack file accepts: the
measurement is the typical minutes, and the low and high widen the known ones to take it in. A step of
mixed kinds teaches nothing by itself, and neither does one that took less than the Pulumi run and the
kind's known low together: it changed nothing (a resumed run, the second day of a two-day plan) or too
little to tell. Pure: measurements in, a document out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.durations import ChangeKind, Duration
from freshfoodz_seasonal.provisioning.schedule import Step
from freshfoodz_seasonal.provisioning.summary import minutes_dict


@dataclass(frozen=True)
class Measured:
    """One step's wall time, and whether it finished."""

    name: str
    minutes: float
    finished: bool


def _single_kind(step: Step) -> ChangeKind | None:
    kinds = {kind for change in step.changes for kind in change.kinds}
    return kinds.pop() if len(kinds) == 1 else None


def _widened(row: Duration, minutes: float) -> dict[str, float]:
    known = row.minutes
    return {
        "low": round(min(known.low, minutes), 2),
        "typical": round(minutes, 2),
        "high": round(max(known.high, minutes), 2),
    }


def learned_durations(
    steps: Sequence[Step], measured: Sequence[Measured], rows: Mapping[ChangeKind, Duration], run_minutes: float | None
) -> dict[str, dict[str, float]]:
    """`provisioning.durations` from the finished steps of one kind, and `run_minutes` (an update that
    changed nothing) for the Pulumi run; at most 1440 minutes, as the stack file accepts."""
    by_name = {step.name: step for step in steps}
    pulumi_run = rows[ChangeKind.PULUMI_RUN].minutes.typical
    learned: dict[str, dict[str, float]] = {}
    for measurement in measured:
        step = by_name.get(measurement.name)
        kind = _single_kind(step) if step is not None and measurement.finished else None
        if kind is None:
            continue
        minutes = measurement.minutes - pulumi_run
        if minutes < rows[kind].minutes.low:
            continue  # it changed nothing, or too little to learn from
        learned[kind.value] = _widened(rows[kind], min(minutes, 1440.0))
    if run_minutes is not None:
        learned[ChangeKind.PULUMI_RUN.value] = _widened(rows[ChangeKind.PULUMI_RUN], min(run_minutes, 1440.0))
    return dict(sorted(learned.items()))


def record_document(
    stack: str,
    day: dt.date,
    steps: Sequence[Step],
    measured: Sequence[Measured],
    rows: Mapping[ChangeKind, Duration],
    run_minutes: float | None,
) -> dict[str, Any]:
    """The `--record` file: each step's estimate and measurement, and `durations` to paste under
    `provisioning.durations` in the stack file."""
    by_name = {m.name: m for m in measured}
    return {
        "stack": stack,
        "date": day.isoformat(),
        "steps": [
            {
                "name": step.name,
                "estimate_minutes": minutes_dict(step.minutes),
                "measured_minutes": round(by_name[step.name].minutes, 2) if step.name in by_name else None,
                "finished": by_name[step.name].finished if step.name in by_name else False,
            }
            for step in steps
        ],
        "durations": learned_durations(steps, measured, rows, run_minutes),
    }
