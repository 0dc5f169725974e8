"""Table cells from records, by the kind of each field: part of the assemble stage.

A Fact becomes a graded fact, a list of facts several, the row's own fact (a price or a
legal status) its value column, a modality id a link to its profile, a verdict its
badge; the article's words are cited to the article and never graded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Any

from .citations import Citations
from .models import CountFact, Fact, Graded, Verdict
from .tables import (
    DIRECTION_LABELS,
    ENUM_LABELS,
    Column,
    Direction,
    Modality,
    Outcome,
    Table,
    modality_page,
)
from .views import Cell, FactView, sort_key, verdict_badge


class Cells:
    """Builds cells, with one FactView per fact across all pages."""

    def __init__(self, c: Citations, modalities: Mapping[str, Modality]) -> None:
        self.c = c
        self.modalities = modalities

    def fact(self, fact_id: str, fact: Fact | CountFact | Graded,
             reviewed: dt.date) -> FactView:
        return self.c.fact(fact_id, fact, reviewed)

    def facts(self, fact_id: str, value: Any, reviewed: dt.date) -> tuple[FactView, ...]:
        """The facts in a field's value: one, several (a list), or none."""
        if isinstance(value, (Fact, CountFact)):
            return (self.fact(fact_id, value, reviewed),)
        if isinstance(value, list):
            return tuple(self.fact(f"{fact_id}-{n}", item, reviewed)
                         for n, item in enumerate(value, 1)
                         if isinstance(item, (Fact, CountFact)))
        return ()

    def direction(self, o: Outcome) -> str:
        """Which way a result went, naming the side it favours: on a comparison page both
        sides are treatments, so "the treatment" alone would not say which."""
        if o.direction is Direction.FAVOURS:
            return f"Favours {self.modalities[o.modality].short}"
        if o.direction is Direction.FAVOURS_COMPARATOR:
            return f"Favours the comparator ({o.compared_with})"
        return DIRECTION_LABELS[o.direction]

    def modality(self, modality_id: str) -> Cell:
        return Cell(self.modalities[modality_id].name, target=modality_page(modality_id))

    def column(self, table: Table[Any], column: Column, record: Any, fact_id: str) -> Cell:
        """The cell of one column for one record; `fact_id` names the record's facts."""
        reviewed = record.reviewed
        if isinstance(column.field, tuple):  # several text fields in one cell
            parts = (getattr(record, name) for name in column.field)
            return Cell("; ".join(str(p) for p in parts if p is not None))
        if column.field == "value" and isinstance(record, Graded):
            return Cell(facts=(self.fact(fact_id, record, reviewed),),
                        sort=sort_key(getattr(record, "sort_value", None))
                        if column.sort == "number" else None)
        value = getattr(record, column.field)
        facts = self.facts(f"{fact_id}-{column.field}", value, reviewed)
        if facts:
            return Cell(facts=facts)
        target = table.references.get(column.field)
        if target == "modalities":
            return self.modality(value)
        if target == "sources":
            return Cell(cites=self.c.cites(value)) if value else Cell("none listed")
        if isinstance(value, Verdict):
            badge = verdict_badge(value)
            return Cell(verdict=badge, sort=str(badge.rank))
        if isinstance(value, Direction) and isinstance(record, Outcome):
            return Cell(self.direction(record))
        if isinstance(value, Enum):
            labels = ENUM_LABELS.get(type(value), {})
            return Cell(labels.get(value, str(value.value)))
        if isinstance(value, list):
            return Cell(", ".join(map(str, value)))
        text = "" if value is None else str(value)
        if column.quote:
            return Cell(text, cites=self.c.article_cite())
        if column.sort == "date":
            return Cell(text or "not stated", sort=text)
        return Cell(text)
