"""Stage 2, validate: raw records -> typed models, plus the checks across files.

Every problem is collected as `path:line: field: what is wrong (how to fix)`;
nothing stops at the first one.
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
from .models import DATA_FILES, FieldError, Record, fields, is_record_type, parse
from .problems import Problem

R = TypeVar("R", bound=Record)

# Fields that hold ids of records in another file, and which file that is.
REFERENCES = {"sources": "sources.yaml", "studies": "sources.yaml", "modality": "modalities.yaml"}
# The field that identifies a record, for files whose records are referenced or linked.
KEYS = {
    "sources.yaml": "id",
    "glossary.yaml": "term",
    "modalities.yaml": "id",
    "aspects.yaml": "id",
    "mechanisms.yaml": "id",
    "claims.yaml": "id",
    "evidence.yaml": "modality",
}


@dataclass(frozen=True, slots=True)  # slots: one per data row, 100,000s of them
class Row(Generic[R]):
    """A valid record and where it was written."""

    record: R
    path: str
    line: int


Rows = dict[str, tuple[Row[Record], ...]]


def validate(files: Iterable[tuple[str, RawFile]]) -> tuple[Rows, list[Problem]]:
    """Validate every file, and every reference from one file's records to another's.

    Files come in the order of DATA_FILES, where a file's references point only at
    files before it, and one at a time: each raw file can go once it is validated.
    """
    targets: dict[str, set[str]] = {}
    rows: Rows = {}
    problems: list[Problem] = []
    order = list(DATA_FILES)
    for name, raw in files:
        if rows and order.index(name) < order.index(list(rows)[-1]):
            raise ValueError(f"{name} came after files that may point at it; "
                             "validate files in the order of DATA_FILES")
        if name in REFERENCES.values():
            targets[name] = _targets(raw, KEYS[name])
        model = DATA_FILES[name]
        valid: list[Row[Record]] = []
        known = set(fields(model))
        lists = {name for name, info in fields(model).items() if _is_list(info.annotation)}
        pool: dict[str, str] = {}
        if raw.header is not None:
            problems += _check_columns(raw, model)
        # The raw record is used here and dropped: only the valid rows are kept.
        for rec in raw.records:
            if rec.broken:
                continue  # its problems were reported by the loader
            values = (_csv_values(rec, known, lists, pool) if raw.header is not None
                      else rec.values)
            try:
                record = parse(model, values)
            except ValidationError as err:
                problems += [_problem(rec, model, e) for e in err.errors()]
                continue
            problems += _check_references(rec, record, targets)
            valid.append(Row(record, rec.path, rec.line))
        rows[name] = tuple(valid)
    problems += _check_keys(rows)
    return rows, problems


# --- one record -------------------------------------------------------------------


def _check_columns(raw: RawFile, model: type[Record]) -> list[Problem]:
    assert raw.header is not None
    problems = []
    names = list(fields(model))
    for col in raw.header:
        if col and col not in names:
            problems.append(Problem(raw.path, 1, col, "unknown column",
                                    _did_you_mean(col, names, "allowed: " + ", ".join(names))))
    for name, info in fields(model).items():
        if info.is_required() and name not in raw.header:
            problems.append(Problem(raw.path, 1, name, "required column is missing",
                                    "add it to the header row"))
    return problems


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


def _problem(rec: RawRecord, model: type[Record], err: ErrorDetails) -> Problem:
    loc: Loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc += (cause.field,)
    field = ".".join(str(part) for part in loc)
    message, hint = _describe(err, model, loc)
    return Problem(rec.path, rec.line_of(loc), field, message, hint)


def _describe(err: ErrorDetails, model: type[Record], loc: Loc) -> tuple[str, str]:
    kind, value = err["type"], err.get("input")
    got = _show(value)
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required value is missing", "add a value"
    if kind in {"extra_forbidden", "unexpected_keyword_argument"}:
        allowed = _fields_at(model, loc[:-1])
        return "unknown field", _did_you_mean(str(loc[-1]), allowed,
                                              "allowed: " + ", ".join(allowed))
    if kind == "enum":
        choices = _enum_values(model, loc)
        return (f"expected one of {', '.join(choices)}, got {got}",
                _did_you_mean(str(value), choices, "use one of the values listed"))
    if kind in {"decimal_parsing", "float_parsing", "int_parsing", "decimal_type",
                "int_from_float", "float_type", "int_type"}:
        return f"expected a number, got {got}", "digits only, e.g. 400, without $ or commas"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {got}", \
            "prices and counts cannot be negative"
    if kind in {"less_than_equal", "less_than"}:
        return f"must be at most {ctx.get('le', ctx.get('lt'))}, got {got}", "check the value"
    if kind in {"decimal_max_places", "decimal_max_digits"}:
        return f"too many digits: {got}", "use at most 2 decimal places"
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return f"expected a real date YYYY-MM-DD, got {got}", "e.g. 2026-11-26"
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern", "")), got)
    if kind == "too_short" and loc and loc[-1] in REFERENCES:
        return "cites no source", "add at least one id from sources.yaml"
    if kind in {"too_short", "string_too_short"}:
        return "must not be empty", "write a value or remove the field"
    if kind == "string_too_long":
        return f"too long: {got}", f"at most {ctx.get('max_length')} characters"
    if kind == "list_type":
        return f"expected a list, got {got}", "in YAML '[a, b]'; in CSV 'a;b'"
    if kind == "string_type":
        return f"expected text, got {got}", "write the value on the same line as the key"
    if kind in {"model_type", "dict_type", "model_attributes_type", "dataclass_type",
                "dataclass_args_type"}:
        return f"expected 'key: value' lines, got {got}", "indent the keys under this one"
    if kind == "value_error":
        # Our validators write "what is wrong; how to fix it".
        message, _, hint = str(ctx.get("error", err["msg"])).partition("; ")
        return message, hint or "correct the value"
    return err["msg"], "correct the value"


def _pattern_message(pattern: str, got: str) -> tuple[str, str]:
    if pattern.startswith("^[a-z0-9]+"):
        return f"expected an id of lowercase letters, digits and '-', got {got}", \
            "e.g. iv-infusion"
    if pattern.startswith("^10\\."):
        return f"expected a DOI, got {got}", "e.g. 10.1001/archpsyc.63.8.856, without https://doi.org/"
    return f"has characters that are not allowed: {got}", "letters, digits, '.' and '-' only"


def _show(value: object) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= 60 else text[:57] + "...'"


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


# --- across records and files -----------------------------------------------------


def _check_keys(rows: Rows) -> list[Problem]:
    problems = []
    for name, key in KEYS.items():
        first: dict[str, int] = {}
        for row in rows.get(name, ()):
            value = str(getattr(row.record, key))
            if value in first:
                problems.append(Problem(row.path, row.line, key,
                                        f"{value!r} is already used on line {first[value]}",
                                        "give each record its own value"))
            else:
                first[value] = row.line
    return problems


def _targets(raw: RawFile, key: str) -> set[str]:
    """The ids a referenced file defines."""
    # Keys as written, so a record rejected for another reason does not also make
    # every reference to it an error: one mistake, one message.
    return {str(rec.values[key]) for rec in raw.records if isinstance(rec.values.get(key), str)}


def _check_references(rec: RawRecord, record: Record,
                      targets: dict[str, set[str]]) -> list[Problem]:
    problems = []
    for loc, target, value in references(record):
        if target not in targets or value in targets[target]:
            continue  # a missing target file was reported when loading it
        problems.append(Problem(
            rec.path, rec.line_of(loc), ".".join(map(str, loc)),
            f"unknown id {value!r} (no such record in {target})",
            _did_you_mean(value, sorted(targets[target]), f"add it to {target} first"),
        ))
    return problems


def references(record: Record, loc: Loc = ()) -> Iterator[tuple[Loc, str, str]]:
    """Every id that `record` (at any depth) uses to point at another file's record."""
    for name in fields(type(record)):
        value = getattr(record, name)
        if name in REFERENCES:
            target = REFERENCES[name]
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield (*loc, name, index), target, item
            elif value is not None:
                yield (*loc, name), target, value
        elif isinstance(value, Record):
            yield from references(value, (*loc, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Record):
                    yield from references(item, (*loc, name, index))


def stale(rows: Rows, today: dt.date, max_age_days: int) -> list[Problem]:
    """Warnings for rows whose `reviewed` date is older than the review policy."""
    problems = []
    for file_rows in rows.values():
        for row in file_rows:
            reviewed = getattr(row.record, "reviewed", None)
            if reviewed is not None and (today - reviewed).days > max_age_days:
                problems.append(Problem(
                    row.path, row.line, "reviewed",
                    f"last reviewed {reviewed.isoformat()}, over {max_age_days} days ago",
                    "check the row against its sources and update the date", warning=True,
                ))
    return problems
