"""Stage 2, validate: raw records -> typed records, plus the checks across files.

Every problem is collected as `path:line: field: what is wrong (how to fix) [code]`;
nothing stops at the first one. Keys and references come from the table declarations,
and every fact's grade is checked against the kinds of the sources it cites.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .load import Loc, RawFile, RawRecord
from .models import (
    GLANCE_MAX,
    GRADE_SUPPORT,
    Fact,
    Grade,
    Graded,
    Record,
    SourceKind,
    _shown,
    fields,
    is_record_type,
    parse,
    refs_of,
    source_id,
    supported_grades,
)
from .problems import CodedError, Problem
from .tables import BY_NAME, SOURCES, TABLES, HeadlineFact, Table

R = TypeVar("R", bound=Record)


@dataclass(frozen=True, slots=True)  # slots: one per data row, 100,000s of them
class Row(Generic[R]):
    """A valid record and where it was written."""

    record: R
    path: str
    line: int


class Rows:
    """The valid records of every table, each table's typed by its model."""

    def __init__(self, rows: dict[str, tuple[Row[Any], ...]]) -> None:
        self._rows = rows

    def of(self, table: Table[R]) -> tuple[Row[R], ...]:
        return self._rows.get(table.name, ())

    def records(self, table: Table[R]) -> list[R]:
        return [r.record for r in self.of(table)]

    def __iter__(self) -> Iterator[tuple[Table[Any], tuple[Row[Any], ...]]]:
        return ((t, self._rows.get(t.name, ())) for t in TABLES)

    def count(self) -> int:
        return sum(len(rows) for rows in self._rows.values())


def validate(files: Iterable[tuple[Table[Any], RawFile]]) -> tuple[Rows, list[Problem]]:
    """Validate every file, every reference between files, and every fact's grade.

    Files come in the order of TABLES, where a table's references point only at tables
    before it, and one at a time: each raw file can go once it is validated.
    """
    targets: dict[str, dict[str, RawRecord]] = {}
    refs = _References()
    kinds: dict[str, SourceKind] = {}
    rows: dict[str, tuple[Row[Any], ...]] = {}
    problems: list[Problem] = []
    order = [t.name for t in TABLES]
    referenced = {target for t in TABLES for target in _targets_of(t.model)}
    for table, raw in files:
        if rows and order.index(table.name) < order.index(list(rows)[-1]):
            raise ValueError(f"{table.file} came after files that may point at it; "
                             "validate files in the order of TABLES")
        if table.name in referenced:
            targets[table.name] = _ids(raw, table.key[0])
        model = table.model
        valid: list[Row[Any]] = []
        known = set(fields(model))
        lists = {name for name, info in fields(model).items() if _is_list(info.annotation)}
        pool: dict[str, str] = {}
        absent: set[str] = set()  # required columns the header lacks, reported there once
        if raw.header is not None:
            found, absent = _check_columns(raw, model)
            problems += found
        # The raw record is used here and dropped: only the valid rows are kept.
        for rec in raw.records:
            if rec.broken:
                continue  # its problems were reported by the loader
            values = (_csv_values(rec, known, lists, pool) if raw.header is not None
                      else rec.values)
            try:
                record = parse(model, values)
            except ValidationError as err:
                problems += [p for p in _one_per_mistake([_problem(rec, model, e)
                                                          for e in err.errors()])
                             if not (p.code == "missing-value" and p.field in absent)]
                continue
            refs.check(rec, record, targets)
            problems += _check_grades(rec, record, kinds)
            if table is SOURCES:
                kinds[record.id] = record.kind
            valid.append(Row(record, rec.path, rec.line))
        rows[table.name] = tuple(valid)
        problems += _check_keys(table, rows[table.name])
        problems += _check_exclusive(table, rows[table.name])
        problems += _check_loops(table, rows[table.name])
        problems += _check_headlines(table, rows[table.name])
        problems += _check_glances(table, rows[table.name])
        if table.explains:
            problems += _check_explained(table, rows[table.name], rows.get(table.explains, ()))
    return Rows(rows), problems + refs.problems(targets)


# --- one record -------------------------------------------------------------------


