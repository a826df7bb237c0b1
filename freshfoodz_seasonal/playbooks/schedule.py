"""A season's playbook in a given year: each step's due date and, on a given day, its state."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass
from enum import StrEnum

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.naming import PRIORITY_CLASS_NAME, peak_controls_config_map_name, rule_group_name
from freshfoodz_seasonal.playbooks.model import Step, milestone_offset
from freshfoodz_seasonal.seasons.ownership import PROVISION_LEAD_DAYS
from freshfoodz_seasonal.seasons.windows import Window, season_year


class State(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    UPCOMING = "upcoming"
    DONE = "done"


# Most urgent first: what is late, what is due, what comes, what is behind us.
_URGENCY = {State.OVERDUE: 0, State.DUE_TODAY: 1, State.UPCOMING: 2, State.DONE: 3}


@dataclass(frozen=True)
class DatedStep:
    id: str
    milestone: str
    title: str
    owner: str
    command: str | None
    due: dt.date
    state: State


def configured_keys(settings: StackSettings) -> frozenset[str]:
    """The config keys the stack sets whose playbook steps it gets (Playbooks.configured): a list that is not
    empty, the war room's own days (not the whole window), its alert on any sample loss."""
    peak, war_room = settings.peak_controls, settings.war_room
    keys = {
        "peakControls.priorityServices": bool(peak.priority_services),
        "peakControls.nonCriticalFeatures": bool(peak.non_critical_features),
        "workers": bool(settings.workers),
        "warRoom.days": war_room is not None and war_room.days != "window",
        "warRoom.sampleLossCritical": war_room is not None and war_room.sample_loss_critical,
    }
    return frozenset(key for key, value in keys.items() if value)


def step_values(stack: str, settings: StackSettings, year: int) -> dict[str, str]:
    """What a stack's steps fill in: names exactly as the program declares them, and the season's year."""
    season = settings.season
    return {
        "stack": stack,
        "year": str(year),
        "multiplier": f"{season.load_multiplier:g}",
        "namespace": settings.peak_controls.namespace,
        "config_map": peak_controls_config_map_name(season.name),
        "priority_class": PRIORITY_CLASS_NAME,
        "rule_group": rule_group_name(season.name),
    }


def playbook_year(start: str, end: str, steps: list[Step], today: dt.date) -> int:
    """The year whose playbook is current on `today`: a season stays current until its last
    after-season step (T+1 rollback, T+7 review) has passed, then the next one takes over."""
    tail_days = max((step.offset_days for step in steps if step.anchor == "last_day"), default=0)
    return season_year(start, end, today - dt.timedelta(days=tail_days))


def due_date(step: Step, window: Window, provision_from: dt.date | None = None) -> dt.date:
    """The step's day; a provisioning step (T-14 to T-1) not before `provision_from`, the day the season's
    span begins when an earlier season holds the shared resources past its T-14."""
    anchor = window.last_day if step.anchor == "last_day" else window.first_day
    due = anchor + dt.timedelta(days=step.offset_days)
    nominal_start = window.first_day - dt.timedelta(days=PROVISION_LEAD_DAYS)
    # Only the steps before the season's first day move, and never past it.
    if provision_from is not None and nominal_start <= due < min(provision_from, window.first_day):
        return min(provision_from, window.first_day)
    return due


def state_on(due: dt.date, today: dt.date, done: bool) -> State:
    if done:
        return State.DONE
    if due < today:
        return State.OVERDUE
    return State.DUE_TODAY if due == today else State.UPCOMING


def dated_playbook(
    steps: list[Step],
    window: Window,
    today: dt.date,
    done_ids: frozenset[str],
    values: dict[str, str],
    provision_from: dt.date | None = None,
) -> list[DatedStep]:
    """Every step with its date and state on `today`, most urgent first (then by date, then in the
    playbook's order). `values` fill the placeholders ({stack}, {multiplier}, ...); in commands each is
    shell-quoted, so a command can be pasted as it is printed."""
    quoted = {key: shlex.quote(value) for key, value in values.items()}
    dated = [
        DatedStep(
            id=step.id,
            milestone=step.when,
            title=step.title.format(**values),
            owner=step.owner,
            command=step.command.format(**quoted) if step.command else None,
            due=due_date(step, window, provision_from),
            state=state_on(due_date(step, window, provision_from), today, step.id in done_ids),
        )
        for step in steps
    ]
    return most_urgent_first(dated)


def most_urgent_first(steps: list[DatedStep]) -> list[DatedStep]:
    """By state (what is late, what is due, what comes, what is behind us), then date, then milestone (a late
    start's T-14 steps before the T-7 ones on the same day), then as given."""
    return sorted(steps, key=lambda s: (_URGENCY[s.state], s.due, milestone_offset(s.milestone)))
