"""Edits of a stack file's text that keep its comments, key order and layout (ruamel.yaml round trip)."""

from __future__ import annotations

import io
import itertools
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


class StackEditError(ValueError):
    """The stack file is not shaped the way the edit needs."""


def round_trip_yaml(text: str) -> YAML:
    """A round trip that writes `text`'s own layout back (its map indent and where its list dashes sit),
    so that an edit changes the values it sets and no other line."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    mapping, dash_offset = layout_of(text)
    yaml.indent(mapping=mapping, sequence=dash_offset + 2, offset=dash_offset)
    yaml.width = 4096
    return yaml


def layout_of(text: str) -> tuple[int, int]:
    """(map indent, list dashes' indent under their key) of a YAML text: from its first indented line and
    its first list under a key; the shipped stack files' (2, 2) where the text shows none."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    mapping = next((indent(line) for line in lines if indent(line) > 0 and not line.lstrip().startswith("-")), 2)
    dash_offset = next(
        (
            max(0, indent(line) - indent(key))
            for key, line in itertools.pairwise(lines)
            if line.lstrip().startswith("- ") and key.rstrip().endswith(":")
        ),
        2,
    )
    return mapping, dash_offset


def dump(yaml: YAML, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def config_of(document: Any) -> CommentedMap:
    config = document.get("config") if isinstance(document, CommentedMap) else None
    if not isinstance(config, CommentedMap):
        raise StackEditError("the file has no `config:` mapping")
    return config


def with_setting(text: str, key: str, value: object) -> str:
    """`text` with `<namespace>:<key>` set to `value`, in place if present, else added at the end."""
    yaml = round_trip_yaml(text)
    document = yaml.load(text)
    config_of(document)[f"{CONFIG_NAMESPACE}:{key}"] = value
    return dump(yaml, document)
