"""What the calendar starts on a day: provisioning steps on the days the plan dates them, rollback on
the rollback day, nothing otherwise (`seasonctl due`, run daily by the schedule workflow).

A provisioning plan's days count from T-14; when an earlier season holds the shared resources past
a stack's T-14, its steps move by as many days as its span starts late. On the last provisioning
day the whole `seasonctl provision` runs (what is done already changes nothing, and its final update
follows); on an earlier day, that day's steps by name. Pure: the stacks' seasons and plans in, the
actions out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from freshfoodz_seasonal.provisioning.schedule import ProvisioningPlan, step_date
from freshfoodz_seasonal.seasons.ownership import ROLLBACK_DAYS_AFTER
from freshfoodz_seasonal.seasons.windows import Window


class Action(StrEnum):
    PROVISION = "provision"
    ROLLBACK = "rollback"


@dataclass(frozen=True)
class Due:
    stack: str
    action: Action
    steps: tuple[str, ...]
    """The provisioning steps to run by name; empty: the whole command."""

    @property
    def arguments(self) -> list[str]:
        """`seasonctl` arguments for an unattended run: the action, the stack, --yes, and each step once."""
        names = [argument for step in self.steps for argument in ("--step", step)]
        return [self.action.value, self.stack, "--yes", *names]


@dataclass(frozen=True)
class StackSeasonPlan:
    """One stack's season in one year: its window, its provisioning plan and how many days late its span starts."""

    stack: str
    window: Window
    provisioning: ProvisioningPlan
    late_days: int = 0


def due_on(seasons: list[StackSeasonPlan], day: dt.date) -> list[Due]:
    """Every action due on `day`, by stack name."""
    found = []
    for season in sorted(seasons, key=lambda s: (s.stack, s.window.first_day)):
        first = season.window.first_day
        days = season.provisioning.days
        for offset in days:
            if step_date(first, offset, season.late_days) != day:
                continue
            if offset == days[-1]:
                found.append(Due(season.stack, Action.PROVISION, ()))
            else:
                names = tuple(step.name for step in season.provisioning.steps if step.day == offset)
                found.append(Due(season.stack, Action.PROVISION, names))
        if season.window.last_day + dt.timedelta(days=ROLLBACK_DAYS_AFTER) == day:
            found.append(Due(season.stack, Action.ROLLBACK, ()))
    return found
