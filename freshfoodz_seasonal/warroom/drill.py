"""The war-room drill, pure: Grafana's test request for one of the season's contact points, built from the
integrations Grafana holds for it, and each integration's result read from Grafana's answer.

Grafana fills in an integration's stored secrets when the test names it by uid and leaves them out, so
the drill never handles a secret: a setting Grafana shows as `[REDACTED]` is dropped from the request
(sent back, it would replace the stored secret with that text). What Grafana reports of a failure can
quote the URL it failed to reach, which holds a webhook's credential: errors are shown with every URL cut
to its host and every token-like run of characters replaced.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from freshfoodz_seasonal.declaration.args import WarRoomContactPoint
from freshfoodz_seasonal.visible import visible

REDACTED = "[REDACTED]"
DRILL_ALERT = "WarRoomDrill"
# Long runs of token characters: a key, a token or a webhook path, whatever the integration.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{20,}")
_URL = re.compile(r"(https?://[^/\s\"']+)[^\s\"']*")
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
    text = _URL.sub(lambda match: f"{match.group(1)}/...", text)
    return visible(_TOKEN_LIKE.sub("[redacted]", text), MAX_ERROR_CHARS)


def drill_request(point: WarRoomContactPoint, season: str, integrations: Sequence[Any]) -> dict[str, Any]:
    """The receivers-test body for `point`, naming each integration Grafana holds by its uid."""
    configs = []
    for integration in integrations:
        if not isinstance(integration, dict) or not isinstance(integration.get("uid"), str):
            raise DrillAnswerError(f"contact point {point.name}: an integration without a uid in Grafana's answer")
        held = integration.get("settings")
        settings: dict[str, Any] = held if isinstance(held, dict) else {}
        configs.append(
            {
                "uid": integration["uid"],
                "name": point.name,
                "type": str(integration.get("type", "")),
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


def _receivers_by_uid(point: WarRoomContactPoint, integrations: Sequence[Any]) -> dict[str, tuple[str, str]]:
    """Grafana's integrations matched to the stack's receivers, kind by kind in declared order."""
    declared: dict[str, list[str]] = {}
    for integration in point.integrations:
        declared.setdefault(integration.kind, []).append(integration.receiver)
    seen: dict[str, int] = {}
    matched = {}
    for integration in integrations:
        kind = str(integration.get("type", ""))
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        names = declared.get(kind, [])
        matched[str(integration.get("uid"))] = (kind, names[index] if index < len(names) else "?")
    return matched


def read_results(point: WarRoomContactPoint, integrations: Sequence[Any], answer: Any) -> list[IntegrationResult]:
    """Each integration's result in Grafana's answer to `drill_request`; one Grafana did not report fails."""
    if not isinstance(answer, dict) or not isinstance(answer.get("receivers"), list):
        raise DrillAnswerError(f"contact point {point.name}: the test's answer has no receivers")
    reported: dict[str, dict[str, Any]] = {}
    for receiver in answer["receivers"]:
        configs = receiver.get("grafana_managed_receiver_configs") if isinstance(receiver, dict) else None
        for config in configs if isinstance(configs, list) else []:
            if isinstance(config, dict) and isinstance(config.get("uid"), str):
                reported[config["uid"]] = config
    results = []
    for uid, (kind, receiver) in _receivers_by_uid(point, integrations).items():
        config = reported.get(uid)
        if config is None:
            results.append(IntegrationResult(point.name, point.severity, kind, receiver, False, "not in the answer"))
            continue
        ok = config.get("status") == "ok"
        error = None if ok else shown_error(str(config.get("error") or config.get("status") or "failed"))
        results.append(IntegrationResult(point.name, point.severity, kind, receiver, ok, error))
    return results


def missing_integrations(point: WarRoomContactPoint, integrations: Sequence[Any]) -> list[IntegrationResult]:
    """What the stack declares for `point` and Grafana does not hold (an update not applied yet): failures."""
    held: dict[str, int] = {}
    for integration in integrations:
        kind = str(integration.get("type", "")) if isinstance(integration, dict) else ""
        held[kind] = held.get(kind, 0) + 1
    missing = []
    for integration in point.integrations:
        if held.get(integration.kind, 0) > 0:
            held[integration.kind] -= 1
            continue
        missing.append(
            IntegrationResult(
                point.name,
                point.severity,
                integration.kind,
                integration.receiver,
                False,
                "declared by the stack but not in Grafana: apply the season (pulumi up) first",
            )
        )
    return missing
