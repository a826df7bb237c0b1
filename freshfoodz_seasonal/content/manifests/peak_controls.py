"""Peak controls as Kubernetes objects: a PriorityClass for the priority lane, and a ConfigMap the
application reads for per-route rate limits and the features to switch off."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.naming import MANAGED_BY_LABEL, PRIORITY_CLASS_NAME, PROJECT, SEASON_KEY

MANAGED_BY = {MANAGED_BY_LABEL: PROJECT}


@dataclass(frozen=True)
class RouteLimit:
    route: str
    method: str
    path: str
    limit_rps: int


def priority_class_manifest(value: int, services: list[str], organization: str | None) -> dict[str, Any]:
    """Pods that reference it schedule first and may preempt lower-priority pods when nodes are full."""
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": PRIORITY_CLASS_NAME, "labels": MANAGED_BY},
        "value": value,
        "globalDefault": False,
        "preemptionPolicy": "PreemptLowerPriority",
        "description": f"{organization + ' ' if organization else ''}priority lane, for "
        f"{', '.join(services) or 'no services'}",
    }


def peak_controls_config_map(
    name: str, namespace: str, season: str, limits: list[RouteLimit], degraded_features: list[str]
) -> dict[str, Any]:
    """ConfigMap data are strings: the limits as JSON (stable order), the features one per line."""
    limits_json = json.dumps(
        [{"route": x.route, "method": x.method, "path": x.path, "limitRps": x.limit_rps} for x in limits],
        indent=2,
    )
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {**MANAGED_BY, SEASON_KEY: season}},
        "data": {
            "season": season,
            "rate-limits.json": limits_json + "\n",
            "degraded-features": "".join(f"{feature}\n" for feature in degraded_features),
        },
    }
