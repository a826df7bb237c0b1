"""The policy pack: each policy through pulumi-policy's own objects, the pure rules, and every shipped stack.

The pack's policies are loaded from policy/__main__.py under another module name, so the pack is
defined but not served. Properties go through pulumi-policy's unknown-checking proxy, as the
runner hands them to a policy; numbers are floats, as on Pulumi's wire.
"""

from __future__ import annotations

import datetime as dt
import runpy
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE, UnknownValueError, unknown_checking_proxy

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.parse import parse_settings, project_values
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.guardrails.database import apply_immediately_violations, catalog_class_violations
from freshfoodz_seasonal.guardrails.resources import StackResource
from freshfoodz_seasonal.guardrails.scaling import hpa_cap_violations
from freshfoodz_seasonal.guardrails.season import budget_violations, peak_timing_violations, scale_back_violations
from freshfoodz_seasonal.naming import (
    EKS_NODE_GROUP_TYPE,
    MAX_REPLICAS_CAP_ANNOTATION,
    PROJECT,
    SCALING_SCHEDULE_TYPE,
    SEASONAL_NODE_GROUP_TYPE,
)
from freshfoodz_seasonal.preview.capture import Capture, CapturedResource, run_program, stack_config
from tests.support.project import FROZEN, ROOT, SHIPPED_STACKS, frozen_stack, stack_file_config

PACK = runpy.run_path(str(ROOT / "policy" / "__main__.py"), run_name="freshfoodz_policy_pack")
POLICIES: dict[str, Policy] = {policy.name: policy for policy in PACK["POLICIES"]}

RDS = "aws:rds/instance:Instance"
HPA_PATCH = "kubernetes:autoscaling/v2:HorizontalPodAutoscalerPatch"
NODE_GROUP = EKS_NODE_GROUP_TYPE
SCHEDULE = SCALING_SCHEDULE_TYPE

PRIMARY = {
    "identifier": "freshfoodz-primary",
    "instanceClass": "db.r7g.xlarge",
    "applyImmediately": True,
    "deletionProtection": True,
}
REPLICA = {
    "identifier": "freshfoodz-primary-weihnachten-replica-1",
    "replicateSourceDb": "freshfoodz-primary",
    "instanceClass": "db.r7g.xlarge",
    "applyImmediately": True,
    "tags": {"freshfoodz.de/season": "weihnachten"},
}


def hpa(min_replicas: float, max_replicas: float, cap: str | None = "60") -> dict[str, Any]:
    annotations = {"pulumi.com/patchForce": "true"}
    if cap is not None:
        annotations[MAX_REPLICAS_CAP_ANNOTATION] = cap
    return {
        "metadata": {"name": "freshfoodz-api", "namespace": "freshfoodz", "annotations": annotations},
        "spec": {"minReplicas": min_replicas, "maxReplicas": max_replicas},
    }


def season_tags(start: str = "2026-11-01", end: str = "2026-12-31", **more: str) -> dict[str, str]:
    return {
        "freshfoodz.de/season": "weihnachten",
        "freshfoodz.de/season-start": start,
        "freshfoodz.de/season-end": end,
        "freshfoodz.de/season-cost-estimate": "5143.57",
        "freshfoodz.de/currency": "EUR",
        **more,
    }


def scale_back(start_time: str = "2027-01-02T05:00:00Z", size: float = 0.0) -> dict[str, Any]:
    return {"startTime": start_time, "minSize": size, "maxSize": size, "desiredCapacity": size}


# pulumi-policy's objects, as its runner builds them


def options(protect: bool = False, ignore_changes: tuple[str, ...] = (), parent: str = "") -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, list(ignore_changes), None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def urn(stack: str, qualified_type: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified_type}::{name}"


def check_resource(
    policy_name: str, resource_type: str, props: dict[str, Any], opts: PolicyResourceOptions | None = None
) -> list[str]:
    """The messages one resource policy reports for one resource."""
    policy = POLICIES[policy_name]
    assert isinstance(policy, ResourceValidationPolicy)
    args = ResourceValidationArgs(
        resource_type, unknown_checking_proxy(props), urn("test", resource_type, "r"), "r", opts or options(), None
    )
    found: list[str] = []
    assert policy.validate(args, lambda message, _urn=None: found.append(message)) is None
    return found


