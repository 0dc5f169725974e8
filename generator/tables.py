"""Every table of the site, declared once: its file, record model, key, references,
page, caption, columns and order.

Validation keys and references, the assembled tables and their continuation pages, the
downloads, the data package with its keys, the JSON Schemas, the data dictionary and
the tests' field lists all read these declarations. Adding a table is its data file,
a model and a declaration here, and its line in mkdocs.yml's navigation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass as record

from .models import (
    _CONFIG,
    BASIS_LABELS,
    GLANCE_DESCRIPTION,
    UNIT_LABELS,
    VALUE_MAX,
    ArticleCell,
    Basis,
    CountFact,
    Detail,
    Doi,
    Fact,
    Flag,
    Glance,
    Graded,
    Label,
    Line,
    Name,
    PartialDate,
    Record,
    Reviewed,
    Short,
    Slug,
    SourceKind,
    Status,
    Substance,
    Text,
    Unit,
    Url,
    Usd,
    Value,
    Verdict,
    money,
    refs_of,
)
from .problems import CodedError

R = TypeVar("R", bound=Record)

# --- record models -----------------------------------------------------------------


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Source(Record):
    """One reference that facts cite by its id."""

    id: Slug = Field(description="Short lowercase id, e.g. zarate-2006.")
    kind: SourceKind = Field(description="What kind of work it is; decides which grades it "
                                         "can carry (see the methodology page).")
    label: Label | None = Field(
        None,
        description="Short citation label shown in tables; default: first author and year.",
    )
    title: Line = Field(description="Title of the work or page.")
    authors: Line | None = Field(None, description="Authors, e.g. 'Zarate CA Jr et al.'.")
    publisher: Line | None = Field(None, description="Journal, agency or site.")
    year: int | None = Field(None, ge=1900, le=2100,
                             description="Year published; leave empty only when the source "
                                         "states none (shown as n.d.).")
    edition: Line | None = Field(None, description="Version or edition, e.g. of a label.")
    url: Url | None = Field(None, description="An http:// or https:// address of the original "
                                              "(not a mirror or proxy copy).")
    doi: Doi | None = Field(None, description="A DOI such as 10.1001/archpsyc.63.8.856.")
    about: Text | None = Field(None, description="What the source is, for visitors.")

    @model_validator(mode="after")
    def _complete(self) -> Source:
        if self.kind is SourceKind.ARTICLE:
            return self
        if not (self.authors or self.publisher):
            raise CodedError("source-no-author", field="authors")
        if not (self.url or self.doi):
            raise CodedError("source-no-link", field="url")
        return self


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Term(Record):
    """A glossary term, shown as a tooltip wherever it appears."""

    term: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", max_length=32,
                      description="The abbreviation or word, e.g. NMDA (letters, digits, "
                                  ". and -).")
    definition: Line = Field(description="A one-line plain-text definition.")
    sources: list[Slug] = Field(default_factory=list,
                                description="Ids from sources.yaml that define the term; "
                                            "empty for a general definition by the editors.")
    refs: ClassVar[dict[str, str]] = {"sources": "sources"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Modality(Record):
    """A way of taking ketamine that the site compares; each attribute is a graded fact."""

    id: Slug = Field(description="Short lowercase id, e.g. iv-infusion.")
    name: Line = Field(description="Display name.")
    short: Short = Field(description="Short name for narrow columns.")
    also_called: list[Name] = Field(
        default_factory=list, description="Other names and brands visitors search for, "
                                          "e.g. [Spravato]; shown on its profile.")
    summary: Fact = Field(description="What it is, in one sentence.")
    route: Fact = Field(description="How the drug enters the body.")
    setting: Fact = Field(description="Where it is given.")
    supervision: Fact = Field(description="Who watches over it.")
    onset: Fact = Field(description="How soon effects start.")
    duration: Fact = Field(description="How long effects last.")
    bioavailability: Fact = Field(description="Share of the dose that reaches the blood.")
    legal: Fact = Field(description="Its legal status in short.")
    course: CountFact | None = Field(None, description="Sessions in a course, where a "
                                                       "source says.")
    doses: list[Fact] = Field(default_factory=list,
                              description="Doses exactly as the sources state them.")
    reviewed: Reviewed = Field(description="The day the record was last checked; facts "
                                           "without their own date inherit it.")


def modality_page(modality_id: str) -> str:
    """The profile page of a modality: the one place its path is spelled."""
    return f"modalities/{modality_id}.md"


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Aspect(Record):
    """A row of the article's at-a-glance table: one aspect, both of its groups."""

    id: Slug = Field(description="Short lowercase id, e.g. cost.")
    aspect: Line = Field(description="The aspect compared, e.g. Cost.")
    full_infusion: ArticleCell = Field(description="The article's full-infusion cell.")
    microdosing: ArticleCell = Field(description="The article's microdosing cell.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Cost(Graded):
    """One price listing: a range in US dollars for a session, a course or a month."""

    modality: Slug = Field(description="An id from modalities.yaml.")
    item: Line = Field(description="What is priced, e.g. 'Infusion, typical US clinic'.")
    low_usd: Usd | None = Field(None, description="Lowest price; empty = 'up to'.")
    high_usd: Usd | None = Field(None, description="Highest price; empty = open-ended.")
    high_open: Flag = Field(
        False, description="true when the source's top figure is a floor, as in '$800–$1,200+'."
    )
    unit: Unit = Field(description="What the price covers: session, course or month.")
    basis: Basis = Field(description="all-in (the clinic's price), drug-only, or payer (what "
                                     "an insurer such as Medicare pays the clinic).")
    region: Line = Field(description="Where the price applies, e.g. US.")
    as_of: PartialDate | None = Field(None, description="When the price was listed: YYYY, "
                                      "YYYY-MM or YYYY-MM-DD; empty when the source gives no "
                                      "date.")
    detail: Detail | None = Field(None, description="Context a reader needs.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities"}

    @model_validator(mode="after")
    def _range(self) -> Cost:
        if self.low_usd is None and self.high_usd is None:
            raise CodedError("no-price", field="low_usd")
        if self.high_open and self.high_usd is None:
            raise CodedError("open-without-high", field="high_open")
        if (self.low_usd is not None and self.high_usd is not None
                and self.low_usd > self.high_usd):
            raise CodedError("low-above-high", field="low_usd", low=self.low_usd,
                             high=self.high_usd)
        return self

    @property
    def value(self) -> str:
        return f"{money(self.low_usd, self.high_usd, self.high_open)} {UNIT_LABELS[self.unit]}"

    @property
    def sort_value(self) -> Usd | None:
        return self.low_usd if self.low_usd is not None else self.high_usd


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Jurisdiction(Record):
    """A country or region that legal and coverage rows name, with the other names
    visitors look for it by."""

    name: Name = Field(description="The name legal.csv and coverage.csv use, "
                                                  "e.g. United Kingdom.")
    also_called: list[Name] = Field(
        default_factory=list, description="Other names and abbreviations visitors search "
                                          "for, e.g. [UK, Britain].")
    part_of: Line | None = Field(None, description="The jurisdiction this one is part of "
                                                   "(England: United Kingdom); its rows are "
                                                   "shown with that one's.")
    refs: ClassVar[dict[str, str]] = {"part_of": "jurisdictions"}


class LegalAspect(StrEnum):
    """What a legal row is about: a jurisdiction has one controlled-drug status for each
    substance, but may have several approvals."""

    CONTROL = "control"
    APPROVAL = "approval"
    FUNDING = "funding"
    RULES = "rules"


LEGAL_ASPECT_LABELS: dict[LegalAspect, str] = {
    LegalAspect.CONTROL: "Controlled-drug status", LegalAspect.APPROVAL: "Approval",
    LegalAspect.FUNDING: "Public funding", LegalAspect.RULES: "Rules of supply",
}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class LegalStatus(Graded):
    """The legal or regulatory status of a substance in one jurisdiction."""

    jurisdiction: Line = Field(description="Country or body, as named in "
                                           "jurisdictions.yaml, e.g. United Kingdom.")
    refs: ClassVar[dict[str, str]] = {"jurisdiction": "jurisdictions"}
    substance: Substance = Field(description="ketamine or esketamine.")
    aspect: LegalAspect = Field(description="control (the controlled-drug status: one a "
                                            "jurisdiction and substance), approval, funding "
                                            "or rules (other conditions of supply).")
    status: Status = Field(description="The status in that jurisdiction's "
                                                     "own terms.")
    since: PartialDate | None = Field(None, description="When it took effect: YYYY, YYYY-MM "
                                      "or YYYY-MM-DD; empty if not known.")
    detail: Detail | None = Field(None, description="Context a reader needs.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")

    @property
    def value(self) -> str:
        return self.status


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Evidence(Record):
    """The evidence behind one modality, each statement a graded fact."""

    modality: Slug = Field(description="An id from modalities.yaml.")
    base: Fact = Field(description="What kind of evidence exists.")
    effects: list[Fact] = Field(min_length=1, description="The effects seen.")
    uses: list[Fact] = Field(min_length=1, description="What it is used for.")
    risks: list[Fact] = Field(min_length=1, description="Risks and limitations.")
    studies: list[Slug] = Field(default_factory=list,
                                description="Landmark studies: ids from sources.yaml.")
    reviewed: Reviewed = Field(description="The day the record was last checked; facts "
                                           "without their own date inherit it.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities", "studies": "sources"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Mechanism(Record):
    """One biological action the article proposes, and what the sources say of it."""

    id: Slug = Field(description="Short lowercase id, e.g. nmda-antagonism.")
    action: Line = Field(description="The biological action.")
    receptors: list[Line] = Field(min_length=1, description="Receptor targets, e.g. [NMDA].")
    claimed_effect: Text = Field(description="The effect the article claims.")
    claimed_doses: Text = Field(description="At what doses the article claims it.")
    verdict: Verdict = Field(description="How the article's claim held up.")
    finding: Fact = Field(description="What the sources say, as a graded fact.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Claim(Record):
    """One claim of the article, its verdict, and what the sources say."""

    id: Slug = Field(description="Short lowercase id, e.g. oral-bioavailability.")
    claim: Text = Field(description="The claim, in the article's words or close to them.")
    verdict: Verdict = Field(description="How it held up: a scale apart from grades.")
    finding: Fact = Field(description="What the sources say, as a graded fact.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


# --- what people ask first: results, side effects, a course, warnings, coverage ------


class Comparator(StrEnum):
    """What a result was compared against, so unlike results are never set side by side."""

    PLACEBO = "placebo"
    ACTIVE_PLACEBO = "active-placebo"
    ECT = "ect"
    QUETIAPINE = "quetiapine"
    OTHER_KETAMINE = "other-ketamine"
    OTHER_DOSE = "other-dose"
    NONE = "none"


COMPARATOR_LABELS: dict[Comparator, str] = {
    Comparator.PLACEBO: "against placebo",
    Comparator.ACTIVE_PLACEBO: "against an active placebo (midazolam)",
    Comparator.ECT: "against electroconvulsive therapy (ECT)",
    Comparator.QUETIAPINE: "against quetiapine XR",
    Comparator.OTHER_KETAMINE: "against another form of ketamine",
    Comparator.OTHER_DOSE: "one dose against another",
    Comparator.NONE: "without a control group",
}


class Direction(StrEnum):
    """Which way a result went, as its source reports it."""

    FAVOURS = "favours"
    NO_DIFFERENCE = "no-difference"
    FAVOURS_COMPARATOR = "favours-comparator"
    NOT_TESTED = "not-tested"


DIRECTION_LABELS: dict[Direction, str] = {
    Direction.FAVOURS: "Favours the treatment",
    Direction.NO_DIFFERENCE: "No clear difference",
    Direction.FAVOURS_COMPARATOR: "Favours the comparator",
    Direction.NOT_TESTED: "No comparison made",
}


class Certainty(StrEnum):
    """GRADE certainty, where a systematic review gives one."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"


CERTAINTY_LABELS: dict[Certainty, str] = {
    Certainty.HIGH: "High", Certainty.MODERATE: "Moderate", Certainty.LOW: "Low",
    Certainty.VERY_LOW: "Very low",
}


class CourseAspect(StrEnum):
    SCHEDULE = "schedule"
    VISIT = "visit"
    WHO_WHERE = "who-where"
    BEFORE = "before"
    AFTER = "after"
    MONITORING = "monitoring"
    HOME = "home"


COURSE_LABELS: dict[CourseAspect, str] = {
    CourseAspect.SCHEDULE: "Sessions and schedule", CourseAspect.VISIT: "A visit",
    CourseAspect.WHO_WHERE: "Who gives it, where", CourseAspect.BEFORE: "Before a dose",
    CourseAspect.AFTER: "After a dose", CourseAspect.MONITORING: "Monitoring and forms",
    CourseAspect.HOME: "At home or in a clinic",
}


class WarningKind(StrEnum):
    CONTRAINDICATION = "contraindication"
    BOXED = "boxed-warning"
    WARNING = "warning"
    PREGNANCY = "pregnancy"
    INTERACTION = "interaction"
    LIMITATION = "limitation"
    REGULATOR = "regulator-warning"
    EXPERIMENTAL = "experimental"


CAUTION_LABELS: dict[WarningKind, str] = {
    WarningKind.CONTRAINDICATION: "Contraindication", WarningKind.BOXED: "Boxed warning",
    WarningKind.WARNING: "Warning", WarningKind.PREGNANCY: "Pregnancy and breastfeeding",
    WarningKind.INTERACTION: "Interactions", WarningKind.LIMITATION: "Limitation of use",
    WarningKind.REGULATOR: "Regulator's warning", WarningKind.EXPERIMENTAL: "Experimental use",
}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class RowFact(Graded):
    """A row that is one fact: its value, detail and review date are the row's."""

    value: Value = Field(description=f"What the cell shows, short (at most {VALUE_MAX} "
                                     "characters).")
    detail: Detail | None = Field(None, description="A sentence or two shown on demand.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class HeadlineFact(RowFact):
    """A row that can be a modality's headline, which the home page and comparisons show
    in a phrase."""

    glance: Glance | None = Field(None, description=GLANCE_DESCRIPTION)


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Outcome(HeadlineFact):
    """One reported result of a trial, review or cohort, with what it was compared to."""

    id: Slug = Field(description="Short lowercase id, e.g. escape-trd-remission.")
    modality: Slug = Field(description="An id from modalities.yaml.")
    study: Line = Field(description="The study's name and year, e.g. 'ESCAPE-TRD (2023)'.")
    design: Line = Field(description="Its design, e.g. 'randomised, open-label, rater-blinded'.")
    size: Line = Field(description="How many people, as the source gives it, e.g. 'n=676'.")
    population: Line = Field(description="Who took part.")
    comparator: Comparator = Field(description="What it was compared against.")
    compared_with: Line = Field(description="The comparator in the source's words.")
    versus: Slug | None = Field(None, description="With comparator other-ketamine: the "
                                "modality compared against, an id from modalities.yaml, "
                                "when it is one the site compares.")
    dose: Line | None = Field(None, description="Dose and schedule as the source reports them.")
    measure: Line = Field(description="What was measured: response, remission, MADRS change, "
                                      "relapse, ...")
    timepoint: Line = Field(description="When, e.g. 'week 8' or '24 hours'.")
    arms: Line | None = Field(None, description="The result in each arm, as given.")
    effect: Line | None = Field(None, description="The effect with its CI or p value, as "
                                                  "given.")
    direction: Direction = Field(description="Which way the result went.")
    certainty: Certainty | None = Field(None, description="GRADE certainty, where a "
                                                          "systematic review gives one.")
    funding: Line | None = Field(None, description="Who funded it, where the source says.")
    headline: Flag = Field(False, description="true for the one result the home page and "
                                              "comparisons show for the modality.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities", "versus": "modalities"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class OutcomeNote(RowFact):
    """What one group of results means and does not mean, in a plain sentence."""

    modality: Slug = Field(description="An id from modalities.yaml.")
    comparator: Comparator = Field(description="The group: what the results were compared "
                                               "against.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class SideEffect(HeadlineFact):
    """How often one side effect was seen, with what the figure measures."""

    id: Slug = Field(description="Short lowercase id, e.g. esketamine-dissociation-label.")
    modality: Slug = Field(description="An id from modalities.yaml.")
    effect: Line = Field(description="The side effect, e.g. Dissociation.")
    measured: Line = Field(description="What the figure measures and in whom, e.g. "
                                       "'adverse-event reports, label table, N=346'.")
    headline: Flag = Field(False, description="true for the one side effect comparisons "
                                              "show for the modality.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class CourseStep(HeadlineFact):
    """One thing a course of treatment involves: schedule, visit, rules before and after."""

    id: Slug = Field(description="Short lowercase id, e.g. esketamine-schedule.")
    modality: Slug = Field(description="An id from modalities.yaml.")
    aspect: CourseAspect = Field(description="Which part of a course it describes.")
    headline: Flag = Field(False, description="true for the one line the home page shows.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Caution(HeadlineFact):
    """A contraindication, warning or caution for a modality, as the source states it."""

    id: Slug = Field(description="Short lowercase id, e.g. esketamine-contraindications.")
    modality: Slug = Field(description="An id from modalities.yaml.")
    kind: WarningKind = Field(description="What kind of warning it is.")
    headline: Flag = Field(False, description="true for the key warning the home page shows.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities"}


@record(frozen=True, slots=True, kw_only=True, config=_CONFIG)
class Coverage(HeadlineFact):
    """Whether and how a treatment is paid for in one jurisdiction."""

    id: Slug = Field(description="Short lowercase id, e.g. us-spravato-insurance.")
    jurisdiction: Line = Field(description="Country or region, as named in "
                                           "jurisdictions.yaml, e.g. Australia.")
    modality: Slug = Field(description="An id from modalities.yaml.")
    since: PartialDate | None = Field(None, description="When it took effect, if known.")
    headline: Flag = Field(False, description="true for the line the home page shows.")
    refs: ClassVar[dict[str, str]] = {"modality": "modalities", "jurisdiction": "jurisdictions"}


# Enums that pages show in words, not as their values.
ENUM_LABELS: dict[type[Enum], Mapping[Any, str]] = {
    Basis: BASIS_LABELS, Direction: DIRECTION_LABELS, Comparator: COMPARATOR_LABELS,
    Certainty: CERTAINTY_LABELS, CourseAspect: COURSE_LABELS, WarningKind: CAUTION_LABELS,
    LegalAspect: LEGAL_ASPECT_LABELS,
}


# --- declarations --------------------------------------------------------------------

SortKind = Literal["text", "number", "date", "none"]


@dataclass(frozen=True)
class Column:
    """One column of a table page: what it shows of each record and how it sorts.

    `field` names an attribute of the record. A Fact (or list of facts) shows as graded
    facts, the record's own `value` as the row's fact, a modality id as a link to its
    profile, anything else as text; several text fields (a tuple) show in one cell,
    separated by semicolons.
    """

    heading: str
    field: str | tuple[str, ...]
    sort: SortKind = "text"
    searchable: bool = True
    quote: bool = False  # the article's own words: cited to the article, never graded


@dataclass(frozen=True)
class Table(Generic[R]):
    """One data file and everything derived from it."""

    name: str  # the id other tables reference, e.g. "costs"
    file: str  # under data/
    model: type[R]
    key: tuple[str, ...]  # fields whose values identify a record
    title: str
    caption: str
    page: str | None = None  # a table page of its own, e.g. "costs.md"; None: bespoke pages
    columns: tuple[Column, ...] = ()
    order: Callable[[R], Any] | None = None  # sort key of the page's rows; None: file order
    row_label: Callable[[R], str] = lambda r: ""  # how back-links name a row (a modality's
    # name is added where the record has one)
    filterable: bool = False  # long tables get a filter box
    intro: str = ""  # the paragraph above the table
    # For a table whose rows can be a modality's headline (a `headline` field): the
    # question the home page and comparisons answer with it, and how they name the row.
    question: str = ""
    headline: Callable[[R], str] | None = None
    # Where the table's rows show on a modality's profile (lower first); None: not there.
    profile_rank: int | None = None
    # False for a table whose page groups its rows (the outcomes): no continuation pages.
    paged: bool = True
    # A table whose records each explain a group of another table's records, named by
    # the same fields (an outcome note and its results): a record with no group is an error.
    explains: str | None = None
    # (fields, (field, value)): at most one record with that value in that field for each
    # value of the fields, e.g. one controlled-drug status for a jurisdiction and substance;
    # a second is a contradiction, named with both lines.
    exclusive: tuple[tuple[str, ...], tuple[str, Any]] | None = None
    see_also: tuple[tuple[str, str], ...] = ()  # (title, page) of pages to point to
    # Fields whose fact the home page or a comparison shows in a phrase: one longer than
    # a glance needs a `glance` (a warning otherwise); a headline row's fact always is.
    glanced: tuple[str, ...] = ()

    def headline_name(self, record: R) -> str:
        """What a headline row is named by where it is shown ("Dissociation:"), or "" when
        its value names itself ("Boxed warning: ...")."""
        if self.headline is None:
            return ""
        name = self.headline(record)
        value = str(getattr(record, "value", ""))
        return "" if value.casefold().startswith(name.casefold()) else f"{name}:"

    @property
    def references(self) -> dict[str, str]:
        """Top-level fields that point at another table, and which table."""
        return refs_of(self.model)


_UNIT_ORDER = {unit: n for n, unit in enumerate(Unit)}

SOURCES = Table(
    name="sources", file="sources.yaml", model=Source, key=("id",),
    title="References", caption="Every source the site cites")
GLOSSARY = Table(
    name="glossary", file="glossary.yaml", model=Term, key=("term",),
    title="Glossary", caption="Terms shown as tooltips")
JURISDICTIONS = Table(
    name="jurisdictions", file="jurisdictions.yaml", model=Jurisdiction, key=("name",),
    title="Where I live", caption="Countries and regions, with the other names they go by")
PLACES_PAGE = "where-i-live.md"  # legal status and coverage, one place at a time
MODALITIES = Table(
    name="modalities", file="modalities.yaml", model=Modality, key=("id",),
    title="Modalities", caption="The ways of taking ketamine compared",
    glanced=("legal", "route", "setting", "supervision", "onset", "duration"))
ASPECTS = Table(
    name="aspects", file="aspects.yaml", model=Aspect, key=("id",),
    title="The article's comparison", caption="The article's comparison, each cell checked")
COSTS = Table(
    name="costs", profile_rank=5, file="costs.csv", model=Cost, key=("modality", "item"),
    title="Costs", page="costs.md",
    caption="Price listings in US dollars, from clinics, directories and reports",
    columns=(Column("Modality", "modality"), Column("Item", "item", "none"),
             Column("Price (USD)", "value", "number"), Column("Covers", "basis"),
             Column("Region", "region"), Column("As of", "as_of", "date", searchable=False)),
    order=lambda c: (c.modality, _UNIT_ORDER[c.unit]),
    row_label=lambda c: f"Costs: {c.item}",
    filterable=True)
EVIDENCE = Table(
    name="evidence", profile_rank=7, file="evidence.yaml", model=Evidence, key=("modality",),
    title="Evidence", page="evidence.md",
    caption="The evidence behind each modality, each statement graded on its own",
    columns=(Column("Modality", "modality"), Column("Evidence base", "base"),
             Column("Effects", "effects"), Column("Uses", "uses"),
             Column("Risks and limits", "risks"), Column("Landmark studies", "studies", "none")),
    row_label=lambda e: "Evidence", glanced=("base",),
    intro="What kind of evidence supports each modality, what was seen, and the known "
          "risks. Each statement carries its own grade and sources.")
LEGAL = Table(
    name="legal", file="legal.csv", model=LegalStatus, key=("jurisdiction", "substance",
                                                             "status"),
    title="Legal status", page="legal.md",
    caption="Legal and regulatory status of ketamine and esketamine by jurisdiction",
    columns=(Column("Jurisdiction", "jurisdiction"), Column("Substance", "substance"),
             Column("What", "aspect"), Column("Status", "value"),
             Column("Since", "since", "date", searchable=False)),
    order=lambda s: (s.jurisdiction, s.substance.value, list(LegalAspect).index(s.aspect),
                     s.since or ""),
    row_label=lambda s: f"Legal status: {s.jurisdiction}, {s.substance.value}",
    exclusive=(("jurisdiction", "substance"), ("aspect", LegalAspect.CONTROL)),
    intro="How ketamine is controlled, and when esketamine (Spravato) was approved, in each "
          "jurisdiction the sources cover. Laws change: check the date and the source.",
    see_also=(("Where I live: one country at a time", PLACES_PAGE),))
MECHANISMS = Table(
    name="mechanisms", file="mechanisms.yaml", model=Mechanism, key=("id",),
    title="Mechanisms", page="mechanisms.md",
    caption="Biological actions the article proposes, and what the sources say",
    columns=(Column("Action", "action"), Column("Receptors", "receptors"),
             Column("The article claims", "claimed_effect", quote=True),
             Column("At what doses (the article)", "claimed_doses", quote=True),
             Column("Verdict", "verdict"),
             Column("What the sources say", "finding")),
    row_label=lambda m: f"Mechanisms: {m.action}",
    intro="The article's claims about how ketamine acts, in its own words, beside what the "
          "sources say. Only the sources' findings carry a grade.")
CLAIMS_PAGE = "claims.md"  # the article's claims, then its own comparison table
CLAIMS = Table(
    name="claims", file="claims.yaml", model=Claim, key=("id",),
    title="The article's claims, checked", page=CLAIMS_PAGE,
    caption="Each checked claim of the article, its verdict and what the sources say",
    columns=(Column("Claim in the article", "claim", quote=True), Column("Verdict", "verdict"),
             Column("What the sources say", "finding")),
    row_label=lambda c: f"Claims: {c.claim}",
    intro="Each claim of the article that starts this site, the verdict after checking it, "
          "and what the sources say. Verdicts are a scale of their own, apart from the "
          "evidence grades of the findings. The article's claims about how ketamine acts are "
          "checked on the mechanisms page; its own comparison table follows the claims.")

OUTCOMES = Table(
    name="outcomes", profile_rank=1, paged=False, file="outcomes.csv", model=Outcome, key=("id",),
    title="Results in trials", page="outcomes.md",
    caption="Each reported result with its study, size, comparator, measure, timepoint and "
            "effect as the source gives it",
    columns=(Column("Study", ("study", "funding")),
             Column("Design, size, who", ("design", "size", "population"), "none"),
             Column("Dose", "dose", "none"), Column("Compared with", "compared_with"),
             Column("Measure, when", ("measure", "timepoint"), "none"),
             Column("Result", "value", "none"),
             Column("Each arm; effect as given", ("arms", "effect"), "none"),
             Column("Direction", "direction"), Column("GRADE certainty", "certainty")),
    order=lambda o: (o.modality, list(Comparator).index(o.comparator)),
    row_label=lambda o: f"Results: {o.study}, {o.measure}",
    question="Results in trials",
    headline=lambda o: f"{o.study}, {COMPARATOR_LABELS[o.comparator]}",
    filterable=True,
    intro="Every result the checked sources report, grouped by treatment and by what it was "
          "compared against, positive and negative results side by side.")
OUTCOME_NOTES = Table(
    name="outcome-notes", file="outcome-notes.csv", model=OutcomeNote, explains="outcomes",
    key=("modality", "comparator"),
    title="What the results mean", caption="One plain sentence per group of results")
SIDE_EFFECTS = Table(
    name="side-effects", profile_rank=2, file="side-effects.csv", model=SideEffect, key=("id",),
    title="Side effects", page="side-effects.md",
    caption="How often each side effect was seen, and what the figure measures",
    columns=(Column("Modality", "modality"), Column("Side effect", "effect"),
             Column("How often", "value", "none"), Column("What it measures", "measured",
                                                          "none")),
    order=lambda e: (e.modality, e.effect),
    row_label=lambda e: f"Side effects: {e.effect}",
    question="Main side effect",
    headline=lambda e: e.effect,
    filterable=True,
    intro="Side-effect rates as the label or trial reports them, each with what it measures: "
          "a rate from spontaneous reports and a rate on a rating scale are different "
          "figures, not a contradiction.")
COURSE = Table(
    name="course", profile_rank=3, file="course.csv", model=CourseStep, key=("id",),
    title="What a course involves", page="course.md",
    caption="Schedules, visits, observation and rules before and after, as sources state them",
    columns=(Column("Modality", "modality"), Column("Part of a course", "aspect"),
             Column("What the sources say", "value", "none")),
    order=lambda c: (c.modality, list(CourseAspect).index(c.aspect)),
    row_label=lambda c: f"Course: {COURSE_LABELS[c.aspect].lower()}",
    question="What a course involves",
    headline=lambda c: COURSE_LABELS[c.aspect],
    intro="What a course of each treatment asks of a patient, as labels, trials and "
          "programmes describe it. Schedules are what a label or trial reports, not advice.")
WARNINGS = Table(
    name="warnings", profile_rank=4, file="warnings.csv", model=Caution, key=("id",),
    title="Warnings and contraindications", page="warnings.md",
    caption="Contraindications, boxed warnings and other cautions, as the sources state them",
    columns=(Column("Modality", "modality"), Column("Kind", "kind"),
             Column("What the sources say", "value", "none")),
    order=lambda w: (w.modality, list(WarningKind).index(w.kind)),
    row_label=lambda w: f"Warnings: {CAUTION_LABELS[w.kind].lower()}",
    question="Key warning",
    headline=lambda w: CAUTION_LABELS[w.kind],
    intro="Who should not take each treatment and what to watch for, as the label and "
          "regulators state it. Talk to a clinician: this is not a complete list.")
COVERAGE = Table(
    name="coverage", profile_rank=6, file="coverage.csv", model=Coverage, key=("id",),
    title="Access and coverage", page="coverage.md",
    caption="Whether and how each treatment is paid for, by jurisdiction",
    columns=(Column("Jurisdiction", "jurisdiction"), Column("Modality", "modality"),
             Column("Coverage", "value", "none"),
             Column("Since", "since", "date", searchable=False)),
    order=lambda c: (c.jurisdiction, c.modality),
    row_label=lambda c: f"Coverage: {c.jurisdiction}",
    question="Coverage",
    headline=lambda c: c.jurisdiction,
    intro="Insurance, public funding and court orders, by jurisdiction. Coverage changes: "
          "check the date and the source.",
    see_also=(("Where I live: one country at a time", PLACES_PAGE),))

# In dependency order: a table comes after the tables its records point at.
TABLES: tuple[Table[Any], ...] = (SOURCES, GLOSSARY, JURISDICTIONS, MODALITIES, ASPECTS,
                                  COSTS, EVIDENCE,
                                  OUTCOMES, OUTCOME_NOTES, SIDE_EFFECTS, COURSE, WARNINGS,
                                  COVERAGE, LEGAL, MECHANISMS, CLAIMS)
BY_NAME = {t.name: t for t in TABLES}
BY_FILE = {t.file: t for t in TABLES}
