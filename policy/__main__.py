"""The FreshFoodz seasonal policy pack: `pulumi preview --policy-pack policy --stack weihnachten`.

Thin wiring: each policy hands a resource, or the stack's resources, to a rule in `guardrails` and
reports every message the rule returns. The pulumi policy runner executes this file as __main__,
which serves the pack; imported under another name (the tests), it only defines POLICIES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.guardrails.database import (
    apply_immediately_violations,
    catalog_class_violations,
    primary_protection_violations,
)
from freshfoodz_seasonal.guardrails.resources import ResourceOptions, StackResource, StackViolation
from freshfoodz_seasonal.guardrails.scaling import hpa_cap_violations
from freshfoodz_seasonal.guardrails.season import budget_violations, peak_timing_violations, scale_back_violations
from freshfoodz_seasonal.naming import PROJECT

RDS_CLASSES = frozenset(load_catalog().rds_classes)


def _options(args: ResourceValidationArgs) -> ResourceOptions:
    # pulumi-policy 1.21 shows a policy protect, ignoreChanges, deleteBeforeReplace, aliases,
    # customTimeouts, additionalSecretOutputs and parent: the analyzer protocol's resource options
    # carry neither retainOnDelete nor the import id.
    return {"protect": args.opts.protect, "ignore_changes": list(args.opts.ignore_changes)}


def _resource_policy(
    name: str, description: str, level: EnforcementLevel, rule: Callable[[ResourceValidationArgs], list[str]]
) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule(args):
            report_violation(message, None)

    return ResourceValidationPolicy(name=name, description=description, enforcement_level=level, validate=validate)


def _parent_urn(resource: PolicyResource) -> str | None:
    # The engine resolves `parent` only when the parent is among the stack's resources; the option has the URN.
    return resource.parent.urn if resource.parent is not None else resource.opts.parent


def _stack_policy(
    name: str,
    description: str,
    level: EnforcementLevel,
    rule: Callable[[Sequence[StackResource]], list[StackViolation]],
) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [StackResource(r.resource_type, r.urn, _parent_urn(r), r.props) for r in args.resources]
        for violation in rule(resources):
            report_violation(violation.message, violation.urn)

    return StackValidationPolicy(name=name, description=description, enforcement_level=level, validate=validate)


POLICIES = [
    _resource_policy(
        "primary-database-protected",
        "The adopted primary database is protected and has deletionProtection.",
        EnforcementLevel.MANDATORY,
        lambda args: primary_protection_violations(args.resource_type, args.props, _options(args)),
    ),
    _resource_policy(
        "rds-class-in-catalog",
        "Every RDS class the stack sets is in the capacity catalog.",
        EnforcementLevel.MANDATORY,
        lambda args: catalog_class_violations(args.resource_type, args.props, RDS_CLASSES),
    ),
    _resource_policy(
        "hpa-within-cap",
        "Every HPA has minReplicas <= maxReplicas <= the stack's maxReplicasCap.",
        EnforcementLevel.MANDATORY,
        lambda args: hpa_cap_violations(args.resource_type, args.props),
    ),
    _stack_policy(
        "node-group-scale-back",
        "Every seasonal node group has a scheduled scale-back to 0 after the season's last day.",
        EnforcementLevel.MANDATORY,
        scale_back_violations,
    ),
    _stack_policy(
        "season-within-budget",
        "The season's estimated cost is within the stack's costs.seasonBudget.",
        EnforcementLevel.MANDATORY,
        budget_violations,
    ),
    _resource_policy(
        "rds-class-applied-immediately",
        "An RDS class the season sets is applied immediately, not in the next maintenance window.",
        EnforcementLevel.ADVISORY,
        lambda args: apply_immediately_violations(args.resource_type, args.props),
    ),
    _resource_policy(
        "peak-within-season",
        "Seasonal nodes exist from 30 days before the season until 7 days after it.",
        EnforcementLevel.ADVISORY,
        lambda args: peak_timing_violations(args.resource_type, args.props, dt.date.today()),
    ),
]

if __name__ == "__main__":
    PolicyPack(name=PROJECT, policies=POLICIES)
