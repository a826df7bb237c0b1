"""The season's priority lane and the rate-limit ConfigMap, owned by the season."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True)
class PeakControlsArgs:
    priority_class: dict[str, Any]
    """A scheduling.k8s.io/v1 PriorityClass (manifests.peak_controls)."""
    config_map: dict[str, Any]
    """A v1 ConfigMap with the rate limits and degraded features (manifests.peak_controls)."""


class PeakControls(pulumi.ComponentResource):
    def __init__(self, name: str, args: PeakControlsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("freshfoodz:peak:PeakControls", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        priority = args.priority_class
        k8s.scheduling.v1.PriorityClass(
            f"{name}-priority",
            metadata=priority["metadata"],
            value=priority["value"],
            global_default=priority["globalDefault"],
            preemption_policy=priority["preemptionPolicy"],
            description=priority["description"],
            opts=child,
        )
        config_map = args.config_map
        k8s.core.v1.ConfigMap(f"{name}-limits", metadata=config_map["metadata"], data=config_map["data"], opts=child)
        self.register_outputs(
            {"priorityClassName": priority["metadata"]["name"], "configMapName": config_map["metadata"]["name"]}
        )
