"""The seasonal EKS managed node group and its scheduled scale-back."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from freshfoodz_seasonal.naming import SEASONAL_NODE_GROUP_TYPE


@dataclass(frozen=True)
class SeasonalNodeGroupArgs:
    cluster_name: str
    node_role_arn: str
    subnet_ids: tuple[str, ...]
    instance_type: str
    ami_type: str
    nodes: int
    """min = desired = the planned nodes: the plan's capacity is there before the first request."""
    max_nodes: int
    labels: dict[str, str]
    tags: dict[str, str]
    """The season's window, cost estimate and budget, for the policy pack (planning.season_tags)."""
    scale_back_at: str | None
    """UTC `YYYY-MM-DDThh:mm:ssZ` at which the group drops to zero; None when that has passed."""


class SeasonalNodeGroup(pulumi.ComponentResource):
    def __init__(self, name: str, args: SeasonalNodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SEASONAL_NODE_GROUP_TYPE, name, {}, opts)
        group = aws.eks.NodeGroup(
            f"{name}-group",
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
        if args.scale_back_at is not None:
            aws.autoscaling.Schedule(
                f"{name}-scale-back",
                scheduled_action_name=f"{name}-scale-back",
                autoscaling_group_name=group.resources.apply(lambda rs: rs[0].autoscaling_groups[0].name),
                min_size=0,
                max_size=0,
                desired_capacity=0,
                start_time=args.scale_back_at,
                opts=pulumi.ResourceOptions(parent=self),
            )
        else:
            pulumi.log.warn(f"{name}: the scale-back time has passed; no scheduled action is declared", self)
        self.register_outputs({"nodeGroupName": group.node_group_name, "scaleBackAt": args.scale_back_at})
