"""Fixtures for the browser tests: a freshly built site, a local server, one Chromium.

The site is built once per session from a copy of the project's inputs (data/,
mkdocs.yml and the hand-written files in docs/), served by `http.server` on
127.0.0.1 at a free port, and driven by Debian's Chromium through Playwright.

Chromium, Java and the Nu HTML Checker are installed by .ci/run (apt, npm ci). Outside
CI a missing tool skips the tests that need it, with the reason; in CI (CI=true) it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import make_project
from ..static_host import serve_folder

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DESKTOP = {"width": 1280, "height": 900}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data built into a full site, in a temporary copy of the project."""
    project = make_project(tmp_path_factory.mktemp("browser-site"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "generator", "site"], cwd=project, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    assert (site / "index.html").is_file()
    return site


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """http://127.0.0.1:PORT/ serving the built site from a thread."""
    with serve_folder(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def page_paths(site_dir: Path) -> list[str]:
    """URL paths of every page (each index.html), 404 page excluded: '', 'costs/', ..."""
    paths = []
    for index in sorted(site_dir.rglob("index.html")):
        rel = index.parent.relative_to(site_dir).as_posix()
        paths.append("" if rel == "." else rel + "/")
    return paths


@pytest.fixture(scope="session")
def desktop(browser: Any) -> Iterator[Any]:
    """A desktop-sized browser context, shared by the tests."""
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone(browser: Any) -> Iterator[Any]:
    """A 360 px wide context, as a small phone."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2,
                                  service_workers="block")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(desktop: Any) -> Iterator[Any]:
    """A fresh tab in the shared desktop context."""
    tab = desktop.new_page()
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