def check_stack(policy_name: str, resources: list[PolicyResource]) -> list[tuple[str, str | None]]:
    """(message, urn) of every violation one stack policy reports."""
    policy = POLICIES[policy_name]
    assert isinstance(policy, StackValidationPolicy)
    found: list[tuple[str, str | None]] = []
    assert policy.validate(StackValidationArgs(resources), lambda message, at=None: found.append((message, at))) is None
    return found


def policy_resource(
    resource_type: str, name: str, props: dict[str, Any], parent: PolicyResource | None, opts: PolicyResourceOptions
) -> PolicyResource:
    qualified = resource_type if parent is None else f"{parent.urn.split('::')[2]}${resource_type}"
    return PolicyResource(
        resource_type, unknown_checking_proxy(props), urn("test", qualified, name), name, opts, None, parent, [], {}
    )


def node_stack(group_tags: dict[str, str], *schedules: dict[str, Any]) -> list[PolicyResource]:
    """A SeasonalNodeGroup component with its node group and these schedules, as the stack policies get them."""
    component = policy_resource(SEASONAL_NODE_GROUP_TYPE, "nodes", {}, None, options())
    children = [(NODE_GROUP, "nodes-group", {"tags": group_tags})]
    children += [(SCHEDULE, f"nodes-scale-back-{i}", props) for i, props in enumerate(schedules)]
    return [component] + [
        policy_resource(kind, name, props, component, options(parent=component.urn)) for kind, name, props in children
    ]


def test_the_pack_holds_five_mandatory_and_two_advisory_policies() -> None:
    levels = {name: policy.enforcement_level for name, policy in POLICIES.items()}
    assert levels == {
        "primary-database-protected": EnforcementLevel.MANDATORY,
        "rds-class-in-catalog": EnforcementLevel.MANDATORY,
        "hpa-within-cap": EnforcementLevel.MANDATORY,
        "node-group-scale-back": EnforcementLevel.MANDATORY,
        "season-within-budget": EnforcementLevel.MANDATORY,
        "rds-class-applied-immediately": EnforcementLevel.ADVISORY,
        "peak-within-season": EnforcementLevel.ADVISORY,
    }
    assert isinstance(POLICIES["node-group-scale-back"], StackValidationPolicy)
    assert isinstance(POLICIES["season-within-budget"], StackValidationPolicy)


# 1. The adopted primary is protected


def test_a_protected_primary_and_an_unprotected_replica_pass() -> None:
    assert check_resource("primary-database-protected", RDS, PRIMARY, options(protect=True)) == []
    assert check_resource("primary-database-protected", RDS, REPLICA) == []


def test_an_unprotected_primary_fails() -> None:
    found = check_resource("primary-database-protected", RDS, {**PRIMARY, "deletionProtection": False})
    assert len(found) == 2
    assert "protect is off" in found[0] and "protect=True" in found[0]
    assert "deletionProtection is False" in found[1] and "deletion_protection=True" in found[1]


def test_an_ignored_deletion_protection_fails() -> None:
    found = check_resource(
        "primary-database-protected", RDS, PRIMARY, options(protect=True, ignore_changes=("deletionProtection",))
    )
    assert len(found) == 1 and "ignoreChanges" in found[0]


# 2. Catalog classes only


def test_catalog_classes_pass_and_others_fail_with_a_suggestion() -> None:
    assert check_resource("rds-class-in-catalog", RDS, REPLICA) == []
    (found,) = check_resource("rds-class-in-catalog", RDS, {**PRIMARY, "instanceClass": "db.r7g.xlarg"})
    assert "'db.r7g.xlarg' is not in the catalog" in found and "did you mean db.r7g.xlarge" in found
    assert "capacity/data/aws-rds-classes.csv" in found


def test_the_catalog_rule_takes_the_known_classes(catalog: Catalog) -> None:
    rds_classes = frozenset(catalog.rds_classes)
    props = {**PRIMARY, "instanceClass": "db.x9.huge"}
    assert catalog_class_violations(RDS, props, {"db.x9.huge"}) == []
    assert catalog_class_violations(RDS, props, rds_classes)
    assert catalog_class_violations(HPA_PATCH, props, rds_classes) == []


