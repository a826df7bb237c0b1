"""Server-side-apply patches of the platform's HPAs: the season owns only the fields it sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from freshfoodz_seasonal.naming import APP_SCALING_TYPE, PATCH_FORCE_ANNOTATION

# The season keeps the patched fields after the season: phase baseline re-applies the platform's
# values explicitly rather than giving the fields back.
PATCH_FORCE = {PATCH_FORCE_ANNOTATION: "true"}


@dataclass(frozen=True)
class AppScalingArgs:
    hpa_manifests: tuple[dict[str, Any], ...]
    """Complete autoscaling/v2 HPA objects (manifests.hpa), one per service."""


class AppScaling(pulumi.ComponentResource):
    def __init__(self, name: str, args: AppScalingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(APP_SCALING_TYPE, name, {}, opts)
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
