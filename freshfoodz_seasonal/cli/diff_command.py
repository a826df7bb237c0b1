"""`seasonctl diff`: both sides run the program under mocks, here or at a git ref, and are compared."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.git_tree import GitError, export, resolve
from freshfoodz_seasonal.adapters.program_snapshot import SnapshotError, snapshot_of_folder
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.diff import DiffFormat
from freshfoodz_seasonal.cli.diff_view import diff_as_dict, diff_markdown, diff_sections
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, print_json
from freshfoodz_seasonal.cli.programs import run_programs, snapshot_of
from freshfoodz_seasonal.cli.stacks import load_stack
from freshfoodz_seasonal.cli.tables import to_rich
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.naming import resource_prefix
from freshfoodz_seasonal.review.snapshot import Snapshot
from freshfoodz_seasonal.review.stack_diff import compare


def run_diff(
    stack: str,
    base: str | None,
    against: str | None,
    phase: Phase | None,
    against_phase: Phase | None,
    output_format: DiffFormat,
    project_dir: Path,
    now: Now,
) -> None:
    if base is not None and (against is not None or against_phase is not None):
        fail(EXIT_INVALID, ["--base compares with a git ref; --against and --against-phase with this tree: pick one"])
    catalog = load_catalog()
    name = load_stack(stack, project_dir, catalog).name
    after_label = "this tree" + (f", phase {phase.value}" if phase else "")
    if base is None and against is None and against_phase is None:
        base = "HEAD"
    if base is not None and now.today != now.real_today:
        fail(
            EXIT_INVALID,
            [f"--date: the other side runs the code at {base} on its own clock; use --date with --against only"],
        )
    prefixes = None
    if base is not None:
        # --phase overrides this side only: the base side is the stack as committed. The base first:
        # a ref that gives no snapshot is refused before this tree's program runs.
        before = snapshot_at(base, name, project_dir)
        runs = run_programs([(stack, phase)], project_dir, catalog, now)
    else:
        other = against or stack
        runs = run_programs([(other, against_phase), (stack, phase)], project_dir, catalog, now)
        other_label = runs[0].name + (f", phase {against_phase.value}" if against_phase else "")
        before = snapshot_of(runs[0], other_label)
        seasons = (runs[0].settings.season.name, runs[1].settings.season.name)
        prefixes = (resource_prefix(seasons[0]), resource_prefix(seasons[1]))
        runs = runs[1:]
    after = snapshot_of(runs[0], after_label)
    result = compare(name, before, after, prefixes)
    # What the program warns about on this side (e.g. another season owns the shared resources) goes
    # into the report too, so a pull request comment carries it.
    warnings = runs[0].capture.warnings
    if output_format is DiffFormat.JSON:
        print_json(diff_as_dict(result, warnings))
    elif output_format is DiffFormat.MARKDOWN:
        sys.stdout.write(diff_markdown(result, warnings))
    else:
        Console(highlight=False).print(to_rich(result.headline, diff_sections(result)), crop=False)


def snapshot_at(ref: str, stack: str, project_dir: Path) -> Snapshot:
    """The stack as the code and the stack file at `ref` declare it; exit 2 if that cannot be had."""
    try:
        project = resolve(ref, project_dir)
        with tempfile.TemporaryDirectory(prefix="seasonctl-diff-") as folder:
            label = f"{ref} ({project.commit[:10]})"
            return snapshot_of_folder(export(project, project_dir, Path(folder)), stack, label)
    except (GitError, SnapshotError) as error:
        fail(EXIT_INVALID, [f"--base {ref}: {error}"])
