"""Price charts: every range of a unit on one scale, with the chart's SVG and CSV downloads.

The page draws each chart as HTML labels over SVG bars placed in percent of the scale,
so the labels keep the page's font size at any width (an SVG scaled to a phone shrinks
its text to a few pixels). The download is a standalone SVG of fixed size, drawn here.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from .models import BASIS_LABELS, COMPUTABLE, UNIT_LABELS, Grade, Unit, money, usd
from .tables import Cost, Modality
from .views import Bar, BarGroup, Chart, Tick

FOLDER = "costs/charts"  # the downloads, beside the costs page that shows the charts
MAX_BARS = 30  # past this, one bar per modality: a chart of thousands of bars says nothing
INTERVALS = 4  # ticks at 0, 1/4, ... of the scale
POINT = 0.75  # percent: a range narrower than this is drawn as a point, so it stays visible
# Figures drawn faded: shown as themselves, never part of a span.
WEAK = frozenset(Grade) - COMPUTABLE
CSV_COLUMNS = ("modality", "label", "item", "low_usd", "high_usd", "open_ended", "shown",
               "weak", "computed", "grade", "basis", "sources", "unit")


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
    computed = [_claimed(dataclasses.replace(r, computed=True), modalities)
                for r in course_ranges]
    charts = []
    for unit, ranges in by_unit.items():
        if len(ranges) > MAX_BARS:
            ranges = _per_modality(modalities, costs, unit)
        if unit is Unit.COURSE:
            ranges = ranges + computed
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


def _claimed(r: Range, modalities: Mapping[str, Modality]) -> Range:
    """A range named 'IV infusion: course of 6 (computed)' (prices.py) split into the
    modality and what is priced."""
    if r.modality:
        return r
    for m in modalities.values():
        if r.label.startswith(f"{m.short}: "):
            rest = r.label[len(m.short) + 2:]
            return dataclasses.replace(r, modality=m.short, label=rest[:1].upper() + rest[1:])
    return r


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


def chart_files(charts: Sequence[Chart]) -> Iterator[tuple[str, bytes]]:
    """Each chart as a standalone SVG and its figures as CSV, under docs/."""
    for chart in charts:
        yield chart.downloads["svg"], chart_svg(chart).encode("utf-8")
        yield chart.downloads["csv"], chart_csv(chart).encode("utf-8")


def chart_csv(chart: Chart) -> str:
    """One row per bar, in the chart's order, with the figures as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for bar in chart.bars:
        writer.writerow([bar.modality, bar.label, bar.item,
                         _number(bar.low), _number(bar.high), _flag(bar.open_ended),
                         bar.value, _flag(bar.weak), _flag(bar.computed), bar.grade,
                         bar.basis, ";".join(bar.sources), chart.units])
    return out.getvalue()


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def _flag(value: bool) -> str:
    return "true" if value else "false"


# The standalone drawing, in px: read as a file, it is shown at this size.
WIDTH = 720
MARGIN = 16
TAIL = 28  # the open end: a fade and an arrowhead past the known figure
TRACK = WIDTH - 2 * MARGIN - TAIL
LINE = 18  # one line of 14 px text
WRAP = 86  # characters of 14 px text that fit the width
COLOURS = {"bar": "#3f51b5", "grid": "#d6d6d6", "text": "#1f1f1f", "muted": "#5c5c5c"}


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document that reads on its own: title, units, labels, source."""
    parts: list[str] = []
    y = MARGIN + 18
    parts.append(_text(MARGIN, y, chart.title, size=18, weight="bold"))
    y += LINE + 4
    parts.append(_text(MARGIN, y, chart.units, fill=COLOURS["muted"]))
    y += 12
    body_top = y
    for group in chart.groups:
        y += LINE + 6
        parts.append(_text(MARGIN, y, group.modality, size=15, weight="bold"))
        for bar in group.bars:
            words = f"{bar.label}: {bar.value}" + (
                " (weak evidence, not in any range)" if bar.weak else "")
            for line in textwrap.wrap(words, WRAP):
                y += LINE
                parts.append(_text(MARGIN, y, line))
            y += 6
            parts.append(_bar(bar, y))
            y += 12
    axis_y = y + 10
    grid = []  # drawn first, behind the bars
    for tick in chart.ticks:
        x = _x(tick.x)
        grid.append(f'<line x1="{x}" x2="{x}" y1="{body_top}" y2="{axis_y}" '
                    f'stroke="{COLOURS["grid"]}" stroke-width="1"/>')
        # The first label starts at its tick; the others are centred, the last one in
        # the room kept for the open ends.
        anchor = "start" if tick is chart.ticks[0] else "middle"
        parts.append(_text(x, axis_y + 16, tick.label, size=13, anchor=anchor))
    parts = grid + parts
    y = axis_y + 16 + LINE
    parts.append(_text(MARGIN + TRACK / 2, y, chart.units, size=13, anchor="middle",
                       fill=COLOURS["muted"]))
    y += LINE + 4
    for line in textwrap.wrap(f"{chart.key} From the costs page of Ketamine therapies compared, "
                              "where each price is sourced and graded.", WRAP + 6):
        parts.append(_text(MARGIN, y, line, size=13, fill=COLOURS["muted"]))
        y += LINE
    height = y + MARGIN - LINE + 4
    title_id, desc_id = f"{chart.id}-title", f"{chart.id}-desc"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, '
        'sans-serif" font-size="14">\n'
        f'<title id="{title_id}">{escape(chart.title)}</title>\n'
        f'<desc id="{desc_id}">{escape(chart.description)}</desc>\n'
        '<defs><linearGradient id="fade" x1="0" x2="1" y1="0" y2="0">'
        f'<stop offset="0" stop-color="{COLOURS["bar"]}" stop-opacity="0.8"/>'
        f'<stop offset="1" stop-color="{COLOURS["bar"]}" stop-opacity="0"/>'
        '</linearGradient></defs>\n'
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>\n'
        + "\n".join(parts) + "\n</svg>\n"
    )


def _x(percent: float) -> float:
    return round(MARGIN + TRACK * percent / 100, 1)


def _bar(bar: Bar, y: float) -> str:
    opacity = ' opacity="0.35"' if bar.weak else ""
    start, end = _x(bar.start), _x(bar.end)
    if bar.point:
        shape = (f'<rect x="{round(start + bar.mark_x, 1)}" y="{y}" width="4" height="12" '
                 f'rx="1" fill="{COLOURS["bar"]}"/>')
    else:
        shape = (f'<rect x="{start}" y="{y}" width="{round(end - start, 1)}" height="12" '
                 f'rx="2" fill="{COLOURS["bar"]}"/>')
    if bar.open_ended:
        shape += (f'<rect x="{end}" y="{y + 2}" width="{TAIL - 8}" height="8" '
                  f'fill="url(#fade)"/><path d="M{end + TAIL - 8},{y} l8,6 l-8,6 z" '
                  f'fill="{COLOURS["bar"]}"/>')
    return f"<g{opacity}>{shape}</g>"


def _text(x: float, y: float, text: str, size: int = 14, weight: str = "normal",
          anchor: str = "start", fill: str = COLOURS["text"]) -> str:
    attrs = f' font-size="{size}"' if size != 14 else ""
    attrs += f' font-weight="{weight}"' if weight != "normal" else ""
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{x}" y="{y}" fill={quoteattr(fill)}{attrs}>{escape(text)}</text>'
