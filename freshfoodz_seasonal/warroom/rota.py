"""The war room's rota: a primary and a secondary for every staffed shift, within the working-time limits,
nobody on a day they cannot work, night and weekend shifts spread fairly.

A constraint model (OR-Tools CP-SAT) rather than a greedy pass: a greedy assignment can fail where a
rota exists, and the team must be able to trust "cannot be covered". Coverage is maximised first, so a
roster that cannot cover every shift still yields the best rota and the exact shifts left open; each limit
is then relaxed alone to name the one that binds. Fairness comes second, goal by goal with the coverage
and each earlier goal's best kept: the most night shifts of any one person as few as can be, then the
fewest as many as can be, then the same for weekend shifts, then for all shifts. The solver runs on one thread
with a fixed seed and a deterministic time budget, so the same roster gives the same rota.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from freshfoodz_seasonal.config.war_room import RotaLimits
from freshfoodz_seasonal.warroom.roster import Person, Role, Roster
from freshfoodz_seasonal.warroom.staffing import Shift

# Deterministic work units (about seconds on a fast machine) per solve: enough to prove a season's rota.
SOLVER_BUDGET = 20.0
# Per solve that relaxes a limit to name the one that binds: a count, not a rota, so a shorter budget.
DIAGNOSIS_BUDGET = 5.0
ROLES = (Role.PRIMARY, Role.SECONDARY)


@dataclass(frozen=True)
class Assignment:
    shift: Shift
    role: Role
    person: str


@dataclass(frozen=True)
class PersonLoad:
    name: str
    shifts: int
    hours: float
    nights: int
    weekends: int


@dataclass(frozen=True)
class Relaxed:
    """What relaxing one limit alone would cover."""

    limit: str
    covered: int


@dataclass(frozen=True)
class Rota:
    assignments: tuple[Assignment, ...]
    uncovered: tuple[tuple[Shift, Role], ...]
    loads: tuple[PersonLoad, ...]
    optimal: bool
    """The fairness was proven the best possible (else: the best found within the budget)."""
    most_covered: bool
    """No rota covers more shift places: proven (else: the most found within the budget)."""
    binding: tuple[Relaxed, ...] = ()
    """Where shifts stay open: each limit relaxed alone and the shifts it would then cover, most first."""

    @property
    def covered(self) -> bool:
        return not self.uncovered


@dataclass(frozen=True)
class _Rules:
    """Which of the rota's rules hold; the diagnosis switches one off at a time."""

    availability: bool = True
    rest: bool = True
    week: bool = True
    roles: bool = True


LIMIT_NAMES = {
    "availability": "the days people cannot work (roster `unavailable`)",
    "rest": "warRoom.rota.minRestHours",
    "week": "warRoom.rota.maxShiftsPer7Days",
    "roles": "the roles people hold (roster `roles`)",
}


def _eligible(person: Person, shift: Shift, role: Role, rules: _Rules) -> bool:
    if rules.roles and role not in person.roles:
        return False
    return not (rules.availability and any(date in person.unavailable for date in shift.dates))


def _too_close(first: Shift, second: Shift, rest_hours: float) -> bool:
    """Two shifts one person may not both work: they overlap, or the rest between them is short."""
    rest = dt.timedelta(hours=rest_hours)
    return first.utc_start < second.utc_end + rest and second.utc_start < first.utc_end + rest


Works = dict[tuple[int, int], list[cp_model.IntVar]]


@dataclass(frozen=True)
class _Solved:
    solver: cp_model.CpSolver
    x: dict[tuple[int, int, Role], cp_model.IntVar]
    most: bool
    """No rota covers more places: proven."""
    fairest: bool
    """No rota covering as many is fairer: proven."""


