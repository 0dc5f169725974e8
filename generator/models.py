"""The shared vocabulary of the data: value types, grades, source kinds, facts.

A fact is the unit a visitor relies on: a short value, an optional detail, its own
grade, only the sources that back it, and its review date. The record models of each
table, built from these parts, are declared with their tables in `tables.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeGuard, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    TypeAdapter,
)
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, SchemaValidator

from .problems import CodedError

# --- value types -------------------------------------------------------------


def _shown(value: object) -> str:
    """A value as a message quotes it: repr, cut to 60 characters."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= 60 else text[:57] + "...'"


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Characters that cannot be seen or printed; a data file containing one is almost
# certainly a copy-paste accident, so we refuse it rather than guess.
_INVISIBLE = {"Cc", "Cs", "Co", "Cn"}


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _visible_text(value: str) -> str:
    if value.isascii():  # the common case, checked in one pass
        bad = _ASCII_CONTROL.search(value)
        chars = [bad.group()] if bad else []
    else:
        chars = [ch for ch in value
                 if ch not in "\n\t" and unicodedata.category(ch) in _INVISIBLE]
    if chars:
        raise CodedError("control-character", char=ord(chars[0]))
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise CodedError("line-break")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CodedError("bad-url", got=_shown(value))
    if any(ch.isspace() for ch in value):
        raise CodedError("url-space")
    return value


def _partial_date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise CodedError("bad-date", got=_shown(value))
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise CodedError("not-a-date", got=_shown(value)) from None
    return value


def _not_in_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise CodedError("future-date", day=value.isoformat())
    return value


class Published:
    """What a validator above checks in code, stated in the published JSON Schema too.

    Editors and third parties validate with the schemas, so they must refuse what the
    build refuses: an ftp:// address, a date of the wrong shape, a control character.
    The outermost annotation wins, so a kind of text built on another states its own limit.
    """

    def __init__(self, **schema: Any) -> None:
        self.schema = schema

    def __get_pydantic_json_schema__(self, core: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {**handler(core), **self.schema}


def _at_most(limit: int, hint: str) -> AfterValidator:
    """A kind of text's length limit, with a hint that fits what the text is."""
    def check(value: str) -> str:
        if len(value) > limit:
            raise CodedError("too-long", length=len(value), limit=limit, hint=hint)
        return value
    return AfterValidator(check)


# The same rules as _visible_text and _single_line, as ECMA-262 patterns: no control
# character (a tab allowed; a line break only in multi-line text), no private-use one.
TEXT_PATTERN = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f\ue000-\uf8ff]+$"
LINE_PATTERN = r"^[^\u0000-\u0008\u000a-\u001f\u007f-\u009f\ue000-\uf8ff]+$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
PARTIAL_DATE_PATTERN = "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
SOURCE_REF_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?: \S.{0,59})?$"

# Text of either shape, without a limit; each kind below adds exactly one, so the limit a
# field has is the one its messages and schemas give (a pydantic max_length on a field
# would run after a kind's own check, and be overridden by one in the type).
_Paragraph = Annotated[str, Field(min_length=1), AfterValidator(_visible_text),
                       Published(pattern=TEXT_PATTERN)]
_OneLine = Annotated[_Paragraph, AfterValidator(_single_line), Published(pattern=LINE_PATTERN)]

# Limits that fit what a text is: a paragraph, a line (a title, a measure), a name.
TEXT_MAX, LINE_MAX, VALUE_MAX, DETAIL_MAX = 2000, 300, 160, 600
Text = Annotated[_Paragraph, _at_most(TEXT_MAX, "a paragraph at most; cite the source for "
                                                "the rest"), Published(maxLength=TEXT_MAX)]
Line = Annotated[_OneLine, _at_most(LINE_MAX, "one line: a name, a title or a short phrase"),
                 Published(maxLength=LINE_MAX)]
# What a cell shows is short; the detail behind it is a sentence or two.
Value = Annotated[_OneLine, _at_most(VALUE_MAX, "keep the value short and move the rest "
                                                "into detail"), Published(maxLength=VALUE_MAX)]
Detail = Annotated[_Paragraph, _at_most(DETAIL_MAX, "a detail is a sentence or two; the "
                                                    "source holds the rest"),
                   Published(maxLength=DETAIL_MAX)]
# The same fact in a phrase, for the home page's matrix and a comparison's differences.
GLANCE_MAX = 60
Glance = Annotated[_OneLine, _at_most(GLANCE_MAX, "a phrase a phone shows in one glance; "
                                                  "the value and detail stay one tap away"),
                   Published(maxLength=GLANCE_MAX)]
GLANCE_DESCRIPTION = (f"The value in at most {GLANCE_MAX} characters, for the home page and "
                      "a comparison's differences, where the value and detail are one tap "
                      "away; needed there when the value is longer.")
