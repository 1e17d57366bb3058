"""The typed, immutable records that flow between pipeline stages.

file -> Article -> Mention -> Entity / Figure / Event -> triples. Every record that
comes from text carries its span (character offsets into ``Article.text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One clean article: its body text and what is known about it."""

    text: str
    path: str
    sha256: str
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD) when known
    language: str | None = None
    encoding: str = "utf-8"
    sources: tuple[str, ...] = ()  # every path this same story was read from
    dateline: str | None = None  # the place a dateline opens the text with, if any

    @property
    def id(self) -> str:
        """Short stable identifier used in IRIs."""
        return self.sha256[:16]


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text: the evidence for a fact."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A phrase in the text that names or describes something of the chain."""

    span: Span
    # person, org, group, people, agency, place, law, website, data, method, channel, fraud, sector
    kind: str
    label: str  # the plain name as the article gives it
    concept: str | None = None  # concept id from a vocabulary (e.g. "data/telephone-number")
    sentence: int = -1  # index of the sentence in the article
    head: int = -1  # token index of the syntactic head in the parsed article
    roles: tuple[str, ...] = ()  # roles the words themselves imply ("hackers" -> Hacker)
    alt_labels: tuple[str, ...] = ()  # other names given in the same phrase


@dataclass(frozen=True)
class Money:
    """A sum of money and what it is (price, unit price, fee, profit, loss, case value)."""

    amount: float
    currency: str  # ISO 4217
    kind: str = "amount"  # price, unit_price, fee, profit, proceeds, loss, case_value, amount
    per: str | None = None  # "month", "record", "bottle"... for unit prices and fees
    qualifier: str | None = None  # "more than", "about"...
    span: Span | None = None


@dataclass(frozen=True)
class Count:
    """A count: of records, of people, of cases, or of something else."""

    value: int
    unit: str  # records, people, cases, other
    qualifier: str | None = None
    upper: int | None = None  # for ranges "5 billion to 6 billion"
    span: Span | None = None


@dataclass(frozen=True)
class TimeExpr:
    """When something happened, as said and as resolved."""

    text: str
    start: str | None = None  # ISO date or partial (YYYY, YYYY-MM, YYYY-MM-DD)
    end: str | None = None
    span: Span | None = None


@dataclass(frozen=True)
class Entity:
    """An actor, place, law or concept, merged from its mentions within an article or corpus."""

    key: str  # stable key: IRIs are minted from it
    kind: str
    label: str
    alt_labels: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # contract classes: LeakSource, Insider, Seller, Buyer, ...
    concept: str | None = None
    mentions: tuple[Span, ...] = ()
    merge_notes: tuple[str, ...] = ()
    article: str | None = None  # article id for article-scoped entities (people, groups)


@dataclass(frozen=True)
class Event:
    """An n-ary event of the chain with its participants, figures, time and evidence."""

    kind: str  # leak, sale, purchase, fraud, enforcement, case, mention
    evidence: Span
    participants: tuple[tuple[str, str], ...] = ()  # (role, entity key)
    records: tuple[Count, ...] = ()
    people: tuple[Count, ...] = ()
    money: tuple[Money, ...] = ()
    time: TimeExpr | None = None
    status: str = "reported"  # reported, alleged, suspected, detained, arrested, charged, convicted
    action: str | None = None  # for enforcement: arrest, detention, prosecution, campaign ...


@dataclass(frozen=True)
class Extraction:
    """Everything the extractor took from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = field(default=())
