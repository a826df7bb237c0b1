"""The HPA rule: minReplicas <= maxReplicas <= the stack's maxReplicasCap, which the HPA carries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from freshfoodz_seasonal.guardrails.resources import is_hpa, mapping, whole_number
from freshfoodz_seasonal.naming import MAX_REPLICAS_CAP_ANNOTATION


def hpa_cap_violations(resource_type: str, props: Mapping[str, Any]) -> list[str]:
    """Bounds in order and under the cap, read from the HPA's spec and its cap annotation.

    A policy cannot read the stack's services[]/workers[].maxReplicasCap, so manifests.hpa puts it on the HPA
    as an annotation; an HPA without it cannot be checked, which is a violation too.
    """
    if not is_hpa(resource_type):
        return []
    metadata = mapping(props.get("metadata"))
    spec = mapping(props.get("spec"))
    hpa = f"HPA {metadata.get('namespace')}/{metadata.get('name')}"
    low, high = whole_number(spec.get("minReplicas")), whole_number(spec.get("maxReplicas"))
    cap_text = mapping(metadata.get("annotations")).get(MAX_REPLICAS_CAP_ANNOTATION)
    cap = int(cap_text) if isinstance(cap_text, str) and re.fullmatch(r"[0-9]{1,9}", cap_text) else None
    problems = []
    if low is None or high is None:
        problems.append(
            f"{hpa}: spec.minReplicas {spec.get('minReplicas')!r} and spec.maxReplicas "
            f"{spec.get('maxReplicas')!r} must both be whole numbers; declare the HPA from "
            "freshfoodz_seasonal.content.manifests.hpa.hpa_manifest"
        )
    elif low > high:
        problems.append(
            f"{hpa}: minReplicas {low} is above maxReplicas {high}; an HPA needs minReplicas <= maxReplicas: "
            "check the service's or worker's baselineReplicas, minReplicas, baselineMaxReplicas and maxReplicasCap"
        )
    if cap_text is None:
        problems.append(
            f"{hpa}: no {MAX_REPLICAS_CAP_ANNOTATION} annotation, so maxReplicas cannot be checked against "
            "the stack's services[]/workers[].maxReplicasCap; declare the HPA from "
            "freshfoodz_seasonal.content.manifests.hpa.hpa_manifest, which sets it"
        )
    elif cap is None or cap < 1:
        problems.append(
            f"{hpa}: annotation {MAX_REPLICAS_CAP_ANNOTATION} is {cap_text!r}, not a whole number of at least 1; "
            "it must carry the stack's services[]/workers[].maxReplicasCap"
        )
    elif high is not None and high > cap:
        problems.append(
            f"{hpa}: maxReplicas {high} is above the stack's cap {cap} (services[]/workers[].maxReplicasCap); "
            "lower baselineMaxReplicas or hpaHeadroom, or raise maxReplicasCap if nodes and database carry it"
        )
    return problems
