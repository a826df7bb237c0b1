"""The playbook data, validated: every step with an id, a title, an owner and a milestone."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_MILESTONE = re.compile(r"^T([+-])(\d{1,3})$")


def milestone_offset(milestone: str) -> int:
    """`T-30` -> -30, `T+1` -> 1 (Step's validator admits nothing else)."""
    return int(milestone[1:])


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    when: str = Field(description="T-30, T-14, T-7, T-0 (from the first day) or T+1, T+7 (from the last day)")
    title: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    command: str | None = None

    @field_validator("when")
    @classmethod
    def _milestone(cls, value: str) -> str:
        if not _MILESTONE.fullmatch(value):
            raise ValueError(f"{value!r} is not a milestone like T-30 or T+1")
        return value

    @property
    def offset_days(self) -> int:
        return milestone_offset(self.when)

    @property
    def anchor(self) -> Literal["first_day", "last_day"]:
        """T-n and T-0 count from the season's first day; T+n from its last."""
        return "last_day" if self.offset_days > 0 else "first_day"


# The config keys that give a stack steps of its own when it sets them (schedule.configured_keys says how).
ConfigKey = Literal[
    "peakControls.priorityServices",
    "peakControls.nonCriticalFeatures",
    "workers",
    "warRoom.days",
    "warRoom.sampleLossCritical",
]


class Playbooks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    shared: list[Step]
    after: list[Step]
    configured: dict[ConfigKey, list[Step]] = Field(default_factory=dict)
    """The steps of a stack that sets the key."""
    seasons: dict[str, list[Step]]
    """The steps of a season, by its name."""

    @model_validator(mode="after")
    def _unique_ids(self) -> Playbooks:
        grouped = [*self.configured.values(), *self.seasons.values()]
        ids = [step.id for step in [*self.shared, *self.after, *(s for steps in grouped for s in steps)]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"step ids must be unique: {', '.join(duplicates)}")
        return self

    def steps_of(self, season: str, configured: Collection[str] = ()) -> list[Step]:
        """A season's steps, with those of the config keys its stack sets (`configured`)."""
        own = [step for key, steps in self.configured.items() if key in configured for step in steps]
        return [*self.shared, *own, *self.seasons.get(season, []), *self.after]
