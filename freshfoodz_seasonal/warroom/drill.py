"""The war-room drill, pure: Grafana's test request for one of the season's contact points, built from the
integrations Grafana holds for it, and each integration's result read from Grafana's answer.

Grafana fills in an integration's stored secrets when the test names it by uid and leaves them out, so
the drill never handles a secret: a setting Grafana shows as `[REDACTED]` is dropped from the request
(sent back, it would replace the stored secret with that text). What Grafana reports of a failure can
quote the URL it failed to reach, which holds a webhook's credential: errors are shown with every URL cut
to its host and every token-like run of characters replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.declaration.args import WarRoomContactPoint
from freshfoodz_seasonal.visible import without_credentials

REDACTED = "[REDACTED]"
DRILL_ALERT = "WarRoomDrill"
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class IntegrationResult:
    contact_point: str
    severity: str
    kind: str
    receiver: str
    """The stack's receiver this integration belongs to; `?` where Grafana holds one the stack does not."""
    ok: bool
    error: str | None


class DrillAnswerError(ValueError):
    """Grafana's answer is not the shape its API documents."""


def shown_error(text: str) -> str:
    """A failure as Grafana reported it, fit to show: URLs cut to their host, token-like runs replaced."""
    return without_credentials(text, MAX_ERROR_CHARS)


def drill_request(point: WarRoomContactPoint, season: str, held: Held) -> dict[str, Any]:
    """The receivers-test body for `point`, naming each integration Grafana holds by its uid."""
    configs = []
    for integration, kind, _ in held.tested:
        stored = integration.get("settings")
        settings: dict[str, Any] = stored if isinstance(stored, dict) else {}
        configs.append(
            {
                "uid": integration["uid"],
                "name": point.name,
                "type": kind,
                "settings": {key: value for key, value in settings.items() if value != REDACTED},
                "disableResolveMessage": bool(integration.get("disableResolveMessage", False)),
            }
        )
    return {
        "alert": {
            "labels": {"alertname": DRILL_ALERT, "season": season, "severity": point.severity},
            "annotations": {
                "summary": f"War-room drill of season {season}: the {point.severity} route works; acknowledge it."
            },
        },
        "receivers": [{"name": point.name, "grafana_managed_receiver_configs": configs}],
    }


@dataclass(frozen=True)
class Held:
    """A contact point as Grafana holds it, held against what the stack declares."""

    tested: tuple[tuple[dict[str, Any], str, str], ...]
    """(integration, kind, the stack's receiver) for each of Grafana's integrations the stack declares."""
    problems: tuple[IntegrationResult, ...]
    """Failures before any test: an integration the stack declares and Grafana lacks (the season not
    applied yet), or one Grafana holds that the stack does not declare (changed by hand)."""


def held_against_declared(point: WarRoomContactPoint, answer: Any) -> Held:
    """Grafana's integrations of `point` (its answer to a search by name; only those of that very name
    count, whatever else it returned) matched to the stack's receivers, kind by kind in declared order."""
    if not isinstance(answer, list):
        raise DrillAnswerError(f"contact point {point.name}: Grafana's answer is not a list of integrations")
    mine = [item for item in answer if isinstance(item, dict) and item.get("name") == point.name]
    declared: dict[str, list[str]] = {}
    for one in point.integrations:
        declared.setdefault(one.kind, []).append(one.receiver)
    tested: list[tuple[dict[str, Any], str, str]] = []
    problems: list[IntegrationResult] = []
    for integration in mine:
        if not isinstance(integration.get("uid"), str):
            raise DrillAnswerError(f"contact point {point.name}: an integration without a uid in Grafana's answer")
        kind = str(integration.get("type", ""))
        names = declared.get(kind, [])
        if names:
            tested.append((integration, kind, names.pop(0)))
        else:
            problems.append(
                IntegrationResult(
                    point.name, point.severity, kind, "?", False, "held by Grafana but not declared by the stack"
                )
            )
    problems += [
        IntegrationResult(
            point.name,
            point.severity,
            kind,
            receiver,
            False,
            "declared by the stack but not in Grafana: apply the season (pulumi up) first",
        )
        for kind, receivers in declared.items()
        for receiver in receivers
    ]
    return Held(tuple(tested), tuple(problems))


def read_results(point: WarRoomContactPoint, held: Held, answer: Any) -> list[IntegrationResult]:
    """Each tested integration's result in Grafana's answer to `drill_request`; one Grafana did not report
    fails."""
    if not isinstance(answer, dict) or not isinstance(answer.get("receivers"), list):
        raise DrillAnswerError(f"contact point {point.name}: the test's answer has no receivers")
    reported: dict[str, dict[str, Any]] = {}
    for receiver in answer["receivers"]:
        configs = receiver.get("grafana_managed_receiver_configs") if isinstance(receiver, dict) else None
        for config in configs if isinstance(configs, list) else []:
            if isinstance(config, dict) and isinstance(config.get("uid"), str):
                reported[config["uid"]] = config
    results = []
    for integration, kind, receiver in held.tested:
        config = reported.get(integration["uid"])
        if config is None:
            results.append(IntegrationResult(point.name, point.severity, kind, receiver, False, "not in the answer"))
            continue
        ok = config.get("status") == "ok"
        error = None if ok else shown_error(str(config.get("error") or config.get("status") or "failed"))
        results.append(IntegrationResult(point.name, point.severity, kind, receiver, ok, error))
    return results
