"""`seasonctl preview`: run the program under mocks for each stack, show the tree, write the files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, json_text
from freshfoodz_seasonal.cli.options import TableOrJson
from freshfoodz_seasonal.cli.programs import ProgramRun, run_programs
from freshfoodz_seasonal.cli.unbroken import tree_lines
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.declaration.monitoring import monitoring_files
from freshfoodz_seasonal.preview.capture import OFFLINE_NOTE
from freshfoodz_seasonal.preview.output import OutputRefused, check_target, write_tree
from freshfoodz_seasonal.preview.render import kubernetes_manifests, preview_outline, resources_document


def run_preview(
    stacks: list[str],
    phase: Phase | None,
    output_format: TableOrJson,
    out: Path | None,
    project_dir: Path,
    now: Now,
) -> None:
    if out is not None:
        # The folder first: a refusal after the programs ran would cost their time for nothing.
        try:
            check_target(out)
        except OutputRefused as error:
            fail(EXIT_INVALID, [f"--out: {error}"])
    runs = run_programs([(stack, phase) for stack in stacks], project_dir, load_catalog(), now)
    names = [run.name for run in runs]
    if len(set(names)) < len(names):
        fail(EXIT_INVALID, [f"the same stack name is given twice: {', '.join(sorted(names))}"])
    documents = {run.name: resources_document(run.capture) for run in runs}
    if out is not None:
        try:
            write_tree(out, _files(runs, documents))
        except (OutputRefused, OSError) as error:
            fail(EXIT_INVALID, [f"--out: {error}"])
    if output_format is TableOrJson.JSON:
        only = next(iter(documents.values()))
        sys.stdout.write(json_text(only if len(documents) == 1 else {"stacks": documents}))
        return
    console = Console(highlight=False)
    for run in runs:
        heading = f"{run.name} ({run.phase.value}): {len(run.capture.resources)} resources"
        # A resource's name is never broken: one too long for the terminal goes on a line of its own, whole.
        for line in tree_lines(heading, preview_outline(run.capture), console.width):
            console.print(Text(line), soft_wrap=True)
    console.print(Text(OFFLINE_NOTE))


def _files(runs: list[ProgramRun], documents: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Every file `--out` gets, by its path in the folder: under `<stack>/` when there are several stacks."""
    files = {}
    for run in runs:
        folder = f"{run.name}/" if len(runs) > 1 else ""
        files[f"{folder}resources.json"] = json_text(documents[run.name])
        files |= {f"{folder}k8s/{file}": text for file, text in kubernetes_manifests(run.capture).items()}
        if run.phase is Phase.PEAK:
            files |= {f"{folder}{file}": text for file, text in monitoring_files(run.settings, run.plan).items()}
    return files
