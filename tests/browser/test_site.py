"""The built site in a real browser: loading, search, sorting, filtering, accessibility,
HTML validity, links, small screens.

Each test says what a reader would notice if it failed. The site is built from the real
data once per session (see conftest.py); every page is visited once and what it logged,
requested and what axe-core found is kept for the tests that check those.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from ..conftest import CHROMIUM, IN_CI, missing
from .conftest import DESKTOP, ROOT

pytestmark = pytest.mark.browser

LOCAL_HOST = "127.0.0.1"
# axe-core violations are allowed only where every node they name is inside Material's
# own search dialog (`div.md-search`), which this project does not template.
AXE_EXEMPT_CONTAINER = ".md-search"
# Material's drawer, search and palette toggles are <input type="checkbox" autocomplete="off">
# in its own template: valid for browsers, an error for the Nu checker.
VNU_ALLOWED_MESSAGES = {
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, "
    "“search”, “tel”, “text”, “time”, “url”, or “week”.",
}
VNU_ALLOWED_EXTRACT = re.compile(
    r'<input class="md-toggle" data-md-toggle="[a-z]+" type="checkbox"')
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A first visit to the home page (HTML, CSS, JavaScript, search index, favicon), uncompressed.
HOME_BUDGET_BYTES = 1_000_000
SMALL_SCREEN = 360


# --------------------------------------------------------------------------- helpers


@dataclass
class Visit:
    """What one page did while it loaded in a fresh tab."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    exempt: list[dict[str, Any]] = field(default_factory=list)


