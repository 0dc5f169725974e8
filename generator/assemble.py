"""Stage 3, assemble: valid records -> one immutable Dataset of everything pages show.

Joins, sorting, labels, derived figures and the citation back-links are worked out
here, so templates only loop and print. Links are written as targets relative to
`docs/` ("references.md#src-x"); the render stage turns them into URLs per page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from .export import downloads
from .models import (
    CERTAINTY_LABELS,
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
    Record,
    Source,
    Statement,
    Term,
    TreatmentLegal,
    Unit,
)
from .validate import Row, Rows

UNIT_LABELS = {Unit.SESSION: "per session", Unit.COURSE: "per course", Unit.MONTH: "per month"}


# --- what pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A certainty grade as a labelled link to its definition."""

    value: str
    label: str
    description: str
    target: str
    rank: int  # 1 = strongest evidence, so the column sorts by strength, not by name


@dataclass(frozen=True)
class Cite:
    """A citation: a short label linking to the source's entry on the references page."""

    label: str
    title: str
    target: str


@dataclass(frozen=True)
class Cell:
    """One table cell: text, optionally a link, a sort key, and its own grade and sources."""

    text: str
    sort: str | None = None
    target: str | None = None
    badge: Badge | None = None
    cites: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class TableRow:
    anchor: str
    cells: tuple[Cell, ...]
    badge: Badge | None = None
    cites: tuple[Cite, ...] = ()
    reviewed: dt.date | None = None
    source: str = ""  # "data/costs.csv:12", so a reader can find the line to correct


@dataclass(frozen=True)
class Table:
    caption: str
    data_file: str
    columns: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[TableRow, ...]
    graded: bool = True  # rows carry a certainty, sources and review date
    filterable: bool = False  # long tables get a filter box (added by the page script)

    @property
    def downloads(self) -> dict[str, str]:
        return downloads(self.data_file)

    @property
    def last_reviewed(self) -> dt.date | None:
        dates = [r.reviewed for r in self.rows if r.reviewed]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Backlink:
    text: str
    target: str


@dataclass(frozen=True)
class SourceView:
    source: Source
    anchor: str
    label: str
    doi_url: str | None
    cited_in: tuple[Backlink, ...]


@dataclass(frozen=True)
class ModalityView:
    modality: Modality
    page: str
    group_label: str
    badge: Badge
    cites: tuple[Cite, ...]
    profile: Table
    doses: Table
    costs: Table
    evidence: Table


@dataclass(frozen=True)
class Comparison:
    page: str
    title: str
    first: Modality
    second: Modality
    table: Table


