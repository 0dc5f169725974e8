"""The whole pipeline into a real MkDocs site: every value in data reaches the pages."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator import pipeline
from generator.assemble import money
from generator.models import Record, fields

from .conftest import ROOT


def _site_text(site: Path) -> str:
    """All visible text of the built site, entities decoded, whitespace collapsed."""
    chunks = []
    for page in site.rglob("*.html"):
        raw = page.read_text("utf-8")
        raw = re.sub(r"<br\s*/?>", " ", raw)
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        # attribute values count too: tooltips (title) carry glossary definitions
        titles = " ".join(re.findall(r'title="([^"]*)"', raw))
        raw = re.sub(r"</?(?:abbr|a|span|em|strong|time|code)\b[^>]*>", "", raw)  # inline
        chunks.append(re.sub(r"<[^>]+>", " ", raw) + " " + titles)
    return re.sub(r"\s+", " ", html.unescape(" ".join(chunks)))


def _values(record: Record):  # type: ignore[no-untyped-def]
    for name in fields(type(record)):
        value = getattr(record, name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Record):
                yield from _values(item)
            elif item is not None and not isinstance(item, bool):
                yield name, item


def test_the_site_builds_strict_with_every_page(built_site: Path) -> None:
    site = built_site / "site"
    for page in ["index.html", "costs/index.html", "evidence/index.html", "legal/index.html",
                 "mechanisms/index.html", "claims/index.html", "references/index.html",
                 "methodology/index.html", "glossary/index.html", "about/index.html",
                 "modalities/iv-infusion/index.html", "compare/index.html",
                 "compare/iv-infusion-vs-microdosing/index.html", "data/costs.csv"]:
        assert (site / page).is_file(), page


def test_every_value_in_the_data_appears_in_the_built_site(built_site: Path) -> None:
    text = _site_text(built_site / "site")
    rows = pipeline.check(ROOT / "data").rows
    missing = []
    for file_rows in rows.values():
        for row in file_rows:
            for field, value in _values(row.record):
                if isinstance(value, Decimal):
                    shown = money(value, None).rstrip("+")
                elif hasattr(value, "isoformat"):
                    shown = value.isoformat()
                elif field in {"sources", "studies", "modality", "id", "certainty", "verdict",
                               "group", "unit"}:
                    continue  # ids and enums are shown as labels and links, checked below
                else:
                    shown = re.sub(r"\s+", " ", str(value)).strip()
                if shown not in text:
                    missing.append(f"{row.path}:{row.line}: {field}: {shown!r}")
    assert missing == []


def test_every_row_cites_its_sources_and_shows_its_grade(built_site: Path) -> None:
    costs = (built_site / "site" / "costs" / "index.html").read_text("utf-8")
    rows = re.findall(r'<tr id="cost-\d+">(.*?)</tr>', costs, flags=re.S)
    assert len(rows) == len(pipeline.check(ROOT / "data").rows["costs.csv"])
    for row in rows:
        assert 'class="cite"' in row and 'class="certainty certainty-' in row
        assert "<time datetime=" in row


def test_search_index_holds_table_cells(built_site: Path) -> None:
    index = json.loads((built_site / "site" / "search" / "search_index.json").read_text("utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    for term in ["Schedule III", "New Zealand", "NMDA", "Zarate"]:
        assert term in text, term


@pytest.mark.parametrize("page", ["index.html", "costs/index.html", "about/index.html"])
def test_the_disclaimer_is_on_the_page(built_site: Path, page: str) -> None:
    assert "not medical advice" in (built_site / "site" / page).read_text("utf-8")


def test_the_built_site_is_readable_by_a_web_server(built_site: Path) -> None:
    assert (built_site / "site").stat().st_mode & 0o755 == 0o755
