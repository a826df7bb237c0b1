"""What `seasonctl calendar` shows: the seasons of a year and their milestones."""

from __future__ import annotations

from typing import Any

from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.playbooks.calendar import SeasonEntry


def calendar_sections(entries: list[SeasonEntry]) -> list[Section]:
    # The Wiesn only where a season ends with the Oktoberfest: a year without one shows no such column.
    wiesn = any(e.wiesn for e in entries)
    seasons = Section(
        "Season windows",
        ["stack", "season", "load", "first day", "last day", "days", *(["Wiesn"] if wiesn else [])],
        [
            [
                e.stack,
                e.title,
                f"{e.load_multiplier:g}x",
                e.window.first_day.isoformat(),
                e.window.last_day.isoformat(),
                str(e.window.days),
                *([f"{e.wiesn.first_day} to {e.wiesn.last_day}" if e.wiesn else ""] if wiesn else []),
            ]
            for e in entries
        ],
    )
    milestones = Section(
        "Milestones",
        ["date", "stack", "milestone", "step", "id"],
        sorted(
            ([m.due.isoformat(), e.stack, m.when, m.title, m.id] for e in entries for m in e.milestones),
            key=lambda row: (row[0], row[1]),
        ),
        apart=["step"],
        key=["date", "stack", "milestone", "id"],
    )
    return [seasons, milestones]


def calendar_as_dict(entries: list[SeasonEntry]) -> dict[str, Any]:
    return {
        "seasons": [
            {
                "stack": e.stack,
                "season": e.season,
                "title": e.title,
                "load_multiplier": e.load_multiplier,
                "first_day": e.window.first_day.isoformat(),
                "last_day": e.window.last_day.isoformat(),
                "days": e.window.days,
                "wiesn": (
                    {"first_day": e.wiesn.first_day.isoformat(), "last_day": e.wiesn.last_day.isoformat()}
                    if e.wiesn
                    else None
                ),
                "milestones": [
                    {"id": m.id, "milestone": m.when, "title": m.title, "date": m.due.isoformat()} for m in e.milestones
                ],
            }
            for e in entries
        ]
    }
