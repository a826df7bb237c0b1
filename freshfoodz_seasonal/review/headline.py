"""The numbers a reviewer reads first: pods, nodes, database, cost, before and after a change.

Pure: a `Footprint` is read from one resources document (what the program declares) and one
plan (what it costs); `headline` says in one line what changes between two of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.counted import counted
from freshfoodz_seasonal.naming import EKS_NODE_GROUP_TYPE, HPA_PATCH_TYPE, RDS_INSTANCE_TYPE


@dataclass(frozen=True)
class Footprint:
    """What one stack declares, in the units a reviewer thinks in."""

    phase: str
    min_pods: int
    max_pods: int
    seasonal_nodes: int
    db_class: str | None
    read_replicas: int
    currency: str | None
    cost_per_hour: float | None
    cost_over_season: float | None
    season_hours: float | None
    provisioning_minutes: float | None = None
    """Typical minutes of all provisioning steps; None where the plan has no provisioning (older code)."""
    provisioning_windows: int | None = None
    budget_minutes: int | None = None
    disruptions: tuple[str, ...] = ()
    """Each provisioning disruption as `failover 60-120 s`."""


def _number(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _spec(resource: Mapping[str, Any], *path: str) -> Any:
    value: Any = resource.get("inputs", {})
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def footprint(
    resources: Sequence[Mapping[str, Any]], outputs: Mapping[str, Any], plan: Mapping[str, Any] | None
) -> Footprint:
    """The footprint of a resources document and its plan (None: cost unknown)."""
    hpas = [r for r in resources if r.get("type") == HPA_PATCH_TYPE]
    groups = [r for r in resources if r.get("type") == EKS_NODE_GROUP_TYPE]
    databases = [r for r in resources if r.get("type") == RDS_INSTANCE_TYPE]
    # The adopted primary is the one imported; everything else the season declares is a replica.
    primary = next((r for r in databases if r.get("import_id")), None)
    # Snapshots are JSON, possibly of another commit: the phase is read as the string it was written as.
    phase = str(outputs.get("phase", Phase.PEAK.value))
    cost = (plan or {}).get("cost") or {}
    key = Phase.PEAK.value if phase == Phase.PEAK.value else Phase.BASELINE.value
    return Footprint(
        phase=phase,
        min_pods=sum(_number(_spec(r, "spec", "minReplicas")) for r in hpas),
        max_pods=sum(_number(_spec(r, "spec", "maxReplicas")) for r in hpas),
        seasonal_nodes=sum(_number(_spec(r, "scalingConfig", "minSize")) for r in groups),
        db_class=None if primary is None else _spec(primary, "instanceClass"),
        read_replicas=len(databases) - (primary is not None),
        currency=cost.get("currency"),
        cost_per_hour=cost.get(f"{key}_per_hour"),
        cost_over_season=cost.get(f"{key}_over_window"),
        season_hours=cost.get("hours"),
        **_provisioning((plan or {}).get("provisioning")),
    )


def _provisioning(provisioning: Any) -> dict[str, Any]:
    """The provisioning plan's headline numbers, from `seasonctl plan --format json`'s `provisioning`."""
    if not isinstance(provisioning, dict):
        return {}
    disruptions = []
    for step in provisioning.get("steps", []):
        for item in step.get("disruptions", []):
            low, high = item.get("seconds_low"), item.get("seconds_high")
            disruptions.append(
                f"{item.get('kind')} {low:g}-{high:g} s"
                if low is not None and high is not None
                else str(item.get("kind"))
            )
    return {
        "provisioning_minutes": (provisioning.get("total_minutes") or {}).get("typical"),
        "provisioning_windows": len(provisioning.get("windows", [])),
        "budget_minutes": provisioning.get("budget_minutes"),
        "disruptions": tuple(disruptions),
    }


def _signed(value: float, unit: str, decimals: int = 0) -> str:
    return f"{value:+,.{decimals}f} {unit}".replace("+-", "-")


def changes(old: Footprint, new: Footprint) -> list[str]:
    """Each headline number that differs, as `+12 pods` or `DB a -> b`."""
    parts = []
    if new.phase != old.phase:
        parts.append(f"phase {old.phase} -> {new.phase}")
    if new.min_pods != old.min_pods:
        parts.append(_signed(new.min_pods - old.min_pods, "pods"))
    if new.max_pods != old.max_pods:
        parts.append(_signed(new.max_pods - old.max_pods, "max pods"))
    if new.seasonal_nodes != old.seasonal_nodes:
        parts.append(_signed(new.seasonal_nodes - old.seasonal_nodes, "nodes"))
    if new.db_class != old.db_class:
        parts.append(f"DB {old.db_class or 'none'} -> {new.db_class or 'none'}")
    if new.read_replicas != old.read_replicas:
        parts.append(_signed(new.read_replicas - old.read_replicas, "read replicas"))
    delta = cost_delta(old, new)
    if delta is not None and round(delta[1]) != 0:
        parts.append(f"{_signed(delta[1], new.currency or '')} over the season window")
    return parts + _provisioning_changes(old, new)


def _provisioning_changes(old: Footprint, new: Footprint) -> list[str]:
    """`+1 failover 60-120 s`, and `provisioning 29 -> 51 min typical, over the 30-min budget in one window`."""
    parts = []
    if old.provisioning_minutes is not None and new.provisioning_minutes is not None:
        added, removed = list(new.disruptions), list(old.disruptions)
        for disruption in new.disruptions:
            if disruption in removed:
                removed.remove(disruption)
                added.remove(disruption)
        parts += [f"+1 {disruption}" for disruption in added] + [f"-1 {disruption}" for disruption in removed]
    before, after = old.provisioning_minutes, new.provisioning_minutes
    if before is not None and after is not None and round(before) != round(after):
        budget = new.budget_minutes
        fits = (
            ""
            if budget is None or after <= budget
            else f", over the {budget}-min budget in one window ({new.provisioning_windows} windows)"
        )
        parts.append(f"provisioning {before:.0f} -> {after:.0f} min typical{fits}")
    return parts


def cost_delta(old: Footprint, new: Footprint) -> tuple[float, float] | None:
    """(per hour, over the season) new minus old, in one currency; None when a side has no cost."""
    if None in (old.cost_per_hour, new.cost_per_hour, old.cost_over_season, new.cost_over_season):
        return None
    if old.currency != new.currency:
        return None
    return (new.cost_per_hour or 0.0) - (old.cost_per_hour or 0.0), (new.cost_over_season or 0.0) - (
        old.cost_over_season or 0.0
    )


def headline(stack: str, old: Footprint, new: Footprint, resource_changes: int) -> str:
    parts = changes(old, new)
    if not parts:
        return (
            f"{stack}: {counted(resource_changes, 'resource')} to change, no capacity or cost change"
            if resource_changes
            else f"{stack}: no change"
        )
    return f"{stack}: {', '.join(parts)}"