# 3. HPA bounds within the cap


def test_hpa_bounds_under_the_cap_pass() -> None:
    assert check_resource("hpa-within-cap", HPA_PATCH, hpa(7.0, 11.0)) == []
    assert check_resource("hpa-within-cap", HPA_PATCH, hpa(7.0, 60.0)) == []


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (hpa(7.0, 61.0), "maxReplicas 61 is above the stack's cap 60"),
        (hpa(12.0, 11.0), "minReplicas 12 is above maxReplicas 11"),
        (hpa(7.0, 11.0, cap=None), f"no {MAX_REPLICAS_CAP_ANNOTATION} annotation"),
        (hpa(7.0, 11.0, cap="sixty"), "'sixty', not a whole number"),
        (hpa(7.0, 11.0, cap="0"), "'0', not a whole number of at least 1"),
        (hpa(7.5, 11.0), "must both be whole numbers"),
    ],
)
def test_hpa_bounds_out_of_order_over_the_cap_or_uncapped_fail(props: dict[str, Any], expected: str) -> None:
    (found,) = check_resource("hpa-within-cap", HPA_PATCH, props)
    assert expected in found and "HPA freshfoodz/freshfoodz-api" in found


def test_an_hpa_bound_unknown_in_preview_is_not_judged() -> None:
    # pulumi-policy reports an UnknownValueError as "can't run policy during preview", not as a violation.
    props = hpa(7.0, 11.0)
    props["spec"]["maxReplicas"] = UNKNOWN_NUMBER_VALUE
    with pytest.raises(UnknownValueError):
        check_resource("hpa-within-cap", HPA_PATCH, props)


@pytest.mark.parametrize("version", ["v1", "v2beta2", "v2"])
def test_every_hpa_api_version_is_checked(version: str) -> None:
    found = hpa_cap_violations(f"kubernetes:autoscaling/{version}:HorizontalPodAutoscaler", hpa(3, 80))
    assert len(found) == 1 and "80" in found[0]


def test_the_hpa_rule_ignores_other_resources() -> None:
    assert hpa_cap_violations(RDS, hpa(7, 61)) == []
    assert hpa_cap_violations("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", hpa(7, 61))


# 4. A scale-back after the season


def test_a_node_group_with_its_scale_back_after_the_season_passes() -> None:
    assert check_stack("node-group-scale-back", node_stack(season_tags(), scale_back())) == []


def test_a_node_group_without_a_scale_back_fails_on_the_group() -> None:
    resources = node_stack(season_tags())
    ((message, at),) = check_stack("node-group-scale-back", resources)
    assert at == resources[1].urn
    assert "no scheduled action beside it scales it to 0" in message and "phase: baseline" in message


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        # 2026-12-31T22:30Z is 23:30 on the last day in Berlin: not after it
        (scale_back("2026-12-31T22:30:00Z"), "starts at 2026-12-31T22:30:00Z, not after the season's last day"),
        (scale_back("next year"), "starts at next year, not after"),
        (scale_back(size=2.0), "no scheduled action beside it scales it to 0"),
    ],
)
def test_a_scale_back_too_early_or_not_to_zero_fails(schedule: dict[str, Any], expected: str) -> None:
    ((message, _),) = check_stack("node-group-scale-back", node_stack(season_tags(), schedule))
    assert expected in message


def test_a_schedule_of_another_component_does_not_count() -> None:
    elsewhere = StackResource(SCHEDULE, "urn:schedule", "urn:another-component", scale_back())
    group = StackResource(NODE_GROUP, "urn:group", "urn:nodes", {"tags": season_tags()})
    assert len(scale_back_violations([group, elsewhere])) == 1
    assert scale_back_violations([group, StackResource(SCHEDULE, "urn:schedule", "urn:nodes", scale_back())]) == []


def test_a_node_group_without_its_season_end_fails() -> None:
    tags = season_tags()
    del tags["freshfoodz.de/season-end"]
    ((message, _),) = check_stack("node-group-scale-back", node_stack(tags, scale_back()))
    assert "has no freshfoodz.de/season-end tag" in message


