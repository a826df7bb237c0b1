"""The playbook's provisioning steps dated as the provisioning plan splits them over days.

When the plan's steps fit one window, the playbook's T-14 step runs them all (`seasonctl provision`).
When they take several days, each earlier day gets a step that runs that day's steps by name
(`--step`), and the T-14 step moves to the last day, where `seasonctl provision` runs everything
(what is done already changes nothing) and the final update. Pure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shlex

from freshfoodz_seasonal.playbooks.schedule import DatedStep, most_urgent_first, state_on
from freshfoodz_seasonal.provisioning.schedule import ProvisioningPlan, step_date
from freshfoodz_seasonal.provisioning.summary import t_day

# The shipped playbook's step that runs `seasonctl provision`.
PROVISION_STEP = "t14-infrastructure"


def with_provisioning_days(
    steps: list[DatedStep],
    provisioning: ProvisioningPlan,
    first_day: dt.date,
    stack: str,
    today: dt.date,
    done_ids: frozenset[str],
    late_days: int = 0,
) -> list[DatedStep]:
    """`steps` with the provisioning step on the plan's last provisioning day and one step per earlier day;
    every day `late_days` later when an earlier season holds the shared resources past T-14."""
    days = provisioning.days
    main = next((step for step in steps if step.id == PROVISION_STEP), None)
    if main is None or not days:
        return steps
    if len(days) == 1:
        at = _at(provisioning, days[0])
        return [dataclasses.replace(step, title=step.title + at) if step is main else step for step in steps]
    extra = []
    for day in days[:-1]:
        names = [step.name for step in provisioning.steps if step.day == day]
        due = step_date(first_day, day, late_days)
        step_id = f"provision-{'-'.join(names)}"
        extra.append(
            DatedStep(
                id=step_id,
                milestone=t_day(day),
                title=f"Provision ahead: {', '.join(names)} (the plan's window on this day){_at(provisioning, day)}",
                owner=main.owner,
                command=shlex.join(["seasonctl", "provision", stack, *(a for name in names for a in ("--step", name))]),
                due=due,
                state=state_on(due, today, step_id in done_ids),
            )
        )
    last = step_date(first_day, days[-1], late_days)
    moved = dataclasses.replace(
        main,
        milestone=t_day(days[-1]),
        title=main.title + _at(provisioning, days[-1]),
        due=last,
        state=state_on(last, today, main.id in done_ids),
    )
    # The playbook's own steps first on a day (a first season's adoption before any provisioning).
    return most_urgent_first([*(moved if step.id == PROVISION_STEP else step for step in steps), *extra])


def _at(provisioning: ProvisioningPlan, day: int) -> str:
    """`, at 03:00 Europe/Berlin (...)` when a step of that day disrupts and the stack has a quiet hour."""
    hours = sorted({step.hour for step in provisioning.steps if step.day == day and step.hour is not None})
    return f", at {hours[0]:02d}:00 Europe/Berlin (the quiet hour: a step disrupts)" if hours else ""
