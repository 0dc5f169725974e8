"""What pages show: immutable views built by assemble, printed by the templates."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from .export import downloads
from .models import CERTAINTY_LABELS, Certainty, Cost, Modality, Source, Term, Unit

T = TypeVar("T")

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


@dataclass(frozen=True, slots=True)
class Cite:
    """A citation: a short label linking to the source's entry on the references page."""

    source_id: str
    label: str
    title: str
    target: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: text, optionally a link, a sort key, and its own grade and sources."""

    text: str
    sort: str | None = None
    target: str | None = None
    badge: Badge | None = None
    cites: tuple[Cite, ...] = ()


@dataclass(frozen=True, slots=True)
class TableRow:
    anchor: str
    cells: tuple[Cell, ...]
    label: str = ""  # how the references page names this row in its back-links
    badge: Badge | None = None
    cites: tuple[Cite, ...] = ()
    reviewed: dt.date | None = None
    source: str = ""  # "data/costs.csv:12", so a reader can find the line to correct


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
    numeric: tuple[bool, ...]
    rows: Sequence[TableRow]
    graded: bool = True  # rows carry a certainty, sources and review date
    filterable: bool = False  # long tables get a filter box (added by the page script)

    @property
    def downloads(self) -> dict[str, str]:
        return downloads(self.data_file)

    def citing(self) -> Iterable[tuple[Any, tuple[Cite, ...]]]:
        """Each row (as `link` takes it) with its citations, cell citations included."""
        if isinstance(self.rows, LazyRows):
            lazy = self.rows
            return ((item, lazy.cites(item)) for item in lazy.items)
        return ((row, (*row.cites, *(c for cell in row.cells for c in cell.cites)))
                for row in self.rows)

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
class ModalityView:
    modality: Modality
    page: str
    group_label: str
    badge: Badge
    cites: tuple[Cite, ...]
    profile: Table
    doses: Table
    costs: Table
    costs_total: int  # listings in costs.csv; the profile shows the first few
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
    costs: tuple[TablePage, ...]
    course_costs: Table
    charts: tuple[Chart, ...]
    evidence: tuple[TablePage, ...]
    legal: tuple[TablePage, ...]
    treatment_legal: Table
    mechanisms: tuple[TablePage, ...]
    claims: tuple[TablePage, ...]
    comparisons: tuple[Comparison, ...]
    sources: tuple[SourceView, ...]
    references: tuple[SourcePage, ...]
    certainty_levels: tuple[CertaintyLevel, ...]
    files: tuple[DataFile, ...]
    counts: dict[str, int]  # records per data file
    row_count: int
    last_reviewed: dt.date | None
    oldest_reviewed: dt.date | None


@functools.cache  # seven grades, asked for on every row
def badge(certainty: Certainty) -> Badge:
    label, description = CERTAINTY_LABELS[certainty]
    return Badge(certainty.value, label, description,
                 f"methodology.md#certainty-{certainty.value}",
                 list(Certainty).index(certainty) + 1)


def price_span(costs: Iterable[Cost]) -> tuple[Decimal | None, Decimal | None, bool]:
    """Lowest low, highest high, and whether any of the prices is open-ended."""
    listed = list(costs)
    lows = [c.low_usd for c in listed if c.low_usd is not None]
    highs = [c.high_usd for c in listed if c.high_usd is not None]
    open_ended = any(c.high_usd is None or c.high_open for c in listed)
    return min(lows) if lows else None, max(highs) if highs else None, open_ended


def money(low: Decimal | None, high: Decimal | None, high_open: bool = False) -> str:
    """'$400–$800', '$800–$1,200+', '$1,200+' (open-ended), 'up to $500', '$129'."""
    plus = "+" if high_open else ""
    if low is not None and high is not None:
        return usd(low) + plus if low == high else f"{usd(low)}–{usd(high)}{plus}"
    if low is not None:
        return f"{usd(low)}+"
    assert high is not None
    return f"up to {usd(high)}"


def usd(value: Decimal) -> str:
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


def sort_key(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")
