"""Edits of a stack file's text that keep its comments, key order and layout (ruamel.yaml round trip)."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


class StackEditError(ValueError):
    """The stack file is not shaped the way the edit needs."""


def round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    # The layout of the shipped stack files: two-space maps, list dashes indented by two.
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


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
    yaml = round_trip_yaml()
    document = yaml.load(text)
    config_of(document)[f"{CONFIG_NAMESPACE}:{key}"] = value
    return dump(yaml, document)
