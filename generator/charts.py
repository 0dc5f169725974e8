"""Price charts: every range of a unit on one scale, drawn at build time as inline SVG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .models import BASIS_LABELS, COMPUTABLE, UNIT_LABELS, Grade, Unit, money, usd
from .tables import Cost, Modality
from .views import Bar, Chart, Tick

CHART_WIDTH = 640
CHART_LEFT, CHART_RIGHT = 8.0, 628.0
ROW_HEIGHT = 36
MAX_BARS = 30  # past this, one bar per modality: a chart of thousands of bars says nothing
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
    label: str
    low: Decimal | None
    high: Decimal | None
    open_ended: bool
    weak: bool  # graded below what a computed figure may use: drawn faded


def price_charts(modalities: Mapping[str, Modality], costs: list[Cost],
                 course_ranges: list[Range]) -> tuple[Chart, ...]:
    """One chart per unit, with the computed course ranges added to the course chart."""
    by_unit: dict[Unit, list[Range]] = {unit: [] for unit in Unit}
    for c in costs:
        by_unit[c.unit].append(Range(
            f"{modalities[c.modality].short}: {c.item}", c.low_usd, c.high_usd,
            c.high_usd is None or c.high_open, c.grade in WEAK))
    charts = []
    for unit, ranges in by_unit.items():
        if len(ranges) > MAX_BARS:
            ranges = _per_modality(modalities, costs, unit)
        if unit is Unit.COURSE:
            ranges = ranges + course_ranges
        if ranges:
            charts.append(_chart(unit, ranges))
    return tuple(charts)


def _per_modality(modalities: Mapping[str, Modality], costs: list[Cost],
                  unit: Unit) -> list[Range]:
    """One bar per modality and kind of price: all-in, drug-only and payer never merge."""
    out = []
    for modality in modalities.values():
        for basis in BASIS_LABELS:
            listed = [c for c in costs if c.modality == modality.id and c.unit is unit
                      and c.basis is basis and c.grade not in WEAK]
            if listed:
                out.append(Range(f"{modality.short}, {BASIS_LABELS[basis]}: "
                                 f"{len(listed)} listings", *price_span(listed), False))
    return out


def _chart(unit: Unit, ranges: list[Range]) -> Chart:
    # An open range with no top figure still needs room to show that it runs on.
    top = _nice_ceiling(max(r.high if r.high is not None else (r.low or Decimal(0)) * 5 / 4
                            for r in ranges))
    scale = (CHART_RIGHT - CHART_LEFT) / float(top)
    bars = []
    for row, r in enumerate(ranges):
        start = float(r.low or 0) * scale
        end = float(r.high) * scale if r.high is not None else CHART_RIGHT - CHART_LEFT
        shown = money(r.low, r.high, r.open_ended and r.high is not None)
        bars.append(Bar(
            label=f"{r.label}, {shown}"
            + (" (weak evidence, not in any range)" if r.weak else ""),
            x=round(CHART_LEFT + start, 1),
            width=round(max(end - start, 2.0), 1),
            y=row * ROW_HEIGHT,
            open_ended=r.open_ended,
            weak=r.weak,
        ))
    step = top / 4
    axis_y = len(ranges) * ROW_HEIGHT + 4
    lowest = min(r.low or Decimal(0) for r in ranges)
    return Chart(
        id=f"chart-{unit.value}",
        title=f"Prices {UNIT_LABELS[unit]}, US dollars",
        description=(f"{len(ranges)} price ranges {UNIT_LABELS[unit]}, from {usd(lowest)} "
                     f"to {usd(top)} on the scale. Open-ended ranges run to the edge; faded bars "
                     "are weakly supported figures. "
                     "The same figures are in the tables below."),
        width=CHART_WIDTH,
        height=axis_y + 24,
        axis_y=axis_y,
        bars=tuple(bars),
        ticks=tuple(Tick(round(CHART_LEFT + float(step * i) * scale, 1), usd(step * i))
                    for i in range(5)),
    )


def _nice_ceiling(value: Decimal) -> Decimal:
    """The next of 1, 2, 2.5, 5 x 10^n at or above `value`, so ticks read as round sums."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= value:
            return magnitude * factor
    return magnitude * 10