@dataclass(frozen=True)
class Bar:
    """One price range in a chart, positioned in the chart's own units."""

    label: str
    x: float
    width: float
    y: float
    open_ended: bool
    contradicted: bool
    target: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A bar chart of price ranges, drawn at build time as inline SVG."""

    id: str
    title: str
    description: str
    width: int
    height: int
    axis_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class DataFile:
    """A data file as the Data page lists it."""

    name: str
    description: str
    records: int
    downloads: dict[str, str]


@dataclass(frozen=True)
class CertaintyLevel:
    badge: Badge
    anchor: str
    rows: int


@dataclass(frozen=True)
class Dataset:
    """Everything the pages show, ready to print."""

    glossary: tuple[Term, ...]
    terms: dict[str, str]
    modalities: tuple[ModalityView, ...]
    overview: Table
    glance: Table
    costs: Table
    course_costs: Table
    charts: tuple[Chart, ...]
    evidence: Table
    legal: Table
    treatment_legal: Table
    mechanisms: Table
    claims: Table
    comparisons: tuple[Comparison, ...]
    sources: tuple[SourceView, ...]
    certainty_levels: tuple[CertaintyLevel, ...]
    files: tuple[DataFile, ...]
    row_count: int
    last_reviewed: dt.date | None
    oldest_reviewed: dt.date | None


# --- building it ---------------------------------------------------------------------


def _records(rows: Rows, name: str) -> list[Row[Record]]:
    return list(rows.get(name, ()))


def badge(certainty: Certainty) -> Badge:
    label, description = CERTAINTY_LABELS[certainty]
    return Badge(certainty.value, label, description,
                 f"methodology.md#certainty-{certainty.value}",
                 list(Certainty).index(certainty) + 1)


def money(low: Decimal | None, high: Decimal | None, high_open: bool = False) -> str:
    """'$400–$800', '$800–$1,200+', '$1,200+' (open-ended), 'up to $500', '$129'."""
    plus = "+" if high_open else ""
    if low is not None and high is not None:
        return _usd(low) + plus if low == high else f"{_usd(low)}–{_usd(high)}{plus}"
    if low is not None:
        return f"{_usd(low)}+"
    assert high is not None
    return f"up to {_usd(high)}"


def _usd(value: Decimal) -> str:
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


def _sort_key(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


class _Builder:
    """Collects rows into tables and remembers which row cites which source."""

    def __init__(self, rows: Rows) -> None:
        sources = [cast(Source, r.record) for r in _records(rows, "sources.yaml")]
        self.sources = {s.id: s for s in sources}
        self.labels = _source_labels(sources)
        self.backlinks: dict[str, list[Backlink]] = defaultdict(list)
        self.modalities = {
            m.id: m for m in (cast(Modality, r.record) for r in _records(rows, "modalities.yaml"))
        }

    def cites(self, ids: Iterable[str], backlink: Backlink | None = None) -> tuple[Cite, ...]:
        out = []
        for source_id in dict.fromkeys(ids):  # keep order, drop repeats
            source = self.sources[source_id]
            out.append(Cite(self.labels[source_id], source.title,
                            f"references.md#src-{source_id}"))
            if backlink is not None and backlink not in self.backlinks[source_id]:
                self.backlinks[source_id].append(backlink)
        return tuple(out)

    def statement(self, s: Statement, backlink: Backlink | None) -> Cell:
        return Cell(s.text, badge=badge(s.certainty), cites=self.cites(s.sources, backlink))

    def row(self, page: str, anchor: str, label: str, row: Row[Any], cells: Sequence[Cell],
            sources: Iterable[str], certainty: Certainty | None,
            reviewed: dt.date | None, register: bool = True) -> TableRow:
        link = Backlink(label, f"{page}#{anchor}") if register else None
        return TableRow(
            anchor=anchor,
            cells=tuple(cells),
            badge=badge(certainty) if certainty else None,
            cites=self.cites(sources, link),
            reviewed=reviewed,
            source=f"{row.path}:{row.line}",
        )

    def modality_cell(self, modality_id: str) -> Cell:
        return Cell(self.modalities[modality_id].name,
                    target=f"modalities/{modality_id}.md")


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


def assemble(rows: Rows) -> Dataset:
    """Join and derive everything the pages need from validated rows."""
    b = _Builder(rows)
    modality_rows = [cast(Row[Modality], r) for r in _records(rows, "modalities.yaml")]
    cost_rows = [cast(Row[Cost], r) for r in _records(rows, "costs.csv")]
    evidence_rows = [cast(Row[Evidence], r) for r in _records(rows, "evidence.yaml")]
    legal_rows = [cast(Row[LegalStatus], r) for r in _records(rows, "legal.csv")]
    treatment_rows = [cast(Row[TreatmentLegal], r) for r in _records(rows, "legal-treatment.csv")]
    mechanism_rows = [cast(Row[Mechanism], r) for r in _records(rows, "mechanisms.yaml")]
    claim_rows = [cast(Row[Claim], r) for r in _records(rows, "claims.yaml")]
    aspect_rows = [cast(Row[Aspect], r) for r in _records(rows, "aspects.yaml")]
    glossary = tuple(sorted((cast(Term, r.record) for r in _records(rows, "glossary.yaml")),
                            key=lambda t: t.term.lower()))

    costs = _costs_table(b, cost_rows)
    evidence = _evidence_table(b, evidence_rows, register=True)
    # Built before the sources view below, which reads the back-links these register.
    overview = _overview_table(b, modality_rows, cost_rows)
    glance = _glance_table(b, aspect_rows)
    course_costs = _course_table(b, modality_rows, cost_rows)
    legal = _legal_table(b, legal_rows)
    treatment_legal = _treatment_table(b, treatment_rows)
    mechanisms = _mechanism_table(b, mechanism_rows)
    claims = _claim_table(b, claim_rows)
    modalities = tuple(
        _modality_view(b, r, cost_rows, evidence_rows) for r in modality_rows
    )
    comparisons = tuple(
        _comparison(b, first, second, cost_rows, evidence_rows, legal_rows)
        for first, second in itertools.combinations([r.record for r in modality_rows], 2)
    )
    graded = [r.record for rs in rows.values() for r in rs if isinstance(r.record, Graded)]
    reviewed = [d for rs in rows.values() for r in rs
                if (d := getattr(r.record, "reviewed", None)) is not None]
    certainty_counts: dict[Certainty, int] = defaultdict(int)
    for record in graded:
        certainty_counts[record.certainty] += 1
    sources = tuple(
        SourceView(
            source=s,
            anchor=f"src-{s.id}",
            label=b.labels[s.id],
            doi_url=f"https://doi.org/{s.doi}" if s.doi else None,
            cited_in=tuple(b.backlinks.get(s.id, ())),
        )
        for s in sorted(b.sources.values(), key=lambda s: b.labels[s.id].lower())
    )
    return Dataset(
        glossary=glossary,
        terms={t.term: t.definition for t in glossary},
        modalities=modalities,
        comparisons=comparisons,
        sources=sources,
        certainty_levels=tuple(
            CertaintyLevel(badge(c), f"certainty-{c.value}", certainty_counts[c])
            for c in Certainty
        ),
        files=tuple(
            DataFile(name, (model.__doc__ or "").strip(), len(rows.get(name, ())),
                     downloads(name))
            for name, model in DATA_FILES.items()
        ),
        row_count=sum(len(rs) for rs in rows.values()),
        last_reviewed=max(reviewed) if reviewed else None,
        oldest_reviewed=min(reviewed) if reviewed else None,
        overview=overview,
        glance=glance,
        costs=costs,
        course_costs=course_costs,
        charts=_charts(b, modality_rows, cost_rows),
        evidence=evidence,
        legal=legal,
        treatment_legal=treatment_legal,
        mechanisms=mechanisms,
        claims=claims,
    )


# --- the tables ----------------------------------------------------------------------


def _costs_table(b: _Builder, cost_rows: list[Row[Cost]]) -> Table:
    ordered = sorted(enumerate(cost_rows, 1),
                     key=lambda p: (p[1].record.modality, list(Unit).index(p[1].record.unit)))
    return Table(
        caption="Price facts in US dollars, as listed by clinics, directories and reports",
        data_file="costs.csv",
        columns=("Modality", "Item", "Price (USD)", "Unit", "Region", "As of", "Note"),
        numeric=(False, False, True, False, False, False, False),
        rows=tuple(_cost_row(b, "costs.md", index, r) for index, r in ordered),
    )


def _cost_row(b: _Builder, page: str, index: int, r: Row[Cost], register: bool = True
              ) -> TableRow:
    c = r.record
    return b.row(
        page, f"cost-{index}", f"Costs: {b.modalities[c.modality].name}, {c.item}", r,
        [
            b.modality_cell(c.modality),
            Cell(c.item),
            Cell(money(c.low_usd, c.high_usd, c.high_open),
                 sort=_sort_key(c.low_usd or c.high_usd)),
            Cell(UNIT_LABELS[c.unit]),
            Cell(c.region),
            Cell(c.as_of, sort=c.as_of),
            Cell(c.note or ""),
        ],
        c.sources, c.certainty, c.reviewed, register,
    )


def _course_table(b: _Builder, modality_rows: list[Row[Modality]],
                  cost_rows: list[Row[Cost]]) -> Table:
    """Typical course cost = sessions in a course x each per-session listing (computed)."""
    out = []
    for mr in modality_rows:
        m = mr.record
        if m.course_sessions is None:
            continue
        for index, r in enumerate(cost_rows, 1):
            c = r.record
            if c.modality != m.id or c.unit is not Unit.SESSION:
                continue
            n = m.course_sessions
            low = c.low_usd * n if c.low_usd is not None else None
            high = c.high_usd * n if c.high_usd is not None else None
            out.append(b.row(
                "costs.md", f"course-{index}", f"Costs: computed course, {c.item}", r,
                [
                    b.modality_cell(m.id),
                    Cell(f"{n} sessions × {c.item}"),
                    Cell(money(low, high, c.high_open), sort=_sort_key(low or high)),
                    Cell(f"computed from {money(c.low_usd, c.high_usd, c.high_open)} per session"),
                ],
                [*m.sources, *c.sources], c.certainty, c.reviewed, register=False,
            ))
    return Table(
        caption="Typical course cost, computed: sessions in a typical course times each "
                "per-session price",
        data_file="costs.csv",
        columns=("Modality", "Course", "Computed price (USD)", "How"),
        numeric=(False, False, True, False),
        rows=tuple(out),
    )


CHART_WIDTH = 640
CHART_LEFT, CHART_RIGHT = 8.0, 628.0
ROW_HEIGHT = 36


def _charts(b: _Builder, modality_rows: list[Row[Modality]],
            cost_rows: list[Row[Cost]]) -> tuple[Chart, ...]:
    """One chart per unit: every price range, computed course prices included and labelled."""
    ranges: dict[Unit, list[tuple[str, Decimal | None, Decimal | None, bool, bool, str]]] = {
        unit: [] for unit in Unit
    }
    sessions = {m.record.id: m.record.course_sessions for m in modality_rows}
    for index, r in enumerate(cost_rows, 1):
        c = r.record
        name = b.modalities[c.modality].name
        contradicted = c.certainty is Certainty.CONTRADICTED
        open_ended = c.high_usd is None or c.high_open
        ranges[c.unit].append((f"{name}: {c.item}", c.low_usd, c.high_usd, open_ended,
                               contradicted, f"costs.md#cost-{index}"))
        n = sessions.get(c.modality)
        if c.unit is Unit.SESSION and n is not None:
            ranges[Unit.COURSE].append((
                f"{name}: {n} × {c.item} (computed)",
                c.low_usd * n if c.low_usd is not None else None,
                c.high_usd * n if c.high_usd is not None else None,
                open_ended, contradicted, f"costs.md#course-{index}",
            ))
    charts = []
    for unit, items in ranges.items():
        if not items:
            continue
        # An open range with no top figure still needs room to show it runs on.
        top = _nice_ceiling(max(hi if hi is not None else (lo or Decimal(0)) * Decimal("1.25")
                                for _, lo, hi, _, _, _ in items))
        scale = (CHART_RIGHT - CHART_LEFT) / float(top)
        bars = []
        for row, (label, lo, hi, open_ended, contradicted, target) in enumerate(items):
            start = float(lo or 0) * scale
            end = float(hi) * scale if hi is not None else CHART_RIGHT - CHART_LEFT
            bars.append(Bar(
                label=f"{label}, {money(lo, hi, open_ended and hi is not None)}"
                      + (" (contradicted)" if contradicted else ""),
                x=round(CHART_LEFT + start, 1),
                width=round(max(end - start, 2.0), 1),
                y=row * ROW_HEIGHT,
                open_ended=open_ended,
                contradicted=contradicted,
                target=target,
            ))
        step = top / 4
        ticks = tuple(Tick(round(CHART_LEFT + float(step * i) * scale, 1), _usd(step * i))
                      for i in range(5))
        axis_y = len(items) * ROW_HEIGHT + 4
        charts.append(Chart(
            id=f"chart-{unit.value}",
            title=f"Prices {UNIT_LABELS[unit]}, US dollars",
            description=(f"{len(items)} price ranges {UNIT_LABELS[unit]}, from "
                         f"{_usd(min(lo or Decimal(0) for _, lo, _, _, _, _ in items))} to "
                         f"{_usd(top)} on the scale. Open-ended ranges run to the edge. "
                         "The same figures are in the tables below."),
            width=CHART_WIDTH,
            height=axis_y + 24,
            axis_y=axis_y,
            bars=tuple(bars),
            ticks=ticks,
        ))
    return tuple(charts)


def _nice_ceiling(value: Decimal) -> Decimal:
    """The next of 1, 2, 2.5, 5 x 10^n at or above `value`, so ticks read as round sums."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= value:
            return magnitude * factor
    return magnitude * 10


