"""The price charts on the costs page, as a visitor sees them on a phone and a desktop.

Each test says what a visitor would notice if it failed: labels too small to read,
a chart wider than the screen, a bar that does not sit at its figures, an open-ended
price drawn as the dearest one, a download link that leads nowhere.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 12  # the smallest label a visitor can read on a phone (DESIGN.md)
WIDTHS = {"phone": 360, "desktop": 1280}
SVG = "{http://www.w3.org/2000/svg}"

# Every element in a chart with text of its own, with the size it is drawn at: the
# computed font size, times the scale of any SVG it sits in (an SVG with a viewBox
# shrunk to fit a phone shrinks its text with it).
_TEXT_SIZES = """(figure) => {
  const out = [];
  for (const el of figure.querySelectorAll('*')) {
    const text = [...el.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').trim();
    if (!text) continue;
    // An SVG <title> or <desc> is never drawn: it is read out, at no size.
    if (el instanceof SVGElement && !(el instanceof SVGGraphicsElement)) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let scale = 1;
    if (el instanceof SVGGraphicsElement && el.getScreenCTM()) {
      const m = el.getScreenCTM();
      scale = Math.hypot(m.a, m.b);
    }
    out.push({text: text.slice(0, 60), px: parseFloat(style.fontSize) * scale,
              height: el.getBoundingClientRect().height});
  }
  return out;
}"""

# What is drawn past the chart's column: anything whose box leaves the figure's sides.
_OUTSIDE = """(figure) => {
  const box = figure.getBoundingClientRect();
  const out = [];
  for (const el of [figure, ...figure.querySelectorAll('*')]) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    if (r.left < box.left - 1 || r.right > box.right + 1
        || r.right > document.documentElement.clientWidth + 1) {
      out.push(el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '')
               + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {figure: [box.left, box.right], parent: figure.parentElement.clientWidth,
          scrolls: figure.scrollWidth > figure.clientWidth + 1, outside: out.slice(0, 8)};
}"""

# Each bar as drawn: its group's heading, its label, its value, where its range and its
# open end sit, and the track it sits in (px).
_BARS = """(figure) => [...figure.querySelectorAll('li.chart-bar')].map(li => {
  const rect = el => { if (!el) return null; const r = el.getBoundingClientRect();
                       return {left: r.left, right: r.right, width: r.width}; };
  const list = li.closest('ul');
  const heading = document.getElementById(list.getAttribute('aria-labelledby'));
  return {
    group: heading ? heading.textContent.trim() : '',
    labels: li.querySelectorAll('.chart-label').length,
    label: li.querySelector('.chart-label').firstChild.textContent.trim(),
    value: li.querySelector('.chart-value').textContent.trim(),
    open: li.classList.contains('chart-bar-open'),
    weak: li.classList.contains('chart-bar-weak'),
    track: rect(li.querySelector('svg.chart-track')),
    range: rect(li.querySelector('.chart-range')),
    arrow: rect(li.querySelector('.chart-arrow')),
  };
})"""

_LINKS = """(figure) => Object.fromEntries([...figure.querySelectorAll('a')]
  .map(a => [a.textContent.trim(), a.getAttribute('href')]))"""


@pytest.fixture(params=sorted(WIDTHS))
def costs(request: pytest.FixtureRequest, base_url: str) -> Any:
    """The costs page in a fresh tab, at 360 px (phone) and at 1280 px (desktop)."""
    context = request.getfixturevalue(request.param)
    tab = context.new_page()
    tab.goto(base_url + "costs/", wait_until="load")
    assert tab.evaluate("window.innerWidth") == WIDTHS[request.param]
    yield tab
    tab.close()


def _charts(tab: Any) -> list[Any]:
    figures: list[Any] = tab.query_selector_all("figure.price-chart")
    assert figures, "the costs page shows no price chart"
    return figures


def test_every_chart_label_is_drawn_at_least_12px(costs: Any, artifacts: Path) -> None:
    """A visitor can read every label, value, tick and unit without zooming."""
    small = []
    for figure in _charts(costs):
        texts = figure.evaluate(_TEXT_SIZES)
        bars = figure.evaluate("f => f.querySelectorAll('li.chart-bar').length")
        assert len(texts) > bars, "each bar has its label as text"
        small += [f"{figure.get_attribute('id')}: {t['text']!r} at {t['px']:.1f}px"
                  for t in texts if t["px"] < MIN_TEXT_PX or t["height"] < MIN_TEXT_PX]
        width = costs.evaluate("window.innerWidth")
        figure.screenshot(path=str(artifacts / f"{figure.get_attribute('id')}-{width}.png"))
    assert not small, f"{len(small)} chart text(s) under {MIN_TEXT_PX}px:\n" + "\n".join(small)


def test_no_chart_is_wider_than_its_column(costs: Any) -> None:
    """Nothing in a chart, open-end arrows included, runs off the side of the page."""
    wide = []
    for figure in _charts(costs):
        found = figure.evaluate(_OUTSIDE)
        if found["scrolls"] or found["outside"] or found["figure"][1] - found["figure"][0] > (
                found["parent"] + 1):
            wide.append(f"{figure.get_attribute('id')}: {found}")
    assert not wide, "\n".join(wide)
    assert costs.evaluate("document.documentElement.scrollWidth") <= costs.evaluate(
        "window.innerWidth")


def test_each_bar_has_one_label_that_does_not_repeat_its_modality(costs: Any) -> None:
    for figure in _charts(costs):
        for bar in figure.evaluate(_BARS):
            assert bar["labels"] == 1, bar
            assert bar["group"], f"bar {bar['label']!r} is under no modality heading"
            assert bar["group"].casefold() not in bar["label"].casefold(), bar
            assert bar["value"].startswith(("$", "up to $")), bar


def test_bars_sit_at_their_figures_and_open_ends_are_arrows_not_the_axis_end(
        costs: Any) -> None:
    """A bar spans its low to high on the axis; an open-ended price ends at the figure
    given, with an arrow after it, so it never reads as the dearest option."""
    for figure in _charts(costs):
        rows = _csv(costs, figure)
        bars = figure.evaluate(_BARS)
        assert len(rows) == len(bars)
        ticks = figure.query_selector_all(".chart-ticks text")
        top = Decimal(ticks[-1].text_content().strip("$").replace(",", ""))
        known = [Decimal(r[k]) for r in rows for k in ("low_usd", "high_usd") if r[k]]
        assert max(known) <= top < max(known) * 3, "the axis ends near the highest figure"
        for row, bar in zip(rows, bars, strict=True):
            assert bar["value"] == row["shown"]
            start = _at(bar["track"], row["low_usd"], top)
            end = _at(bar["track"], row["high_usd"], top) if row["high_usd"] else start
            middle = (bar["range"]["left"] + bar["range"]["right"]) / 2
            if bar["range"]["width"] <= 4.5:  # a point: a mark centred on its figure
                assert abs(middle - start) <= 3 or abs(middle - (start + end) / 2) <= 3, bar
            else:
                assert abs(bar["range"]["left"] - start) <= 1.5, (row, bar)
                assert abs(bar["range"]["right"] - end) <= 1.5, (row, bar)
            assert bar["open"] == (row["open_ended"] == "true"), (row, bar)
            if bar["open"]:
                assert bar["arrow"], f"open-ended {row['label']!r} has no arrow"
                assert bar["arrow"]["left"] > end, (row, bar)
                assert bar["range"]["right"] <= end + 2.5, "drawn past its known figure"
            else:
                assert bar["arrow"] is None, (row, bar)
            assert bar["weak"] == (row["weak"] == "true")


def test_each_chart_has_its_units_and_text_alternative(costs: Any) -> None:
    for figure in _charts(costs):
        units = figure.query_selector(".chart-units")
        assert units and units.is_visible()
        assert units.text_content().startswith("US$ per "), units.text_content()
        caption = figure.query_selector("figcaption")
        assert caption and "tables below" in caption.text_content()
        # The bars themselves are hidden from screen readers: their labels carry the figures.
        assert figure.evaluate(
            "f => [...f.querySelectorAll('svg')].every(s => s.closest('[aria-hidden=true]'))")


def test_each_chart_downloads_as_svg_and_as_csv_of_its_bars(costs: Any) -> None:
    """The SVG and CSV links under a chart resolve; the SVG is a picture with its text,
    the CSV has one row per bar."""
    for figure in _charts(costs):
        links = figure.evaluate(_LINKS)
        assert {"Download SVG", "Download data (CSV)"} <= set(links), links
        response = costs.request.get(urljoin(costs.url, links["Download SVG"]))
        assert response.status == 200, links["Download SVG"]
        svg = ET.fromstring(response.body())
        assert svg.tag == f"{SVG}svg"
        texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
        title = figure.query_selector(".chart-title").text_content()
        assert title in texts
        bars = figure.evaluate(_BARS)
        for bar in bars:
            assert bar["value"] in texts, bar["value"]
        assert len(_csv(costs, figure)) == len(bars)


def _at(track: dict[str, float], value: str, top: Decimal) -> float:
    """Where a figure sits on a bar's track, in px; an empty low is $0."""
    return track["left"] + track["width"] * float(Decimal(value or "0") / top)


def _csv(tab: Any, figure: Any) -> list[dict[str, str]]:
    href = figure.evaluate(_LINKS)["Download data (CSV)"]
    response = tab.request.get(urljoin(tab.url, href))
    assert response.status == 200, href
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert rows and {"label", "modality", "low_usd", "high_usd", "open_ended"} <= set(rows[0])
    return rows
