"""From raw config values to a validated `StackSettings`, or a `ConfigError` naming every problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from capacity.catalog import Catalog
from stackconfig.checks import cross_section_problems
from stackconfig.model import NAMESPACE, StackSettings
from stackconfig.problems import ConfigError, Problem, problems_from_validation


def project_values(config: Mapping[str, Any], file: str) -> tuple[dict[str, Any], list[Problem]]:
    """This project's keys of a stack file's `config:` mapping, without their namespace.

    Other namespaces (`aws:region`, `kubernetes:context`) belong to providers and are left alone.
    """
    values: dict[str, Any] = {}
    problems = []
    for key, value in config.items():
        namespace, separator, bare = str(key).partition(":")
        if not separator:
            problems.append(
                Problem(file, f"config.{key}", f"config keys need a namespace; accepted: {NAMESPACE}:{key}")
            )
        elif namespace == NAMESPACE:
            values[bare] = value
    return values, problems


def parse_settings(values: Mapping[str, Any], catalog: Catalog, file: str) -> StackSettings:
    """Validate bare-key config values; raise ConfigError with every problem found."""
    try:
        settings = StackSettings.model_validate(dict(values), context={"catalog": catalog})
    except ValidationError as error:
        raise ConfigError(problems_from_validation(error, file)) from None
    problems = cross_section_problems(settings, catalog, file)
    if problems:
        raise ConfigError(problems)
    return settings
