"""The war room of a season: who is told of which alert and how, who escalates to whom, when it is staffed,
and the working-time limits of its rota.

Every URL, key and token of an integration is a Pulumi secret of its own, named here by its config key
(`secret: warRoomSlackUrl`, set with `pulumi config set --secret warRoomSlackUrl VALUE`); the stack file
holds only its ciphertext, and a preview without it declares a placeholder it marks as such.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic.config import JsonDict

from freshfoodz_seasonal.config.fields import ConfigSection, Duration, MonthDay, Slug, Text
from freshfoodz_seasonal.seasons.windows import Window, day_in_window, wiesn_days

# A secret's config key: `warRoom` and a capitalised name, so that it never collides with a settings key
# and every reader sees it is one of the war room's secrets.
SECRET_KEY_PATTERN = r"^warRoom[A-Z][A-Za-z0-9]{0,62}$"  # noqa: S105 - a key name pattern, not a credential
SecretKey = Annotated[
    str,
    Field(
        pattern=SECRET_KEY_PATTERN,
        description="the config key of a Pulumi secret: warRoom and a capitalised name, e.g. warRoomSlackUrl",
    ),
]
# Grafana's notification timings: Prometheus durations, as the API takes them.
Timing = Duration
EmailAddress = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$",
        max_length=254,
        description="an e-mail address, e.g. war-room@freshfoodz.example",
    ),
]


# A field whose refused value a message never shows (config.problems): it may hold a secret by mistake.
SENSITIVE: JsonDict = {"sensitive": True}


def timing_seconds(timing: str) -> int:
    return int(timing[:-1]) * {"s": 1, "m": 60, "h": 3600}[timing[-1]]


class IntegrationKind(StrEnum):
    """Grafana's integration kinds a war room uses; the secret each takes is named in SECRET_OF."""

    WEBHOOK = "webhook"
    SLACK = "slack"
    PAGERDUTY = "pagerduty"
    TEAMS = "teams"
    EMAIL = "email"


# What an integration's secret holds, by kind; e-mail has none (its addresses are plain config).
SECRET_OF = {
    IntegrationKind.WEBHOOK: "the webhook URL",
    IntegrationKind.SLACK: "the Slack incoming-webhook URL",
    IntegrationKind.PAGERDUTY: "the PagerDuty integration key",
    IntegrationKind.TEAMS: "the Microsoft Teams workflow URL",
}


class Integration(ConfigSection):
    """One way a receiver is told: a kind, and its secret (or, for e-mail, its addresses)."""

    kind: IntegrationKind = Field(strict=False)  # from its string value
    # A URL or key pasted where its config key belongs must never be repeated in a message (SENSITIVE).
    secret: SecretKey | None = Field(
        default=None, description="the config key of its URL, key or token", json_schema_extra=SENSITIVE
    )
    addresses: list[EmailAddress] = Field(
        default_factory=list, max_length=20, description="e-mail only, 1 to 20", json_schema_extra=SENSITIVE
    )

    @model_validator(mode="after")
    def _secret_or_addresses(self) -> Integration:
        if self.kind is IntegrationKind.EMAIL:
            if not self.addresses or self.secret is not None:
                raise ValueError("email takes `addresses` (1 to 20) and no secret")
        elif self.secret is None or self.addresses:
            raise ValueError(f"{self.kind.value} takes `secret`: the config key of {SECRET_OF[self.kind]}")
        return self


class Receiver(ConfigSection):
    """A named set of integrations, e.g. `pager` (PagerDuty) or `chat` (Slack and e-mail)."""

    name: Slug
    integrations: list[Integration] = Field(min_length=1, max_length=10, description="1 to 10 integrations")


