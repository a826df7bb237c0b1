"""A Prometheus (or what answers in its place) that echoes the request: the credential never shows.

Found by an adversarial review: a bearer token reflected in a 500, 400 or 200 body appeared in
`seasonctl baseline`'s error, and raw terminal escape sequences from an error body reached the terminal.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from freshfoodz_seasonal.adapters.prometheus_http import (
    PrometheusClient,
    PrometheusUnavailable,
    credentials_from_environment,
)
from freshfoodz_seasonal.baseline.measure import instant_vector
from tests.support.stand_in_http import serving

TOKEN = "s3cr3t-bearer-token-0123456789"
PASSWORD = "hunter2-but-longer"


class _Echo(BaseHTTPRequestHandler):
    status = 500

    def do_POST(self) -> None:
        body = f"\x1b[31mdenied\x1b[0m for {self.headers.get('Authorization')}\n\x07".encode()
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    with serving(handler) as url:
        yield url


@pytest.fixture(params=[500, 400, 200])
def echo_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _serve(type("Echo", (_Echo,), {"status": request.param}))


@pytest.mark.parametrize(
    ("environment", "secrets"),
    [
        ({"PROMETHEUS_BEARER_TOKEN": TOKEN}, [TOKEN]),
        (
            {"PROMETHEUS_USERNAME": "ops", "PROMETHEUS_PASSWORD": PASSWORD},
            [PASSWORD, base64.b64encode(f"ops:{PASSWORD}".encode()).decode()],
        ),
    ],
)
def test_an_echoed_credential_and_terminal_escapes_never_show(
    echo_url: str, environment: dict[str, str], secrets: list[str]
) -> None:
    client = PrometheusClient(echo_url, credentials_from_environment(environment), 5.0)
    with pytest.raises(PrometheusUnavailable) as refused:
        client.query("up", 0.0)
    message = str(refused.value)
    assert "[credential]" in message, message
    assert not any(secret in message for secret in secrets), message
    assert "\x1b" not in message and "\x07" not in message and "\n" not in message


class _EchoInAnswer(BaseHTTPRequestHandler):
    """A 200 JSON answer with the header echoed in a label value (and, JSON-style, with `/` escaped)."""

    def do_POST(self) -> None:
        header = self.headers.get("Authorization", "")
        sample = {"metric": {"uri": header, "method": header.replace("/", "\\/")}, "value": [0, "1"]}
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [sample]}}).encode()
        body = body.replace(b"\\\\/", b"\\/")  # what a server writing `\/` sends
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class _PaddedEcho(BaseHTTPRequestHandler):
    """A 500 whose plain-text body echoes the header after `padding` characters: at 150 across the excerpt's
    end (160 characters), where a cut inside a word would show a prefix of the token."""

    padding = 150

    def do_POST(self) -> None:
        body = ("x" * self.padding + f" {self.headers.get('Authorization')} " + "y" * 2000).encode()
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


SLASHED = "abc/def+ghi/" + "k" * 20


def test_a_credential_echoed_inside_a_json_answer_never_reaches_a_table() -> None:
    for url in _serve(_EchoInAnswer):
        client = PrometheusClient(url, credentials_from_environment({"PROMETHEUS_BEARER_TOKEN": SLASHED}), 5.0)
        (sample,) = instant_vector(client.query("up", 0.0))
        # The header as it is, and with JSON's `\/` for `/`: both replaced before decoding.
        assert set(sample.labels.values()) == {"[credential]"}


@pytest.mark.parametrize("padding", [20, 150])
def test_an_echo_at_the_excerpts_end_is_replaced_or_left_out_never_cut(padding: int) -> None:
    handler = type("Echo", (_PaddedEcho,), {"padding": padding})
    for url in _serve(handler):
        client = PrometheusClient(url, credentials_from_environment({"PROMETHEUS_BEARER_TOKEN": TOKEN}), 5.0)
        with pytest.raises(PrometheusUnavailable) as refused:
            client.query("up", 0.0)
        message = str(refused.value)
        assert TOKEN[:2] not in message.split("HTTP 500:", 1)[1] and len(message) <= 300
        # Within the excerpt the token is replaced; across its end, left out whole.
        assert ("[credential]" in message) is (padding == 20)


class _EscapedEcho(BaseHTTPRequestHandler):
    """Echoes the decoded `user:password` in a label value, escaped as Go's JSON encoder writes it
    (`\\u00e4` for ä, `\\u0026` for &): the raw bytes never hold the password as it is."""

    def do_POST(self) -> None:
        pair = base64.b64decode(self.headers.get("Authorization", "Basic ").split(" ", 1)[1]).decode()
        sample = {"metric": {"uri": f"auth was {pair}"}, "value": [0, "1"]}
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [sample]}})
        body = body.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: object) -> None:
        pass


def test_a_credential_the_server_escaped_in_its_json_is_replaced_too() -> None:
    password = "Gänse&Braten<2026>x"
    for url in _serve(_EscapedEcho):
        environment = {"PROMETHEUS_USERNAME": "ops", "PROMETHEUS_PASSWORD": password}
        client = PrometheusClient(url, credentials_from_environment(environment), 5.0)
        (sample,) = instant_vector(client.query("up", 0.0))
        assert sample.labels["uri"] == "auth was [credential]"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9090/?access_token=QSECRET123",
        "http://127.0.0.1:9090/#QSECRET123",
        "http://[::1?access_token=QSECRET123",
    ],
)
def test_a_token_in_the_url_is_never_repeated(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        PrometheusClient(url)
    assert "QSECRET123" not in str(refused.value) and "not shown" in str(refused.value)
