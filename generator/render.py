"""Stage 4, render: Dataset -> (path under docs/, text) for each page, pure.

Pages come one at a time, so a site of 100,000 rows is never all in memory at once.

Autoescaping is on and every printed value that is not already markup passes
through `escape_text`, so a template cannot forget to escape data.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .assemble import profile_tables
from .escape import Glossary, escape_text
from .markup import Writer
from .tables import (
    ASPECTS,
    CLAIMS,
    COVERAGE,
    GLOSSARY,
    JURISDICTIONS,
    LEGAL,
    MODALITIES,
    SOURCES,
    TABLES,
    modality_page,
)
from .views import Dataset

TEMPLATES = Path(__file__).parent / "templates"
ABBREVIATIONS = "includes/abbreviations.md"
REPOSITORY = "includes/repository.md"  # where to report an error, for the About page
BOOST_HOLDER = 2.0  # a page that holds facts: a table of its own or a modality's profile
BOOST_REPEAT = 0.5  # a page that repeats facts held elsewhere
# Table pages that also show another file's facts: the claims page ends with the article's
# own comparison (aspects.yaml).
SHOWN_WITH = {CLAIMS.name: (ASPECTS.file,)}
# A modality's profile is what a search for its name or brand means ("Spravato", "troche").
BOOST_PROFILE = 4.0
# Each glossary term is a heading of its own, whose short title would otherwise outrank
# the pages that use the term.
BOOST_DEFINITIONS = 0.05


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, its template, what it shows and from where."""

    path: str
    template: str
    data_files: tuple[str, ...]
    context: dict[str, Any]
    # Search ranks the page that holds a fact above pages that repeat it: table pages and
    # profiles are boosted, comparisons (two profiles side by side) lowered.
    search_boost: float | None = None
    wide: bool = False  # a page of wide tables: no table of contents beside it
    landing: bool = False  # the home page: its matrix takes the navigation's width too
    reviewed: dt.date | None = None  # the newest review of the facts it shows


def doc_file(path: str) -> str:
    """The file a page is written to: every page is a folder's index.md (costs.md ->
    costs/index.md). MkDocs and Zensical then agree on what a link in raw HTML is relative
    to (Zensical resolves those links from the Markdown file's folder)."""
    if path == "index.md" or path.endswith("/index.md"):
        return path
    return path.removesuffix(".md") + "/index.md"


def page_url(path: str) -> str:
    """The URL MkDocs gives a page (directory URLs): costs.md -> costs/."""
    stem = path[: -len(".md")] if path.endswith(".md") else path
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    elif path.endswith(".md"):
        stem += "/"
    return stem


def relative_url(from_page: str, target: str) -> str:
    """A link from one page to a target like 'references.md#src-x', relative to the page."""
    path, _, anchor = target.partition("#")
    fragment = f"#{anchor}" if anchor else ""
    return (_relative_page(from_page, path) if path else "") + fragment


@functools.lru_cache(maxsize=4096)  # the same few pages are linked from every row
def _relative_page(from_page: str, path: str) -> str:
    base, to = page_url(from_page), page_url(path)
    rel = posixpath.relpath(to or ".", base or ".")
    if to == "" or to.endswith("/"):  # a page: directory URLs end in a slash
        rel = "./" if rel == "." else rel + "/"
    return rel


def _environment(data: Dataset, repo_url: str | None
                 ) -> tuple[jinja2.Environment, dict[str, Writer]]:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Compiling the templates is most of a small build's time; Jinja keeps the
        # compiled code in the system's temporary folder, checked against the source.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda v: v if isinstance(v, Markup) else escape_text(str(v)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    gloss = Glossary(data.terms)

    @jinja2.pass_context
    def md(ctx: jinja2.runtime.Context, target: str) -> Markup:
        # A Markdown link to the .md file, so MkDocs checks that page and anchor exist.
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            path = doc_file(path)
        here = posixpath.dirname(doc_file(ctx["page"].path))
        rel = posixpath.relpath(path, here or ".") if path else ""
        return escape(rel + (f"#{anchor}" if anchor else ""))

    writers: dict[str, Writer] = {}

    def writer(ctx: jinja2.runtime.Context) -> Writer:
        page = ctx["page"].path
        if page not in writers:  # one per page, so its caches serve every table on it
            writers[page] = Writer(lambda target: escape(relative_url(page, target)), gloss,
                                   repo_url)
        return writers[page]

    env.globals["table_html"] = jinja2.pass_context(lambda ctx, t, id: writer(ctx).table(t, id))
    env.globals["reference_html"] = jinja2.pass_context(
        lambda ctx, s: writer(ctx).reference(s))
    env.globals["badge_html"] = jinja2.pass_context(lambda ctx, b: writer(ctx).badge(b))
    env.globals["source_link"] = jinja2.pass_context(lambda ctx, f: Markup(writer(ctx).source(f)))
    env.globals["cites_html"] = jinja2.pass_context(lambda ctx, c: writer(ctx).cites(tuple(c)))
    env.globals["filter_box"] = Writer.filter_box
    env.globals["modality_page"] = modality_page
    env.globals["cell_html"] = jinja2.pass_context(
        lambda ctx, c, tag: Markup("<{0}{1}>{2}</{0}>".format(tag, *writer(ctx).cell(c))))
    env.globals["fact_html"] = jinja2.pass_context(lambda ctx, f: Markup(writer(ctx).fact(f)))
    env.filters["url"] = jinja2.pass_context(lambda ctx, target: writer(ctx).url(target))
    env.filters["md"] = md
    env.filters["gloss"] = gloss
    env.filters["attr"] = lambda v: escape(str(v))  # attribute values built from slugs/numbers
    env.filters["html_text"] = lambda v: html.escape(str(v), quote=True)
    env.filters["yaml_str"] = lambda v: Markup(json.dumps(str(v), ensure_ascii=False))
    return env, writers


