"""The Pulumi program run under mocks for one or more stacks: what `preview`, `diff` and `rollback` compare.

Imports pulumi (slow): only the commands that run the program import this module, inside the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.duration_files import load_durations
from freshfoodz_seasonal.adapters.stack_file import read_stack_file
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, warn
from freshfoodz_seasonal.cli.stacks import load_plan
from freshfoodz_seasonal.config.model import Phase, StackSettings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.plan.season_plan import SeasonPlan
from freshfoodz_seasonal.plan.summary import plan_as_dict
from freshfoodz_seasonal.preview.capture import Capture, release_runtime, run_program, stack_config
from freshfoodz_seasonal.preview.render import resources_document
from freshfoodz_seasonal.provisioning.schedule import provisioning_plan
from freshfoodz_seasonal.provisioning.summary import provisioning_as_dict
from freshfoodz_seasonal.review.snapshot import Snapshot


@dataclass(frozen=True)
class ProgramRun:
    name: str
    settings: StackSettings
    plan: SeasonPlan
    phase: Phase
    """The phase the program ran in: the override, else the stack file's."""
    capture: Capture


def run_programs(
    requests: list[tuple[str, Phase | None]], project_dir: Path, catalog: Catalog, now: Now
) -> list[ProgramRun]:
    """Runs the Pulumi program under mocks for each (stack, phase override); exits 2 or 3 on a bad stack.

    Every stack is checked before any program runs: nothing is registered for a bad one. Each stack is
    planned for the season it declares on `now.today`, and the program runs as a preview at `now.utc`;
    what it warns about is printed to stderr.
    """
    program = project_dir / "__main__.py"
    if not program.is_file():
        fail(EXIT_INVALID, [f"{program}: no Pulumi program here; run from the project or pass --project-dir"])
    checked = []
    for stack, phase in requests:
        planned = load_plan(stack, project_dir, catalog, now.today)
        # Read and checked by load_plan: the file is a valid stack file.
        checked.append((planned, read_stack_file(planned.path), phase))
    runs, warned = [], set()
    for planned, config, phase in checked:
        if phase is not None:
            config[f"{CONFIG_NAMESPACE}:phase"] = phase.value
        capture = run_program(program, CONFIG_NAMESPACE, planned.name, stack_config(config), now=now.utc)
        # Two runs of one stack (diff --against-phase) warn alike: each warning once.
        for warning in capture.warnings:
            if warning not in warned:
                warn(warning)
                warned.add(warning)
        runs.append(ProgramRun(planned.name, planned.settings, planned.plan, phase or planned.settings.phase, capture))
    release_runtime()
    return runs


def snapshot_of(run: ProgramRun, label: str) -> Snapshot:
    """What the run declared and planned (its provisioning plan included, as `plan --format json` has it),
    as the diff compares it."""
    provisioning = provisioning_plan(run.settings, run.plan, load_durations())
    plan = plan_as_dict(run.plan) | {"provisioning": provisioning_as_dict(provisioning, run.plan.window.first_day)}
    return Snapshot.of_documents(label, resources_document(run.capture), plan)
