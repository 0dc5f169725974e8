"""Assemble and render: derived figures, links and deterministic output."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from generator import pipeline
from generator.models import money
from generator.render import relative_url, render

from .conftest import GOLDEN_TODAY, MINIMAL, ROOT, make_project
from .test_integration import facts_in


@pytest.mark.parametrize(("low", "high", "plus", "shown"), [
    ("400", "800", False, "$400–$800"),
    ("800", "1200", True, "$800–$1,200+"),
    ("1200", None, False, "$1,200+"),
    (None, "500", False, "up to $500"),
    ("129", "129", False, "$129"),
    ("4720", "6785.5", False, "$4,720–$6,785.50"),
])
def test_prices_read_as_people_write_them(low: str | None, high: str | None, plus: bool,
                                          shown: str) -> None:
    def as_decimal(v: str | None) -> Decimal | None:
        return Decimal(v) if v else None

    assert money(as_decimal(low), as_decimal(high), plus) == shown


@pytest.mark.parametrize(("page", "target", "url"), [
    ("index.md", "references.md#src-x", "references/#src-x"),
    ("costs.md", "references.md#src-x", "../references/#src-x"),
    ("modalities/iv.md", "references.md#src-x", "../../references/#src-x"),
    ("modalities/iv.md", "modalities/index.md", "../"),
    ("compare/index.md", "index.md", "../"),
    ("costs.md", "data/costs.csv", "../data/costs.csv"),
])
def test_links_are_relative_to_the_page_they_are_on(page: str, target: str, url: str) -> None:
    assert relative_url(page, target) == url


def _dataset():  # type: ignore[no-untyped-def]
    checked = pipeline.check(MINIMAL, today=GOLDEN_TODAY)
    return pipeline.assemble(checked.rows)


def _derived(data, anchor: str):  # type: ignore[no-untyped-def]
    (row,) = [r for r in data.derived_costs.rows if r.anchor == anchor]
    return row.cells[1].facts[0], row


def test_a_span_covers_only_listings_graded_observational_or_stronger() -> None:
    span, _ = _derived(_dataset(), "derived-iv-infusion-session-all-in")
    # $400 to $800 and $300 to $1,500 are listings; the anecdotal "$200+" is left out.
    assert span.value == "$300–$1,500 per session, clinic's all-in price"
    assert span.badge.value == "observational"
    assert [label for label, _ in span.inputs] == ["Infusion, typical US clinic",
                                                   "Infusion, one directory"]
    assert span.computed == "the range of 2 listings per session (clinic's all-in price)"


def test_course_cost_is_sessions_times_the_session_range_and_says_so() -> None:
    data = _dataset()
    course, row = _derived(data, "derived-iv-infusion-course")
    assert course.value == "$1,800–$9,000+ for 6 or more infusions"
    assert course.computed == ("6 or more infusions × $300–$1,500 per session; "
                               "more sessions cost more")
    assert row.cells[1].sort == "1800"
    assert course.inputs[0] == ("IV ketamine infusion: sessions in a course",
                                "modalities/iv-infusion.md#profile")
    course_chart = next(c for c in data.charts if c.id == "chart-course")
    assert any((bar.modality, bar.label, bar.value, bar.computed)
               == ("IV infusion", "Course of 6 or more infusions (computed)",
                   "$1,800–$9,000+", True) for bar in course_chart.bars)


def _edited(tmp_path: Path, file: str, *edits: tuple[str, str]):  # type: ignore[no-untyped-def]
    project = make_project(tmp_path, MINIMAL)
    path = project / "data" / file
    text = path.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, "utf-8")
    checked = pipeline.check(project / "data", today=GOLDEN_TODAY)
    assert not checked.errors, checked.errors
    return pipeline.assemble(checked.rows)


def test_a_derived_figure_carries_the_weakest_grade_of_its_inputs(tmp_path: Path) -> None:
    listings = [(",observational,clinic-listing,Listing date", ",official-report,clinic-listing,"
                 "Listing date"), (",2024,observational,", ",2024,official-report,")]
    data = _edited(tmp_path / "a", "costs.csv", *listings)
    span, _ = _derived(data, "derived-iv-infusion-session-all-in")
    course, _ = _derived(data, "derived-iv-infusion-course")
    assert span.badge.value == "official-report"  # both listings
    assert course.badge.value == "observational"  # the course length is the weakest input


def test_a_weak_course_length_is_never_computed_with(tmp_path: Path) -> None:
    data = _edited(tmp_path, "modalities.yaml", ("what: infusions, grade: observational",
                                                 "what: infusions, grade: anecdotal"))
    assert "derived-iv-infusion-course" not in {r.anchor for r in data.derived_costs.rows}
    course_chart = next((c for c in data.charts if c.id == "chart-course"), None)
    assert course_chart is None or not any("computed" in b.label for b in course_chart.bars)


def test_every_cited_source_links_back_to_the_rows_that_cite_it() -> None:
    data = _dataset()
    zarate = next(s for s in data.sources if s.source.id == "zarate-2006")
    targets = {link.resolve()[1] for link in zarate.cited_in}
    assert "claims.md#claims-iv-dose" in targets
    assert "modalities/iv-infusion.md#profile-route" in targets
    label = next(s for s in data.sources if s.source.id == "fda-label")
    assert "mechanisms.md#mechanisms-nmda-antagonism" in {
        link.resolve()[1] for link in label.cited_in}
    assert zarate.doi_url == "https://doi.org/10.1001/archpsyc.63.8.856"


def test_a_fact_cites_only_its_own_sources_with_their_locators() -> None:
    data = _dataset()
    (claim,) = data.tables["claims"][0].table.rows
    (finding,) = claim.cells[2].facts
    assert [(c.label, c.locator) for c in finding.cites] == [("Zarate 2006", "Table 2")]
    route = next(r for r in data.modalities[0].profile.rows if r.anchor == "profile-route")
    assert [c.source_id for f in route.cells[1].facts for c in f.cites] == ["zarate-2006"]


def test_one_fact_reads_the_same_on_every_page_that_shows_it() -> None:
    pages = render(_dataset())
    shown: dict[str, set[str]] = {}
    for text in pages.values():
        for fact_id, html in facts_in(text):
            shown.setdefault(fact_id, set()).add(re.sub(r'href="[^"]*"', "", html))
    assert shown["modalities-iv-infusion-route"]
    assert len([p for p in pages.values() if 'data-fact="modalities-iv-infusion-route"' in p]) >= 3
    assert {k: v for k, v in shown.items() if len(v) > 1} == {}


def test_the_same_data_renders_byte_identical_pages() -> None:
    assert render(_dataset()) == render(_dataset())


def test_the_about_page_links_the_repositorys_issues_where_its_address_is_known() -> None:
    """REPO_URL (set where the site is published) gives the About page its "report an
    error" link; a build without it says so instead of linking nowhere."""
    url = "https://github.com/example/ketamine"
    published = render(_dataset(), url + "/")["includes/repository.md"]
    assert f'<a href="{url}/issues">its issues</a>' in published.replace("&#58;", ":").replace(
        "&#47;", "/")
    local = render(_dataset())["includes/repository.md"]
    assert "<a " not in local and "does not know the repository" in local
    assert '--8<-- "repository.md"' in (ROOT / "docs" / "about" / "index.md").read_text("utf-8")


