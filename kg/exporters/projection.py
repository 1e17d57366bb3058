"""The graph as a property graph (networkx) for Gephi, Cytoscape and spreadsheets.

Every IRI or blank node becomes a node; its ``rdf:type``s become a ``types`` attribute, its
literals become attributes named by their predicate (``dt:recordCount``), and every other
triple becomes an edge keyed by its predicate. Nothing is dropped: several values of one
attribute are kept as a JSON list in a string, since GraphML and GEXF hold only scalars.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

import networkx as nx
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import DT
from kg.results import curie

# The class shown as a node's ``kind`` when it has several (first match wins).
KIND_ORDER = tuple(
    DT[c] for c in (
        "LawEnforcementAgency", "Person", "CriminalGroup", "Website", "Organisation", "Agent",
        "Sector", "PersonalDataCategory", "LeakMethod", "Channel", "FraudScheme", "Location",
        "Law", "Arrest", "Detention", "Prosecution", "Conviction", "Campaign",
        "EnforcementAction", "LeakEvent", "SaleEvent", "PurchaseEvent", "TradeEvent",
        "FraudOperation", "Case", "DataBatch", "MonetaryAmount", "TimeSpec", "Evidence",
    )
)


def local_name(iri: Node) -> str:
    text = str(iri).rstrip("/#")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _kind(types: set[Node]) -> str:
    for cls in KIND_ORDER:
        if cls in types:
            return curie(cls)
    return curie(min(types, key=str)) if types else ""


def _python(lit: Literal) -> object:
    value = lit.toPython()
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(lit)


def _attribute_values(per_node: dict[Node, list[Literal]]) -> dict[Node, object]:
    """One attribute for every node, of one type across nodes (GraphML keys are typed)."""
    singles = [_python(v[0]) for v in per_node.values() if len(v) == 1]
    every_single = len(singles) == len(per_node)
    kinds = {type(x) for x in singles}
    if every_single and kinds <= {int}:
        return {n: _python(v[0]) for n, v in per_node.items()}
    if every_single and kinds <= {int, float}:
        return {n: float(_python(v[0])) for n, v in per_node.items()}  # type: ignore[arg-type]
    out: dict[Node, object] = {}
    for n, values in per_node.items():
        texts = sorted(str(v) for v in values)
        out[n] = texts[0] if len(texts) == 1 else json.dumps(texts, ensure_ascii=False)
    return out


def project(graph: Graph) -> nx.MultiDiGraph:
    """Resources as nodes with types, label and literal attributes; links as typed edges."""
    types: dict[Node, set[Node]] = defaultdict(set)
    literals: dict[str, dict[Node, list[Literal]]] = defaultdict(lambda: defaultdict(list))
    nodes: dict[Node, None] = {}
    edges: list[tuple[Node, Node, Node]] = []
    for s, p, o in sorted(graph):
        nodes.setdefault(s)
        if p == RDF.type and not isinstance(o, Literal):
            types[s].add(o)
        elif isinstance(o, Literal):
            literals[curie(p)][s].append(o)
        else:
            nodes.setdefault(o)
            edges.append((s, p, o))
    g = nx.MultiDiGraph()
    for n in nodes:
        names = [o for p in (RDFS.label, SKOS.prefLabel) for o in sorted(graph.objects(n, p))]
        g.add_node(str(n), iri=str(n), label=str(names[0]) if names else local_name(n),
                   kind=_kind(types[n]),
                   types=json.dumps(sorted(curie(t) for t in types[n])))
    for key in sorted(literals):
        for n, value in _attribute_values(literals[key]).items():
            g.nodes[str(n)][key] = value
    for s, p, o in edges:
        g.add_edge(str(s), str(o), key=curie(p), predicate=curie(p), label=local_name(p))
    return g


def attribute_keys(g: nx.MultiDiGraph) -> list[str]:
    """Every node attribute name, the fixed ones first, then the literal ones sorted."""
    fixed = ["iri", "label", "kind", "types"]
    extra = sorted({k for _, data in g.nodes(data=True) for k in data} - set(fixed))
    return fixed + extra
