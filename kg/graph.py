"""Extraction results -> RDF triples. Every IRI is minted here, from stable parts only."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr
from kg.namespaces import DT, DTC, DTI, PREFIXES, SCHEMA
from kg.settings import DEFAULT, Settings

# Entity kind -> the classes its node carries (besides its roles).
KIND_CLASSES = {
    "person": (DT.Person,),
    "org": (DT.Organisation,),
    "group": (DT.CriminalGroup,),
    "agency": (DT.LawEnforcementAgency, DT.Organisation),
    "place": (DT.Location,),
    "law": (DT.Law,),
    "data": (DT.PersonalDataCategory,),
    "method": (DT.LeakMethod,),
    "channel": (DT.Channel,),
    "fraud": (DT.FraudScheme,),
    "sector": (DT.Sector,),
    "website": (DT.Website, DT.Organisation),
    "people": (DT.Agent,),  # a described set of people: "sales people", "parents of students"
}

EVENT_CLASSES = {
    "leak": DT.LeakEvent,
    "sale": DT.SaleEvent,
    "purchase": DT.PurchaseEvent,
    "trade": DT.TradeEvent,
    "fraud": DT.FraudOperation,
    "enforcement": DT.EnforcementAction,
    "case": DT.Case,
    "batch": DT.DataBatch,
}
ACTION_CLASSES = {
    "arrest": DT.Arrest,
    "detention": DT.Detention,
    "prosecution": DT.Prosecution,
    "conviction": DT.Conviction,
    "campaign": DT.Campaign,
}


def slug(text: str, limit: int = 60) -> str:
    """A readable, IRI-safe, deterministic slug of a name."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")[:limit].strip("-")
    if not s:
        s = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return s


def mint_iri(kind: str, *parts: str) -> URIRef:
    """The one place instance IRIs are made: kind plus slugged stable parts."""
    return DTI[
        kind + "/" + "/".join(slug(p) if i == len(parts) - 1 else p for i, p in enumerate(parts))
    ]


def article_iri(article: Article) -> URIRef:
    return DTI[f"article/{article.id}"]


def entity_iri(entity: Entity) -> URIRef:
    """Concept-backed entities use the scheme concept; people are scoped to their article."""
    if entity.concept:
        return DTC[entity.concept]
    if entity.article:
        return mint_iri(entity.kind, entity.article, entity.key)
    return mint_iri(entity.kind, entity.key)


def _span_node(g: Graph, article: Article, span: Span) -> URIRef:
    node = DTI[f"evidence/{article.id}/{span.start}-{span.end}"]
    if (node, RDF.type, DT.Evidence) not in g:
        g.add((node, RDF.type, DT.Evidence))
        g.add((node, DT.sentence, Literal(span.text)))
        g.add((node, DT.startOffset, Literal(span.start, datatype=XSD.integer)))
        g.add((node, DT.endOffset, Literal(span.end, datatype=XSD.integer)))
        g.add((node, DT.inArticle, article_iri(article)))
    return node


def _add_article(g: Graph, article: Article) -> None:
    a = article_iri(article)
    g.add((a, RDF.type, SCHEMA.NewsArticle))
    g.add((a, RDF.type, PROV.Entity))
    g.add((a, RDFS.label, Literal(article.title or Path(article.path).name)))
    if article.title:
        g.add((a, SCHEMA.headline, Literal(article.title)))
    if article.outlet:
        g.add((a, SCHEMA.publisher, Literal(article.outlet)))
    if article.byline:
        g.add((a, SCHEMA.author, Literal(article.byline)))
    if article.published:
        dtype = XSD.date if len(article.published) == 10 else None
        g.add((a, SCHEMA.datePublished, Literal(article.published, datatype=dtype)))
    if article.language:
        g.add((a, SCHEMA.inLanguage, Literal(article.language)))
    for src in article.sources or (article.path,):
        g.add((a, DT.sourcePath, Literal(Path(src).name)))
    g.add((a, DT.sha256, Literal(article.sha256)))
    g.add((a, DT.textEncoding, Literal(article.encoding)))


