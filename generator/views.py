"""What pages show: immutable views built by assemble, printed by the templates."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from .export import downloads
from .models import GRADE_LABELS, VERDICT_LABELS, Grade, Verdict
from .tables import Comparator, Modality, Source, Term

T = TypeVar("T")


# --- what pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """An evidence grade, or an article verdict, as a labelled link to its definition."""

    value: str
    label: str
    description: str
    target: str
    rank: int  # 1 = strongest evidence, so a column sorts by strength, not by name
    kind: str = "grade"  # "grade" or "verdict": they look different


@dataclass(frozen=True, slots=True)
class Cite:
    """A citation: a short label linking to the source's entry on the references page."""

    source_id: str
    label: str
    title: str
    target: str
    locator: str | None = None  # where in the source: "Table 3"


@dataclass(frozen=True, slots=True)
class FactView:
    """One graded fact as every page shows it: the same object wherever it appears."""

    id: str  # stable across pages, so a test can find the fact everywhere it is shown
    value: str
    badge: Badge
    cites: tuple[Cite, ...]
    reviewed: dt.date
    detail: str | None = None
    glance: str | None = None  # the value in a phrase, where a compact cell shows it
    computed: str | None = None  # how a derived figure was worked out
    inputs: tuple[tuple[str, str], ...] = ()  # (label, target) of the facts it came from


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: text, optionally a link and a sort key, then its facts.

    Text is what the row is about or what the article says; what is known is in
    `facts`, each with its own grade and sources.
    """

    text: str = ""
    sort: str | None = None
    target: str | None = None
    verdict: Badge | None = None
    facts: tuple[FactView, ...] = ()
    cites: tuple[Cite, ...] = ()  # for text that is a quotation or a list of studies
    # Compact (the home matrix, a comparison's differences): each fact in a phrase with its
    # grade; the text, the whole value, the detail and the sources one tap away.
    compact: bool = False


@dataclass(frozen=True, slots=True)
class TableRow:
    anchor: str
    cells: tuple[Cell, ...]
    label: str = ""  # how the references page names this row in its back-links
    reviewed: dt.date | None = None
    source: str = ""  # "data/costs.csv:12", so a reader can find the line to correct

    def cites(self) -> tuple[Cite, ...]:
        """Every citation in the row, in order, facts' and cells' alike."""
        return tuple(c for cell in self.cells
                     for c in (*cell.cites, *(c for f in cell.facts for c in f.cites)))


@dataclass(frozen=True, slots=True)
class RowLink:
    """What a back-link needs from a row, without building the row."""

    label: str
    anchor: str


class LazyRows(Sequence[TableRow], Generic[T]):
    """A long table's rows, built from its records when a page prints them, then let go.

    A built row costs about a kilobyte: at 100,000 rows, holding them all would break
    the generator's memory budget. `cites` and `link` give what back-links need, far
    more cheaply.
    """

    def __init__(self, items: Sequence[T], build: Callable[[T], TableRow],
                 cites: Callable[[T], tuple[Cite, ...]], link: Callable[[T], RowLink]) -> None:
        self.items = items
        self.build = build
        self.cites = cites
        self.link = link

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> TableRow: ...
    @overload
    def __getitem__(self, index: slice) -> LazyRows[T]: ...
    def __getitem__(self, index: int | slice) -> TableRow | LazyRows[T]:
        if isinstance(index, slice):
            return LazyRows(self.items[index], self.build, self.cites, self.link)
        return self.build(self.items[index])

    def __iter__(self) -> Iterator[TableRow]:
        return map(self.build, self.items)


@dataclass(frozen=True)
class Table:
    caption: str
    data_file: str
    columns: tuple[str, ...]
    sorts: tuple[str, ...]  # per column: text, number, date or none
    rows: Sequence[TableRow]
    filterable: bool = False  # long tables get a filter box (tables.js makes it work)
    searchable: tuple[bool, ...] = ()  # per column; a False column is kept out of search
    dated: bool = True  # a Reviewed column; a short table whose rows share a date says it once

    @property
    def downloads(self) -> dict[str, str]:
        return downloads(self.data_file)

    def citing(self) -> Iterable[tuple[Any, tuple[Cite, ...]]]:
        """Each row (as `link` takes it) with its citations, cell citations included."""
        if isinstance(self.rows, LazyRows):
            lazy = self.rows
            return ((item, lazy.cites(item)) for item in lazy.items)
        return ((row, row.cites()) for row in self.rows)

    def link(self, item: Any) -> RowLink:
        """A row's label and anchor, for the back-links to it."""
        if isinstance(self.rows, LazyRows):
            return self.rows.link(item)
        return RowLink(item.label, item.anchor)


