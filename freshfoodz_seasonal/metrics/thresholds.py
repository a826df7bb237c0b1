"""The business thresholds of the original plan, shared by the alert rules, the war-room panels, the load
test and `track`; a stack may set its own (`kpis`)."""

from __future__ import annotations

from dataclasses import dataclass

# More than 2 % of requests answered with a server error.
ERROR_RATE_THRESHOLD = 0.02
# Fewer than 80 % of sample requests succeed.
SAMPLE_SUCCESS_THRESHOLD = 0.80
# Database connections above 90 % of what the class accepts.
DB_CONNECTION_SHARE = 0.90
# A worker's oldest queued job has waited half its queue SLA: warn while half the SLA is left to act.
QUEUE_SLA_WARNING_SHARE = 0.5


@dataclass(frozen=True)
class BusinessKpis:
    """The season's business KPIs, as the stack's `kpis` sets them (the original plan's by default): the
    sample route's 2xx share, the 5xx share of all requests, and the routes whose p95 is a KPI (against
    their own SLO): the load test's trends, the war room's and `track`'s KPIs."""

    sample_route: str
    p95_routes: tuple[str, ...]
    sample_success: float = SAMPLE_SUCCESS_THRESHOLD
    error_rate: float = ERROR_RATE_THRESHOLD

    def __post_init__(self) -> None:
        for name, share in (("sample_success", self.sample_success), ("error_rate", self.error_rate)):
            if not 0 < share <= 1:
                raise ValueError(f"BusinessKpis.{name} must be a share in (0, 1], got {share}")
        if not self.p95_routes:
            raise ValueError("BusinessKpis.p95_routes names at least one route")