def _check_columns(raw: RawFile, model: type[Record]) -> tuple[list[Problem], set[str]]:
    """Problems with the header row, and the required columns it lacks (their rows are
    then not reported one by one: one mistake, one message)."""
    assert raw.header is not None
    problems = []
    names = list(fields(model))
    meant = set()
    for col in raw.header:
        if col and col not in names:
            close = difflib.get_close_matches(col, names, n=1, cutoff=0.6)
            meant.update(close)
            problems.append(Problem.of(
                "unknown-column", raw.path, 1, col,
                suggestion=_did_you_mean(col, names, "allowed: " + ", ".join(names))))
    absent = {name for name, info in fields(model).items()
              if info.is_required() and name not in raw.header}
    # A misspelt column is named once, as unknown with its "did you mean"; the column it
    # meant is then missing only because of that typo.
    problems += [Problem.of("missing-column", raw.path, 1, name)
                 for name in fields(model) if name in absent and name not in meant]
    return problems, absent


def _csv_values(rec: RawRecord, known: set[str], lists: set[str],
                pool: dict[str, str]) -> dict[str, Any]:
    """CSV cells as the model expects them: stripped, empty is absent, lists split on ';'.

    Values that repeat down a column (a region, a source id, a date) are kept once,
    from `pool`: at 100,000 rows that saves tens of megabytes.
    """
    values: dict[str, Any] = {}
    for col, cell in rec.values.items():
        cell = cell.strip()
        if col not in known or not cell:
            continue  # unknown columns were reported once, at the header
        if col in lists:
            values[col] = [pool.setdefault(part, part)
                           for part in map(str.strip, cell.split(";")) if part]
        else:
            values[col] = pool.setdefault(cell, cell)
    return values


def _one_per_mistake(found: list[Problem]) -> list[Problem]:
    """A misspelt key is one mistake: keep 'unknown field (did you mean x?)' and drop the
    'x is missing' that the same typo causes."""
    meant = set()
    for p in found:
        if p.code == "unknown-field" and p.hint.startswith("did you mean "):
            parent = p.field.rpartition(".")[0]
            name = p.hint.removeprefix("did you mean ").strip("'?")
            meant.add(f"{parent}.{name}" if parent else name)
    return [p for p in found if not (p.code == "missing-value" and p.field in meant)]


def _problem(rec: RawRecord, model: type[Record], err: ErrorDetails) -> Problem:
    loc: Loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, CodedError) and cause.field:
        loc += (cause.field,)
    field = ".".join(str(part) for part in loc)
    code, params = _describe(err, model, loc)
    return Problem.of(code, rec.path, rec.line_of(loc), field, **params)


_NUMBER_ERRORS = {"decimal_parsing", "float_parsing", "int_parsing", "decimal_type",
                  "int_from_float", "float_type", "int_type"}
_MAPPING_ERRORS = {"model_type", "dict_type", "model_attributes_type", "dataclass_type",
                   "dataclass_args_type"}


def _describe(err: ErrorDetails, model: type[Record], loc: Loc) -> tuple[str, dict[str, Any]]:
    """The code of a pydantic error and the parameters of its message."""
    kind, value = err["type"], err.get("input")
    got = _shown(value)
    ctx = err.get("ctx") or {}
    field = str(loc[-1]) if loc else ""
    if kind == "missing":
        return "missing-value", {}
    if kind in {"extra_forbidden", "unexpected_keyword_argument"}:
        allowed = _fields_at(model, loc[:-1])
        return "unknown-field", {"suggestion": _did_you_mean(
            field, allowed, "allowed: " + ", ".join(allowed))}
    if kind == "enum":
        choices = _enum_values(model, loc)
        return "bad-choice", {"choices": ", ".join(choices), "got": got,
                              "suggestion": _did_you_mean(str(value), choices,
                                                          "use one of the values listed")}
    if kind in _NUMBER_ERRORS:
        hint = ("a whole number, e.g. 2019" if field == "year"
                else "a whole number, e.g. 6" if field == "count"
                else "digits only, e.g. 400, without $ or commas")
        return "bad-number", {"got": got, "hint": hint}
    if kind in {"greater_than_equal", "greater_than"}:
        hint = ("prices cannot be negative" if field.endswith("_usd")
                else "check the value")
        return "too-small", {"limit": ctx.get("ge", ctx.get("gt")), "got": got, "hint": hint}
    if kind in {"less_than_equal", "less_than"}:
        return "too-big", {"limit": ctx.get("le", ctx.get("lt")), "got": got}
    if kind in {"decimal_max_places", "decimal_max_digits"}:
        return "too-many-digits", {"got": got}
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return "bad-day", {"got": got}
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern.startswith("^[a-z0-9]+"):
            return "bad-id", {"got": got}
        if pattern.startswith("^10\\."):
            return "bad-doi", {"got": got}
        return "bad-term", {"got": got}
    if kind == "too_short" and field in {"sources", "studies"}:
        return "no-source", {}
    if kind == "too_short":
        return "too-few", {"limit": ctx.get("min_length", 1)}
    if kind == "string_too_short":
        return "empty-value", {}
    if kind in {"string_too_long", "too_long"}:
        limit = int(ctx.get("max_length", 0))
        hint = ("keep the value short and move the rest into detail" if field == "value"
                else "shorten it")
        return "too-long", {"length": len(str(value)), "limit": limit, "hint": hint}
    if kind == "list_type":
        return "not-a-list", {"got": got}
    if kind == "string_type":
        return "not-text", {"got": got}
    if kind in {"bool_parsing", "bool_type"}:
        return "not-a-flag", {"got": got}
    if kind in _MAPPING_ERRORS:
        return "not-a-mapping", {"got": got}
    cause = ctx.get("error")
    if isinstance(cause, CodedError):
        return cause.code, cause.params
    return "invalid", {"message": err["msg"]}


