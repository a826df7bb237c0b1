"""The provisioning plan as plain data (`seasonctl plan --format json`, key `provisioning`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.durations import Minutes
from freshfoodz_seasonal.provisioning.schedule import ProvisioningPlan, Step, step_date
from freshfoodz_seasonal.seasons.ownership import ROLLBACK_DAYS_AFTER


def t_day(day: int) -> str:
    """`T-14`, `T-0`: a provisioning day relative to the season's first day, as the playbook names it."""
    return f"T{day:+d}" if day else "T-0"


# The rollback day as the playbook names it: from the season's last day.
ROLLBACK_DAY = f"T+{ROLLBACK_DAYS_AFTER}"


@dataclass(frozen=True)
class StepDay:
    """A step's day as every command shows it: its milestone and its date."""

    name: str
    date: dt.date


def step_days(provisioning: ProvisioningPlan, first_day: dt.date, late_days: int = 0) -> dict[Step, StepDay]:
    """Each provisioning step's day (`late_days` later when an earlier season holds the shared resources past
    T-14, as the playbook and `seasonctl due` date them) and each rollback step's (T+1)."""
    return {
        **{step: StepDay(t_day(step.day), step_date(first_day, step.day, late_days)) for step in provisioning.steps},
        **{step: StepDay(ROLLBACK_DAY, first_day + dt.timedelta(days=step.day)) for step in provisioning.rollback},
    }


def minutes_dict(minutes: Minutes) -> dict[str, float]:
    return {"low": round(minutes.low, 2), "typical": round(minutes.typical, 2), "high": round(minutes.high, 2)}


def step_dict(step: Step, day: StepDay) -> dict[str, Any]:
    return {
        "name": step.name,
        "title": step.title,
        "day": day.name,
        "date": day.date.isoformat(),
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


def provisioning_as_dict(provisioning: ProvisioningPlan, first_day: dt.date, late_days: int = 0) -> dict[str, Any]:
    """Steps dated from the season's `first_day` (step_days); each window's typical minutes against the budget."""
    days = step_days(provisioning, first_day, late_days)
    windows = []
    for day in provisioning.days:
        typical = round(sum(s.minutes.typical for s in provisioning.steps if s.day == day), 2)
        windows.append(
            {
                "day": t_day(day),
                "date": step_date(first_day, day, late_days).isoformat(),
                "typical_minutes": typical,
                "fits_budget": typical <= provisioning.budget_minutes,
            }
        )
    return {
        "budget_minutes": provisioning.budget_minutes,
        "total_minutes": minutes_dict(provisioning.total),
        "windows": windows,
        "steps": [step_dict(step, days[step]) for step in provisioning.steps],
        "rollback": {"steps": [step_dict(step, days[step]) for step in provisioning.rollback]},
    }
