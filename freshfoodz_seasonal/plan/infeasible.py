"""Several things no plan can meet at once: each service's or worker's on a line of its own."""

from __future__ import annotations

from collections.abc import Sequence

from capacity.errors import InfeasibleError


class InfeasibleProblems(InfeasibleError):
    """Every workload that cannot be planned, each with what would help; read as one sentence, `; `-joined."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def problem_lines(error: InfeasibleError) -> list[str]:
    """The error's problems, one per line."""
    return list(error.problems) if isinstance(error, InfeasibleProblems) else [str(error)]
