"""Citations: source labels, each fact as pages show it, and the back-links to it.

Part of the assemble stage. A fact is built into one FactView, once, so every page
that shows it shows the same value, grade and sources.
"""

from __future__ import annotations

import datetime as dt
import string
from collections import defaultdict
from collections.abc import Sequence

from .models import CountFact, Fact, Grade, Graded, SourceKind, locator, source_id, weakest
from .tables import Source
from .views import Backlink, Cite, FactView, PagerLink, SourcePage, SourceView, Table, badge

PAGE_ROWS = 1000  # rows per page: past this a table continues on further pages
BACKLINKS = 25  # back-links per source on the references page; the rest are counted


def page_paths(count: int, path: str, size: int | None = None
               ) -> tuple[list[str], tuple[PagerLink, ...]]:
    """The pages `count` items take at `size` a page (default PAGE_ROWS): path, then
    path-stem/page-N.md."""
    size = size or PAGE_ROWS
    pages = max(1, -(-count // size))
    stem = path.removesuffix(".md")
    paths = [path] + [f"{stem}/page-{n}.md" for n in range(2, pages + 1)]
    pager = tuple(PagerLink(n, p, (n - 1) * size + 1, min(n * size, count))
                  for n, p in enumerate(paths, 1))
    return paths, pager


def source_labels(sources: Sequence[Source]) -> dict[str, str]:
    """Short labels like 'Zarate 2006'; repeats get a, b, c so each stays unique."""
    base = {}
    for s in sources:
        if s.authors:
            name = s.authors.split()[0].rstrip(",")
        elif s.publisher:
            name = s.publisher
        else:
            name = s.title if len(s.title) <= 32 else s.title[:30].rstrip() + "…"
        base[s.id] = s.label or (f"{name} {s.year}" if s.year else name)
    counts = defaultdict(list)
    for source_id_, label in base.items():
        counts[label].append(source_id_)
    labels = {}
    for label, ids in counts.items():
        for index, sid in enumerate(ids):
            suffix = "" if len(ids) == 1 else string.ascii_lowercase[index % 26]
            labels[sid] = label + suffix
    return labels


class Citations:
    """Cites and facts for the pages: one object per source and per fact."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.labels = source_labels(sources)
        # The references list sources by label, over as many pages as it takes.
        self.sources = {s.id: s for s in sorted(sources, key=lambda s: self.labels[s.id].lower())}
        paths, _ = page_paths(len(self.sources), "references.md")
        self.reference_page = {sid: paths[n // PAGE_ROWS] for n, sid in enumerate(self.sources)}
        self.article = [s.id for s in sources if s.kind is SourceKind.ARTICLE]
        self._cites: dict[str, Cite] = {}
        self._facts: dict[str, FactView] = {}

    def cites(self, refs: Sequence[str]) -> tuple[Cite, ...]:
        """The citations of source references ('daly-2019' or 'daly-2019 Table 3')."""
        if len(refs) == 1:  # most facts cite one source
            return (self._cite(refs[0]),)
        return tuple(self._cite(r) for r in dict.fromkeys(refs))

    def _cite(self, ref: str) -> Cite:
        if ref not in self._cites:  # one Cite per reference: rows share them
            sid = source_id(ref)
            self._cites[ref] = Cite(sid, self.labels[sid], self.sources[sid].title,
                                    f"{self.reference_page[sid]}#src-{sid}", locator(ref))
        return self._cites[ref]

    def fact(self, fact_id: str, fact: Fact | CountFact | Graded,
             reviewed: dt.date) -> FactView:
        """The one view of a fact; `reviewed` is its record's date, used when it has none.

        A fact is a Fact, a CountFact or a record that is one fact (a price listing, a
        legal status), each with a `value`.
        """
        if fact_id not in self._facts:
            self._facts[fact_id] = FactView(
                id=fact_id,
                value=str(getattr(fact, "value", "")),
                badge=badge(fact.grade),
                cites=self.cites(fact.sources),
                reviewed=getattr(fact, "reviewed", None) or reviewed,
                detail=getattr(fact, "detail", None),
                glance=getattr(fact, "glance", None),
            )
        return self._facts[fact_id]

    def derived(self, fact_id: str, value: str, grades: Sequence[Grade], refs: Sequence[str],
                computed: str, inputs: Sequence[tuple[str, str]],
                reviewed: Sequence[dt.date]) -> FactView:
        """A figure computed from facts: their weakest grade, their sources, how it was done."""
        view = FactView(
            id=fact_id, value=value, badge=badge(weakest(grades)),
            cites=self.cites(list(dict.fromkeys(refs))), reviewed=min(reviewed),
            computed=computed, inputs=tuple(inputs))
        self._facts[fact_id] = view
        return view

    def article_cite(self) -> tuple[Cite, ...]:
        """The citation of the article, for text that quotes it."""
        return self.cites(self.article[:1]) if self.article else ()


def backlinks(placed: list[tuple[str, Table]]
              ) -> tuple[dict[str, list[Backlink]], dict[str, int]]:
    """The first BACKLINKS rows citing each source, and how many rows cite it in all."""
    found: dict[str, list[Backlink]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    for page, table in placed:
        for item, cites in table.citing():
            # A row may cite a source several times (two facts): it links back once.
            for sid in dict.fromkeys(c.source_id for c in cites):
                counts[sid] += 1
                if len(found[sid]) < BACKLINKS:
                    found[sid].append(Backlink(page, table, item))
    return found, counts


def reference_pages(c: Citations, placed: list[tuple[str, Table]]) -> tuple[
        tuple[SourceView, ...], tuple[SourcePage, ...]]:
    """Every source with the rows that cite it, over as many pages as it takes."""
    links, cited = backlinks(placed)
    views = tuple(
        SourceView(
            source=s,
            anchor=f"src-{s.id}",
            label=c.labels[s.id],
            doi_url=f"https://doi.org/{s.doi}" if s.doi else None,
            cited_in=tuple(links[s.id]),
            more=cited[s.id] - len(links[s.id]),
        )
        for s in c.sources.values()
    )
    paths, pager = page_paths(len(views), "references.md")
    pages = tuple(
        SourcePage(path, n, views[(n - 1) * PAGE_ROWS:n * PAGE_ROWS],
                   pager if len(paths) > 1 else ())
        for n, path in enumerate(paths, 1)
    )
    return views, pages
