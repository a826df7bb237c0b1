"""A stack's change between two snapshots: the footprint on each side and the resource changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.review.headline import Footprint, footprint, headline
from freshfoodz_seasonal.review.resource_diff import ResourceChange, diff_resources
from freshfoodz_seasonal.review.snapshot import Snapshot


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


def _renamed(resources: list[dict[str, Any]], old_prefix: str, new_prefix: str) -> list[dict[str, Any]]:
    """Names (the resource's and its parent's) that start with `<old_prefix>-` under `<new_prefix>-`."""
    head = f"{old_prefix}-"

    def rename(name: str) -> str:
        return f"{new_prefix}-{name.removeprefix(head)}" if name.startswith(head) else name

    renamed = []
    for resource in resources:
        parent = str(resource.get("parent") or "")
        if "::" in parent:
            rest, _, parent_name = parent.rpartition("::")
            parent = f"{rest}::{rename(parent_name)}"
        renamed.append({**resource, "name": rename(str(resource["name"])), "parent": parent})
    return renamed


def compare(stack: str, before: Snapshot, after: Snapshot, prefixes: tuple[str, str] | None = None) -> StackDiff:
    """`after` against `before`. Comparing two seasons, `prefixes` (before's, after's resource-name prefix)
    lets their resources be matched: the same part of the program under another season's name."""
    old_resources = before.resources
    if prefixes is not None and prefixes[0] != prefixes[1]:
        old_resources = _renamed(old_resources, *prefixes)
    return StackDiff(
        stack=stack,
        before=before,
        after=after,
        old=footprint(before.resources, before.outputs, before.plan),
        new=footprint(after.resources, after.outputs, after.plan),
        resources=diff_resources(old_resources, after.resources),
    )
