"""Which season owns the shared resources on a day: one season at a time.

Every season stack patches the same HPAs and adopts the same primary database. A season holds them
for its span: from its first provisioning day (T-14, the playbook's `pulumi up`) to its rollback day
(T+1), Europe/Berlin dates. On a day inside a span, that season owns the shared resources and no
other stack may change them, in any phase: another stack's peak values or the platform's baseline
values would overwrite the live season. Where two spans touch, the season whose span began first
keeps them until its rollback day; the next one's span runs from the day after. On a day outside
every span nobody owns them: a stack may then re-apply the baseline (`phase: baseline`), but its
peak values only inside its own span. Pure: the day is a parameter.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from freshfoodz_seasonal.seasons.windows import Window, resolve_window

BERLIN = ZoneInfo("Europe/Berlin")
# The playbook's first update of the shared resources (t14-infrastructure) and its rollback (t1-rollback).
PROVISION_LEAD_DAYS = 14
ROLLBACK_DAYS_AFTER = 1
# The seasonal node group's scheduled scale-back, a safety net in case the rollback is forgotten: a day
# after the rollback day, in the early morning.
SCALE_BACK_DAYS_AFTER = 2
# The longest window: one year's resources, from T-14 to the scale-back, end before next year's T-14.
MAX_WINDOW_DAYS = 365 - PROVISION_LEAD_DAYS - SCALE_BACK_DAYS_AFTER


def running_days(window: Window) -> int:
    """The days the season's own resources run, at most: from the first provisioning day (T-14) to the
    scale-back two days after the last day, both counted whole."""
    return PROVISION_LEAD_DAYS + window.days + SCALE_BACK_DAYS_AFTER


# How far ahead `seasonctl validate` looks for a calendar conflict: the weekdays of a date repeat within
# seven years, and Oktoberfest's end follows them.
CALENDAR_YEARS_AHEAD = 8
# The environment variable that overrides the rule in an emergency; its value is the reason, logged.
OVERRIDE_VARIABLE = "SEASONCTL_OWNERSHIP_OVERRIDE"


@dataclass(frozen=True)
class SeasonSpan:
    """One stack's season in one year and the days it owns the shared resources."""

    stack: str
    season: str
    window: Window
    first_day: dt.date
    """The first provisioning day (inclusive), after any earlier season's rollback day."""
    last_day: dt.date
    """The rollback day (inclusive)."""

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def describe(self) -> str:
        return f"{self.season} (stack {self.stack}) from {self.first_day} until its rollback on {self.last_day}"


@dataclass(frozen=True)
class StackSeason:
    """A stack file's season rule, as the calendar needs it."""

    stack: str
    season: str
    start: str
    end: str
    cluster: str = ""
    """The cluster whose HPAs it patches."""
    primary: str = ""
    """The primary database it adopts."""

    def competes_with(self, other: StackSeason) -> bool:
        """Whether the two change any shared resource: the same cluster's HPAs or the same primary."""
        return self.cluster == other.cluster or self.primary == other.primary


def berlin_date(moment: dt.datetime) -> dt.date:
    """The Europe/Berlin date of a timezone-aware moment: the day the seasons are counted in."""
    return moment.astimezone(BERLIN).date()


def season_spans(stacks: list[StackSeason], years: range) -> list[SeasonSpan]:
    """Every stack's span in each of `years`, in date order; a span that begins while an earlier one
    runs starts the day after that one's rollback day (and is dropped if nothing is left of it)."""
    spans = []
    for stack in stacks:
        for year in years:
            window = resolve_window(stack.start, stack.end, year)
            spans.append(
                SeasonSpan(
                    stack.stack,
                    stack.season,
                    window,
                    window.first_day - dt.timedelta(days=PROVISION_LEAD_DAYS),
                    window.last_day + dt.timedelta(days=ROLLBACK_DAYS_AFTER),
                )
            )
    spans.sort(key=lambda span: (span.first_day, span.stack))
    clipped: list[SeasonSpan] = []
    for span in spans:
        held_until = max((earlier.last_day for earlier in clipped), default=None)
        first_day = span.first_day if held_until is None else max(span.first_day, held_until + dt.timedelta(days=1))
        if first_day <= span.last_day:
            clipped.append(replace(span, first_day=first_day))
    return clipped


