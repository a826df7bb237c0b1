"""The metric and label names the alert rules and the war-room dashboard query; the defaults are what the
exporters ship."""

from __future__ import annotations

from dataclasses import dataclass, fields

from freshfoodz_seasonal.metrics.promql import LABEL_NAME, METRIC_NAME

# The stack's `metrics.rateWindow` and `metrics.sampleRoute` when it sets none; the config model and
# every query builder take their defaults from here.
DEFAULT_RATE_WINDOW = "5m"
DEFAULT_SAMPLE_ROUTE = "sample-request"


@dataclass(frozen=True)
class MetricNames:
    """Where the numbers come from.

    HTTP: the Quarkus Micrometer timer `http.server.requests` with `percentiles-histogram` enabled,
    exported as `<base>_bucket`, `<base>_count` and `<base>_sum`. HPAs: kube-state-metrics. Database
    connections: postgres_exporter's per-database backends, summed over the instance. A pod's CPU:
    cAdvisor's (the kubelet's) per-container counter, joined to its Deployment through
    kube-state-metrics' owner series (pod -> ReplicaSet -> Deployment).

    Only names live here; per-query choices (extra label matchers, the rate window) are parameters of
    the functions that build the queries.
    """

    http_histogram: str = "http_server_requests_seconds"
    uri_label: str = "uri"
    method_label: str = "method"
    status_label: str = "status"
    hpa_current_replicas: str = "kube_horizontalpodautoscaler_status_current_replicas"
    hpa_max_replicas: str = "kube_horizontalpodautoscaler_spec_max_replicas"
    hpa_namespace_label: str = "namespace"
    hpa_name_label: str = "horizontalpodautoscaler"
    db_connections: str = "pg_stat_database_numbackends"
    container_cpu_usage: str = "container_cpu_usage_seconds_total"
    pod_owner: str = "kube_pod_owner"
    replicaset_owner: str = "kube_replicaset_owner"
    # Shared by cAdvisor's and kube-state-metrics' pod series: the joins match on them.
    pod_namespace_label: str = "namespace"
    pod_label: str = "pod"
    container_label: str = "container"
    replicaset_label: str = "replicaset"
    owner_kind_label: str = "owner_kind"
    owner_name_label: str = "owner_name"

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            pattern = LABEL_NAME if field.name.endswith("_label") else METRIC_NAME
            if not isinstance(value, str) or not pattern.fullmatch(value):
                kind = "label" if pattern is LABEL_NAME else "metric"
                raise ValueError(f"MetricNames.{field.name}: {value!r} is not a valid Prometheus {kind} name")
        if self.http_histogram.endswith(("_bucket", "_count", "_sum")):
            raise ValueError(f"MetricNames.http_histogram: give the histogram's base name, not {self.http_histogram!r}")

    @property
    def http_bucket(self) -> str:
        return f"{self.http_histogram}_bucket"

    @property
    def http_count(self) -> str:
        return f"{self.http_histogram}_count"

    @property
    def http_sum(self) -> str:
        return f"{self.http_histogram}_sum"
