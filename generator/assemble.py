"""Stage 3, assemble: valid records -> one immutable Dataset of everything pages show.

Each declared table becomes its pages here; citations and back-links, prices, and
profiles with comparisons have a module each. Links are targets relative to `docs/`
("references.md#src-x"); the render stage turns them into URLs per page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from typing import Any

from . import citations
from .cells import Cells
from .charts import price_charts
from .citations import Citations, page_paths, reference_pages
from .export import downloads
from .models import GRADE_SUPPORT, KIND_LABELS, Grade, Graded, Verdict, fields
from .prices import Prices
from .profiles import Profiles, article_comparison, outcome_groups
from .tables import (
    ASPECTS,
    CLAIMS_PAGE,
    COSTS,
    COVERAGE,
    EVIDENCE,
    GLOSSARY,
    JURISDICTIONS,
    LEGAL,
    MODALITIES,
    OUTCOME_NOTES,
    OUTCOMES,
    PLACES_PAGE,
    SOURCES,
    TABLES,
    Jurisdiction,
    Table,
)
from .validate import Row, Rows, graded, parts, review_dates
from .views import (
    Cell,
    DataFile,
    Dataset,
    GradeLevel,
    LazyRows,
    PagerLink,
    Place,
    PlacePage,
    RowLink,
    Section,
    TablePage,
    TableRow,
    TermView,
    VerdictLevel,
    badge,
    verdict_badge,
)
from .views import Table as TableView

PROFILE_ROWS = 50  # rows of a table on a modality's profile; the table's page has them all

Numbered = tuple[int, Row[Any]]  # a record and its row number in its file


def assemble(rows: Rows) -> Dataset:
    """Join and derive everything the pages need from validated rows."""
    c = Citations(rows.records(SOURCES))
    modalities = {m.id: m for m in rows.records(MODALITIES)}
    cells = Cells(c, modalities)

    numbered = {t.name: _ordered(t, rows.of(t)) for t in TABLES}
    tables = {t.name: paginate(_table(cells, t, numbered[t.name]), t.page,
                               None if t.paged else max(1, len(numbered[t.name])))
              for t in TABLES if t.page}
    # A modality a table has no row for is named on the table's page, never left out
    # without a word.
    without_rows = {t.name: tuple(m.name for m in modalities.values() if m.id not in {
        r.record.modality for r in rows.of(t)}) for t in TABLES if "modality" in fields(t.model)}
    cost_paths, _ = page_paths(len(numbered[COSTS.name]), COSTS.page or "")
    cost_page = {n: cost_paths[i // citations.PAGE_ROWS]
                 for i, (n, _) in enumerate(numbered[COSTS.name])}
    prices = Prices(c, modalities, list(enumerate(rows.of(COSTS), 1)),
                    lambda n: f"{cost_page[n]}#{_anchor(COSTS, n, None)}")
    per_modality = profile_tables()
    headlines = [(t, _headlines(rows.records(t))) for t in per_modality if t.headline]
    profiles = Profiles(cells, prices, rows.of(MODALITIES),
                        {e.modality: e for e in rows.records(EVIDENCE)}, headlines)
    modality_views = []
    for m in modalities.values():
        sections = []
        for t in per_modality:
            own = [p for p in numbered[t.name] if p[1].record.modality == m.id]
            sections.append(Section(
                t.name, t.title, t.page or "",
                _table(cells, t, own[:PROFILE_ROWS], f"{t.title}: {m.name}"), len(own)))
        modality_views.append(profiles.view(m, tuple(sections)))
    groups = outcome_groups(cells, list(modalities.values()),
                            _table(cells, OUTCOMES, numbered[OUTCOMES.name]),
                            rows.of(OUTCOME_NOTES))
    places = _place_pages(_places(cells, rows.records(JURISDICTIONS), numbered[LEGAL.name],
                                  numbered[COVERAGE.name]))
    comparisons = profiles.comparisons(groups)
    overview = profiles.overview()
    # The article's own comparison is shown with its other claims, on the claims page.
    compared = article_comparison(cells, rows.of(ASPECTS))
    derived = prices.table()
    glossary = tuple(TermView(t, c.cites(t.sources)) for t in
                     sorted(rows.records(GLOSSARY), key=lambda t: t.term.lower()))

    # Back-links come from where rows actually landed, so they follow pagination.
    placed: list[tuple[str, TableView]] = [("index.md", overview), (CLAIMS_PAGE, compared),
                                           ("costs.md", derived)]
    for pages in tables.values():
        placed += [(p.path, p.table) for p in pages]
    for mv in modality_views:
        placed += [(mv.page, mv.profile), (mv.page, mv.doses),
                   *((mv.page, section.table) for section in mv.sections),
                   (mv.page, TableView("", "", (), (), (TableRow(
                       "summary", (Cell(facts=(mv.summary,)),),
                       label=f"{mv.modality.name}: summary"),)))]
    placed += [(pp.path, t) for pp in places for p in pp.places for t in (p.legal, p.coverage)]
    placed += [("glossary.md", _glossary_table(glossary))]
    placed += [(OUTCOMES.page or "", TableView("", OUTCOME_NOTES.file, (), (), (TableRow(
        g.anchor, (Cell(facts=(g.note,)),), label=f"What the results mean: {g.modality.name}, "
        f"{g.label}"),))) for g in groups if g.note]
    sources, references = reference_pages(c, placed)

    facts = [fact for _, table_rows in rows for r in table_rows for _, fact in graded(r.record)]
    grade_counts = Counter(f.grade for f in facts)
    examples: dict[Grade, str] = {}
    for table, table_rows in rows:
        for r in table_rows:
            for _, fact in graded(r.record):
                value = getattr(fact, "value", None)
                if isinstance(value, str) and fact.grade not in examples:
                    examples[fact.grade] = f"{value} (from {table.title})"
    verdicts = Counter(_verdicts(rows))
    newest: dict[str, dt.date] = {}
    for table, table_rows in rows:
        days = [day for r in table_rows for _, day in review_dates(r.record)]
        if days:
            newest[table.file] = max(days)
    oldest = min((day for _, rs in rows for r in rs for _, day in review_dates(r.record)),
                 default=None)
    return Dataset(
        glossary=glossary,
        terms={t.term.term: t.term.definition for t in glossary},
        modalities=tuple(modality_views),
        overview=overview,
        article_comparison=compared,
        tables=tables,
        table_links=tuple((t.title, t.page, t.caption) for t in TABLES if t.page),
        derived_costs=derived,
        outcome_groups=groups,
        places=places,
        charts=price_charts(modalities, rows.records(COSTS), prices.course_ranges()),
        comparisons=comparisons,
        sources=sources,
        references=references,
        grade_levels=tuple(GradeLevel(badge(g), f"grade-{g.value}", grade_counts[g],
                                      tuple(k.value for k in sorted(GRADE_SUPPORT[g])),
                                      examples.get(g, "")) for g in Grade),
        verdict_levels=tuple(VerdictLevel(verdict_badge(v), verdicts[v]) for v in Verdict),
        kinds=tuple((k.value, label) for k, label in KIND_LABELS.items()),
        files=tuple(DataFile(t.file, (t.model.__doc__ or "").strip(), len(rows.of(t)),
                             downloads(t.file)) for t in TABLES),
        counts={t.name: len(rows.of(t)) for t in TABLES},
        fact_count=len(facts),
        last_reviewed=max(newest.values(), default=None),
        reviewed_files=newest,
        without_rows=without_rows,
        oldest_reviewed=oldest,
    )


def _headlines(records: list[Any]) -> dict[str, Any]:
    """Each modality's first record marked as its headline."""
    found: dict[str, Any] = {}
    for record in records:
        if record.headline and record.modality not in found:
            found[record.modality] = record
    return found


