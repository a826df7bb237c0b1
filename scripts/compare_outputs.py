"""Every `seasonctl` output and preview artefact, here and at a git ref, compared byte for byte.

For changes that must not change behaviour (a restructuring): it runs the same invocations (every
command, every format, the main error paths, `diff` against the tree's own HEAD, and an extra stack
with an in-cluster load test, a war-room webhook and a budget, which the shipped stacks lack) on both
trees with the clock pinned, at 80 and 120 columns, and reports each one whose exit code, stdout,
stderr or written files differ, and every run here that ends in a traceback, even if the base's
does too. Not covered: the baseline's measurement (its tests run it against a real Prometheus) and
rollback's Pulumi steps (its tests run them against a stand-in CLI).

    .venv/bin/python scripts/compare_outputs.py --base REF [--at 2026-11-29T09:00:00Z] [STACK ...]

Without stacks it takes every `Pulumi.<stack>.yaml` of this tree. Each side runs its own code (the
`seasonctl` entry point its pyproject.toml names) from a copy of its tree, in this environment:
exit 0 when everything matches, 1 when something differs, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Runs the side's entry point with the clock pinned (time-machine patches the C-level clock too).
RUNNER = """
import datetime as dt, importlib, sys
import time_machine
module, _, function = sys.argv[1].partition(":")
at = dt.datetime.fromisoformat(sys.argv[2])
sys.argv = ["seasonctl", *sys.argv[3:]]
with time_machine.travel(at, tick=False):
    getattr(importlib.import_module(module), function)()
"""

BROKEN_KEY = "  freshfoodz-seasonal:phase: peak\n"
EXTRA = "extras/Pulumi.sommerfest.yaml"
COMMIT_ID = re.compile(r"(HEAD )\([0-9a-f]{10}\)")


def invocations(stacks: list[str]) -> list[list[str]]:
    """What both sides run, in order; `out/...` paths are compared as files afterwards."""
    runs: list[list[str]] = [
        ["--help"],
        *([command, "--help"] for command in ("plan", "preview", "diff", "rollback", "playbook", "calendar")),
        *([command, "--help"] for command in ("loadtest", "validate", "size", "baseline")),
        ["calendar"],
        ["calendar", "--format", "json"],
        ["calendar", "--format", "ics"],
        ["calendar", "--year", "2027", "--chart", "out/year-2027.svg"],
        ["calendar", "--chart", "out/year.txt"],
        [
            "size",
            "--rps",
            "120",
            "--service-time-ms",
            "80",
            "--slots-per-pod",
            "8",
            "--p95-slo-ms",
            "400",
            "--target-utilization",
            "0.6",
        ],
        [
            "size",
            "--rps",
            "50",
            "--service-time-ms",
            "300",
            "--slots-per-pod",
            "1",
            "--p95-slo-ms",
            "900",
            "--target-utilization",
            "0.7",
            "--service-cv",
            "1.8",
            "--routing",
            "pooled",
            "--format",
            "json",
        ],
        [
            "size",
            "--rps",
            "50",
            "--service-time-ms",
            "300",
            "--slots-per-pod",
            "4",
            "--p95-slo-ms",
            "200",
            "--target-utilization",
            "0.7",
            "--method",
            "seed",
        ],
        [
            "size",
            "--rps",
            "-1",
            "--service-time-ms",
            "0",
            "--slots-per-pod",
            "4",
            "--p95-slo-ms",
            "200",
            "--target-utilization",
            "1.5",
        ],
        ["validate", "broken.yaml"],
        ["plan", EXTRA, "--format", "json"],
        ["loadtest", EXTRA],
        ["preview", EXTRA, "--format", "json"],
        ["preview", EXTRA, "--out", "out/sommerfest"],
        ["diff", EXTRA, "--against", EXTRA, "--against-phase", "baseline", "--format", "json"],
        ["plan", "broken.yaml"],
        ["validate", "no-such-stack"],
        ["baseline", "--prometheus-url", "http://127.0.0.1:9", "--write"],
        ["baseline", "--prometheus-url", "http://127.0.0.1:9", "--window", "3h"],
    ]
    for stack in stacks:
        runs += [
            ["validate", stack],
            ["plan", stack],
            ["plan", stack, "--format", "json"],
            ["plan", stack, "--format", "markdown"],
            ["plan", stack, "--method", "seed"],
            ["plan", stack, "--year", "2028"],
            ["playbook", stack],
            ["playbook", stack, "--date", "2027-03-01", "--format", "json"],
            ["playbook", stack, "--date", "2027-09-10", "--format", "markdown"],
            ["loadtest", stack],
            ["loadtest", stack, "--in-cluster", "--api-base-url", "http://api.example:8080"],
            ["loadtest", stack, "--in-cluster"],
            ["preview", stack],
            ["preview", stack, "--format", "json"],
            ["preview", stack, "--phase", "baseline", "--format", "json", "--out", f"out/{stack}-baseline"],
            ["preview", stack, "--out", f"out/{stack}-peak"],
            ["diff", stack, "--against", stack, "--against-phase", "baseline"],
            ["diff", stack, "--against", stack, "--against-phase", "baseline", "--format", "json"],
            ["diff", stack, "--against", stack, "--against-phase", "baseline", "--format", "table"],
            ["diff", stack, "--against", stacks[0], "--format", "table"],
            ["diff", stack],
            ["diff", stack, "--base", "HEAD", "--format", "json"],
            ["rollback", stack],
            ["rollback", "broken.yaml"],
        ]
    if len(stacks) > 1:
        runs.append(["preview", *stacks, "--out", "out/all", "--format", "json"])
    return runs


def entry_point(tree: Path) -> str:
    scripts = tomllib.loads((tree / "pyproject.toml").read_text())["project"]["scripts"]
    return str(scripts["seasonctl"])


def prepare(tree: Path, stacks: list[str]) -> None:
    """A broken stack file (an unknown key), the extra stack, an empty output folder, and a commit."""
    first = (tree / f"Pulumi.{stacks[0]}.yaml").read_text()
    (tree / "broken.yaml").write_text(first.replace(BROKEN_KEY, BROKEN_KEY + "  freshfoodz-seasonal:phaze: x\n", 1))
    document = yaml.safe_load(first)
    config = document["config"]
    season = config["freshfoodz-seasonal:season"]
    season.update({"name": "sommerfest", "title": "Sommerfest", "window": {"start": "07-01", "end": "07-31"}})
    config["freshfoodz-seasonal:loadTest"] = {"inCluster": True, "apiBaseUrl": "http://api.example:8080"}
    config["freshfoodz-seasonal:costs"]["seasonBudget"] = 123456
    (tree / "extras").mkdir(exist_ok=True)
    (tree / EXTRA).write_text(yaml.safe_dump(document, sort_keys=False))
    (tree / "matplotlibrc").write_text("svg.hashsalt: compare-outputs\nbackend: agg\n")
    (tree / "out").mkdir()
    if not (tree / ".git").exists():
        # `diff` compares with the tree's own HEAD.
        git = ["git", "-c", "user.name=compare", "-c", "user.email=compare@example.org"]
        subprocess.run([*git, "init", "-q"], cwd=tree, check=True)
        subprocess.run([*git, "add", "-A"], cwd=tree, check=True)
        subprocess.run([*git, "commit", "-q", "-m", "tree"], cwd=tree, check=True)


def run_all(tree: Path, at: str, runs: list[list[str]], columns: int) -> list[tuple[int, str, str]]:
    entry = entry_point(tree)
    env = os.environ | {
        "PYTHONPATH": str(tree),
        "COLUMNS": str(columns),
        "LINES": "50",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "MATPLOTLIBRC": str(tree / "matplotlibrc"),
        "SOURCE_DATE_EPOCH": str(int(dt.datetime.fromisoformat(at).timestamp())),
        "PYTHONHASHSEED": "0",
    }
    env.pop("CI", None)
    results = []
    for args in runs:
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, entry, at, *args],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
            check=False,
        )
        results.append((done.returncode, _normalised(done.stdout), _normalised(done.stderr)))
    return results


def _normalised(text: str) -> str:
    """The trees' own commits differ by nature: `diff` names them, so their ids are masked."""
    return COMMIT_ID.sub(r"\1(<commit>)", text)


