"""Prices: spans over listings and course costs, each a derived fact naming its inputs.

Part of the assemble stage. Only facts graded observational or stronger (COMPUTABLE) go
into a computed figure, all-in, drug-only and payer prices are never one span, and a
derived figure carries the weakest grade of what it was computed from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .charts import Range, price_span
from .citations import Citations
from .models import BASIS_LABELS, COMPUTABLE, UNIT_LABELS, Basis, Unit, money, source_id, weakest
from .tables import COSTS, Cost, Modality, modality_page
from .validate import Row
from .views import Cell, FactView, Table, TableRow, sort_key

SHOWN_INPUTS = 5  # listings linked from a derived figure; the rest are counted

Listing = tuple[int, Row[Cost]]  # a listing and its row number in costs.csv


@dataclass(frozen=True)
class Course:
    """A course cost's figures: sessions times the all-in per-session span."""

    low: Decimal | None
    high: Decimal | None
    open_ended: bool  # a listing is open-ended, or the course is "N or more" sessions
    session: str  # the per-session span it multiplies, as shown
    listed: list[Listing]


def _sources(listed: Sequence[Listing]) -> list[str]:
    """The sources a derived figure cites: those of the listings it links. With thousands
    of listings, citing every source would put thousands of links in one cell; the costs
    page lists them all."""
    return [s for _, row in listed[:SHOWN_INPUTS] for s in row.record.sources]


class Prices:
    """The derived price facts of every modality."""

    def __init__(self, c: Citations, modalities: Mapping[str, Modality],
                 listings: Sequence[Listing], target: Callable[[int], str]) -> None:
        self.c = c
        self.modalities = modalities
        self.target = target  # where a listing's row is: costs.md#costs-N on its page
        self.grouped: dict[tuple[str, Unit, Basis], list[Listing]] = defaultdict(list)
        self.lows: dict[str, Decimal | None] = {}  # each derived figure's low end, to sort by
        for n, row in listings:
            cost = row.record
            if cost.grade in COMPUTABLE:
                self.grouped[(cost.modality, cost.unit, cost.basis)].append((n, row))

    def span(self, modality_id: str, unit: Unit, basis: Basis) -> FactView | None:
        """The range over every eligible listing of one modality, unit and basis."""
        listed = self.grouped.get((modality_id, unit, basis))
        if not listed:
            return None
        costs = [row.record for _, row in listed]
        low, high, open_ended = price_span(costs)
        fact_id = f"price-{modality_id}-{unit.value}-{basis.value}"
        self.lows[fact_id] = low
        count = f"{len(listed)} listing{'s' if len(listed) != 1 else ''}"
        return self.c.derived(
            fact_id, f"{money(low, high, open_ended)} {UNIT_LABELS[unit]}, "
                     f"{BASIS_LABELS[basis]}",
            [c.grade for c in costs], _sources(listed),
            f"the range of {count} {UNIT_LABELS[unit]} ({BASIS_LABELS[basis]})",
            self._inputs(listed), [c.reviewed for c in costs])

    def headline(self, modality_id: str) -> FactView | None:
        """The per-session price a visitor compares first: all-in, else the drug alone."""
        return (self.span(modality_id, Unit.SESSION, Basis.ALL_IN)
                or self.span(modality_id, Unit.SESSION, Basis.DRUG_ONLY))

    def course_figures(self, m: Modality) -> Course | None:
        """Sessions in a course times the all-in per-session span, when both are known
        well enough to compute with."""
        listed = self.grouped.get((m.id, Unit.SESSION, Basis.ALL_IN))
        if m.course is None or m.course.grade not in COMPUTABLE or not listed:
            return None
        low, high, open_ended = price_span([row.record for _, row in listed])
        n = m.course.count
        return Course(low * n if low is not None else None,
                      high * n if high is not None else None,
                      open_ended or m.course.or_more, money(low, high, open_ended), listed)

    def course(self, m: Modality) -> FactView | None:
        """The computed course cost as a derived fact."""
        figures = self.course_figures(m)
        if figures is None or m.course is None:
            return None
        costs = [row.record for _, row in figures.listed]
        self.lows[f"course-{m.id}"] = figures.low
        return self.c.derived(
            f"course-{m.id}",
            f"{money(figures.low, figures.high, figures.open_ended)} for {m.course.value}",
            [m.course.grade, *(c.grade for c in costs)],
            [*m.course.sources, *_sources(figures.listed)],
            f"{m.course.value} × {figures.session} per session"
            + ("; more sessions cost more" if m.course.or_more else ""),
            [(f"{m.name}: sessions in a course", f"{modality_page(m.id)}#profile"),
             *self._inputs(figures.listed)],
            [m.course.reviewed or m.reviewed, *(c.reviewed for c in costs)])

    def _inputs(self, listed: Sequence[Listing]) -> list[tuple[str, str]]:
        shown = [(row.record.item, self.target(n)) for n, row in listed[:SHOWN_INPUTS]]
        if len(listed) > SHOWN_INPUTS:
            shown.append((f"and {len(listed) - SHOWN_INPUTS} more listings", "costs.md"))
        return shown

    def table(self) -> Table:
        """Every derived price figure: spans per unit and basis, and course costs."""
        rows = []
        for m in self.modalities.values():
            figures = [(f"{unit.value}-{basis.value}", self.span(m.id, unit, basis))
                       for unit in Unit for basis in Basis]
            figures.append(("course", self.course(m)))
            for key, fact in figures:
                if fact is None:
                    continue
                rows.append(TableRow(
                    anchor=f"derived-{m.id}-{key}",
                    cells=(Cell(m.name, target=modality_page(m.id)),
                           Cell(facts=(fact,), sort=sort_key(self.lows.get(fact.id)))),
                    label=f"Costs: {m.name}, computed", reviewed=fact.reviewed))
        return Table(
            caption="Price ranges and course costs computed from the listings; each says "
                    "how it was computed and carries the weakest grade of its inputs",
            data_file=COSTS.file, columns=("Modality", "Computed figure (USD)"),
            sorts=("text", "number"), rows=tuple(rows))

    def course_ranges(self) -> list[Range]:
        """Each computed course cost as a range for the course chart."""
        out = []
        for m in self.modalities.values():
            figures = self.course_figures(m)
            if figures is not None and m.course is not None:
                costs = [row.record for _, row in figures.listed]
                out.append(Range(
                    f"Course of {m.course.value} (computed)", figures.low, figures.high,
                    figures.open_ended, False, modality=m.short,
                    grade=weakest([m.course.grade, *(c.grade for c in costs)]).value,
                    basis=Basis.ALL_IN.value, computed=True,
                    sources=tuple(dict.fromkeys(
                        source_id(s) for s in [*m.course.sources, *_sources(figures.listed)]))))
        return out
