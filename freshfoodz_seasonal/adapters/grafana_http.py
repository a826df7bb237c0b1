"""Grafana's alerting API for the war-room drill: a contact point's integrations by name
(`GET /api/v1/provisioning/contact-points`) and Grafana's test notification through them
(`POST /api/alertmanager/grafana/config/api/v1/receivers/test`); a JSON API client (adapters.json_http)
with Grafana's credentials and messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freshfoodz_seasonal.adapters.json_http import (
    MAX_MESSAGE_CHARS,
    Credentials,
    HttpUnavailable,
    JsonHttpClient,
    Service,
)
from freshfoodz_seasonal.adapters.json_http import credentials_from_environment as _credentials
from freshfoodz_seasonal.visible import without_credentials

GRAFANA = Service(
    name="Grafana",
    token_variable="GRAFANA_TOKEN",  # noqa: S106 - the variable's name, not a token
    username_variable="GRAFANA_USERNAME",
    password_variable="GRAFANA_PASSWORD",  # noqa: S106 - the variable's name, not a password
    example_url="https://HOST:3000",
    not_found="no alerting API here",
    rejected="Grafana rejected the request",
)
CONTACT_POINTS = "/api/v1/provisioning/contact-points"
RECEIVERS_TEST = "/api/alertmanager/grafana/config/api/v1/receivers/test"
# Grafana answers a test whose every integration failed with 400 (invalid) or 408 (timed out), and a mixed
# one with 207: each with the per-integration results, which are the answer.
TEST_RESULT_STATUSES = frozenset({400, 408})


class GrafanaUnavailable(HttpUnavailable):
    """Grafana could not be asked or did not answer usefully; the message says why and what to try."""


def credentials_from_environment(environment: Mapping[str, str]) -> Credentials | None:
    return _credentials(environment, GRAFANA)


class GrafanaClient(JsonHttpClient):
    service = GRAFANA
    unavailable = GrafanaUnavailable

    def shown(self, text: str) -> str:
        """As JsonHttpClient.shown, and more: Grafana's errors quote the integrations' URLs, which hold their
        credentials (a Slack or Teams webhook), so every URL is cut to its host and token-like text replaced."""
        return without_credentials(super().shown(text), MAX_MESSAGE_CHARS)

    def contact_point(self, name: str) -> Any:
        """The integrations of the contact point `name` (a list; empty when there is none), secrets redacted."""
        return self._asked("GET", CONTACT_POINTS, query={"name": name})[1]

    def test_receivers(self, body: Any) -> tuple[int, Any]:
        """Grafana's test notification through the receivers in `body`: the HTTP status and the results."""
        return self._asked("POST", RECEIVERS_TEST, json_body=body, answered=TEST_RESULT_STATUSES)
