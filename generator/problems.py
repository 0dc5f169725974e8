"""Problems found in the data, collected rather than raised one at a time."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        hint = f" ({self.hint})" if self.hint else ""
        field = f" {self.field}:" if self.field else ""
        kind = "warning: " if self.warning else ""
        return f"{where}:{field} {kind}{self.message}{hint}"


class DataError(Exception):
    """Raised at the end of a stage when any problem was collected."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(f"{len(self.problems)} problem(s) in the data")


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line, p.field, p.message)


def format_report(problems: list[Problem]) -> str:
    """Every problem on its own line, then a count, as the CLI prints them."""
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    lines = [str(p) for p in sorted(problems, key=_sort_key)]
    summary = []
    if errors:
        summary.append(f"{len(errors)} error{'s' if len(errors) != 1 else ''}")
    if warnings:
        summary.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    if summary:
        lines.append(", ".join(summary) + ".")
    return "\n".join(lines)
