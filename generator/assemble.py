"""Stage 3, assemble: valid records -> one immutable Dataset of everything pages show.

Joins, sorting, labels, derived figures, pagination and the citation back-links are
worked out here, so templates only loop and print. Links are targets relative to
`docs/` ("references.md#src-x"); the render stage turns them into URLs per page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from .charts import Range, price_charts
from .export import downloads
from .models import (
    DATA_FILES,
    GROUP_LABELS,
    VERDICT_LABELS,
    Aspect,
    Certainty,
    Claim,
    Cost,
    Evidence,
    Graded,
    Group,
    LegalStatus,
    Mechanism,
    Modality,
    Source,
    Statement,
    Term,
    TreatmentLegal,
    Unit,
)
from .validate import Row, Rows
from .views import (
    UNIT_LABELS,
    Backlink,
    Cell,
    CertaintyLevel,
    Cite,
    Comparison,
    DataFile,
    Dataset,
    LazyRows,
    ModalityView,
    PagerLink,
    RowLink,
    SourcePage,
    SourceView,
    Table,
    TablePage,
    TableRow,
    badge,
    money,
    price_span,
    sort_key,
)

PAGE_ROWS = 1000  # rows per page: past this a table continues on further pages
PROFILE_COSTS = 50  # price rows on a modality's profile; the costs page has them all
COMPARE_CITES = 8  # sources cited in a comparison's cost cell
BACKLINKS = 25  # back-links per source on the references page; the rest are counted

G = TypeVar("G", bound=Graded)
Priced = dict[tuple[str, Unit], list[Cost]]  # price facts by modality and unit

COST_COLUMNS = ("Modality", "Item", "Price (USD)", "Unit", "Region", "As of", "Note")
COST_NUMERIC = (False, False, True, False, False, False, False)


class _Builder:
    """Turns records into table rows with their citations and grades."""

    def __init__(self, rows: Rows) -> None:
        sources = [cast(Source, r.record) for r in rows.get("sources.yaml", ())]
        self.labels = _source_labels(sources)
        # The references list sources by label, over as many pages as it takes.
        self.sources = {s.id: s for s in sorted(sources, key=lambda s: self.labels[s.id].lower())}
        paths, _ = _page_paths(len(self.sources), "references.md")
        self.reference_page = {source_id: paths[n // PAGE_ROWS]
                               for n, source_id in enumerate(self.sources)}
        self.modalities = {m.id: m for m in (cast(Modality, r.record)
                                             for r in rows.get("modalities.yaml", ()))}
        self._cites: dict[str, Cite] = {}

    def cites(self, ids: Sequence[str]) -> tuple[Cite, ...]:
        if len(ids) == 1:  # most rows cite one source
            return (self._cite(ids[0]),)
        return tuple(self._cite(i) for i in dict.fromkeys(ids))

    def _cite(self, source_id: str) -> Cite:
        if source_id not in self._cites:  # one Cite per source: rows share them
            self._cites[source_id] = Cite(source_id, self.labels[source_id],
                                          self.sources[source_id].title,
                                          f"{self.reference_page[source_id]}#src-{source_id}")
        return self._cites[source_id]

    def statement(self, s: Statement) -> Cell:
        return Cell(s.text, badge=badge(s.certainty), cites=self.cites(s.sources))

    def row(self, anchor: str, label: str, row: Row[Any], cells: Sequence[Cell],
            sources: Sequence[str], certainty: Certainty | None,
            reviewed: dt.date | None) -> TableRow:
        return TableRow(
            anchor=anchor,
            cells=tuple(cells),
            label=label,
            badge=badge(certainty) if certainty else None,
            cites=self.cites(sources),
            reviewed=reviewed,
            source=f"{row.path}:{row.line}",
        )

    def lazy_rows(self, ordered: list[tuple[int, Row[G]]],
                  link: Callable[[_Builder, int, Row[G]], RowLink],
                  cells: Callable[[_Builder, G], list[Cell]]) -> LazyRows[tuple[int, Row[G]]]:
        """A long table's rows of graded records, each numbered by its line in the file."""
        return LazyRows(ordered,
                        lambda p: self.graded_row(p[1], link(self, *p), cells(self, p[1].record)),
                        lambda p: self.cites(p[1].record.sources),
                        lambda p: link(self, *p))

    def graded_row(self, r: Row[G], link: RowLink, cells: list[Cell]) -> TableRow:
        g = r.record
        return self.row(link.anchor, link.label, r, cells, g.sources, g.certainty, g.reviewed)

    def modality_cell(self, modality_id: str) -> Cell:
        return Cell(self.modalities[modality_id].name, target=f"modalities/{modality_id}.md")