class SeverityRoute(ConfigSection):
    """Where the alerts of one severity go, and how Grafana groups and repeats them."""

    receivers: list[Slug] = Field(min_length=1, max_length=5, description="1 to 5 receiver names")
    group_wait: Timing = Field(default="30s", description="the wait before the first notification of a group")
    group_interval: Timing = Field(default="5m", description="the wait before a group's next new alerts")
    repeat_interval: Timing = Field(default="4h", description="the wait before a firing alert is sent again")

    @model_validator(mode="after")
    def _intervals_ordered(self) -> SeverityRoute:
        # Grafana refuses a repeat interval shorter than the group interval.
        if timing_seconds(self.repeat_interval) < timing_seconds(self.group_interval):
            raise ValueError(
                f"repeatInterval {self.repeat_interval} is shorter than groupInterval {self.group_interval}"
            )
        if len(set(self.receivers)) != len(self.receivers):
            raise ValueError(f"a receiver is named twice in {self.receivers}")
        return self


class Routing(ConfigSection):
    """Each severity's route; `info` goes where `warning` goes unless it has its own."""

    critical: SeverityRoute
    warning: SeverityRoute
    info: SeverityRoute | None = None

    def of(self, severity: str) -> SeverityRoute:
        """The route of a severity that has one (critical, warning, and info where set)."""
        route: SeverityRoute | None = getattr(self, severity)
        if route is None:
            raise ValueError(f"no route of its own for {severity}")
        return route


class EscalationLevel(ConfigSection):
    """A rung of the escalation ladder: who, how to reach them, and after how many minutes without an
    acknowledgement they are called."""

    role: Text
    reach: Text = Field(description="how to reach the role, e.g. PagerDuty (receiver pager) or a phone number")
    after_minutes: int = Field(ge=0, le=1440, description="minutes without acknowledgement, 0 to 1440")


def _clock(text: str) -> str:
    if text == "24:00":
        return text
    try:
        dt.time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a time of day; accepted: HH:MM, 00:00 to 24:00") from None
    return text


ClockTime = Annotated[
    str, Field(pattern=r"^[0-2][0-9]:[0-5][0-9]$", description="HH:MM, 00:00 to 24:00"), AfterValidator(_clock)
]


class StaffedHours(ConfigSection):
    """The war room's hours on each staffed day, Europe/Berlin; 00:00 to 24:00 is round the clock."""

    start: ClockTime = "07:00"
    end: ClockTime = "22:00"

    @model_validator(mode="after")
    def _start_before_end(self) -> StaffedHours:
        if self.start == "24:00" or self.minutes(self.end) <= self.minutes(self.start):
            raise ValueError(f"start {self.start} must come before end {self.end} on the same day")
        return self

    @staticmethod
    def minutes(clock: str) -> int:
        hours, minutes = clock.split(":")
        return int(hours) * 60 + int(minutes)

    @property
    def round_the_clock(self) -> bool:
        return self.start == "00:00" and self.end == "24:00"


class StaffedDays(ConfigSection):
    """A span of days within the season's window, MM-DD, both inclusive (12-28 to 01-02 across New Year)."""

    start: Annotated[MonthDay, Field(description="first day, MM-DD")]
    end: Annotated[MonthDay, Field(description="last day, MM-DD")]


class RotaLimits(ConfigSection):
    """Working-time limits of the rota; the defaults are Germany's (ArbZG §3, §5; six working days a week)."""

    max_shift_hours: float = Field(default=10.0, ge=1.0, le=24.0, description="the longest shift, 1 to 24 h")
    # At least an hour: with none, two shifts back to back would make one longer than maxShiftHours.
    min_rest_hours: float = Field(default=11.0, ge=1.0, le=48.0, description="the rest between two shifts, 1 to 48 h")
    max_shifts_per_7_days: int = Field(default=6, ge=1, le=14, description="shifts in any 7 days, 1 to 14")


class Decisions(ConfigSection):
    """Who decides the war room's levers; each a role of the escalation ladder (default: its first)."""

    degradation: Text | None = Field(default=None, description="switching off the non-critical features")
    rate_limits: Text | None = Field(default=None, description="tightening the routes' rate limits")
    capacity: Text | None = Field(default=None, description="raising HPA maxima or nodes beyond the plan")


