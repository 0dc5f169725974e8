"""Hostile text in every data file renders as itself in a real browser.

A copy of the project is built whose data files carry, in every text field of their
first record, a string made of HTML, script, Markdown, extension and template syntax
(plus newlines, tabs and Unicode spaces). Every page of the built site is then opened
in Chromium, and for each page the test checks what a reader (or an attacker) would
notice:

- no dialog opens and `alert`, `confirm` or `prompt` is never called, also after
  hovering what carries a payload in its `title` (Material's `content.tooltips` turns
  titles into tooltips);
- no element exists that a payload could have created: no script that mentions
  `alert(1)`, no `<img src="x">`, no event-handler attribute, no `javascript:` link,
  no footnote, emoji, abbreviation `x` or snippet of mkdocs.yml;
- every field whose marker shows on the page shows its whole payload, character for
  character (whitespace runs compared as one space), and every field shows somewhere;
- tooltips, page titles and the navigation show the text as typed.

The payloads are written with yaml.safe_dump and csv.writer on top of the real data,
so any failure is the site's, not a quoting slip of the test.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import make_project
from .conftest import DESKTOP, ROOT, serve_folder

pytestmark = pytest.mark.browser

# The pieces every payload is made of (the list of hostile input).
PIECES_ONE_LINE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![i](x)",
    '{: onclick="alert(1)" }',
    "[^1]",
    "*[NMDA]: x",
    ":smile:",
    '--8<-- "mkdocs.yml"',
    "{{ 7*7 }}",
    "{% raw %}",
    "a | b",
    "\\",
    "\\\\",
    "&amp;",
    "&#60;b&#62;",
    "<!--",
    "</table>",
    "</td></tr>",
    "**bold**",
    "_under_",
    "`code`",
    "# heading",
    "http://payload.invalid/bare",
    "someone@payload.invalid",
    "a\tb",            # a tab
    "a\u00a0b",        # a non-breaking space
    "a\u2003b",        # an em space
    "a\u200bb",        # a zero-width space
    "-->",
]
# Only fields that allow several lines (Text, not Line) also get a line break.
PIECES_MULTI_LINE = ["line one\nline two", "\n!!! note\n    admonition", "\n    indented"]

# Per data file: the text fields of the first record, and what kind of text each holds:
# "line" (one line), "text" (several lines allowed) or "value" (a fact's short value, one
# line of at most VALUE_MAX characters, so it gets a share of the pieces; the shares of all
# value fields together hold every piece, and so do those of the line fields). A dotted
# name is a field of a nested fact.
TEXT_FIELDS: dict[str, dict[str, str]] = {
    "sources.yaml": {"title": "line", "authors": "line", "publisher": "line",
                     "edition": "line", "about": "text"},
    "glossary.yaml": {"definition": "line"},
    "modalities.yaml": {"name": "line", "summary.value": "value", "summary.detail": "text",
                        "route.value": "value", "setting.value": "value",
                        "supervision.value": "value", "onset.value": "value",
                        "onset.detail": "text", "duration.value": "value",
                        "bioavailability.value": "value", "legal.value": "value",
                        "doses.0.value": "value", "doses.0.detail": "text"},
    "aspects.yaml": {"aspect": "line", "full_infusion.says": "text",
                     "full_infusion.finding.value": "value",
                     "microdosing.finding.detail": "text"},
    "costs.csv": {"item": "line", "region": "line", "detail": "text"},
    "evidence.yaml": {"base.value": "value", "base.detail": "text",
                      "effects.0.value": "value", "uses.0.value": "value",
                      "risks.0.value": "value"},
    "legal.csv": {"status": "value", "detail": "text"},  # jurisdiction: an id of a place
    "mechanisms.yaml": {"action": "line", "receptors.0": "line", "claimed_effect": "text",
                        "claimed_doses": "text", "finding.value": "value",
                        "finding.detail": "text"},
    "claims.yaml": {"claim": "text", "finding.value": "value", "finding.detail": "text"},
}
VALUE_SHARES = 4  # a value field holds every fourth piece: well under VALUE_MAX
LINE_SHARES = 2  # a line field every second piece: under LINE_MAX
# Short fields by rule: a source label (at most 40 characters) shows on every page that
# cites the source, a modality's short name (24) heads the comparison columns.
SHORT_PAYLOADS = {("sources.yaml", "label"): "<img src=x onerror=alert(1)>&amp;",
                  ("modalities.yaml", "short"): "<b>x</b>&amp;"}

# Calls to alert/confirm/prompt are recorded instead of shown.
INIT_SCRIPT = """
window.__dialogs = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__dialogs.push(name + ":" + args.join(",")); };
}
"""

# Everything in the page a payload could have created, as a list of findings.
FIND_INJECTED = """
() => {
  const found = [];
  const where = (el) => el.closest(".md-content") ? "content"
    : el.closest(".md-tooltip2, .md-tooltip") ? "tooltip"
    : el.closest("head") ? "head" : el.closest("nav") ? "nav"
    : el.closest("header") ? "header" : el.closest("footer") ? "footer" : "body";
  const tag = (el) => el.tagName.toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "autofocus"
          || /^\\s*javascript:/i.test(attr.value)) {
        found.push(`${where(el)}: <${tag(el)} ${name}="${attr.value.slice(0, 40)}">`);
      }
    }
  }
  for (const s of document.querySelectorAll("script")) {
    if (/alert/.test(s.textContent) || /alert/.test(s.getAttribute("src") || "")) {
      found.push(`${where(s)}: <script>${s.textContent.slice(0, 40)}</script>`);
    }
  }
  for (const el of document.querySelectorAll("img, image, iframe, object, embed")) {
    const src = el.getAttribute("src") || el.getAttribute("href") || "";
    if (src === "x" || el.getAttribute("alt") === "i") {
      found.push(`${where(el)}: <${tag(el)} src="${src}">`);
    }
  }
  for (const a of document.querySelectorAll("a[href]")) {
    const href = a.getAttribute("href");
    if (/payload\\.invalid/.test(href) || /^mailto:/i.test(href)) {
      found.push(`${where(a)}: <a href="${href}">`);
    }
  }
  const content = document.querySelector(".md-content");
  if (content) {
    const tags = "script, img, picture, video, audio, iframe, object, embed, form, style, "
      + "link, meta, base, foreignObject";
    for (const el of content.querySelectorAll(tags)) {
      found.push(`content: <${tag(el)}> ${el.outerHTML.slice(0, 60)}`);
    }
    // What Markdown would have made of `**bold**`, `_under_`, `code`, `# heading`,
    // `!!! note`, `[^1]` and `:smile:`.
    for (const el of content.querySelectorAll("strong, em, code, h1, h2, h3, h4, h5, h6")) {
      if (/^(bold|under|code|heading)\u00b6?$/.test(el.textContent.trim())) {
        found.push(`content: ${el.outerHTML.slice(0, 60)}`);
      }
    }
    for (const el of content.querySelectorAll(".admonition, .footnote, sup[id^='fnref'], "
                                              + ".twemoji, .emojione, .emoji")) {
      if (!el.matches(".admonition") || /admonition/.test(el.textContent)) {
        found.push(`content: ${el.outerHTML.slice(0, 60)}`);
      }
    }
    for (const el of content.querySelectorAll("abbr")) {
      if (el.getAttribute("title") === "x") found.push(`content: <abbr title="x">`);
    }
    if (/site_name:|markdown_extensions:/.test(content.textContent)) {
      found.push("content: mkdocs.yml was included by a snippet marker");
    }
  }
  return [...new Set(found)];
}
"""


# Marks, in .md-content, the first element whose `title` carries each payload marker, so
# the test can hover it: Material's `content.tooltips` turns titles into tooltips.
MARK_TITLED = """
() => {
  const seen = new Set();
  for (const el of document.querySelectorAll(".md-content [title]")) {
    const match = /zq\\d\\dq/.exec(el.getAttribute("title"));
    if (match && !seen.has(match[0])) {
      el.setAttribute("data-payload-hover", match[0]);
      seen.add(match[0]);
    }
  }
  return [...seen];
}
"""
TOOLTIP = ".md-tooltip2--active .md-tooltip2__inner, .md-tooltip--active .md-tooltip__inner"


@dataclass(frozen=True)
class Injected:
    """One hostile value written into one field."""

    file: str
    field: str
    marker: str
    value: str


def _payload(marker: str, kind: str, share: int = 0) -> str:
    pieces = PIECES_ONE_LINE + (PIECES_MULTI_LINE if kind == "text" else [])
    if kind == "value":
        pieces = PIECES_ONE_LINE[share % VALUE_SHARES::VALUE_SHARES]
    elif kind == "line":  # a line is at most LINE_MAX: every other piece, by turns
        pieces = PIECES_ONE_LINE[share % LINE_SHARES::LINE_SHARES]
    # The marker starts and ends the value (outer whitespace is stripped by the models).
    return f"{marker} " + " ".join(pieces) + f" {marker}end"


def _set(record: dict[str, Any], dotted: str, value: str) -> None:
    keys = dotted.split(".")
    target: Any = record
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value


def _head_comments(text: str) -> str:
    """The leading comment lines of a YAML file (the yaml-language-server modeline)."""
    head = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        head.append(line)
    return "".join(head)


def write_payload_data(data: Path) -> list[Injected]:
    """Rewrite the first record of every data file with hostile text; what was written."""
    injected: list[Injected] = []
    counter = 0
    shares: Counter[str] = Counter()  # fields of each kind so far: each gets the next share
    for name, fields in TEXT_FIELDS.items():
        path = data / name
        if name.endswith(".csv"):
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
            header = list(rows[0].keys())
            records: list[dict[str, Any]] = rows
        else:
            text = path.read_text("utf-8")
            records = yaml.safe_load(text)
        first = records[0]
        for field, kind in fields.items():
            counter += 1
            marker = f"zq{counter:02d}q"
            value = _payload(marker, kind, shares[kind])
            shares[kind] += 1
            _set(first, field, value)
            injected.append(Injected(name, field, marker, value))
        for (file, field), short in SHORT_PAYLOADS.items():
            if file == name:
                counter += 1
                marker = f"zq{counter:02d}q"
                value = f"{marker} {short}"
                _set(first, field, value)
                injected.append(Injected(name, field, marker, value))
        if name.endswith(".csv"):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(records)
            path.write_text(out.getvalue(), encoding="utf-8")
        else:
            dumped = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=10_000)
            path.write_text(_head_comments(text) + dumped, encoding="utf-8")
    return injected


def _listing(lines: list[str], limit: int = 8) -> str:
    """The first `limit` lines, indented, and how many more there are."""
    shown = [f"  {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"  ... and {len(lines) - limit} more")
    return "\n".join(shown)


def normalise(text: str) -> str:
    """Whitespace runs (newlines, tabs, Unicode spaces) as one space."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class PayloadSite:
    site: Path
    injected: list[Injected]
    pages: list[str]


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> PayloadSite:
    project = make_project(tmp_path_factory.mktemp("payload-site"))
    injected = write_payload_data(project / "data")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "generator", "site"], cwd=project, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, (
        "the payload data should be valid and build:\n" + result.stdout + result.stderr)
    site = project / "site"
    pages = []
    for index in sorted(site.rglob("index.html")):
        rel = index.parent.relative_to(site).as_posix()
        pages.append("" if rel == "." else rel + "/")
    return PayloadSite(site, injected, pages)


