"""The war-room drill against a stand-in Grafana on 127.0.0.1 that holds the season's contact points, checks
each request's shape as Grafana's API documents it, and can fail one integration, be slow, or refuse."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.support.cli_runner import invoke
from tests.support.project import FROZEN
from tests.support.stand_in_http import serving

TOKEN = "glsa_drill-token-0123456789abcdef"
SLACK_URL = "https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX"
SEASON = "weihnachten"


def integrations(severity: str) -> list[dict[str, Any]]:
    """What Grafana holds for the shipped weihnachten stack's contact points, secrets redacted as it shows them."""
    held = []
    if severity == "critical":
        held.append(
            {
                "uid": "pd-critical",
                "type": "pagerduty",
                "settings": {"integrationKey": "[REDACTED]", "severity": "critical"},
            }
        )
    held.append({"uid": f"slack-{severity}", "type": "slack", "settings": {"url": "[REDACTED]"}})
    held.append({"uid": f"mail-{severity}", "type": "email", "settings": {"addresses": "war-room@freshfoodz.example"}})
    return [
        {**item, "name": f"freshfoodz-seasonal-{SEASON}-{severity}", "disableResolveMessage": False} for item in held
    ]


@dataclass
class StandIn:
    """How the stand-in answers, and what it was asked."""

    held: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {f"freshfoodz-seasonal-{SEASON}-{s}": integrations(s) for s in ("critical", "warning")}
    )
    fail_uid: str | None = None
    status: int | None = None
    delay_s: float = 0.0
    every_contact_point: bool = False
    """Answer a search by name with every contact point, as a Grafana that ignores ?name= would."""
    requests: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)


@contextmanager
def grafana(state: StandIn) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, document: Any) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _record(self, document: Any) -> bool:
            state.requests.append((self.command, self.path, dict(self.headers), document))
            time.sleep(state.delay_s)
            if state.status is not None:
                self._answer(state.status, {"message": f"refused by the stand-in: {SLACK_URL}"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._record(None):
                return
            parts = urllib.parse.urlsplit(self.path)
            assert parts.path == "/api/v1/provisioning/contact-points", parts.path
            name = urllib.parse.parse_qs(parts.query)["name"][0]
            if state.every_contact_point:
                self._answer(200, [item for held in state.held.values() for item in held])
                return
            self._answer(200, state.held.get(name, []))

        def do_POST(self) -> None:
            document = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not self._record(document):
                return
            assert self.path == "/api/alertmanager/grafana/config/api/v1/receivers/test"
            (receiver,) = document["receivers"]
            results = []
            for config in receiver["grafana_managed_receiver_configs"]:
                failed = config["uid"] == state.fail_uid
                result = {"name": receiver["name"], "uid": config["uid"], "status": "failed" if failed else "ok"}
                if failed:
                    result["error"] = f'failed to send notification: Post "{SLACK_URL}": 404 Not Found'
                results.append(result)
            status = 207 if state.fail_uid and len(results) > 1 else 200
            self._answer(
                status,
                {
                    "alert": document["alert"],
                    "receivers": [{"name": receiver["name"], "grafana_managed_receiver_configs": results}],
                },
            )

        def log_message(self, *_: Any) -> None:
            pass

    with serving(Handler) as url:
        yield url


def drill(url: str, *args: str, env_columns: bool = False) -> Any:
    # A wide terminal where a test reads a table's error cell whole.
    columns = {"COLUMNS": "250"} if env_columns else {}
    return invoke(
        "warroom", "drill", SEASON, "--grafana-url", url, "--project-dir", str(FROZEN), *args,
        env={"GRAFANA_TOKEN": TOKEN, **columns},
    )  # fmt: skip


def test_every_integration_gets_grafanas_test_and_reports_ok() -> None:
    state = StandIn()
    with grafana(state) as url:
        result = drill(url, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["integrations"]
    assert [(r["severity"], r["receiver"], r["kind"], r["ok"]) for r in report] == [
        ("critical", "pager", "pagerduty", True),
        ("critical", "chat", "slack", True),
        ("critical", "chat", "email", True),
        ("warning", "chat", "slack", True),
        ("warning", "chat", "email", True),
    ]
    tests = [request for request in state.requests if request[0] == "POST"]
    assert len(tests) == 2
    for _, _, headers, _ in state.requests:
        assert headers["Authorization"] == f"Bearer {TOKEN}"
    _, _, headers, body = tests[0]
    assert headers["Content-Type"] == "application/json"
    assert body["alert"]["labels"] == {"alertname": "WarRoomDrill", "season": SEASON, "severity": "critical"}
    (receiver,) = body["receivers"]
    assert receiver["name"] == "freshfoodz-seasonal-weihnachten-critical"
    configs = receiver["grafana_managed_receiver_configs"]
    assert [config["uid"] for config in configs] == ["pd-critical", "slack-critical", "mail-critical"]
    # The stored secrets stay Grafana's: a redacted setting is never sent back (it would replace the secret).
    assert "[REDACTED]" not in json.dumps(body) and configs[0]["settings"] == {"severity": "critical"}
    assert TOKEN not in result.output


def test_a_failing_integration_exits_7_and_never_shows_its_url() -> None:
    state = StandIn(fail_uid="slack-critical")
    with grafana(state) as url:
        result = drill(url, env_columns=True)
    assert result.exit_code == 7, result.output
    flat = " ".join(result.output.split())
    assert "1 of 5 integrations failed the drill" in flat
    assert "https://hooks.slack.com/..." in flat and "T0000000" not in flat and "XXXXXXXX" not in flat


def test_an_integration_grafana_lacks_fails_and_says_to_apply_the_season() -> None:
    state = StandIn()
    state.held["freshfoodz-seasonal-weihnachten-warning"] = []
    with grafana(state) as url:
        result = drill(url, "--format", "json")
    assert result.exit_code == 7
    report = {(r["severity"], r["kind"]): r for r in json.loads(result.stdout)["integrations"]}
    assert report["warning", "slack"]["ok"] is False
    assert "not in Grafana: apply the season (pulumi up) first" in report["warning", "slack"]["error"]
    # Nothing to test there: only the critical contact point got a test.
    assert sum(request[0] == "POST" for request in state.requests) == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "HTTP 401, access denied (check GRAFANA_TOKEN or GRAFANA_USERNAME/GRAFANA_PASSWORD)"), (500, "HTTP 500")],
)
def test_grafana_refusing_exits_4_without_a_traceback(status: int, message: str) -> None:
    with grafana(StandIn(status=status)) as url:
        result = drill(url)
    assert result.exit_code == 4, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
    # Grafana's error quotes the webhook's URL: cut to its host.
    assert TOKEN not in result.output and "T0000000" not in result.output


