"""The one error the capacity engine raises on purpose."""

from __future__ import annotations


class InfeasibleError(ValueError):
    """No plan can meet the request; each problem says why and what would help.

    Several problems (two routes of a pool, two services of a season) are kept apart, so a reader lists them
    a line each; the message reads them as one sentence, `; `-joined.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems

    def within(self, where: str) -> InfeasibleError:
        """The same problems, each said of `where` (`service api: ...`)."""
        return InfeasibleError(*(f"{where}: {problem}" for problem in self.problems))
