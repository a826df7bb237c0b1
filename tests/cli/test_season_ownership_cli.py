"""`seasonctl preview` and `diff` say when another season owns the shared resources on the given day."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli_runner import invoke
from tests.support.project import FROZEN_STACKS, project_copy


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project_copy(tmp_path_factory.mktemp("project"), *FROZEN_STACKS)


def test_preview_warns_for_a_season_outside_its_span(project: Path) -> None:
    result = invoke("preview", "spargel", "--date", "2026-12-10", "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "warning: on 2026-12-10 the shared resources (HPAs, the primary's class) belong to weihnachten" in flat
    assert "until its rollback on 2027-01-01" in flat and "would be refused" in flat


def test_preview_of_the_owning_season_does_not_warn(project: Path) -> None:
    result = invoke("preview", "weihnachten", "--date", "2026-12-10", "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    assert "belong to" not in result.output


def test_the_pull_request_comment_carries_the_warning(project: Path) -> None:
    result = invoke("diff", "spargel", "--against", "spargel", "--date", "2026-12-10", "--project-dir", str(project))
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("> **Warning:** on 2026-12-10")]
    assert "belong to weihnachten" in line


@pytest.mark.parametrize("bad", ["2026-13-01", "10.12.2026", "1999-12-10"])
def test_a_bad_date_is_refused(project: Path, bad: str) -> None:
    result = invoke("preview", "spargel", "--date", bad, "--project-dir", str(project))
    assert result.exit_code == 2 and "--date" in result.output
