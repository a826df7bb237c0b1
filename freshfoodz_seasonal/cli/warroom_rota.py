"""`seasonctl warroom rota`: the roster and the stack's war room in, the rota out (table, JSON or ICS)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.roster_file import load_roster
from freshfoodz_seasonal.cli.clock import read_clock
from freshfoodz_seasonal.cli.exits import EXIT_INFEASIBLE, EXIT_INVALID, fail, print_json
from freshfoodz_seasonal.cli.stacks import load_stack
from freshfoodz_seasonal.cli.tables import Section, to_rich
from freshfoodz_seasonal.cli.warroom_stack import war_room_of
from freshfoodz_seasonal.config.problems import ConfigError
from freshfoodz_seasonal.config.war_room import WarRoom
from freshfoodz_seasonal.seasons.windows import season_year, window_label
from freshfoodz_seasonal.warroom.roster import Role
from freshfoodz_seasonal.warroom.rota import Rota, make_rota
from freshfoodz_seasonal.warroom.rota_ics import rota_ics
from freshfoodz_seasonal.warroom.staffing import Shift, StaffingError, staffed_shifts


def run_rota(stack: str, roster_path: Path, year: int | None, output_format: str, project_dir: Path) -> None:
    loaded = load_stack(stack, project_dir, load_catalog())
    war_room = war_room_of(loaded)
    name, title = loaded.name, loaded.settings.season.title
    start, end = loaded.settings.season.window.start, loaded.settings.season.window.end
    try:
        roster = load_roster(roster_path)
    except ConfigError as error:
        fail(EXIT_INVALID, [str(problem) for problem in error.problems])
    if output_format == "ics":
        unreachable = [person.name for person in roster.people if person.email is None]
        if unreachable:
            fail(
                EXIT_INVALID,
                [f"{roster_path}: an invitation needs an e-mail address; none for {', '.join(unreachable)}"],
            )
    now = read_clock()
    shown_year = year if year is not None else season_year(start, end, now.today)
    try:
        window, shifts = staffed_shifts(war_room, start, end, shown_year)
    except StaffingError as error:
        fail(EXIT_INVALID, [f"{name}: {error}"])
    rota = make_rota(shifts, roster, war_room.rota)
    if output_format == "ics":
        if rota.covered:
            sys.stdout.write(rota_ics(name, title, rota, roster, now.utc).decode("utf-8"))
    elif output_format == "json":
        print_json(rota_as_dict(name, shown_year, war_room, rota))
    else:
        Console(highlight=False).print(
            to_rich(f"{title}: war room rota {window_label(window)}", rota_sections(rota)), crop=False
        )
    if not rota.covered:
        fail(EXIT_INFEASIBLE, uncovered_lines(rota, len(shifts)))


def _clock(shift: Shift) -> str:
    return f"{shift.start:%a %Y-%m-%d %H:%M}-{shift.end:%H:%M}"


def uncovered_lines(rota: Rota, shifts: int) -> list[str]:
    """The open shifts as runs of hours per role, and what relaxing each limit alone would cover."""
    cannot = "cannot be covered" if rota.most_covered else "were not covered by any rota the solver found in its budget"
    lines = [f"{len(rota.uncovered)} of {shifts * 2} shift places {cannot}:"]
    for role in (Role.PRIMARY, Role.SECONDARY):
        open_ = [shift for shift, open_role in rota.uncovered if open_role is role]
        runs: list[list[Shift]] = []
        for shift in open_:
            if runs and runs[-1][-1].end == shift.start:
                runs[-1].append(shift)
            else:
                runs.append([shift])
        lines += [f"  {role.value}: {run[0].start:%Y-%m-%d %H:%M} to {run[-1].end:%Y-%m-%d %H:%M}" for run in runs]
    if rota.binding:
        lines += [
            f"  with {relaxed.limit} relaxed alone, {relaxed.covered} of {shifts * 2} would be covered"
            for relaxed in rota.binding
        ]
    else:
        lines.append("  no single limit binds: the roster has too few people for these hours")
    lines.append("add people (or roles) to the roster, or change warRoom.hours, warRoom.days or warRoom.rota")
    return lines


def rota_sections(rota: Rota) -> list[Section]:
    by_shift: dict[Shift, dict[Role, str]] = {}
    for assignment in rota.assignments:
        by_shift.setdefault(assignment.shift, {})[assignment.role] = assignment.person
    for shift, role in rota.uncovered:
        by_shift.setdefault(shift, {})[role] = "(open)"
    rows = [
        [_clock(shift), people.get(Role.PRIMARY, "-"), people.get(Role.SECONDARY, "-")]
        for shift, people in sorted(by_shift.items(), key=lambda item: item[0].start)
    ]
    fairness = "fairest possible" if rota.optimal else "the fairest found within the solver's budget"
    return [
        Section("Shifts (Europe/Berlin)", ["shift", "primary", "secondary"], rows),
        Section(
            "Load per person",
            ["person", "shifts", "hours", "nights", "weekends"],
            [
                [load.name, str(load.shifts), f"{load.hours:g}", str(load.nights), str(load.weekends)]
                for load in rota.loads
            ],
            [
                "nights: shifts with more than 2 h between 23:00 and 06:00; weekends: shifts starting on a "
                f"Saturday or Sunday; the spread is the {fairness}"
            ],
        ),
    ]


def rota_as_dict(stack: str, year: int, war_room: WarRoom, rota: Rota) -> dict[str, Any]:
    limits = war_room.rota
    return {
        "stack": stack,
        "year": year,
        "limits": {
            "max_shift_hours": limits.max_shift_hours,
            "min_rest_hours": limits.min_rest_hours,
            "max_shifts_per_7_days": limits.max_shifts_per_7_days,
        },
        "shifts": [
            {
                "person": a.person,
                "role": a.role.value,
                "start": a.shift.start.isoformat(),
                "end": a.shift.end.isoformat(),
            }
            for a in rota.assignments
        ],
        "uncovered": [
            {"role": role.value, "start": shift.start.isoformat(), "end": shift.end.isoformat()}
            for shift, role in rota.uncovered
        ],
        "people": [
            {
                "person": load.name,
                "shifts": load.shifts,
                "hours": load.hours,
                "nights": load.nights,
                "weekends": load.weekends,
            }
            for load in rota.loads
        ],
        "fairness_proven_optimal": rota.optimal,
        "coverage_proven_optimal": rota.most_covered,
        "binding_limits": [{"limit": relaxed.limit, "covered": relaxed.covered} for relaxed in rota.binding],
    }
