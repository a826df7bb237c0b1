"""Server-side-apply patches of the platform's HPAs: the season owns only the fields it sets."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as k8s

from freshfoodz_seasonal.declaration.args import AppScalingArgs
from freshfoodz_seasonal.naming import APP_SCALING_TYPE, child_name


class AppScaling(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        args: AppScalingArgs,
        waits_for: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`waits_for`: what must exist before the new bounds apply (the seasonal nodes the new pods need)."""
        super().__init__(APP_SCALING_TYPE, name, {}, opts)
        for manifest in args.hpa_patches:
            k8s.autoscaling.v2.HorizontalPodAutoscalerPatch(
                child_name(name, manifest["metadata"]["name"]),
                metadata=manifest["metadata"],
                spec=manifest["spec"],
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(waits_for)),
            )
        self.register_outputs(
            {"hpaNames": [m["metadata"]["name"] for m in args.hpa_patches], "hpaCount": len(args.hpa_patches)}
        )
