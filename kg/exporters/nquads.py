"""N-Quads with one named graph per article: each fact sits in the graph of its source.

A node derived from exactly one article (``prov:wasDerivedFrom``, or ``dt:inArticle`` for
evidence) puts its triples in that article's graph, named by the article's IRI; an article's
own metadata goes in its graph too. Parts of a node (a money or time node) follow their
single owner. Nodes shared by several articles (concepts, merged organisations) stay in the
default graph.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from kg.exporters import register
from kg.exporters.ntriples import sorted_lines
from kg.namespaces import DT, SCHEMA


def article_of(graph: Graph) -> dict[Node, URIRef]:
    """Each node that belongs to exactly one article, and that article."""
    sources: dict[Node, set[URIRef]] = defaultdict(set)
    for article in graph.subjects(RDF.type, SCHEMA.NewsArticle):
        sources[article].add(article)  # type: ignore[arg-type]
    for pred in (PROV.wasDerivedFrom, DT.inArticle):
        for s, o in graph.subject_objects(pred):
            if isinstance(o, URIRef):
                sources[s].add(o)
    owned = {s: next(iter(a)) for s, a in sources.items() if len(a) == 1}
    # Parts without provenance of their own (money, time nodes) follow their single owner.
    owners: dict[Node, set[URIRef]] = defaultdict(set)
    for s, p, o in graph:
        if p == RDF.type or isinstance(o, Literal) or o in sources or s not in owned:
            continue
        owners[o].add(owned[s])
    owned.update({part: next(iter(a)) for part, a in owners.items() if len(a) == 1})
    return owned


@register("nquads", ".nq", "N-Quads, one named graph per article")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    owned = article_of(graph)
    ds = Dataset()
    for s, p, o in graph:
        ctx = ds.graph(owned[s]) if s in owned else ds.default_context
        ctx.add((s, p, o))
    return {out: sorted_lines(ds.serialize(format="nquads"))}
