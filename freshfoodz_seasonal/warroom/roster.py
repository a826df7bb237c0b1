"""The people a war-room rota is made from: a small YAML file the team keeps beside the stacks.

people:
  - name: Anna Schmidt
    roles: [primary, secondary]
    unavailable: [2027-09-20, 2027-09-21]
    email: anna.schmidt@freshfoodz.example   # optional: the calendar invitation's attendee
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import Field, Strict, field_validator, model_validator

from freshfoodz_seasonal.config.fields import ConfigSection, Text
from freshfoodz_seasonal.config.war_room import EmailAddress


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class Person(ConfigSection):
    name: Text = Field(description="unique in the roster")
    roles: list[Annotated[Role, Strict(False)]] = Field(
        min_length=1, max_length=2, description="primary, secondary or both"
    )
    # From a YAML date or its quoted ISO form ("2027-09-20"): both read the same to a person.
    unavailable: list[Annotated[dt.date, Strict(False)]] = Field(
        default_factory=list, max_length=366, description="days the person cannot work, YYYY-MM-DD"
    )
    email: EmailAddress | None = Field(default=None, description="the calendar invitation's attendee")

    @model_validator(mode="after")
    def _roles_once(self) -> Person:
        if len(set(self.roles)) != len(self.roles):
            raise ValueError(f"a role is named twice in {[role.value for role in self.roles]}")
        return self


class Roster(ConfigSection):
    people: list[Person] = Field(min_length=1, max_length=200, description="1 to 200 people")

    @field_validator("people")
    @classmethod
    def _names_unique(cls, people: list[Person]) -> list[Person]:
        names = [person.name for person in people]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"names must be unique: {', '.join(twice)}")
        return people
