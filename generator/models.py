"""The data contract: one frozen pydantic model per record kind, declared once.

Everything else that describes the data (JSON Schemas, the data dictionary in
CONTRIBUTING.md, the data package) is generated from these declarations.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, TypeGuard, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, model_validator
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import SchemaValidator

# --- value types -------------------------------------------------------------


class FieldError(ValueError):
    """A problem found by a whole-record check, pinned to the field to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


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
        raise ValueError(
            f"contains the invisible control character U+{ord(chars[0]):04X}; delete it"
        )
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("must be a single line; remove the line break")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http:// or https:// address, got {value!r}; "
                         "copy the page's address from the browser")
    if any(ch.isspace() for ch in value):
        raise ValueError("a web address cannot contain spaces; encode them as %20")
    return value


def _partial_date(value: str) -> str:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not match:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return value


def _not_in_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"{value.isoformat()} is in the future; use the day you checked")
    return value


Text = Annotated[str, Field(min_length=1), AfterValidator(_visible_text)]
Line = Annotated[Text, AfterValidator(_single_line)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=64)]
Url = Annotated[str, AfterValidator(_http_url)]
Doi = Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")]
PartialDate = Annotated[str, AfterValidator(_partial_date)]
Reviewed = Annotated[dt.date, AfterValidator(_not_in_future)]
Usd = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
SourceIds = Annotated[list[Slug], Field(min_length=1)]


class Certainty(StrEnum):
    """How strong the evidence behind a statement is (the scale of facts.md)."""

    REGULATORY = "regulatory"
    RCT = "rct"
    OBSERVATIONAL = "observational"
    PRECLINICAL = "preclinical"
    ANECDOTAL = "anecdotal"
    UNVERIFIED = "unverified"
    CONTRADICTED = "contradicted"


CERTAINTY_LABELS: dict[Certainty, tuple[str, str]] = {
    Certainty.REGULATORY: ("Regulatory", "a regulator's decision, law or product label"),
    Certainty.RCT: ("RCT", "randomised controlled trials in people"),
    Certainty.OBSERVATIONAL: (
        "Observational",
        "human cohorts, case series, surveys or price listings",
    ),
    Certainty.PRECLINICAL: ("Preclinical", "animal or cell studies only"),
    Certainty.ANECDOTAL: ("Anecdotal", "individual reports, no systematic study"),
    Certainty.UNVERIFIED: ("Unverified", "claimed, but no supporting source was found"),
    Certainty.CONTRADICTED: ("Contradicted", "the best source found says otherwise"),
}


class Group(StrEnum):
    """The article's two families of treatment."""

    FULL_INFUSION = "full-infusion"
    MICRODOSING = "microdosing"


GROUP_LABELS: dict[Group, str] = {
    Group.FULL_INFUSION: "Full infusion",
    Group.MICRODOSING: "Microdosing",
}


class Unit(StrEnum):
    """What a price covers."""

    SESSION = "session"
    COURSE = "course"
    MONTH = "month"


class Substance(StrEnum):
    KETAMINE = "ketamine"
    ESKETAMINE = "esketamine"


class Verdict(StrEnum):
    """How a claim of the article held up against the sources."""

    CONFIRMED = "confirmed"
    PARTLY = "partly"
    PARTLY_CONTRADICTED = "partly-contradicted"
    WEAK = "weak"
    UNVERIFIED = "unverified"
    CONTRADICTED = "contradicted"
    ADDED = "added"


VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.CONFIRMED: "Confirmed",
    Verdict.PARTLY: "Partly true",
    Verdict.PARTLY_CONTRADICTED: "Partly contradicted",
    Verdict.WEAK: "Weak support",
    Verdict.UNVERIFIED: "Unverified",
    Verdict.CONTRADICTED: "Contradicted",
    Verdict.ADDED: "Added (not in the article)",
}


# --- records -------------------------------------------------------------------


