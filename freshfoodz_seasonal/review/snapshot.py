"""One side of a diff: what the program declares for a stack, and the plan behind it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    """`resources` and `outputs` as `seasonctl preview --format json` writes them; `plan` as
    `seasonctl plan --format json` does (None where cost is unknown). An empty snapshot is a stack
    that does not exist on that side."""

    label: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] | None = None

    @classmethod
    def of_documents(cls, label: str, preview: Mapping[str, Any], plan: Mapping[str, Any] | None) -> Snapshot:
        # Through JSON, so both sides compare alike: a document made in this process holds tuples
        # where one read back from another process holds lists.
        preview, plan = json.loads(json.dumps(preview)), json.loads(json.dumps(plan))
        # Another commit's code made these: check their shape before anything reads them.
        resources = preview.get("resources") if isinstance(preview, dict) else None
        outputs = preview.get("outputs") if isinstance(preview, dict) else None
        if not isinstance(resources, list) or not isinstance(outputs, dict):
            raise ValueError(f"{label}: the preview document has no resources list and outputs mapping")
        if not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("type"), str) for r in resources
        ):
            raise ValueError(f"{label}: the preview document has a resource without a name and a type")
        if plan is not None and not isinstance(plan, dict):
            raise ValueError(f"{label}: the plan document is not a mapping")
        return cls(label, resources, outputs, plan)

    @property
    def exists(self) -> bool:
        return bool(self.resources or self.outputs)
