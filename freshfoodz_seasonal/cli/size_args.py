"""Range checks for `seasonctl size`, with messages naming the flag, the value and what is accepted."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SizeArguments:
    rps: float
    service_time_ms: float
    service_cv: float
    slots_per_pod: int
    p95_slo_ms: float
    target_utilization: float

    def problems(self) -> list[str]:
        checks = [
            ("--rps", self.rps, self.rps > 0, "a number > 0"),
            ("--service-time-ms", self.service_time_ms, self.service_time_ms > 0, "a number > 0"),
            ("--service-cv", self.service_cv, 0 < self.service_cv <= 10, "a number in (0, 10]"),
            ("--slots-per-pod", self.slots_per_pod, 1 <= self.slots_per_pod <= 100_000, "an integer 1 to 100000"),
            ("--p95-slo-ms", self.p95_slo_ms, self.p95_slo_ms > 0, "a number > 0"),
            ("--target-utilization", self.target_utilization, 0 < self.target_utilization < 1, "a fraction 0 < u < 1"),
        ]
        return [
            f"{flag}: {value!r} is not accepted; accepted: {accepted}"
            for flag, value, ok, accepted in checks
            if not (ok and math.isfinite(value))
        ]
