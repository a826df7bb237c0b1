"""Every stack file of a project as the season calendar needs it: the stack's name and season rule."""

from __future__ import annotations

from pathlib import Path

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings, stack_name_of
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.naming import STACK_NAME
from freshfoodz_seasonal.seasons.ownership import StackSeason


def stack_name_problem(path: Path) -> str | None:
    """Why the file's stack name is not one Pulumi accepts, or None."""
    name = stack_name_of(path)
    if STACK_NAME.fullmatch(name):
        return None
    return (
        f"{path}: the stack name {name!r} is not one Pulumi accepts; accepted: letters, digits, '-', '_' "
        "and '.', starting with a letter or digit, at most 100 characters"
    )


def stack_season(name: str, settings: StackSettings) -> StackSeason:
    """A stack's season rule and the platform its shared resources are on."""
    window, platform = settings.season.window, settings.platform
    return StackSeason(
        name,
        settings.season.name,
        window.start,
        window.end,
        platform.cluster_name,
        platform.primary_db_identifier,
    )


def project_seasons(project_dir: Path, catalog: Catalog) -> tuple[list[StackSeason], list[str]]:
    """(each valid `Pulumi.<stack>.yaml`'s season, a problem per file that is not a valid stack)."""
    seasons, problems = [], []
    for path in sorted(project_dir.glob("Pulumi.*.yaml")):
        if (problem := stack_name_problem(path)) is not None:
            problems.append(problem)
            continue
        try:
            settings = load_stack_settings(path, catalog)
        except ConfigError as error:
            problems += [str(p) for p in error.problems]
            continue
        seasons.append(stack_season(stack_name_of(path), settings))
    return seasons, problems
