"""From raw config values to a validated `StackSettings`, or a `ConfigError` naming every problem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from capacity.catalog import Catalog
from freshfoodz_seasonal.config.checks import ValidSections, cross_section_problems
from freshfoodz_seasonal.config.model import Route, SeasonWindow, Service, StackSettings, Worker
from freshfoodz_seasonal.config.problems import ConfigError, Problem, problems_from_validation
from freshfoodz_seasonal.config.secrets import split_secrets, unnamed_secret_problems
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE


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
                Problem(file, f"config.{key}", f"config keys need a namespace; accepted: {CONFIG_NAMESPACE}:{key}")
            )
        elif namespace == CONFIG_NAMESPACE:
            values[bare] = value
    return values, problems


def _adapter(name: str) -> TypeAdapter[Any]:
    """A validator for one top-level field, with its constraints but without its alias."""
    field = StackSettings.model_fields[name]
    section_type: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return TypeAdapter(section_type)


def _validates(adapter: TypeAdapter[Any], value: Any, catalog: Catalog) -> tuple[bool, Any]:
    try:
        return True, adapter.validate_python(value, context={"catalog": catalog})
    except ValidationError:
        return False, None


def _valid_items(key: str, item_type: type[Any], values: Mapping[str, Any], catalog: Catalog) -> list[tuple[int, Any]]:
    raw = values.get(key)
    if not isinstance(raw, list):
        return []
    adapter: TypeAdapter[Any] = TypeAdapter(item_type)
    checked = [(index, _validates(adapter, item, catalog)) for index, item in enumerate(raw)]
    return [(index, item) for index, (ok, item) in checked if ok]


def _raw_names(values: Mapping[str, Any], key: str, name_key: str) -> frozenset[str]:
    raw = values.get(key)
    items = raw if isinstance(raw, list) else []
    return frozenset(i[name_key] for i in items if isinstance(i, dict) and isinstance(i.get(name_key), str))


def _valid_sections(values: Mapping[str, Any], catalog: Catalog) -> ValidSections:
    """Every list item and mapping section that is valid on its own, for the cross-section checks."""
    nodes_ok, nodes = _validates(_adapter("nodes"), values.get("nodes"), catalog)
    platform_ok, platform = _validates(_adapter("platform"), values.get("platform"), catalog)
    controls_ok, controls = _validates(_adapter("peak_controls"), values.get("peakControls"), catalog)
    metrics_ok, metrics = _validates(_adapter("metrics"), values.get("metrics", {}), catalog)
    kpis_ok, kpis = _validates(_adapter("kpis"), values.get("kpis", {}), catalog)
    # The window alone: a bad value elsewhere in the season must not hide the war room's days.
    season = values.get("season")
    raw_window = season.get("window") if isinstance(season, dict) else None
    window_ok, window = _validates(TypeAdapter(SeasonWindow), raw_window, catalog)
    war_room_ok, war_room = _validates(_adapter("war_room"), values.get("warRoom"), catalog)
    return ValidSections(
        routes=_valid_items("routes", Route, values, catalog),
        services=_valid_items("services", Service, values, catalog),
        workers=_valid_items("workers", Worker, values, catalog),
        nodes=nodes if nodes_ok else None,
        platform=platform if platform_ok else None,
        peak_controls=controls if controls_ok else None,
        sample_route=metrics.sample_route if metrics_ok else None,
        kpis=kpis if kpis_ok else None,
        window=window if window_ok else None,
        war_room=war_room if war_room_ok else None,
        route_names=_raw_names(values, "routes", "name"),
        service_names=_raw_names(values, "services", "name"),
        served_names=_raw_names(values, "routes", "service"),
    )


def parse_settings(values: Mapping[str, Any], catalog: Catalog, file: str) -> StackSettings:
    """Validate bare-key config values; raise ConfigError with every problem found.

    Field problems come from the whole model; checks across sections run on every section that
    is valid on its own, so one bad value does not hide a broken reference elsewhere.
    """
    values, secrets, secret_problems = split_secrets(values, file)
    try:
        settings = StackSettings.model_validate(values, context={"catalog": catalog})
    except ValidationError as error:
        problems = secret_problems + problems_from_validation(error, file)
        raise ConfigError(problems + cross_section_problems(_valid_sections(values, catalog), catalog, file)) from None
    sections = ValidSections(
        routes=list(enumerate(settings.routes)),
        services=list(enumerate(settings.services)),
        workers=list(enumerate(settings.workers)),
        nodes=settings.nodes,
        platform=settings.platform,
        peak_controls=settings.peak_controls,
        sample_route=settings.metrics.sample_route,
        kpis=settings.kpis,
        window=settings.season.window,
        war_room=settings.war_room,
        route_names=frozenset(route.name for route in settings.routes),
        service_names=frozenset(service.name for service in settings.services),
        served_names=frozenset(route.service for route in settings.routes),
    )
    problems = [
        *secret_problems,
        *unnamed_secret_problems(settings.war_room, secrets, file),
        *cross_section_problems(sections, catalog, file),
    ]
    if problems:
        raise ConfigError(problems)
    return settings
