"""The pipeline end to end, as the CLI and the tests call it."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assemble import assemble
from .chart_files import chart_files
from .export import export
from .load import RawFile, load_dir
from .models import fields
from .problems import DataError, Problem
from .render import render_pages
from .tables import BY_FILE, TABLES, Table
from .validate import Rows, stale, validate

__all__ = ["assemble", "build", "check", "files", "generate"]
from .write import Content, WriteReport, joined, write

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
    problems: list[Problem] = []

    def loaded() -> Iterator[tuple[Table[Any], RawFile]]:
        columns = {t.file: tuple(fields(t.model)) for t in TABLES}
        for name, raw, found in load_dir(data_dir, columns,
                                         label=_label(data_dir)):
            problems.extend(found)
            if raw is not None:
                yield BY_FILE[name], raw

    rows, found = validate(loaded())
    problems += found
    problems += stale(rows, today or dt.date.today(), max_age_days)
    return Checked(rows, problems)


def files(data_dir: Path, repo_url: str | None = None) -> Iterator[tuple[str, Content]]:
    """Every generated file under docs/, one at a time: the pages, then the downloads
    (each chart as SVG and CSV, then the data files).

    The data is checked before this returns, so invalid data raises DataError here
    and nothing is produced.
    """
    checked = check(data_dir)
    if checked.errors:
        raise DataError(checked.errors)
    data = assemble(checked.rows)
    pages = render_pages(data, repo_url)
    encoded = ((path, text.encode("utf-8")) for path, text in pages)
    return itertools.chain(encoded, chart_files(data.charts), export(checked.rows, data_dir))


def generate(data_dir: Path, repo_url: str | None = None) -> dict[str, bytes]:
    """Every generated file under docs/, in memory (for tests and small data)."""
    with _collector_paused():
        return {path: joined(content) for path, content in files(data_dir, repo_url)}


def build(data_dir: Path, docs_dir: Path, repo_url: str | None = None) -> WriteReport:
    """Generate everything, then write it; nothing is written if anything failed."""
    with _collector_paused():
        return write(docs_dir, files(data_dir, repo_url))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    # A build makes hundreds of thousands of objects that live until it ends and form
    # no cycles; Python's cycle collector would walk them all again and again (10-15%
    # of the time at 100,000 rows) to find nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _label(data_dir: Path) -> str:
    try:
        return str(data_dir.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(data_dir)