def profile_tables() -> list[Table[Any]]:
    """The tables a modality's profile shows, in the order of their `profile_rank`."""
    return sorted((t for t in TABLES if t.profile_rank is not None),
                  key=lambda t: t.profile_rank or 0)


def _places(cells: Cells, jurisdictions: list[Jurisdiction], legal: list[Numbered],
            coverage: list[Numbered]) -> tuple[Place, ...]:
    """Each country or region that rows name, with the rows of its parts (England's
    with the United Kingdom's), and every name a visitor may look for it by."""
    parent = {j.name: j.part_of for j in jurisdictions}

    def whole(name: str) -> str:
        while (up := parent.get(name)) is not None:  # validation refuses loops
            name = up
        return name

    members: dict[str, list[Jurisdiction]] = {}
    for j in jurisdictions:
        members.setdefault(whole(j.name), []).append(j)
    out = []
    for name in sorted(members):
        here = {m.name for m in members[name]}
        own_legal = [p for p in legal if p[1].record.jurisdiction in here]
        own_coverage = [p for p in coverage if p[1].record.jurisdiction in here]
        if not own_legal and not own_coverage:
            continue
        names = dict.fromkeys(n for m in members[name] for n in (m.name, *m.also_called))
        out.append(Place(
            anchor="place-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            name=name, names="|".join(names),
            also_called=tuple(n for m in members[name] for n in m.also_called),
            parts=tuple(sorted(here - {name})),
            legal=_table(cells, LEGAL, own_legal, f"Legal status: {name}"),
            coverage=_table(cells, COVERAGE, own_coverage, f"Coverage: {name}")))
    return tuple(out)