@pytest.fixture(scope="module")
def payload_url(payload_site: PayloadSite) -> Iterator[str]:
    with serve_folder(payload_site.site) as url:
        yield url


@dataclass
class Seen:
    """What one page showed and did."""

    dialogs: list[str]
    injected: list[str]
    text: str       # .md-content inner text, normalised
    title: str      # document.title, normalised
    nav: str        # the primary navigation's text, normalised
    tooltips: dict[str, str | None]  # payload marker -> tooltip text on hover (None: none)
    errors: list[str]


@pytest.fixture(scope="module")
def visits(browser: Any, payload_site: PayloadSite, payload_url: str) -> dict[str, Seen]:
    """Every page of the payload site, opened once in Chromium."""
    from playwright.sync_api import Error as PlaywrightError
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    context.set_default_timeout(15_000)
    context.add_init_script(INIT_SCRIPT)
    seen: dict[str, Seen] = {}
    try:
        tab = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        tab.on("dialog", on_dialog)
        tab.on("pageerror", lambda err: errors.append(str(err)))
        for path in payload_site.pages:
            dialogs.clear()
            errors.clear()
            tab.goto(payload_url + path, wait_until="load")
            # Open every detail, as a visitor tapping them would: their text must show too.
            tab.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            # Move the pointer over the page, for anything hooked to mouse events.
            tab.mouse.move(400, 300)
            tab.mouse.move(600, 500)
            # That loads Material's bundle (partials/bundle-on-demand.html): let it start,
            # so that what it does with the page is tested too. It starts in a timer.
            tab.wait_for_function("() => typeof window.component$ !== 'undefined'")
            tab.evaluate("() => new Promise(done => setTimeout(done, 50))")
            # Hover what carries a payload in its title, so that its tooltip is made.
            tooltips: dict[str, str | None] = {}
            for marker in tab.evaluate(MARK_TITLED):
                target = tab.locator(f'[data-payload-hover="{marker}"]').first
                try:
                    target.hover(timeout=5_000)
                    tip = tab.locator(TOOLTIP).first
                    tip.wait_for(state="visible", timeout=2_000)
                    tooltips[marker] = normalise(tip.inner_text())
                except PlaywrightError:
                    # No script tooltip: the browser shows the title attribute as plain text.
                    tooltips[marker] = normalise(target.get_attribute("title") or "")
                tab.mouse.move(0, 0)
            seen[path] = Seen(
                dialogs=dialogs + tab.evaluate("() => window.__dialogs"),
                injected=tab.evaluate(FIND_INJECTED),
                text=normalise(tab.inner_text(".md-content")),
                title=normalise(tab.title()),
                nav=normalise(tab.evaluate(
                    "() => (document.querySelector('.md-nav--primary') || {}).textContent"
                    " || ''")),
                tooltips=tooltips,
                errors=list(errors),
            )
    finally:
        context.close()
    return seen


