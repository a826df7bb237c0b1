"""Errors and warnings at a terminal wrap between words at its width (the terminal's own fold would cut a
word, a date or a path); into a file or a pipe each stays one line, so a log keeps it whole."""

from __future__ import annotations

import pytest

from freshfoodz_seasonal.cli.exits import warn
from tests.support.cli_runner import invoke

TERMINAL_80 = {"TTY_COMPATIBLE": "1", "COLUMNS": "80", "NO_COLOR": "1"}
FOLDER = "/tmp/seasons-of-another-shop"


def refusal(project_dir: str, env: dict[str, str]) -> list[str]:
    """plan's refusal of a folder without the stack: a message that names the folder twice."""
    result = invoke("plan", "sommer", "--project-dir", project_dir, env=env)
    assert result.exit_code == 2
    return [line.rstrip() for line in result.output.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "project_dir",
    [
        FOLDER,  # shorter than the width
        f"{FOLDER}/with-a-rather-long-folder-name/and-another-one/and-a-third-one-for-good-measure",  # longer
    ],
)
def test_at_a_terminal_a_message_wraps_between_words(project_dir: str) -> None:
    lines = refusal(project_dir, TERMINAL_80)
    (one_line,) = refusal(project_dir, {})
    assert len(lines) >= 2, lines
    # Word for word the one-line message: nothing was cut inside a word, the folder least of all.
    assert " ".join(lines).split() == one_line.split()
    assert any(f"{project_dir}:" in line.split() for line in lines)
    # Only a word longer than the width, on a line of its own, passes it.
    assert all(len(line) <= 80 or len(line.split()) == 1 for line in lines), lines


def test_into_a_pipe_a_message_is_one_line() -> None:
    (line,) = refusal(FOLDER, {})
    assert line.startswith(f"error: {FOLDER}/Pulumi.sommer.yaml") and len(line) > 80


RESUME = "`seasonctl provision weihnachten --yes --step replicas --step nodes-pods`"


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_a_command_in_a_message_is_never_broken(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], columns: str
) -> None:
    # A resume command cut after `--yes` would, pasted, run every due step instead of the two named.
    for name, value in {"TTY_COMPATIBLE": "1", "COLUMNS": columns, "NO_COLOR": "1"}.items():
        monkeypatch.setenv(name, value)
    warn(f"the update of step nodes-pods failed; resume with {RESUME}: every step is safe to repeat")
    lines = capsys.readouterr().err.splitlines()
    assert any(RESUME in line for line in lines), lines
    assert (
        " ".join(lines).split()
        == (
            f"warning: the update of step nodes-pods failed; resume with {RESUME}: every step is safe to repeat"
        ).split()
    )


def test_a_line_that_already_says_what_it_is_says_it_once(capsys: pytest.CaptureFixture[str]) -> None:
    # Pulumi's own lines start with `error:` or `warning:`, in either case.
    warn("Warning: the provider is old\n  warning: indented")
    assert capsys.readouterr().err.splitlines() == ["warning: the provider is old", "warning: indented"]
