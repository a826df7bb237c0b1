"""The URN the Pulumi engine gives a captured resource, e.g. for `pulumi up --target`.

`urn:pulumi:<stack>::<project>::<type chain>::<name>`, where the type chain lists the types of the
resource's ancestors and its own, joined by `$`, leaving out the root stack's type. The mock
monitor's parent URNs keep the stack's type in the chain; it is dropped here as the engine does.
"""

from __future__ import annotations

from preview.capture import CapturedResource

STACK_TYPE = "pulumi:pulumi:Stack"


def urn_of(resource: CapturedResource, stack: str, project: str) -> str:
    parts = resource.parent.split("::") if resource.parent else []
    parent_chain = parts[2] if len(parts) >= 4 else STACK_TYPE
    chain = [kind for kind in parent_chain.split("$") if kind != STACK_TYPE]
    return f"urn:pulumi:{stack}::{project}::{'$'.join([*chain, resource.type])}::{resource.name}"
