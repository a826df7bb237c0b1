"""All seasons of a year side by side: windows, the Wiesn, milestones; overlaps are an error. Pure."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from freshfoodz_seasonal.naming import rule_group_name
from freshfoodz_seasonal.playbooks.model import Playbooks, milestone_offset
from freshfoodz_seasonal.playbooks.schedule import due_date
from freshfoodz_seasonal.seasons.windows import OKTOBERFEST_END, Window, resolve_window, wiesn_days


@dataclass(frozen=True)
class Milestone:
    """A playbook step on its day."""

    id: str
    when: str
    """The milestone the playbook names the step by (T-30 ... T+7), also where its day has moved (a late start
    moves the provisioning steps to the day the season's span begins)."""
    title: str
    due: dt.date


@dataclass(frozen=True)
class SeasonEntry:
    """One stack's season in the year, as the calendar shows it."""

    stack: str
    season: str
    title: str
    load_multiplier: float
    window: Window
    wiesn: Window | None
    milestones: tuple[Milestone, ...]
    """In due order."""


@dataclass(frozen=True)
class SeasonRule:
    stack: str
    season: str
    title: str
    load_multiplier: float
    start: str
    end: str
    configured: frozenset[str] = frozenset()
    """The config keys its stack sets that give it playbook steps (configured_keys)."""
    provision_from: dt.date | None = None
    """In the year shown: the day its span begins when an earlier season holds the shared resources past
    its T-14 (the provisioning milestones move there, as in the playbook)."""


class OverlapError(ValueError):
    """Two seasons claim the same days; the message names both and the days."""


def year_calendar(
    rules: list[SeasonRule], year: int, playbooks: Playbooks, competes: Callable[[str, str], bool] = lambda _a, _b: True
) -> list[SeasonEntry]:
    """Each season that begins in `year` with its milestones, in date order; OverlapError if two whose stacks
    `competes(stack, other)` (share a cluster or a primary) overlap, also with a season of the year before
    that runs into this one across New Year."""
    entries = sorted((_entry(rule, year, playbooks) for rule in rules), key=lambda e: e.window.first_day)
    last_year = [(rule.stack, resolve_window(rule.start, rule.end, year - 1)) for rule in rules]
    # Of last year's seasons, those that run into this one.
    last_year = [(stack, window) for stack, window in last_year if window.last_day.year == year]
    spans = [*last_year, *((e.stack, e.window) for e in entries)]
    for (stack, window), (other, other_window) in itertools.combinations(spans, 2):
        if stack == other or not competes(stack, other):
            continue
        if window.first_day <= other_window.last_day and other_window.first_day <= window.last_day:
            earlier, later = sorted([(stack, window), (other, other_window)], key=lambda s: s[1].first_day)
            raise OverlapError(_overlap(earlier[0], earlier[1], later[0], later[1]))
    return entries


def _entry(rule: SeasonRule, year: int, playbooks: Playbooks) -> SeasonEntry:
    window = resolve_window(rule.start, rule.end, year)
    wiesn = Window(*wiesn_days(year)) if rule.end == OKTOBERFEST_END else None
    milestones = sorted(
        (
            Milestone(
                step.id,
                step.when,
                step.title.format(
                    stack=rule.stack, multiplier=f"{rule.load_multiplier:g}", rule_group=rule_group_name(rule.season)
                ),
                due_date(step, window, rule.provision_from),
            )
            for step in playbooks.steps_of(rule.season, rule.configured)
        ),
        key=lambda m: (m.due, milestone_offset(m.when)),
    )
    return SeasonEntry(rule.stack, rule.season, rule.title, rule.load_multiplier, window, wiesn, tuple(milestones))


def _overlap(earlier: str, earlier_window: Window, later: str, later_window: Window) -> str:
    return (
        f"the seasons of {earlier} ({earlier_window.first_day} to {earlier_window.last_day}) and {later} "
        f"({later_window.first_day} to {later_window.last_day}) overlap; change one stack's season.window"
    )