def test_the_platforms_own_node_groups_are_left_alone() -> None:
    platform = StackResource(NODE_GROUP, "urn:platform-group", "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", {})
    assert scale_back_violations([platform]) == []
    assert peak_timing_violations(NODE_GROUP, {"tags": {"team": "platform"}}, dt.date(2026, 6, 1)) == []
    # Inside the season's component a group without tags is still the season's, and fails.
    parent = "urn:pulumi:s::p::freshfoodz:nodes:SeasonalNodeGroup::freshfoodz-weihnachten-nodes"
    (violation,) = scale_back_violations([StackResource(NODE_GROUP, "urn:group", parent, {})])
    assert "has no freshfoodz.de/season-end tag" in violation.message


def test_the_last_day_is_berlins() -> None:
    # 23:30 UTC on 31 December is 00:30 on 1 January in Berlin: after the season's last day.
    late = StackResource(SCHEDULE, "urn:schedule", "urn:nodes", scale_back("2026-12-31T23:30:00Z"))
    group = StackResource(NODE_GROUP, "urn:group", "urn:nodes", {"tags": season_tags()})
    assert scale_back_violations([group, late]) == []
    early = StackResource(SCHEDULE, "urn:schedule", "urn:nodes", scale_back("2026-12-31T22:30:00Z"))
    assert len(scale_back_violations([group, early])) == 1


# 5. The season's cost within the budget


def test_a_cost_within_the_budget_or_without_a_budget_passes() -> None:
    within = season_tags(**{"freshfoodz.de/season-budget": "6000"})
    assert check_stack("season-within-budget", node_stack(within, scale_back())) == []
    assert check_stack("season-within-budget", node_stack(season_tags(), scale_back())) == []
    exactly = season_tags(**{"freshfoodz.de/season-budget": "5143.57"})
    assert check_stack("season-within-budget", node_stack(exactly, scale_back())) == []


def test_a_cost_above_the_budget_fails() -> None:
    resources = node_stack(season_tags(**{"freshfoodz.de/season-budget": "5000"}), scale_back())
    ((message, at),) = check_stack("season-within-budget", resources)
    assert at == resources[1].urn
    assert "5143.57 EUR is above its budget 5000.00 EUR by 143.57" in message and "costs.seasonBudget" in message


def test_a_budget_without_an_estimate_fails() -> None:
    tags = season_tags(**{"freshfoodz.de/season-budget": "6000"})
    tags["freshfoodz.de/season-cost-estimate"] = "NaN"
    group = StackResource(NODE_GROUP, "urn:group", "urn:nodes", {"tags": tags})
    (violation,) = budget_violations([group])
    assert "must both be amounts" in violation.message and violation.urn == "urn:group"


def weihnachten_with_budget(budget: object) -> dict[str, Any]:
    values, _ = project_values(stack_file_config(frozen_stack("weihnachten")), "weihnachten")
    values["costs"] = {**values["costs"], "seasonBudget": budget}
    return values


@pytest.mark.parametrize("budget", [0, -1, "6000", True, float("inf")])
def test_the_budget_is_a_positive_number_in_the_config(budget: object, catalog: Catalog) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(weihnachten_with_budget(budget), catalog, "Pulumi.weihnachten.yaml")
    assert [problem.key for problem in raised.value.problems] == [f"{PROJECT}:costs.seasonBudget"]
    settings = parse_settings(weihnachten_with_budget(6000), catalog, "Pulumi.weihnachten.yaml")
    assert settings.costs.season_budget == 6000.0


# 6. A class applied immediately (advisory)


def test_classes_applied_immediately_pass_and_others_fail() -> None:
    assert check_resource("rds-class-applied-immediately", RDS, REPLICA) == []
    (found,) = check_resource("rds-class-applied-immediately", RDS, {**REPLICA, "applyImmediately": False})
    assert "applyImmediately False" in found and "apply_immediately=True" in found
    assert apply_immediately_violations(RDS, {"identifier": "x"}) == []  # no class, nothing to apply


# 7. The peak within the season (advisory)