def _add_entity(g: Graph, article: Article, entity: Entity) -> URIRef:
    node = entity_iri(entity)
    for cls in KIND_CLASSES.get(entity.kind, ()):
        g.add((node, RDF.type, cls))
    for role in entity.roles:
        g.add((node, RDF.type, DT[role]))
    if entity.concept:
        g.add((node, SKOS.prefLabel, Literal(entity.label)))
    else:
        g.add((node, RDFS.label, Literal(entity.label)))
    for alt in entity.alt_labels:
        if alt != entity.label:
            g.add((node, SKOS.altLabel, Literal(alt)))
    for note in entity.merge_notes:
        g.add((node, DT.mergeNote, Literal(note)))
    g.add((node, PROV.wasDerivedFrom, article_iri(article)))
    for span in entity.mentions[:5]:
        g.add((node, DT.evidence, _span_node(g, article, span)))
    return node


def _add_money(g: Graph, event_node: URIRef, i: int, m: Money) -> None:
    node = URIRef(f"{event_node}/money-{i}")
    g.add((node, RDF.type, DT.MonetaryAmount))
    g.add((node, RDF.type, SCHEMA.MonetaryAmount))
    g.add((node, DT.amount, Literal(_decimal(m.amount), datatype=XSD.decimal)))
    g.add((node, DT.currency, Literal(m.currency)))
    g.add((node, SCHEMA.value, Literal(_decimal(m.amount), datatype=XSD.decimal)))
    g.add((node, SCHEMA.currency, Literal(m.currency)))
    g.add((node, DT.moneyRole, DTC[f"money-role/{m.kind.replace('_', '-')}"]))
    if m.per:
        g.add((node, DT.perUnit, Literal(m.per)))
    if m.qualifier:
        g.add((node, DT.qualifier, Literal(m.qualifier)))
    g.add((event_node, DT.money, node))


def _decimal(x: float) -> str:
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s if s else "0"


def _add_count(g: Graph, node: URIRef, c: Count) -> None:
    if c.unit == "records":
        g.add((node, DT.recordCount, Literal(c.value, datatype=XSD.integer)))
        if c.upper is not None:  # a range: both ends are counts the article gives
            g.add((node, DT.upperBound, Literal(c.upper, datatype=XSD.integer)))
            g.add((node, DT.recordCount, Literal(c.upper, datatype=XSD.integer)))
    elif c.unit == "people":
        g.add((node, DT.personCount, Literal(c.value, datatype=XSD.integer)))
    else:
        return  # counts of cases or things carry no record or person count
    if c.qualifier:
        g.add((node, DT.qualifier, Literal(c.qualifier)))


def _add_time(g: Graph, event_node: URIRef, t: TimeExpr) -> None:
    node = URIRef(f"{event_node}/time")
    g.add((node, RDF.type, DT.TimeSpec))
    g.add((node, DT.timeText, Literal(t.text)))
    if t.start:
        g.add((node, DT.startDate, Literal(t.start)))
    if t.end:
        g.add((node, DT.endDate, Literal(t.end)))
    g.add((event_node, DT.time, node))


def _add_event(g: Graph, article: Article, event: Event, keys: dict[str, URIRef]) -> None:
    ev = DTI[f"event/{article.id}/{event.kind}-{event.evidence.start}"]
    g.add((ev, RDF.type, EVENT_CLASSES.get(event.kind, DT.Event)))
    if event.action and event.action in ACTION_CLASSES:
        g.add((ev, RDF.type, ACTION_CLASSES[event.action]))
    g.add(
        (
            ev,
            RDFS.label,
            Literal(f"{event.action or event.kind} ({article.id[:6]}@{event.evidence.start})"),
        )
    )
    for role, key in event.participants:
        if key in keys:
            g.add((ev, DT[role], keys[key]))
    for c in event.records:
        _add_count(g, ev, c)
    for c in event.people:
        _add_count(g, ev, c)
    for i, m in enumerate(event.money):
        _add_money(g, ev, i, m)
    if event.time:
        _add_time(g, ev, event.time)
    g.add((ev, DT.claimStatus, DTC[f"claim-status/{event.status}"]))
    g.add((ev, DT.evidence, _span_node(g, article, event.evidence)))
    g.add((ev, PROV.wasDerivedFrom, article_iri(article)))
    _add_legal_statuses(g, article, event, ev, keys)


