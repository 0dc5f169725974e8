"""Shared fixtures: throwaway copies of the project to build in, and golden options."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
MINIMAL = GOLDEN / "minimal"
# Golden outputs are pinned to the day the fixtures were reviewed, so review-age
# warnings do not change as the calendar moves on.
GOLDEN_TODAY = dt.date(2026, 11, 26)
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(reason: str) -> None:
    """A tool the tests need is not there: fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)", pytrace=False)
    pytest.skip(reason)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (Debian's, never a downloaded one)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install -r requirements-dev.txt)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                           headless=True)
    except Exception as err:
        manager.stop()
        missing(f"Chromium at {CHROMIUM} did not start: {err}")
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


def json_validator(schema: dict[str, Any]) -> Any:
    """A validator for `schema` in its own draft that also checks formats (dates, URIs)."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_project(dest: Path, data: Path = ROOT / "data") -> Path:
    """A copy of the project's inputs (data, config, hand-written pages) to build in."""
    shutil.copytree(data, dest / "data")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "docs").mkdir()
    shutil.copytree(ROOT / "docs" / "about", dest / "docs" / "about")
    shutil.copytree(ROOT / "docs" / "assets", dest / "docs" / "assets")
    return dest


def edit_costs(project: Path, detail: str, unit: str | None = None) -> None:
    """Change the first price's detail (and unit) the way an editor saves the file."""
    path = project / "data" / "costs.csv"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["detail"] = detail
    if unit is not None:
        rows[0]["unit"] = unit
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def run_generator(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ...` as a maintainer would, from `cwd`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to compare before and after."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data built into a full site once per test session."""
    project = make_project(tmp_path_factory.mktemp("site"))
    result = run_generator("site", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project
