"""Atomic output: a failed or interrupted build leaves the last good site and pages.

- A build that fails inside MkDocs (a broken link under --strict, an unknown setting in
  mkdocs.yml) leaves site/ byte for byte as it was and no `site.tmp-*` folder behind.
- A build killed (SIGKILL, whole process group) while MkDocs is writing leaves site/ as
  it was; the next good build still works and replaces site/ with the new result.
- A data error changes no generated page in docs/ and no file in site/.

Every test starts from one good build of the real data, copied, and changes the data
first, so that a build which did get through would visibly change the output.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import ROOT, edit_costs, make_project, run_generator, tree

NEW_NOTE = "Changed after the good build zqnewnote"


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project with the real data built into docs/ and site/."""
    project = make_project(tmp_path_factory.mktemp("good") / "project")
    result = run_generator("site", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "site" / "index.html").is_file()
    return project


@pytest.fixture
def project(good_build: Path, tmp_path: Path) -> Path:
    """A private copy of the good build to break."""
    dest = tmp_path / "project"
    shutil.copytree(good_build, dest, symlinks=True)
    return dest


def _leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir()
                  if p.name.startswith(("site.tmp-", "site.old-")))


def _site_text(project: Path) -> str:
    return (project / "site" / "costs" / "index.html").read_text("utf-8")


# --------------------------------------------------------------------------- (a)


def _break_link(project: Path) -> None:
    (project / "docs" / "broken.md").write_text(
        "# Broken\n\nSee [a page that does not exist](missing.md).\n", encoding="utf-8")


def _break_config(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nnot_a_mkdocs_setting: true\n",
                      encoding="utf-8")


@pytest.mark.parametrize("breakage", [_break_link, _break_config],
                         ids=["broken-link", "unknown-config-setting"])
def test_failed_mkdocs_build_leaves_site_untouched(
    project: Path, breakage: Callable[[Path], None],
) -> None:
    before = tree(project / "site")
    edit_costs(project, NEW_NOTE)
    breakage(project)
    result = run_generator("site", cwd=project)
    # A broken link is a warning, which `mkdocs build --strict` must turn into a failure.
    assert result.returncode != 0, (
        "the broken build succeeded and replaced site/ (is --strict in effect?):\n"
        + result.stdout + result.stderr)
    assert "mkdocs build failed" in result.stderr, result.stderr
    assert tree(project / "site") == before, "a failed build changed site/"
    assert NEW_NOTE not in _site_text(project)
    assert _leftovers(project) == [], "a failed build left its temporary folder"


# --------------------------------------------------------------------------- (b)


def _mkdocs_running(pgid: int) -> bool:
    """Whether a `mkdocs build` process of this process group is running."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            if (b"mkdocs" in cmdline and b"build" in cmdline
                    and os.getpgid(int(entry.name)) == pgid):
                return True
        except (OSError, ProcessLookupError):
            continue
    return False


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc (Linux)")
def test_interrupted_build_leaves_site_untouched(project: Path) -> None:
    before = tree(project / "site")
    edit_costs(project, NEW_NOTE)
    # The data step first, so that the build killed below is busy in MkDocs only.
    assert run_generator("build", cwd=project).returncode == 0

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "site"], cwd=project,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (any(p.name.startswith("site.tmp-") for p in project.iterdir())
                   and _mkdocs_running(proc.pid)):
            assert proc.poll() is None, "the build ended before MkDocs could be interrupted"
            assert time.monotonic() < deadline, "MkDocs never started"
            time.sleep(0.02)
        time.sleep(0.3)  # well inside MkDocs' build of a few seconds
        assert proc.poll() is None, "the build ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while _mkdocs_running(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)

    assert tree(project / "site") == before, "an interrupted build changed site/"
    assert not any(p.name.startswith("site.old-") for p in project.iterdir())
    # A `site.tmp-*` folder may be left over after SIGKILL; the next build must not mind.
    result = run_generator("site", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert NEW_NOTE in _site_text(project), "the next good build did not replace site/"
    assert tree(project / "site") != before
    assert (project / "site" / "index.html").is_file()
    assert not any(p.name.startswith("site.tmp-") for p in (project / "site").iterdir())
    assert not any(p.name.startswith("site.old-") for p in project.iterdir())


# --------------------------------------------------------------------------- (c)


def _bad_unit(project: Path) -> None:
    edit_costs(project, NEW_NOTE, unit="sesion")


def _bad_yaml(project: Path) -> None:
    edit_costs(project, NEW_NOTE)
    claims = project / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8") + '\n- id: broken\n  claim: "unclosed\n',
                      encoding="utf-8")


def _unknown_source(project: Path) -> None:
    edit_costs(project, NEW_NOTE)
    legal = project / "data" / "legal.csv"
    text = legal.read_text("utf-8-sig")
    assert "federal-register-1999" in text, "the test needs a row citing federal-register-1999"
    legal.write_text(text.replace("federal-register-1999", "federal-registr-1999", 1),
                     encoding="utf-8")


@pytest.mark.parametrize("mistake", [_bad_unit, _bad_yaml, _unknown_source],
                         ids=["misspelt-unit", "yaml-syntax", "unknown-source-id"])
def test_data_error_leaves_generated_pages_and_site_untouched(
    project: Path, mistake: Callable[[Path], None],
) -> None:
    docs_before, site_before = tree(project / "docs"), tree(project / "site")
    mistake(project)
    for command in ("build", "site"):
        result = run_generator(command, cwd=project)
        assert result.returncode == 1, f"{command}: " + result.stdout + result.stderr
        assert "Nothing was written." in result.stderr, result.stderr
        assert tree(project / "docs") == docs_before, f"{command} changed docs/"
        assert tree(project / "site") == site_before, f"{command} changed site/"
        assert _leftovers(project) == []
