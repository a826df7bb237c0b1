"""`seasonctl adopt`: a new stack's first update, which imports the platform's primary database.

Pulumi imports a resource by the inputs the program declares for it. At the peak the program declares
the season's class, not the primary's real one, so a first update at the peak would either be refused
(older engines: "inputs to import do not match") or import and change the class at once, a failover
nobody planned. Adoption is therefore its own step, in phase baseline (the platform's class):

1. the stack file gets `phase: baseline`;
2. `pulumi preview --json`: the primary must come out as a plain import (or as already in the stack),
   with no difference between what the stack declares and what runs; otherwise it stops and says
   which setting to correct, before anything changed;
3. `pulumi up`: the import, and the platform's own HPA values applied to its HPAs (server-side apply
   takes their fields over and adds the owner annotations);
4. the stack file is checked to be unchanged and gets its phase back: from now on the T-14
   `pulumi up` only changes the class.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.pulumi_cli import PulumiCli, PulumiFailed
from freshfoodz_seasonal.cli.clock import Now
from freshfoodz_seasonal.cli.exits import EXIT_ABORTED, EXIT_INVALID, EXIT_PULUMI, fail
from freshfoodz_seasonal.cli.programs import run_programs
from freshfoodz_seasonal.cli.pulumi_steps import (
    StackFilePhase,
    Step,
    StepRefused,
    StepsStopped,
    Updates,
    backend_stack_name,
    policy_arguments,
    printer,
    run_steps,
)
from freshfoodz_seasonal.cli.stacks import LoadedStack, load_pulumis_stack_file, owner_checked
from freshfoodz_seasonal.config.model import Phase
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.preview.rollback_targets import UnprotectedDatabaseError, baseline_targets
from freshfoodz_seasonal.seasons.ownership import berlin_date, current_span

# A read-only preview of the whole stack; a slow provider start included.
PREVIEW_TIMEOUT_S = 900
# What older Pulumi engines say when the declared inputs differ from the resource to import.
_MISMATCH = "inputs to import do not match"


class ImportMismatch(StepRefused):
    """The stack does not declare the primary as it runs; the message says what to correct."""


# What to do about each input the program declares for the primary (everything else is left to the
# platform), with the command that shows its real value.
_PRIMARY_ADVICE = {
    "instanceClass": ("the stack's database.instanceClass must be the real class", "DBInstanceClass"),
    "identifier": ("the stack's platform.primaryDbIdentifier must be the real identifier", "DBInstanceIdentifier"),
    "deletionProtection": (
        "the primary must have deletion protection on (the program always sets it)",
        "DeletionProtection",
    ),
    # The program declares the live tags without the owner tags (freshfoodz.de/owner-*): left on the
    # primary by a season whose rollback did not run, they differ.
    "tags": (
        "the primary carries freshfoodz.de/owner-* tags a season left: roll that season back first, or remove them",
        "TagList",
    ),
}
# A first adoption creates the season's patches, imports the primary and leaves the rest as it is.
_ADOPTION_OPS = {"create", "import", "same"}


def _input_of(path: str) -> str:
    """`tags.team` or `tags["team"]` -> `tags`: the input a detailed difference belongs to."""
    return path.replace("[", ".").split(".", 1)[0]


def mismatch(identifier: str, op: object, differences: list[str]) -> str:
    """The plain words for a primary the stack does not declare as it runs: what to do about each input
    that differs (the class, when Pulumi does not say which)."""
    differing = f", differing in {', '.join(differences)}" if differences else ""
    inputs = sorted({_input_of(path) for path in differences}) or ["instanceClass"]
    advice = []
    for name in inputs:
        if name in _PRIMARY_ADVICE:
            words, field = _PRIMARY_ADVICE[name]
            advice.append(
                f"{words} (`aws rds describe-db-instances --db-instance-identifier {identifier} "
                f"--query 'DBInstances[0].{field}'`)"
            )
        else:
            advice.append(
                f"Pulumi would change {name}, which adopt cannot correct: see `pulumi preview --diff` for what it "
                "plans, and report it if the program declares it"
            )
    return (
        f"the stack does not declare the primary {identifier} as it runs (Pulumi plans `{op}`{differing}); "
        f"{'; '.join(advice)}; correct it and adopt again"
    )


def import_problem(preview_json: str, primary_urn: str, identifier: str) -> str | None:
    """Why the preview is not a first adoption: the primary a plain import (or already in the stack), and
    nothing updated, replaced or deleted; None if it is."""
    try:
        steps = [s for s in json.loads(preview_json).get("steps", []) if isinstance(s, dict)]
    except (ValueError, AttributeError):
        return f"`pulumi preview --json` printed something unexpected: {preview_json[:200]!r}"
    mine: list[dict[str, Any]] = [s for s in steps if s.get("urn") == primary_urn]
    if not mine:
        return f"the preview has no step for the primary {identifier} ({primary_urn})"
    for step in mine:
        differences = sorted(step.get("diffReasons") or []) or sorted((step.get("detailedDiff") or {}).keys())
        if step.get("op") not in {"import", "same"} or differences:
            return mismatch(identifier, step.get("op"), differences)
    others = sorted({f"{s.get('op')} {str(s.get('urn', '')).rpartition('::')[2]}" for s in steps
                     if s.get("op") not in _ADOPTION_OPS})  # fmt: skip
    if others:
        return (
            f"this stack is already in use: its baseline update would also {', '.join(others[:5])}; adopt is "
            "for a stack's first update only (roll the stack back, or run `pulumi up` as the playbook says)"
        )
    return None


@dataclass(frozen=True)
class Adoption:
    """What the steps need, checked before any of them runs."""

    loaded: LoadedStack
    cli: PulumiCli
    qualified: str
    """The backend's name for the stack."""
    primary_urn: str
    identifier: str