def test_every_generated_page_starts_with_the_banner_naming_its_data_files() -> None:
    for path, text in render(_dataset()).items():
        if path.startswith("includes/"):
            continue
        assert text.startswith("---\n# Generated by `python -m generator build` from "), path
        assert "Edit those files, not this page" in text.splitlines()[2]


def test_price_charts_place_bars_on_one_scale_of_the_known_figures() -> None:
    charts = {c.id: c for c in _dataset().charts}
    session = charts["chart-session"]
    assert session.ticks[-1].label == "$2,000"  # $1,500 rounded up to a readable scale
    assert session.units == "US$ per session"
    (group,) = session.groups
    assert group.modality == "IV infusion"
    typical, directory, claim = group.bars
    assert directory.width > typical.width
    assert (typical.label, typical.value) == ("Infusion, typical US clinic", "$400–$800")
    assert typical.start == pytest.approx(20.0) and typical.end == pytest.approx(40.0)
    assert not typical.open_ended and not typical.weak
    assert claim.weak and claim.value == "$200+"  # anecdotal: drawn faded, never in a range


def test_an_open_ended_price_ends_at_its_known_figure_not_at_the_axis_end() -> None:
    charts = {c.id: c for c in _dataset().charts}
    claim = charts["chart-session"].bars[-1]
    assert claim.open_ended and claim.value == "$200+"
    assert claim.start == claim.end == pytest.approx(10.0)  # $200 of $2,000: a mark, an arrow
    course = next(b for b in charts["chart-course"].bars if b.computed)
    assert course.open_ended and course.end == pytest.approx(90.0)  # $9,000 of $10,000
    assert "arrow" in charts["chart-course"].description


def test_a_chart_label_never_repeats_the_modality_name() -> None:
    from generator.charts import _without_name
    from generator.tables import Modality

    iv = next(m for m in _dataset().modalities).modality
    assert isinstance(iv, Modality)
    assert _without_name(f"{iv.name}, typical US price", iv) == "Typical US price"
    assert _without_name(f"{iv.short}: New York", iv) == "New York"
    assert _without_name("Spravato, drug only", iv) == "Spravato, drug only"
    for chart in _dataset().charts:
        for bar in chart.bars:
            assert bar.modality.casefold() not in bar.label.casefold(), bar


