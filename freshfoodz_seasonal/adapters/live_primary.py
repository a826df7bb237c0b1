"""The platform's primary as it runs, read by the program through the AWS provider before it registers
anything: its class and its tags (which carry the season that holds it, declaration.owner_marks)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

# The provider's error can be long (a request id, a stack of causes): the first part says what failed.
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class LivePrimary:
    instance_class: str
    tags: dict[str, str]


class PrimaryUnreadable(Exception):
    """The provider could not read the primary (it does not exist, or the credentials may not see it)."""


def read_primary(identifier: str) -> LivePrimary:
    """The primary `identifier` as RDS describes it. Raises PrimaryUnreadable with the provider's words."""
    try:
        found = aws.rds.get_instance(db_instance_identifier=identifier)
    except Exception as error:  # the provider raises whatever its transport raises
        words = " ".join(str(error).split())[:MAX_ERROR_CHARS]
        raise PrimaryUnreadable(
            f"cannot read the primary database {identifier} through the AWS provider: {words}"
        ) from None
    return LivePrimary(found.db_instance_class, dict(found.tags or {}))