def adoption_checks(stack: str, project_dir: Path, now: Now) -> Adoption:
    """Exit 2 if the stack file is not Pulumi's, another season owns the shared resources or the baseline
    phase would not protect the primary; exit 6 if the Pulumi CLI or the backend's stack is missing."""
    catalog = load_catalog()
    loaded = load_pulumis_stack_file(stack, project_dir, catalog, "adopt")
    path, name = loaded.path, loaded.name
    this = owner_checked(loaded, project_dir, catalog, now.days)
    for day in now.days:
        window = current_span(this, day).window
        if window.first_day <= day <= window.last_day:
            fail(
                EXIT_INVALID,
                [
                    f"{path}: {loaded.settings.season.title} runs from {window.first_day} to {window.last_day} "
                    f"(on {day}); adopt is for a stack's first update, before its season",
                    "nothing changed",
                ],
            )
    try:
        cli = PulumiCli.find(project_dir)
        qualified = backend_stack_name(cli, name)
    except PulumiFailed as error:
        fail(EXIT_PULUMI, [str(error), "nothing changed"])
    (baseline_run,) = run_programs([(stack, Phase.BASELINE)], project_dir, catalog, now)
    try:
        targets = baseline_targets(baseline_run.capture.resources, name, CONFIG_NAMESPACE)
    except UnprotectedDatabaseError as error:
        fail(EXIT_INVALID, [f"{path}: {error}; refusing"])
    (primary_urn,) = [urn for urn in targets.database if urn.endswith("-database-primary")]
    return Adoption(loaded, cli, qualified, primary_urn, loaded.settings.platform.primary_db_identifier)


def adoption_steps(adoption: Adoption, say: Callable[[str], None]) -> list[Step]:
    path, qualified, identifier = adoption.loaded.path, adoption.qualified, adoption.identifier
    original = adoption.loaded.settings.phase
    held = StackFilePhase(path)
    policy = policy_arguments(adoption.cli)

    def check_import() -> None:
        held.unchanged()
        try:
            # --show-sames: without it the JSON leaves out what does not change, an adopted primary included.
            arguments = ("preview", "--stack", qualified, "--json", "--show-sames", *policy)
            preview = adoption.cli.run(*arguments, timeout_s=PREVIEW_TIMEOUT_S)
            problem = import_problem(preview, adoption.primary_urn, identifier)
        except PulumiFailed as error:
            if _MISMATCH not in str(error):
                held.set(original)
                raise PulumiFailed(f"{error}\n{path.name} is back at phase: {original.value}") from None
            problem = mismatch(identifier, "import", [])
        except BaseException:
            held.set(original)  # interrupted: nothing was imported, the stack file goes back
            raise
        if problem is not None:
            # Nothing was imported: the stack file goes back to how it was.
            held.set(original)
            raise ImportMismatch(f"{problem}; {path.name} is back at phase: {original.value}")

    updates = Updates(adoption.cli, held, qualified, "seasonctl adopt", say)

    def back_to_phase() -> None:
        held.unchanged()
        held.set(original)

    return [
        Step(f"set phase: baseline in {path.name}", f"pulumi config set phase baseline --stack {qualified}",
             lambda: held.set(Phase.BASELINE)),
        Step(f"check that {identifier} imports as it runs", f"pulumi preview --stack {qualified} --json", check_import),
        Step(f"import {identifier} and re-apply the platform's HPA values", updates.command(()),
             updates.targeting(())),
        Step(f"set phase: {original.value} in {path.name} again", f"pulumi config set phase {original.value}",
             back_to_phase),
    ]  # fmt: skip


def run_adopt(stack: str, yes: bool, project_dir: Path, now: Now) -> None:
    """Checks, asks unless `yes`, runs the adoption; exits 2 (refused), 6 (Pulumi) or 1 (aborted)."""
    adoption = adoption_checks(stack, project_dir, now)
    loaded, name = adoption.loaded, adoption.loaded.name
    console = Console(highlight=False)

    say = printer(console)

    steps = adoption_steps(adoption, say)
    question = (
        f"Adopt {adoption.identifier} into stack {name} on {berlin_date(now.utc)}: a first update in phase "
        f"baseline imports it with its own class ({loaded.settings.database.instance_class}) and its own tags, "
        "and applies the platform's own HPA values to the HPAs (taking their fields over, with the owner "
        f"annotations). {len(steps)} steps. Go on?"
    )
    if not yes and not typer.confirm(question, default=False):
        fail(EXIT_ABORTED, ["aborted; nothing changed"])
    try:
        run_steps(steps, say, ["seasonctl", "adopt", name, "--yes"], adoption.qualified)
    except StepsStopped as error:
        fail(EXIT_PULUMI, str(error).splitlines())
    say(
        f"{name} has adopted {adoption.identifier}. Commit {loaded.path.name}; at T-14, "
        f"`pulumi up --stack {name}` sets the peak."
    )
