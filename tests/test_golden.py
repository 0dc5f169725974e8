"""Golden tests: fixture data in, exact pages or exact error messages out.

The fixtures live under tests/golden/, so editing data/ never needs a golden update; the
live data is checked by invariants (test_integration.py). Refresh after an intended change
to pages or messages with `make golden` (pytest --update-golden).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.problems import format_report
from generator.render import render

from .conftest import GOLDEN, GOLDEN_TODAY, MINIMAL

ERROR_CASES = sorted(p.name for p in (GOLDEN / "errors").iterdir() if p.is_dir())


def _with_overrides(tmp_path: Path, case: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    for override in case.iterdir():
        if override.name != "expected.txt":
            shutil.copy(override, data / override.name)
    return data


def _compare(expected: Path, actual: str, update: bool) -> None:
    if update:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.is_file(), f"no golden file {expected}; run `make golden`"
    assert actual == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_gives_the_pinned_error_message(case: str, tmp_path: Path,
                                                   update_golden: bool) -> None:
    folder = GOLDEN / "errors" / case
    data = _with_overrides(tmp_path, folder)
    checked = pipeline.check(data, today=GOLDEN_TODAY)
    assert checked.errors, "a bad-input case must produce at least one error"
    report = format_report(checked.problems).replace(str(data), "data")
    _compare(folder / "expected.txt", report + "\n", update_golden)


def _pages(data: Path) -> dict[str, str]:
    checked = pipeline.check(data, today=GOLDEN_TODAY)
    assert not checked.errors, format_report(checked.errors)
    return render(pipeline.assemble(checked.rows))


def test_minimal_data_renders_the_pinned_pages(update_golden: bool) -> None:
    _compare_pages(_pages(MINIMAL), GOLDEN / "minimal-pages", update_golden)


def _compare_pages(pages: dict[str, str], folder: Path, update: bool) -> None:
    if update:
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in pages.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
    expected = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert expected == set(pages), "the set of generated pages changed; run `make golden`"
    for path, text in pages.items():
        assert text == (folder / path).read_text(encoding="utf-8"), f"{path} changed"
