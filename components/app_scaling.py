"""Server-side-apply patches of the platform's HPAs: the season owns only the fields it sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

# Another field manager (the platform's deployment tool) owns these fields outside the season;
# forcing is how the season takes them over. The season keeps them afterwards: phase baseline
# re-applies the platform's values explicitly rather than giving the fields back.
PATCH_FORCE = {"pulumi.com/patchForce": "true"}


@dataclass(frozen=True)
class AppScalingArgs:
    hpa_manifests: tuple[dict[str, Any], ...]
    """Complete autoscaling/v2 HPA objects (manifests.hpa), one per service."""


class AppScaling(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppScalingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("freshfoodz:scaling:AppScaling", name, {}, opts)
        patches = []
        for manifest in args.hpa_manifests:
            metadata = manifest["metadata"]
            patches.append(
                k8s.autoscaling.v2.HorizontalPodAutoscalerPatch(
                    f"{name}-{metadata['name']}",
                    metadata={**metadata, "annotations": {**metadata.get("annotations", {}), **PATCH_FORCE}},
                    spec=manifest["spec"],
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )
        self.hpa_names = [m["metadata"]["name"] for m in args.hpa_manifests]
        self.register_outputs({"hpaNames": self.hpa_names, "hpaCount": len(patches)})
