"""The live data built into a real MkDocs site, checked by invariants, not goldens.

Editing a row of data/ never needs a golden update: these tests hold for any valid data.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest

from generator import pipeline
from generator.models import (
    COMPUTABLE,
    GLANCE_MAX,
    GRADE_SUPPORT,
    Record,
    SourceKind,
    fields,
    money,
    source_id,
)
from generator.tables import COSTS, MODALITIES, SOURCES, TABLES
from generator.validate import graded

from .conftest import GOLDEN_TODAY, ROOT

# Fields shown as links, or as part of a longer value ("6 or more infusions"), rather than
# as their raw value; enums are shown in words or as badges.
SHOWN_AS_LABELS = {"sources", "studies", "modality", "id", "or_more", "count", "short"}
# A glance shows only where its fact is shown in a phrase (the home matrix, a comparison's
# differences); the value it shortens is shown everywhere.
SHOWN_IN_PLACE_OF = {"glance"}


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


@pytest.fixture(scope="module")
def live() -> pipeline.Checked:
    checked = pipeline.check(ROOT / "data")
    assert not checked.errors, checked.errors
    return checked


# A fact's element (a cell, a list item, a definition or a span) carries its id; its visible
# part runs to the element's end or to its detail.
FACT = re.compile(r'class="fact" data-fact="([^"]+)"[^>]*>(.*?)'
                  r'(?=<details|</td>|</li>|</dd>|</span>)', re.S)


def facts_in(page: str) -> list[tuple[str, str]]:
    return FACT.findall(page)


def _pages(built_site: Path) -> dict[str, str]:
    return {str(p.relative_to(built_site / "site")): p.read_text("utf-8")
            for p in (built_site / "site").rglob("*.html")}


def test_the_site_builds_strict_with_every_page(built_site: Path, live: pipeline.Checked
                                                ) -> None:
    site = built_site / "site"
    pages = ["index.html", "references/index.html", "methodology/index.html",
             "glossary/index.html", "about/index.html", "compare/index.html",
             "modalities/index.html", "data/datapackage.json"]
    pages += [f"{t.page.removesuffix('.md')}/index.html" for t in TABLES if t.page]
    pages += [f"modalities/{m.id}/index.html" for m in live.rows.records(MODALITIES)]
    pages += [f"data/{t.file.rsplit('.', 1)[0]}.{ext}" for t in TABLES for ext in ("csv", "json")]
    missing = [p for p in pages if not (site / p).is_file()]
    assert missing == []


def test_every_value_in_the_data_appears_in_the_built_site(built_site: Path,
                                                           live: pipeline.Checked) -> None:
    text = _site_text(built_site / "site")
    missing = []
    for _, table_rows in live.rows:
        for row in table_rows:
            for field, value in _values(row.record):
                if isinstance(value, Decimal):
                    shown = money(value, None).rstrip("+")
                elif hasattr(value, "isoformat"):
                    shown = value.isoformat()
                elif field in SHOWN_AS_LABELS or isinstance(value, Enum):
                    continue  # ids and enums are shown as labels, links and badges
                elif field in SHOWN_IN_PLACE_OF:
                    continue
                else:
                    shown = re.sub(r"\s+", " ", str(value)).strip()
                if shown not in text:
                    missing.append(f"{row.path}:{row.line}: {field}: {shown!r}")
    assert missing == []


def test_every_fact_on_every_page_shows_its_grade_and_cites_a_source(built_site: Path) -> None:
    unsourced = []
    for path, page in _pages(built_site).items():
        for fact_id, body in facts_in(page):
            if 'class="grade grade-' not in body or 'class="cite"' not in body:
                unsourced.append(f"{path}: {fact_id}")
    assert unsourced == []


# A fact in a phrase (the home matrix, a comparison's differences): the phrase and the
# grade in view, then the toggle that holds the rest.
GLANCE = re.compile(r'class="fact fact-glance" data-fact="([^"]+)"[^>]*>'
                    r'<span class="glance">(.*?)</span> (.*?)<details class="fact-detail">'
                    r"<summary>(.*?)</summary>(.*?)</details>", re.S)


def test_a_fact_in_a_phrase_shows_its_grade_and_has_all_its_sources_a_tap_away(
        built_site: Path) -> None:
    pages = _pages(built_site)
    full = {fact_id: body for page in pages.values() for fact_id, body in facts_in(page)}
    found = [m for page in pages.values() for m in GLANCE.findall(page)]
    assert len(found) >= 40  # the home matrix and every comparison's differences
    for fact_id, _phrase, badge, summary, more in found:
        assert 'class="grade grade-' in badge, fact_id
        cites = re.findall(r'class="cite"[^>]*href="[^"#]*#([^"]+)"', more)
        assert cites and re.match(rf"(Detail, )?{len(cites)} sources?$", summary), fact_id
        # the same sources the fact shows wherever it is shown in full
        if fact_id in full:
            shown = re.findall(r'class="cite"[^>]*href="[^"#]*#([^"]+)"', full[fact_id])
            assert shown and set(shown) <= set(cites), fact_id


def test_every_answer_of_the_home_matrix_is_a_short_phrase(built_site: Path) -> None:
    home = (built_site / "site" / "index.html").read_text("utf-8")
    matrix = home[home.index('id="table-overview"'):]
    matrix = matrix[:matrix.index("</table>")]
    phrases = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in
               re.findall(r'<span class="glance">(.*?)</span>', matrix, re.S)]
    assert len(phrases) >= 20
    assert [p for p in phrases if len(p) > GLANCE_MAX] == []


def test_every_grade_is_supported_by_the_kinds_of_its_sources(live: pipeline.Checked) -> None:
    kinds = {s.id: s.kind for s in live.rows.records(SOURCES)}
    unsupported = []
    for _, table_rows in live.rows:
        for row in table_rows:
            for loc, fact in graded(row.record):
                cited = {kinds[source_id(ref)] for ref in fact.sources}
                if not GRADE_SUPPORT[fact.grade] & cited:
                    unsupported.append(f"{row.path}:{row.line}: {loc}")
    assert unsupported == []


def test_a_company_or_the_article_alone_never_carries_more_than_anecdotal(
        live: pipeline.Checked) -> None:
    kinds = {s.id: s.kind for s in live.rows.records(SOURCES)}
    weak = {SourceKind.COMPANY, SourceKind.ARTICLE}
    over = [f"{row.path}:{row.line}: {loc}" for _, table_rows in live.rows for row in table_rows
            for loc, fact in graded(row.record)
            if {kinds[source_id(r)] for r in fact.sources} <= weak
            and fact.grade.value not in {"anecdotal", "unverified"}]
    assert over == []


def test_no_weak_or_contradicted_fact_is_an_input_of_a_computed_figure(
        live: pipeline.Checked) -> None:
    data = pipeline.assemble(live.rows)
    weak = {f"costs-{n}" for n, row in enumerate(live.rows.of(COSTS), 1)
            if row.record.grade not in COMPUTABLE}
    inputs = [target.rpartition("#")[2] for row in data.derived_costs.rows
              for fact in row.cells[1].facts for _, target in fact.inputs]
    assert inputs and not weak & set(inputs)
    for m in live.rows.records(MODALITIES):  # a weak course length computes nothing
        computed = any(r.anchor == f"derived-{m.id}-course" for r in data.derived_costs.rows)
        assert not computed or (m.course is not None and m.course.grade in COMPUTABLE)


def test_one_fact_reads_the_same_on_every_page(built_site: Path) -> None:
    shown: dict[str, set[str]] = {}
    for page in _pages(built_site).values():
        for fact_id, body in facts_in(page):
            shown.setdefault(fact_id, set()).add(re.sub(r'href="[^"]*"', "", body))
    assert len(shown) > 100
    assert {k: v for k, v in shown.items() if len(v) > 1} == {}


# Values that say something is missing read the same everywhere by design; they back
# different gaps, so their sources differ.
PLACEHOLDERS = {"No source found", "Not stated in the sources checked"}


def test_a_statement_written_in_two_records_carries_one_grade_and_one_source_list(
        live: pipeline.Checked) -> None:
    seen: dict[str, dict[tuple[str, tuple[str, ...]], str]] = {}
    for _, table_rows in live.rows:
        for row in table_rows:
            for loc, fact in graded(row.record):
                value = str(getattr(fact, "value", ""))
                if value and value not in PLACEHOLDERS:
                    key = (fact.grade.value, tuple(sorted(fact.sources)))
                    seen.setdefault(value, {})[key] = f"{row.path}:{row.line}: {loc}"
    assert {v: places for v, places in seen.items() if len(places) > 1} == {}


def test_every_source_is_complete_and_its_label_readable(live: pipeline.Checked) -> None:
    sources = live.rows.records(SOURCES)
    data = pipeline.assemble(live.rows)
    labels = [s.label for s in data.sources]
    assert len(set(labels)) == len(labels)
    for s in sources:
        if s.kind is SourceKind.ARTICLE:
            continue
        assert s.title and (s.authors or s.publisher) and (s.url or s.doi), s.id
    bad = [x for x in labels if re.search(r"[.,;:]{2}|\s[.,;]", x)]
    assert bad == []


def test_the_references_print_no_doubled_punctuation(built_site: Path) -> None:
    text = _site_text(built_site / "site" / "references")
    assert re.findall(r"\w[^\w\s]*\.\.(?!\.)|\.;|,,", text) == []


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


def test_our_stylesheet_and_script_are_published_minified(built_site: Path) -> None:
    """The readable sources stay in docs/; the site serves them without comments (the
    browser tests run against these copies, so they also show that nothing broke)."""
    from generator.minify import OWN_ASSETS

    # every stylesheet and script mkdocs.yml adds of ours (the vendored ones are minified)
    config = (built_site / "mkdocs.yml").read_text("utf-8")
    listed = set(re.findall(r"^  - (assets/\S+\.(?:css|js))$", config, re.M))
    assert {a for a in listed if "/vendor/" not in a} == set(OWN_ASSETS)
    for name in OWN_ASSETS:
        source = (built_site / "docs" / name).read_text("utf-8")
        published = (built_site / "site" / name).read_text("utf-8")
        assert "/*" in source and "/*" not in published, name
        assert len(published) < 0.8 * len(source), name


def test_a_new_price_jurisdiction_and_source_need_no_other_change(tmp_path: Path) -> None:
    """What a maintainer adds most often passes with no golden update and shows up where a
    visitor looks: the price on the costs page, the place on "Where I live"."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- id: example-clinic-2026\n  kind: listing\n  title: Example price list\n"
                     "  publisher: Example Clinic\n  year: 2026\n"
                     "  url: https://example.org/prices\n"
                     "- id: ruritania-drugs-act\n  kind: regulator\n  title: Example Act\n"
                     "  publisher: Ruritanian Gazette\n  year: 2020\n"
                     "  url: https://example.org/act\n")
    with (data / "costs.csv").open("a", encoding="utf-8") as handle:
        handle.write("iv-infusion,\"IV ketamine infusion, Example City\",450,900,,session,"
                     "all-in,US,2026,observational,example-clinic-2026,,2026-11-26\n")
    with (data / "jurisdictions.yaml").open("a", encoding="utf-8") as handle:
        handle.write("- name: Ruritania\n  also_called: [Ruritanian Republic]\n")
    with (data / "legal.csv").open("a", encoding="utf-8") as handle:
        handle.write("Ruritania,ketamine,control,Controlled under the Example Act,2020,"
                     "regulatory,ruritania-drugs-act,,2026-11-26\n")
    checked = pipeline.check(data, today=GOLDEN_TODAY)
    assert not checked.errors, checked.errors
    assert not [p for p in checked.problems if p.code == "source-unused"]
    pages = {path: text.decode() for path, text in pipeline.generate(data).items()
             if path.endswith(".md")}
    assert "Example City" in pages["costs/index.md"]
    assert "Ruritania" in pages["where-i-live/index.md"]
    assert "Controlled under the Example Act" in pages["where-i-live/index.md"]
    assert "Example price list" in pages["references/index.md"]