def spans_around(stacks: list[StackSeason], day: dt.date) -> list[SeasonSpan]:
    """The spans of the seasons before, around and after `day` (a span may cross the new year)."""
    return season_spans(stacks, range(day.year - 1, day.year + 2))


def owner_on(stacks: list[StackSeason], day: dt.date) -> SeasonSpan | None:
    """The span that holds the shared resources on `day`, if any."""
    return next((span for span in spans_around(stacks, day) if span.contains(day)), None)


def own_span(stacks: list[StackSeason], stack: str, day: dt.date) -> SeasonSpan | None:
    """The stack's current span on `day`, else its next one."""
    return next((s for s in spans_around(stacks, day) if s.stack == stack and s.last_day >= day), None)


def current_span(this: StackSeason, day: dt.date) -> SeasonSpan:
    """The stack's own season on `day`: the latest span of it that began on or before `day`."""
    spans = season_spans([this], range(day.year - 1, day.year + 2))
    begun = [span for span in spans if span.first_day <= day]
    return begun[-1] if begun else spans[0]


def season_runs(span: SeasonSpan, day: dt.date) -> bool:
    """From the first provisioning day to the season's last day: ending it now cuts the season short."""
    return span.first_day <= day <= span.window.last_day


def update_refusal(stacks: list[StackSeason], stack: str, peak: bool, day: dt.date) -> str | None:
    """Why `stack` may not change the shared resources on `day` (in phase peak if `peak`); None if it may.

    Only the stacks that share a resource with `stack` count (its cluster or its primary): a staging
    copy on another cluster and database is not a rival.
    """
    me = next((s for s in stacks if s.stack == stack), None)
    stacks = [s for s in stacks if me is None or s.competes_with(me)]
    owner = owner_on(stacks, day)
    if owner is not None and owner.stack != stack:
        mine = own_span(stacks, stack, day)
        yours = f"; stack {stack} may change them from {mine.first_day} to {mine.last_day}" if mine else ""
        return f"on {day} the shared resources (HPAs, the primary's class) belong to {owner.describe()}{yours}"
    if peak and owner is None:
        mine = own_span(stacks, stack, day)
        when = f"from {mine.first_day} to {mine.last_day}" if mine else "on no day the calendar knows"
        return (
            f"on {day} stack {stack} is outside its season's span, so it may not set its peak values; "
            f"it may set them {when} (or set phase: baseline)"
        )
    return None


def project_refusal(
    stacks: list[StackSeason], problems: list[str], this: StackSeason, peak: bool, day: dt.date
) -> str | None:
    """`update_refusal` over the project's stack files with `this` stack's own rule (as its run reads
    it) in place of its file's; a project whose files cannot all be read is refused, since the owner
    cannot be told."""
    if problems:
        return "which season owns the shared resources cannot be told: " + "; ".join(problems)
    stacks = [*(s for s in stacks if s.stack != this.stack), this]
    overlap = calendar_conflict([s for s in stacks if s.competes_with(this)], day)
    if overlap is not None:
        return overlap
    return update_refusal(stacks, this.stack, peak, day)


def calendar_conflict(stacks: list[StackSeason], day: dt.date) -> str | None:
    """Why the competing `stacks` cannot share the resources around `day`: two windows overlap, or a
    season's first day falls in another's span (its rollback day included), so it would start without
    its peak; None if neither."""
    windows = sorted(
        ((resolve_window(s.start, s.end, year), s) for s in stacks for year in range(day.year - 1, day.year + 2)),
        key=lambda pair: pair[0].first_day,
    )
    # Of the years around `day`, only a conflict that is not over yet counts.
    overlaps = [
        pair
        for pair in itertools.pairwise(windows)
        if pair[1][0].first_day <= pair[0][0].last_day and pair[1][0].last_day >= day
    ]
    if overlaps:
        (earlier, first), (later, second) = overlaps[0]
        return (
            f"the seasons of {first.stack} ({earlier.first_day} to {earlier.last_day}) and {second.stack} "
            f"({later.first_day} to {later.last_day}) overlap, and they share the cluster or the primary "
            "database; change one stack's season.window"
        )
    spans = spans_around(stacks, day)
    for span in spans:
        if span.first_day > span.window.first_day and span.last_day >= day:
            holder = max((s for s in spans if s.last_day < span.first_day), key=lambda s: s.last_day)
            return (
                f"{span.season} (stack {span.stack}) starts on {span.window.first_day}, but {holder.season} (stack "
                f"{holder.stack}) holds the shared resources until its rollback on {holder.last_day}: "
                f"{span.stack} would start without its peak; let its window start after {holder.last_day}"
            )
    return None


