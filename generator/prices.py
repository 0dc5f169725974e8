"""Prices: spans over listings and course costs, each a derived fact naming its inputs.

Part of the assemble stage. Only listings graded observational or stronger go into a
span, drug-only and all-in prices are never one span, and a derived figure carries
the weakest grade of what it was computed from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from .charts import Range, price_span
from .citations import Citations
from .models import BASIS_LABELS, UNIT_LABELS, Basis, Grade, Unit, money, usd
from .tables import COSTS, Cost, Modality
from .validate import Row
from .views import Cell, FactView, Table, TableRow, sort_key

# The grades a listing needs to count in a span: an anecdote or a contradicted figure
# is shown as itself, never folded into a range.
SPAN_GRADES = frozenset({Grade.REGULATORY, Grade.RCT, Grade.OFFICIAL_REPORT,
                         Grade.OBSERVATIONAL})
SHOWN_INPUTS = 5  # listings linked from a derived figure; the rest are counted

Listing = tuple[int, Row[Cost]]  # a listing and its row number in costs.csv


def span_text(low: Decimal | None, high: Decimal | None, open_ended: bool) -> str:
    if high is None:
        return money(low, None)
    return money(low, high, open_ended)


class Prices:
    """The derived price facts of every modality."""

    def __init__(self, c: Citations, modalities: Mapping[str, Modality],
                 listings: Sequence[Listing], target: Callable[[int], str]) -> None:
        self.c = c
        self.modalities = modalities
        self.target = target  # where a listing's row is: costs.md#cost-N on its page
        self.grouped: dict[tuple[str, Unit, Basis], list[Listing]] = defaultdict(list)
        self.lows: dict[str, Decimal | None] = {}  # each derived figure's low end, to sort by
        for n, row in listings:
            cost = row.record
            if cost.grade in SPAN_GRADES:
                self.grouped[(cost.modality, cost.unit, cost.basis)].append((n, row))

    def span(self, modality_id: str, unit: Unit, basis: Basis) -> FactView | None:
        """The range over every eligible listing of one modality, unit and basis."""
        listed = self.grouped.get((modality_id, unit, basis))
        if not listed:
            return None
        costs = [row.record for _, row in listed]
        low, high, open_ended = price_span(costs)
        self.lows[f"price-{modality_id}-{unit.value}-{basis.value}"] = low
        count = f"{len(listed)} listing{'s' if len(listed) != 1 else ''}"
        what = f"{UNIT_LABELS[unit]}, {BASIS_LABELS[basis]}"
        return self.c.derived(
            f"price-{modality_id}-{unit.value}-{basis.value}",
            f"{span_text(low, high, open_ended)} {what}",
            [c.grade for c in costs], [s for c in costs for s in c.sources],
            f"the range of {count} {UNIT_LABELS[unit]} ({BASIS_LABELS[basis]})",
            self._inputs(listed), [c.reviewed for c in costs])

    def headline(self, modality_id: str) -> FactView | None:
        """The per-session price a visitor compares first: all-in, else the drug alone."""
        return (self.span(modality_id, Unit.SESSION, Basis.ALL_IN)
                or self.span(modality_id, Unit.SESSION, Basis.DRUG_ONLY))

    def course(self, m: Modality) -> FactView | None:
        """Sessions in a course times the all-in per-session span."""
        listed = self.grouped.get((m.id, Unit.SESSION, Basis.ALL_IN))
        if m.course is None or not listed:
            return None
        costs = [row.record for _, row in listed]
        low, high, open_ended = price_span(costs)
        n = m.course.count
        more = m.course.or_more
        self.lows[f"course-{m.id}"] = low * n if low is not None else None
        value = span_text(low * n if low is not None else None,
                          high * n if high is not None else None, open_ended or more)
        return self.c.derived(
            f"course-{m.id}", f"{value} for {m.course.value}",
            [m.course.grade, *(c.grade for c in costs)],
            [*m.course.sources, *(s for c in costs for s in c.sources)],
            f"{m.course.value} × {span_text(low, high, open_ended)} per session"
            + ("; more sessions cost more" if more else ""),
            [(f"{m.name}: sessions in a course", f"modalities/{m.id}.md#profile"),
             *self._inputs(listed)],
            [m.reviewed, *(c.reviewed for c in costs)])

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
                    cells=(Cell(m.name, target=f"modalities/{m.id}.md"),
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
            listed = self.grouped.get((m.id, Unit.SESSION, Basis.ALL_IN))
            if m.course is None or not listed:
                continue
            low, high, open_ended = price_span([row.record for _, row in listed])
            n = m.course.count
            out.append(Range(f"{m.short}: course of {m.course.value} (computed)",
                             low * n if low is not None else None,
                             high * n if high is not None else None,
                             open_ended or m.course.or_more, False))
        return out


__all__ = ["Prices", "price_span", "span_text", "usd"]
