"""kube-state-metrics' HPA series and postgres_exporter's connections as OpenMetrics, for the same backfill
as the HTTP traffic.

Each HPA runs at a fixed number of replicas, except during its windows at the maximum; both gauges
(`kube_horizontalpodautoscaler_status_current_replicas`, `..._spec_max_replicas`) carry the labels
`namespace` and `horizontalpodautoscaler` as kube-state-metrics exports them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tests.support.prometheus_data import series_lines

CURRENT = "kube_horizontalpodautoscaler_status_current_replicas"
MAXIMUM = "kube_horizontalpodautoscaler_spec_max_replicas"


@dataclass(frozen=True)
class SyntheticHpa:
    namespace: str
    name: str
    replicas: int
    max_replicas: int
    at_max: Sequence[tuple[float, float]] = ()
    """(start, end) Unix seconds during which it runs at its maximum."""

    def current(self, times: np.ndarray) -> np.ndarray:
        values = np.full(times.shape, float(self.replicas))
        for start, end in self.at_max:
            values[(times >= start) & (times < end)] = self.max_replicas
        return values


@dataclass(frozen=True)
class SyntheticHpas:
    hpas: Sequence[SyntheticHpa]

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]:
        for metric in (CURRENT, MAXIMUM):
            yield f"# TYPE {metric} gauge\n"
            for hpa in self.hpas:
                labels = f'horizontalpodautoscaler="{hpa.name}",namespace="{hpa.namespace}"'
                values = hpa.current(times) if metric == CURRENT else np.full(times.shape, float(hpa.max_replicas))
                yield from series_lines(metric, labels, times, values)


DB_CONNECTIONS = "pg_stat_database_numbackends"


@dataclass(frozen=True)
class SyntheticConnections:
    """postgres_exporter's backends per database: `base` on each, `peak` more on the first during `busy`."""

    databases: Sequence[str]
    base: float
    peak: float
    busy: tuple[float, float]

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]:
        yield f"# TYPE {DB_CONNECTIONS} gauge\n"
        for index, database in enumerate(self.databases):
            values = np.full(times.shape, self.base)
            if index == 0:
                values[(times >= self.busy[0]) & (times < self.busy[1])] += self.peak
            yield from series_lines(DB_CONNECTIONS, f'datname="{database}"', times, values)


DB_CPU = "aws_rds_cpuutilization_average"


@dataclass(frozen=True)
class SyntheticDbCpu:
    """A CloudWatch exporter's CPU percentage per RDS instance: the primary at `base`, at `peak` during `busy`;
    a read replica busier all day (a query that does not select the primary would see it)."""

    primary: str
    replica: str
    base: float
    peak: float
    busy: tuple[float, float]
    replica_percent: float = 95.0

    def openmetrics_lines(self, times: np.ndarray) -> Iterator[str]:
        yield f"# TYPE {DB_CPU} gauge\n"
        primary = np.full(times.shape, self.base)
        primary[(times >= self.busy[0]) & (times < self.busy[1])] = self.peak
        for instance, values in ((self.primary, primary), (self.replica, np.full(times.shape, self.replica_percent))):
            yield from series_lines(DB_CPU, f'dimension_DBInstanceIdentifier="{instance}"', times, values)