class WarRoom(ConfigSection):
    """The season's war room: receivers and routing by severity, the escalation ladder, the staffed days and
    hours, the rota's limits, and where the runbook lives."""

    receivers: list[Receiver] = Field(min_length=1, max_length=20, description="1 to 20 receivers")
    routing: Routing
    escalation: list[EscalationLevel] = Field(min_length=1, max_length=10, description="1 to 10 levels")
    days: Literal["window", "wiesn"] | StaffedDays = Field(
        default="window",
        description="window (the season's), wiesn (the Oktoberfest's days of the year), or {start, end} MM-DD",
    )
    hours: StaffedHours = Field(default_factory=StaffedHours)
    rota: RotaLimits = Field(default_factory=RotaLimits)
    decisions: Decisions = Field(default_factory=Decisions)
    runbook_base_url: str | None = Field(
        default=None,
        pattern=r"^https://[\x21-\x7e]{1,400}$",
        description="where the runbook is published (https); each rule's runbook_url points at its section",
    )
    sample_loss_critical: bool = Field(
        default=False, description="a critical alert on any failed sample request (immediate escalation)"
    )

    def staffed_days(self, window: Window) -> tuple[dt.date, dt.date]:
        """The first and last staffed day of the season in `window`; ValueError if they leave it."""
        if self.days == "window":
            return window.first_day, window.last_day
        if self.days == "wiesn":
            first, last = wiesn_days(window.first_day.year)
            if window.first_day <= first and last <= window.last_day:
                return first, last
            raise ValueError(
                f"the Wiesn ({first} to {last}) leaves the season's window {window.first_day} to {window.last_day}"
            )
        first_day, last_day = day_in_window(self.days.start, window), day_in_window(self.days.end, window)
        if first_day is None or last_day is None or last_day < first_day:
            raise ValueError(
                f"{self.days.start} to {self.days.end} leave the season's window {window.first_day} to "
                f"{window.last_day}; accepted: days within it, the start first"
            )
        return first_day, last_day

    @model_validator(mode="after")
    def _consistent(self) -> WarRoom:
        names = [receiver.name for receiver in self.receivers]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"receiver names must be unique: {', '.join(twice)}")
        for severity in ("critical", "warning", "info"):
            route = getattr(self.routing, severity)
            unknown = [] if route is None else [name for name in route.receivers if name not in names]
            if unknown:
                raise ValueError(
                    f"routing.{severity} names {', '.join(unknown)}, not a receiver; receivers: {', '.join(names)}"
                )
        routed = {name for severity in self.routed_severities for name in self.routing.of(severity).receivers}
        unused = [name for name in names if name not in routed]
        if unused:
            raise ValueError(f"receiver {', '.join(unused)} gets no severity; route it or remove it")
        keys = [i.secret for r in self.receivers for i in r.integrations if i.secret is not None]
        shared = sorted({key for key in keys if keys.count(key) > 1})
        if shared:
            raise ValueError(f"one secret per integration: {', '.join(shared)} is named more than once")
        minutes = [level.after_minutes for level in self.escalation]
        if minutes[0] != 0 or any(later <= earlier for earlier, later in itertools.pairwise(minutes)):
            raise ValueError(f"escalation: afterMinutes start at 0 and rise from level to level, not {minutes}")
        roles = [level.role for level in self.escalation]
        for lever in ("degradation", "rate_limits", "capacity"):
            role = getattr(self.decisions, lever)
            if role is not None and role not in roles:
                raise ValueError(f"decisions: {role!r} is not a role of the escalation ladder ({', '.join(roles)})")
        return self

    @property
    def routed_severities(self) -> list[str]:
        """The severities with a route, so a contact point, of their own: critical, warning, and info where
        it has one (else its rules go to warning's)."""
        return ["critical", "warning", *(["info"] if self.routing.info is not None else [])]

    def routed_as(self, severity: str) -> str:
        """The severity whose route and contact point an alert of `severity` takes: its own, or for info without
        a route of its own, warning's."""
        return "warning" if severity == "info" and self.routing.info is None else severity

    @property
    def secret_keys(self) -> list[str]:
        """The config keys of every integration's secret, in the order of the receivers."""
        return [i.secret for r in self.receivers for i in r.integrations if i.secret is not None]

    def decider(self, lever: str) -> str:
        """The role that decides `lever` (degradation, rate_limits, capacity): the configured one, else the
        ladder's first."""
        role: str | None = getattr(self.decisions, lever)
        return role if role is not None else self.escalation[0].role
