"""A stack's change between two snapshots: the footprint on each side and the resource changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from review.headline import Footprint, footprint, headline
from review.resource_diff import ResourceChange, diff_resources
from review.snapshot import Snapshot


@dataclass(frozen=True)
class StackDiff:
    stack: str
    before: Snapshot
    after: Snapshot
    old: Footprint
    new: Footprint
    resources: list[ResourceChange]

    @property
    def headline(self) -> str:
        return headline(self.stack, self.old, self.new, len(self.resources))


def _renamed(resources: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    """Resource names carry the stack's name; another stack's resources are compared under this one's."""
    return [{**r, "name": str(r["name"]).replace(old, new)} for r in resources]


def compare(stack: str, before: Snapshot, after: Snapshot, before_stack: str | None = None) -> StackDiff:
    """`after` against `before`; `before_stack` names the other stack when two stacks are compared."""
    old_resources = before.resources
    if before_stack is not None and before_stack != stack:
        old_resources = _renamed(old_resources, before_stack, stack)
    return StackDiff(
        stack=stack,
        before=before,
        after=after,
        old=footprint(before.resources, before.outputs, before.plan),
        new=footprint(after.resources, after.outputs, after.plan),
        resources=diff_resources(old_resources, after.resources),
    )