def test_seasonal_nodes_within_the_lead_time_and_grace_pass() -> None:
    today = dt.date.today()
    tags = season_tags(str(today + dt.timedelta(days=30)), str(today + dt.timedelta(days=60)))
    assert check_resource("peak-within-season", NODE_GROUP, {"tags": tags}) == []


def test_seasonal_nodes_long_before_the_season_fail() -> None:
    today = dt.date.today()
    tags = season_tags(str(today + dt.timedelta(days=31)), str(today + dt.timedelta(days=60)))
    (found,) = check_resource("peak-within-season", NODE_GROUP, {"tags": tags})
    assert "declared 31 days before the season starts" in found and "phase: baseline" in found


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 10, 2), []),
        (dt.date(2026, 10, 1), ["declared 31 days before the season starts on 2026-11-01"]),
        (dt.date(2027, 1, 7), []),
        (dt.date(2027, 1, 8), ["still declared 8 days after the season ended on 2026-12-31"]),
    ],
)
def test_the_timing_rule_takes_today(today: dt.date, expected: list[str]) -> None:
    found = peak_timing_violations(NODE_GROUP, {"tags": season_tags()}, today)
    assert len(found) == len(expected) and all(e in f for e, f in zip(expected, found, strict=True))


def test_the_timing_rule_names_broken_dates() -> None:
    (found,) = peak_timing_violations(NODE_GROUP, {"tags": season_tags(start="11/01")}, dt.date(2026, 11, 2))
    assert "'11/01', not a YYYY-MM-DD date" in found


# The program and the pack agree: what every shipped stack declares passes every mandatory policy


def captured_urn(resource: CapturedResource, stack: str) -> str:
    """The URN Pulumi gives a resource: its type qualified by its parent's (`pulumi:pulumi:Stack$...`)."""
    return urn(stack, f"{resource.parent.split('::')[2]}${resource.type}", resource.name)


def as_policy_resources(capture: Capture, stack: str) -> list[PolicyResource]:
    """The captured registrations as the runner hands a stack policy the stack, parents linked by URN."""
    resources = [
        PolicyResource(
            declared.type,
            unknown_checking_proxy(declared.inputs),
            captured_urn(declared, stack),
            declared.name,
            options(declared.protect, declared.ignore_changes, declared.parent),
            None,
            None,
            [],
            {},
        )
        for declared in capture.resources
    ]
    by_urn = {resource.urn: resource for resource in resources}
    for resource in resources:
        resource.parent = by_urn.get(resource.opts.parent or "")
    return resources


def violations_of_mandatory_policies(capture: Capture, stack: str) -> list[str]:
    """`policy: message` of every mandatory violation, resource policies run on every resource."""
    resources = as_policy_resources(capture, stack)
    found: list[str] = []
    for policy in POLICIES.values():
        if policy.enforcement_level is not EnforcementLevel.MANDATORY:
            continue

        def report(message: str, _urn: str | None = None, name: str = policy.name) -> None:
            found.append(f"{name}: {message}")

        if isinstance(policy, StackValidationPolicy):
            policy.validate(StackValidationArgs(resources), report)
            continue
        assert isinstance(policy, ResourceValidationPolicy)
        for resource in resources:
            args = ResourceValidationArgs(
                resource.resource_type, resource.props, resource.urn, resource.name, resource.opts, None
            )
            policy.validate(args, report)
    return found


def run(stack: str, phase: str, project: Path = FROZEN) -> Capture:
    """The program of `project` (by default the frozen one) for one of its stacks in `phase`."""
    config = stack_file_config(project / f"Pulumi.{stack}.yaml")
    config[f"{PROJECT}:phase"] = phase
    return run_program(project / "__main__.py", PROJECT, stack, stack_config(config))