# --------------------------------------------------------------------------- tests


def test_every_data_file_carries_payloads(payload_site: PayloadSite) -> None:
    files = {i.file for i in payload_site.injected}
    assert files == set(TEXT_FIELDS), "a data file got no payload"
    assert len(payload_site.pages) >= 10


def test_no_dialog_and_no_alert_on_any_page(visits: dict[str, Seen]) -> None:
    fired = {f"/{path}": f"{len(s.dialogs)} call(s): {sorted(set(s.dialogs))}"
             for path, s in visits.items() if s.dialogs}
    assert not fired, (f"a payload ran script on {len(fired)} of {len(visits)} pages:\n"
                       + _listing([f"{p}: {d}" for p, d in fired.items()]))


def test_no_element_created_by_a_payload(visits: dict[str, Seen]) -> None:
    created = {f"/{path}": s.injected for path, s in visits.items() if s.injected}
    assert not created, (f"payloads became markup on {len(created)} of {len(visits)} pages:\n"
                         + _listing([f"{p}: {found}" for p, found in created.items()]))


def test_no_script_error_on_any_page(visits: dict[str, Seen]) -> None:
    errors = {f"/{path}": s.errors for path, s in visits.items() if s.errors}
    assert not errors, f"pages threw errors: {errors}"


def test_payload_text_shows_verbatim(payload_site: PayloadSite,
                                     visits: dict[str, Seen]) -> None:
    """Wherever a field's marker shows, its whole value shows, exactly as written."""
    mangled: list[str] = []
    for item in payload_site.injected:
        expected = normalise(item.value)
        for path, seen in visits.items():
            if item.marker in seen.text and expected not in seen.text:
                start = seen.text.find(item.marker)
                mangled.append(
                    f"{item.file} {item.field} on /{path}:\n"
                    f"  expected: {expected!r}\n"
                    f"  shown:    {seen.text[start:start + len(expected) + 40]!r}")
    assert not mangled, "payload text was altered:\n" + _listing(mangled)


