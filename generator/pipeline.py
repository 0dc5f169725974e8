"""The pipeline end to end, as the CLI and the tests call it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble
from .export import export
from .load import load_dir
from .models import DATA_FILES
from .problems import DataError, Problem
from .render import render
from .validate import Rows, stale, validate

__all__ = ["assemble", "build", "check", "generate"]
from .write import WriteReport, write

REVIEW_MAX_AGE_DAYS = 365


@dataclass(frozen=True)
class Checked:
    rows: Rows
    problems: list[Problem]  # errors and warnings

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def check(data_dir: Path, today: dt.date | None = None,
          max_age_days: int = REVIEW_MAX_AGE_DAYS) -> Checked:
    """Load and validate every data file; collect every problem, warnings included."""
    files, problems = load_dir(data_dir, list(DATA_FILES), label=_label(data_dir))
    rows, found = validate(files)
    problems += found
    problems += stale(rows, today or dt.date.today(), max_age_days)
    return Checked(rows, problems)


def generate(data_dir: Path, repo_url: str | None = None) -> dict[str, bytes]:
    """Every generated file under docs/, in memory: pages and the data downloads."""
    checked = check(data_dir)
    if checked.errors:
        raise DataError(checked.errors)
    pages = render(assemble(checked.rows), repo_url)
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files.update(export(checked.rows, data_dir))
    return files


def build(data_dir: Path, docs_dir: Path, repo_url: str | None = None) -> WriteReport:
    """Generate everything, then write it; nothing is written if anything failed."""
    return write(docs_dir, generate(data_dir, repo_url))


def _label(data_dir: Path) -> str:
    try:
        return str(data_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(data_dir)