Name = Annotated[_OneLine, _at_most(60, "a name, not a description"), Published(maxLength=60)]
Label = Annotated[_OneLine, _at_most(40, "a short label, e.g. 'Daly 2019'"),
                  Published(maxLength=40)]
Short = Annotated[_OneLine, _at_most(24, "it labels a narrow column"), Published(maxLength=24)]
Status = Annotated[_Paragraph, _at_most(300, "the status in a phrase; the rest goes into "
                                             "detail"), Published(maxLength=300)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(_http_url),
                Published(pattern=URL_PATTERN, format="uri")]
Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$", max_length=300)]
PartialDate = Annotated[str, AfterValidator(_partial_date),
                        Published(pattern=PARTIAL_DATE_PATTERN)]
Reviewed = Annotated[dt.date, AfterValidator(_not_in_future)]


_FLAGS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}


def _flag(value: object) -> object:
    # Only what a spreadsheet writes for a checkbox; pydantic alone would also take
    # "yes", "on" or "1", which the published Table Schemas do not.
    if isinstance(value, str):
        if value not in _FLAGS:
            raise CodedError("not-a-flag", got=_shown(value))
        return _FLAGS[value]
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]


def _number(value: Decimal) -> int | float:
    # JSON readers (pandas, R) expect a number, not the string pydantic writes by default.
    return int(value) if value == value.to_integral_value() else float(value)


Usd = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2),
                PlainSerializer(_number, return_type=int | float, when_used="json"),
                Published(anyOf=[{"type": "number", "minimum": 0, "maximum": 9999999999.99,
                                  "multipleOf": 0.01},
                                 {"type": "string", "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$"}])]

_SOURCE_REF = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)(?: (\S.{0,59}))?")


def _source_ref(value: str) -> str:
    if not _SOURCE_REF.fullmatch(value):
        raise CodedError("bad-source-ref", got=_shown(value))
    return value


def source_id(ref: str) -> str:
    """The id part of a source reference: 'daly-2019 Table 3' -> 'daly-2019'."""
    return ref.split(" ", 1)[0]


def locator(ref: str) -> str | None:
    """Where in the source, if the reference says: 'daly-2019 Table 3' -> 'Table 3'."""
    parts = ref.split(" ", 1)
    return parts[1] if len(parts) > 1 else None


SourceRef = Annotated[str, AfterValidator(_source_ref), Published(pattern=SOURCE_REF_PATTERN)]
SourceRefs = Annotated[list[SourceRef], Field(min_length=1)]


class Grade(StrEnum):
    """How strong the evidence behind one fact is: the scale of facts.md, strongest first,
    plus `official-report` for an official fact known only from a secondary report."""

    REGULATORY = "regulatory"
    RCT = "rct"
    OFFICIAL_REPORT = "official-report"
    OBSERVATIONAL = "observational"
    PRECLINICAL = "preclinical"
    ANECDOTAL = "anecdotal"
    UNVERIFIED = "unverified"
    CONTRADICTED = "contradicted"


GRADE_LABELS: dict[Grade, tuple[str, str]] = {
    Grade.REGULATORY: ("Regulator", "a regulator's decision, a law or the product label"),
    Grade.RCT: ("Randomised trials", "randomised controlled trials in people, or a review "
                                     "of them"),
    Grade.OFFICIAL_REPORT: ("Official, reported", "an official decision or law, known from a "
                                                  "news report or guide, not the text itself"),
    Grade.OBSERVATIONAL: ("Observational", "people studied without randomisation: cohorts, "
                                           "case series, surveys, price listings"),
    Grade.PRECLINICAL: ("Animal or lab", "animal or cell studies only, not people"),
    Grade.ANECDOTAL: ("Anecdotal", "individual reports or a company's own claims"),
    Grade.UNVERIFIED: ("Unverified", "claimed, but no supporting source was found"),
    Grade.CONTRADICTED: ("Contradicted", "the best source found says otherwise"),
}


def weakest(grades: Iterable[Grade]) -> Grade:
    """The weakest of several grades: what a figure computed from them can claim."""
    order = list(Grade)
    return max(grades, key=order.index)


# The grades a fact needs to be an input of a computed figure (a price range, a course
# cost): an anecdote or a contradicted figure is shown as itself, never folded in.
COMPUTABLE = frozenset({Grade.REGULATORY, Grade.RCT, Grade.OFFICIAL_REPORT,
                        Grade.OBSERVATIONAL})


class SourceKind(StrEnum):
    """What kind of work a source is; it decides which grades the source can carry."""

    REGULATOR = "regulator"
    TRIAL = "trial"
    SYSTEMATIC_REVIEW = "systematic-review"
    REVIEW = "review"
    OBSERVATIONAL = "observational"
    LABORATORY = "laboratory"
    LISTING = "listing"
    DIRECTORY = "directory"
    NEWS = "news"
    COMPANY = "company"
    ARTICLE = "article"


