"""The site also builds with Zensical (MkDocs' successor), from the same mkdocs.yml.

Zensical has no --site-dir option, so it reads a throwaway config that INHERITs
mkdocs.yml and only moves the output (as `make build-zensical` does). Outside CI a
missing Zensical skips these tests with the reason; in CI (CI=true) it fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
CONFIG = "zensical-test.yml"


@pytest.fixture(scope="module")
def zensical_site(built_site: Path) -> Path:
    """The real data, generated and built by MkDocs (built_site), then built by Zensical."""
    if importlib.util.find_spec("zensical") is None:
        reason = "zensical is not installed (make test installs requirements-dev.txt)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true", pytrace=False)
        pytest.skip(reason)
    (built_site / CONFIG).write_text("INHERIT: mkdocs.yml\nsite_dir: site-zensical\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--config-file", CONFIG],
        cwd=built_site, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return built_site / "site-zensical"


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_zensical_builds_the_same_pages_as_mkdocs(built_site: Path, zensical_site: Path) -> None:
    mkdocs, zensical = pages(built_site / "site"), pages(zensical_site)
    assert zensical == mkdocs, (
        f"only MkDocs: {sorted(mkdocs - zensical)}; only Zensical: {sorted(zensical - mkdocs)}"
    )


class _Links(HTMLParser):
    """Every href and src inside the page's <article> (the content, not the theme)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        values = dict(attrs)
        if self.depth and values.get("id") != "__skip":  # Zensical's skip-link target
            self.links += [v for k in ("href", "src") if (v := values.get(k))]

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def _resolved_links(site: Path, page: str) -> list[str]:
    parser = _Links()
    parser.feed((site / page).read_text("utf-8"))
    # Resolved as a browser would on a site published under a sub-path (GitHub Pages).
    base = "https://example.org/repo/" + page.removesuffix("index.html")
    return [urljoin(base, link) for link in parser.links]


def test_zensical_links_lead_where_mkdocs_links_do(built_site: Path,
                                                   zensical_site: Path) -> None:
    """Zensical resolves links in raw HTML from the Markdown file's folder; every page is a
    folder's index.md (render.doc_file) so that this agrees with MkDocs' page URLs."""
    differ = {}
    for page in sorted(pages(built_site / "site")):
        ours = _resolved_links(built_site / "site", page)
        theirs = _resolved_links(zensical_site, page)
        wrong = [(a, b) for a, b in zip(ours, theirs, strict=False) if a != b]
        if wrong or len(ours) != len(theirs):
            differ[page] = wrong[:3] or f"{len(ours)} links vs {len(theirs)}"
    assert not differ, differ
