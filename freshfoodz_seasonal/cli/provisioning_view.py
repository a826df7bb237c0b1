"""The provisioning plan and the rollback as tables (`seasonctl plan`)."""

from __future__ import annotations

import datetime as dt

from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.durations import NO_TIME, Minutes
from freshfoodz_seasonal.provisioning.schedule import Disruption, ProvisioningPlan, Step
from freshfoodz_seasonal.provisioning.summary import StepDay, step_days

COLUMNS = ["when", "step", "minutes", "disruption", "fits"]


def _minutes(minutes: Minutes) -> str:
    return f"{minutes.low:.1f}/{minutes.typical:.1f}/{minutes.high:.1f}"


def _disruption(disruption: Disruption) -> str:
    length = f" {disruption.seconds[0]:g}-{disruption.seconds[1]:g} s" if disruption.seconds else ""
    return f"{disruption.kind}{length}"


def _row(step: Step, day: StepDay) -> list[str]:
    return [
        f"{day.name} {day.date.isoformat()}" + ("" if step.hour is None else f" {step.hour:02d}:00"),
        step.name,
        _minutes(step.minutes),
        ", ".join(_disruption(d) for d in step.disruptions) or "none",
        "yes" if step.fits_budget else "NO",
    ]


def _rollback_total(provisioning: ProvisioningPlan) -> str:
    total = sum((step.minutes for step in provisioning.rollback), NO_TIME)
    fits = "fits" if total.typical <= provisioning.budget_minutes else "is over"
    budget = provisioning.budget_minutes
    return f"all of it in one window on the rollback day: {_minutes(total)}, which {fits} the {budget}-min budget"


def provisioning_sections(provisioning: ProvisioningPlan, first_day: dt.date, late_days: int = 0) -> list[Section]:
    """The steps on the days `step_days` gives them, as the playbook and `seasonctl due` date them."""
    days = step_days(provisioning, first_day, late_days)
    budget = provisioning.budget_minutes
    total = provisioning.total
    windows = len(provisioning.days)
    return [
        Section(
            f"Provisioning: {counted(len(provisioning.steps), 'step')} on {counted(windows, 'day')}, budget {budget} "
            "min a window",
            COLUMNS,
            [_row(step, days[step]) for step in provisioning.steps],
            notes=(
                f"minutes: low/typical/high; each step is one `pulumi up --target` run (start, refresh and "
                f"preview) plus the longest chain of waits in it; all steps: {_minutes(total)}",
                "disruption: its kind and length where one is published; which resource: --format json; a "
                "disruptive step runs at the season's quiet hour (season.quietHour, Europe/Berlin) when set",
                "a step that does not fit what is left of a day's window goes to the next day, never before T-14 "
                "(the season owns the shared resources from then; where an earlier season holds them longer, "
                "every step moves to the day after its rollback, as the playbook dates them)",
                "figures: freshfoodz_seasonal/data/apply-durations.csv (sources in SOURCES.md); a stack's own "
                "measurements replace them (provisioning.durations)",
            ),
        ),
        Section(
            "Rollback (seasonctl rollback, after phase: baseline is set)",
            COLUMNS,
            [_row(step, days[step]) for step in provisioning.rollback],
            notes=(_rollback_total(provisioning),),
        ),
    ]
