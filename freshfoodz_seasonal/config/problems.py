"""Config problems as users should read them: file, key path, bad value, what is accepted."""

from __future__ import annotations

import difflib
import enum
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.visible import visible

_NOT_GIVEN = object()
# The most of a refused value a message shows.
MAX_VALUE_CHARS = 200
Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str
    value: Any = _NOT_GIVEN

    def __str__(self) -> str:
        # A value is shown short: a list of 200 people or a pasted document would drown the message.
        shown = "" if self.value is _NOT_GIVEN else repr(self.value)
        cut = "..." if len(shown) > MAX_VALUE_CHARS else ""
        got = "" if self.value is _NOT_GIVEN else f" (got {visible(shown, MAX_VALUE_CHARS)}{cut})"
        return f"{self.file}: {self.key}: {self.message}{got}"


class ConfigError(Exception):
    """A stack config that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def key_path(location: Location, root: type[BaseModel] = StackSettings) -> str:
    """(`season`, `window`, `end`) -> `freshfoodz-seasonal:season.window.end`; indices as `[2]`. Another
    file's keys (`root` not the stack's settings) go without the config namespace: `people[0].roles[1]`."""
    if not location:
        return "config" if root is StackSettings else "file"
    first = location[0]
    text = f"{CONFIG_NAMESPACE}:{first}" if root is StackSettings else str(first)
    for part in location[1:]:
        # pydantic marks a refused mapping key with `[key]` after it: the path already ends at the key.
        if part != "[key]":
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def sections_in(annotation: Any) -> list[type[BaseModel]]:
    """Model classes inside an annotation such as `list[Route]` or `Costs | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for argument in typing.get_args(annotation):
        found += sections_in(argument)
    return found


def fields_by_key(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _section_at(location: Location, root: type[BaseModel]) -> type[BaseModel] | None:
    """The section whose keys are valid at `location` (list indices step into the items)."""
    section: type[BaseModel] | None = root
    for part in location:
        if isinstance(part, int):
            continue
        field = fields_by_key(section).get(part) if section else None
        if field is None:
            return None
        inner = sections_in(field.annotation)
        section = inner[0] if inner else None
    return section


def _field_at(location: Location, root: type[BaseModel]) -> FieldInfo | None:
    """The field of the last key in `location` (for `subnetIds[1]`, the field `subnetIds`)."""
    key_positions = [index for index, part in enumerate(location) if isinstance(part, str)]
    if not key_positions:
        return None
    last = key_positions[-1]
    section = _section_at(location[:last], root)
    return fields_by_key(section).get(str(location[last])) if section else None


def _description(field: FieldInfo) -> str | None:
    """The field's own description, or one carried by its annotation (Slug, Fraction)."""
    descriptions = [field.description] + [getattr(meta, "description", None) for meta in field.metadata]
    return next((d for d in descriptions if d), None)


def _item_description(field: FieldInfo) -> str | None:
    """For a list of annotated values, the description the items carry."""
    for item in typing.get_args(field.annotation):
        for meta in typing.get_args(item)[1:]:
            if description := getattr(meta, "description", None):
                return str(description)
    return None


def _accepted(location: Location, root: type[BaseModel]) -> str:
    """`; accepted: ...` for the value at `location`, from its description or its type."""
    field = _field_at(location, root)
    if field is None:
        return ""
    annotation = field.annotation
    if location and isinstance(location[-1], int) and (item := _item_description(field)):
        accepted = item
    elif description := _description(field):
        accepted = description
    elif typing.get_origin(annotation) is typing.Literal:
        accepted = ", ".join(repr(a) for a in typing.get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        accepted = ", ".join(repr(member.value) for member in annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        accepted = "a mapping with keys " + ", ".join(fields_by_key(annotation))
    elif isinstance(annotation, types.GenericAlias) and typing.get_origin(annotation) is list:
        accepted = "a list"
    else:
        return ""
    return f"; accepted: {accepted}"


def _unknown_key(location: Location, root: type[BaseModel]) -> str:
    section = _section_at(location[:-1], root)
    keys = list(fields_by_key(section)) if section else []
    wrong = str(location[-1])
    if section is StackSettings:
        keys = [f"{CONFIG_NAMESPACE}:{key}" for key in keys]
        wrong = f"{CONFIG_NAMESPACE}:{wrong}"
    close = difflib.get_close_matches(wrong, keys, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key; {hint}accepted keys: {', '.join(keys)}"


def _value_error_text(message: str) -> str:
    return message.removeprefix("Value error, ")


def _members(annotation: Any) -> list[Any]:
    """The forms a value of `annotation` may take: a union's members (None aside, which pydantic does not tag),
    else the annotation itself; `Annotated` and list items unwrapped."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [member for member in typing.get_args(annotation) if member is not type(None)]
    return [annotation]


@dataclass(frozen=True)
class _Located:
    """A pydantic error's location as the file has it, and the form of a union it was judged as, if any."""

    location: Location
    union: Location | None = None
    """Where the union is (in `location`'s terms)."""
    mapping_form: bool = False
    """Judged as the union's mapping form (a section), inside it: the value given was a mapping."""


def _located(location: Location, root: type[BaseModel], given_mapping: bool) -> _Located:
    """pydantic puts a union member's tag in the location of each error it found for that member
    (`days`, `StaffedDays`, `start`): the file has `days.start`. The tag after a union's key is left out.
    `given_mapping`: the value at the error's location is a mapping (a section's own check refused it)."""
    kept: list[str | int] = []
    annotation: Any = root
    union: Location | None = None
    mapping_form = False
    parts = list(location)
    while parts:
        part = parts.pop(0)
        members = _members(annotation)
        if len(members) > 1:
            # The member's tag: a section's class name, or another form's type. The outermost union decides
            # which problems are shown.
            sections = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel) and m.__name__ == part]
            if union is None:
                union, mapping_form = tuple(kept), bool(sections) and (bool(parts) or given_mapping)
            annotation = sections[0] if sections else None
            continue
        kept.append(part)
        if isinstance(part, int):
            items = [typing.get_args(m) for m in members if typing.get_origin(m) in (list, tuple)]
            annotation = items[0][0] if items and items[0] else None
        else:
            sections = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
            field = fields_by_key(sections[0]).get(part) if sections else None
            annotation = field.annotation if field is not None else None
    return _Located(tuple(kept), union, mapping_form)


def _of_the_form_given(errors: list[tuple[_Located, Any]]) -> list[tuple[_Located, Any]]:
    """Of the errors inside a union, those of the form the value has: a mapping's as the section it would
    be, anything else's as the other forms (not `input should be a valid dictionary`); in their order."""
    kept: set[int] = {id(item) for located, item in errors if located.union is None}
    for union in {located.union for located, _ in errors if located.union is not None}:
        inside = [(located, item) for located, item in errors if located.union == union]
        mapping = [item for located, item in inside if located.mapping_form]
        other_forms = [
            item for located, item in inside if located.location == union and item["type"] not in _MAPPING_REFUSED
        ]
        kept |= {id(item) for item in mapping or other_forms or [item for _, item in inside]}
    return [(located, item) for located, item in errors if id(item) in kept]


# What pydantic says when a section's form of a union was given something else than a mapping.
_MAPPING_REFUSED = frozenset({"model_type", "model_attributes_type", "dict_type"})


def problems_from_validation(error: ValidationError, file: str, root: type[BaseModel] = StackSettings) -> list[Problem]:
    """One Problem per pydantic error, with the key path users see in their file (`root` is the model of the
    whole file: the stack's settings, or another file's, such as a rota's roster). A key that takes several
    forms (`window`, `wiesn` or a mapping) gets the problems of the form it was given."""
    problems = []
    errors = [
        (_located(tuple(item["loc"]), root, isinstance(item["input"], dict)), item)
        for item in error.errors(include_url=False)
    ]
    for located, item in _of_the_form_given(errors):
        location = located.location
        where = key_path(location, root)
        kind = item["type"]
        if kind == "extra_forbidden":
            problems.append(Problem(file, where, _unknown_key(location, root)))
        elif kind == "missing":
            problems.append(Problem(file, where, "missing required key" + _accepted(location, root)))
        elif kind == "value_error":
            # A whole section's check (input is the mapping) names its keys in the message.
            value = _NOT_GIVEN if isinstance(item["input"], dict) else item["input"]
            problems.append(Problem(file, where, _value_error_text(item["msg"]), value))
        else:
            message = item["msg"][0].lower() + item["msg"][1:] + _accepted(location, root)
            field = _field_at(location, root)
            extra = field.json_schema_extra if field is not None else None
            shown = _NOT_GIVEN if isinstance(extra, dict) and extra.get("sensitive") else item["input"]
            problems.append(Problem(file, where, message, shown))
    return problems
