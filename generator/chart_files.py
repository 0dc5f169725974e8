"""The price charts as downloads: a standalone SVG picture and its figures as CSV.

Part of the export stage, as the data downloads are: chart views in, (path under docs/,
bytes) out. The SVG has a fixed size and draws its own labels, so it reads the same
wherever it is opened.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterator, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from .views import Bar, Chart

CSV_COLUMNS = ("modality", "label", "item", "low_usd", "high_usd", "open_ended", "shown",
               "weak", "computed", "grade", "basis", "sources", "unit")


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