@dataclass(frozen=True)
class LateStart:
    """A span that begins after its T-14: an earlier season of competing stacks holds the resources."""

    first_day: dt.date
    nominal: dt.date
    """T-14."""
    stack: str

    @property
    def days(self) -> int:
        """How many days after T-14 it begins."""
        return (self.first_day - self.nominal).days

    def describe(self) -> str:
        return (
            f"{self.stack} can be provisioned only from {self.first_day}, not at T-14 ({self.nominal}): an earlier "
            f"season holds the shared resources until {self.first_day - dt.timedelta(days=1)}; the playbook dates "
            "its provisioning steps from then"
        )


def conflict_ahead(stacks: list[StackSeason], day: dt.date, years: int = CALENDAR_YEARS_AHEAD) -> str | None:
    """`calendar_conflict` on `day` and on the same day of each of the next `years` years: Oktoberfest's
    end moves with the weekdays, so windows that fit this year may not in a later one."""
    for ahead in range(years + 1):
        on = day.replace(year=day.year + ahead) if (day.month, day.day) != (2, 29) else dt.date(day.year + ahead, 3, 1)
        if (conflict := calendar_conflict(stacks, on)) is not None:
            return conflict
    return None


def late_start(stacks: list[StackSeason], this: StackSeason, day: dt.date) -> LateStart | None:
    """Whether `this` stack's current (or next) span begins after its T-14, with `this` rule in place of its
    file's; None if it begins on time."""
    competing = [*(s for s in stacks if s.stack != this.stack and s.competes_with(this)), this]
    span = own_span(competing, this.stack, day)
    if span is None:
        return None
    nominal = span.window.first_day - dt.timedelta(days=PROVISION_LEAD_DAYS)
    return LateStart(span.first_day, nominal, this.stack) if span.first_day > nominal else None


# An override's reason is printed and logged: one line, bounded.
MAX_REASON_LENGTH = 200


@dataclass(frozen=True)
class Gate:
    """What a program run does about the rule: go on, go on with a warning, or stop with a message."""

    refused: bool
    message: str | None


def override_reason(value: str | None) -> str | None:
    """The override's reason as one printable line of at most MAX_REASON_LENGTH characters; None if blank."""
    if value is None:
        return None
    line = "".join(char if char.isprintable() else " " for char in value).strip()
    return line[:MAX_REASON_LENGTH] or None


def live_gate(refusal: str | None, preview: bool) -> Gate:
    """What the live objects say (another season holds the primary) stops an update whatever the override
    says, which lifts only the calendar's word; a preview is warned."""
    if refusal is None:
        return Gate(False, None)
    if preview:
        return Gate(False, f"{refusal}; an update (pulumi up) would be refused, whatever {OVERRIDE_VARIABLE} says")
    return Gate(True, f"refused: {refusal}. {OVERRIDE_VARIABLE} does not lift this: it is what the resource says.")


def ownership_gate(refusal: str | None, preview: bool, override: str | None) -> Gate:
    """A refusal stops an update unless overridden with a reason; a preview is never stopped, only warned."""
    if refusal is None:
        return Gate(False, None)
    reason = override_reason(override)
    if preview:
        if reason is not None:
            return Gate(False, f"{refusal}; an update would go on because {OVERRIDE_VARIABLE} says: {reason}")
        return Gate(False, f"{refusal}; an update (pulumi up) would be refused")
    if reason is not None:
        return Gate(False, f"{refusal}; updating anyway because {OVERRIDE_VARIABLE} says: {reason}")
    return Gate(True, f"refused: {refusal}. In an emergency, set {OVERRIDE_VARIABLE} to the reason and run again.")