def _source_labels(sources: Sequence[Source]) -> dict[str, str]:
    """Short labels like 'Zarate 2006'; repeats get a, b, c so each stays unique."""
    base = {}
    for s in sources:
        if s.authors:
            name = s.authors.split()[0].rstrip(",")
        elif s.publisher:
            name = s.publisher
        else:
            name = s.title if len(s.title) <= 32 else s.title[:30].rstrip() + "…"
        base[s.id] = s.label or (f"{name} {s.year}" if s.year else name)
    counts = defaultdict(list)
    for source_id, label in base.items():
        counts[label].append(source_id)
    labels = {}
    for label, ids in counts.items():
        for index, source_id in enumerate(ids):
            suffix = "" if len(ids) == 1 else string.ascii_lowercase[index % 26]
            labels[source_id] = label + suffix
    return labels


def _typed(rows: Rows, name: str) -> list[Row[Any]]:
    return list(rows.get(name, ()))


def assemble(rows: Rows) -> Dataset:
    """Join and derive everything the pages need from validated rows."""
    b = _Builder(rows)
    modality_rows: list[Row[Modality]] = _typed(rows, "modalities.yaml")
    cost_rows: list[Row[Cost]] = _typed(rows, "costs.csv")
    evidence_rows: list[Row[Evidence]] = _typed(rows, "evidence.yaml")
    treatment_rows: list[Row[TreatmentLegal]] = _typed(rows, "legal-treatment.csv")
    glossary = tuple(sorted((cast(Term, r.record) for r in rows.get("glossary.yaml", ())),
                            key=lambda t: t.term.lower()))

    costs = paginate(_costs_table(b, cost_rows), "costs.md")
    evidence = paginate(_evidence_table(b, evidence_rows), "evidence.md")
    legal = paginate(_legal_table(b, _typed(rows, "legal.csv")), "legal.md")
    mechanisms = paginate(_mechanism_table(b, _typed(rows, "mechanisms.yaml")), "mechanisms.md")
    claims = paginate(_claim_table(b, _typed(rows, "claims.yaml")), "claims.md")
    glance = _glance_table(b, _typed(rows, "aspects.yaml"))
    treatment_legal = _treatment_table(b, treatment_rows)
    priced = _priced(cost_rows)
    course_costs = _course_table(b, modality_rows, priced)
    modalities = tuple(_modality_view(b, r, cost_rows, evidence_rows) for r in modality_rows)
    comparisons = tuple(
        _comparison(b, one.record, two.record, priced, evidence_rows, treatment_rows)
        for one, two in itertools.combinations(modality_rows, 2)
    )

    # Back-links come from where rows actually landed, so they follow pagination.
    placed: list[tuple[str, Table]] = [("index.md", glance), ("legal.md", treatment_legal)]
    for pages in (costs, evidence, legal, mechanisms, claims):
        placed += [(p.path, p.table) for p in pages]
    placed += [(m.page, m.doses) for m in modalities]
    placed += [(m.page, Table("", "", (), (), (
        TableRow("summary", (), label=f"Modality: {m.modality.name}", cites=m.cites),)))
        for m in modalities]  # a profile's summary cites the modality's own sources
    backlinks, cited = _backlinks(placed)

    charts = price_charts(b.modalities, [r.record for r in cost_rows],
                          _course_ranges(course_costs, modality_rows, priced))
    reviewed = [d for rs in rows.values() for r in rs
                if (d := getattr(r.record, "reviewed", None)) is not None]
    certainty_counts: dict[Certainty, int] = defaultdict(int)
    for rs in rows.values():
        for r in rs:
            if isinstance(r.record, Graded):
                certainty_counts[r.record.certainty] += 1
    source_views = tuple(
        SourceView(
            source=s,
            anchor=f"src-{s.id}",
            label=b.labels[s.id],
            doi_url=f"https://doi.org/{s.doi}" if s.doi else None,
            cited_in=tuple(backlinks[s.id]),
            more=cited[s.id] - len(backlinks[s.id]),
        )
        for s in b.sources.values()
    )
    paths, pager = _page_paths(len(source_views), "references.md")
    references = tuple(
        SourcePage(path, n, source_views[(n - 1) * PAGE_ROWS:n * PAGE_ROWS],
                   pager if len(paths) > 1 else ())
        for n, path in enumerate(paths, 1)
    )
    return Dataset(
        glossary=glossary,
        terms={t.term: t.definition for t in glossary},
        modalities=modalities,
        overview=_overview_table(b, modality_rows, priced),
        glance=glance,
        costs=costs,
        course_costs=course_costs,
        charts=charts,
        evidence=evidence,
        legal=legal,
        treatment_legal=treatment_legal,
        mechanisms=mechanisms,
        claims=claims,
        comparisons=comparisons,
        sources=source_views,
        references=references,
        certainty_levels=tuple(
            CertaintyLevel(badge(c), f"certainty-{c.value}", certainty_counts[c])
            for c in Certainty
        ),
        files=tuple(
            DataFile(name, (model.__doc__ or "").strip(), len(rows.get(name, ())),
                     downloads(name))
            for name, model in DATA_FILES.items()
        ),
        counts={name: len(rows.get(name, ())) for name in DATA_FILES},
        row_count=sum(len(rs) for rs in rows.values()),
        last_reviewed=max(reviewed) if reviewed else None,
        oldest_reviewed=min(reviewed) if reviewed else None,
    )