def test_every_chart_downloads_as_an_svg_document_and_a_csv_of_its_bars() -> None:
    import csv
    import io
    import xml.etree.ElementTree as ET

    from generator.chart_files import chart_files

    charts = _dataset().charts
    files = dict(chart_files(charts))
    assert set(files) == {p for c in charts for p in c.downloads.values()}
    for chart in charts:
        svg = ET.fromstring(files[chart.downloads["svg"]])
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert chart.title in texts and chart.units in texts
        for bar in chart.bars:
            assert any(bar.value in (t or "") for t in texts), bar.value
        rows = list(csv.DictReader(io.StringIO(files[chart.downloads["csv"]].decode())))
        assert len(rows) == len(chart.bars)
        assert [r["shown"] for r in rows] == [b.value for b in chart.bars]
    session = list(csv.DictReader(io.StringIO(files["costs/charts/chart-session.csv"]
                                              .decode())))
    assert session[0] == {
        "modality": "IV infusion", "label": "Infusion, typical US clinic",
        "item": "Infusion, typical US clinic", "low_usd": "400", "high_usd": "800",
        "open_ended": "false", "shown": "$400–$800", "weak": "false", "computed": "false",
        "grade": "observational", "basis": "all-in", "sources": "clinic-listing",
        "unit": "US$ per session"}
    assert (session[2]["high_usd"], session[2]["open_ended"]) == ("", "true")


def test_the_build_writes_the_chart_downloads_beside_the_costs_page() -> None:
    generated = pipeline.generate(MINIMAL)
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in generated["costs/charts/chart-session.svg"]
    page = generated["costs/index.md"].decode()
    assert '<a href="charts/chart-session.svg" download>Download SVG</a>' in page
    assert '<a href="charts/chart-session.csv" download>Download data &#40;CSV&#41;</a>' in page


def test_long_tables_continue_on_further_pages_and_back_links_follow_the_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator import citations

    monkeypatch.setattr(citations, "PAGE_ROWS", 1)
    data = _dataset()
    costs = data.tables["costs"]
    assert [p.path for p in costs] == ["costs.md", "costs/page-2.md", "costs/page-3.md"]
    assert [(link.first_row, link.last_row) for link in costs[1].pager] == [
        (1, 1), (2, 2), (3, 3)]
    second = costs[1].table.rows[0]
    listing = next(s for s in data.sources if s.source.id == "clinic-listing")
    assert f"costs/page-2.md#{second.anchor}" in {link.resolve()[1] for link in listing.cited_in}
    pages = render(data)
    assert "Costs, page 2 of 3" in pages["costs/page-2/index.md"]
    # The references continue too, and citations point at the page their source is on.
    assert len(data.references) == len(data.sources) > 1
    on_two = data.references[1].sources[0]
    assert f'id="{on_two.anchor}"' in pages["references/page-2/index.md"]
    listed_on = {s.source.id: rp.path for rp in data.references for s in rp.sources}
    cites = [c for tp in costs for row in tp.table.rows for c in row.cites()]
    assert cites and all(c.target == f"{listed_on[c.source_id]}#src-{c.source_id}"
                         for c in cites)


def test_tables_link_to_their_data_file_in_the_repository_when_its_address_is_known() -> None:
    local = render(_dataset())["costs/index.md"]
    published = render(_dataset(), "https://github.com/example/ketamine/")["costs/index.md"]
    assert 'edited in <a href="../data/source/costs.csv">data/costs.csv</a>' in local
    assert ('edited in <a href="https://github.com/example/ketamine/blob/main/data/costs.csv">'
            "data/costs.csv</a>") in published


def test_every_aspect_a_comparison_may_open_with_is_one_a_profile_has() -> None:
    """A renamed aspect would silently drop out of the comparisons' opening."""
    from generator.profiles import DIFFERENCE_ORDER, HOME_FACTS

    data = _dataset()
    anchors = {row.anchor.removeprefix("profile-") for row in data.modalities[0].profile.rows}
    assert set(DIFFERENCE_ORDER) <= anchors
    assert set(HOME_FACTS) <= anchors
    # and each one that is a modality's or its evidence's own fact is checked for a glance
    from generator.tables import EVIDENCE, MODALITIES, TABLES
    # prices are computed, headlines checked as headlines, "course" is a count
    not_fields = {"price", "course-price", "course"} | {f"{t.name}-headline" for t in TABLES}
    shown = (set(DIFFERENCE_ORDER) | set(HOME_FACTS)) - not_fields
    assert shown <= {*MODALITIES.glanced, *EVIDENCE.glanced}
    compare = data.comparisons[0]
    assert 1 <= len(compare.differences) <= 6
    assert all(d.anchor in DIFFERENCE_ORDER for d in compare.differences)


def test_a_head_to_head_result_names_the_treatment_it_favours() -> None:
    """On a comparison both sides are treatments: "favours the treatment" would not say which."""
    from generator.tables import Comparator

    data = pipeline.assemble(pipeline.check(ROOT / "data").rows)
    favoured = [(g.modality.short, cell.text) for c in data.comparisons for g in c.head_to_head
                if g.comparator is Comparator.OTHER_KETAMINE for row in g.table.rows
                for cell in row.cells if cell.text.startswith("Favours")]
    assert favoured  # each result favours its own treatment, or the comparator by name
    assert all(text == f"Favours {own}" or text.startswith("Favours the comparator (")
               for own, text in favoured), favoured