def _overview_table(b: _Builder, modality_rows: list[Row[Modality]],
                    cost_rows: list[Row[Cost]]) -> Table:
    out = []
    for r in modality_rows:
        m = r.record
        listed = [c.record for c in cost_rows if c.record.modality == m.id
                  and c.record.unit is Unit.SESSION
                  and c.record.certainty is not Certainty.CONTRADICTED]
        lows = [c.low_usd for c in listed if c.low_usd is not None]
        highs = [c.high_usd for c in listed if c.high_usd is not None]
        open_ended = any(c.high_usd is None or c.high_open for c in listed)
        low = min(lows) if lows else None
        high = None if open_ended or not highs else max(highs)
        price = money(low, high) if (low is not None or high is not None) else "no listing"
        out.append(b.row(
            "index.md", f"modality-{m.id}", m.name, r,
            [
                b.modality_cell(m.id),
                Cell(GROUP_LABELS[m.group]),
                Cell(m.route),
                Cell(m.bioavailability),
                Cell(m.onset),
                Cell(m.supervision),
                Cell(price, sort=_sort_key(low)),
            ],
            m.sources, m.certainty, m.reviewed, register=False,
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
    out = []
    for r in aspect_rows:
        a = r.record
        link = Backlink(f"At a glance: {a.aspect}", f"index.md#aspect-{a.id}")
        out.append(TableRow(
            anchor=f"aspect-{a.id}",
            cells=(Cell(a.aspect), b.statement(a.full_infusion, link),
                   b.statement(a.microdosing, link)),
            reviewed=a.reviewed,
            source=f"{r.path}:{r.line}",
        ))
    return Table(
        caption="The article's comparison, each cell graded against the sources",
        data_file="aspects.yaml",
        columns=("Aspect", GROUP_LABELS[Group.FULL_INFUSION], GROUP_LABELS[Group.MICRODOSING]),
        numeric=(False, False, False),
        rows=tuple(out),
        graded=False,
    )


def _evidence_table(b: _Builder, evidence_rows: list[Row[Evidence]], register: bool,
                    only: str | None = None) -> Table:
    out = []
    for r in evidence_rows:
        e = r.record
        if only is not None and e.modality != only:
            continue
        studies = b.cites(e.studies)
        out.append(b.row(
            "evidence.md", f"evidence-{e.modality}", f"Evidence: {b.modalities[e.modality].name}",
            r,
            [
                b.modality_cell(e.modality),
                Cell(e.evidence_base, cites=studies),
                Cell(e.effects),
                Cell(e.common_uses),
                Cell(e.risks),
                Cell(e.note or ""),
            ],
            [*e.sources, *e.studies], e.certainty, e.reviewed, register,
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
    out = []
    for index, r in ordered:
        s = r.record
        out.append(b.row(
            "legal.md", f"legal-{index}", f"Legal status: {s.jurisdiction}, {s.substance.value}",
            r,
            [
                Cell(s.jurisdiction),
                Cell(s.substance.value),
                Cell(s.status),
                Cell(s.since or "", sort=s.since or ""),
                Cell(s.note or ""),
            ],
            s.sources, s.certainty, s.reviewed,
        ))
    return Table(
        caption="Legal and regulatory status of ketamine and esketamine by jurisdiction",
        data_file="legal.csv",
        columns=("Jurisdiction", "Substance", "Status", "Since", "Note"),
        numeric=(False,) * 5,
        rows=tuple(out),
        filterable=True,
    )


def _treatment_table(b: _Builder, treatment_rows: list[Row[TreatmentLegal]]) -> Table:
    out = []
    for r in treatment_rows:
        t = r.record
        out.append(b.row(
            "legal.md", f"treatment-{t.group.value}", f"Legal status: {GROUP_LABELS[t.group]}", r,
            [
                Cell(GROUP_LABELS[t.group]),
                Cell(t.legal_status),
                Cell(t.supervision_required),
                Cell(t.quality_control),
                Cell(t.typical_conditions),
                Cell(t.note or ""),
            ],
            t.sources, t.certainty, t.reviewed,
        ))
    return Table(
        caption="The article's legal comparison by type of treatment, as checked",
        data_file="legal-treatment.csv",
        columns=("Treatment", "Legal status", "Supervision required", "Quality control",
                 "Typical conditions", "Note"),
        numeric=(False,) * 6,
        rows=tuple(out),
    )


def _mechanism_table(b: _Builder, mechanism_rows: list[Row[Mechanism]]) -> Table:
    out = []
    for r in mechanism_rows:
        m = r.record
        out.append(b.row(
            "mechanisms.md", f"mechanism-{m.id}", f"Mechanisms: {m.action}", r,
            [
                Cell(m.action),
                Cell(", ".join(m.receptors)),
                Cell(m.effect),
                Cell(m.potential_benefits),
                Cell(m.dose_context),
                Cell(m.finding),
            ],
            m.sources, m.certainty, m.reviewed,
        ))
    return Table(
        caption="Proposed biological actions, graded by the strongest evidence found",
        data_file="mechanisms.yaml",
        columns=("Action", "Receptors", "Effect claimed", "Benefits claimed", "Dose context",
                 "What the sources say"),
        numeric=(False,) * 6,
        rows=tuple(out),
    )


def _claim_table(b: _Builder, claim_rows: list[Row[Claim]]) -> Table:
    out = []
    for r in claim_rows:
        c = r.record
        out.append(b.row(
            "claims.md", f"claim-{c.id}", f"Claims: {c.claim}", r,
            [Cell(c.claim), Cell(VERDICT_LABELS[c.verdict], sort=c.verdict.value),
             Cell(c.finding)],
            c.sources, c.certainty, c.reviewed,
        ))
    return Table(
        caption="Each checked claim of the article, its verdict and what the sources say",
        data_file="claims.yaml",
        columns=("Claim in the article", "Verdict", "What the sources say"),
        numeric=(False, False, False),
        rows=tuple(out),
    )


# --- per-modality pages ----------------------------------------------------------------


def _modality_view(b: _Builder, r: Row[Modality], cost_rows: list[Row[Cost]],
                   evidence_rows: list[Row[Evidence]]) -> ModalityView:
    m = r.record
    page = f"modalities/{m.id}.md"
    link = Backlink(f"Modality: {m.name}", f"{page}#summary")
    cites = b.cites(m.sources, link)
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
    dose_link = Backlink(f"Doses: {m.name}", f"{page}#doses")
    doses = Table(
        caption=f"Doses of {m.name} as the sources state them (not dosing advice)",
        data_file="modalities.yaml",
        columns=("What the sources state",),
        numeric=(False,),
        rows=tuple(
            TableRow(anchor=f"dose-{index}", cells=(Cell(d.text),), badge=badge(d.certainty),
                     cites=b.cites(d.sources, dose_link), reviewed=m.reviewed,
                     source=f"{r.path}:{r.line}")
            for index, d in enumerate(m.doses, 1)
        ),
    )
    costs = Table(
        caption=f"Price facts for {m.name}, US dollars",
        data_file="costs.csv",
        columns=("Modality", "Item", "Price (USD)", "Unit", "Region", "As of", "Note"),
        numeric=(False, False, True, False, False, False, False),
        rows=tuple(_cost_row(b, page, index, cr, register=False)
                   for index, cr in enumerate(cost_rows, 1) if cr.record.modality == m.id),
    )
    evidence = _evidence_table(b, evidence_rows, register=False, only=m.id)
    return ModalityView(m, page, GROUP_LABELS[m.group], badge(m.certainty), cites, profile,
                        doses, costs, evidence)


def _comparison(b: _Builder, first: Record, second: Record, cost_rows: list[Row[Cost]],
                evidence_rows: list[Row[Evidence]], legal_rows: list[Row[LegalStatus]]
                ) -> Comparison:
    one, two = cast(Modality, first), cast(Modality, second)

    def side(m: Modality, aspect: str) -> Cell:
        cites = b.cites(m.sources)
        if aspect == "cost":
            listed = [c.record for c in cost_rows if c.record.modality == m.id]
            text = "; ".join(f"{money(c.low_usd, c.high_usd, c.high_open)} {UNIT_LABELS[c.unit]} "
                             f"({c.item})"
                             for c in listed) or "no price listed"
            return Cell(text, cites=b.cites(s for c in listed for s in c.sources))
        if aspect == "evidence":
            found = [e.record for e in evidence_rows if e.record.modality == m.id]
            if not found:
                return Cell("no evidence record")
            e = found[0]
            return Cell(e.evidence_base, badge=badge(e.certainty),
                        cites=b.cites([*e.sources, *e.studies]))
        if aspect == "risks":
            found = [e.record for e in evidence_rows if e.record.modality == m.id]
            return (Cell(found[0].risks, badge=badge(found[0].certainty),
                         cites=b.cites(found[0].sources)) if found else Cell("no record"))
        value = {"family": GROUP_LABELS[m.group], "route": m.route, "setting": m.setting,
                 "supervision": m.supervision, "onset": f"{m.onset}; lasts {m.duration}",
                 "bioavailability": m.bioavailability}[aspect]
        return Cell(value, badge=badge(m.certainty), cites=cites)

    aspects = [("family", "Family"), ("route", "Route"), ("setting", "Setting"),
               ("supervision", "Supervision"), ("onset", "Onset and duration"),
               ("bioavailability", "Bioavailability"), ("cost", "Cost"),
               ("evidence", "Evidence"), ("risks", "Side effects and risks")]
    rows = [
        TableRow(anchor=f"vs-{key}", cells=(Cell(label), side(one, key), side(two, key)),
                 reviewed=max(one.reviewed, two.reviewed))
        for key, label in aspects
    ]
    page = f"compare/{one.id}-vs-{two.id}.md"
    return Comparison(
        page=page,
        title=f"{one.name} vs {two.name}",
        first=one,
        second=two,
        table=Table(
            caption=f"{one.name} and {two.name} side by side",
            data_file="modalities.yaml",
            columns=("Aspect", one.name, two.name),
            numeric=(False, False, False),
            rows=tuple(rows),
            graded=False,
        ),
    )


def all_tables(data: Dataset) -> list[Table]:
    """Every table in the dataset, for checks that must see all of them."""
    tables = [data.overview, data.glance, data.costs, data.course_costs, data.evidence,
              data.legal, data.treatment_legal, data.mechanisms, data.claims]
    for m in data.modalities:
        tables += [m.profile, m.doses, m.costs, m.evidence]
    tables += [c.table for c in data.comparisons]
    return tables

