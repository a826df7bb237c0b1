"""What a season costs per hour and over its window, against the platform at baseline.

Prices come from the catalog (Linux on-demand, us-east-1) times a regional factor, or from the
user's overrides; RDS has no offline price list, so its price is an estimate derived from the EC2
type of the same hardware (see data/SOURCES.md). Every line says where its price came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from capacity.catalog import InstanceType, RdsClass

EC2_PRICE_SOURCE = "Karpenter pricing snapshot 2026-07-20, Linux on-demand us-east-1"


@dataclass(frozen=True)
class PriceBook:
    """The user's pricing settings; nothing here is a hidden constant."""

    currency: str
    currency_per_usd: float
    region_price_factor: float
    rds_to_ec2_price_ratio: float
    overrides_usd_per_hour: Mapping[str, float]


@dataclass(frozen=True)
class Price:
    usd_per_hour: float
    source: str
    estimate: bool


@dataclass(frozen=True)
class CostLine:
    item: str
    resource: str
    quantity: int
    unit_per_hour: float
    per_hour: float
    source: str
    estimate: bool


@dataclass(frozen=True)
class CostEstimate:
    currency: str
    currency_per_usd: float
    hours: int
    """The season's window."""
    baseline: tuple[CostLine, ...]
    peak: tuple[CostLine, ...]
    running_hours: int = 0
    """How long the season's own resources run: from their first provisioning to their scale-back."""

    @property
    def baseline_per_hour(self) -> float:
        return sum(line.per_hour for line in self.baseline)

    @property
    def peak_per_hour(self) -> float:
        return sum(line.per_hour for line in self.peak)

    @property
    def baseline_over_window(self) -> float:
        return self.baseline_per_hour * self.hours

    @property
    def peak_over_window(self) -> float:
        return self.peak_per_hour * self.hours

    @property
    def extra_over_window(self) -> float:
        return self.peak_over_window - self.baseline_over_window

    @property
    def extra_per_hour(self) -> float:
        """What the season adds to the platform's own cost each hour it runs."""
        return self.peak_per_hour - self.baseline_per_hour

    @property
    def extra_while_running(self) -> float:
        """The season's own cost: its extra per hour over the hours its resources run. The budget's measure."""
        return self.extra_per_hour * self.running_hours

    @property
    def has_estimates(self) -> bool:
        return any(line.estimate for line in self.baseline + self.peak)


def ec2_price(book: PriceBook, instance: InstanceType) -> Price:
    if instance.name in book.overrides_usd_per_hour:
        return Price(book.overrides_usd_per_hour[instance.name], "your override", estimate=False)
    regional = book.region_price_factor != 1.0
    return Price(
        instance.on_demand_usd_per_hour_us_east_1 * book.region_price_factor,
        EC2_PRICE_SOURCE + (f" x region factor {book.region_price_factor:g}" if regional else ""),
        estimate=regional,
    )


def rds_price(book: PriceBook, rds_class: RdsClass, multi_az: bool) -> Price:
    """Single-AZ price x 2 for Multi-AZ (a standby of the same class); replicas are single-AZ."""
    az_factor = 2.0 if multi_az else 1.0
    az_note = ", x 2 Multi-AZ" if multi_az else ""
    if rds_class.name in book.overrides_usd_per_hour:
        return Price(book.overrides_usd_per_hour[rds_class.name] * az_factor, "your override" + az_note, False)
    return Price(
        rds_class.ec2_on_demand_usd_per_hour_us_east_1
        * book.rds_to_ec2_price_ratio
        * book.region_price_factor
        * az_factor,
        f"{book.rds_to_ec2_price_ratio:g} x EC2 price of the same hardware"
        f" x region factor {book.region_price_factor:g}{az_note}",
        estimate=True,
    )


def cost_line(book: PriceBook, item: str, resource: str, quantity: int, price: Price) -> CostLine:
    unit = price.usd_per_hour * book.currency_per_usd
    source = price.source
    if book.currency != "USD":
        source += f"; {book.currency_per_usd:g} {book.currency}/USD (your rate)"
    return CostLine(item, resource, quantity, unit, unit * quantity, source, price.estimate)