@pytest.mark.parametrize("phase", ["peak", "baseline"])
@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_stack_passes_every_mandatory_policy(stack: str, phase: str) -> None:
    capture = run(stack, phase, ROOT)
    # the URNs rebuilt here are the ones the program's resources name as their parents
    children = [r for r in as_policy_resources(capture, stack) if "::pulumi:pulumi:Stack::" not in str(r.opts.parent)]
    assert children and all(r.parent is not None for r in children)
    assert violations_of_mandatory_policies(capture, stack) == []
    kinds = {r.type for r in capture.resources}
    assert {RDS, HPA_PATCH} <= kinds
    assert (NODE_GROUP in kinds) == (phase == "peak")
    # what no policy can see, the program declares too
    (primary,) = [r for r in capture.resources if r.type == RDS and not r.inputs.get("replicateSourceDb")]
    assert primary.retain_on_delete and primary.import_id


def test_the_node_group_carries_window_cost_and_budget() -> None:
    capture = run("weihnachten", "peak")
    (group,) = [r for r in capture.resources if r.type == NODE_GROUP]
    tags = group.inputs["tags"]
    first, last = dt.date.fromisoformat(tags["freshfoodz.de/season-start"]), tags["freshfoodz.de/season-end"]
    assert (first.month, first.day) == (11, 1) and last == f"{first.year}-12-31"
    assert float(tags["freshfoodz.de/season-cost-estimate"]) == capture.outputs["plan"]["seasonOwnCost"]
    assert tags["freshfoodz.de/currency"] == capture.outputs["plan"]["currency"] == "EUR"
    budget = stack_file_config(frozen_stack("weihnachten"))[f"{PROJECT}:costs"]
    assert float(tags["freshfoodz.de/season-budget"]) == budget["seasonBudget"]


def test_an_over_budget_stack_fails_the_pack() -> None:
    config = stack_file_config(frozen_stack("weihnachten"))
    config[f"{PROJECT}:costs"] = {**config[f"{PROJECT}:costs"], "seasonBudget": 1000}
    capture = run_program(FROZEN / "__main__.py", PROJECT, "weihnachten", stack_config(config))
    (found,) = violations_of_mandatory_policies(capture, "weihnachten")
    assert found.startswith("season-within-budget:") and "above its budget 1000.00 EUR" in found


# The pack as the Pulumi CLI runs it: `python -u -m pulumi.policy ENGINE .` in policy/, serving gRPC


@pytest.fixture(scope="module")
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    pack = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
        cwd=ROOT / "policy",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([pack.stdout], [], [], 60)
        assert ready and pack.stdout is not None, "the pack did not print its port"
        port = int(pack.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        pack.kill()
        pack.communicate()


def wire(props: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(props, struct_pb2.Struct())


def test_the_served_pack_names_its_policies_and_levels(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty())
    on_the_wire = {EnforcementLevel.MANDATORY: analyzer_pb2.MANDATORY, EnforcementLevel.ADVISORY: analyzer_pb2.ADVISORY}
    assert info.name == "freshfoodz-seasonal"
    assert {policy.name: policy.enforcementLevel for policy in info.policies} == {
        name: on_the_wire[policy.enforcement_level] for name, policy in POLICIES.items()
    }


def test_the_served_pack_judges_a_resource_and_the_stack(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    request = analyzer_pb2.AnalyzeRequest(
        type=RDS,
        properties=wire({**PRIMARY, "instanceClass": "db.r7g.xlarg"}),
        urn=urn("test", RDS, "primary"),
        name="primary",
        options=analyzer_pb2.AnalyzerResourceOptions(protect=True),
    )
    found = {(d.policyName, d.enforcementLevel) for d in served_pack.Analyze(request).diagnostics}
    assert found == {("rds-class-in-catalog", analyzer_pb2.MANDATORY)}
    component = urn("test", SEASONAL_NODE_GROUP_TYPE, "nodes")
    group = analyzer_pb2.AnalyzerResource(
        type=NODE_GROUP,
        properties=wire({"tags": season_tags(**{"freshfoodz.de/season-budget": "5000"})}),
        urn=urn("test", f"{SEASONAL_NODE_GROUP_TYPE}${NODE_GROUP}", "nodes-group"),
        name="nodes-group",
        options=analyzer_pb2.AnalyzerResourceOptions(parent=component),
        parent=component,
    )
    diagnostics = served_pack.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[group])).diagnostics
    assert {(d.policyName, d.urn) for d in diagnostics} == {
        ("node-group-scale-back", group.urn),
        ("season-within-budget", group.urn),
    }
