"""Any text from data renders as exactly itself, through the site's real Markdown setup."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.escape import Glossary, escape_text

from .conftest import ROOT

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '" onmouseover="alert(1)',
    "javascript:alert(1)", "*em* _em_ **strong** `code`", "[link](http://x.y)", "![img](x.png)",
    "{: .cls #id }", "{ #anchor }", "[^1]", "[^1]: footnote", "*[HTML]: Hyper", ":smile:",
    "http://example.com", "www.example.com", "a@b.example", "--8<-- \"x.md\"", ";--8<--",
    "{{ 1 + 1 }}", "{% raw %}", "a | b", "\\", "\\*", "&amp;", "&lt;b&gt;", "&#60;", "\n",
    "\t", "\u00a0", "\u2003", "\u200b", "# heading", "> quote", "1. item", "- item", "---",
    "<!-- c -->", "]]>", "NMDA", "5-HT1A", "~~del~~", "==mark==", "^^ins^^", "++ctrl++",
]
# Characters the validate stage lets through: no control (except \n, \t), surrogate,
# private-use or unassigned characters.
CHARS = st.characters(exclude_categories=("Cs", "Co", "Cn", "Cc")) | st.sampled_from("\n\t")
TEXT = st.lists(st.sampled_from(PAYLOADS) | st.text(CHARS, max_size=8), max_size=8).map("".join)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose !ENV tag (site_url) does not matter here."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: None)


def _site_markdown(tmp: Path) -> markdown.Markdown:
    """A Markdown converter with exactly the extensions and settings of mkdocs.yml."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_ConfigLoader)
    names, configs = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = dict(options or {})
    (tmp / "abbreviations.md").write_text("*[NMDA]: N-methyl-D-aspartate\n", "utf-8")
    configs["pymdownx.snippets"]["base_path"] = [str(tmp)]
    return markdown.Markdown(extensions=names, extension_configs=configs)


class _Collect(HTMLParser):
    """The text inside the element with id="x", and any tags found inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []
        self.tags: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip or ("class", "headerlink") in attrs:  # the toc permalink, not text
            self.skip += 1
            return
        if self.depth:
            self.depth += tag not in {"br"}
            self.tags.append(tag)
            if tag == "br":
                self.text.append("\n")
        elif ("id", "x") in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
        elif self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def _inside(html: str) -> tuple[str, list[str]]:
    parser = _Collect()
    parser.feed(html)
    return "".join(parser.text), parser.tags


@pytest.fixture(scope="module")
def md(tmp_path_factory: pytest.TempPathFactory) -> markdown.Markdown:
    return _site_markdown(tmp_path_factory.mktemp("snippets"))


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_in_a_table_cell_renders_as_itself(md: markdown.Markdown, text: str) -> None:
    md.reset()
    html = md.convert(f'<table><tbody><tr><td id="x">{escape_text(text)}</td></tr></tbody>'
                      "</table>\n")
    shown, tags = _inside(html)
    assert shown == text
    assert set(tags) <= {"br"}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT.filter(lambda t: "\n" not in t and t.strip(" ")))
def test_any_one_line_text_in_a_heading_renders_as_itself(md: markdown.Markdown,
                                                            text: str) -> None:
    md.reset()
    html = md.convert(f"# {escape_text(text)} {{ #x }}\n")
    shown, tags = _inside(html)
    # Markdown trims a heading's outer spaces (data is stripped anyway); nothing else.
    assert shown == text.strip(" ")
    assert set(tags) <= {"abbr"}  # glossary tooltips are the only markup allowed in


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_glossary_tooltips_wrap_terms_and_escape_everything_else(md: markdown.Markdown,
                                                                   text: str) -> None:
    gloss = Glossary({"NMDA": 'N-methyl-D-aspartate <"receptor">', "5-HT1A": "a receptor"})
    md.reset()
    html = md.convert(f'<table><tbody><tr><td id="x">{gloss(text)}</td></tr></tbody></table>\n')
    shown, tags = _inside(html)
    assert shown == text
    assert set(tags) <= {"br", "abbr"}


def test_a_term_is_wrapped_only_as_a_whole_word() -> None:
    gloss = Glossary({"NMDA": "receptor", "5-HT1A": "receptor"})
    assert str(gloss("NMDA and 5-HT1A")).count("<abbr") == 2
    assert "<abbr" not in str(gloss("NMDAR and 5-HT1AB and x-NMDA"))


def test_glossary_definitions_in_markdown_tooltips_show_as_typed(tmp_path: Path) -> None:
    """The abbr extension's tooltips (Markdown text) keep entities and markup as typed."""
    from generator import pipeline
    from generator.render import ABBREVIATIONS, render

    from .conftest import GOLDEN_TODAY, MINIMAL

    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    definition = 'a &amp; b &#60;i&#62; <script>x</script> "q" & c'
    glossary = data / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8").replace(
        "N-methyl-D-aspartate, a glutamate receptor that ketamine blocks.",
        "'" + definition + "'"), "utf-8")
    checked = pipeline.check(data, today=GOLDEN_TODAY)
    assert not checked.errors
    snippets = tmp_path / "includes"
    snippets.mkdir()
    (snippets / "abbreviations.md").write_text(render(pipeline.assemble(checked.rows))[
        ABBREVIATIONS], "utf-8")
    md = markdown.Markdown(
        extensions=["abbr", "pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": {"base_path": [str(snippets)],
                                                 "check_paths": True,
                                                 "auto_append": ["abbreviations.md"]}})
    html = md.convert("The NMDA receptor.\n")

    titles: list[str] = []

    class Titles(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "abbr":
                titles.append(dict(attrs)["title"] or "")

    Titles().feed(html)
    assert titles == [definition]