def tree_at(ref: str, into: Path) -> None:
    into.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def work_tree(into: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def differing_files(left: Path, right: Path) -> list[str]:
    differences: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        differences.extend(f"only at base: {prefix}{name}" for name in comparison.left_only)
        differences.extend(f"only here: {prefix}{name}" for name in comparison.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        differences.extend(f"differs: {prefix}{name}" for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return differences


def show(label: str, before: str, after: str) -> None:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "base", "here", lineterm="", n=1)
    print(f"  {label}:")
    for line in list(lines)[:40]:
        print(f"    {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the git ref to compare with")
    parser.add_argument("--at", default="2026-11-29T09:00:00+00:00", help="the pinned clock, ISO 8601 with offset")
    parser.add_argument("stacks", nargs="*", help="stack names; default: every Pulumi.<stack>.yaml here")
    options = parser.parse_args()
    stacks = options.stacks or sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in ROOT.glob("Pulumi.*.yaml")
    )
    runs = invocations(stacks)
    differences = 0
    with tempfile.TemporaryDirectory(prefix="compare-outputs-") as folder:
        trees = {"base": Path(folder) / "base", "here": Path(folder) / "here"}
        tree_at(options.base, trees["base"])
        work_tree(trees["here"])
        for columns in (120, 80):
            results = {}
            for side, tree in trees.items():
                shutil.rmtree(tree / "out", ignore_errors=True)
                (tree / "matplotlibrc").unlink(missing_ok=True)
                prepare(tree, stacks)
                results[side] = run_all(tree, options.at, runs, columns)
            for args, before, after in zip(runs, results["base"], results["here"], strict=True):
                if "Traceback (most recent call last)" in after[1] + after[2]:
                    differences += 1
                    print(f"CRASHED here at {columns} columns: seasonctl {' '.join(args)}")
                if before == after:
                    continue
                differences += 1
                print(f"DIFFERS at {columns} columns: seasonctl {' '.join(args)}")
                for index, name in enumerate(("exit code", "stdout", "stderr")):
                    if before[index] != after[index]:
                        show(name, str(before[index]), str(after[index]))
            files = differing_files(trees["base"] / "out", trees["here"] / "out")
            differences += len(files)
            for line in files:
                print(f"FILE at {columns} columns: {line}")
        print(f"{len(runs)} invocations x 2 widths, {len(stacks)} stacks: {differences} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
