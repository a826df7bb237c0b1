"""Every command the playbook prints names what the program declares: checked against a preview."""

from __future__ import annotations

import datetime as dt
import shlex
from typing import Any

import pytest

from capacity.catalog import Catalog
from freshfoodz_seasonal.adapters.playbook_files import load_playbooks
from freshfoodz_seasonal.adapters.stack_file import load_stack_settings
from freshfoodz_seasonal.config.model import StackSettings
from freshfoodz_seasonal.naming import CONFIG_NAMESPACE
from freshfoodz_seasonal.playbooks.schedule import configured_keys, dated_playbook, step_values
from freshfoodz_seasonal.preview.capture import run_program, stack_config
from freshfoodz_seasonal.seasons.windows import resolve_window
from tests.support.project import ROOT, SHIPPED_STACKS, frozen_stack, shipped_stack, stack_file_config

# Another shop's stack: its own season name, a priority lane and features to switch off.
OTHER_SHOP = ROOT / "tests" / "support" / "stacks" / "Pulumi.summer-sale.yaml"


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
        load_playbooks().steps_of(settings.season.name, configured_keys(settings)),
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


def test_a_stack_with_a_priority_lane_checks_it_and_the_limits_whatever_its_season(catalog: Catalog) -> None:
    settings = load_stack_settings(OTHER_SHOP, catalog)
    steps = load_playbooks().steps_of(settings.season.name, configured_keys(settings))
    commands = [s.command for s in steps if s.command and "kubectl get priorityclass" in s.command]
    assert commands, "a stack with peakControls.priorityServices checks its priority lane with kubectl"
    assert "t14-graceful-degradation" in {s.id for s in steps}  # it sets peakControls.nonCriticalFeatures
    # Without them, neither step, even for a season named oktoberfest.
    bare = settings.model_copy(
        update={
            "peak_controls": settings.peak_controls.model_copy(
                update={"priority_services": [], "non_critical_features": []}
            )
        }
    )
    ids = {s.id for s in load_playbooks().steps_of("oktoberfest", configured_keys(bare))}
    assert not ids & {"t14-priority-lane", "t14-graceful-degradation"}


def test_the_war_room_and_queue_steps_follow_the_config_not_the_season_s_name(catalog: Catalog) -> None:
    config_steps = {"t0-queue-slas", "t0-war-room-staffed", "t0-sample-loss-escalation"}
    oktoberfest = load_stack_settings(frozen_stack("oktoberfest"), catalog)  # war room on the Wiesn's days
    weihnachten = load_stack_settings(frozen_stack("weihnachten"), catalog)  # 12-01 to 12-23, sample loss critical
    other = load_stack_settings(OTHER_SHOP, catalog)  # the window's days, no sample-loss alert, no workers
    assert other.war_room is not None and oktoberfest.war_room is not None and not other.workers

    def ids(settings: StackSettings, season: str) -> set[str]:
        return {s.id for s in load_playbooks().steps_of(season, configured_keys(settings))} & config_steps

    assert ids(oktoberfest, "oktoberfest") == {"t0-queue-slas", "t0-war-room-staffed"}
    assert ids(weihnachten, "weihnachten") == config_steps
    assert ids(other, "summer-sale") == set()
    # A season named oktoberfest whose war room staffs the whole window and that has no workers gets neither.
    plain = oktoberfest.model_copy(
        update={"workers": [], "war_room": oktoberfest.war_room.model_copy(update={"days": "window"})}
    )
    assert ids(plain, "oktoberfest") == set()


def test_every_stack_s_steps_say_nothing_of_freshfoodz_alone() -> None:
    playbooks = load_playbooks()
    general = [*playbooks.shared, *playbooks.after, *(s for steps in playbooks.configured.values() for s in steps)]
    for word in ("B2B", "FreshFoodz", "event catering", "Wiesn"):
        assert not [s.id for s in general if word.lower() in s.title.lower()], word


def test_commands_quote_what_they_are_given(catalog: Catalog) -> None:
    settings = load_stack_settings(frozen_stack("weihnachten"), catalog)
    values = step_values("weihnachten", settings, 2026) | {"stack": "odd name; rm -rf /"}
    window = resolve_window("11-01", "12-31", 2026)
    steps = dated_playbook(load_playbooks().steps_of("weihnachten"), window, dt.date(2026, 1, 1), frozenset(), values)
    rollback = next(s for s in steps if s.id == "t1-rollback")
    assert rollback.command == "seasonctl rollback 'odd name; rm -rf /'"
