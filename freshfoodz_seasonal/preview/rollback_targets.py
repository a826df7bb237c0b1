"""Which declared resources a rollback updates first, and the check that it can never lose the database.

From what the baseline phase declares: the platform's Kubernetes objects (HPAs, the PriorityClass)
are updated in one step, the adopted primary database in the next, each by its engine URN. The
adopted resources (the ones the program imports) must be protected and retained on delete, or the
final full update could delete them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from freshfoodz_seasonal.preview.capture import CapturedResource
from freshfoodz_seasonal.preview.urns import engine_urns


@dataclass(frozen=True)
class BaselineTargets:
    """The URNs step 2 and step 3 update: what the baseline phase declares, split by kind."""

    kubernetes: Sequence[str]
    database: Sequence[str]


class UnprotectedDatabaseError(Exception):
    """The baseline phase adopts no database, or one that is not both protected and retained on delete."""


def baseline_targets(declared: Sequence[CapturedResource], stack: str, project: str) -> BaselineTargets:
    """The Kubernetes and the database targets among the resources the baseline phase declares.

    Raises UnprotectedDatabaseError if no resource is adopted, or an adopted one lacks `protect` or
    `retainOnDelete`; ValueError if a resource's parent was not declared.
    """
    adopted = [r for r in declared if r.custom and r.import_id]
    if not adopted or not all(r.protect and r.retain_on_delete for r in adopted):
        raise UnprotectedDatabaseError("the adopted database is not protected and retained in phase baseline")
    urns = engine_urns(declared, stack, project)
    return BaselineTargets(
        kubernetes=[urns[i] for i, r in enumerate(declared) if r.custom and r.type.startswith("kubernetes:")],
        database=[urns[i] for i, r in enumerate(declared) if r.custom and not r.type.startswith("kubernetes:")],
    )