def _did_you_mean(word: str, choices: list[str], fallback: str) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else fallback


# --- walking the model declarations -----------------------------------------------


def _annotation_at(model: type[Record], loc: Loc) -> Any:
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else current
        elif is_record_type(current):
            info = fields(current).get(part)
            if info is None:
                return None
            current = info.annotation
        else:
            return None
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] down to the real type."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(_unwrap(annotation)) is list


def _fields_at(model: type[Record], loc: Loc) -> list[str]:
    target = _annotation_at(model, loc) if loc else model
    if is_record_type(target):
        return list(fields(target))
    return []


def _enum_values(model: type[Record], loc: Loc) -> list[str]:
    target = _annotation_at(model, loc)
    if isinstance(target, type) and issubclass(target, Enum):
        return [str(member.value) for member in target]
    return []


def _targets_of(model: type[Record], seen: set[type[Record]] | None = None) -> set[str]:
    """Every table that records of `model` point at, at any depth."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    found = set(refs_of(model).values())
    for info in fields(model).values():
        inner = _unwrap(info.annotation)
        if typing.get_origin(inner) is list:
            inner = _unwrap(typing.get_args(inner)[0])
        if is_record_type(inner):
            found |= _targets_of(inner, seen)
    return found


# --- across records and files -----------------------------------------------------


def _check_keys(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Problem]:
    problems = []
    first: dict[tuple[str, ...], int] = {}
    for row in rows:
        value = _values(row, table.key)
        if value in first:
            shown = " + ".join(repr(v) for v in value)
            problems.append(Problem.of("duplicate-key", row.path, row.line, "+".join(table.key),
                                       key=shown, first=first[value]))
        else:
            first[value] = row.line
    return problems


def _check_exclusive(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Problem]:
    """At most one record of the declared kind per value of the declared fields (one
    controlled-drug status a jurisdiction and substance): a second contradicts the first."""
    if table.exclusive is None:
        return []
    fields_, (field, kind) = table.exclusive
    problems = []
    first: dict[tuple[str, ...], Row[Any]] = {}
    for row in rows:
        if getattr(row.record, field) != kind:
            continue
        value = _values(row, fields_)
        if value not in first:
            first[value] = row
        elif _values(first[value], table.key) != _values(row, table.key):
            # (the same key twice is a duplicate, its own problem: one mistake, one message)
            problems.append(Problem.of(
                "contradicts", row.path, row.line, field, key=" + ".join(map(repr, value)),
                kind=repr(str(kind)), first=first[value].line,
                other=repr(first[value].record.value)))
    return problems


def _check_loops(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Problem]:
    """A field pointing at its own table (England part_of the United Kingdom) must not
    lead back to where it started."""
    problems = []
    for field, target in refs_of(table.model).items():
        if target != table.name or len(table.key) != 1:
            continue
        up = {str(getattr(r.record, table.key[0])): getattr(r.record, field) for r in rows}
        for row in rows:
            start = str(getattr(row.record, table.key[0]))
            seen, here = {start}, up.get(start)
            while here is not None and here not in seen:
                seen.add(here)
                here = up.get(here)
            if here == start:
                problems.append(Problem.of("ref-loop", row.path, row.line, field,
                                           got=repr(start)))
    return problems


def _values(row: Row[Any], names: tuple[str, ...]) -> tuple[str, ...]:
    """The values of some fields of a row, as text: a key, or a group it belongs to."""
    return tuple(str(getattr(row.record, k)) for k in names)


def _check_glances(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Problem]:
    """The facts of a table's `glanced` fields, which the home page or a comparison shows
    in a phrase."""
    return [p for row in rows for name in table.glanced
            for p in _check_glance(getattr(row.record, name), row, f"{name}.glance")]


def _check_glance(fact: Any, row: Row[Any], field: str, name: str = "") -> list[Problem]:
    """A fact shown in a phrase has one: its glance, or a value short enough to be one
    with the `name` it is shown under ("Dissociation: 41% ..."). A warning: the page still
    shows the whole value."""
    if not isinstance(fact, (Fact, HeadlineFact)) or fact.glance is not None:
        return []
    whole = f"{name} {fact.value}" if name else fact.value
    if len(whole) <= GLANCE_MAX:
        return []
    return [Problem.of("glance-missing", row.path, row.line, field, warning=True,
                       length=len(whole), limit=GLANCE_MAX)]


def _check_headlines(table: Table[Any], rows: tuple[Row[Any], ...]) -> list[Problem]:
    """A modality with rows in a headline table has exactly one headline row: the one the
    home page and comparisons show, in a phrase (see _check_glance)."""
    if table.headline is None:
        return []
    problems = []
    first: dict[str, int] = {}
    seen: dict[str, Row[Any]] = {}
    for row in rows:
        modality = row.record.modality
        seen.setdefault(modality, row)
        if not row.record.headline:
            continue
        if modality in first:
            problems.append(Problem.of("headline-twice", row.path, row.line, "headline",
                                       modality=repr(modality), first=first[modality]))
        else:
            first[modality] = row.line
            problems += _check_glance(row.record, row, "glance", table.headline_name(row.record))
    for modality, row in seen.items():
        if modality not in first:
            problems.append(Problem.of("headline-missing", row.path, row.line, "headline",
                                       modality=repr(modality)))
    return problems


def _check_explained(table: Table[Any], rows: tuple[Row[Any], ...],
                     explained: tuple[Row[Any], ...]) -> list[Problem]:
    """Each record of an explaining table names a group that the other table has."""
    groups = {_values(r, table.key) for r in explained}
    target = BY_NAME[table.explains or ""]
    return [Problem.of("explains-nothing", row.path, row.line, "+".join(table.key),
                       key=" + ".join(repr(v) for v in key), file=target.file)
            for row in rows
            if (key := _values(row, table.key)) not in groups]


def _ids(raw: RawFile, key: str) -> dict[str, RawRecord]:
    """The ids a referenced file defines, and the record that defines each."""
    # Keys as written, so a record rejected for another reason does not also make
    # every reference to it an error: one mistake, one message.
    return {str(rec.values[key]).strip(): rec for rec in raw.records
            if isinstance(rec.values.get(key), str)}


class _References:
    """Every id used to point at another file's record, judged once all files are read:
    a misspelt defining id then reads as one mistake, not one per line that uses it."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}
        # (target table, unknown id) -> each place that uses it
        self.unknown: dict[tuple[str, str], list[tuple[RawRecord, Loc]]] = {}

    def check(self, rec: RawRecord, record: Record,
              targets: dict[str, dict[str, RawRecord]]) -> None:
        for loc, target, value in references(record):
            self.used.setdefault(target, set()).add(value)
            # a missing target file was reported when loading it
            if target in targets and value not in targets[target]:
                self.unknown.setdefault((target, value), []).append((rec, loc))

    def problems(self, targets: dict[str, dict[str, RawRecord]]) -> list[Problem]:
        problems = []
        for (target, value), places in self.unknown.items():
            defined = targets[target]
            unused = sorted(set(defined) - self.used.get(target, set()))
            typo = difflib.get_close_matches(value, unused, n=1, cutoff=0.8)
            # Used on several lines, the id is more likely right than the one place that
            # defines it: one message, there. Used once, the use is as likely the typo
            # (a source just added and cited with a slip).
            if typo and len(places) > 1:
                rec, key = defined[typo[0]], BY_NAME[target].key[0]
                problems.append(Problem.of(
                    "id-typo", rec.path, rec.line_of((key,)), key, got=repr(typo[0]),
                    count=len(places), used=repr(value)))
                continue
            file = BY_NAME[target].file
            problems += [Problem.of("unknown-id", r.path, r.line_of(loc), ".".join(map(str, loc)),
                                    got=repr(value), file=file,
                                    suggestion=_did_you_mean(value, sorted(defined),
                                                             f"add it to {file} first"))
                         for r, loc in places]
        cited = self.used.get(SOURCES.name, set())
        misspelt = {value for target, value in self.unknown if target == SOURCES.name}
        for sid, rec in targets.get(SOURCES.name, {}).items():
            if sid not in cited and not difflib.get_close_matches(sid, misspelt, n=1,
                                                                  cutoff=0.8):
                problems.append(Problem.of("source-unused", rec.path, rec.line_of(("id",)), "id",
                                           warning=True, got=repr(sid)))
        return problems