def _place_pages(places: tuple[Place, ...]) -> tuple[PlacePage, ...]:
    """Places on pages of at most about PAGE_ROWS rows, a place never split across two."""
    chunks: list[list[Place]] = [[]]
    rows = 0
    for place in places:
        size = len(place.legal.rows) + len(place.coverage.rows)
        if chunks[-1] and rows + size > citations.PAGE_ROWS:
            chunks.append([])
            rows = 0
        chunks[-1].append(place)
        rows += size
    paths, _ = page_paths(len(chunks), PLACES_PAGE, 1)
    firsts = list(itertools.accumulate((len(c) for c in chunks), initial=1))
    pager = tuple(PagerLink(n, path, firsts[n - 1], firsts[n] - 1)
                  for n, path in enumerate(paths, 1)) if len(chunks) > 1 else ()
    return tuple(PlacePage(path, n, tuple(chunk), pager)
                 for n, (path, chunk) in enumerate(zip(paths, chunks, strict=True), 1))


def _verdicts(rows: Rows) -> list[Verdict]:
    """Every verdict on the article's claims, at any depth of any record."""
    return [value for _, table_rows in rows for r in table_rows for _, part in parts(r.record)
            for name in fields(type(part)) if isinstance(value := getattr(part, name), Verdict)]


def _glossary_table(glossary: tuple[TermView, ...]) -> TableView:
    """The glossary as rows, so its sources link back to it."""
    return TableView("", GLOSSARY.file, (), (), tuple(
        TableRow(f"term-{t.term.term.lower()}", (Cell(cites=t.cites),),
                 label=f"Glossary: {t.term.term}") for t in glossary if t.cites))


# --- declared tables ------------------------------------------------------------------


def _ordered(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Numbered]:
    """A table's rows numbered by their place in the file, in the page's order."""
    numbered = list(enumerate(rows, 1))
    order = table.order
    if order is not None:
        numbered.sort(key=lambda p: order(p[1].record))
    return numbered


def _anchor(table: Table[Any], n: int, record: Any) -> str:
    """A row's anchor: its key where one field identifies it, else its row number."""
    if len(table.key) == 1 and record is not None:
        return f"{table.name}-{getattr(record, table.key[0])}"
    return f"{table.name}-{n}"


def _table(cells: Cells, table: Table[Any], numbered: list[Numbered],
           caption: str | None = None) -> TableView:
    """A declared table's rows and columns, built when a page prints them."""
    def link(p: Numbered) -> RowLink:
        n, row = p
        label = table.row_label(row.record)
        modality = str(getattr(row.record, "modality", ""))
        if modality in cells.modalities:
            label += f", {cells.modalities[modality].name}"
        return RowLink(label, _anchor(table, n, row.record))

    def build(p: Numbered) -> TableRow:
        n, row = p
        anchor = _anchor(table, n, row.record)
        return TableRow(
            anchor=anchor,
            cells=tuple(cells.column(table, col, row.record, anchor) for col in table.columns),
            label=link(p).label, reviewed=getattr(row.record, "reviewed", None),
            source=f"{row.path}:{row.line}")

    def cites(p: Numbered) -> Any:
        record = p[1].record
        if isinstance(record, Graded):  # a row that is one fact cites what the fact cites
            return cells.c.cites(record.sources)
        return build(p).cites()

    return TableView(
        caption=caption or table.caption,
        data_file=table.file,
        columns=tuple(col.heading for col in table.columns),
        sorts=tuple(col.sort for col in table.columns),
        rows=LazyRows(numbered, build, cites, link),
        filterable=table.filterable,
        searchable=tuple(col.searchable for col in table.columns),
    )


def paginate(table: TableView, path: str | None, size: int | None = None
             ) -> tuple[TablePage, ...]:
    """Split a table into pages of at most `size` rows (default PAGE_ROWS): path, then
    path-stem/page-N.md."""
    assert path is not None
    size = size or citations.PAGE_ROWS
    chunks = [table.rows[i:i + size] for i in range(0, len(table.rows), size)] or [()]
    paths, pager = page_paths(len(table.rows), path, size)
    return tuple(
        TablePage(p, n, TableView(table.caption, table.data_file, table.columns, table.sorts,
                                  chunk, table.filterable, table.searchable),
                  pager if len(chunks) > 1 else ())
        for n, (p, chunk) in enumerate(zip(paths, chunks, strict=True), 1)
    )
