"""`seasonctl warroom drill`: Grafana's test notification through each of the season's contact points, and
each integration's result."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.grafana_http import GrafanaClient, GrafanaUnavailable, credentials_from_environment
from freshfoodz_seasonal.adapters.json_http import CaFileError, CredentialsError
from freshfoodz_seasonal.cli.exits import EXIT_ACT, EXIT_INVALID, EXIT_PROMETHEUS, fail, print_json, warn
from freshfoodz_seasonal.cli.stacks import load_stack
from freshfoodz_seasonal.cli.tables import Section, to_rich
from freshfoodz_seasonal.cli.warroom_stack import war_room_of
from freshfoodz_seasonal.declaration.war_room import war_room_contact_points
from freshfoodz_seasonal.warroom.drill import (
    DrillAnswerError,
    IntegrationResult,
    drill_request,
    held_against_declared,
    read_results,
)


def run_drill(
    stack: str,
    grafana_url: str,
    timeout_s: float,
    ca_file: Path | None,
    insecure: bool,
    output_format: str,
    project_dir: Path,
) -> None:
    loaded = load_stack(stack, project_dir, load_catalog())
    war_room_of(loaded)
    settings = loaded.settings
    try:
        client = GrafanaClient(
            grafana_url,
            credentials_from_environment(os.environ),
            timeout_s,
            None if ca_file is None else str(ca_file),
            verify_tls=not insecure,
        )
    except (ValueError, CredentialsError, CaFileError) as error:
        fail(EXIT_INVALID, [f"--grafana-url: {error}"])
    if client.sends_credentials_in_clear:
        warn(f"{client.base_url} is http://: the credentials travel unencrypted")
    results: list[IntegrationResult] = []
    try:
        for point in war_room_contact_points(settings, settings.season.name):
            held = held_against_declared(point, client.contact_point(point.name))
            results += held.problems
            if held.tested:
                _, answer = client.test_receivers(drill_request(point, settings.season.name, held))
                results += read_results(point, held, answer)
    except GrafanaUnavailable as error:
        fail(EXIT_PROMETHEUS, [str(error)])
    except DrillAnswerError as error:
        fail(EXIT_PROMETHEUS, [f"{client.base_url}: {error}; is this Grafana's alerting API?"])
    _show(loaded.name, results, output_format)
    failed = [result for result in results if not result.ok]
    if failed:
        fail(
            EXIT_ACT,
            [f"{len(failed)} of {len(results)} integrations failed the drill; fix them before the season's peak"],
        )


def _show(stack: str, results: list[IntegrationResult], output_format: str) -> None:
    if output_format == "json":
        print_json({"stack": stack, "integrations": [_as_dict(result) for result in results]})
        return
    # One table per contact point: its name beside the receivers' would not fit 80 columns.
    points = list(dict.fromkeys((r.severity, r.contact_point) for r in results))
    note = "each got Grafana's test notification, named as a drill; errors show URLs cut to their host"
    sections = [
        Section(
            f"{severity}: contact point {point}",
            ["receiver", "kind", "result", "error"],
            [
                [r.receiver, r.kind, "ok" if r.ok else "failed", r.error or ""]
                for r in results
                if (r.severity, r.contact_point) == (severity, point)
            ],
            [note] if number == len(points) else [],
            apart=["error"],
            key=["receiver", "kind"],
        )
        for number, (severity, point) in enumerate(points, start=1)
    ]
    Console(highlight=False).print(to_rich(f"{stack}: war-room drill", sections), crop=False)


def _as_dict(result: IntegrationResult) -> dict[str, Any]:
    return {
        "contact_point": result.contact_point,
        "severity": result.severity,
        "receiver": result.receiver,
        "kind": result.kind,
        "ok": result.ok,
        "error": result.error,
    }
