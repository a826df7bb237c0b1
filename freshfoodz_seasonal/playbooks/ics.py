"""The year's seasons as an iCalendar file (RFC 5545) for the release calendar.

Every event's UID is derived from stack, year and what it marks, so importing the file again
updates the events instead of duplicating them. Events are whole days; the calendar carries the
Europe/Berlin time zone, the team's.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, Timezone

from freshfoodz_seasonal.naming import ICS_PRODUCT_ID, ICS_UID_DOMAIN, seasonal_peaks_title
from freshfoodz_seasonal.playbooks.calendar import SeasonEntry

TIME_ZONE = "Europe/Berlin"


def _day_event(uid: str, summary: str, first: dt.date, last: dt.date, stamp: dt.datetime, description: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{ICS_UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def calendar_ics(entries: list[SeasonEntry], stamp: dt.datetime, organization: str | None) -> bytes:
    """`stamp` (aware) is the DTSTAMP of every event: when this export was made; `organization` names the
    calendar."""
    calendar = Calendar()
    calendar.add("prodid", ICS_PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", seasonal_peaks_title(organization))
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add_component(Timezone.from_tzid(TIME_ZONE))
    for entry in entries:
        year = entry.window.first_day.year
        prefix = f"{entry.stack}-{year}"
        calendar.add_component(
            _day_event(
                f"{prefix}-season",
                f"{entry.title}: {entry.load_multiplier:g}x load",
                entry.window.first_day,
                entry.window.last_day,
                stamp,
                f"Season window of stack {entry.stack}; plan with `seasonctl plan {entry.stack}`.",
            )
        )
        if entry.wiesn is not None:
            calendar.add_component(
                _day_event(
                    f"{prefix}-wiesn",
                    "Oktoberfest (Wiesn)",
                    entry.wiesn.first_day,
                    entry.wiesn.last_day,
                    stamp,
                    "The Wiesn itself, inside the Oktoberfest season.",
                )
            )
        for milestone in entry.milestones:
            calendar.add_component(
                _day_event(
                    f"{prefix}-{milestone.id}",
                    f"{entry.stack}: {milestone.title}",
                    milestone.due,
                    milestone.due,
                    stamp,
                    f"Playbook step {milestone.id} ({milestone.when}).",
                )
            )
    ical: bytes = calendar.to_ical()
    return ical
