"""The RDS rules: the adopted primary cannot be lost, classes come from the catalog and apply at once."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from freshfoodz_seasonal.guardrails.resources import ResourceOptions
from freshfoodz_seasonal.naming import RDS_INSTANCE_TYPE


def _identifier(props: Mapping[str, Any]) -> str:
    return str(props.get("identifier") or "(no identifier)")


def is_adopted_primary(props: Mapping[str, Any]) -> bool:
    """The stack declares the platform's primary and the season's read replicas; only replicas replicate."""
    return not props.get("replicateSourceDb")


def primary_protection_violations(resource_type: str, props: Mapping[str, Any], options: ResourceOptions) -> list[str]:
    """The adopted primary holds the platform's data: Pulumi must never delete it, nor let AWS do so.

    Checks what a policy sees: `protect` and `deletionProtection` (and that the latter is not
    ignored, or the declared true is never applied). `retainOnDelete`, which leaves the database in
    AWS when the stack stops declaring it, is not among the options pulumi-policy 1.21 passes a
    policy, so no policy can check it; tests/program/test_program.py asserts it on the declared resource.
    """
    if resource_type != RDS_INSTANCE_TYPE or not is_adopted_primary(props):
        return []
    database = f"RDS primary {_identifier(props)}"
    problems = []
    if not options["protect"]:
        problems.append(
            f"{database}: protect is off; the adopted primary must be declared with "
            "ResourceOptions(protect=True) (components/database.py), so no `pulumi up` or `destroy` can delete it"
        )
    deletion_protection = props.get("deletionProtection")
    if deletion_protection is not True:
        problems.append(
            f"{database}: deletionProtection is {deletion_protection!r}; declare deletion_protection=True, "
            "so AWS refuses to delete the platform's database whatever asks it to"
        )
    if "deletionProtection" in options["ignore_changes"]:
        problems.append(
            f"{database}: deletionProtection is in ignoreChanges, so the declared true is never applied; "
            "remove it from ignore_changes (components/database.py keeps it among the season's inputs)"
        )
    return problems


def catalog_class_violations(resource_type: str, props: Mapping[str, Any], known_classes: Collection[str]) -> list[str]:
    """Every class the stack sets is one the plan can size and price: a class of the catalog."""
    if resource_type != RDS_INSTANCE_TYPE:
        return []
    instance_class = props.get("instanceClass")
    if instance_class in known_classes:
        return []
    close = difflib.get_close_matches(str(instance_class), list(known_classes), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return [
        f"RDS instance {_identifier(props)}: instanceClass {instance_class!r} is not in the catalog{hint}; "
        "set database.instanceClass to a class of capacity/data/aws-rds-classes.csv, or add the class there "
        "with its sources (capacity/data/SOURCES.md) so the plan can size and price it"
    ]


def apply_immediately_violations(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """A class the season sets takes effect in the watched T-14 change window, not the next maintenance window."""
    if resource_type != RDS_INSTANCE_TYPE or props.get("instanceClass") is None:
        return []
    apply_immediately = props.get("applyImmediately")
    if apply_immediately is True:
        return []
    return [
        f"RDS instance {_identifier(props)}: instanceClass {props.get('instanceClass')} is set with "
        f"applyImmediately {apply_immediately!r}, so a class change waits for the next maintenance window; "
        "declare apply_immediately=True (components/database.py)"
    ]
