"""Modality profiles, comparisons and the home page's matrix: part of the assemble stage.

These pages are bespoke, but they read the same FactViews as the table pages, so a fact
reads the same wherever it is shown.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .cells import Cells
from .prices import Prices
from .tables import (
    ASPECTS,
    COMPARATOR_LABELS,
    EVIDENCE,
    MODALITIES,
    OUTCOME_NOTES,
    Aspect,
    Comparator,
    Evidence,
    Modality,
    OutcomeNote,
    modality_page,
)
from .tables import Table as Table_
from .validate import Row
from .views import (
    Cell,
    Comparison,
    Difference,
    FactView,
    LazyRows,
    ModalityView,
    OutcomeGroup,
    Section,
    Table,
    TableRow,
    verdict_badge,
)

# (field, label) of the facts a profile lists, in order.
PROFILE_FACTS = (("route", "Route"), ("setting", "Where"), ("supervision", "Supervision"),
                 ("onset", "Onset"), ("duration", "How long it lasts"),
                 ("bioavailability", "Bioavailability"), ("legal", "Legal status"),
                 ("course", "Sessions in a course"))
NO_PRICE = "No price listing found in the sources checked"
# The questions of the home page's matrix, in order: anchors of `Profiles.aspects`. The
# headline of every table that has one comes after the price.
HOME_FACTS = ("legal", "route", "onset", "base")
# The aspects a comparison opens with where the two differ, most telling first; anchors
# of `Profiles.aspects`.
DIFFERENCE_ORDER = ("price", "outcomes-headline", "base", "legal", "coverage-headline",
                    "side-effects-headline", "warnings-headline", "route", "setting",
                    "supervision", "course", "onset", "duration")
MAX_DIFFERENCES = 6


class Profiles:
    """Every view of a modality: its facts, its prices, its evidence."""

    def __init__(self, cells: Cells, prices: Prices, modality_rows: Sequence[Row[Modality]],
                 evidence: Mapping[str, Evidence],
                 headlines: Sequence[tuple[Table_[Any], Mapping[str, Any]]]) -> None:
        self.cells = cells
        self.prices = prices
        self.rows = {r.record.id: r for r in modality_rows}
        self.evidence = evidence
        self.headlines = headlines  # per table: each modality's headline record

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

    def headline(self, table: Table_[Any], records: Mapping[str, Any], m: Modality) -> Cell:
        """A table's headline row for a modality: named, then its fact."""
        record = records.get(m.id)
        if record is None or table.headline is None:
            # Validation makes sure a modality with rows has its headline.
            return Cell("Nothing on this in the sources checked")
        fact = self.cells.fact(f"{table.name}-{record.id}", record, record.reviewed)
        return Cell(table.headline_name(record), facts=(fact,))

    def aspects(self, m: Modality) -> list[tuple[str, str, Cell]]:
        """(anchor, label, cell) for every aspect a profile or comparison shows."""
        out = [("price", "Price per session", self.price(m)),
               ("course-price", "Course cost (computed)", self.course_price(m))]
        out += [(f"{t.name}-headline", t.question or t.title, self.headline(t, records, m))
                for t, records in self.headlines]
        out += [(f, label, Cell(facts=self.fact(m, f)) if getattr(m, f) is not None
                 else Cell("Not stated in the sources checked")) for f, label in PROFILE_FACTS]
        for field, label in (("base", "Evidence"), ("risks", "Risks and limits")):
            facts = self.evidence_facts(m, field)
            out.append((field, label, Cell(facts=facts) if facts else Cell("No evidence "
                                                                           "record")))
        return out

    def view(self, m: Modality, sections: tuple[Section, ...]) -> ModalityView:
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
        return ModalityView(m, modality_page(m.id), summary, profile, doses, sections)

    def comparisons(self, groups: Sequence[OutcomeGroup] = ()) -> tuple[Comparison, ...]:
        """Every pair side by side, with the results of either one measured against the
        other."""
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
                        for (a, label, c1), (_, _, c2) in zip(first, second, strict=True))),
                head_to_head=head_to_head(groups, one, two),
                differences=differences(first, second)))
        return tuple(out)

    def overview(self) -> Table:
        """The home page's matrix: one row per modality, the questions people ask first as
        its columns, each answer a fact in a phrase. A phone shows each row as a card."""
        modalities = [r.record for r in self.rows.values()]
        questions = ["price", "course-price", *(f"{t.name}-headline" for t, _ in self.headlines),
                     *HOME_FACTS]
        labels = {q: q for q in questions}  # the anchors, until a modality names them
        rows = []
        for m in modalities:
            answers = {anchor: (label, cell) for anchor, label, cell in self.aspects(m)}
            labels = {q: answers[q][0] for q in questions}  # the same for every modality
            rows.append(TableRow(
                anchor=f"overview-{m.id}",
                cells=(Cell(m.name, target=modality_page(m.id)),
                       *(_compact(answers[q][1]) for q in questions)),
                label=f"At a glance: {m.name}", reviewed=m.reviewed,
                source=f"{self.rows[m.id].path}:{self.rows[m.id].line}"))
        return Table(
            caption="The questions people ask first, one row per treatment: each answer one "
                    "graded fact, its detail and sources a tap away; prices are computed from "
                    "the listings on the costs page",
            data_file=MODALITIES.file,
            columns=("Treatment", *(labels[q] for q in questions)),
            sorts=("none",) * (len(questions) + 1),
            rows=tuple(rows), dated=False)


