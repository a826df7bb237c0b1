"""The platform's primary PostgreSQL, adopted only to set its class, and the season's read replicas."""

from __future__ import annotations

import inspect

import pulumi
import pulumi_aws as aws

from freshfoodz_seasonal.declaration.args import SeasonDatabaseArgs
from freshfoodz_seasonal.naming import SEASON_DATABASE_TYPE, Child, child_name, replica_child

# What the season sets on the platform's primary; every other input stays the platform's.
# Its tags are declared whole (the live ones plus the owner tags), since RDS has no per-tag resource.
SEASON_OWNED = ("identifier", "instance_class", "apply_immediately", "deletion_protection", "tags")


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def platform_owned_inputs() -> list[str]:
    """Every input of aws.rds.Instance except the season's, as ignoreChanges paths.

    Derived from the provider SDK so that a new provider input is ignored too: adoption must not
    write provider defaults over the platform's settings (monitoring, Performance Insights, ...).
    """
    parameters = inspect.signature(aws.rds.InstanceArgs.__init__).parameters
    return sorted(_camel(name) for name in parameters if name not in {"self", "__self__", *SEASON_OWNED})


class SeasonDatabase(pulumi.ComponentResource):
    def __init__(self, name: str, args: SeasonDatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SEASON_DATABASE_TYPE, name, {}, opts)
        primary = aws.rds.Instance(
            child_name(name, Child.PRIMARY),
            identifier=args.identifier,
            instance_class=args.instance_class,
            apply_immediately=args.apply_immediately,
            deletion_protection=args.deletion_protection,
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                import_=args.identifier,
                protect=args.protect,
                retain_on_delete=args.retain_on_delete,
                ignore_changes=platform_owned_inputs(),
            ),
        )
        replicas = [
            aws.rds.Instance(
                child_name(name, replica_child(index)),
                identifier=identifier,
                replicate_source_db=args.identifier,
                instance_class=args.instance_class,
                apply_immediately=args.apply_immediately,
                publicly_accessible=False,
                skip_final_snapshot=True,  # a replica holds no data of its own
                tags=args.replica_tags,
                # RDS refuses a replica of a primary that is not `available`: never while its class changes.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[primary]),
            )
            for index, identifier in enumerate(args.replica_identifiers, start=1)
        ]
        self.register_outputs({"instanceClass": args.instance_class, "readReplicas": len(replicas)})
