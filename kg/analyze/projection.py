"""The entity-level projection of the RDF graph that the analysis, report and page share.

The RDF graph keeps events n-ary (a sale has a seller, a buyer, data, a channel...). Analysts
think in actors, so the projection turns each event into links between the entities it names:
along the chain (holder -> leak source -> seller -> buyer -> fraud scheme -> victim) and aside
(data, channel, place, agency). Every link keeps the event and article it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.namespaces import DT, DTC, SCHEMA

if TYPE_CHECKING:  # networkx is imported where a graph is made: a build's workers need none
    import networkx as nx

STAGES = ("data holder", "leak source", "seller", "buyer", "fraud scheme", "victim")
# Participant property -> its stage on the chain; the fraudster uses what the buyer bought.
ROLE_STAGE = {"dataHolder": 0, "leakSource": 1, "seller": 2, "buyer": 3, "fraudster": 3,
              "fraudScheme": 4, "victim": 5}
CHAIN_RELATION = {1: "leaked by", 2: "passed to", 3: "sold to", 4: "used for", 5: "harmed"}
ASIDE_RELATION = {"dataCategory": "data", "leakMethod": "method", "channel": "via",
                  "location": "in", "law": "under", "participant": "with"}
ACTION_RELATION = {"Arrest": "arrested", "Detention": "detained", "Prosecution": "prosecuted",
                   "Conviction": "convicted"}
ROLES = tuple(ROLE_STAGE) + tuple(ASIDE_RELATION) + ("agency", "target")
# Terms looked up once: rdflib builds a new URIRef on every namespace attribute access.
P = {name: DT[name] for name in (
    *ROLES, "evidence", "sentence", "inArticle", "startOffset", "money", "amount", "currency",
    "moneyRole", "perUnit", "time", "startDate", "recordCount", "personCount", "claimStatus",
    "sourcePath")}
TYPE, LABEL, PREF_LABEL, ALT_LABEL = RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel
DERIVED_FROM, NEWS_ARTICLE = PROV.wasDerivedFrom, SCHEMA.NewsArticle
PUBLISHER, DATE_PUBLISHED = SCHEMA.publisher, SCHEMA.datePublished
DT_PREFIX, DTC_PREFIX = str(DT), str(DTC)

# Display class of an entity: first match wins; each maps to a chain stage (None: aside).
DISPLAY_CLASSES: tuple[tuple[str, tuple[str, ...], float | None], ...] = (
    ("Data holder", ("DataHolder",), 0),
    ("Leak source", ("LeakSource", "Insider", "Hacker", "Accomplice"), 1),
    ("Broker", ("Broker",), 2.5),
    ("Seller", ("Seller",), 2),
    ("Buyer", ("Buyer",), 3),
    ("Fraudster", ("Fraudster",), 3.5),
    ("Fraud scheme", ("FraudScheme",), 4),
    ("Victim", ("Victim",), 5),
    ("Agency", ("LawEnforcementAgency",), None),
    ("Data category", ("PersonalDataCategory",), None),
    ("Leak method", ("LeakMethod",), None),
    ("Channel", ("Channel",), None),
    ("Location", ("Location",), None),
    ("Law", ("Law",), None),
    ("Sector", ("Sector",), None),
    ("Other actor", ("Person", "Organisation", "CriminalGroup", "Website", "Agent"), None),
)
ENTITY_CLASSES = frozenset(c for _, cs, _ in DISPLAY_CLASSES for c in cs)
EVENT_CLASSES = frozenset(("Event", "LeakEvent", "TradeEvent", "SaleEvent", "PurchaseEvent",
                           "FraudOperation", "EnforcementAction", "Arrest", "Detention",
                           "Prosecution", "Conviction", "Campaign", "Case", "DataBatch"))
ENFORCEMENT_CLASSES = frozenset(("EnforcementAction", "Arrest", "Detention", "Prosecution",
                                 "Conviction", "Campaign"))


@dataclass(frozen=True)
class EvidenceRef:
    """One supporting sentence and where it sits."""

    sentence: str
    article: str  # article IRI
    start: int


@dataclass(frozen=True)
class ArticleRef:
    """What the report and page say about a source article."""

    iri: str
    id: str
    label: str
    publisher: str | None
    published: str | None
    source: str | None


@dataclass(frozen=True)
class NodeRef:
    """An entity of the graph as the views need it."""

    iri: str
    label: str
    display: str  # one of DISPLAY_CLASSES' names
    classes: tuple[str, ...]  # dt: local names
    alt_labels: tuple[str, ...]
    articles: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]

    @property
    def is_concept(self) -> bool:
        return self.iri.startswith(DTC_PREFIX)


@dataclass(frozen=True)
class MoneyRef:
    amount: Decimal
    currency: str
    role: str
    per: str | None


@dataclass(frozen=True)
class EventRef:
    """An n-ary event with its participants and figures."""

    iri: str
    classes: tuple[str, ...]
    article: str | None
    participants: tuple[tuple[str, str], ...]  # (role local name, entity IRI)
    records: int | None
    persons: int | None
    money: tuple[MoneyRef, ...]
    year: str | None  # from the event's time, else the article's date
    status: str  # claim status: reported, alleged, arrested, convicted...
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class Link:
    """A projected relation between two entities, from one event."""

    source: str
    target: str
    relation: str
    event: str
    article: str | None


@dataclass(frozen=True)
class Projection:
    """The entity-level view of the RDF graph that analysis and rendering share."""

    nodes: dict[str, NodeRef]
    events: tuple[EventRef, ...]
    articles: dict[str, ArticleRef]
    links: tuple[Link, ...]

    def articles_in_order(self) -> list[ArticleRef]:
        """Articles by date then title: the numbering the report and page share."""
        return sorted(self.articles.values(), key=lambda x: (x.published or "", x.label, x.iri))


def _local(iri: object) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1] if "#" in s else s.rstrip("/").rsplit("/", 1)[-1]


def _int(lit: object) -> int | None:
    try:
        return int(str(lit)) if isinstance(lit, Literal) else None
    except ValueError:
        return None


def _decimal(lit: object) -> Decimal | None:
    try:
        d = Decimal(str(lit))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _index(graph: Graph | Iterable[tuple]) -> dict:
    """subject -> predicate -> objects, in one pass (faster than many pattern lookups)."""
    idx: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        idx[s][p].append(o)
    return idx


def _first(values: list, default: str | None = None) -> str | None:
    return min(str(v) for v in values) if values else default


def _evidence(idx: dict, po: dict, seen: dict) -> tuple[EvidenceRef, ...]:
    """The evidence of a subject; ``seen`` holds one EvidenceRef per evidence node, shared by
    every subject citing it (so a pickled projection stores each sentence once)."""
    refs = []
    for ev in po.get(P["evidence"], ()):
        if ev not in seen:
            e = idx.get(ev, {})
            starts = [i for i in (_int(v) for v in e.get(P["startOffset"], [])) if i is not None]
            seen[ev] = EvidenceRef(sentence=_first(e.get(P["sentence"], []), "") or "",
                                   article=_first(e.get(P["inArticle"], []), "") or "",
                                   start=min(starts, default=0))
        refs.append(seen[ev])
    return tuple(sorted(set(refs), key=lambda r: (r.article, r.start, r.sentence)))


def display_class(classes: set[str]) -> tuple[str, float | None]:
    """The one class a node is drawn as (and its chain stage); resellers count as brokers."""
    if {"Seller", "Buyer"} <= classes:
        classes = classes | {"Broker"}
    for name, members, stage in DISPLAY_CLASSES:
        if classes.intersection(members):
            return name, stage
    return "Other actor", None


def _article_ref(iri: str, po: dict) -> ArticleRef:
    label = _first(po.get(LABEL, []), _local(iri)) or ""
    return ArticleRef(iri=iri, id=_local(iri), label=label,
                      publisher=_first(po.get(PUBLISHER, [])),
                      published=_first(po.get(DATE_PUBLISHED, [])),
                      source=_first(po.get(P["sourcePath"], [])))


@dataclass(frozen=True)
class PartialNode:
    """What one source graph says of an entity; partial nodes of one IRI merge by union."""

    label: str | None  # the least label this source gives, if any
    classes: frozenset[str]
    alt_labels: frozenset[str]
    articles: frozenset[str]
    evidence: frozenset[EvidenceRef]


@dataclass(frozen=True)
class PartialProjection:
    """The projection of one part of the graph (one article's triples), kept per article so
    that an incremental build re-projects only the articles that changed."""

    nodes: dict[str, PartialNode]
    events: dict[str, EventRef]  # year not yet filled in, participants not yet filtered
    articles: dict[str, ArticleRef]
    # each event's links, made where the part was projected (an extraction worker); they
    # stand as long as every participant is an entity of the merged projection
    links: dict[str, tuple[Link, ...]] = field(default_factory=dict)


def project(graph: Graph) -> Projection:
    """Read entities, events and articles out of the RDF graph and link entities by event."""
    return merge_partials([partial_projection(graph)])


def partial_projection(graph: Graph | Iterable[tuple]) -> PartialProjection:
    """Entities, events and articles as this graph (or set of triples) alone describes."""
    idx = _index(graph)
    seen: dict = {}
    nodes: dict[str, PartialNode] = {}
    events: dict[str, EventRef] = {}
    articles: dict[str, ArticleRef] = {}
    for s in sorted(idx, key=str):
        po = idx[s]
        types = {_local(t) for t in po.get(TYPE, []) if str(t).startswith(DT_PREFIX)}
        if NEWS_ARTICLE in po.get(TYPE, []):
            articles[str(s)] = _article_ref(str(s), po)
        elif types & EVENT_CLASSES:
            events[str(s)] = _event_ref(idx, s, po, types, seen)
        elif types & ENTITY_CLASSES and isinstance(s, URIRef):
            labels = po.get(LABEL, []) + po.get(PREF_LABEL, [])
            nodes[str(s)] = PartialNode(
                label=_first(labels), classes=frozenset(types),
                alt_labels=frozenset(map(str, po.get(ALT_LABEL, []))),
                articles=frozenset(str(a) for a in po.get(DERIVED_FROM, [])),
                evidence=frozenset(_evidence(idx, po, seen)))
    return PartialProjection(nodes=nodes, events=events, articles=articles,
                             links={iri: tuple(event_links(e)) for iri, e in events.items()})


def merge_partials(partials: Iterable[PartialProjection]) -> Projection:
    """One projection of the union of the parts' graphs: what ``project`` gives on the union.

    Entities found in several parts merge (classes, labels, articles and evidence united);
    the outcome does not depend on the order of the parts."""
    merge = PartialMerge()
    for part in partials:
        merge.add(part)
    return merge.result()


class PartialMerge:
    """``merge_partials`` a part at a time: a build merges the parts no change touched while
    it waits for the changed ones, then adds those.

    ``result`` remembers what it finished; after more parts are added it redoes only the
    entities and events they touched (and the events whose article or participants they
    changed), so the result is always what one merge of every part gives."""

    def __init__(self) -> None:
        # iri -> [least label, classes, alt labels, articles, evidence]
        self.raw: dict[str, list] = {}
        self.raw_events: dict[str, EventRef] = {}
        self.raw_links: dict[str, tuple[Link, ...]] = {}  # of the raw event kept
        self.articles: dict[str, ArticleRef] = {}
        self._nodes: dict[str, NodeRef] = {}  # finished, except the iris in _stale_nodes
        self._events: dict[str, tuple[EventRef, tuple[Link, ...]]] = {}
        self._stale_nodes: set[str] = set()
        self._stale_events: set[str] = set()
        self._changed_articles: set[str] = set()
        self._new_nodes = False
        self._short: set[str] = set()  # events missing a participant no part described yet

    def add(self, part: PartialProjection) -> None:
        raw, raw_events, articles = self.raw, self.raw_events, self.articles
        for iri, n in part.nodes.items():
            self._stale_nodes.add(iri)
            acc = raw.get(iri)
            if acc is None:  # sets grown in place: a hub named by every article stays linear
                raw[iri] = [n.label, set(n.classes), set(n.alt_labels), set(n.articles),
                            set(n.evidence)]
                self._new_nodes = True
                continue
            if n.label is not None and (acc[0] is None or n.label < acc[0]):
                acc[0] = n.label
            acc[1] |= n.classes
            acc[2] |= n.alt_labels
            acc[3] |= n.articles
            acc[4] |= n.evidence
        for iri, e in part.events.items():
            self._stale_events.add(iri)
            if iri in raw_events and repr(raw_events[iri]) <= repr(e):
                continue
            raw_events[iri] = e
            links = part.links.get(iri)
            if links is None:
                self.raw_links.pop(iri, None)
            else:
                self.raw_links[iri] = links
        for iri, a in part.articles.items():
            self._changed_articles.add(iri)
            articles[iri] = min(articles[iri], a, key=repr) if iri in articles else a

    def result(self) -> Projection:
        """The projection of every part added so far."""
        raw = self.raw
        for iri in self._stale_nodes:
            self._nodes[iri] = _node_ref(iri, *raw[iri])
        nodes = {iri: self._nodes[iri] for iri in sorted(raw)}
        articles = {iri: self.articles[iri] for iri in sorted(self.articles)}
        # the article's date stands in for events that carry no time of their own
        dates = {a.iri: a.published[:4] for a in articles.values()
                 if a.published and a.published[:4].isdigit()}
        stale = self._stale_events
        if self._changed_articles and self._events:
            stale |= {iri for iri, (e, _) in self._events.items()
                      if e.article in self._changed_articles}
        if self._new_nodes:
            stale |= self._short
        for iri in stale:
            e = self.raw_events[iri]
            year = e.year or dates.get(e.article or "")
            if all(p[1] in nodes for p in e.participants):
                self._short.discard(iri)
                done = e if year == e.year else replace(e, year=year)
                links = self.raw_links.get(iri)
                if links is None:
                    links = tuple(event_links(done))
            else:
                self._short.add(iri)
                done = replace(e, year=year,
                               participants=tuple(p for p in e.participants if p[1] in nodes))
                links = tuple(event_links(done))
            self._events[iri] = (done, links)
        self._stale_nodes, self._stale_events = set(), set()
        self._changed_articles, self._new_nodes = set(), False
        finished = [self._events[iri] for iri in sorted(self.raw_events)]
        return Projection(nodes=nodes, events=tuple(e for e, _ in finished), articles=articles,
                          links=tuple(link for _, links in finished for link in links))


def _node_ref(iri: str, label: str | None, classes: set[str], alt_labels: set[str],
              articles: set[str], evidence: set[EvidenceRef]) -> NodeRef:
    return NodeRef(iri=iri, label=label if label is not None else _local(iri),
                   display=display_class(set(classes))[0], classes=tuple(sorted(classes)),
                   alt_labels=tuple(sorted(alt_labels)), articles=tuple(sorted(articles)),
                   evidence=tuple(sorted(evidence, key=lambda r: (r.article, r.start,
                                                                   r.sentence))))


def _event_ref(idx: dict, s: object, po: dict, types: set[str], seen: dict) -> EventRef:
    participants = sorted((role, str(o)) for role in ROLES for o in po.get(P[role], []))
    money = []
    for m in po.get(P["money"], []):
        mp = idx.get(m, {})
        amount = _decimal(_first(mp.get(P["amount"], [])))
        if amount is None:
            continue
        money.append(MoneyRef(amount=amount, currency=_first(mp.get(P["currency"], []), "?") or "?",
                              role=_local(_first(mp.get(P["moneyRole"], []), "amount")),
                              per=_first(mp.get(P["perUnit"], []))))
    year = None
    for t in po.get(P["time"], []):
        start = _first(idx.get(t, {}).get(P["startDate"], []))
        year = start[:4] if start and start[:4].isdigit() else year
    records = [r for r in (_int(v) for v in po.get(P["recordCount"], [])) if r is not None]
    persons = [r for r in (_int(v) for v in po.get(P["personCount"], [])) if r is not None]
    return EventRef(iri=str(s), classes=tuple(sorted(types)),
                    article=_first(po.get(DERIVED_FROM, [])),
                    participants=tuple(participants),
                    records=max(records) if records else None,
                    persons=max(persons) if persons else None,
                    money=tuple(sorted(money, key=lambda m: (m.role, m.currency, m.amount))),
                    year=year, status=_local(_first(po.get(P["claimStatus"], []), "reported")),
                    evidence=_evidence(idx, po, seen))


def stage_pairs(e: EventRef) -> list[tuple[int, str, int, str]]:
    """(stage, entity, next stage, entity) for each step an event shows along the chain."""
    staged = sorted({(ROLE_STAGE[r], iri) for r, iri in e.participants if r in ROLE_STAGE})
    stages = sorted({s for s, _ in staged})
    return [(a, ia, b, ib) for a, b in zip(stages, stages[1:], strict=False)
            for ia in (i for s, i in staged if s == a) for ib in (i for s, i in staged if s == b)
            if ia != ib]


def event_links(e: EventRef) -> list[Link]:
    """An event as entity-to-entity links: along the chain, from agencies, and aside."""
    out: dict[Link, None] = {}

    def add(a: str, b: str, rel: str) -> None:
        if a != b:
            out[Link(a, b, rel, e.iri, e.article)] = None

    for _, ia, b, ib in stage_pairs(e):
        add(ia, ib, CHAIN_RELATION[b])
    staged = sorted((ROLE_STAGE[r], i) for r, i in e.participants if r in ROLE_STAGE)
    actors = list(dict.fromkeys([i for _, i in staged] +
                                [i for r, i in e.participants if r == "target"]))
    agencies = [i for r, i in e.participants if r == "agency"]
    action = next((ACTION_RELATION[c] for c in e.classes if c in ACTION_RELATION), "acted against")
    for ag in agencies:
        for t in actors:
            add(ag, t, action)
    aside = [(r, i) for r, i in e.participants if r in ASIDE_RELATION]
    anchor = (actors or agencies or [i for _, i in aside] or [None])[0]
    for r, i in aside:
        if anchor is not None:
            add(anchor, i, ASIDE_RELATION[r])
    return list(out)


def to_networkx(proj: Projection) -> nx.MultiDiGraph:
    """Entities as nodes, projected links as edges (relation, event, article kept)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for iri, n in proj.nodes.items():
        g.add_node(iri, label=n.label, display=n.display)
    for link in proj.links:
        g.add_edge(link.source, link.target, relation=link.relation, event=link.event,
                   article=link.article)
    return g