# Records are pydantic dataclasses with slots rather than BaseModels: a BaseModel keeps
# each record's values in a dict of its own and the names of the fields given in a
# set, about a kilobyte a row more, which at 100,000 rows breaks the memory budget.
# Closed (unknown fields are errors) and immutable. Text arrives stripped of
# surrounding spaces from the load stage, which keeps one copy of each value.
_CONFIG = ConfigDict(extra="forbid", use_enum_values=False)


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Record:
    """Base of every record."""

    __pydantic_fields__: ClassVar[dict[str, FieldInfo]]
    __pydantic_validator__: ClassVar[SchemaValidator]


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Graded(Record):
    """A record that states something and so must cite and grade it."""

    certainty: Certainty = Field(description="How strong the evidence is; see the scale.")
    sources: SourceIds = Field(description="Ids from sources.yaml; at least one.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Statement(Record):
    """One cited, graded statement inside a larger record."""

    text: Text = Field(description="What is stated, as plain text.")
    certainty: Certainty = Field(description="How strong the evidence is; see the scale.")
    sources: SourceIds = Field(description="Ids from sources.yaml; at least one.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Source(Record):
    """One reference that rows cite by its id."""

    id: Slug = Field(description="Short lowercase id, e.g. zarate-2006.")
    label: Line | None = Field(
        None, max_length=40,
        description="Short citation label shown in tables; default: first author and year.",
    )
    title: Line = Field(description="Title of the work or page.")
    authors: Line | None = Field(None, description="Authors, e.g. 'Zarate CA Jr et al.'.")
    publisher: Line | None = Field(None, description="Journal, agency or site.")
    year: int | None = Field(None, ge=1900, le=2100, description="Year published.")
    url: Url | None = Field(None, description="An http:// or https:// address.")
    doi: Doi | None = Field(None, description="A DOI such as 10.1001/archpsyc.63.8.856.")
    note: Text | None = Field(None, description="What the source is, where that helps.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Term(Record):
    """A glossary term, shown as a tooltip wherever it appears."""

    term: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", max_length=32)] = (
        Field(description="The abbreviation or word, e.g. NMDA (letters, digits, . and -).")
    )
    definition: Line = Field(description="A one-line plain-text definition.")
    sources: SourceIds = Field(description="Ids from sources.yaml; at least one.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Modality(Graded):
    """A way of taking ketamine that the site compares."""

    id: Slug = Field(description="Short lowercase id, e.g. iv-infusion.")
    name: Line = Field(description="Display name.")
    group: Group = Field(description="The article's family: full-infusion or microdosing.")
    route: Line = Field(description="How the drug enters the body.")
    setting: Text = Field(description="Where it is given.")
    supervision: Text = Field(description="Who watches over it.")
    onset: Text = Field(description="How soon effects start.")
    duration: Text = Field(description="How long effects last.")
    bioavailability: Text = Field(description="Share of the dose that reaches the blood.")
    summary: Text = Field(description="Two or three plain sentences for the profile page.")
    doses: list[Statement] = Field(
        default_factory=list, description="Doses exactly as the sources state them."
    )
    course_sessions: int | None = Field(
        None, ge=1, le=100, description="Sessions in a typical course, where a source says."
    )


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Aspect(Record):
    """A row of the article's at-a-glance table: one aspect, both families."""

    id: Slug = Field(description="Short lowercase id, e.g. cost.")
    aspect: Line = Field(description="The aspect compared, e.g. Cost.")
    full_infusion: Statement = Field(description="What holds for full infusion.")
    microdosing: Statement = Field(description="What holds for microdosing.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Cost(Graded):
    """One price fact: a range in US dollars for a session, a course or a month."""

    modality: Slug = Field(description="An id from modalities.yaml.")
    item: Line = Field(description="What is priced, e.g. 'Infusion, typical US clinic'.")
    low_usd: Usd | None = Field(None, description="Lowest price; empty = 'up to'.")
    high_usd: Usd | None = Field(None, description="Highest price; empty = open-ended.")
    high_open: bool = Field(
        False, description="true when the source's top figure is a floor, as in '$800–$1,200+'."
    )
    unit: Unit = Field(description="What the price covers: session, course or month.")
    region: Line = Field(description="Where the price applies, e.g. US.")
    as_of: PartialDate = Field(description="When the price was listed: YYYY, YYYY-MM or date.")
    note: Text | None = Field(None, description="Context a reader needs.")

    @model_validator(mode="after")
    def _range(self) -> Cost:
        if self.low_usd is None and self.high_usd is None:
            raise FieldError("low_usd", "no price given; fill in low_usd, high_usd or both")
        if self.high_open and self.high_usd is None:
            raise FieldError("high_open", "set without a high_usd; "
                             "leave high_open empty, an empty high_usd is open-ended already")
        if (self.low_usd is not None and self.high_usd is not None
                and self.low_usd > self.high_usd):
            raise FieldError("low_usd", f"{self.low_usd} is above high_usd "
                             f"{self.high_usd}; swap the two values")
        return self


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class LegalStatus(Graded):
    """The legal status of a substance in one jurisdiction."""

    jurisdiction: Line = Field(description="Country or body, e.g. United Kingdom.")
    substance: Substance = Field(description="ketamine or esketamine.")
    status: Text = Field(description="The status in that jurisdiction's own terms.")
    since: PartialDate | None = Field(None, description="When it took effect, if known.")
    note: Text | None = Field(None, description="Context a reader needs.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class TreatmentLegal(Graded):
    """A row of the article's legal table: one family of treatment."""

    group: Group = Field(description="full-infusion or microdosing.")
    legal_status: Text = Field(description="Legal status in general terms.")
    supervision_required: Line = Field(description="Whether a clinician supervises.")
    quality_control: Line = Field(description="Whether the product is regulated.")
    typical_conditions: Text = Field(description="What it is used for.")
    note: Text | None = Field(None, description="How the article's row held up.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Evidence(Graded):
    """The evidence behind one modality."""

    modality: Slug = Field(description="An id from modalities.yaml.")
    evidence_base: Text = Field(description="What kind of evidence exists.")
    effects: Text = Field(description="The effects seen.")
    common_uses: Text = Field(description="What it is used for.")
    risks: Text = Field(description="Risks and limitations.")
    studies: list[Slug] = Field(
        default_factory=list, description="Landmark studies: ids from sources.yaml."
    )
    note: Text | None = Field(None, description="Context a reader needs.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Mechanism(Graded):
    """One biological action proposed for ketamine."""

    id: Slug = Field(description="Short lowercase id, e.g. nmda-antagonism.")
    action: Line = Field(description="The biological action.")
    receptors: Annotated[list[Line], Field(min_length=1)] = Field(
        description="Receptor targets, e.g. [NMDA]."
    )
    effect: Text = Field(description="The effect claimed.")
    potential_benefits: Text = Field(description="The benefits claimed.")
    dose_context: Text = Field(description="At what doses this was claimed or seen.")
    finding: Text = Field(description="What the sources actually say.")


@dataclass(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Claim(Graded):
    """One claim of the article and how it held up."""

    id: Slug = Field(description="Short lowercase id, e.g. oral-bioavailability.")
    claim: Text = Field(description="The claim, in the article's words or close to them.")
    verdict: Verdict = Field(description="How it held up.")
    finding: Text = Field(description="What the sources say.")


R = TypeVar("R", bound=Record)


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
    """A model's fields in reading order: what the record states first, its grade last."""
    names = list(fields(model))
    last = [n for n in ("certainty", "sources", "reviewed") if n in names]
    return [n for n in names if n not in last] + last


# --- the files -------------------------------------------------------------------

# Every data file and the model of one record in it. A file comes after the files its
# records point at (sources, modalities): validation reads them in this order.
DATA_FILES: dict[str, type[Record]] = {
    "sources.yaml": Source,
    "glossary.yaml": Term,
    "modalities.yaml": Modality,
    "aspects.yaml": Aspect,
    "costs.csv": Cost,
    "evidence.yaml": Evidence,
    "legal.csv": LegalStatus,
    "legal-treatment.csv": TreatmentLegal,
    "mechanisms.yaml": Mechanism,
    "claims.yaml": Claim,
}
