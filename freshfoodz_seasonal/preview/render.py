"""What `seasonctl preview` shows and writes, from a captured run. Pure: captures in, text out."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from freshfoodz_seasonal.naming import (
    EKS_NODE_GROUP_TYPE,
    HPA_PATCH_TYPE,
    PRIORITY_CLASS_TYPE,
    RDS_INSTANCE_TYPE,
    SCALING_SCHEDULE_TYPE,
)
from freshfoodz_seasonal.preview.capture import Capture, CapturedResource

# The key values a reader checks first, per resource type (the rest is in resources.json).
_KEY_INPUTS = {
    HPA_PATCH_TYPE: ("spec.minReplicas", "spec.maxReplicas"),
    EKS_NODE_GROUP_TYPE: ("instanceTypes", "scalingConfig.minSize", "scalingConfig.maxSize"),
    RDS_INSTANCE_TYPE: ("identifier", "instanceClass"),
    SCALING_SCHEDULE_TYPE: ("startTime", "desiredCapacity"),
    PRIORITY_CLASS_TYPE: ("value",),
}


def whole_numbers(value: Any) -> Any:
    """Pulumi's mocks return every number as a float; whole ones go back to integers."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


def _lookup(inputs: dict[str, Any], dotted: str) -> Any:
    value: Any = inputs
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return whole_numbers(value)


def _options(resource: CapturedResource) -> str:
    flags = [
        *(["protect"] if resource.protect else []),
        *(["retainOnDelete"] if resource.retain_on_delete else []),
        *([f"import={resource.import_id}"] if resource.import_id else []),
        *([_ignored(resource.ignore_changes)] if resource.ignore_changes else []),
    ]
    return f"  [{'; '.join(flags)}]" if flags else ""


# More inputs left to the platform than this are counted, not listed (--out writes resources.json, which lists them).
MAX_LISTED_IGNORED = 4


def _ignored(inputs: tuple[str, ...]) -> str:
    if len(inputs) <= MAX_LISTED_IGNORED:
        return f"ignoreChanges={','.join(inputs)}"
    return f"ignoreChanges: {len(inputs)} platform-owned inputs (--out lists them)"


def _shown(value: Any) -> str:
    """An input as the stack file would write it: a list's items joined by commas, not Python's repr."""
    return ",".join(map(_shown, value)) if isinstance(value, list | tuple) else str(value)


def _label(resource: CapturedResource) -> str:
    keys = _KEY_INPUTS.get(resource.type, ())
    values = ", ".join(f"{key}={_shown(_lookup(resource.inputs, key))}" for key in keys)
    return f"{resource.type} {resource.name}" + (f"  {values}" if values else "") + _options(resource)


def preview_outline(capture: Capture) -> list[tuple[str, list[str]]]:
    """Components with their resources below them, each labelled with its type, name, key values and
    options: a tree's branches and leaves."""
    return [
        (
            _label(component),
            [
                _label(child)
                for child in capture.resources
                if child.custom and child.parent.endswith(f"::{component.name}")
            ],
        )
        for component in capture.resources
        if not component.custom
    ]


def resources_document(capture: Capture) -> dict[str, Any]:
    """Everything captured, in a stable order, numbers as the program meant them."""
    resources = [whole_numbers(dataclasses.asdict(resource)) for resource in capture.resources]
    return {"resources": resources, "outputs": whole_numbers(capture.outputs)}


def kubernetes_manifests(capture: Capture) -> dict[str, str]:
    """One YAML manifest per Kubernetes object, named `<kind>-<namespace>-<name>.yaml`."""
    files = {}
    for resource in capture.resources:
        if not resource.type.startswith("kubernetes:"):
            continue
        manifest = whole_numbers(resource.inputs)
        metadata = manifest.get("metadata", {})
        name = "-".join(p for p in (manifest["kind"].lower(), metadata.get("namespace"), metadata["name"]) if p)
        files[f"{name}.yaml"] = yaml.safe_dump(manifest, sort_keys=True)  # map order from the wire varies
    return files
