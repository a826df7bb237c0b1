"""Who holds the shared resources, written on them: the HPAs' annotations and the primary's tags.

The calendar (seasons.ownership) decides which season may change the shared resources; these marks
say on the objects themselves which season changed them last, so that a stack whose calendar was
edited (a stack file copied, a window moved) still cannot take them from a season at its peak.

- Each HPA patch carries season, stack and phase: whoever looks at the HPA sees who set its values.
- The primary carries season and stack as tags while a season holds it at its peak, and none
  otherwise: phase baseline (the rollback) takes the season's tags off and keeps every other tag.
  So a first adoption (phase baseline) declares exactly the tags the primary has, which Pulumi's
  import requires.

Pure: the live tags are a parameter, read by the program (adapters.live_primary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from freshfoodz_seasonal.naming import (
    OWNER_PHASE_ANNOTATION,
    OWNER_SEASON_ANNOTATION,
    OWNER_STACK_ANNOTATION,
    STACK_NAME,
)
from freshfoodz_seasonal.seasons.ownership import OVERRIDE_VARIABLE

# The primary's owner tags: the same keys as the HPAs' annotations, without the phase (a tag is there
# only at the peak).
OWNER_TAG_KEYS = (OWNER_SEASON_ANNOTATION, OWNER_STACK_ANNOTATION)


@dataclass(frozen=True)
class Owner:
    """The season and stack that hold the shared resources at their peak."""

    season: str
    stack: str


def owner_annotations(owner: Owner, phase: str) -> dict[str, str]:
    """The season, stack and phase that set a shared Kubernetes object last."""
    return {OWNER_SEASON_ANNOTATION: owner.season, OWNER_STACK_ANNOTATION: owner.stack, OWNER_PHASE_ANNOTATION: phase}


def primary_tags(live_tags: Mapping[str, str], owner: Owner, peak: bool) -> dict[str, str]:
    """The primary's tags as this phase declares them: every live tag but the owner tags, and this
    stack's owner tags at the peak."""
    kept = {key: value for key, value in live_tags.items() if key not in OWNER_TAG_KEYS}
    if peak:
        kept |= {OWNER_SEASON_ANNOTATION: owner.season, OWNER_STACK_ANNOTATION: owner.stack}
    return dict(sorted(kept.items()))


def live_owner_refusal(identifier: str, live_tags: Mapping[str, str], stack: str) -> str | None:
    """Why `stack` may not change the shared resources the live primary says another stack holds; None
    if it names no owner or this stack.

    The tags are someone else's input: a value that is no stack or season name is not echoed, and an
    owner tag with such a value (or only one of the two) refuses too, since the holder cannot be told.
    """
    season, holder_stack = (live_tags.get(key) for key in OWNER_TAG_KEYS)
    if season is None and holder_stack is None:
        return None
    if not (season and holder_stack and STACK_NAME.fullmatch(season) and STACK_NAME.fullmatch(holder_stack)):
        return (
            f"the primary {identifier} carries owner tags ({', '.join(OWNER_TAG_KEYS)}) that name no season "
            "and stack: which season holds the shared resources cannot be told; correct or remove the tags"
        )
    holder = Owner(season, holder_stack)
    if holder.stack == stack:
        return None
    return (
        f"the primary {identifier} is tagged as held by season {holder.season} (stack {holder.stack}) at its "
        f"peak: that stack gives the shared resources back with its rollback (seasonctl rollback "
        f"{holder.stack}), which takes the tags off; if another season's span has begun since, run that "
        f"rollback with {OVERRIDE_VARIABLE} set to the reason; if stack {holder.stack} no longer exists, remove "
        f"the tags ({OWNER_TAG_KEYS[0]}, {OWNER_TAG_KEYS[1]}) from {identifier} by hand"
    )