def _compact(cell: Cell) -> Cell:
    """A cell as the home matrix and a comparison's differences show it: each fact in a
    phrase, the rest one tap away."""
    # Text that cites or carries a verdict (the article's words) keeps its own form.
    if not cell.facts or cell.cites or cell.verdict:
        return cell
    return dataclasses.replace(cell, compact=True)


def differences(first: Sequence[tuple[str, str, Cell]], second: Sequence[tuple[str, str, Cell]]
                ) -> tuple[Difference, ...]:
    """Up to MAX_DIFFERENCES aspects on which two modalities' facts differ, in the order of
    DIFFERENCE_ORDER: what a comparison page says first."""
    theirs = {anchor: cell for anchor, _, cell in second}
    ours = {anchor: (label, cell) for anchor, label, cell in first}
    out = []
    for anchor in DIFFERENCE_ORDER:
        if anchor not in ours or anchor not in theirs:
            continue
        label, one = ours[anchor]
        two = theirs[anchor]
        if not (one.facts or two.facts) or _said(one) == _said(two):
            continue  # nothing known on either side, or both say the same
        out.append(Difference(anchor, label, _compact(one), _compact(two)))
    return tuple(out[:MAX_DIFFERENCES])


def _said(cell: Cell) -> tuple[str, ...]:
    return (cell.text, *(f.value for f in cell.facts))


def article_comparison(cells: Cells, aspect_rows: Sequence[Row[Aspect]]) -> Table:
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


def outcome_groups(cells: Cells, modalities: Sequence[Modality], results: Table,
                   notes: Sequence[Row[OutcomeNote]]) -> tuple[OutcomeGroup, ...]:
    """The outcomes page's groups: each modality's results by comparator, each with its note.

    The groups share the rows of the outcomes table (built when a page prints them), so
    back-links and facts are the same.
    """
    lazy = results.rows
    assert isinstance(lazy, LazyRows)
    by_key: dict[tuple[str, Comparator], list[Any]] = {}
    for item in lazy.items:
        o = item[1].record
        by_key.setdefault((o.modality, o.comparator), []).append(item)
    said = {(n.record.modality, n.record.comparator): n.record for n in notes}
    out = []
    for m in modalities:
        for comparator in Comparator:
            items = by_key.get((m.id, comparator))
            if not items:
                continue
            note = said.get((m.id, comparator))
            anchor = f"{m.id}-{comparator.value}"
            out.append(OutcomeGroup(
                anchor=anchor, modality=m, comparator=comparator,
                label=COMPARATOR_LABELS[comparator],
                note=cells.fact(f"{OUTCOME_NOTES.name}-{anchor}", note, note.reviewed)
                if note else None,
                table=_subtable(results, f"{m.name}, {COMPARATOR_LABELS[comparator]}",
                                items)))
    return tuple(out)


def head_to_head(groups: Sequence[OutcomeGroup], one: Modality, two: Modality
                 ) -> tuple[OutcomeGroup, ...]:
    """The results of one of two modalities measured against the other."""
    out = []
    for g in groups:
        if g.comparator is not Comparator.OTHER_KETAMINE or g.modality.id not in {one.id,
                                                                               two.id}:
            continue
        other = two.id if g.modality.id == one.id else one.id
        lazy = g.table.rows
        assert isinstance(lazy, LazyRows)
        items = [item for item in lazy.items if item[1].record.versus == other]
        if items:
            out.append(OutcomeGroup(g.anchor, g.modality, g.comparator, g.label, g.note,
                                    _subtable(g.table, g.table.caption, items)))
    return tuple(out)


def _subtable(table: Table, caption: str, items: list[Any]) -> Table:
    """Some of a long table's rows, built the same way when printed."""
    lazy = table.rows
    assert isinstance(lazy, LazyRows)
    return Table(caption=caption, data_file=table.data_file, columns=table.columns,
                 sorts=table.sorts, rows=LazyRows(items, lazy.build, lazy.cites, lazy.link))
