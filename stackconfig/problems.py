"""Config problems as users should read them: file, key path, bad value, what is accepted."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from stackconfig.model import NAMESPACE, StackSettings

_NOT_GIVEN = object()
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str
    value: Any = _NOT_GIVEN

    def __str__(self) -> str:
        got = "" if self.value is _NOT_GIVEN else f" (got {self.value!r})"
        return f"{self.file}: {self.key}: {self.message}{got}"


class ConfigError(Exception):
    """A stack config that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def key_path(location: Location) -> str:
    """(`season`, `window`, `end`) -> `freshfoodz-seasonal:season.window.end`; indices as `[2]`."""
    if not location:
        return "config"
    text = f"{NAMESPACE}:{location[0]}"
    for part in location[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _sections(annotation: Any) -> list[type[BaseModel]]:
    """Model classes inside an annotation such as `list[Route]` or `Costs | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += _sections(argument)
    return found


def _fields_by_key(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _walk(location: Location) -> tuple[type[BaseModel] | None, FieldInfo | None]:
    """The section holding the last key of `location`, and that key's field (if it is one)."""
    section: type[BaseModel] | None = StackSettings
    field: FieldInfo | None = None
    for part in location:
        if isinstance(part, int) or section is None:
            continue
        field = _fields_by_key(section).get(part)
        if field is None:
            return section, None
        inner = _sections(field.annotation)
        section_of_field = section
        section = inner[0] if inner else None
        if part == location[-1]:
            return section_of_field, field
    return section, field


def _description(field: FieldInfo) -> str | None:
    """The field's own description, or one carried by its annotation (Slug, Fraction)."""
    descriptions = [field.description] + [getattr(meta, "description", None) for meta in field.metadata]
    return next((d for d in descriptions if d), None)


def _accepted(field: FieldInfo | None) -> str:
    """`; accepted: ...` for a field, from its description or its type."""
    if field is None:
        return ""
    annotation = field.annotation
    if description := _description(field):
        accepted = description
    elif typing.get_origin(annotation) is typing.Literal:
        accepted = ", ".join(repr(a) for a in typing.get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        accepted = "a mapping with keys " + ", ".join(_fields_by_key(annotation))
    elif isinstance(annotation, types.GenericAlias) and typing.get_origin(annotation) is list:
        accepted = "a list"
    else:
        return ""
    return f"; accepted: {accepted}"


def _unknown_key(location: Location) -> str:
    section, _ = _walk(location[:-1]) if len(location) > 1 else (StackSettings, None)
    keys = list(_fields_by_key(section)) if section else []
    if section is StackSettings:
        keys = [f"{NAMESPACE}:{key}" for key in keys]
    wrong = str(location[-1]) if section is not StackSettings else f"{NAMESPACE}:{location[-1]}"
    close = difflib.get_close_matches(wrong, keys, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key; {hint}accepted keys: {', '.join(keys)}"


def _value_error_text(message: str) -> str:
    return message.removeprefix("Value error, ")


def problems_from_validation(error: ValidationError, file: str) -> list[Problem]:
    """One Problem per pydantic error, with the key path users see in their stack file."""
    problems = []
    for item in error.errors(include_url=False):
        location: Location = tuple(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            problems.append(Problem(file, key_path(location), _unknown_key(location)))
        elif kind == "missing":
            _, field = _walk(location)
            problems.append(Problem(file, key_path(location), "missing required key" + _accepted(field)))
        elif kind == "value_error":
            # A whole section's check (input is the mapping) names its keys in the message.
            value = _NOT_GIVEN if isinstance(item["input"], dict) else item["input"]
            problems.append(Problem(file, key_path(location), _value_error_text(item["msg"]), value))
        else:
            _, field = _walk(location)
            message = item["msg"][0].lower() + item["msg"][1:] + _accepted(field)
            problems.append(Problem(file, key_path(location), message, item["input"]))
    return problems
