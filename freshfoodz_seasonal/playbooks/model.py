"""The playbook data, validated: every step with an id, a title, an owner and a milestone."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_MILESTONE = re.compile(r"^T([+-])(\d{1,3})$")


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
        """`T-30` -> -30, `T+1` -> 1 (the validator admits nothing else)."""
        return int(self.when[1:])

    @property
    def anchor(self) -> Literal["first_day", "last_day"]:
        """T-n and T-0 count from the season's first day; T+n from its last."""
        return "last_day" if self.offset_days > 0 else "first_day"


class Playbooks(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    shared: list[Step]
    after: list[Step]
    seasons: dict[str, list[Step]]

    @model_validator(mode="after")
    def _unique_ids(self) -> Playbooks:
        ids = [step.id for step in [*self.shared, *self.after, *(s for steps in self.seasons.values() for s in steps)]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"step ids must be unique: {', '.join(duplicates)}")
        return self

    def steps_of(self, season: str) -> list[Step]:
        return [*self.shared, *self.seasons.get(season, []), *self.after]