KIND_LABELS: dict[SourceKind, str] = {
    SourceKind.REGULATOR: "regulator decision, law, government notice or product label",
    SourceKind.TRIAL: "randomised controlled trial",
    SourceKind.SYSTEMATIC_REVIEW: "systematic review or meta-analysis",
    SourceKind.REVIEW: "narrative or expert review",
    SourceKind.OBSERVATIONAL: "observational study (cohort, case series, survey)",
    SourceKind.LABORATORY: "animal or laboratory study",
    SourceKind.LISTING: "price listing, cost guide or survey of prices",
    SourceKind.DIRECTORY: "directory of clinics",
    SourceKind.NEWS: "news, trade press or blog",
    SourceKind.COMPANY: "company or clinic, about its own product",
    SourceKind.ARTICLE: "the article the site starts from",
}

_ANY = frozenset(SourceKind)
# Which kinds of source can carry each grade: a fact's grade needs at least one cited
# source of one of these kinds. Declared once; validation and the methodology page read it.
GRADE_SUPPORT: dict[Grade, frozenset[SourceKind]] = {
    Grade.REGULATORY: frozenset({SourceKind.REGULATOR}),
    Grade.RCT: frozenset({SourceKind.TRIAL, SourceKind.SYSTEMATIC_REVIEW}),
    Grade.OFFICIAL_REPORT: frozenset({
        SourceKind.REGULATOR, SourceKind.SYSTEMATIC_REVIEW, SourceKind.REVIEW,
        SourceKind.OBSERVATIONAL, SourceKind.LISTING, SourceKind.DIRECTORY, SourceKind.NEWS}),
    Grade.OBSERVATIONAL: frozenset({
        SourceKind.REGULATOR, SourceKind.TRIAL, SourceKind.SYSTEMATIC_REVIEW, SourceKind.REVIEW,
        SourceKind.OBSERVATIONAL, SourceKind.LISTING, SourceKind.DIRECTORY, SourceKind.NEWS}),
    Grade.PRECLINICAL: frozenset({SourceKind.LABORATORY, SourceKind.REVIEW,
                                  SourceKind.SYSTEMATIC_REVIEW}),
    Grade.ANECDOTAL: _ANY,
    Grade.UNVERIFIED: _ANY,
    Grade.CONTRADICTED: _ANY - {SourceKind.ARTICLE},
}


def supported_grades(kinds: Iterable[SourceKind]) -> list[Grade]:
    """The grades that sources of these kinds can carry, strongest first."""
    found = set(kinds)
    return [g for g in Grade if GRADE_SUPPORT[g] & found]


class Unit(StrEnum):
    """What a price covers."""

    SESSION = "session"
    COURSE = "course"
    MONTH = "month"


class Basis(StrEnum):
    """What a price is: a patient's all-in price, the drug alone, or a payer's rate; never
    merged into one span."""

    ALL_IN = "all-in"
    DRUG_ONLY = "drug-only"
    PAYER = "payer"


BASIS_LABELS = {Basis.ALL_IN: "clinic's all-in price", Basis.DRUG_ONLY: "drug only",
                Basis.PAYER: "what a payer pays the clinic"}


class Substance(StrEnum):
    KETAMINE = "ketamine"
    ESKETAMINE = "esketamine"


class Verdict(StrEnum):
    """How a claim of the article held up against the sources (a scale apart from grades)."""

    CONFIRMED = "confirmed"
    PARTLY = "partly"
    PARTLY_CONTRADICTED = "partly-contradicted"
    WEAK = "weak"
    UNVERIFIED = "unverified"
    CONTRADICTED = "contradicted"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.CONFIRMED: "Confirmed",
    Verdict.PARTLY: "Partly true",
    Verdict.PARTLY_CONTRADICTED: "Partly contradicted",
    Verdict.WEAK: "Weak support",
    Verdict.UNVERIFIED: "Unverified",
    Verdict.CONTRADICTED: "Contradicted",
}


def money(low: Decimal | None, high: Decimal | None, high_open: bool = False) -> str:
    """'$400–$800', '$800–$1,200+', '$1,200+' (open-ended), 'up to $500', '$129'."""
    plus = "+" if high_open else ""
    if low is not None and high is not None:
        return usd(low) + plus if low == high else f"{usd(low)}–{usd(high)}{plus}"
    if low is not None:
        return f"{usd(low)}+"
    assert high is not None
    return f"up to {usd(high)}"


def usd(value: Decimal) -> str:
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


UNIT_LABELS = {Unit.SESSION: "per session", Unit.COURSE: "per course", Unit.MONTH: "per month"}


# --- records -------------------------------------------------------------------


