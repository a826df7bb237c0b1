"""Instant queries against Prometheus's HTTP API (`POST /api/v1/query`), with the standard library.

Credentials come from the environment and go only into the Authorization header: they are never
part of a message, and a URL with credentials in it is refused. TLS certificates are verified
unless the caller asks otherwise; redirects are refused rather than followed, so credentials
never travel to a host nobody named.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TOKEN_VARIABLE = "PROMETHEUS_BEARER_TOKEN"  # noqa: S105 - the variable's name, not a token
USERNAME_VARIABLE = "PROMETHEUS_USERNAME"
PASSWORD_VARIABLE = "PROMETHEUS_PASSWORD"  # noqa: S105 - the variable's name, not a password
_MAX_ANSWER_BYTES = 256 * 1024 * 1024
_EXCERPT = 300


class PrometheusUnavailable(RuntimeError):
    """Prometheus could not be asked or did not answer usefully; the message says why and what to try."""


@dataclass(frozen=True, repr=False)
class Credentials:
    """The Authorization header's value; repr never shows it."""

    header: str
    kind: str

    def __repr__(self) -> str:
        return f"Credentials(kind={self.kind!r})"


def credentials_from_environment(environment: Mapping[str, str]) -> Credentials | None:
    """A bearer token, or basic auth from a user name and a password; None without either."""
    token = environment.get(TOKEN_VARIABLE, "")
    username, password = environment.get(USERNAME_VARIABLE, ""), environment.get(PASSWORD_VARIABLE, "")
    if token and (username or password):
        raise PrometheusUnavailable(f"set either {TOKEN_VARIABLE} or {USERNAME_VARIABLE}/{PASSWORD_VARIABLE}, not both")
    if token:
        return Credentials(f"Bearer {token}", "bearer token")
    if username or password:
        if not (username and password):
            raise PrometheusUnavailable(f"basic auth needs both {USERNAME_VARIABLE} and {PASSWORD_VARIABLE}")
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return Credentials(f"Basic {pair}", "basic auth")
    return None


def check_base_url(url: str) -> str:
    """`url` without a trailing slash if it is an http(s) URL without credentials; ValueError otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL, e.g. http://prometheus:9090")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"the URL holds credentials; put them in {TOKEN_VARIABLE} or {USERNAME_VARIABLE}/{PASSWORD_VARIABLE}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r}: give the base URL without ?query or #fragment")
    return url.rstrip("/")


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise PrometheusUnavailable(f"{req.full_url} redirects (HTTP {code}) to {newurl}; give that URL instead")


class PrometheusClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials | None = None,
        timeout_s: float = 30.0,
        ca_file: str | None = None,
        verify_tls: bool = True,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._credentials = credentials
        self.timeout_s = timeout_s
        context = ssl.create_default_context(cafile=ca_file)
        if not verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _RefuseRedirects())

    def query(self, promql: str, at_s: float) -> Any:
        """The decoded JSON answer of an instant query evaluated at `at_s` (Unix seconds)."""
        url = f"{self.base_url}/api/v1/query"
        body = urllib.parse.urlencode({"query": promql, "time": f"{at_s:.3f}", "timeout": f"{self.timeout_s:g}"})
        request = urllib.request.Request(url, data=body.encode(), method="POST")  # noqa: S310 - scheme checked
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Accept", "application/json")
        if self._credentials is not None:
            request.add_unredirected_header("Authorization", self._credentials.header)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                raw = response.read(_MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise PrometheusUnavailable(_http_error_message(url, error)) from None
        except urllib.error.URLError as error:
            raise PrometheusUnavailable(_connection_message(url, error.reason, self.timeout_s)) from None
        except TimeoutError:
            raise PrometheusUnavailable(f"{url}: no answer within {self.timeout_s:g} s (--timeout)") from None
        except OSError as error:
            raise PrometheusUnavailable(f"{url}: the connection failed: {error}") from None
        if len(raw) > _MAX_ANSWER_BYTES:
            raise PrometheusUnavailable(f"{url}: the answer is larger than {_MAX_ANSWER_BYTES >> 20} MiB")
        return _decode(url, raw)


def _decode(url: str, raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        excerpt = raw[:_EXCERPT].decode("utf-8", "replace")
        raise PrometheusUnavailable(
            f"{url}: the answer is not JSON; is this Prometheus? It began: {excerpt!r}"
        ) from None


def _http_error_message(url: str, error: urllib.error.HTTPError) -> str:
    code = error.code
    try:
        raw = error.read(64 * 1024)
    except OSError:
        raw = b""
    try:
        answer = json.loads(raw)
        detail = f"{answer.get('errorType', 'error')}: {answer.get('error', '')}"
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        detail = raw[:_EXCERPT].decode("utf-8", "replace").strip() or error.reason
    if code in {401, 403}:
        hint = f"check {TOKEN_VARIABLE} or {USERNAME_VARIABLE}/{PASSWORD_VARIABLE}"
        return f"{url}: HTTP {code}, access denied ({hint})"
    if code == 404:
        return f"{url}: HTTP 404, no query API here; give Prometheus's base URL, e.g. http://prometheus:9090"
    if code in {400, 422}:
        return f"{url}: HTTP {code}, Prometheus rejected a query: {detail}"
    if code == 503 and "timeout" in detail:
        return f"{url}: HTTP 503, the query timed out on the server: {detail}"
    return f"{url}: HTTP {code}: {detail}"


def _connection_message(url: str, reason: object, timeout_s: float) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"{url}: the TLS certificate is not trusted ({reason.verify_message}); give the CA with --ca-file"
    if isinstance(reason, ssl.SSLError):
        return f"{url}: TLS failed: {reason}"
    if isinstance(reason, TimeoutError):
        return f"{url}: no answer within {timeout_s:g} s (--timeout)"
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: connection refused; is Prometheus running there?"
    if isinstance(reason, socket.gaierror):
        return f"{url}: the host name does not resolve ({reason.strerror})"
    return f"{url}: cannot connect: {reason}"
