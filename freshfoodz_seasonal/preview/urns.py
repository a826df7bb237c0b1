"""The URNs the Pulumi engine gives captured resources, e.g. for `pulumi up --target`.

`urn:pulumi:<stack>::<project>::<type chain>::<name>`: the type chain lists the types of the
resource's ancestors and its own, joined by `$`, leaving out the root stack's type. The mock
monitor's parent URNs keep only the parent's own type (and the stack's), so the chain is rebuilt
by walking the captured parents.
"""

from __future__ import annotations

from collections.abc import Sequence

from freshfoodz_seasonal.naming import STACK_TYPE, parse_urn
from freshfoodz_seasonal.preview.capture import CapturedResource


def _parent_key(resource: CapturedResource) -> tuple[str, str] | None:
    """(type, name) of the parent the mock URN names; None for the stack itself."""
    parent = parse_urn(resource.parent)
    return None if parent is None or parent.type == STACK_TYPE else (parent.type, parent.name)


def engine_urns(resources: Sequence[CapturedResource], stack: str, project: str) -> dict[int, str]:
    """The engine's URN of each resource, by its index in `resources`."""
    by_key = {(r.type, r.name): r for r in resources}

    def chain(resource: CapturedResource) -> list[str]:
        key = _parent_key(resource)
        if key is None:
            return [resource.type]
        parent = by_key.get(key)
        if parent is None:
            raise ValueError(f"{resource.type} {resource.name}: its parent {key[0]} {key[1]} was not captured")
        return [*chain(parent), resource.type]

    return {
        index: f"urn:pulumi:{stack}::{project}::{'$'.join(chain(resource))}::{resource.name}"
        for index, resource in enumerate(resources)
    }