def pages(data: Dataset) -> list[Page]:
    """Every generated page, in navigation order."""
    def page(path: str, template: str, files: tuple[str, ...], boost: float | None = None,
             wide: bool = False, landing: bool = False, **context: Any) -> Page:
        days = [data.reviewed_files[f] for f in files if f in data.reviewed_files]
        return Page(path, template, files, context, boost, wide, landing,
                    max(days, default=None))

    everything = tuple(t.file for t in TABLES)
    # The files a page shows facts from, for its banner: a profile shows every table that
    # has a rank on profiles, and the notes that explain them.
    profile_files = (MODALITIES.file, *(t.file for t in profile_tables()),
                     *(t.file for t in TABLES if t.explains))
    out = [
        page("index.md", "index.md.j2", profile_files, wide=True, landing=True),
        page("modalities/index.md", "modalities.md.j2", (MODALITIES.file,)),
        page("compare/index.md", "compare_index.md.j2", (MODALITIES.file,)),
    ]
    # A declared table's page: its own template if it has one, else the generic one.
    for t in TABLES:
        if t.page:
            template = f"{t.name}.md.j2" if (TEMPLATES / f"{t.name}.md.j2").is_file() \
                else "table.md.j2"
            files = (t.file, *(other.file for other in TABLES if other.explains == t.name),
                     *SHOWN_WITH.get(t.name, ()))
            out.append(page(t.page, template, files, BOOST_HOLDER, wide=True, t=t,
                            tp=data.tables[t.name][0]))
    out += [
        *(page(pp.path, "places.md.j2", (JURISDICTIONS.file, LEGAL.file, COVERAGE.file),
               BOOST_HOLDER, wide=True, pp=pp) for pp in data.places),
        page("references.md", "references.md.j2", (SOURCES.file,), BOOST_REPEAT,
             rp=data.references[0]),
        # The definitions show as tooltips wherever the terms are used: a search for a
        # term should find where it matters first, then its definition.
        page("glossary.md", "glossary.md.j2", (GLOSSARY.file,), BOOST_DEFINITIONS),
        page("methodology.md", "methodology.md.j2", everything),
        page("data.md", "data.md.j2", everything, wide=True),
    ]
    out += [page(m.page, "modality.md.j2", profile_files, BOOST_PROFILE, wide=True, m=m)
            for m in data.modalities]
    out += [page(c.page, "compare.md.j2", profile_files, BOOST_REPEAT, wide=True, c=c)
            for c in data.comparisons]
    out += [page(rp.path, "references.md.j2", (SOURCES.file,), BOOST_REPEAT, rp=rp)
            for rp in data.references[1:]]
    # Further pages of long tables: the first page of each is the main page above.
    for t in TABLES:
        if t.page:
            out += [page(tp.path, "table_page.md.j2", (t.file,), wide=True, tp=tp,
                         title=t.title) for tp in data.tables[t.name][1:]]
    return out


def render_pages(data: Dataset, repo_url: str | None = None) -> Iterator[tuple[str, str]]:
    """Render every page (and the glossary and repository snippets), one at a time: (path
    under docs/, text).

    With `repo_url` (the repository's web address), tables link to their data file there;
    without it, to the copy of the file published with the site.
    """
    repo_url = repo_url.rstrip("/") if repo_url else None  # one form for every link
    env, writers = _environment(data, repo_url)
    for p in pages(data):
        template = env.get_template(p.template)
        yield doc_file(p.path), template.render(data=data, page=p, **p.context)
        writers.clear()  # a page's caches serve only that page
    yield ABBREVIATIONS, env.get_template("abbreviations.md.j2").render(data=data)
    yield REPOSITORY, env.get_template("repository.md.j2").render(repo_url=repo_url)


def render(data: Dataset, repo_url: str | None = None) -> dict[str, str]:
    """Every page at once, keyed by path under docs/ (for tests and small data)."""
    return dict(render_pages(data, repo_url))
