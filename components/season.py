"""A season's declaration as components, registered in its order. Instantiates; decides nothing."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components.app_scaling import AppScaling
from components.database import SeasonDatabase
from components.monitoring import SeasonMonitoring
from components.node_group import SeasonalNodeGroup
from components.peak_controls import PeakControls
from freshfoodz_seasonal.declaration.season import SeasonDeclaration


def instantiate(declaration: SeasonDeclaration, secrets: Mapping[str, pulumi.Output[str]]) -> None:
    """Every component of the declaration, then the stack outputs; `secrets`: the war room's, Pulumi secrets.
    The HPAs' new bounds wait for the seasonal nodes when the declaration says their pods need them."""
    nodes = SeasonalNodeGroup(declaration.nodes.name, declaration.nodes.args) if declaration.nodes else None
    waits_for = [nodes.group] if nodes is not None and declaration.scaling_waits_for_nodes else []
    AppScaling(declaration.scaling.name, declaration.scaling.args, waits_for)
    SeasonDatabase(declaration.database.name, declaration.database.args)
    PeakControls(declaration.peak_controls.name, declaration.peak_controls.args)
    if declaration.monitoring is not None:
        SeasonMonitoring(declaration.monitoring.name, declaration.monitoring.args, secrets)
    for name, value in declaration.outputs.items():
        pulumi.export(name, value)
