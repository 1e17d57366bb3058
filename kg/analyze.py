"""networkx projection of the RDF graph and the chain analysis that the report and page show.

The RDF graph keeps events n-ary (a sale has a seller, a buyer, data, a channel...). Analysts
think in actors, so the projection turns each event into links between the entities it names:
along the chain (holder -> leak source -> seller -> buyer -> fraud scheme -> victim) and aside
(data, channel, place, agency). Every link keeps the event and article it came from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from itertools import islice

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.namespaces import DT, DTC, SCHEMA

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
PER_RECORD_UNITS = frozenset(("", "record", "records", "item", "items", "piece", "pieces",
                              "entry", "entries", "person", "people"))
MAX_CHAINS = 500  # chain enumeration stops here: a dense graph has exponentially many paths


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


def _index(graph: Graph) -> dict:
    """subject -> predicate -> objects, in one pass (faster than many pattern lookups)."""
    idx: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        idx[s][p].append(o)
    return idx


def _first(values: list, default: str | None = None) -> str | None:
    return min(str(v) for v in values) if values else default


def _evidence(idx: dict, po: dict) -> tuple[EvidenceRef, ...]:
    refs = []
    for ev in po.get(P["evidence"], ()):
        e = idx.get(ev, {})
        starts = [i for i in (_int(v) for v in e.get(P["startOffset"], [])) if i is not None]
        refs.append(EvidenceRef(sentence=_first(e.get(P["sentence"], []), "") or "",
                                article=_first(e.get(P["inArticle"], []), "") or "",
                                start=min(starts, default=0)))
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


def project(graph: Graph) -> Projection:
    """Read entities, events and articles out of the RDF graph and link entities by event."""
    idx = _index(graph)
    nodes: dict[str, NodeRef] = {}
    events: list[EventRef] = []
    articles: dict[str, ArticleRef] = {}
    for s in sorted(idx, key=str):
        po = idx[s]
        types = {_local(t) for t in po.get(TYPE, []) if str(t).startswith(DT_PREFIX)}
        if NEWS_ARTICLE in po.get(TYPE, []):
            articles[str(s)] = _article_ref(str(s), po)
        elif types & EVENT_CLASSES:
            events.append(_event_ref(idx, s, po, types))
        elif types & ENTITY_CLASSES and isinstance(s, URIRef):
            labels = po.get(LABEL, []) + po.get(PREF_LABEL, [])
            nodes[str(s)] = NodeRef(
                iri=str(s), label=_first(labels, _local(s)) or "", display=display_class(types)[0],
                classes=tuple(sorted(types)),
                alt_labels=tuple(sorted(map(str, po.get(ALT_LABEL, [])))),
                articles=tuple(sorted({str(a) for a in po.get(DERIVED_FROM, [])})),
                evidence=_evidence(idx, po))
    # the article's date stands in for events that carry no time of their own
    dates = {a.iri: a.published[:4] for a in articles.values()
             if a.published and a.published[:4].isdigit()}
    events = [replace(e, year=e.year or dates.get(e.article or ""),
                      participants=tuple(p for p in e.participants if p[1] in nodes))
              for e in events]
    links = tuple(link for e in events for link in event_links(e))
    return Projection(nodes=nodes, events=tuple(events), articles=articles, links=links)


def _event_ref(idx: dict, s: object, po: dict, types: set[str]) -> EventRef:
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
                    evidence=_evidence(idx, po))


def _stage_pairs(e: EventRef) -> list[tuple[int, str, int, str]]:
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

    for _, ia, b, ib in _stage_pairs(e):
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
    g = nx.MultiDiGraph()
    for iri, n in proj.nodes.items():
        g.add_node(iri, label=n.label, display=n.display)
    for link in proj.links:
        g.add_edge(link.source, link.target, relation=link.relation, event=link.event,
                   article=link.article)
    return g


# ---- the chain as paths -------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    """One path along the supply chain, with what is missing from it."""

    steps: tuple[str, ...]  # entity IRIs, left to right
    stages: tuple[int, ...]  # index into STAGES of the role each step came in with
    roles: tuple[str, ...]  # each step's roles on this path: "buyer/seller" for a reseller
    events: tuple[str, ...]
    articles: tuple[str, ...]
    gaps: tuple[str, ...]  # "no known buyer", "buyer with no known use", "no known seller"

    @property
    def complete(self) -> bool:
        return not self.gaps


def _chain_key(proj: Projection, iri: str, article: str | None) -> str:
    # Concepts ("telecom fraud") are shared by every article; scoping them to the article
    # keeps one story's buyer from running into another story's victims through them.
    node = proj.nodes.get(iri)
    return f"{iri}@{article}" if node is not None and node.is_concept else iri


def chain_graph(proj: Projection, article: str | None = None) -> nx.DiGraph:
    """Entities at their chain stages, with an edge for each step an event shows."""
    g = nx.DiGraph()
    events = [e for e in proj.events if article is None or e.article == article]

    def node(iri: str, article: str | None, stage: int) -> str:
        key = _chain_key(proj, iri, article)
        if key not in g:
            g.add_node(key, iri=iri, stages=set(), articles=set())
        g.nodes[key]["stages"].add(stage)
        if article:
            g.nodes[key]["articles"].add(article)
        return key

    for e in events:
        for r, iri in e.participants:
            if r in ROLE_STAGE:
                node(iri, e.article, ROLE_STAGE[r])
        for a, ia, b, ib in _stage_pairs(e):
            ka, kb = node(ia, e.article, a), node(ib, e.article, b)
            if g.has_edge(ka, kb):
                d = g.edges[ka, kb]
                d["sa"], d["sb"] = min(d["sa"], a), max(d["sb"], b)
                d["events"].add(e.iri)
                d["articles"].add(e.article)
            else:
                g.add_edge(ka, kb, sa=a, sb=b, events={e.iri}, articles={e.article})
    for n in proj.nodes.values():  # actors only known by their class, never in an event
        stage = display_class(set(n.classes))[1]
        if article is not None and article not in n.articles:
            continue
        if stage is not None and stage <= 3 and not n.is_concept and n.iri not in g:
            g.add_node(n.iri, iri=n.iri, stages={int(stage)}, articles=set(n.articles))
    return g


def _gaps(stages: tuple[int, ...]) -> tuple[str, ...]:
    gaps = []
    if stages[0] >= 3:
        gaps.append("no known seller")
    if stages[-1] <= 2:
        gaps.append("no known buyer")
    elif stages[-1] == 3:
        gaps.append("buyer with no known use")
    return tuple(gaps)


def chain_paths(proj: Projection, article: str | None = None,
                limit: int = MAX_CHAINS) -> list[Chain]:
    """Every path from where data enters the chain to where it ends, overall or for one article."""
    g = chain_graph(proj, article)
    sinks = {n for n in g if g.out_degree(n) == 0}
    chains: list[Chain] = []
    for src in sorted((n for n in g if g.in_degree(n) == 0), key=str):
        if g.out_degree(src) == 0:
            stage = min(g.nodes[src]["stages"])
            if stage <= 3:
                chains.append(Chain((g.nodes[src]["iri"],), (stage,), (STAGES[stage],), (),
                                    tuple(sorted(g.nodes[src]["articles"])), _gaps((stage,))))
            continue
        for path in islice(nx.all_simple_paths(g, src, sinks), max(0, limit - len(chains))):
            edges = [g.edges[u, v] for u, v in zip(path, path[1:], strict=False)]
            stages = (edges[0]["sa"],) + tuple(d["sb"] for d in edges)
            outs = tuple(d["sa"] for d in edges) + (stages[-1],)
            roles = tuple("/".join(STAGES[x] for x in dict.fromkeys((i, o)))
                          for i, o in zip(stages, outs, strict=True))
            chains.append(Chain(
                steps=tuple(g.nodes[k]["iri"] for k in path), stages=stages, roles=roles,
                events=tuple(sorted({ev for d in edges for ev in d["events"]})),
                articles=tuple(sorted({a for d in edges for a in d["articles"] if a})),
                gaps=_gaps(stages)))
        if len(chains) >= limit:
            break
    return chains


def chains_by_article(chains: list[Chain]) -> dict[str, list[Chain]]:
    """Chains grouped by the article (or articles, joined by a space) they come from."""
    out: dict[str, list[Chain]] = defaultdict(list)
    for c in chains:
        out[" ".join(c.articles)].append(c)
    return dict(sorted(out.items()))


# ---- brokers, hubs and groups ------------------------------------------------------------


@dataclass(frozen=True)
class Centrality:
    iri: str
    degree: int
    betweenness: float


def _undirected(proj: Projection) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sorted(proj.nodes))
    for link in proj.links:
        g.add_edge(link.source, link.target)
    return g


def brokers_and_hubs(proj: Projection, top: int = 10) -> tuple[list[Centrality], list[Centrality]]:
    """Who sits between others (betweenness) and who touches most (degree), actors first."""
    g = _undirected(proj)
    if g.number_of_nodes() == 0:
        return [], []
    # exact up to a thousand nodes; past that sampled (seeded: the same answer every run)
    k = None if g.number_of_nodes() <= 1000 else 64
    bc = nx.betweenness_centrality(g, k=k, seed=0)
    rows = [Centrality(n, g.degree(n), round(bc[n], 6)) for n in g]
    brokers = sorted((r for r in rows if r.betweenness > 0), key=lambda r: (-r.betweenness, r.iri))
    hubs = sorted((r for r in rows if r.degree > 0), key=lambda r: (-r.degree, r.iri))
    return brokers[:top], hubs[:top]


def communities(proj: Projection, top: int = 10) -> list[tuple[str, ...]]:
    """Groups of entities more linked to each other than to the rest (Louvain, seeded)."""
    g = _undirected(proj)
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    if g.number_of_edges() == 0:
        return []
    groups = nx.community.louvain_communities(g, seed=0)
    ranked = [tuple(sorted(c, key=lambda n: (-g.degree(n), n))) for c in groups if len(c) > 1]
    return sorted(ranked, key=lambda c: (-len(c), c))[:top]


# ---- figures: records, money, enforcement ------------------------------------------------


@dataclass(frozen=True)
class CategoryRecords:
    iri: str
    records: int
    articles: tuple[str, ...]


def records_by_category(proj: Projection) -> list[CategoryRecords]:
    """Records per data category. Within an article the largest figure counts (a batch is
    often told twice, at the leak and at the sale); articles add up."""
    best: dict[tuple[str, str | None], int] = {}
    for e in proj.events:
        if e.records is None:
            continue
        for r, iri in e.participants:
            if r == "dataCategory":
                best[(iri, e.article)] = max(best.get((iri, e.article), 0), e.records)
    total: Counter = Counter()
    arts: dict[str, set] = defaultdict(set)
    for (iri, art), n in best.items():
        total[iri] += n
        if art:
            arts[iri].add(art)
    return sorted((CategoryRecords(i, n, tuple(sorted(arts[i]))) for i, n in total.items()),
                  key=lambda c: (-c.records, c.iri))


@dataclass(frozen=True)
class MoneyTotal:
    currency: str
    role: str
    total: Decimal
    count: int
    articles: tuple[str, ...]


def money_by_currency_role(proj: Projection) -> list[MoneyTotal]:
    """Sums of money by currency and role (price, profit, loss...); never across currencies."""
    sums: dict[tuple[str, str], list] = {}
    for e in proj.events:
        for m in e.money:
            row = sums.setdefault((m.currency, m.role), [Decimal(0), 0, set()])
            row[0] += m.amount
            row[1] += 1
            if e.article:
                row[2].add(e.article)
    return [MoneyTotal(c, r, t, n, tuple(sorted(a))) for (c, r), (t, n, a) in sorted(sums.items())]


@dataclass(frozen=True)
class UnitPrice:
    event: str
    article: str | None
    currency: str
    per_record: Decimal
    records: int | None
    basis: str  # "stated unit price" or "price / records"


def price_per_record(proj: Projection) -> list[UnitPrice]:
    """Price per record where the article gives it, or where a price and a count allow it."""
    out = []
    for e in proj.events:
        for m in e.money:
            per = (m.per or "").strip().lower()
            if m.role == "unit-price" and per in PER_RECORD_UNITS:
                out.append(UnitPrice(e.iri, e.article, m.currency, m.amount, e.records,
                                     "stated unit price"))
            elif m.role == "price" and not per and e.records:
                out.append(UnitPrice(e.iri, e.article, m.currency,
                                     (m.amount / e.records).quantize(Decimal("0.0001")),
                                     e.records, "price / records"))
    return sorted(out, key=lambda u: (u.currency, u.per_record, u.event))


@dataclass(frozen=True)
class EnforcementRow:
    agency: str  # IRI, or "" when the article names no agency
    year: str
    actions: int
    arrested: int  # people arrested or detained (one per named target when no count is given)
    cases: int
    kinds: tuple[str, ...]
    articles: tuple[str, ...]


def enforcement_by_agency_year(proj: Projection) -> list[EnforcementRow]:
    """Enforcement actions, people arrested and cases, by agency and year."""
    rows: dict[tuple[str, str], dict] = {}
    for e in proj.events:
        classes = set(e.classes)
        if not classes & (ENFORCEMENT_CLASSES | {"Case"}):
            continue
        agencies = sorted({i for r, i in e.participants if r == "agency"}) or [""]
        for ag in agencies:
            row = rows.setdefault((ag, e.year or "unknown"), {"actions": 0, "arrested": 0,
                                                              "cases": 0, "kinds": set(),
                                                              "articles": set()})
            if classes & ENFORCEMENT_CLASSES:
                row["actions"] += 1
            if "Case" in classes:
                row["cases"] += 1
            if classes & {"Arrest", "Detention"}:
                targets = [i for r, i in e.participants if r in ("target", "fraudster", "seller",
                                                                  "buyer", "leakSource")]
                row["arrested"] += e.persons or len(set(targets)) or 1
            row["kinds"].update(c for c in classes if c in ENFORCEMENT_CLASSES | {"Case"})
            if e.article:
                row["articles"].add(e.article)
    return [EnforcementRow(ag, y, d["actions"], d["arrested"], d["cases"],
                           tuple(sorted(d["kinds"])), tuple(sorted(d["articles"])))
            for (ag, y), d in sorted(rows.items())]


def events_by_year(proj: Projection) -> dict[str, Counter]:
    """Per year: how many cases, enforcement actions and trade events the articles report."""
    out: dict[str, Counter] = defaultdict(Counter)
    for e in proj.events:
        if not e.year:
            continue
        classes = set(e.classes)
        if "Case" in classes:
            out[e.year]["cases"] += 1
        if classes & ENFORCEMENT_CLASSES:
            out[e.year]["enforcement actions"] += 1
        if classes & {"SaleEvent", "PurchaseEvent", "TradeEvent", "LeakEvent"}:
            out[e.year]["leaks and sales"] += 1
    return dict(sorted(out.items()))


# ---- everything at once ------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """All the analysis the report shows, computed once."""

    projection: Projection
    chains: list[Chain]
    brokers: list[Centrality]
    hubs: list[Centrality]
    communities: list[tuple[str, ...]]
    categories: list[CategoryRecords]
    money: list[MoneyTotal]
    prices: list[UnitPrice]
    enforcement: list[EnforcementRow]
    years: dict[str, Counter]


def analyze(graph: Graph | Projection) -> Analysis:
    """Run every analysis over a graph (or an already made projection)."""
    proj = graph if isinstance(graph, Projection) else project(graph)
    brokers, hubs = brokers_and_hubs(proj)
    return Analysis(proj, chain_paths(proj), brokers, hubs, communities(proj),
                    records_by_category(proj), money_by_currency_role(proj),
                    price_per_record(proj), enforcement_by_agency_year(proj), events_by_year(proj))