def paginate(table: Table, path: str, size: int | None = None) -> tuple[TablePage, ...]:
    """Split a table into pages of at most `size` rows: path, then path-stem/page-N.md."""
    size = size or PAGE_ROWS
    chunks = [table.rows[i:i + size] for i in range(0, len(table.rows), size)] or [()]
    paths, pager = _page_paths(len(table.rows), path, size)
    return tuple(
        TablePage(p, n, Table(table.caption, table.data_file, table.columns, table.numeric,
                              chunk, table.graded, table.filterable),
                  pager if len(chunks) > 1 else ())
        for n, (p, chunk) in enumerate(zip(paths, chunks, strict=True), 1)
    )


def _page_paths(count: int, path: str, size: int | None = None
                ) -> tuple[list[str], tuple[PagerLink, ...]]:
    """The pages `count` items take at `size` a page: path, then path-stem/page-N.md."""
    size = size or PAGE_ROWS
    pages = max(1, -(-count // size))
    stem = path.removesuffix(".md")
    paths = [path] + [f"{stem}/page-{n}.md" for n in range(2, pages + 1)]
    pager = tuple(PagerLink(n, p, (n - 1) * size + 1, min(n * size, count))
                  for n, p in enumerate(paths, 1))
    return paths, pager


def _backlinks(placed: list[tuple[str, Table]]
               ) -> tuple[dict[str, list[Backlink]], dict[str, int]]:
    """The first BACKLINKS rows citing each source, and how many rows cite it in all."""
    found: dict[str, list[Backlink]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for page, table in placed:
        for item, cites in table.citing():
            # A row may cite a source twice (the row and a cell): it links back once.
            for source_id in dict.fromkeys(c.source_id for c in cites):
                counts[source_id] += 1
                if len(found[source_id]) < BACKLINKS:
                    found[source_id].append(Backlink(page, table, item))
    return found, counts


# --- the tables ----------------------------------------------------------------------


def _costs_table(b: _Builder, cost_rows: list[Row[Cost]]) -> Table:
    units = {unit: n for n, unit in enumerate(Unit)}
    ordered = sorted(enumerate(cost_rows, 1),
                     key=lambda p: (p[1].record.modality, units[p[1].record.unit]))
    return Table(
        caption="Price facts in US dollars, as listed by clinics, directories and reports",
        data_file="costs.csv",
        columns=COST_COLUMNS,
        numeric=COST_NUMERIC,
        rows=b.lazy_rows(ordered, _cost_link, _cost_cells),
    )


def _cost_link(b: _Builder, index: int, r: Row[Cost]) -> RowLink:
    c = r.record
    return RowLink(f"Costs: {b.modalities[c.modality].name}, {c.item}", f"cost-{index}")


def _cost_cells(b: _Builder, c: Cost) -> list[Cell]:
    return [
        b.modality_cell(c.modality),
        Cell(c.item),
        Cell(money(c.low_usd, c.high_usd, c.high_open), sort=sort_key(c.low_usd or c.high_usd)),
        Cell(UNIT_LABELS[c.unit]),
        Cell(c.region),
        Cell(c.as_of, sort=c.as_of),
        Cell(c.note or ""),
    ]


def _cost_row(b: _Builder, index: int, r: Row[Cost]) -> TableRow:
    return b.graded_row(r, _cost_link(b, index, r), _cost_cells(b, r.record))


def _priced(cost_rows: list[Row[Cost]]) -> Priced:
    priced: Priced = defaultdict(list)
    for r in cost_rows:
        priced[(r.record.modality, r.record.unit)].append(r.record)
    return priced


def _session_range(modality_id: str, priced: Priced
                   ) -> tuple[Decimal | None, Decimal | None, bool, list[Cost]]:
    """Lowest and highest per-session price over every listing that is not contradicted."""
    listed = [c for c in priced.get((modality_id, Unit.SESSION), ())
              if c.certainty is not Certainty.CONTRADICTED]
    low, high, open_ended = price_span(listed)
    return low, None if open_ended else high, open_ended, listed


def _course_table(b: _Builder, modality_rows: list[Row[Modality]], priced: Priced) -> Table:
    """Typical course = sessions in a course x the range of per-session prices (computed)."""
    out = []
    for r in modality_rows:
        m = r.record
        low, high, _, listed = _session_range(m.id, priced)
        if m.course_sessions is None or not listed:
            continue
        n = m.course_sessions
        out.append(b.row(
            f"course-{m.id}", f"Costs: computed course, {m.name}", r,
            [
                b.modality_cell(m.id),
                Cell(f"{n} sessions"),
                Cell(money(low * n if low is not None else None,
                           high * n if high is not None else None),
                     sort=sort_key(low * n if low is not None else None)),
                Cell(f"computed: {n} × {money(low, high)} per session, the range of "
                     f"{len(listed)} per-session listings that are not contradicted"),
            ],
            [*m.sources, *(s for c in listed for s in c.sources)], m.certainty, m.reviewed,
        ))
    return Table(
        caption="Typical course cost, computed: sessions in a typical course times the range "
                "of per-session prices",
        data_file="costs.csv",
        columns=("Modality", "Course", "Computed price (USD)", "How"),
        numeric=(False, False, True, False),
        rows=tuple(out),
    )


def _course_ranges(table: Table, modality_rows: list[Row[Modality]],
                   priced: Priced) -> list[Range]:
    """Each computed course cost as a range for the course chart."""
    anchors = {row.anchor for row in table.rows}
    out = []
    for r in modality_rows:
        m = r.record
        if f"course-{m.id}" not in anchors or m.course_sessions is None:
            continue
        low, high, open_ended, _ = _session_range(m.id, priced)
        n = m.course_sessions
        out.append(Range(f"{m.name}: {n} sessions (computed)",
                         low * n if low is not None else None,
                         high * n if high is not None else None,
                         open_ended, False))
    return out


def _overview_table(b: _Builder, modality_rows: list[Row[Modality]], priced: Priced) -> Table:
    out = []
    for r in modality_rows:
        m = r.record
        low, high, _, _ = _session_range(m.id, priced)
        price = money(low, high) if (low is not None or high is not None) else "no listing"
        out.append(b.row(
            f"modality-{m.id}", m.name, r,
            [
                b.modality_cell(m.id),
                Cell(GROUP_LABELS[m.group]),
                Cell(m.route),
                Cell(m.bioavailability),
                Cell(m.onset),
                Cell(m.supervision),
                Cell(price, sort=sort_key(low)),
            ],
            m.sources, m.certainty, m.reviewed,
        ))
    return Table(
        caption="The modalities at a glance; session prices span every listing that is not "
                "contradicted (computed from costs.csv)",
        data_file="modalities.yaml",
        columns=("Modality", "Family", "Route", "Bioavailability", "Onset", "Supervision",
                 "Session price (USD)"),
        numeric=(False,) * 6 + (True,),
        rows=tuple(out),
    )


def _glance_table(b: _Builder, aspect_rows: list[Row[Aspect]]) -> Table:
    return Table(
        caption="The article's comparison, each cell graded against the sources",
        data_file="aspects.yaml",
        columns=("Aspect", GROUP_LABELS[Group.FULL_INFUSION], GROUP_LABELS[Group.MICRODOSING]),
        numeric=(False, False, False),
        rows=tuple(
            TableRow(
                anchor=f"aspect-{r.record.id}",
                cells=(Cell(r.record.aspect), b.statement(r.record.full_infusion),
                       b.statement(r.record.microdosing)),
                label=f"At a glance: {r.record.aspect}",
                reviewed=r.record.reviewed,
                source=f"{r.path}:{r.line}",
            )
            for r in aspect_rows
        ),
        graded=False,
    )


def _evidence_table(b: _Builder, evidence_rows: list[Row[Evidence]],
                    only: str | None = None) -> Table:
    out = []
    for r in evidence_rows:
        e = r.record
        if only is not None and e.modality != only:
            continue
        out.append(b.row(
            f"evidence-{e.modality}", f"Evidence: {b.modalities[e.modality].name}", r,
            [
                b.modality_cell(e.modality),
                Cell(e.evidence_base, cites=b.cites(e.studies)),
                Cell(e.effects),
                Cell(e.common_uses),
                Cell(e.risks),
                Cell(e.note or ""),
            ],
            [*e.sources, *e.studies], e.certainty, e.reviewed,
        ))
    return Table(
        caption="The evidence behind each modality, with its landmark studies",
        data_file="evidence.yaml",
        columns=("Modality", "Evidence base", "Effects", "Common uses", "Risks and limits",
                 "Note"),
        numeric=(False,) * 6,
        rows=tuple(out),
    )


def _legal_table(b: _Builder, legal_rows: list[Row[LegalStatus]]) -> Table:
    ordered = sorted(enumerate(legal_rows, 1),
                     key=lambda p: (p[1].record.substance.value, p[1].record.jurisdiction))
    return Table(
        caption="Legal and regulatory status of ketamine and esketamine by jurisdiction",
        data_file="legal.csv",
        columns=("Jurisdiction", "Substance", "Status", "Since", "Note"),
        numeric=(False,) * 5,
        rows=b.lazy_rows(ordered, _legal_link, _legal_cells),
        filterable=True,
    )


def _legal_link(b: _Builder, index: int, r: Row[LegalStatus]) -> RowLink:
    s = r.record
    return RowLink(f"Legal status: {s.jurisdiction}, {s.substance.value}", f"legal-{index}")


def _legal_cells(b: _Builder, s: LegalStatus) -> list[Cell]:
    return [
        Cell(s.jurisdiction),
        Cell(s.substance.value),
        Cell(s.status),
        Cell(s.since or "", sort=s.since or ""),
        Cell(s.note or ""),
    ]


def _treatment_table(b: _Builder, treatment_rows: list[Row[TreatmentLegal]]) -> Table:
    return Table(
        caption="The article's legal comparison by type of treatment, as checked",
        data_file="legal-treatment.csv",
        columns=("Treatment", "Legal status", "Supervision required", "Quality control",
                 "Typical conditions", "Note"),
        numeric=(False,) * 6,
        rows=tuple(
            b.row(
                f"treatment-{t.group.value}", f"Legal status: {GROUP_LABELS[t.group]}", r,
                [
                    Cell(GROUP_LABELS[t.group]),
                    Cell(t.legal_status),
                    Cell(t.supervision_required),
                    Cell(t.quality_control),
                    Cell(t.typical_conditions),
                    Cell(t.note or ""),
                ],
                t.sources, t.certainty, t.reviewed,
            )
            for r in treatment_rows
            for t in [r.record]
        ),
    )


def _mechanism_table(b: _Builder, mechanism_rows: list[Row[Mechanism]]) -> Table:
    return Table(
        caption="Proposed biological actions, graded by the strongest evidence found",
        data_file="mechanisms.yaml",
        columns=("Action", "Receptors", "Effect claimed", "Benefits claimed", "Dose context",
                 "What the sources say"),
        numeric=(False,) * 6,
        rows=tuple(
            b.row(
                f"mechanism-{m.id}", f"Mechanisms: {m.action}", r,
                [Cell(m.action), Cell(", ".join(m.receptors)), Cell(m.effect),
                 Cell(m.potential_benefits), Cell(m.dose_context), Cell(m.finding)],
                m.sources, m.certainty, m.reviewed,
            )
            for r in mechanism_rows
            for m in [r.record]
        ),
    )


def _claim_table(b: _Builder, claim_rows: list[Row[Claim]]) -> Table:
    return Table(
        caption="Each checked claim of the article, its verdict and what the sources say",
        data_file="claims.yaml",
        columns=("Claim in the article", "Verdict", "What the sources say"),
        numeric=(False, False, False),
        rows=tuple(
            b.row(
                f"claim-{c.id}", f"Claims: {c.claim}", r,
                [Cell(c.claim), Cell(VERDICT_LABELS[c.verdict], sort=c.verdict.value),
                 Cell(c.finding)],
                c.sources, c.certainty, c.reviewed,
            )
            for r in claim_rows
            for c in [r.record]
        ),
    )


# --- per-modality pages ----------------------------------------------------------------


def _modality_view(b: _Builder, r: Row[Modality], cost_rows: list[Row[Cost]],
                   evidence_rows: list[Row[Evidence]]) -> ModalityView:
    m = r.record
    page = f"modalities/{m.id}.md"
    cites = b.cites(m.sources)
    facts = [
        ("Family", GROUP_LABELS[m.group]), ("Route", m.route), ("Setting", m.setting),
        ("Supervision", m.supervision), ("Onset", m.onset), ("Duration", m.duration),
        ("Bioavailability", m.bioavailability),
    ]
    if m.course_sessions is not None:
        facts.append(("Sessions in a typical course", str(m.course_sessions)))
    profile = Table(
        caption=f"Profile of {m.name}",
        data_file="modalities.yaml",
        columns=("Aspect", "What is known"),
        numeric=(False, False),
        rows=tuple(
            TableRow(anchor=f"profile-{index}", cells=(Cell(k), Cell(v)),
                     badge=badge(m.certainty), cites=cites, reviewed=m.reviewed,
                     source=f"{r.path}:{r.line}")
            for index, (k, v) in enumerate(facts, 1)
        ),
    )
    doses = Table(
        caption=f"Doses of {m.name} as the sources state them (not dosing advice)",
        data_file="modalities.yaml",
        columns=("What the sources state",),
        numeric=(False,),
        rows=tuple(
            TableRow(anchor=f"dose-{index}", cells=(Cell(d.text),), label=f"Doses: {m.name}",
                     badge=badge(d.certainty), cites=b.cites(d.sources), reviewed=m.reviewed,
                     source=f"{r.path}:{r.line}")
            for index, d in enumerate(m.doses, 1)
        ),
    )
    own_costs = [(i, cr) for i, cr in enumerate(cost_rows, 1) if cr.record.modality == m.id]
    costs = Table(
        caption=f"Price facts for {m.name}, US dollars",
        data_file="costs.csv",
        columns=COST_COLUMNS,
        numeric=COST_NUMERIC,
        rows=tuple(_cost_row(b, i, cr) for i, cr in own_costs[:PROFILE_COSTS]),
    )
    return ModalityView(m, page, GROUP_LABELS[m.group], badge(m.certainty), cites, profile,
                        doses, costs, len(own_costs), _evidence_table(b, evidence_rows, m.id))


def _comparison(b: _Builder, one: Modality, two: Modality, priced: Priced,
                evidence_rows: list[Row[Evidence]], treatment_rows: list[Row[TreatmentLegal]]
                ) -> Comparison:
    evidence = {e.record.modality: e.record for e in evidence_rows}
    treatment = {t.record.group: t.record for t in treatment_rows}

    def cost(m: Modality) -> Cell:
        parts, sources = [], []
        for unit in Unit:
            listed = priced.get((m.id, unit), [])
            if not listed:
                continue
            low, high, open_ended = price_span(listed)
            shown = money(low, None if open_ended else high)
            count = f"{len(listed)} listing{'s' if len(listed) != 1 else ''}"
            parts.append(f"{shown} {UNIT_LABELS[unit]} ({count})")
            sources += [s for c in listed for s in c.sources]
        # The first few sources: with thousands of listings the costs page cites them all.
        return Cell("; ".join(parts) or "no price listed",
                    cites=b.cites(list(dict.fromkeys(sources))[:COMPARE_CITES]))

    def side(m: Modality, aspect: str) -> Cell:
        e = evidence.get(m.id)
        t = treatment.get(m.group)
        if aspect == "cost":
            return cost(m)
        if aspect == "legal":
            return (Cell(t.legal_status, badge=badge(t.certainty), cites=b.cites(t.sources))
                    if t else Cell("no record"))
        if aspect == "evidence":
            return (Cell(e.evidence_base, badge=badge(e.certainty),
                         cites=b.cites([*e.sources, *e.studies])) if e else Cell("no record"))
        if aspect == "risks":
            return (Cell(e.risks, badge=badge(e.certainty), cites=b.cites(e.sources))
                    if e else Cell("no record"))
        value = {"family": GROUP_LABELS[m.group], "route": m.route, "setting": m.setting,
                 "supervision": m.supervision, "onset": f"Onset: {m.onset} Duration: {m.duration}",
                 "bioavailability": m.bioavailability}[aspect]
        return Cell(value, badge=badge(m.certainty), cites=b.cites(m.sources))

    aspects = [("family", "Family"), ("route", "Route"), ("setting", "Setting"),
               ("supervision", "Supervision"), ("onset", "Onset and duration"),
               ("bioavailability", "Bioavailability"), ("cost", "Cost"),
               ("evidence", "Evidence"), ("legal", "Legal status"),
               ("risks", "Side effects and risks")]
    return Comparison(
        page=f"compare/{one.id}-vs-{two.id}.md",
        title=f"{one.name} vs {two.name}",
        first=one,
        second=two,
        table=Table(
            caption=f"{one.name} and {two.name} side by side",
            data_file="modalities.yaml",
            columns=("Aspect", one.name, two.name),
            numeric=(False, False, False),
            rows=tuple(
                TableRow(anchor=f"vs-{key}", cells=(Cell(label), side(one, key), side(two, key)),
                         reviewed=max(one.reviewed, two.reviewed))
                for key, label in aspects
            ),
            graded=False,
        ),
    )