def parts(record: Record, loc: Loc = ()) -> Iterator[tuple[Loc, Record]]:
    """The record and every record nested in it (facts, cells, items of lists), each with
    its place: the one walk that references, grades and verdicts are read from."""
    yield loc, record
    for name in fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, Record):
            yield from parts(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Record):
                    yield from parts(item, (*loc, name, index))


def references(record: Record) -> Iterator[tuple[Loc, str, str]]:
    """Every id that `record` (at any depth) uses to point at another table's record."""
    for loc, part in parts(record):
        for name, target in refs_of(type(part)).items():
            value = getattr(part, name)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield (*loc, name, index), target, source_id(item)
            elif value is not None:
                yield (*loc, name), target, value


def graded(record: Record) -> Iterator[tuple[Loc, Graded]]:
    """Every graded statement in `record`, the record itself included, with its place."""
    return ((loc, part) for loc, part in parts(record) if isinstance(part, Graded))


def _check_grades(rec: RawRecord, record: Record,
                  kinds: dict[str, SourceKind]) -> list[Problem]:
    problems = []
    for loc, fact in graded(record):
        cited = {source_id(ref): kinds.get(source_id(ref)) for ref in fact.sources}
        known = {sid: kind for sid, kind in cited.items() if kind is not None}
        if len(known) < len(cited) or GRADE_SUPPORT[fact.grade] & set(known.values()):
            continue  # an unknown source is its own problem; one mistake, one message
        order = list(Grade)  # suggest only grades weaker than the one refused
        possible = [g for g in supported_grades(known.values())
                    if order.index(g) > order.index(fact.grade)]
        needed = sorted(k.value for k in GRADE_SUPPORT[fact.grade])
        problems.append(Problem.of(
            "grade-unsupported", rec.path, rec.line_of((*loc, "grade")),
            ".".join(map(str, (*loc, "grade"))),
            grade=fact.grade.value, needed=" or ".join(needed),
            cited=", ".join(f"{kind.value} ({sid})" for sid, kind in known.items()),
            suggestion=("cite such a source, or lower the grade to one the cited sources can "
                        f"carry: {', '.join(g.value for g in possible)}"
                        if possible else "cite such a source")))
    return problems


def review_dates(record: Record) -> Iterator[tuple[Loc, dt.date]]:
    """The record's review date and every fact's own, where it has one."""
    own = getattr(record, "reviewed", None)
    if own is not None:
        yield ("reviewed",), own
    for loc, fact in graded(record):
        day = getattr(fact, "reviewed", None)
        if day is not None and loc:
            yield (*loc, "reviewed"), day


def stale(rows: Rows, today: dt.date, max_age_days: int) -> list[Problem]:
    """Warnings for records and facts whose review date is older than the review policy."""
    problems = []
    for _, table_rows in rows:
        for row in table_rows:
            for loc, day in review_dates(row.record):
                if (today - day).days > max_age_days:
                    problems.append(Problem.of(
                        "review-overdue", row.path, row.line, ".".join(map(str, loc)),
                        warning=True, day=day.isoformat(), days=max_age_days))
    return problems
