"""The platform's primary PostgreSQL, adopted only to set its class, and the season's read replicas."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# Everything the platform configures on its primary stays the platform's: the season declares the
# class and the two safety settings, and ignores the rest so adoption changes nothing else.
PLATFORM_OWNED = [
    "allocatedStorage",
    "maxAllocatedStorage",
    "engine",
    "engineVersion",
    "username",
    "password",
    "parameterGroupName",
    "optionGroupName",
    "dbSubnetGroupName",
    "vpcSecurityGroupIds",
    "multiAz",
    "storageType",
    "storageEncrypted",
    "kmsKeyId",
    "backupRetentionPeriod",
    "backupWindow",
    "maintenanceWindow",
    "tags",
]


@dataclass(frozen=True)
class SeasonDatabaseArgs:
    identifier: str
    instance_class: str
    read_replicas: int
    season: str


class SeasonDatabase(pulumi.ComponentResource):
    def __init__(self, name: str, args: SeasonDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("freshfoodz:database:SeasonDatabase", name, {}, opts)
        aws.rds.Instance(
            f"{name}-primary",
            identifier=args.identifier,
            instance_class=args.instance_class,
            # T-14 is a watched change window; without this the class waits for the maintenance window.
            apply_immediately=True,
            deletion_protection=True,
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=args.identifier,
                protect=True,
                retain_on_delete=True,
                ignore_changes=PLATFORM_OWNED,
            ),
        )
        replicas = [
            aws.rds.Instance(
                f"{name}-replica-{index}",
                identifier=f"{args.identifier}-{args.season}-replica-{index}",
                replicate_source_db=args.identifier,
                instance_class=args.instance_class,
                apply_immediately=True,
                publicly_accessible=False,
                skip_final_snapshot=True,  # a replica holds no data of its own
                tags={"freshfoodz.de/season": args.season},
                opts=pulumi.ResourceOptions(parent=self),
            )
            for index in range(1, args.read_replicas + 1)
        ]
        self.register_outputs({"instanceClass": args.instance_class, "readReplicas": len(replicas)})
