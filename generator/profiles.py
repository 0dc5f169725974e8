"""Modality profiles, comparisons and the home page's tables: part of the assemble stage.

These pages are bespoke, but they read the same FactViews as the table pages, so a fact
reads the same wherever it is shown.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from .cells import Cells
from .prices import Prices
from .tables import ASPECTS, EVIDENCE, MODALITIES, Aspect, Evidence, Modality
from .validate import Row
from .views import Cell, Comparison, FactView, ModalityView, Table, TableRow, verdict_badge

# (field, label) of the facts a profile lists, in order.
PROFILE_FACTS = (("route", "Route"), ("setting", "Where"), ("supervision", "Supervision"),
                 ("onset", "Onset"), ("duration", "How long it lasts"),
                 ("bioavailability", "Bioavailability"), ("legal", "Legal status"),
                 ("course", "Sessions in a course"))
NO_PRICE = "No price listing found in the sources checked"


class Profiles:
    """Every view of a modality: its facts, its prices, its evidence."""

    def __init__(self, cells: Cells, prices: Prices, modality_rows: Sequence[Row[Modality]],
                 evidence: Mapping[str, Evidence]) -> None:
        self.cells = cells
        self.prices = prices
        self.rows = {r.record.id: r for r in modality_rows}
        self.evidence = evidence

    def fact(self, m: Modality, field: str) -> tuple[FactView, ...]:
        return self.cells.facts(f"{MODALITIES.name}-{m.id}-{field}", getattr(m, field),
                                m.reviewed)

    def evidence_facts(self, m: Modality, field: str) -> tuple[FactView, ...]:
        e = self.evidence.get(m.id)
        if e is None:
            return ()
        return self.cells.facts(f"{EVIDENCE.name}-{m.id}-{field}", getattr(e, field),
                                e.reviewed)

    def price(self, m: Modality) -> Cell:
        fact = self.prices.headline(m.id)
        return Cell(facts=(fact,)) if fact else Cell(NO_PRICE)

    def course_price(self, m: Modality) -> Cell:
        fact = self.prices.course(m)
        return Cell(facts=(fact,)) if fact else Cell("Not computed: no course length or "
                                                     "no per-session listing")

    def aspects(self, m: Modality) -> list[tuple[str, str, Cell]]:
        """(anchor, label, cell) for every aspect a profile or comparison shows."""
        out = [(f, label, Cell(facts=self.fact(m, f)) if getattr(m, f) is not None
                else Cell("Not stated in the sources checked")) for f, label in PROFILE_FACTS]
        out += [("price", "Price per session", self.price(m)),
                ("course-price", "Course cost (computed)", self.course_price(m))]
        for field, label in (("base", "Evidence"), ("risks", "Risks and limits")):
            facts = self.evidence_facts(m, field)
            out.append((field, label, Cell(facts=facts) if facts else Cell("No evidence "
                                                                           "record")))
        return out

    def view(self, m: Modality, costs: Table, costs_total: int, evidence: Table) -> ModalityView:
        row = self.rows[m.id]
        profile = Table(
            caption=f"What is known about {m.name}, each fact graded on its own",
            data_file=MODALITIES.file, columns=("Aspect", "What is known"),
            sorts=("none", "none"),
            rows=tuple(TableRow(anchor=f"profile-{anchor}", cells=(Cell(label), cell),
                                reviewed=m.reviewed, source=f"{row.path}:{row.line}",
                                label=f"{m.name}: {label.lower()}")
                       for anchor, label, cell in self.aspects(m)))
        doses = Table(
            caption=f"Doses of {m.name} as the sources state them (not dosing advice)",
            data_file=MODALITIES.file, columns=("What the sources state",), sorts=("none",),
            rows=tuple(TableRow(anchor=f"dose-{n}", cells=(Cell(facts=(f,)),),
                                label=f"Doses: {m.name}", reviewed=f.reviewed,
                                source=f"{row.path}:{row.line}")
                       for n, f in enumerate(self.fact(m, "doses"), 1)))
        summary = self.fact(m, "summary")[0]
        return ModalityView(m, f"modalities/{m.id}.md", summary, profile, doses, costs,
                            costs_total, evidence)

    def comparisons(self) -> tuple[Comparison, ...]:
        out = []
        for one, two in itertools.combinations([r.record for r in self.rows.values()], 2):
            first, second = self.aspects(one), self.aspects(two)
            out.append(Comparison(
                page=f"compare/{one.id}-vs-{two.id}.md",
                title=f"{one.name} vs {two.name}",
                first=one, second=two,
                table=Table(
                    caption=f"{one.name} and {two.name} side by side",
                    data_file=MODALITIES.file, columns=("Aspect", one.short, two.short),
                    sorts=("none", "none", "none"),
                    rows=tuple(
                        TableRow(anchor=f"vs-{a}", cells=(Cell(label), c1, c2),
                                 label=f"{one.short} vs {two.short}: {label.lower()}",
                                 reviewed=max(one.reviewed, two.reviewed))
                        for (a, label, c1), (_, _, c2) in zip(first, second, strict=True)))))
        return tuple(out)

    def overview(self) -> Table:
        """The home page's matrix: one row per modality, the questions people ask first."""
        rows = []
        for r in self.rows.values():
            m = r.record
            rows.append(TableRow(
                anchor=f"modality-{m.id}",
                cells=(self.cells.modality(m.id), self.price(m),
                       Cell(facts=self.fact(m, "route")), Cell(facts=self.fact(m, "onset")),
                       Cell(facts=self.evidence_facts(m, "base")),
                       Cell(facts=self.fact(m, "legal"))),
                label=f"At a glance: {m.name}", reviewed=m.reviewed,
                source=f"{r.path}:{r.line}"))
        return Table(
            caption="The modalities at a glance: each cell one graded fact; prices are "
                    "computed from the listings on the costs page",
            data_file=MODALITIES.file,
            columns=("Modality", "Price per session (USD)", "Route", "Onset", "Evidence",
                     "Legal status"),
            sorts=("text", "number", "none", "none", "none", "none"),
            rows=tuple(rows))


def glance(cells: Cells, aspect_rows: Sequence[Row[Aspect]]) -> Table:
    """The article's own comparison: its words, their verdict, what the sources say."""
    def cell(a: Aspect, group: str) -> Cell:
        part = getattr(a, group)
        return Cell(part.says, cites=cells.c.article_cite(),
                    verdict=verdict_badge(part.verdict),
                    facts=cells.facts(f"{ASPECTS.name}-{a.id}-{group}", part.finding,
                                      a.reviewed))

    return Table(
        caption="The article's comparison: each cell in the article's words, its verdict, "
                "and what the sources say",
        data_file=ASPECTS.file,
        columns=("Aspect", "Full infusion (the article)", "Microdosing (the article)"),
        sorts=("text", "none", "none"),
        rows=tuple(
            TableRow(anchor=f"aspect-{r.record.id}",
                     cells=(Cell(r.record.aspect), cell(r.record, "full_infusion"),
                            cell(r.record, "microdosing")),
                     label=f"The article's comparison: {r.record.aspect}",
                     reviewed=r.record.reviewed, source=f"{r.path}:{r.line}")
            for r in aspect_rows))
