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
        resources = preview.get("resources")
        outputs = preview.get("outputs")
        if not isinstance(resources, list) or not isinstance(outputs, dict):
            raise ValueError(f"{label}: the preview document has no resources list and outputs mapping")
        return cls(label, resources, outputs, dict(plan) if plan is not None else None)

    @property
    def exists(self) -> bool:
        return bool(self.resources or self.outputs)
