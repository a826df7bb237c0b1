"""The seasonal node group's rules: it scales back after the season, fits the budget, and runs on time.

They read the season's window, cost estimate and budget from the node group's tags
(freshfoodz_seasonal.declaration.season_tags), which the program sets from the plan and the stack config.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from freshfoodz_seasonal.guardrails.resources import (
    StackResource,
    StackViolation,
    amount,
    name_of,
    tag_date,
    tags_of,
    whole_number,
)
from freshfoodz_seasonal.naming import (
    BUDGET_TAG,
    COST_ESTIMATE_TAG,
    CURRENCY_TAG,
    EKS_NODE_GROUP_TYPE,
    SCALING_SCHEDULE_TYPE,
    SEASON_END_TAG,
    SEASON_KEY,
    SEASON_START_TAG,
    SEASONAL_NODE_GROUP_TYPE,
    parse_urn,
)
from freshfoodz_seasonal.plan.season_plan import BUDGET_MEASURE
from freshfoodz_seasonal.seasons.ownership import BERLIN

# The seasonal capacity may go up from T-30, the playbook's first milestone, and should be gone a
# week after the season at the latest (rollback is due T+1, the scheduled scale-back T+2).
LEAD_DAYS = 30
LATE_DAYS = 7


def _node_group(resource: StackResource) -> str:
    season = tags_of(resource.props).get(SEASON_KEY)
    return f"node group {name_of(resource.urn)}" + (f" (season {season})" if season else "")


def _scales_to_zero(props: Mapping[str, Any]) -> bool:
    return all(whole_number(props.get(key)) == 0 for key in ("minSize", "maxSize", "desiredCapacity"))


def _start_time(props: Mapping[str, Any]) -> dt.datetime | None:
    """The schedule's startTime (UTC, `YYYY-MM-DDThh:mm:ssZ`), or None if it is not such a time."""
    text = props.get("startTime")
    try:
        start = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return start if start.tzinfo is not None else None


def _seasonal_groups(resources: Sequence[StackResource]) -> list[StackResource]:
    """The node groups the season declares: in its component, or tagged with a season. The platform's
    own groups are neither and are left alone."""
    return [
        r
        for r in resources
        if r.type == EKS_NODE_GROUP_TYPE and (SEASON_KEY in tags_of(r.props) or _in_seasonal_component(r.parent))
    ]


def _in_seasonal_component(parent_urn: str | None) -> bool:
    parent = parse_urn(parent_urn or "")
    return parent is not None and parent.type == SEASONAL_NODE_GROUP_TYPE


def scale_back_violations(resources: Sequence[StackResource]) -> list[StackViolation]:
    """Each node group has, beside it in its component, a schedule to 0 that starts after the season's last day.

    The program declares no schedule when the scale-back time has passed (and warns): then this
    fails the update, because seasonal nodes without a scale-back would run, and cost, until removed.
    """
    violations = []
    for group in _seasonal_groups(resources):
        label = _node_group(group)
        last_day, problem = tag_date(tags_of(group.props), SEASON_END_TAG)
        if last_day is None:
            violations.append(
                StackViolation(
                    group.urn,
                    f"{label} {problem}, so its scale-back cannot be checked; declare it with "
                    "freshfoodz_seasonal.declaration.season_tags.node_group_tags",
                )
            )
            continue
        schedules = [r for r in resources if r.type == SCALING_SCHEDULE_TYPE and r.parent == group.parent]
        scale_backs = [s for s in schedules if _scales_to_zero(s.props)]
        if not scale_backs:
            violations.append(
                StackViolation(
                    group.urn,
                    f"{label}: no scheduled action beside it scales it to 0 after the season's last day "
                    f"{last_day}; the program declares none once the scale-back time has passed: the season "
                    "is over, so set phase: baseline and run `pulumi up` (rollback)",
                )
            )
            continue
        starts = [_start_time(s.props) for s in scale_backs]
        if not any(start is not None and start.astimezone(BERLIN).date() > last_day for start in starts):
            shown = ", ".join(str(s.props.get("startTime")) for s in scale_backs)
            violations.append(
                StackViolation(
                    group.urn,
                    f"{label}: its scale-back starts at {shown}, not after the season's last day {last_day} "
                    "(Europe/Berlin); scale back with "
                    "freshfoodz_seasonal.declaration.scale_back.scale_back_at, two days after the season",
                )
            )
    return violations


def budget_violations(resources: Sequence[StackResource]) -> list[StackViolation]:
    """The season's estimated cost stays within the stack's costs.seasonBudget, if one is set."""
    violations = []
    for group in _seasonal_groups(resources):
        tags = tags_of(group.props)
        if BUDGET_TAG not in tags:
            continue  # no budget set: nothing to stay under
        label = _node_group(group)
        budget, estimate = amount(tags.get(BUDGET_TAG)), amount(tags.get(COST_ESTIMATE_TAG))
        currency = tags.get(CURRENCY_TAG, "")
        if budget is None or estimate is None:
            violations.append(
                StackViolation(
                    group.urn,
                    f"{label}: {BUDGET_TAG} {tags.get(BUDGET_TAG)!r} and {COST_ESTIMATE_TAG} "
                    f"{tags.get(COST_ESTIMATE_TAG)!r} must both be amounts; declare the tags with "
                    "freshfoodz_seasonal.declaration.season_tags.node_group_tags",
                )
            )
        elif estimate > budget:
            violations.append(
                StackViolation(
                    group.urn,
                    f"{label}: the season's own cost ({BUDGET_MEASURE}) of {estimate:.2f} {currency} is above its "
                    f"budget {budget:.2f} {currency} by {estimate - budget:.2f}; see `seasonctl plan` for what "
                    "drives it and lower it (nodes.instanceType, targetUtilization, database.maxReadReplicas), "
                    "or raise costs.seasonBudget",
                )
            )
    return violations


def peak_timing_violations(resource_type: str, props: Mapping[str, Any], today: dt.date) -> list[str]:
    """Seasonal nodes exist from T-LEAD_DAYS until LATE_DAYS after the season; outside that they only cost."""
    tags = tags_of(props) if resource_type == EKS_NODE_GROUP_TYPE else {}
    if SEASON_KEY not in tags:
        return []  # not the season's node group (the platform's own have no season tag)
    season = tags.get(SEASON_KEY, "(no season tag)")
    first_day, start_problem = tag_date(tags, SEASON_START_TAG)
    last_day, end_problem = tag_date(tags, SEASON_END_TAG)
    if first_day is None or last_day is None:
        problems = "; ".join(p for p in (start_problem, end_problem) if p)
        return [
            f"seasonal node group of {season}: {problems}; declare it with "
            "freshfoodz_seasonal.declaration.season_tags.node_group_tags"
        ]
    if (first_day - today).days > LEAD_DAYS:
        return [
            f"seasonal node group of {season}: declared {(first_day - today).days} days before the season starts "
            f"on {first_day}; seasonal capacity is due from T-{LEAD_DAYS} "
            f"({first_day - dt.timedelta(days=LEAD_DAYS)}): keep the stack at phase: baseline until then"
        ]
    if (today - last_day).days > LATE_DAYS:
        return [
            f"seasonal node group of {season}: still declared {(today - last_day).days} days after the season "
            f"ended on {last_day}; roll back: set phase: baseline and run `pulumi up`"
        ]
    return []
