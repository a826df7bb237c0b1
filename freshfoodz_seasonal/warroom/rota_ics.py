"""The rota as an iCalendar file (RFC 5545): one event per shift and role, the person as its attendee.

An event's UID is derived from stack, role and the shift's start, never from the person, and its SEQUENCE
rises with every export: importing a changed rota again moves the shift to its new person instead of
leaving the old invitation behind.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, Timezone, vCalAddress

from freshfoodz_seasonal.naming import ICS_PRODUCT_ID, ICS_UID_DOMAIN
from freshfoodz_seasonal.warroom.roster import Roster
from freshfoodz_seasonal.warroom.rota import Rota

TIME_ZONE = "Europe/Berlin"


def shift_uid(stack: str, role: str, start: dt.datetime) -> str:
    return f"{stack}-war-room-{role}-{start.astimezone(dt.UTC):%Y%m%dT%H%MZ}@{ICS_UID_DOMAIN}"


def rota_ics(stack: str, title: str, rota: Rota, roster: Roster, stamp: dt.datetime) -> bytes:
    """`stamp` (aware) is every event's DTSTAMP. Every assigned person needs an e-mail address (the
    caller checks): an invitation without one reaches nobody."""
    emails = {person.name: person.email for person in roster.people}
    calendar = Calendar()
    calendar.add("prodid", ICS_PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{title}: war room rota")
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add_component(Timezone.from_tzid(TIME_ZONE))
    for assignment in rota.assignments:
        event = Event()
        event.add("uid", shift_uid(stack, assignment.role.value, assignment.shift.start))
        event.add("dtstamp", stamp)
        # Minutes since 1970 at this export: a later export of a changed rota has a higher sequence, so
        # calendars take it as an update of the same event.
        event.add("sequence", int(stamp.timestamp() // 60))
        event.add("summary", f"War room {stack}: {assignment.role.value} ({assignment.person})")
        event.add("dtstart", assignment.shift.start)
        event.add("dtend", assignment.shift.end)
        attendee = vCalAddress(f"mailto:{emails[assignment.person]}")
        attendee.params["cn"] = assignment.person
        attendee.params["role"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee)
        event.add("description", f"{title}: the {assignment.role.value} shift of the war room.")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