@dataclass(frozen=True)
class PagerLink:
    number: int
    path: str
    first_row: int
    last_row: int


@dataclass(frozen=True)
class TablePage:
    """One page of a table too long for one page (a page holds at most PAGE_ROWS rows)."""

    path: str
    number: int
    table: Table
    pager: tuple[PagerLink, ...]  # every page of the same table, for the page links

    @property
    def title_suffix(self) -> str:
        return f", page {self.number} of {len(self.pager)}" if self.number > 1 else ""


@dataclass(frozen=True, slots=True)
class Backlink:
    """A row citing a source. Its text and target are worked out when the references
    page prints them: at 100,000 rows, holding every one as text costs 20 MB."""

    page: str
    table: Table
    item: Any  # the row, as table.link takes it

    def resolve(self) -> tuple[str, str]:
        """The link's text and its target."""
        link = self.table.link(self.item)
        return link.label, f"{self.page}#{link.anchor}"


@dataclass(frozen=True)
class SourceView:
    source: Source
    anchor: str
    label: str
    doi_url: str | None
    cited_in: tuple[Backlink, ...]
    more: int  # back-links left out to keep the page short


@dataclass(frozen=True)
class SourcePage:
    """One page of the references (a page lists at most PAGE_ROWS sources)."""

    path: str
    number: int
    sources: tuple[SourceView, ...]
    pager: tuple[PagerLink, ...]  # every page of the references, for the page links

    @property
    def title_suffix(self) -> str:
        return f", page {self.number} of {len(self.pager)}" if self.number > 1 else ""


@dataclass(frozen=True)
class Section:
    """A declared table's rows for one modality, on the modality's profile."""

    anchor: str
    title: str
    page: str  # the table's own page, which has every row
    table: Table
    total: int  # rows for the modality; the profile shows the first few


@dataclass(frozen=True)
class ModalityView:
    modality: Modality
    page: str
    summary: FactView
    profile: Table
    doses: Table
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class OutcomeGroup:
    """The results of one modality against one kind of comparator, with what they mean."""

    anchor: str
    modality: Modality
    comparator: Comparator
    label: str  # the comparator in words: "against placebo"
    note: FactView | None
    table: Table


@dataclass(frozen=True)
class Place:
    """A country or region with its legal and coverage rows, its parts' included."""

    anchor: str
    name: str
    names: str  # every name it is found by, '|'-separated, for the page's filter
    also_called: tuple[str, ...]
    parts: tuple[str, ...]  # the places within it whose rows it shows
    legal: Table
    coverage: Table


@dataclass(frozen=True)
class Difference:
    """One aspect on which two modalities differ, with what is known of each."""

    anchor: str
    aspect: str
    first: Cell
    second: Cell


@dataclass(frozen=True)
class PlacePage:
    """One page of "Where I live": whole places, at most about PAGE_ROWS rows of them."""

    path: str
    number: int
    places: tuple[Place, ...]
    pager: tuple[PagerLink, ...]  # numbered by place, for the page links


@dataclass(frozen=True)
class Comparison:
    page: str
    title: str
    first: Modality
    second: Modality
    table: Table
    head_to_head: tuple[OutcomeGroup, ...] = ()  # results of one form against another
    differences: tuple[Difference, ...] = ()  # where the two differ most: the page opens so