# Records are pydantic dataclasses with slots rather than BaseModels: a BaseModel keeps
# each record's values in a dict of its own and the names of the fields given in a
# set, about a kilobyte a row more, which at 100,000 rows breaks the memory budget.
# Closed (unknown fields are errors) and immutable. Text arrives stripped of
# surrounding spaces from the load stage, which keeps one copy of each value.
_CONFIG = ConfigDict(extra="forbid", use_enum_values=False)


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Record:
    """Base of every record and of every part of one."""

    __pydantic_fields__: ClassVar[dict[str, FieldInfo]]
    __pydantic_validator__: ClassVar[SchemaValidator]
    # Fields holding ids of another table's records, and which table: declared on the
    # model that has the field, so the check follows records to any depth.
    refs: ClassVar[dict[str, str]] = {}


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Graded(Record):
    """Anything that states something: it carries its own grade and only its sources."""

    grade: Grade = Field(description="How strong the evidence behind this fact is; see the "
                                     "scale on the methodology page.")
    sources: SourceRefs = Field(description="Ids from sources.yaml that back this fact, each "
                                            "optionally followed by where in the source, e.g. "
                                            "'daly-2019 Table 3'.")
    refs: ClassVar[dict[str, str]] = {"sources": "sources"}


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Fact(Graded):
    """One statement a visitor relies on: a short value, its grade and its sources."""

    value: Value = Field(description=f"What a cell shows, short (at most {VALUE_MAX} "
                                     "characters), e.g. '$400–800 per session'.")
    glance: Glance | None = Field(None, description=GLANCE_DESCRIPTION)
    detail: Detail | None = Field(None, description="A sentence or two shown on demand "
                                                    f"(at most {DETAIL_MAX} characters).")
    reviewed: Reviewed | None = Field(None, description="When a person checked this fact "
                                      "(YYYY-MM-DD); default: the record's date.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class CountFact(Graded):
    """A count a figure is computed from, e.g. sessions in a course."""

    count: int = Field(ge=1, le=1000, description="How many, e.g. 6.")
    or_more: Flag = Field(False, description="true when the source says 'N or more'.")
    what: Line = Field(description="What is counted, plural, e.g. 'infusions'.")
    detail: Detail | None = Field(None, description="A sentence or two shown on demand.")
    reviewed: Reviewed | None = Field(None, description="When a person checked this fact "
                                      "(YYYY-MM-DD); default: the record's date.")

    @property
    def value(self) -> str:
        return f"{self.count}{' or more' if self.or_more else ''} {self.what}"


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class ArticleCell(Record):
    """What the article says in one cell of its own table, and what the sources say."""

    says: Text = Field(description="The article's words.")
    verdict: Verdict = Field(description="How the article's statement held up.")
    finding: Fact = Field(description="What the sources say, as a graded fact.")


R = TypeVar("R", bound=Record)


def refs_of(model: type[Record]) -> dict[str, str]:
    """Every field of `model` that points at another table, merged over its base classes,
    so a subclass that declares its own references keeps those it inherits."""
    merged: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        merged.update(vars(cls).get("refs", {}))
    return merged


def fields(model: type[Record]) -> dict[str, FieldInfo]:
    """A record type's fields, in declaration order (inherited ones first)."""
    return model.__pydantic_fields__


def parse(model: type[R], values: Any) -> R:
    """Validate plain values into a record; raises pydantic's ValidationError."""
    return model.__pydantic_validator__.validate_python(values)  # type: ignore[no-any-return]


_ADAPTERS: dict[type[Record], TypeAdapter[Any]] = {}


def _adapter(model: type[Record]) -> TypeAdapter[Any]:
    if model not in _ADAPTERS:  # building one costs milliseconds; rows come in thousands
        _ADAPTERS[model] = TypeAdapter(model)
    return _ADAPTERS[model]


def dump(record: Record) -> dict[str, Any]:
    """A record as JSON-ready plain values."""
    return _adapter(type(record)).dump_python(record, mode="json")  # type: ignore[no-any-return]


_SCHEMAS: dict[type[Record], dict[str, Any]] = {}


def json_schema(model: type[Record]) -> dict[str, Any]:
    """A record type's JSON Schema (a copy: callers may change it)."""
    if model not in _SCHEMAS:  # asked for several times a build, at 5 ms each
        _SCHEMAS[model] = _adapter(model).json_schema()
    return copy.deepcopy(_SCHEMAS[model])


def is_record_type(annotation: Any) -> TypeGuard[type[Record]]:
    return isinstance(annotation, type) and issubclass(annotation, Record)


def field_order(model: type[Record]) -> list[str]:
    """A model's fields in reading order, as the data files have them: what identifies the
    record first, then what it states, its grade and sources last."""
    names = list(fields(model))
    last = [n for n in ("value", "glance", "grade", "sources", "detail", "reviewed")
            if n in names]
    return [n for n in names if n not in last] + last


