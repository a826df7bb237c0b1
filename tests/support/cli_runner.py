"""`seasonctl` run in-process, as a user would run it: whatever the exit code, never a traceback."""

from __future__ import annotations

from click.testing import Result
from typer.testing import CliRunner

from freshfoodz_seasonal.cli.app import app


def invoke(*args: str, env: dict[str, str] | None = None, answer: str | None = None) -> Result:
    """The command's result; fails the test on an exception other than the exit, or a printed traceback."""
    result = CliRunner().invoke(app, list(args), env=env, input=answer)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result
