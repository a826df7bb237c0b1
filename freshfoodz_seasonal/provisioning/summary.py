"""The provisioning plan as plain data (`seasonctl plan --format json`, key `provisioning`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from freshfoodz_seasonal.durations import Minutes
from freshfoodz_seasonal.provisioning.schedule import ProvisioningPlan, Step


def t_day(day: int) -> str:
    """`T-14`, `T-0`, `T+61`: a day relative to the season's first day, as the playbook names it."""
    return f"T{day:+d}" if day else "T-0"


def minutes_dict(minutes: Minutes) -> dict[str, float]:
    return {"low": round(minutes.low, 2), "typical": round(minutes.typical, 2), "high": round(minutes.high, 2)}


def step_dict(step: Step, first_day: dt.date) -> dict[str, Any]:
    return {
        "name": step.name,
        "title": step.title,
        "day": t_day(step.day),
        "date": (first_day + dt.timedelta(days=step.day)).isoformat(),
        "hour": None if step.hour is None else f"{step.hour:02d}:00",
        "resources": list(step.resources),
        "minutes": minutes_dict(step.minutes),
        "disruptions": [
            {
                "resource": d.resource,
                "kind": d.kind,
                "seconds_low": d.seconds[0] if d.seconds else None,
                "seconds_high": d.seconds[1] if d.seconds else None,
            }
            for d in step.disruptions
        ],
        "fits_budget": step.fits_budget,
    }


def provisioning_as_dict(provisioning: ProvisioningPlan, first_day: dt.date) -> dict[str, Any]:
    """Steps dated from the season's `first_day`; each window's typical minutes against the budget."""
    windows = []
    for day in provisioning.days:
        typical = round(sum(s.minutes.typical for s in provisioning.steps if s.day == day), 2)
        windows.append(
            {
                "day": t_day(day),
                "date": (first_day + dt.timedelta(days=day)).isoformat(),
                "typical_minutes": typical,
                "fits_budget": typical <= provisioning.budget_minutes,
            }
        )
    return {
        "budget_minutes": provisioning.budget_minutes,
        "total_minutes": minutes_dict(provisioning.total),
        "windows": windows,
        "steps": [step_dict(step, first_day) for step in provisioning.steps],
        "rollback": {"steps": [step_dict(step, first_day) for step in provisioning.rollback]},
    }
