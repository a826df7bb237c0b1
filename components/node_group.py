"""The seasonal EKS managed node group and its scheduled scale-back."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from freshfoodz_seasonal.declaration.args import SeasonalNodeGroupArgs
from freshfoodz_seasonal.naming import SEASONAL_NODE_GROUP_TYPE, Child, child_name


class SeasonalNodeGroup(pulumi.ComponentResource):
    def __init__(self, name: str, args: SeasonalNodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SEASONAL_NODE_GROUP_TYPE, name, {}, opts)
        self.group = aws.eks.NodeGroup(
            child_name(name, Child.NODE_GROUP),
            cluster_name=args.cluster_name,
            node_role_arn=args.node_role_arn,
            subnet_ids=list(args.subnet_ids),
            instance_types=[args.instance_type],
            ami_type=args.ami_type,
            capacity_type="ON_DEMAND",
            labels=args.labels,
            tags=args.tags,
            scaling_config={"desired_size": args.nodes, "min_size": args.nodes, "max_size": args.max_nodes},
            # cluster-autoscaler moves desiredSize; the season owns only the bounds.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["scalingConfig.desiredSize"]),
        )
        for note in args.notes:
            pulumi.log.warn(f"{name}: {note}", self)
        if args.scale_back_at is not None:
            aws.autoscaling.Schedule(
                child_name(name, Child.SCALE_BACK),
                scheduled_action_name=child_name(name, Child.SCALE_BACK),
                autoscaling_group_name=self.group.resources.apply(_autoscaling_group_name),
                min_size=0,
                max_size=0,
                desired_capacity=0,
                start_time=args.scale_back_at,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"nodeGroupName": self.group.node_group_name, "scaleBackAt": args.scale_back_at})


def _autoscaling_group_name(resources: Sequence[aws.eks.outputs.NodeGroupResource] | None) -> str:
    """EKS gives a managed node group one Auto Scaling group, known once the group exists."""
    groups = (resources[0].autoscaling_groups if resources else None) or []
    name = groups[0].name if groups else None
    if not isinstance(name, str):
        raise ValueError("the node group reports no Auto Scaling group to schedule the scale-back on")
    return name
