"""HTML for data tables, badges and citations, written directly rather than by template.

A table row is printed thousands of times; building it with f-strings costs a fraction
of the same work done through Jinja macro calls (measured in `make bench`). Every value
from data still passes through `escape_text`/`escape_attr`, and every link through the
page's URL function, exactly as in the templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from markupsafe import Markup, escape

from .escape import Glossary, escape_attr, escape_text
from .export import downloads
from .models import KIND_LABELS, SourceKind
from .views import Badge, Cell, Cite, FactView, SourceView, Table, TableRow

Url = Callable[[str], str]

# A sortable header is written with the tab stop tablesort would give it: set by the
# script, it made the browser restyle and lay out the whole page once more (extra.css
# draws the sort icons on it).
SORTABLE = ' tabindex="0"'
SORT_ATTRS = {"number": f' data-sort-method="number"{SORTABLE}',
              "none": ' data-sort-method="none"',
              "text": SORTABLE, "date": f' data-sort-method="isodate"{SORTABLE}'}
REVIEWED_HEADER = f'<th scope="col"{SORT_ATTRS["date"]}>Reviewed</th>'
SHOWN_CITES = 3  # source links a fact shows in its cell; the rest are in its detail


class Writer:
    """Writes markup for one page: links are relative to it, terms get tooltips."""

    def __init__(self, url: Url, gloss: Glossary, repo_url: str | None = None) -> None:
        """`repo_url`: the repository's web address, without a trailing slash."""
        self.url = url
        self.gloss = gloss
        self.repo_url = repo_url
        # Rows repeat the same few grades and citations: write each once per page.
        self._badges: dict[Badge, Markup] = {}
        self._cites: dict[tuple[Cite, ...], Markup] = {}

    def badge(self, b: Badge) -> Markup:
        if b not in self._badges:
            self._badges[b] = self._badge(b)
        return self._badges[b]

    def cites(self, cites: tuple[Cite, ...]) -> Markup:
        if cites not in self._cites:
            self._cites[cites] = self._cites_html(cites)
        return self._cites[cites]

    def _badge(self, b: Badge) -> Markup:
        # Grades and verdicts are two scales: they look different.
        css = f"{b.kind} {b.kind}-{escape(b.value)}"
        return Markup(
            f'<a class="{css}" data-search-exclude href="{self.url(b.target)}" '
            f'title="{escape_attr(b.label)}: {escape_attr(b.description)}">'
            f"{escape_text(b.label)}</a>"
        )

    def _cites_html(self, cites: Iterable[Cite]) -> Markup:
        # No wrapper element: tables print this on every row, and every element costs
        # MkDocs' two HTML parsers time (measured in `make bench`).
        return Markup(", ".join(
            f'<a class="cite" data-search-exclude href="{self.url(c.target)}" '
            f'title="{escape_attr(c.title)}">'
            f"{escape_text(c.label)}{', ' + escape_text(c.locator) if c.locator else ''}</a>"
            for c in cites
        ))

    def fact(self, f: FactView, tag: str = "span") -> str:
        """A fact in an element `tag` that carries its id: its value, then its grade and
        sources; detail and workings on demand (after a span, else inside the element).

        The caller's element is the container where it has one (a cell, a list item), so
        a row of a long table adds no element of its own. A cell shows at most
        SHOWN_CITES source links; the rest are one tap away, in the fact's detail.
        """
        inner, details = self.fact_parts(f)
        if tag == "span":  # a phrase cannot hold the detail: it follows the span
            return f'<span class="fact" data-fact="{escape(f.id)}">{inner}</span>{details}'
        return f'<{tag} class="fact" data-fact="{escape(f.id)}">{inner}{details}</{tag}>'

    def fact_parts(self, f: FactView) -> tuple[str, str]:
        """A fact's visible part (value, grade, sources) and its on-demand detail."""
        shown = f.cites[:SHOWN_CITES]
        rest = len(f.cites) - len(shown)
        more_cites = (f' <span class="cites-more" data-search-exclude>and {rest} more</span>'
                      if rest else "")
        out = f"{self.gloss(f.value)} {self.badge(f.badge)} {self.cites(shown)}{more_cites}"
        details = ""
        more = []
        if rest:
            more.append(f"All {len(f.cites)} sources: {self.cites(f.cites)}.")
        more += self._on_demand(f)
        if more:
            summary = ("How it was computed" if f.computed
                       else "Detail" if f.detail else f"All {len(f.cites)} sources")
            details = (f'<details class="fact-detail"><summary>{summary}</summary>'
                       + " ".join(more) + "</details>")
        return out, details

    def _on_demand(self, f: FactView) -> list[str]:
        """What a fact's detail toggle holds besides sources: how a figure was computed
        and from what, and the detail."""
        more = []
        if f.computed:
            inputs = ", ".join(f'<a href="{self.url(target)}">{escape_text(label)}</a>'
                               for label, target in f.inputs)
            more.append(f"Computed: {self.gloss(f.computed)}. From: {inputs}.")
        if f.detail:
            more.append(str(self.gloss(f.detail)))
        return more

    def glance(self, f: FactView, context: str = "", tag: str = "li") -> str:
        """A compact fact in an element `tag` that carries its id."""
        attrs, inner = self.glance_parts(f, context)
        return f"<{tag}{attrs}>{inner}</{tag}>"

    def glance_parts(self, f: FactView, context: str = "") -> tuple[str, str]:
        """A fact in a phrase with its grade, the rest one tap away (the home matrix, a
        comparison's differences): its element's attributes and its content. `context`
        names what the value is about ("Dissociation:"): it leads the whole value."""
        whole = f"{context} {f.value}" if context else f.value
        shown = f.glance or whole  # a long whole has a glance: validation warns otherwise
        more = [] if whole == shown else [str(self.gloss(_sentence(whole)))]
        more += self._on_demand(f)
        n = len(f.cites)
        more.append(f"Source{'s' if n != 1 else ''}: {self.cites(f.cites)}.")
        sources = f"{n} source{'s' if n != 1 else ''}"
        summary = f"Detail, {sources}" if len(more) > 1 else sources
        inner = (f'<span class="glance">{self.gloss(shown)}</span> {self.badge(f.badge)} '
                 f'<details class="fact-detail"><summary>{summary}</summary>'
                 + " ".join(more) + "</details>")
        return f' class="fact fact-glance" data-fact="{escape(f.id)}"', inner

    def reference(self, s: SourceView) -> Markup:
        """A source's entry on the references page, with the back-links to its rows."""
        src, t = s.source, escape_text
        out = [f'<div class="reference" id="{escape(s.anchor)}">\n'
               f'<p class="reference-title"><strong>{t(s.label)}</strong>. ']
        if src.authors:
            out.append(f"{t(_sentence(src.authors))} ")
        out.append(t(_sentence(src.title)))
        if src.publisher:
            out.append(f" <em>{t(_sentence(src.publisher))}</em>")
        if src.edition:
            out.append(f" {t(_sentence(src.edition))}")
        if src.year or src.kind is not SourceKind.ARTICLE:
            out.append(f" {src.year}." if src.year else " n.d.")
        if src.url:
            out.append(f' <a class="reference-url" href="{escape(src.url)}" '
                       f'rel="nofollow noopener">{t(src.url)}</a>')
        if s.doi_url and src.doi:
            out.append(f' DOI: <a href="{escape(s.doi_url)}" rel="nofollow noopener">'
                       f"{t(src.doi)}</a>.")
        out.append(f' <span class="reference-kind">({t(KIND_LABELS[src.kind])})</span>')
        out.append("</p>\n")
        if src.about:
            out.append(f'<p class="reference-note">{self.gloss(src.about)}</p>\n')
        if s.cited_in:
            # Labels can end in a full stop (a claim); the list adds its own punctuation.
            links = "; ".join(f'<a href="{self.url(target)}">{t(text.rstrip("."))}</a>'
                              for text, target in (link.resolve() for link in s.cited_in))
            more = f"; and {s.more} more row{'s' if s.more != 1 else ''}" if s.more else ""
            out.append(f'<p class="reference-cited" data-search-exclude>Cited in: '
                       f"{links}{more}.</p>\n")
        else:
            out.append('<p class="reference-cited">Not cited by any fact.</p>\n')
        out.append("</div>\n\n")
        return Markup("".join(out))

    def source(self, data_file: str) -> str:
        """Where a data file can be read: in the repository when its address is known."""
        if self.repo_url:
            return str(escape(f"{self.repo_url}/blob/main/data/{data_file}"))
        return str(self.url(downloads(data_file)["source"]))

    def cell(self, c: Cell) -> tuple[str, str]:
        """A cell's attributes for its <td> and its content. A cell that is one fact and
        nothing else carries the fact's id itself."""
        # f-strings throughout: adding str and Markup with + would escape the str again.
        if c.compact and c.facts:
            context = c.text
            if len(c.facts) == 1:
                return self.glance_parts(c.facts[0], context)
            items = "".join(self.glance(f, context) for f in c.facts)
            return "", f'<ul class="facts">{items}</ul>'
        if len(c.facts) == 1 and not (c.text or c.cites or c.verdict):
            inner, details = self.fact_parts(c.facts[0])
            return f' class="fact" data-fact="{escape(c.facts[0].id)}"', inner + details
        # A link's text is a name, and names repeat on every row: no glossary tooltip.
        text = escape_text(c.text) if c.target else self.gloss(c.text) if c.text else ""
        out = f'<a href="{self.url(c.target)}">{text}</a>' if c.target else f"{text}"
        if c.cites:
            out += f" {self.cites(c.cites)}"
        if c.verdict:
            out += f" {self.badge(c.verdict)}"
        if len(c.facts) == 1:
            lead = '<span class="sources-say">The sources: </span>' if c.verdict else ""
            out += (" " if out else "") + lead + self.fact(c.facts[0])
        elif c.facts:
            items = "".join(self.fact(f, "li") for f in c.facts)
            out += f'<ul class="facts">{items}</ul>'
        return "", out

    def row(self, r: TableRow, attrs: tuple[str, ...], dated: bool = True) -> str:
        cells = []
        for c, attr in zip(r.cells, attrs, strict=True):
            own, content = self.cell(c)
            sort = f' data-sort="{escape(c.sort)}"' if c.sort is not None else ""
            cells.append(f"<td{attr}{own}{sort}>{content}</td>")
        if dated:
            # Dates repeat on every row; leaving them out of the search index keeps it small.
            day = escape_text(r.reviewed.isoformat()) if r.reviewed else ""
            cells.append(f"<td data-search-exclude>{day}</td>")
        return f'<tr id="{escape(r.anchor)}">{"".join(cells)}</tr>'

    @staticmethod
    def filter_box(box: str, label: str, count: int, things: str, controls: str = "") -> Markup:
        """A search box with a polite status line (ids `box`, `box`-status), which tables.js
        makes work (and CSS hides without script): a long table's "Filter rows", the
        places' finder. Written here, not by the script, and with the status before any
        filtering (`count` `things`: "12 of 12 rows shown", as tables.js words it): inserted
        or filled after the first paint, they made the browser restyle and lay out
        everything after them again."""
        aria = f' aria-controls="{escape(controls)}"' if controls else ""
        return Markup(f'<div class="table-filter" data-search-exclude>'
                      f'<label for="{escape(box)}">{escape_text(label)}</label>'
                      f'<input type="search" id="{escape(box)}" autocomplete="off" '
                      f'spellcheck="false"{aria} aria-describedby="{escape(box)}-status">'
                      f'<p id="{escape(box)}-status" role="status" aria-live="polite">'
                      f"{count} of {count} {escape_text(things)} shown</p>"
                      f"</div>\n")

    def table(self, t: Table, id: str) -> Markup:
        ident = f"table-{escape(id)}"
        built = list(t.rows)  # a long table builds its rows here, once
        last = max((r.reviewed for r in built if r.reviewed), default=None)
        reviewed = (f'; last reviewed <time datetime="{last.isoformat()}">'
                    f"{escape_text(last.isoformat())}</time>" if last else "")
        caption = (
            f'<caption id="{ident}-caption">{self.gloss(t.caption)}. '
            f'Download <a href="{self.url(t.downloads["csv"])}" download>CSV</a> or '
            f'<a href="{self.url(t.downloads["json"])}" download>JSON</a>; edited in '
            f'<a href="{self.source(t.data_file)}">data/{escape_text(t.data_file)}</a>'
            f"{reviewed}.</caption>"
        )
        heads = "".join(
            f'<th scope="col"{SORT_ATTRS[sort]}>{escape_text(col)}</th>'
            for col, sort in zip(t.columns, t.sorts, strict=True)
        ) + (REVIEWED_HEADER if t.dated else "")
        # On a phone each row is a card and each cell shows its column's name: a script in
        # the page (theme partial table-labels.html) copies the headings into the cells
        # before the first layout, which keeps them out of every row here.
        attrs = tuple("" if not t.searchable or t.searchable[i] else " data-search-exclude"
                      for i in range(len(t.columns)))
        rows = "".join(self.row(r, attrs, t.dated) + "\n" for r in built)
        filterable = " filterable" if t.filterable else ""
        return Markup(
            # str(): Markup + str would escape the table's markup
            (str(self.filter_box(f"{ident}-filter", "Filter rows", len(built), "rows", ident))
             if t.filterable else "") +
            f'<div class="table-scroll" role="region" aria-labelledby="{ident}-caption" '
            f'tabindex="0">\n'
            f'<table class="data-table{filterable}" id="{ident}">\n'
            f"{caption}\n"
            f"<thead><tr>{heads}</tr></thead>\n"
            f"<tbody>\n{rows}</tbody>\n</table>\n</div>"
        )


def _sentence(text: str) -> str:
    """Text ending in one full stop: 'Fava M et al.' stays, 'Urology' becomes 'Urology.'."""
    return text if text.endswith((".", "?", "!")) else text + "."
