"""How long each kind of change takes and what it disrupts: the model's rows, with a source each.

The rows ship as data (`freshfoodz_seasonal/data/apply-durations.csv`, read by adapters.duration_files); a stack may
replace any row's minutes with its own measurements (`provisioning.durations`). Pure: text in, rows out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum


class ChangeKind(StrEnum):
    """Every kind of change the program makes, as the rows name them."""

    PULUMI_RUN = "pulumi-run"
    KUBERNETES_OBJECT = "kubernetes-object"
    HPA_ACTS_ON_MINIMUM = "hpa-acts-on-minimum"
    PODS_READY = "pods-ready"
    NODE_GROUP_CREATE = "node-group-create"
    NODE_GROUP_DELETE = "node-group-delete"
    AWS_API_OBJECT = "aws-api-object"
    RDS_CLASS_MULTI_AZ = "rds-class-multi-az"
    RDS_CLASS_SINGLE_AZ = "rds-class-single-az"
    RDS_REPLICA_CREATE = "rds-replica-create"
    RDS_REPLICA_CREATE_SINGLE_AZ_SOURCE = "rds-replica-create-single-az-source"
    RDS_REPLICA_DELETE = "rds-replica-delete"
    GRAFANA_OBJECT = "grafana-object"


@dataclass(frozen=True)
class Minutes:
    """A duration as low, typical and high minutes."""

    low: float
    typical: float
    high: float

    def __add__(self, other: Minutes) -> Minutes:
        return Minutes(self.low + other.low, self.typical + other.typical, self.high + other.high)

    def longest(self, other: Minutes) -> Minutes:
        """Of two things that run at once, the longer in each case."""
        return Minutes(max(self.low, other.low), max(self.typical, other.typical), max(self.high, other.high))


NO_TIME = Minutes(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Duration:
    """One row: how long a kind of change takes, what it disrupts (None: nothing), and where that comes from."""

    kind: ChangeKind
    minutes: Minutes
    disruption: str | None
    disruption_seconds: tuple[float, float] | None
    """(low, high) seconds of the disruption; None where no figure is published."""
    basis: str


OWN_MEASUREMENT = "the stack's own measurement (provisioning.durations)"


class DurationDataError(ValueError):
    """The shipped rows are incomplete or malformed: a defect of the package, not of a stack."""


def parse_durations(csv_text: str) -> dict[ChangeKind, Duration]:
    """Every row of the CSV by its kind; DurationDataError if a kind is missing, unknown or malformed."""
    rows: dict[ChangeKind, Duration] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(csv_text)), start=2):
        try:
            kind = ChangeKind(row["change"])
            minutes = Minutes(float(row["low_min"]), float(row["typical_min"]), float(row["high_min"]))
            seconds = row["disruption_s_low"], row["disruption_s_high"]
            rows[kind] = Duration(
                kind,
                minutes,
                row["disruption"] or None,
                (float(seconds[0]), float(seconds[1])) if seconds[0] and seconds[1] else None,
                row["basis"],
            )
        except (KeyError, ValueError) as error:
            raise DurationDataError(f"apply-durations.csv line {line}: {error}") from None
        if not 0 <= minutes.low <= minutes.typical <= minutes.high:
            raise DurationDataError(f"apply-durations.csv line {line}: not 0 <= low <= typical <= high")
    missing = sorted(set(ChangeKind) - set(rows))
    if missing:
        raise DurationDataError(f"apply-durations.csv has no row for {', '.join(missing)}")
    return rows


def with_overrides(
    rows: Mapping[ChangeKind, Duration], overrides: Mapping[ChangeKind, Minutes]
) -> dict[ChangeKind, Duration]:
    """The rows with a stack's own minutes in place of the shipped ones (the disruption stays)."""
    return {
        kind: replace(row, minutes=overrides[kind], basis=OWN_MEASUREMENT) if kind in overrides else row
        for kind, row in rows.items()
    }
