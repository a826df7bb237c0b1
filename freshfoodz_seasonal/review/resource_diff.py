"""What changes between two sets of declared resources, resource by resource and field by field.

Pure: the inputs are resources documents as `seasonctl preview --format json` writes them (type,
name, inputs and options per resource). A resource is identified by (type, name), as Pulumi
identifies it within a stack, so the order in which a program registered them does not matter.
Nested inputs are flattened to dotted paths; a list of objects that all carry a `name` (alert
rules, containers) is keyed by that name, so inserting one rule does not show every later rule
as changed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from freshfoodz_seasonal.naming import (
    CONFIG_MAP_TYPE,
    EKS_NODE_GROUP_TYPE,
    GRAFANA_RULE_GROUP_TYPE,
    HPA_PATCH_TYPE,
    PRIORITY_CLASS_PATCH_TYPE,
    PRIORITY_CLASS_TYPE,
    RDS_INSTANCE_TYPE,
    SCALING_SCHEDULE_TYPE,
    STACK_TYPE,
    parse_urn,
)

# The fields a reviewer must see first, per resource type (glob patterns over dotted paths).
KEY_FIELDS: Mapping[str, tuple[str, ...]] = {
    HPA_PATCH_TYPE: (
        "spec.minReplicas",
        "spec.maxReplicas",
        "spec.metrics[*].resource.target.averageUtilization",
        # autoscaling.metric concurrency: the in-flight target per pod.
        "spec.metrics[*].pods.target.averageValue",
    ),
    EKS_NODE_GROUP_TYPE: ("instanceTypes*", "scalingConfig.minSize", "scalingConfig.maxSize"),
    RDS_INSTANCE_TYPE: ("identifier", "instanceClass"),
    SCALING_SCHEDULE_TYPE: ("startTime", "desiredCapacity"),
    PRIORITY_CLASS_TYPE: ("value",),
    PRIORITY_CLASS_PATCH_TYPE: ("value",),
    GRAFANA_RULE_GROUP_TYPE: ("rules[*].annotations.threshold", "rules[*].for"),
    CONFIG_MAP_TYPE: ("data.*",),
}
# What a diff shows of a secret: never its value, not even the preview's placeholder.
SECRET_SHOWN = "[secret]"  # noqa: S105 - what is shown in place of a secret
SECRET_CHANGED = "[secret changed]"  # noqa: S105 - what is shown in place of a secret
_OPTIONS = ("protect", "retain_on_delete", "import_id", "ignore_changes", "depends_on")
# Whatever the type: a new parent is a new URN (Pulumi replaces the resource), and the others decide
# whether a resource can be deleted or is adopted.
_ALWAYS_KEY = ("options.parent", "options.protect", "options.retain_on_delete", "options.import_id")


class Kind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: Any
    new: Any
    key: bool  # one of KEY_FIELDS: shown in the summary


@dataclass(frozen=True)
class ResourceChange:
    kind: Kind
    type: str
    name: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def key_fields(self) -> list[FieldChange]:
        return [change for change in self.fields if change.key]


def _keyed(items: Sequence[Any]) -> bool:
    names = [item.get("name") for item in items if isinstance(item, dict)]
    return len(names) == len(items) > 0 and all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


def _is_secret(value: Any) -> bool:
    """A value the program marked secret, as the resources document holds it: `{"secret": placeholder}`."""
    return isinstance(value, dict) and set(value) == {"secret"}


def _shown(old: Any, new: Any) -> tuple[Any, Any]:
    """A changed field as a reviewer sees it: a secret side only as `[secret]`, or `[secret changed]`
    where both sides are secrets, whatever the document holds inside them."""
    if _is_secret(old) and _is_secret(new):
        return SECRET_SHOWN, SECRET_CHANGED
    return (SECRET_SHOWN if _is_secret(old) else old), (SECRET_SHOWN if _is_secret(new) else new)


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf value) pairs; lists of named objects are indexed by name, others by position;
    a secret is one leaf."""
    if _is_secret(value):
        yield prefix, value
    elif isinstance(value, dict) and value:
        for key in sorted(value):
            yield from flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        keyed = _keyed(value)
        for index, item in enumerate(value):
            label = item["name"] if keyed else str(index)
            yield from flatten(item, f"{prefix}[{label}]")
    else:
        yield prefix, value


def _is_key(resource_type: str, path: str) -> bool:
    if path in _ALWAYS_KEY:
        return True
    patterns = KEY_FIELDS.get(resource_type, ())
    # `[name]` segments match `[*]` in the patterns.
    generic = _generic_path(path)
    # In fnmatch `[*]` is a character class; `[[]*[]]` matches a literal `[...]` segment.
    return any(fnmatch.fnmatchcase(generic, pattern.replace("[*]", "[[]*[]]")) for pattern in patterns)


def _generic_path(path: str) -> str:
    out, depth = [], 0
    for char in path:
        if char == "[":
            depth += 1
            if depth == 1:
                out.append("[*]")
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def parent_of(resource: Mapping[str, Any]) -> str | None:
    """The parent as `<type chain>::<name>`, without the stack and project (which differ between two
    stacks); "stack" for the stack itself. The mock monitor keeps the stack's type in chains: dropped."""
    parent = resource.get("parent")
    if not parent:
        return None
    urn = parse_urn(str(parent))
    if urn is None:
        return str(parent)
    chain = "$".join(kind for kind in urn.types if kind != STACK_TYPE)
    return f"{chain}::{urn.name}" if chain else "stack"


def _fields(resource: Mapping[str, Any]) -> dict[str, Any]:
    if not resource:
        return {}
    flat = dict(flatten(resource.get("inputs", {})))
    flat |= {f"options.{option}": resource.get(option) for option in _OPTIONS if option in resource}
    flat["options.parent"] = parent_of(resource)
    return flat


def _field_changes(resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    before, after = _fields(old), _fields(new)
    changes = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            old_value, new_value = _shown(before.get(path), after.get(path))
            changes.append(FieldChange(path, old_value, new_value, _is_key(resource_type, path)))
    return changes


def _by_identity(resources: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], Mapping[str, Any]]:
    identified: dict[tuple[str, str], Mapping[str, Any]] = {}
    for resource in resources:
        identity = (str(resource["type"]), str(resource["name"]))
        if identity in identified:
            raise ValueError(f"{identity[0]} {identity[1]} is declared twice")
        identified[identity] = resource
    return identified


def diff_resources(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> list[ResourceChange]:
    """Added, removed and changed resources, ordered by type and name; unchanged ones are left out."""
    before, after = _by_identity(old), _by_identity(new)
    changes = []
    for identity in sorted(before.keys() | after.keys()):
        resource_type, name = identity
        if identity not in before:
            added = _field_changes(resource_type, {}, after[identity])
            changes.append(ResourceChange(Kind.ADDED, resource_type, name, added))
        elif identity not in after:
            removed = _field_changes(resource_type, before[identity], {})
            changes.append(ResourceChange(Kind.REMOVED, resource_type, name, removed))
        elif fields := _field_changes(resource_type, before[identity], after[identity]):
            changes.append(ResourceChange(Kind.CHANGED, resource_type, name, fields))
    return changes
