"""The GitHub workflow the project's users run on pull requests: valid, and doing what it says.

Validity comes from check-jsonschema's vendored GitHub workflow schema; on top, the step that
picks the stacks to diff is run for real in a scratch repository with a stand-in `seasonctl`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from freshfoodz_seasonal.cli.diff_view import COMMENT_MARKER
from tests.support.project import FROZEN_STACKS, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
REVIEW = ROOT / ".github" / "workflows" / "season-review.yml"


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run(
        [str(executable), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(REVIEW.read_text(encoding="utf-8"))
    return document


def step(job: str, name: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = workflow()["jobs"][job]["steps"]
    return next(s for s in steps if s.get("name") == name)


def test_every_workflow_is_valid_for_github() -> None:
    assert WORKFLOWS, "no workflow files"
    result = check_jsonschema(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    document = workflow()
    del document["jobs"]["checks"]["runs-on"]
    document["jobs"]["checks"]["timeout-minutes"] = "an hour"
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = check_jsonschema(broken)
    assert result.returncode != 0 and "broken.yml" in result.stdout + result.stderr


def test_the_checks_job_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.endswith("scripts/check"))
    assert step("checks", "lint, types, layers, tests")["run"] == command


def test_every_install_of_the_project_uses_the_lock() -> None:
    runs = [s["run"] for job in workflow()["jobs"].values() for s in job["steps"] if "run" in s]
    installs = [
        part.strip()
        for run in runs
        for part in re.split(r"&&|\n", run)
        if "pip install" in part and part.split()[-1] != "pip"  # upgrading pip itself is not pinned
    ]
    assert len(installs) == 4, installs  # checks, offline-diff, and the preview's program and policy pack
    assert all("-c constraints.txt" in install for install in installs), installs
    assert "constraints.txt" in workflow()[True]["pull_request"]["paths"]  # YAML reads `on:` as True


def test_every_action_is_pinned_to_a_commit_with_its_tag_in_a_comment() -> None:
    # A tag can be moved to other code; a commit cannot. The comment says which release it is.
    for path in WORKFLOWS:
        uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert uses, path
        for action, comment in uses:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{path.name}: {action} is not pinned"
            assert re.fullmatch(r" # v\d+(\.\d+)*", comment), f"{path.name}: {action} has no tag comment"


def test_the_real_preview_needs_credentials_and_runs_the_policy_pack() -> None:
    preview = workflow()["jobs"]["pulumi-preview"]
    action = next(s for s in preview["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@"))
    # The token only where Pulumi Cloud is asked: never in the job's environment, where the pull
    # request's own code (its install) would see it.
    assert action["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert "PULUMI_ACCESS_TOKEN" not in preview["env"]
    assert [s for s in preview["steps"] if "PULUMI_ACCESS_TOKEN" in s.get("env", {})] == [action]
    assert action["with"]["command"] == "preview" and action["with"]["policyPacks"] == "policy"
    assert action["if"] == "env.READY == 'true'"
    assert preview["env"]["READY"] == "${{ secrets.PULUMI_ACCESS_TOKEN != '' && vars.PULUMI_ORG != '' }}"
    assert all(s.get("if") for s in preview["steps"]), "every step of the preview job depends on the credentials"
    assert preview["environment"] == "season-preview"
    # The stacks are the repository's, whatever they are: listed by a job of their own.
    assert preview["needs"] == ["checks", "stacks"]
    assert preview["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.names) }}"
    assert (ROOT / "policy" / "PulumiPolicy.yaml").is_file()


def test_the_comment_script_finds_the_marker_seasonctl_writes() -> None:
    posting = step("offline-diff", "post or update one comment per stack")
    script = posting["with"]["script"]
    assert "split('\\n', 1)[0]" in script and "startsWith(marker)" in script
    # Only its own comments are updated, and a fork's read-only token is not asked to write.
    assert "comment.user.login === 'github-actions[bot]'" in script
    assert "github.event.pull_request.head.repo.full_name == github.repository" in posting["if"]
    assert COMMENT_MARKER.format(stack="weihnachten") == "<!-- seasonctl-diff:weihnachten -->"


# --- the stack selection, run for real ----------------------------------------------------------------

STAND_IN = """#!/bin/sh
echo "$@" >> "$SEASONCTL_CALLS"
echo "<!-- seasonctl-diff:$2 -->"
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for stack in FROZEN_STACKS:
        (repo / f"Pulumi.{stack}.yaml").write_text(f"config: {{}}  # {stack}\n", encoding="utf-8")
    (repo / "planning.py").write_text("x = 1\n", encoding="utf-8")
    seasonctl = repo / ".venv" / "bin" / "seasonctl"
    seasonctl.parent.mkdir(parents=True)
    seasonctl.write_text(STAND_IN, encoding="utf-8")
    seasonctl.chmod(0o755)
    (repo / ".gitignore").write_text(".venv/\nseason-diffs/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit(repo)
    return repo


def commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=ops", "-c", "user.email=ops@example.org", "commit", "-q", "-m", "change")


def run_selection(repo: Path, base: str) -> list[str]:
    script = step("offline-diff", "diff the stacks this pull request affects")["run"]
    calls = repo / "calls.txt"
    summary = repo / "summary.md"
    environment = {**os.environ, "BASE_SHA": base, "SEASONCTL_CALLS": str(calls), "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(
        ["bash", "-c", script], cwd=repo, env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []
    for line in lines:
        assert re.fullmatch(rf"diff \w+ --base {base} --format markdown", line), line
    assert sorted(p.stem for p in (repo / "season-diffs").glob("*.md")) == sorted(line.split()[1] for line in lines)
    # Every diff is in the job summary too, where a fork's pull request can still read it.
    shown = summary.read_text(encoding="utf-8").splitlines() if summary.exists() else []
    assert sorted(shown) == sorted(f"<!-- seasonctl-diff:{line.split()[1]} -->" for line in lines)
    return sorted(line.split()[1] for line in lines)


def test_a_changed_stack_file_diffs_that_stack_only(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    (repo / "Pulumi.spargel.yaml").write_text("config: {}  # spargel, edited\n", encoding="utf-8")
    commit(repo)
    assert run_selection(repo, base) == ["spargel"]


def test_changed_code_diffs_every_stack(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    (repo / "planning.py").write_text("x = 2\n", encoding="utf-8")
    (repo / "Pulumi.spargel.yaml").write_text("config: {}  # spargel, edited\n", encoding="utf-8")
    commit(repo)
    assert run_selection(repo, base) == ["oktoberfest", "spargel", "weihnachten"]


def test_a_deleted_stack_is_not_diffed(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    (repo / "Pulumi.oktoberfest.yaml").unlink()
    commit(repo)
    assert run_selection(repo, base) == []


def test_checkouts_do_not_keep_the_token() -> None:
    for job in workflow()["jobs"].values():
        for item in job["steps"]:
            if str(item.get("uses", "")).startswith("actions/checkout@"):
                assert item["with"]["persist-credentials"] is False


def test_hostile_stack_file_names_are_never_split_globbed_or_run(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD")
    (repo / "Pulumi.a b*.yaml").write_text("config: {}\n", encoding="utf-8")
    (repo / "Pulumi.$(touch pwned).yaml").write_text("config: {}\n", encoding="utf-8")
    (repo / "planning.py").write_text("x = 3\n", encoding="utf-8")
    commit(repo)
    assert run_selection(repo, base) == sorted(FROZEN_STACKS)
    assert not (repo / "pwned").exists()


def test_the_stacks_job_lists_every_stack_file(tmp_path: Path) -> None:
    listing = next(step for step in workflow()["jobs"]["stacks"]["steps"] if step.get("id") == "list")
    for name in ("Pulumi.yaml", "Pulumi.spargel.yaml", "Pulumi.summer-sale.yaml", "notes.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    output = tmp_path / "github-output"
    environment = {"GITHUB_OUTPUT": str(output), "PATH": os.environ["PATH"]}
    done = subprocess.run(
        ["bash", "-e", "-c", listing["run"]], cwd=tmp_path, env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8") == 'names=["spargel", "summer-sale"]\n'
