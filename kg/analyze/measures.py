"""Who matters and how much: brokers, hubs, groups, records by data category, money by
currency and role, price per record, enforcement by agency and year."""

from __future__ import annotations

import random
import sys
import weakref
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kg.analyze.projection import ENFORCEMENT_CLASSES, Projection

PER_RECORD_UNITS = frozenset(("", "record", "records", "item", "items", "piece", "pieces",
                              "entry", "entries", "person", "people"))


@dataclass(frozen=True)
class Centrality:
    iri: str
    degree: int
    betweenness: float


# Betweenness is exact up to this many entities; past it, estimated from this many sampled
# sources (seeded: the same answer every run), which keeps the well-connected brokers the
# table lists on top at a fraction of the cost.
EXACT_BETWEENNESS_UP_TO = 2_000
BETWEENNESS_SAMPLES = 256


def _igraph_module():
    """igraph, imported without its matplotlib drawing backend: nothing here draws with igraph,
    and matplotlib would add 0.4 s to every build (matplotlib itself still imports as usual)."""
    if "igraph" not in sys.modules and "matplotlib" not in sys.modules:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # import fails: skipped
        try:
            import igraph
        finally:
            if sys.modules.get("matplotlib", 0) is None:
                del sys.modules["matplotlib"]
    import igraph

    return igraph


def _igraph(proj: Projection, drop_isolated: bool = False):
    """Entities linked when any event links them (direction and multiplicity dropped), as
    igraph (its C core runs the costly measures), vertices in IRI order so that every seeded
    computation is repeatable. Made once per projection (brokers and groups both ask)."""
    if _LAST[0]() is not proj:
        pairs = {(a, b) if a < b else (b, a)
                 for a, b in ((link.source, link.target) for link in proj.links) if a != b}
        names = sorted(proj.nodes)
        index = {n: i for i, n in enumerate(names)}
        edges = sorted((index[a], index[b]) for a, b in pairs)
        _LAST[:] = [weakref.ref(proj), _igraph_module().Graph(n=len(names), edges=edges),
                    names]
    graph, names = _LAST[1], _LAST[2]
    if drop_isolated:  # the same graph as if made without them: vertex order is kept
        keep = [i for i, d in enumerate(graph.degree()) if d > 0]
        graph, names = graph.induced_subgraph(keep), [names[i] for i in keep]
    return graph, names


# the projection the igraph graph was last made for (not kept alive by it), graph, names
_LAST: list = [lambda: None, None, None]


def betweenness(graph) -> list[float]:
    """Normalised betweenness (as networkx gives it), sampled past EXACT_BETWEENNESS_UP_TO."""
    n = graph.vcount()
    if n <= 2:
        return [0.0] * n
    scale = 2 / ((n - 1) * (n - 2))
    if n <= EXACT_BETWEENNESS_UP_TO:
        raw = graph.betweenness(directed=False)
    else:
        sources = sorted(random.Random(0).sample(range(n), BETWEENNESS_SAMPLES))
        raw = graph.betweenness(directed=False, sources=sources)
        scale *= n / BETWEENNESS_SAMPLES
    return [b * scale for b in raw]


def brokers_and_hubs(proj: Projection, top: int = 10) -> tuple[list[Centrality], list[Centrality]]:
    """Who sits between others (betweenness) and who touches most (degree)."""
    graph, names = _igraph(proj)
    if not names:
        return [], []
    degrees = graph.degree()
    rows = [Centrality(n, d, round(b, 6))
            for n, d, b in zip(names, degrees, betweenness(graph), strict=True)]
    brokers = sorted((r for r in rows if r.betweenness > 0), key=lambda r: (-r.betweenness, r.iri))
    hubs = sorted((r for r in rows if r.degree > 0), key=lambda r: (-r.degree, r.iri))
    return brokers[:top], hubs[:top]


def communities(proj: Projection, top: int = 10) -> list[tuple[str, ...]]:
    """Groups of entities more linked to each other than to the rest (Louvain, seeded)."""
    graph, names = _igraph(proj, drop_isolated=True)
    if graph.ecount() == 0:
        return []
    ig = _igraph_module()
    ig.set_random_number_generator(random.Random(0))
    try:
        groups = graph.community_multilevel()
    finally:
        ig.set_random_number_generator(random)
    degree = graph.degree()
    ranked = [tuple(names[i] for i in sorted(c, key=lambda i: (-degree[i], names[i])))
              for c in groups if len(c) > 1]
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
