"""The autoscaling/v2 HorizontalPodAutoscaler of a service or worker, at the peak or back at baseline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.naming import MAX_REPLICAS_CAP_ANNOTATION

# Scale up fast: a peak arrives in minutes (a marketing mail, the Wiesn opening), so double the
# pods or add 4, whichever is more, every 15 s, with no stabilisation.
SCALE_UP_PERCENT = 100
SCALE_UP_PODS = 4
SCALE_UP_PERIOD_S = 15
# Scale down slowly: traffic dips between waves; remove at most 10 % a minute, and only after
# 10 minutes of lower recommendations, so the next wave still finds the pods.
SCALE_DOWN_PERCENT = 10
SCALE_DOWN_PERIOD_S = 60
SCALE_DOWN_STABILIZATION_S = 600


@dataclass(frozen=True)
class PodsMetric:
    """A per-pod metric served by the cluster's custom metrics adapter, and its target average per pod."""

    name: str
    average_per_pod: float


@dataclass(frozen=True)
class HpaValues:
    """What one HPA is set to: the planned bounds at the peak, the platform's own at baseline."""

    deployment: str
    namespace: str
    min_replicas: int
    max_replicas: int
    cpu_target_percent: int
    max_replicas_cap: int
    """The workload's maxReplicasCap, which maxReplicas must not exceed."""
    pods_metric: PodsMetric | None = None
    """Scale on this metric instead of CPU."""


def hpa_behavior() -> dict[str, Any]:
    return {
        "scaleUp": {
            "stabilizationWindowSeconds": 0,
            "selectPolicy": "Max",
            "policies": [
                {"type": "Percent", "value": SCALE_UP_PERCENT, "periodSeconds": SCALE_UP_PERIOD_S},
                {"type": "Pods", "value": SCALE_UP_PODS, "periodSeconds": SCALE_UP_PERIOD_S},
            ],
        },
        "scaleDown": {
            "stabilizationWindowSeconds": SCALE_DOWN_STABILIZATION_S,
            "selectPolicy": "Min",
            "policies": [{"type": "Percent", "value": SCALE_DOWN_PERCENT, "periodSeconds": SCALE_DOWN_PERIOD_S}],
        },
    }


def hpa_manifest(values: HpaValues) -> dict[str, Any]:
    """The whole HPA object, so that the patch also validates as a complete autoscaling/v2 HPA.

    The HPA keeps the Deployment's name: the season patches the platform's HPA, it does not add one.
    `metrics` is an atomic list in server-side apply: the season's CPU target replaces the list.
    """
    if not 1 <= values.min_replicas <= values.max_replicas:
        raise ValueError(f"HPA {values.deployment}: need 1 <= minReplicas <= maxReplicas")
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        # No labels: the object is the platform's, the season only sets its scaling fields and the
        # annotation the policy pack checks them against.
        "metadata": {
            "name": values.deployment,
            "namespace": values.namespace,
            "annotations": {MAX_REPLICAS_CAP_ANNOTATION: str(values.max_replicas_cap)},
        },
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": values.deployment},
            "minReplicas": values.min_replicas,
            "maxReplicas": values.max_replicas,
            "metrics": [_metric(values)],
            "behavior": hpa_behavior(),
        },
    }


def _metric(values: HpaValues) -> dict[str, Any]:
    if values.pods_metric is None:
        return {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": values.cpu_target_percent},
            },
        }
    return {
        "type": "Pods",
        "pods": {
            "metric": {"name": values.pods_metric.name},
            "target": {"type": "AverageValue", "averageValue": milli_quantity(values.pods_metric.average_per_pod)},
        },
    }


def milli_quantity(value: float) -> str:
    """A Kubernetes quantity in thousandths (`5500m`), whole numbers without a suffix (`4`)."""
    milli = round(value * 1000)
    if milli <= 0:
        raise ValueError(f"a per-pod target must be positive, got {value}")
    return str(milli // 1000) if milli % 1000 == 0 else f"{milli}m"