# Roles whose holders a report accuses: what it says of them is kept as a legal status.
ACCUSED_ROLES = {"target", "seller", "buyer", "leakSource", "fraudster"}
STATUS_DATE = re.compile(r"^[0-9]{4}(-[01][0-9](-[0-3][0-9])?)?$")


def _add_legal_statuses(
    g: Graph, article: Article, event: Event, ev: URIRef, keys: dict[str, URIRef]
) -> None:
    """What the report says of each accused actor (alleged, arrested, charged, convicted ...),
    as an assertion of its own with date and evidence, apart from the act itself."""
    if event.status == "reported":
        return
    if event.kind == "enforcement":
        accused = [k for role, k in event.participants if role == "target"]
    else:
        accused = [k for role, k in event.participants if role in ACCUSED_ROLES]
    for key in dict.fromkeys(accused):
        actor = keys.get(key)
        if actor is None:
            continue
        # the actor's key is hashed, not spelled out: a redacted export rewrites the
        # actor's own IRI, and a name must not survive in another node's IRI
        who = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        node = DTI[f"status/{article.id}/{event.evidence.start}/{who}-{event.status}"]
        g.add((node, RDF.type, DT.LegalStatusAssertion))
        g.add((node, DT.statusOf, actor))
        g.add((node, DT.legalStatus, DTC[f"claim-status/{event.status}"]))
        g.add((node, DT.statusEvent, ev))
        if event.time and event.time.start and STATUS_DATE.match(event.time.start):
            g.add((node, DT.statusDate, Literal(event.time.start)))
        g.add((node, DT.evidence, _span_node(g, article, event.evidence)))
        g.add((node, PROV.wasDerivedFrom, article_iri(article)))


def add_extraction(g: Graph | set, x: Extraction) -> None:
    """Add one article's extraction to the graph (or to a plain set of triples)."""
    _add_article(g, x.article)
    keys = {e.key: _add_entity(g, x.article, e) for e in x.entities}
    for ev in x.events:
        _add_event(g, x.article, ev, keys)


def new_graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def extractions_to_graph(extractions: Iterable[Extraction]) -> Graph:
    """One graph of every article's extraction."""
    g = new_graph()
    for x in extractions:
        add_extraction(g, x)
    return g


def ox_term(t):
    """An rdflib term as a pyoxigraph term."""
    import pyoxigraph as ox

    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        if t.datatype:
            return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
        return ox.Literal(str(t))
    return ox.BlankNode(str(t))


def to_oxigraph(triples: Iterable[tuple]) -> list:
    """rdflib triples as pyoxigraph Triples, in the order given, for oxigraph's fast writers."""
    import pyoxigraph as ox

    return [ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in triples]


def serialize_turtle(g: Graph) -> str:
    """Turtle in a stable order, written by pyoxigraph's serializer (about three times
    faster than rdflib's on large graphs): the triples are sorted first, so the same graph
    always gives the same bytes."""
    import pyoxigraph as ox

    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    return ox.serialize(to_oxigraph(sorted(g)), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes).decode("utf-8")


def load_turtle(path: Path, with_ontology: bool = False, settings: Settings = DEFAULT) -> Graph:
    """Parse a graph file; a missing or broken file is an InputError, not a traceback."""
    if not path.exists():
        raise InputError(f"graph not found: {path} (run `kg build` first)")
    g = new_graph()
    try:
        g.parse(path, format="turtle" if path.suffix in (".ttl", ".turtle") else None)
    except Exception as e:  # rdflib raises many types for bad syntax
        raise InputError(f"cannot parse {path}: {str(e).splitlines()[0] if str(e) else e}") from e
    if with_ontology:
        for f in sorted(settings.ontology_dir.glob("*.ttl")):
            g.parse(f, format="turtle")
    return g
