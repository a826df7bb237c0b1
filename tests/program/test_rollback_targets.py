"""Rollback's choice of targets: Kubernetes objects first, then the database, and never an unprotected one."""

from __future__ import annotations

import pytest

from freshfoodz_seasonal.preview.capture import CapturedResource
from freshfoodz_seasonal.preview.rollback_targets import BaselineTargets, UnprotectedDatabaseError, baseline_targets

STACK_URN = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"


def declared(
    kind: str,
    name: str,
    parent: str = STACK_URN,
    custom: bool = True,
    import_id: str = "",
    protect: bool = False,
    retain_on_delete: bool = False,
) -> CapturedResource:
    return CapturedResource(kind, name, parent, custom, {}, protect, retain_on_delete, import_id, ())


def primary(protect: bool = True, retain_on_delete: bool = True) -> CapturedResource:
    return declared(
        "aws:rds/instance:Instance",
        "db-primary",
        "urn:pulumi:s::p::freshfoodz:database:SeasonDatabase::db",
        import_id="freshfoodz-prod",
        protect=protect,
        retain_on_delete=retain_on_delete,
    )


BASELINE_PHASE = [
    declared("freshfoodz:database:SeasonDatabase", "db", custom=False),
    primary(),
    declared("freshfoodz:scaling:AppScaling", "scaling", custom=False),
    declared(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch",
        "scaling-api",
        "urn:pulumi:s::p::freshfoodz:scaling:AppScaling::scaling",
    ),
    declared("kubernetes:scheduling.k8s.io/v1:PriorityClass", "priority-lane"),
]


def test_kubernetes_objects_and_the_database_apart_components_left_out() -> None:
    assert baseline_targets(BASELINE_PHASE, "s", "p") == BaselineTargets(
        kubernetes=[
            "urn:pulumi:s::p::freshfoodz:scaling:AppScaling$kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch"
            "::scaling-api",
            "urn:pulumi:s::p::kubernetes:scheduling.k8s.io/v1:PriorityClass::priority-lane",
        ],
        database=["urn:pulumi:s::p::freshfoodz:database:SeasonDatabase$aws:rds/instance:Instance::db-primary"],
    )


@pytest.mark.parametrize(
    "resources",
    [
        pytest.param([r for r in BASELINE_PHASE if not r.import_id], id="no adopted database"),
        pytest.param([*BASELINE_PHASE[:1], primary(protect=False), *BASELINE_PHASE[2:]], id="not protected"),
        pytest.param([*BASELINE_PHASE[:1], primary(retain_on_delete=False), *BASELINE_PHASE[2:]], id="not retained"),
    ],
)
def test_refuses_unless_the_adopted_database_is_protected_and_retained(resources: list[CapturedResource]) -> None:
    with pytest.raises(UnprotectedDatabaseError, match="not protected and retained in phase baseline"):
        baseline_targets(resources, "s", "p")


def test_a_resource_whose_parent_was_not_declared_is_an_error() -> None:
    with pytest.raises(ValueError, match="was not captured"):
        baseline_targets([primary()], "s", "p")
