"""YAML as the project reads it from files people and pull requests write: small, plain, bounded.

A SafeLoader that also refuses what no stack file needs and an attacker could use: a key given twice
(PyYAML keeps the last silently), aliases (*name, which can expand a small file into billions of nodes),
merge keys (<<), nesting deeper than MAX_DEPTH (a RecursionError otherwise) and integers longer than
MAX_INTEGER_DIGITS digits or letters, whatever the base (Python refuses over 4,300 digits with a ValueError,
and slowly). Every refusal is a
yaml.MarkedYAMLError with the position, so callers report it like any YAML mistake.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 30
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # PyYAML's stub leaves it untyped
            raise yaml.composer.ComposerError(None, None, "found an alias (*...); stack files do not use them", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]  # as above
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                "found a merge key (<<); write the keys out",
                key_node.start_mark,
            )
        key = loader.construct_object(key_node)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, "found a key that is not a plain value", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark
            )
        seen[key] = key_node
    return loader.construct_mapping(node)


def _integer(loader: _StrictLoader, node: yaml.ScalarNode) -> int:
    # Every letter and digit counts: 0x followed by 5,000 f's is as long an integer as 6,000 digits.
    digits = sum(char.isalnum() for char in str(node.value))
    if digits > MAX_INTEGER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"found an integer of {digits} digits; at most {MAX_INTEGER_DIGITS}", node.start_mark
        )
    return int(loader.construct_yaml_int(node))


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _integer)


def load_strict_yaml(text: str) -> Any:
    """The document in `text`; a yaml.YAMLError (marked where it can be) for anything refused above."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