def _watch(tab: Any, visit: Visit) -> None:
    def on_console(msg: Any) -> None:
        if msg.type == "error":
            visit.console_errors.append(f"console: {msg.text}")

    def on_request(request: Any) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != LOCAL_HOST:
            visit.foreign_requests.append(request.url)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            visit.failed_requests.append(f"HTTP {response.status} {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda err: visit.console_errors.append(f"uncaught: {err}"))
    tab.on("request", on_request)
    tab.on("requestfailed",
           lambda req: visit.failed_requests.append(f"{req.failure} {req.url}"))
    tab.on("response", on_response)


def _inside_search_dialog(tab: Any, node: dict[str, Any]) -> bool:
    """True when axe's node is an element inside Material's search dialog."""
    target = node.get("target") or []
    if len(target) != 1 or not isinstance(target[0], str):
        return False  # inside a frame or a shadow root: not Material's search
    return bool(tab.evaluate(
        "([sel, box]) => { const el = document.querySelector(sel);"
        " return !!(el && el.closest(box)); }",
        [target[0], AXE_EXEMPT_CONTAINER]))


# axe-core as bundled by axe-playwright-python, started without waiting for it so that
# two tabs check at once (one per core); the results are the same as Axe().run(tab).
AXE_OPTIONS = {"resultTypes": ["violations"]}
AXE_START = """opts => { window.__axeResults = undefined;
  axe.run(document, opts).then(r => { window.__axeResults = {ok: r}; },
                               e => { window.__axeResults = {error: String(e)}; }); }"""
IN_FLIGHT = 2


def _start_axe(tab: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab.evaluate(Axe().axe_script)
    tab.evaluate(AXE_START, AXE_OPTIONS)


def _finish_axe(tab: Any, visit: Visit) -> None:
    from axe_playwright_python.sync_playwright import AxeResults

    tab.wait_for_function("() => window.__axeResults !== undefined", polling=100,
                          timeout=120_000)
    outcome = tab.evaluate("window.__axeResults")
    if "error" in outcome:
        raise RuntimeError(outcome["error"])
    results = AxeResults(outcome["ok"])
    for violation in results.response["violations"]:
        kept = [n for n in violation["nodes"] if not _inside_search_dialog(tab, n)]
        summary = {"id": violation["id"], "impact": violation["impact"],
                   "help": violation["help"],
                   "targets": [" ".join(map(str, n["target"])) for n in violation["nodes"]]}
        if kept:
            summary["targets"] = [" ".join(map(str, n["target"])) for n in kept]
            visit.violations.append(summary)
        else:
            visit.exempt.append(summary)


def _axe_failed(visit: Visit, err: Exception) -> None:
    """Reported by the axe test, not hidden."""
    visit.violations.append({"id": "axe-did-not-run", "impact": None, "help": str(err),
                             "targets": []})


@pytest.fixture(scope="session")
def visits(desktop: Any, base_url: str, page_paths: list[str],
           artifacts: Path) -> dict[str, Visit]:
    """Every page loaded once in a fresh tab: its errors, requests and axe-core results."""
    found: dict[str, Visit] = {}
    pending: list[tuple[Any, Visit, bool]] = []

    def finish(tab: Any, visit: Visit, started: bool) -> None:
        try:
            if started:
                _finish_axe(tab, visit)
        except Exception as err:
            _axe_failed(visit, err)
        # By now the search worker has fetched its index; anything late shows up here.
        tab.wait_for_load_state("networkidle")
        tab.close()

    try:
        for path in page_paths:
            visit = found[path] = Visit()
            tab = desktop.new_page()
            _watch(tab, visit)
            started = False
            try:
                tab.goto(base_url + path, wait_until="load")
            except Exception as err:
                visit.failed_requests.append(f"page did not load: {err}")
                _axe_failed(visit, err)
            else:
                try:
                    _start_axe(tab)
                    started = True
                except Exception as err:
                    _axe_failed(visit, err)
            pending.append((tab, visit, started))
            while len(pending) >= IN_FLIGHT:
                finish(*pending.pop(0))
        while pending:
            finish(*pending.pop(0))
    finally:
        for tab, _, _ in pending:
            tab.close()
    report = {path: {"violations": v.violations, "exempt_material_search": v.exempt}
              for path, v in found.items()}
    (artifacts / "axe.json").write_text(json.dumps(report, indent=2), "utf-8")
    return found


def _problems(visits: dict[str, Visit], pick: Callable[[Visit], list[Any]]) -> str:
    lines = []
    for path, visit in visits.items():
        for item in pick(visit):
            lines.append(f"/{path}: {item}")
    return "\n".join(lines)


def _compare_pages(page_paths: list[str]) -> list[str]:
    return [p for p in page_paths if p.startswith("compare/") and p != "compare/"]


# --------------------------------------------------------------------------- loading


def test_every_page_loads_without_errors(visits: dict[str, Visit]) -> None:
    assert len(visits) > 10, f"only {len(visits)} pages found"
    errors = _problems(visits, lambda v: v.console_errors)
    failed = _problems(visits, lambda v: v.failed_requests)
    assert not errors, "console errors:\n" + errors
    assert not failed, "failed requests:\n" + failed


def test_no_page_requests_another_host(visits: dict[str, Visit]) -> None:
    foreign = _problems(visits, lambda v: v.foreign_requests)
    assert not foreign, f"requests to hosts other than {LOCAL_HOST}:\n" + foreign


def test_home_page_weight(browser: Any, base_url: str, artifacts: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    """Bytes a first visit transfers (response bodies; the test server does not compress)."""
    context = browser.new_context(service_workers="block")
    try:
        tab = context.new_page()
        responses: list[Any] = []
        tab.on("response", lambda response: responses.append(response))
        tab.goto(base_url, wait_until="networkidle")
        sizes = {}
        for response in responses:
            try:
                sizes[response.url] = len(response.body())
            except Exception:  # a body Chromium did not keep: count what it says it got
                sizes[response.url] = response.request.sizes()["responseBodySize"]
    finally:
        context.close()
    total = sum(sizes.values())
    (artifacts / "home-weight.json").write_text(
        json.dumps({"total_bytes": total, "responses": sizes}, indent=2), "utf-8")
    with capsys.disabled():
        print(f"\nhome page, first visit: {total:,} bytes in {len(sizes)} responses")
    assert total <= HOME_BUDGET_BYTES, json.dumps(sizes, indent=2)


# --------------------------------------------------------------------------- search

SEARCHES = [
    ("Schedule III", "legal/"),
    ("New Zealand", "legal/"),
    ("NMDA", "mechanisms/"),
    ("Zarate", "evidence/"),
    ("dissociation", "evidence/"),
    ("New York", "costs/"),
    # Trials by name lead to the results.
    ("ESCAPE-TRD", "outcomes/"),
    ("ELEKT-D", "outcomes/"),
    ("SUSTAIN-1", "outcomes/"),
]


# A modality's name or brand leads to its profile first.
FIRST_RESULTS = [
    ("Spravato", "modalities/esketamine-nasal/"), ("esketamine", "modalities/esketamine-nasal/"),
    ("IV", "modalities/iv-infusion/"), ("infusion", "modalities/iv-infusion/"),
    ("lozenge", "modalities/oral-sublingual/"), ("troche", "modalities/oral-sublingual/"),
    ("microdosing", "modalities/microdosing/"),
]

SETTLED_RESULTS = """term => {
  const box = document.querySelector('.md-search__input');
  const links = [...document.querySelectorAll('.md-search-result__link')].map(a => a.href);
  const meta = document.querySelector('.md-search-result__meta');
  const now = links.join(' ') + '|' + (meta ? meta.textContent : '');
  const seen = window.__settled || (window.__settled = {now: null, since: 0});
  if (now !== seen.now || box.value !== term) {
    seen.now = now; seen.since = performance.now(); return false;
  }
  return links.length > 0 && performance.now() - seen.since > 400;
}"""


def _bundles(requested: list[str]) -> list[str]:
    return [url for url in requested if "/assets/javascripts/bundle." in url]


def test_materials_bundle_waits_for_the_visitor_and_starts_at_the_first_scroll(
        page: Any, base_url: str) -> None:
    """partials/bundle-on-demand.html: no bundle while the page loads; the first scroll
    loads it and Material starts (its header title follows the heading out of view)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base_url + "outcomes/", wait_until="load")
    page.wait_for_timeout(300)
    assert _bundles(requested) == [], "the bundle loaded before the visitor did anything"
    assert page.evaluate("typeof window.component$") == "undefined"
    page.mouse.wheel(0, 2500)
    page.wait_for_selector(".md-header__title--active")
    assert len(_bundles(requested)) == 1


def test_a_page_opened_from_a_search_result_highlights_the_term_at_once(
        page: Any, base_url: str) -> None:
    """A result link (?h=) starts Material without waiting for the visitor: it marks the
    term searched for."""
    page.goto(base_url + "legal/?h=schedule", wait_until="load")
    page.wait_for_selector("article mark", state="attached")
    assert page.locator("article mark").first.text_content().lower() == "schedule"


def test_the_first_tab_to_a_fact_detail_shows_its_focus_ring(page: Any, base_url: str) -> None:
    """Material draws a toggle's focus ring only once its bundle has marked the element;
    the bundle loads at that first key, so extra.css asks the browser's own ring."""
    page.goto(base_url, wait_until="load")
    page.locator("#table-overview .fact-glance .grade").first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, "
                            "getComputedStyle(document.activeElement).outlineStyle]")
    assert focused == ["SUMMARY", "auto"], focused


@pytest.mark.parametrize(("term", "expected"), SEARCHES)
def test_search_finds_the_page(page: Any, base_url: str, term: str, expected: str) -> None:
    page.goto(base_url + "about/")
    page.keyboard.press("/")  # Material's shortcut to the search box
    search = page.locator(".md-search__input")
    assert search.evaluate("el => el === document.activeElement"), "'/' did not focus search"
    page.keyboard.type(term)
    # Material reads the box on keyup and answers from a web worker, so results for a
    # partial term can show first: wait until the results stop changing.
    try:
        page.wait_for_function(SETTLED_RESULTS, arg=term, polling=100, timeout=15_000)
    except Exception:
        pytest.fail(f"searching {term!r} shows no result")
    want = urlsplit(base_url + expected).path
    url = base_url + expected  # Material's result links are absolute: URL?h=term#section
    link = page.locator(", ".join(f'.md-search-result__link[href{op}"{url}{tail}"]'
                                  for op, tail in (("=", ""), ("^=", "?"), ("^=", "#"))))
    try:
        link.first.wait_for(state="attached", timeout=10_000)
    except Exception:
        shown = page.eval_on_selector_all(".md-search-result__link",
                                          "els => els.map(a => a.href)")
        pytest.fail(f"searching {term!r} shows no result for {want}; results: {shown}")
    link.first.click()  # a locator: found again if Material re-renders the results
    page.wait_for_url(lambda url: urlsplit(url).path == want)
    assert page.locator("h1").first.is_visible()


def _settled_results(page: Any, base_url: str, term: str) -> list[str]:
    """Search `term` from the about page as a visitor would; the result links, in order."""
    page.goto(base_url + "about/")
    page.keyboard.press("/")
    page.keyboard.type(term)
    try:
        page.wait_for_function(SETTLED_RESULTS, arg=term, polling=100, timeout=15_000)
    except Exception:
        pytest.fail(f"searching {term!r} shows no result")
    links: list[str] = page.eval_on_selector_all(".md-search-result__link",
                                                 "els => els.map(a => a.href)")
    return links


@pytest.mark.parametrize(("term", "expected"), FIRST_RESULTS)
def test_a_modality_name_finds_its_profile_first(page: Any, base_url: str, term: str,
                                                 expected: str) -> None:
    links = _settled_results(page, base_url, term)
    assert urlsplit(links[0]).path == urlsplit(base_url + expected).path, (term, links[:5])


def test_glossary_results_are_one_entry_per_term(page: Any, base_url: str) -> None:
    links = _settled_results(page, base_url, "NMDA")
    terms = [link for link in links if "/glossary/" in link and "#term-" in link]
    assert any(link.endswith("#term-nmda") for link in terms), links
    titles = page.eval_on_selector_all(
        '.md-search-result__link[href*="#term-"] h1, .md-search-result__link[href*="#term-"] h2',
        "els => els.map(e => e.textContent.trim())")
    assert "NMDA" in titles and all(len(t) <= 40 for t in titles), titles


# --------------------------------------------------------------------------- sorting


def _price_table(page: Any) -> Any:
    """The costs page's price table: the data table with a numeric USD/price column."""
    money = page.locator('thead th[data-sort-method="number"]',
                         has_text=re.compile(r"USD|Price", re.I))
    return page.locator("table.data-table").filter(has=money).first


def _column(table: Any, index: int) -> list[str | None]:
    return table.evaluate(
        "(t, i) => [...t.tBodies].flatMap(b => [...b.rows])"
        ".map(r => r.cells[i] ? r.cells[i].getAttribute('data-sort') : null)", index)


def _prices(table: Any, index: int) -> list[float]:
    """The data-sort values of the price column, top to bottom, as numbers."""
    values = _column(table, index)
    assert None not in values, f"a price cell has no data-sort value: {values}"
    return [float(v) for v in values]  # type: ignore[arg-type]


def _money_header(page: Any) -> tuple[Any, Any, int]:
    table = _price_table(page)
    header = table.locator('thead th[data-sort-method="number"]').filter(
        has_text=re.compile(r"USD|Price", re.I)).first
    return table, header, header.evaluate("th => th.cellIndex")


def _row_ids(table: Any) -> list[str]:
    return table.evaluate("t => [...t.tBodies].flatMap(b => [...b.rows]).map(r => r.id)")


def test_money_column_sorts_numerically(page: Any, base_url: str) -> None:
    page.goto(base_url + "costs/")
    table, header, index = _money_header(page)
    numbers = _prices(table, index)
    assert len(numbers) > 2
    assert numbers != sorted(numbers), "already in order: the test would prove nothing"

    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert _prices(table, index) == sorted(numbers)

    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert _prices(table, index) == sorted(numbers, reverse=True)


@pytest.mark.parametrize("path", ["legal/"])
def test_date_column_sorts_chronologically(page: Any, base_url: str, path: str) -> None:
    """'As of' and 'Since' mix years, months and days (2005, 2004-07, 2005-05-01)."""
    page.goto(base_url + path)
    dated = page.locator('thead th[data-sort-method="isodate"]')
    table = page.locator("table.data-table").filter(has=dated).first
    header = table.locator('thead th[data-sort-method="isodate"]').first
    index = header.evaluate("th => th.cellIndex")
    dates = [v or "" for v in _column(table, index)]
    assert any("-" in d for d in dates), dates
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert _column(table, index) == sorted(dates)
    header.click()
    assert _column(table, index) == sorted(dates, reverse=True)


def test_headers_sort_by_keyboard(page: Any, base_url: str) -> None:
    page.goto(base_url + "costs/")
    table, header, index = _money_header(page)
    assert header.get_attribute("tabindex") == "0", "a sortable header is not focusable"
    header.focus()
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Space")
    assert header.get_attribute("aria-sort") == "ascending"
    assert page.evaluate("window.scrollY") == scrolled, "Space scrolled the page"
    assert _prices(table, index) == sorted(_prices(table, index))
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert _prices(table, index) == sorted(_prices(table, index), reverse=True)


def test_unsortable_header_does_not_sort(page: Any, base_url: str) -> None:
    page.goto(base_url + "costs/")
    table = _price_table(page)
    header = table.locator('thead th[data-sort-method="none"]').first
    assert header.get_attribute("tabindex") is None, "an unsortable header is focusable"
    order = _row_ids(table)
    header.click()
    assert header.get_attribute("aria-sort") is None
    assert _row_ids(table) == order


# --------------------------------------------------------------------------- filtering

# The last focusable element before the filter box, to start tabbing from.
_BEFORE_FILTER = """box => {
  const focusable = [...document.querySelectorAll(
      '.md-content a[href], .md-content input, .md-content [tabindex="0"]')]
    .filter(el => el.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING);
  focusable[focusable.length - 1].focus();
}"""


def test_filter_box_shows_only_the_rows_that_match(page: Any, base_url: str) -> None:
    page.goto(base_url + "costs/")
    rows = page.locator("#table-costs tbody tr")
    total = rows.count()
    box = page.get_by_role("searchbox", name="Filter rows")
    status = page.locator("#table-costs-filter-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.text_content() == f"{total} of {total} rows shown"
    box.evaluate(_BEFORE_FILTER)  # reached with the keyboard, like any control
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "table-costs-filter"
    page.keyboard.type("ESKETAMINE")  # case does not matter
    visible = [rows.nth(i) for i in range(total) if rows.nth(i).is_visible()]
    assert 0 < len(visible) < total
    assert all("esketamine" in r.text_content().lower() for r in visible)
    assert status.text_content() == f"{len(visible)} of {total} rows shown"
    box.fill("")
    assert status.text_content() == f"{total} of {total} rows shown"


# "Where I live": a place is found by its name or any other name it goes by, and only it.
PLACES = [
    ("UK", ["United Kingdom"]), ("britain", ["United Kingdom"]), ("England", ["United Kingdom"]),
    ("US", ["United States"]), ("usa", ["United States"]), ("United States", ["United States"]),
    ("EU", ["European Union"]), ("Australia", ["Australia"]), ("new zea", ["New Zealand"]),
]


def test_place_filter_finds_a_country_by_any_of_its_names_and_nothing_else(
        page: Any, base_url: str) -> None:
    page.goto(base_url + "where-i-live/")
    places = page.locator("section.place")
    total = places.count()
    assert total > 5
    box = page.get_by_role("searchbox", name="Find your country or region")
    status = page.locator(".table-filter [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.text_content() == f"{total} of {total} places shown"
    for query, expected in PLACES:
        box.fill(query)
        shown = page.eval_on_selector_all(
            "section.place:not([hidden]) h2", "els => els.map(e => e.textContent)")
        assert shown == expected, (query, shown)
        assert status.text_content() == f"{len(expected)} of {total} places shown"
        assert all(places.nth(i).is_visible() == (places.nth(i).locator("h2").text_content()
                                                   in expected) for i in range(total))
    box.fill("")
    assert status.text_content() == f"{total} of {total} places shown"


def test_a_place_shows_its_parts_rows_with_grades_and_sources(page: Any, base_url: str) -> None:
    page.goto(base_url + "where-i-live/")
    uk = page.locator("section.place", has=page.locator("h2", has_text="United Kingdom"))
    text = uk.text_content() or ""
    assert "Class B" in text and "England" in text and "Scotland" in text
    facts = uk.locator("[data-fact]")
    assert facts.count() >= 3
    for i in range(facts.count()):
        assert facts.nth(i).locator(".grade").count() == 1
        assert facts.nth(i).locator(".cite").count() >= 1


# --------------------------------------------------------------------------- accessibility


def test_axe_finds_no_violation(visits: dict[str, Visit],
                                capsys: pytest.CaptureFixture[str]) -> None:
    kept = sum(len(v.violations) for v in visits.values())
    exempt = sum(len(v.exempt) for v in visits.values())
    with capsys.disabled():
        print(f"\naxe-core: {kept} violation(s) on {len(visits)} pages, "
              f"{exempt} more only inside Material's search dialog "
              f"({AXE_EXEMPT_CONTAINER}); details in tests/artifacts/axe.json")
    lines = []
    for path, visit in visits.items():
        for v in visit.violations:
            lines.append(f"/{path}: {v['id']} ({v['impact']}) {v['help']}: "
                         + "; ".join(v["targets"][:5])
                         + (f" (+{len(v['targets']) - 5} more)" if len(v["targets"]) > 5 else ""))
    assert not lines, "axe-core violations:\n" + "\n".join(lines)


# The pages Lighthouse measures (make lighthouse), as a phone shows them: tables as cards.
PHONE_AXE_PAGES = ["", "costs/", "legal/", "outcomes/", "compare/iv-infusion-vs-esketamine-nasal/"]


def test_axe_finds_no_violation_on_a_phone(phone: Any, base_url: str) -> None:
    lines = []
    for path in PHONE_AXE_PAGES:
        tab = phone.new_page()
        visit = Visit()
        try:
            tab.goto(base_url + path, wait_until="load")
            _start_axe(tab)
            _finish_axe(tab, visit)
        finally:
            tab.close()
        lines += [f"/{path}: {v['id']} ({v['impact']}) {v['help']}: " + "; ".join(v["targets"][:5])
                  for v in visit.violations]
    assert not lines, "axe-core violations at 360 px:\n" + "\n".join(lines)


# --------------------------------------------------------------------------- HTML validity


def test_html_is_valid(site_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    java = shutil.which("java")
    if java is None:
        missing("java not found (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing(f"{VNU_JAR.relative_to(ROOT)} not found (npm ci)")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
         str(site_dir)],
        capture_output=True, text=True, check=False, timeout=300)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON (exit {result.returncode}):\n"
                    f"{result.stdout}\n{result.stderr}")
    errors = [m for m in messages if m.get("type") in {"error", "non-document-error"}]

    def materials_toggle(m: dict[str, Any]) -> bool:
        return (m.get("message") in VNU_ALLOWED_MESSAGES
                and bool(VNU_ALLOWED_EXTRACT.search(m.get("extract", ""))))

    allowed = [m for m in errors if materials_toggle(m)]
    real = [m for m in errors if not materials_toggle(m)]
    with capsys.disabled():
        print(f"\nNu HTML Checker: {len(real)} error(s), {len(allowed)} allowed "
              "(Material's autocomplete on checkbox toggles)")
    lines = [f"{m.get('url', '').split(site_dir.name + '/', 1)[-1]}:{m.get('lastLine', '?')}: "
             f"{m.get('message')}" for m in real]
    assert not real, "Nu HTML Checker errors:\n" + "\n".join(lines)


# --------------------------------------------------------------------------- links


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"] or "")
        if tag in {"a", "link", "area"} and a.get("href") is not None:
            self.refs.append(a["href"] or "")
        if tag in {"script", "img", "source", "iframe"} and a.get("src"):
            self.refs.append(a["src"] or "")


def test_no_broken_internal_link_or_anchor(site_dir: Path) -> None:
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            links = _Links()
            links.feed(path.read_text("utf-8"))
            parsed[path] = links
        return parsed[path]

    broken = []
    checked = 0
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        # 404.html is served at any depth, so its links are site-absolute.
        page_url = "/" + rel
        for ref in parse(html).refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith("//"):
                continue  # external, mailto:, data: ...
            checked += 1
            target_url = urljoin(page_url, ref)
            path = unquote(urlsplit(target_url).path)
            fragment = unquote(urlsplit(target_url).fragment)
            target = site_dir / posixpath.normpath(path).lstrip("/")
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: {ref} -> missing {target.relative_to(site_dir)}")
                continue
            if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{rel}: {ref} -> no id {fragment!r} in "
                              f"{target.relative_to(site_dir).as_posix()}")
    assert checked > 100
    unique = sorted(set(broken))
    assert not unique, f"{len(unique)} broken link(s):\n" + "\n".join(unique)


# --------------------------------------------------------------------------- small screens

_WIDE_ELEMENTS = """(limit) => {
  const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit + 1 && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' right=' + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""


# Boxes in the content that scroll sideways (a table in its scroll box, a chart).
_SCROLLING_BOXES = """() => [...document.querySelectorAll('.md-content *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
                && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
             + ' ' + el.scrollWidth + '>' + el.clientWidth).slice(0, 5)"""


def test_no_sideways_scroll_at_360px(phone: Any, base_url: str, page_paths: list[str],
                                     artifacts: Path) -> None:
    """On a phone no page, and no table box in a page, scrolls sideways: tables are cards."""
    wide = []
    tab = phone.new_page()
    try:
        for path in page_paths:
            tab.goto(base_url + path, wait_until="load")
            width = tab.evaluate("document.documentElement.scrollWidth")
            if width > SMALL_SCREEN:
                culprits = tab.evaluate(_WIDE_ELEMENTS, SMALL_SCREEN)
                wide.append(f"/{path}: scrollWidth {width}; {culprits}")
            boxes = tab.evaluate(_SCROLLING_BOXES)
            if boxes:
                wide.append(f"/{path}: boxes scroll sideways: {boxes}")
            if path in {"", "costs/", "legal/", "outcomes/", _compare_pages(page_paths)[0]}:
                name = "phone-" + (path.strip("/").replace("/", "-") or "home") + ".png"
                tab.screenshot(path=str(artifacts / name))
    finally:
        tab.close()
    assert not wide, f"pages wider than {SMALL_SCREEN}px:\n" + "\n".join(wide)


# Where a visitor must see every figure whole: each cell's text inside the screen and not
# clipped by its cell or its table's scroll box.
_CLIPPED = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.offsetParent !== null)
  .filter(el => {
    const r = el.getBoundingClientRect();
    let box = el.closest('.table-scroll');
    const b = box ? box.getBoundingClientRect() : {left: 0, right: innerWidth};
    return r.left < Math.max(0, b.left) - 1 || r.right > Math.min(innerWidth, b.right) + 1
           || el.scrollWidth > el.clientWidth + 1;
  }).map(el => el.textContent.trim().slice(0, 40)).slice(0, 5)"""


def test_every_price_is_fully_visible_at_360px(phone: Any, base_url: str) -> None:
    tab = phone.new_page()
    try:
        for path in ("", "costs/", "compare/iv-infusion-vs-esketamine-nasal/"):
            tab.goto(base_url + path, wait_until="load")
            prices = tab.evaluate(
                "() => [...document.querySelectorAll('[data-fact]')]"
                ".filter(el => /\\$[0-9]/.test(el.textContent)).length")
            assert prices > 0, f"/{path} shows no price"
            clipped = tab.evaluate(_CLIPPED, "[data-fact]")
            assert not clipped, f"/{path}: cut off at 360 px: {clipped}"
    finally:
        tab.close()


_GRADES_OUT_OF_VIEW = """() => [...document.querySelectorAll('table.data-table')]
  .filter(t => t.offsetParent !== null && t.querySelector('.grade'))
  .filter(t => {
    const grade = t.querySelector('tbody .grade').getBoundingClientRect();
    const box = (t.closest('.table-scroll') || t).getBoundingClientRect();
    return grade.right > Math.min(innerWidth, box.right) + 1;
  }).map(t => t.id)"""


@pytest.mark.parametrize("path", ["", "costs/", "evidence/", "legal/", "outcomes/",
                                  "mechanisms/", "where-i-live/"])
def test_the_grade_column_is_in_view_at_1280px(page: Any, base_url: str, path: str) -> None:
    page.goto(base_url + path, wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    assert page.evaluate(_GRADES_OUT_OF_VIEW) == [], f"/{path}: grades off-screen"


_MATRIX = "#table-overview"


def test_every_question_of_the_home_matrix_is_in_view_at_1280px(page: Any, base_url: str
                                                                ) -> None:
    page.goto(base_url, wait_until="load")
    box = page.locator(_MATRIX).locator("xpath=..").bounding_box()
    heads = page.locator(f"{_MATRIX} thead th")
    assert heads.count() >= 8  # the treatment and the questions
    last = heads.last.bounding_box()
    assert box is not None and last is not None
    assert last["x"] + last["width"] <= min(box["x"] + box["width"], DESKTOP["width"]) + 1


def test_the_home_matrix_is_a_card_per_treatment_with_sources_a_tap_away(phone: Any,
                                                                         base_url: str) -> None:
    tab = phone.new_page()
    try:
        tab.goto(base_url, wait_until="load")
        rows = tab.locator(f"{_MATRIX} tbody tr")
        questions = tab.locator(f"{_MATRIX} thead th").count() - 1
        assert rows.count() >= 4
        for n in range(rows.count()):  # a card: the treatment on top, each answer labelled
            cells = rows.nth(n).locator("td")
            first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
            assert first and second and second["y"] >= first["y"] + first["height"] - 1
            labels = cells.evaluate_all("tds => tds.slice(1).map(td => "
                                        "td.getAttribute('data-label') || '')")
            assert len(labels) == questions and all(labels), labels
            label = cells.nth(1).evaluate("td => getComputedStyle(td, '::before').content")
            assert label.strip('"') == labels[0]  # shown above the answer
        fact = tab.locator(f"{_MATRIX} .fact-glance").first
        summary = fact.locator("summary")
        sources = int(re.search(r"(\d+) sources?", summary.inner_text()).group(1))
        assert not fact.locator(".cite").first.is_visible()
        summary.click()
        cites = fact.locator(".cite")
        assert cites.count() == sources and cites.first.is_visible()
        assert fact.locator(".grade").is_visible()
    finally:
        tab.close()


# --------------------------------------------------------------------------- screenshots

SHOTS = {"home": "", "costs": "costs/", "legal": "legal/", "outcomes": "outcomes/",
         "where-i-live": "where-i-live/",
         "iv-vs-esketamine": "compare/iv-infusion-vs-esketamine-nasal/"}


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots(browser: Any, base_url: str, artifacts: Path, width: int) -> None:
    """Full-page screenshots at both widths, kept as artifacts to look at."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  is_mobile=width < 600, service_workers="block")
    try:
        tab = context.new_page()
        for name, path in SHOTS.items():
            tab.goto(base_url + path, wait_until="load")
            shot = artifacts / f"{name}-{width}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000, shot.name
    finally:
        context.close()


def test_tools_are_present_in_ci() -> None:
    """In CI every tool the browser tests use must be installed; skipping would hide it."""
    if not IN_CI:
        pytest.skip("only checked with CI=true")
    assert os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} missing"
    assert shutil.which("java"), "java missing"
    assert VNU_JAR.is_file(), "vnu.jar missing (npm ci)"


def test_the_404_page_keeps_the_disclaimer_and_says_what_happened(page: Any,
                                                                    base_url: str) -> None:
    page.goto(base_url + "404.html")
    assert page.title().startswith("Page not found")
    assert page.locator(".admonition-title", has_text="not medical advice").is_visible()
    assert page.get_by_role("link", name="home page").count() == 1


def test_the_colour_toggle_switches_the_palette_and_keeps_it_on_the_next_page(
        browser: Any, base_url: str) -> None:
    """The theme's own palette switch (partials/palette.html, in place of Material's)."""
    context = browser.new_context(color_scheme="light", service_workers="block")
    try:
        tab = context.new_page()
        tab.goto(base_url, wait_until="load")
        scheme = "document.body.getAttribute('data-md-color-scheme')"
        meta = "document.querySelector('meta[name=color-scheme]').content"
        assert tab.evaluate(scheme) == "default" and tab.evaluate(meta) == "light"
        toggles = tab.locator("form[data-md-palette] label:visible")
        assert toggles.count() == 1
        toggles.first.click()
        assert tab.evaluate(scheme) == "slate" and tab.evaluate(meta) == "dark"
        theme = tab.evaluate("document.querySelector('meta[name=theme-color]').content")
        assert re.fullmatch(r"#[0-9a-f]{6}", theme)
        tab.goto(base_url + "costs/", wait_until="load")
        assert tab.evaluate(scheme) == "slate"
        # a stored value that is not a palette choice falls back to the media query
        tab.evaluate("localStorage.setItem(__md_scope.pathname + '.__palette', "
                     "'{\"index\": \"x\"}')")
        tab.reload(wait_until="load")
        assert tab.evaluate(scheme) == "default"
        assert tab.locator("form[data-md-palette] label:visible").count() == 1
    finally:
        context.close()
