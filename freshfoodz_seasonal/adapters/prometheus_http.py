"""Instant and range queries against Prometheus's HTTP API (`POST /api/v1/query`, `/query_range`): a JSON
API client (adapters.json_http) with Prometheus's credentials, messages and endpoints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freshfoodz_seasonal.adapters.json_http import (
    CaFileError,
    Credentials,
    CredentialsError,
    HttpUnavailable,
    JsonHttpClient,
    Service,
)
from freshfoodz_seasonal.adapters.json_http import check_base_url as _check_base_url
from freshfoodz_seasonal.adapters.json_http import credentials_from_environment as _credentials

__all__ = [
    "CaFileError",
    "Credentials",
    "CredentialsError",
    "PrometheusClient",
    "PrometheusUnavailable",
    "check_base_url",
    "credentials_from_environment",
]

PROMETHEUS = Service(
    name="Prometheus",
    token_variable="PROMETHEUS_BEARER_TOKEN",  # noqa: S106 - the variable's name, not a token
    username_variable="PROMETHEUS_USERNAME",
    password_variable="PROMETHEUS_PASSWORD",  # noqa: S106 - the variable's name, not a password
    example_url="https://HOST:9090",
    not_found="no query API here",
    rejected="Prometheus rejected a query",
)


class PrometheusUnavailable(HttpUnavailable):
    """Prometheus could not be asked or did not answer usefully; the message says why and what to try."""


def credentials_from_environment(environment: Mapping[str, str]) -> Credentials | None:
    return _credentials(environment, PROMETHEUS)


def check_base_url(url: str) -> str:
    return _check_base_url(url, PROMETHEUS)


class PrometheusClient(JsonHttpClient):
    service = PROMETHEUS
    unavailable = PrometheusUnavailable

    def query(self, promql: str, at_s: float) -> Any:
        """The decoded JSON answer of an instant query evaluated at `at_s` (Unix seconds).

        PrometheusUnavailable's message may quote what the server said: never the credentials it may
        echo, never a control character (a terminal escape), never more than a few lines.
        """
        return self._endpoint("query", {"query": promql, "time": f"{at_s:.3f}"})

    def query_range(self, promql: str, start_s: float, end_s: float, step_s: float) -> Any:
        """The decoded JSON answer of a range query (`resultType` matrix), as `query` says."""
        return self._endpoint(
            "query_range", {"query": promql, "start": f"{start_s:.3f}", "end": f"{end_s:.3f}", "step": f"{step_s:g}"}
        )

    def _endpoint(self, endpoint: str, parameters: dict[str, str]) -> Any:
        form = {**parameters, "timeout": f"{self.timeout_s:g}"}
        return self._asked("POST", f"/api/v1/{endpoint}", form=form)[1]
