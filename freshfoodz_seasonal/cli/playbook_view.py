"""What `seasonctl playbook` shows: the dated steps as a table or as JSON with stable keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.cli.tables import Section
from freshfoodz_seasonal.config.model import Season
from freshfoodz_seasonal.playbooks.schedule import DatedStep, State
from freshfoodz_seasonal.seasons.windows import Window, window_label


@dataclass(frozen=True)
class PlaybookView:
    stack: str
    season: Season
    window: Window
    today: dt.date
    steps: list[DatedStep]

    def heading(self) -> str:
        overdue = sum(step.state is State.OVERDUE for step in self.steps)
        due = sum(step.state is State.DUE_TODAY for step in self.steps)
        return (
            f"{self.season.title} {window_label(self.window)} ({self.window.first_day} to {self.window.last_day}): "
            f"playbook on {self.today}, {overdue} overdue, {due} due today"
        )

    def sections(self) -> list[Section]:
        rows = [
            [s.state.value, s.due.isoformat(), s.milestone, s.id, s.title, s.owner, s.command or ""] for s in self.steps
        ]
        columns = ["state", "due", "when", "id", "step", "owner", "command"]
        return [Section("Steps", columns, rows, apart=["step", "owner", "command"], whole=["command"], key=["id"])]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "season": self.season.name,
            "date": self.today.isoformat(),
            "window": {"first_day": self.window.first_day.isoformat(), "last_day": self.window.last_day.isoformat()},
            "steps": [
                {
                    "id": s.id,
                    "milestone": s.milestone,
                    "due": s.due.isoformat(),
                    "state": s.state.value,
                    "title": s.title,
                    "owner": s.owner,
                    "command": s.command,
                }
                for s in self.steps
            ],
        }