def _limit_person(
    model: cp_model.CpModel, works: Works, p: int, shifts: Sequence[Shift], limits: RotaLimits, rules: _Rules
) -> None:
    """One person's rest between shifts and shifts in any 7 days."""
    mine = sorted(s for (q, s) in works if q == p)
    if rules.rest:
        for i, first in enumerate(mine):
            for second in mine[i + 1 :]:
                if shifts[second].utc_start >= shifts[first].utc_end + dt.timedelta(hours=limits.min_rest_hours):
                    break
                if _too_close(shifts[first], shifts[second], limits.min_rest_hours):
                    model.add(sum(works[p, first]) + sum(works[p, second]) <= 1)
    if rules.week:
        # Any 7 days: every window of 7 x 24 hours from one of the person's possible shift starts.
        week = dt.timedelta(days=7)
        for first in mine:
            start = shifts[first].utc_start
            inside = [s for s in mine if start <= shifts[s].utc_start < start + week]
            if len(inside) > limits.max_shifts_per_7_days:
                model.add(sum(v for s in inside for v in works[p, s]) <= limits.max_shifts_per_7_days)


def _fairness_goals(
    model: cp_model.CpModel, works: Works, shifts: Sequence[Shift], people: int
) -> list[cp_model.LinearExpr]:
    """What a fair rota keeps low, in order: for night shifts, then weekend shifts, then all shifts, the
    most any one person has, and then the fewest any one has, raised (as its negative, lowered)."""

    def counts(of: Iterable[int]) -> list[cp_model.LinearExpr]:
        chosen = set(of)
        return [
            cp_model.LinearExpr.sum([v for s in chosen if (p, s) in works for v in works[p, s]]) for p in range(people)
        ]

    bound = len(shifts) * 2
    goals: list[cp_model.LinearExpr] = []
    for name, of in (
        ("nights", [s for s, shift in enumerate(shifts) if shift.night]),
        ("weekends", [s for s, shift in enumerate(shifts) if shift.weekend]),
        ("shifts", list(range(len(shifts)))),
    ):
        each = counts(of)
        total = cp_model.LinearExpr.sum(each)
        most, fewest = model.new_int_var(0, bound, f"most_{name}"), model.new_int_var(0, bound, f"fewest_{name}")
        model.add_max_equality(most, each)
        model.add_min_equality(fewest, each)
        # Redundant, and what lets the solver prove each goal quickly: the most is at least the mean, the
        # fewest at most the mean.
        model.add(most * people >= total)
        model.add(fewest * people <= total)
        goals += [most, -fewest]
    return goals


def _solve(
    shifts: Sequence[Shift], people: Sequence[Person], limits: RotaLimits, rules: _Rules, fair: bool
) -> _Solved | None:
    """The rota covering the most shifts (with `fair`, the fairest of those); None when the solver found none
    within its budget.

    The most covered places first: every place that anyone may take, asked for as a requirement (a rota
    that meets it covers the most by construction, which a search for the most might not prove in its
    budget), else the most found. Then, with that many places required, the fairness goals in order.
    Required, the coverage fixes how many night and weekend places there are, so each goal is proven
    quickly."""
    model = cp_model.CpModel()
    x = {
        (p, s, role): model.new_bool_var(f"x{p}_{s}_{role.value}")
        for p, person in enumerate(people)
        for s, shift in enumerate(shifts)
        for role in ROLES
        if _eligible(person, shift, role, rules)
    }
    works: Works = {}
    for (p, s, _), var in x.items():
        works.setdefault((p, s), []).append(var)
    places = []
    every_place = model.new_bool_var("every_place")
    for s in range(len(shifts)):
        for role in ROLES:
            takers = [var for (_, t, r), var in x.items() if t == s and r == role]
            if takers:
                model.add(sum(takers) <= 1)
                model.add(sum(takers) == 1).only_enforce_if(every_place)
                places += takers
    for roles in works.values():
        model.add(sum(roles) <= 1)  # one role per shift
    for p in range(len(people)):
        _limit_person(model, works, p, shifts, limits, rules)
    covered = cp_model.LinearExpr.sum(places)
    budget = SOLVER_BUDGET if fair else DIAGNOSIS_BUDGET
    model.add_assumptions([every_place])
    solver = _solver(budget)
    status = solver.status_name(solver.solve(model))
    model.clear_assumptions()
    most = status in ("OPTIMAL", "FEASIBLE")
    if not most:
        model.maximize(covered)
        solver = _solver(budget)
        status = solver.status_name(solver.solve(model))
        if status not in ("OPTIMAL", "FEASIBLE"):
            return None
        most = status == "OPTIMAL"
    if not fair or not people:
        return _Solved(solver, x, most, fairest=False)
    model.add(covered >= sum(int(solver.value(var)) for var in places))
    # Each goal in its order, the best of each kept while the next is lowered: a night less for the most
    # loaded person matters more than any number of weekend shifts.
    fairest = True
    for goal in _fairness_goals(model, works, shifts, len(people)):
        model.clear_hints()  # type: ignore[no-untyped-call]  # OR-Tools leaves it unannotated
        for var in places:
            model.add_hint(var, solver.value(var))
        model.minimize(goal)
        fairer = _solver()
        status = fairer.status_name(fairer.solve(model))
        if status not in ("OPTIMAL", "FEASIBLE"):
            return _Solved(solver, x, most, fairest=False)
        fairest = fairest and status == "OPTIMAL"
        model.add(goal <= round(fairer.objective_value))
        solver = fairer
    return _Solved(solver, x, most, fairest)


