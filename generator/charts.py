"""Price charts: every range of a unit on one scale, as views the pages draw.

Part of the assemble stage. The page draws each chart as HTML labels over SVG bars placed
in percent of the scale, so the labels keep the page's font size at any width (an SVG
scaled to a phone shrinks its text to a few pixels); `chart_files.py` writes the downloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .models import BASIS_LABELS, COMPUTABLE, UNIT_LABELS, Grade, Unit, money, usd
from .tables import Cost, Modality
from .views import Bar, BarGroup, Chart, Tick

FOLDER = "costs/charts"  # the downloads, beside the costs page that shows the charts
MAX_BARS = 30  # past this, one bar per modality: a chart of thousands of bars says nothing
INTERVALS = 4  # ticks at 0, 1/4, ... of the scale
POINT = 0.75  # percent: a range narrower than this is drawn as a point, so it stays visible
# Figures drawn faded: shown as themselves, never part of a span.
WEAK = frozenset(Grade) - COMPUTABLE


def price_span(costs: Sequence[Cost]) -> tuple[Decimal | None, Decimal | None, bool]:
    """Lowest low, highest high, and whether any of the prices is open-ended."""
    lows = [c.low_usd for c in costs if c.low_usd is not None]
    highs = [c.high_usd for c in costs if c.high_usd is not None]
    open_ended = any(c.high_usd is None or c.high_open for c in costs)
    return min(lows) if lows else None, max(highs) if highs else None, open_ended


@dataclass(frozen=True)
class Range:
    """A price range to draw, with what its download row says about it."""

    label: str  # what is priced
    low: Decimal | None
    high: Decimal | None
    open_ended: bool
    weak: bool  # graded below what a computed figure may use: drawn faded
    modality: str = ""  # the modality's short name; empty: the label starts with it
    item: str = ""  # the listing's item as the data writes it; empty for computed figures
    grade: str = ""  # empty for figures computed or summed from several listings
    basis: str = ""
    sources: tuple[str, ...] = ()
    computed: bool = False


def price_charts(modalities: Mapping[str, Modality], costs: list[Cost],
                 course_ranges: list[Range]) -> tuple[Chart, ...]:
    """One chart per unit, with the computed course ranges added to the course chart."""
    by_unit: dict[Unit, list[Range]] = {unit: [] for unit in Unit}
    for c in costs:
        m = modalities[c.modality]
        by_unit[c.unit].append(Range(
            _without_name(c.item, m), c.low_usd, c.high_usd,
            c.high_usd is None or c.high_open, c.grade in WEAK, modality=m.short, item=c.item,
            grade=c.grade.value, basis=c.basis.value,
            sources=tuple(dict.fromkeys(s.partition(" ")[0] for s in c.sources))))
    charts = []
    for unit, ranges in by_unit.items():
        if len(ranges) > MAX_BARS:
            ranges = _per_modality(modalities, costs, unit)
        if unit is Unit.COURSE:
            ranges = ranges + course_ranges
        if ranges:
            charts.append(_chart(unit, ranges, [m.short for m in modalities.values()]))
    return tuple(charts)


def _without_name(item: str, modality: Modality) -> str:
    """The item without a leading modality name: the chart shows the name once, above."""
    for name in (modality.name, modality.short):
        head, rest = item[:len(name)], item[len(name):]
        if head.casefold() == name.casefold() and rest[:1] in {",", ":", " "}:
            rest = rest.lstrip(",: ")
            if rest:
                return rest[0].upper() + rest[1:]
    return item


def _per_modality(modalities: Mapping[str, Modality], costs: list[Cost],
                  unit: Unit) -> list[Range]:
    """One bar per modality and kind of price: all-in, drug-only and payer never merge."""
    out = []
    for modality in modalities.values():
        for basis in BASIS_LABELS:
            listed = [c for c in costs if c.modality == modality.id and c.unit is unit
                      and c.basis is basis and c.grade not in WEAK]
            if listed:
                label = BASIS_LABELS[basis]
                out.append(Range(f"{label[0].upper()}{label[1:]}: {len(listed)} listings",
                                 *price_span(listed), False, modality=modality.short,
                                 basis=basis.value,
                                 sources=tuple(sorted({s.partition(" ")[0] for c in listed
                                                       for s in c.sources}))))
    return out


def _chart(unit: Unit, ranges: list[Range], order: list[str]) -> Chart:
    # The scale ends at the highest known figure: an open end is a marker past the
    # known figure, never a bar to the edge that reads as the dearest option.
    known = [v for r in ranges for v in (r.low, r.high) if v is not None]
    step = _nice_step(max(known, default=Decimal(0)) / INTERVALS)
    top = step * INTERVALS

    def percent(value: Decimal) -> float:
        return round(float(value / top * 100), 2)

    groups = []
    for short in [*order, *sorted({r.modality for r in ranges} - set(order))]:
        bars = []
        for r in (r for r in ranges if r.modality == short):
            start = percent(r.low) if r.low is not None else 0.0
            end = percent(r.high) if r.high is not None else start
            bars.append(Bar(
                modality=short, label=r.label,
                value=money(r.low, r.high, r.open_ended and r.high is not None),
                start=start, end=end, point=end - start < POINT,
                open_ended=r.open_ended, weak=r.weak, item=r.item, low=r.low, high=r.high,
                grade=r.grade, basis=r.basis, sources=r.sources, computed=r.computed))
        if bars:
            groups.append(BarGroup(short, tuple(bars)))
    count = sum(len(g.bars) for g in groups)
    units = f"US$ {UNIT_LABELS[unit]}"
    # Say only what this chart shows: a key to marks it does not have is noise.
    key = []
    if any(r.open_ended for r in ranges):
        key.append("An arrow marks an open-ended price ('+'): it starts at the figure given "
                   "and has no known top.")
    if any(r.weak for r in ranges):
        key.append("Faded bars are weakly supported figures.")
    return Chart(
        id=f"chart-{unit.value}",
        title=f"Prices {UNIT_LABELS[unit]}, US dollars",
        units=units,
        description=" ".join([f"{count} price {'range' if count == 1 else 'ranges'} "
                              f"{UNIT_LABELS[unit]}, on a scale from $0 to {usd(top)}.",
                              *key, "The same figures are in the tables below."]),
        key=" ".join(key),
        groups=tuple(groups),
        ticks=tuple(Tick(percent(step * i), usd(step * i)) for i in range(INTERVALS + 1)),
        downloads={"svg": f"{FOLDER}/chart-{unit.value}.svg",
                   "csv": f"{FOLDER}/chart-{unit.value}.csv"},
    )


def _nice_step(value: Decimal) -> Decimal:
    """The next of 1, 2, 2.5, 5 x 10^n at or above `value`, so ticks read as round sums."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** value.adjusted()
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= value:
            return magnitude * factor
    return magnitude * 10


# --- downloads -----------------------------------------------------------------------
