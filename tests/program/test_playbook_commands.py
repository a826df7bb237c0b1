"""Every command the playbook prints names what the program declares: checked against a preview."""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.playbooks.schedule import dated_playbook, step_values
from freshfoodz_seasonal.preview.capture import run_program, stack_config
from freshfoodz_seasonal.seasons.windows import resolve_window
from tests.support.project import ROOT, SHIPPED_STACKS, frozen_stack, shipped_stack, stack_file_config


def declared(stack: str) -> dict[tuple[str, str | None, str], dict[str, Any]]:
    """(kind, namespace, name) -> inputs of every Kubernetes object the shipped stack declares at its peak."""
    config = stack_file_config(shipped_stack(stack)) | {f"{CONFIG_NAMESPACE}:phase": "peak"}
    capture = run_program(ROOT / "__main__.py", CONFIG_NAMESPACE, stack, stack_config(config))
    objects = {}
    for resource in capture.resources:
        if resource.type.startswith("kubernetes:") and "metadata" in resource.inputs:
            kind = resource.type.rsplit(":", 1)[1].removesuffix("Patch")
            metadata = resource.inputs["metadata"]
            objects[kind, metadata.get("namespace"), metadata["name"]] = resource.inputs
    return objects


def kubectl_gets(command: str) -> list[tuple[str, str | None, str]]:
    """(kind, namespace, name) of every `kubectl [-n NS] get KIND NAME` in a shell command line."""
    found = []
    for part in command.split("&&"):
        words = shlex.split(part)
        if not words or words[0] != "kubectl":
            continue
        namespace = words[words.index("-n") + 1] if "-n" in words else None
        get = words.index("get")
        kind = {"priorityclass": "PriorityClass", "configmap": "ConfigMap"}[words[get + 1]]
        found.append((kind, namespace, words[get + 2]))
    return found


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_kubectl_command_names_a_declared_object(stack: str, catalog: Catalog) -> None:
    settings = load_stack_settings(shipped_stack(stack), catalog)
    window = resolve_window(settings.season.window.start, settings.season.window.end, 2026)
    steps = dated_playbook(
        load_playbooks().steps_of(settings.season.name),
        window,
        dt.date(2026, 1, 1),
        frozenset(),
        step_values(stack, settings, 2026),
    )
    objects = declared(stack)
    gets = [get for step in steps if step.command for get in kubectl_gets(step.command)]
    for kind, namespace, name in gets:
        # A cluster-scoped object has no namespace; a namespaced one is looked up in its own.
        assert (kind, namespace, name) in objects, (stack, kind, namespace, name, sorted(objects))
    for step in steps:
        if step.command and "--stack" in step.command:
            words = shlex.split(step.command.replace("&&", " "))
            assert all(words[i + 1] == stack for i, word in enumerate(words) if word == "--stack"), step.command


def test_oktoberfest_checks_the_priority_lane_and_the_limits() -> None:
    commands = [s.command for s in load_playbooks().steps_of("oktoberfest") if s.command and "kubectl" in s.command]
    assert commands, "the Oktoberfest playbook checks the peak controls with kubectl"


def test_commands_quote_what_they_are_given(catalog: Catalog) -> None:
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    values = step_values("weihnachten", settings, 2026) | {"stack": "odd name; rm -rf /"}
    window = resolve_window("11-01", "12-31", 2026)
    steps = dated_playbook(load_playbooks().steps_of("weihnachten"), window, dt.date(2026, 1, 1), frozenset(), values)
    rollback = next(s for s in steps if s.id == "t1-rollback")
    assert rollback.command == "seasonctl rollback 'odd name; rm -rf /'"