def _solver(budget: float = SOLVER_BUDGET) -> cp_model.CpSolver:
    """One thread, a fixed seed and a deterministic budget: the same roster gives the same rota anywhere."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_deterministic_time = budget
    return solver


def make_rota(shifts: Sequence[Shift], roster: Roster, limits: RotaLimits) -> Rota:
    """The fairest rota that covers the most shifts; where some stay open, which limit binds."""
    people = roster.people
    solved = _solve(shifts, people, limits, _Rules(), fair=True)
    if solved is None:  # the model always has the empty rota: only a budget too small gets here
        raise RuntimeError("the rota solver found no rota within its budget")
    solver, x = solved.solver, solved.x
    assignments = tuple(
        Assignment(shifts[s], role, people[p].name)
        for (p, s, role), var in sorted(x.items(), key=lambda item: (item[0][1], item[0][2] != Role.PRIMARY))
        if solver.value(var)
    )
    taken = {(a.shift, a.role) for a in assignments}
    uncovered = tuple((shift, role) for shift in shifts for role in ROLES if (shift, role) not in taken)
    binding: tuple[Relaxed, ...] = ()
    if uncovered:
        binding = _binding(shifts, people, limits, len(shifts) * 2 - len(uncovered))
    return Rota(assignments, uncovered, _loads(people, assignments), solved.fairest, solved.most, binding)


def _binding(
    shifts: Sequence[Shift], people: Sequence[Person], limits: RotaLimits, covered: int
) -> tuple[Relaxed, ...]:
    """Each limit relaxed alone: how many shifts would then be covered, where more than now."""
    found = []
    for rule, limit in LIMIT_NAMES.items():
        solved = _solve(shifts, people, limits, _Rules(**{rule: False}), fair=False)
        if solved is None:
            continue
        now = sum(int(solved.solver.value(var)) for var in solved.x.values())
        if now > covered:
            found.append(Relaxed(limit, now))
    return tuple(sorted(found, key=lambda relaxed: -relaxed.covered))


def _loads(people: Sequence[Person], assignments: Sequence[Assignment]) -> tuple[PersonLoad, ...]:
    loads = []
    for person in people:
        mine = [a.shift for a in assignments if a.person == person.name]
        loads.append(
            PersonLoad(
                person.name,
                len(mine),
                round(sum(shift.hours for shift in mine), 2),
                sum(shift.night for shift in mine),
                sum(shift.weekend for shift in mine),
            )
        )
    return tuple(loads)
