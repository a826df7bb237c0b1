"""The season's priority lane and the rate-limit ConfigMap, owned by the season."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from freshfoodz_seasonal.declaration.args import PeakControlsArgs
from freshfoodz_seasonal.naming import PEAK_CONTROLS_TYPE, Child, child_name


class PeakControls(pulumi.ComponentResource):
    def __init__(self, name: str, args: PeakControlsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(PEAK_CONTROLS_TYPE, name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        priority = args.priority_class
        # A patch (server-side apply) creates the class if it is missing and never deletes it.
        k8s.scheduling.v1.PriorityClassPatch(
            child_name(name, Child.PRIORITY),
            metadata=priority["metadata"],
            value=priority["value"],
            global_default=priority["globalDefault"],
            preemption_policy=priority["preemptionPolicy"],
            description=priority["description"],
            opts=child,
        )
        config_map = args.config_map
        if config_map is not None:
            k8s.core.v1.ConfigMap(
                child_name(name, Child.LIMITS), metadata=config_map["metadata"], data=config_map["data"], opts=child
            )
        for manifest in args.load_test:
            metadata = manifest["metadata"]
            if manifest["kind"] == "ConfigMap":
                k8s.core.v1.ConfigMap(
                    child_name(name, Child.LOAD_TEST_SCRIPT), metadata=metadata, data=manifest["data"], opts=child
                )
            else:
                # A custom resource of the k6-operator's CRD, which the platform installs.
                k8s.apiextensions.CustomResource(
                    child_name(name, Child.LOAD_TEST),
                    api_version=manifest["apiVersion"],
                    kind=manifest["kind"],
                    metadata=metadata,
                    spec=manifest["spec"],
                    opts=child,
                )
        self.register_outputs(
            {
                "priorityClassName": priority["metadata"]["name"],
                "configMapName": config_map["metadata"]["name"] if config_map else None,
            }
        )
