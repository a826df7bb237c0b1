"""Reads the catalog CSV files shipped inside the `capacity` package."""

from __future__ import annotations

from functools import cache
from importlib import resources

from capacity.catalog import Catalog, parse_instance_types, parse_rds_classes


@cache
def load_catalog() -> Catalog:
    data = resources.files("capacity") / "data"
    return Catalog(
        instance_types=parse_instance_types((data / "aws-ec2-instances.csv").read_text(encoding="utf-8")),
        rds_classes=parse_rds_classes((data / "aws-rds-classes.csv").read_text(encoding="utf-8")),
    )
