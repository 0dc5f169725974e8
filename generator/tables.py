"""Every table of the site, declared once: its file, record model, key, references,
page, caption, columns and order.

Validation keys and references, the assembled tables and their continuation pages, the
downloads, the data package with its keys, the JSON Schemas, the data dictionary and
the tests' field lists all read these declarations. Adding a table is its data file,
a model and a declaration here, and its line in mkdocs.yml's navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import Field, model_validator
from pydantic.dataclasses import dataclass as record

from .models import (
    _CONFIG,
    UNIT_LABELS,
    ArticleCell,
    ArticleGroup,
    Basis,
    CountFact,
    Detail,
    Doi,
    Fact,
    Graded,
    Line,
    PartialDate,
    Record,
    Reviewed,
    Slug,
    SourceKind,
    Substance,
    Text,
    Unit,
    Url,
    Usd,
    Verdict,
    money,
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
    label: Line | None = Field(
        None, max_length=40,
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
    short: Line = Field(max_length=24, description="Short name for narrow columns.")
    article_group: ArticleGroup = Field(description="The article's grouping, shown only "
                                                    "where the article is quoted.")
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
    high_open: bool = Field(
        False, description="true when the source's top figure is a floor, as in '$800–$1,200+'."
    )
    unit: Unit = Field(description="What the price covers: session, course or month.")
    basis: Basis = Field(description="all-in (the clinic's price) or drug-only.")
    region: Line = Field(description="Where the price applies, e.g. US.")
    as_of: PartialDate | None = Field(None, description="When the price was listed: YYYY, "
                                      "YYYY-MM or YYYY-MM-DD; empty when the source gives no "
                                      "date.")
    detail: Detail | None = Field(None, description="Context a reader needs.")
    reviewed: Reviewed = Field(description="The day the row was last checked (YYYY-MM-DD).")
    refs: ClassVar[dict[str, str]] = {"sources": "sources", "modality": "modalities"}

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
class LegalStatus(Graded):
    """The legal or regulatory status of a substance in one jurisdiction."""

    jurisdiction: Line = Field(description="Country or body, e.g. United Kingdom.")
    substance: Substance = Field(description="ketamine or esketamine.")
    status: Text = Field(max_length=300, description="The status in that jurisdiction's "
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


# --- declarations --------------------------------------------------------------------

SortKind = Literal["text", "number", "date", "grade", "none"]


@dataclass(frozen=True)
class Column:
    """One column of a table page: what it shows of each record and how it sorts.

    `field` names an attribute of the record. A Fact (or list of facts) shows as graded
    facts, the record's own `value` as the row's fact, a modality id as a link to its
    profile, anything else as text.
    """

    heading: str
    field: str
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

    @property
    def references(self) -> dict[str, str]:
        """Top-level fields that point at another table, and which table."""
        return dict(getattr(self.model, "refs", {}))


_UNIT_ORDER = {unit: n for n, unit in enumerate(Unit)}

SOURCES = Table(
    name="sources", file="sources.yaml", model=Source, key=("id",),
    title="References", caption="Every source the site cites")
GLOSSARY = Table(
    name="glossary", file="glossary.yaml", model=Term, key=("term",),
    title="Glossary", caption="Terms shown as tooltips")
MODALITIES = Table(
    name="modalities", file="modalities.yaml", model=Modality, key=("id",),
    title="Modalities", caption="The ways of taking ketamine compared")
ASPECTS = Table(
    name="aspects", file="aspects.yaml", model=Aspect, key=("id",),
    title="The article's comparison", caption="The article's comparison, each cell checked")
COSTS = Table(
    name="costs", file="costs.csv", model=Cost, key=("modality", "item"),
    title="Costs", page="costs.md",
    caption="Price listings in US dollars, from clinics, directories and reports",
    columns=(Column("Modality", "modality"), Column("Item", "item", "none"),
             Column("Price (USD)", "value", "number"), Column("Covers", "basis"),
             Column("Region", "region"), Column("As of", "as_of", "date")),
    order=lambda c: (c.modality, _UNIT_ORDER[c.unit]),
    row_label=lambda c: f"Costs: {c.item}",
    filterable=True)
EVIDENCE = Table(
    name="evidence", file="evidence.yaml", model=Evidence, key=("modality",),
    title="Evidence", page="evidence.md",
    caption="The evidence behind each modality, each statement graded on its own",
    columns=(Column("Modality", "modality"), Column("Evidence base", "base"),
             Column("Effects", "effects"), Column("Uses", "uses"),
             Column("Risks and limits", "risks"), Column("Landmark studies", "studies", "none")),
    row_label=lambda e: "Evidence",
    intro="What kind of evidence supports each modality, what was seen, and the known "
          "risks. Each statement carries its own grade and sources.")
LEGAL = Table(
    name="legal", file="legal.csv", model=LegalStatus, key=("jurisdiction", "substance",
                                                             "status"),
    title="Legal status", page="legal.md",
    caption="Legal and regulatory status of ketamine and esketamine by jurisdiction",
    columns=(Column("Jurisdiction", "jurisdiction"), Column("Substance", "substance"),
             Column("Status", "value"), Column("Since", "since", "date")),
    order=lambda s: (s.jurisdiction, s.substance.value, s.since or ""),
    row_label=lambda s: f"Legal status: {s.jurisdiction}, {s.substance.value}",
    filterable=True,
    intro="How ketamine is controlled, and when esketamine (Spravato) was approved, in each "
          "jurisdiction the sources cover. Laws change: check the date and the source.")
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
CLAIMS = Table(
    name="claims", file="claims.yaml", model=Claim, key=("id",),
    title="The article's claims, checked", page="claims.md",
    caption="Each checked claim of the article, its verdict and what the sources say",
    columns=(Column("Claim in the article", "claim", quote=True), Column("Verdict", "verdict"),
             Column("What the sources say", "finding")),
    row_label=lambda c: f"Claims: {c.claim}",
    intro="Each claim of the article that starts this site, the verdict after checking it, "
          "and what the sources say. Verdicts are a scale of their own, apart from the "
          "evidence grades of the findings. The article's claims about how ketamine acts are "
          "checked on the mechanisms page.")

# In dependency order: a table comes after the tables its records point at.
TABLES: tuple[Table[Any], ...] = (SOURCES, GLOSSARY, MODALITIES, ASPECTS, COSTS, EVIDENCE,
                                  LEGAL, MECHANISMS, CLAIMS)
BY_NAME = {t.name: t for t in TABLES}
BY_FILE = {t.file: t for t in TABLES}
