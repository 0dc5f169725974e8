"""The command line as maintainers use it: messages, exit codes, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import GOLDEN, make_project, run_generator, tree

ERROR_CASES = sorted(p.name for p in (GOLDEN / "errors").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the minimal data, built once: pages in docs/ and a site in site/."""
    project = make_project(tmp_path_factory.mktemp("good"), GOLDEN / "minimal")
    result = run_generator("site", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_fails_names_file_line_field_and_leaves_docs_and_site_alone(
    case: str, good_build: Path, tmp_path: Path
) -> None:
    project = tmp_path / "p"
    shutil.copytree(good_build, project)
    before_docs, before_site = tree(project / "docs"), tree(project / "site")
    for override in (GOLDEN / "errors" / case).iterdir():
        if override.name != "expected.txt":
            shutil.copy(override, project / "data" / override.name)

    result = run_generator("site", cwd=project)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    expected = (GOLDEN / "errors" / case / "expected.txt").read_text("utf-8")
    for line in expected.splitlines()[:-1]:  # every problem line; the count line differs only
        assert line in result.stderr        # by review-age warnings, which the CLI adds
    assert result.stderr.rstrip().endswith("Nothing was written.")
    assert tree(project / "docs") == before_docs
    assert tree(project / "site") == before_site


def test_check_reports_problems_of_several_files_in_one_run(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOLDEN / "minimal")
    for override in (GOLDEN / "errors" / "many-at-once").iterdir():
        if override.name != "expected.txt":
            shutil.copy(override, project / "data" / override.name)
    result = run_generator("check", cwd=project)
    assert result.returncode == 1
    for name in ("data/claims.yaml:3: verdict", "data/costs.csv:2: low_usd",
                 "data/legal.csv:2: substance"):
        assert name in result.stderr
    assert "3 errors." in result.stderr


def test_debug_shows_the_traceback_the_plain_run_hides(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOLDEN / "minimal")
    (project / "mkdocs.yml").unlink()
    plain = run_generator("site", cwd=project)
    debug = run_generator("--debug", "site", cwd=project)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert "mkdocs build failed" in plain.stderr
    assert debug.returncode == 1


def test_check_passes_on_the_real_data() -> None:
    from .conftest import ROOT
    result = run_generator("check", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "all valid" in result.stdout


def test_review_age_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOLDEN / "minimal")
    claims = project / "data" / "claims.yaml"
    claims.write_text(claims.read_text("utf-8").replace("2026-11-26", "2024-01-02"), "utf-8")
    lenient = run_generator("check", cwd=project)
    strict = run_generator("check", "--strict", cwd=project)
    assert lenient.returncode == 0
    assert ("data/claims.yaml:1: reviewed: warning: last reviewed 2024-01-02, "
            "over 365 days ago") in lenient.stderr
    assert strict.returncode == 1


def test_a_source_no_fact_cites_is_a_warning_and_an_error_under_strict(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOLDEN / "minimal")
    with (project / "data" / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- id: nobody-cites-this\n  kind: news\n  title: A page no fact cites\n"
                     "  publisher: Example News\n  url: https://example.org/uncited\n")
    expected = ("data/sources.yaml:", " id: warning: source 'nobody-cites-this' is cited by "
                "no fact (cite it where it backs a fact, or remove it) [source-unused]")
    plain = run_generator("check", cwd=project)
    assert plain.returncode == 0 and all(part in plain.stderr for part in expected)
    strict = run_generator("check", "--strict", cwd=project)
    assert strict.returncode == 1 and expected[1] in strict.stderr


def test_a_long_headline_without_a_glance_is_a_warning_and_a_glance_fixes_it(
        tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", GOLDEN / "minimal")
    course = project / "data" / "course.csv"
    long = "Six infusions over two to three weeks in the trials and each over forty minutes"
    course.write_text(course.read_text("utf-8").replace(
        "Six infusions in three weeks", long), "utf-8")
    expected = ("data/course.csv:2: glance: warning: the home page or a comparison shows this "
                "fact in a phrase, and its value (with the row's name, if it is shown under "
                f"one) is {len('Sessions and schedule: ' + long)} characters, over 60 (add a "
                "glance: the value in a phrase of at most 60 characters) [glance-missing]")
    plain = run_generator("check", cwd=project)
    assert plain.returncode == 0 and expected in plain.stderr
    assert run_generator("check", "--strict", cwd=project).returncode == 1
    text = course.read_text("utf-8").replace("headline,value,", "headline,value,glance,")
    course.write_text(text.replace(f"{long},", f"{long},Six infusions in 2–3 weeks,"), "utf-8")
    fixed = run_generator("check", "--strict", cwd=project)
    assert fixed.returncode == 0 and "glance" not in fixed.stderr, fixed.stderr