def test_every_payload_field_is_shown(payload_site: PayloadSite,
                                      visits: dict[str, Seen]) -> None:
    """No field is silently dropped: each one's full value is visible on some page."""
    missing_fields = [
        f"{i.file} {i.field}" for i in payload_site.injected
        if not any(normalise(i.value) in s.text for s in visits.values())
    ]
    assert not missing_fields, f"never shown verbatim on any page: {missing_fields}"


def test_tooltips_show_payloads_as_text(payload_site: PayloadSite,
                                        visits: dict[str, Seen]) -> None:
    """Glossary definitions and source titles show on hover, as typed, not as markup."""
    by_marker = {i.marker: normalise(i.value) for i in payload_site.injected}
    hovered = {(path, marker): text for path, s in visits.items()
               for marker, text in s.tooltips.items() if text is not None}
    assert hovered, "no element with a payload in its title was found to hover"
    wrong = [f"/{path} {marker}: {text[:len(by_marker[marker]) + 20]!r}"
             for (path, marker), text in hovered.items() if by_marker[marker] not in text]
    assert not wrong, ("tooltips altered the text (expected the whole payload):\n"
                       + _listing(wrong))


def test_titles_and_navigation_show_payloads_as_text(payload_site: PayloadSite,
                                                     visits: dict[str, Seen]) -> None:
    """The modality name is a page title: the tab title and the navigation show it as
    typed, not as markup."""
    name = next(i for i in payload_site.injected
                if i.file == "modalities.yaml" and i.field == "name")
    expected = normalise(name.value)
    titled = [path for path, s in visits.items() if name.marker in s.title]
    assert titled, "the hostile modality name titles no page"
    wrong_titles = [f"/{p}: {visits[p].title[:len(expected) + 20]!r}"
                    for p in titled if expected not in visits[p].title]
    assert not wrong_titles, (f"page titles altered the name {expected!r}:\n"
                              + _listing(wrong_titles))
    navs = {p: s.nav for p, s in visits.items() if name.marker in s.nav}
    wrong_navs = [f"/{p}: {nav[nav.find(name.marker):][:len(expected) + 20]!r}"
                  for p, nav in navs.items() if expected not in nav]
    assert not wrong_navs, (f"navigation altered the name {expected!r}:\n"
                            + _listing(wrong_navs))