def test_a_grafana_too_slow_exits_4_at_the_timeout() -> None:
    started = time.monotonic()
    with grafana(StandIn(delay_s=3.0)) as url:
        result = drill(url, "--timeout", "1")
    assert result.exit_code == 4, result.output
    assert "within 1 s (--timeout)" in " ".join(result.output.split())
    assert time.monotonic() - started < 10


def test_an_unreachable_grafana_exits_4() -> None:
    result = drill("http://127.0.0.1:9")
    assert result.exit_code == 4 and "connection refused; is Grafana running there?" in result.output


def test_only_the_seasons_own_contact_point_is_tested_and_a_stranger_fails() -> None:
    state = StandIn(every_contact_point=True)
    # Another team's contact point, which a search that ignores the name would return too.
    state.held["team-payments"] = [{"uid": "pay", "type": "slack", "name": "team-payments", "settings": {}}]
    # And an integration on the season's contact point that the stack does not declare (added by hand).
    warning = "freshfoodz-seasonal-weihnachten-warning"
    state.held[warning].append({"uid": "hand-made", "type": "webhook", "name": warning, "settings": {}})
    with grafana(state) as url:
        result = drill(url, "--format", "json")
    assert result.exit_code == 7, result.output
    report = json.loads(result.stdout)["integrations"]
    tested = [
        config["uid"]
        for *_, body in state.requests
        if body
        for config in body["receivers"][0]["grafana_managed_receiver_configs"]
    ]
    assert "pay" not in tested and "hand-made" not in tested
    (stranger,) = [r for r in report if r["receiver"] == "?"]
    assert (stranger["kind"], stranger["ok"], stranger["error"]) == (
        "webhook",
        False,
        "held by Grafana but not declared by the stack",
    )