@dataclass(frozen=True)
class Bar:
    """One price range in a chart: its figures, and where it sits in percent of the scale."""

    modality: str  # the modality's short name, shown once above its group of bars
    label: str  # what is priced, without the modality's name
    value: str  # the price as people write it: "$400-$800", "$1,200+", "up to $500"
    start: float  # percent of the scale, 0 to 100
    end: float  # where the known figure ends; an open end runs on past it as a marker
    point: bool  # too narrow to see as a bar: drawn as a mark
    open_ended: bool
    weak: bool  # drawn faded: graded below what a computed figure may use
    # For the chart's CSV download:
    item: str = ""  # the listing's item as the data writes it; empty when computed
    low: Decimal | None = None
    high: Decimal | None = None
    grade: str = ""
    basis: str = ""
    sources: tuple[str, ...] = ()
    computed: bool = False

    @property
    def width(self) -> float:
        return round(self.end - self.start, 2)

    @property
    def mark_x(self) -> float:
        """Where a point's 4 px mark starts, from its figure: centred on it, except at
        the very start of the scale, where centring would draw it off the chart."""
        return 0.0 if self.start < 1 else -2.0


@dataclass(frozen=True)
class BarGroup:
    """The bars of one modality, under its name."""

    modality: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    x: float  # percent of the scale
    label: str


@dataclass(frozen=True)
class Chart:
    """A bar chart of price ranges: HTML labels over SVG bars, with SVG and CSV downloads."""

    id: str
    title: str
    units: str  # what the axis counts: "US$ per session"
    description: str
    key: str  # what the chart's marks mean (open ends, faded bars), for the standalone SVG
    groups: tuple[BarGroup, ...]
    ticks: tuple[Tick, ...]
    downloads: dict[str, str]  # "svg", "csv": paths under docs/

    @property
    def bars(self) -> tuple[Bar, ...]:
        return tuple(bar for group in self.groups for bar in group.bars)


@dataclass(frozen=True)
class DataFile:
    """A data file as the Data page lists it."""

    name: str
    description: str
    records: int
    downloads: dict[str, str]


@dataclass(frozen=True)
class GradeLevel:
    """A grade on the methodology page: what it means, what can carry it, how many facts."""

    badge: Badge
    anchor: str
    facts: int
    kinds: tuple[str, ...]  # the kinds of source that can carry it
    example: str = ""  # one fact that carries it, and where it is from


@dataclass(frozen=True)
class VerdictLevel:
    badge: Badge
    claims: int


@dataclass(frozen=True)
class Dataset:
    """Everything the pages show, ready to print."""

    glossary: tuple[TermView, ...]
    terms: dict[str, str]
    modalities: tuple[ModalityView, ...]
    overview: Table
    article_comparison: Table  # the article's own table, checked: on the claims page
    tables: dict[str, tuple[TablePage, ...]]  # the pages of each declared table with one
    table_links: tuple[tuple[str, str, str], ...]  # (title, page, caption) of those tables
    derived_costs: Table
    outcome_groups: tuple[OutcomeGroup, ...]
    places: tuple[PlacePage, ...]
    charts: tuple[Chart, ...]
    comparisons: tuple[Comparison, ...]
    sources: tuple[SourceView, ...]
    references: tuple[SourcePage, ...]
    grade_levels: tuple[GradeLevel, ...]
    verdict_levels: tuple[VerdictLevel, ...]
    kinds: tuple[tuple[str, str], ...]  # (kind, what it is)
    files: tuple[DataFile, ...]
    counts: dict[str, int]  # records per table
    fact_count: int
    last_reviewed: dt.date | None
    reviewed_files: dict[str, dt.date]  # the newest review date of each data file's facts
    without_rows: dict[str, tuple[str, ...]]  # per table: the modalities it has no row for
    oldest_reviewed: dt.date | None


@dataclass(frozen=True)
class TermView:
    term: Term
    cites: tuple[Cite, ...]  # empty: a general definition by the editors


@functools.cache  # eight grades, asked for on every fact
def badge(grade: Grade) -> Badge:
    label, description = GRADE_LABELS[grade]
    return Badge(grade.value, label, description, f"methodology.md#grade-{grade.value}",
                 list(Grade).index(grade) + 1)


@functools.cache
def verdict_badge(verdict: Verdict) -> Badge:
    return Badge(verdict.value, VERDICT_LABELS[verdict], "how the article's claim held up",
                 f"methodology.md#verdict-{verdict.value}", list(Verdict).index(verdict) + 1,
                 kind="verdict")


def sort_key(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")
