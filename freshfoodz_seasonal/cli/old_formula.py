"""The original operations plan's sizing formula (`--method seed`) as every command names and explains it."""

from __future__ import annotations

from capacity.pool_sizing import Binding, Method

OLD_FORMULA = "old formula"
OLD_FORMULA_NOTE = (
    f"{OLD_FORMULA}: the pods the original operations plan's formula, ceil(ceil(rps x p95) / utilization), gives; it "
    "takes a p95 for the mean Little's Law needs and ignores a pod's slots, so the queueing model (--method "
    "model, the default) is what plans to the SLOs"
)
METHOD_HELP = f"model (queueing) or seed (the {OLD_FORMULA}: the original operations plan's formula)"


def shown(name: str) -> str:
    """A method or a binding constraint as a table shows it: the seed method and its binding as the old
    formula, any other as it is named (JSON keeps the names)."""
    return OLD_FORMULA if name in (Method.SEED.value, Binding.SEED_FORMULA.value) else name
