"""The ontology as a Markdown page an analyst can read without Turtle (ontology/README.md)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.namespaces import DPV, DPV_PD, DT, DTC, DTI, SCHEMA

SH = Namespace("http://www.w3.org/ns/shacl#")
DTSH = Namespace("https://w3id.org/datatrade-kg/shapes#")
ONTOLOGY_IRI = URIRef("https://w3id.org/datatrade-kg/ontology")

CURIE_PREFIXES = (
    ("dt", DT), ("dtc", DTC), ("dti", DTI), ("dtsh", DTSH), ("schema", SCHEMA), ("prov", PROV),
    ("skos", SKOS), ("rdfs", RDFS), ("rdf", RDF), ("xsd", XSD), ("owl", OWL), ("pd", DPV_PD),
    ("dpv", DPV), ("dcterms", DCTERMS), ("sh", SH), ("time", Namespace("http://www.w3.org/2006/time#")),
)
NAMESPACE_ROLES = {
    "dt": "this ontology: classes and properties",
    "dtc": "this project's SKOS concepts and schemes",
    "dti": "instance data minted by `kg build`",
    "schema": "schema.org: articles, money, places",
    "prov": "W3C PROV-O: provenance",
    "skos": "W3C SKOS: the vocabularies",
    "pd": "W3C DPV 2.x personal-data categories",
    "dpv": "W3C DPV core",
}
# The order data moves along the chain, and the event classes drawn in the diagram
# (a sale and a purchase are drawn as the trade they are two views of).
CHAIN_FLOW = ((DT.LeakEvent, DT.TradeEvent), (DT.TradeEvent, DT.FraudOperation))
DIAGRAM_EVENTS = (DT.LeakEvent, DT.TradeEvent, DT.FraudOperation, DT.EnforcementAction)
DIAGRAM_ALIASES = {DT.SaleEvent: DT.TradeEvent, DT.PurchaseEvent: DT.TradeEvent}


def curie(term: object) -> str:
    """A short name for an IRI (dt:Seller), or the IRI itself when no prefix fits."""
    s = str(term)
    for prefix, ns in CURIE_PREFIXES:
        if s.startswith(str(ns)) and len(s) > len(str(ns)):
            return f"{prefix}:{s[len(str(ns)):]}"
    return f"<{s}>"


def _text(g: Graph, node: object, *preds: URIRef) -> str:
    for p in preds:
        for o in sorted(g.objects(node, p), key=str):
            if isinstance(o, Literal):
                return str(o)
    return ""


def _label(g: Graph, node: object) -> str:
    return _text(g, node, RDFS.label, SKOS.prefLabel) or curie(node).split(":", 1)[-1]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _describe(g: Graph, node: object) -> str:
    """A class expression in words: a named class, or 'A or B' for an owl:unionOf."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_describe(g, m) for m in Collection(g, members))
        return "(anonymous)"
    return f"`{curie(node)}`"


def _dt_terms(g: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((s for s in g.subjects(RDF.type, kind)
                   if isinstance(s, URIRef) and str(s).startswith(str(DT))), key=str)


def _named_domain(g: Graph, prop: URIRef) -> list[URIRef]:
    """Where a property typically sits: schema:domainIncludes, else its rdfs:domain."""
    soft = sorted(g.objects(prop, SCHEMA.domainIncludes), key=str)
    return soft or [d for d in g.objects(prop, RDFS.domain) if isinstance(d, URIRef)]


def chain_diagram(g: Graph) -> list[str]:
    """A Mermaid flowchart of the chain: events, the flow of data between them, and the
    participants and concepts each event links to (from the properties' domains and ranges)."""
    lines = ["```mermaid", "flowchart LR"]
    nodes: dict[URIRef, str] = {}

    def node(c: URIRef, event: bool) -> str:
        name = curie(c).split(":", 1)[1]
        if c not in nodes:
            shape = f'(["{_label(g, c)}"])' if event else f'["{_label(g, c)}"]'
            nodes[c] = name
            lines.append(f"  {name}{shape}")
        return name

    for ev in DIAGRAM_EVENTS:
        node(ev, True)
    for a, b in CHAIN_FLOW:
        lines.append(f'  {node(a, True)} ==>|"data moves on"| {node(b, True)}')
    edges: set[tuple[str, str, str]] = set()
    for prop in _dt_terms(g, OWL.ObjectProperty):
        rng = g.value(prop, RDFS.range)
        if not isinstance(rng, URIRef) or not str(rng).startswith(str(DT)):
            continue
        for dom in _named_domain(g, prop):
            ev = DIAGRAM_ALIASES.get(dom, dom)
            if ev in DIAGRAM_EVENTS:
                edges.add((curie(ev).split(":", 1)[1], _label(g, prop), str(rng)))
    for ev_name, label, rng in sorted(edges):
        lines.append(f'  {ev_name} -->|"{label}"| {node(URIRef(rng), False)}')
    lines.append("```")
    return lines


def _class_tree(g: Graph, classes: list[URIRef]) -> list[str]:
    known = set(classes)
    parents = {c: sorted((p for p in g.objects(c, RDFS.subClassOf) if p in known), key=str)
               for c in classes}
    children: dict[URIRef, list[URIRef]] = {c: [] for c in classes}
    for c, ps in parents.items():
        for p in ps:
            children[p].append(c)
    lines: list[str] = []

    def walk(c: URIRef, depth: int) -> None:
        others = [curie(p) for p in parents[c] if depth and p != walk_parent[-1]]
        also = f" (also under {', '.join(others)})" if others else ""
        lines.append(f"{'  ' * depth}- **{_label(g, c)}** `{curie(c)}`{also}")
        walk_parent.append(c)
        for k in sorted(children[c], key=lambda x: _label(g, x)):
            walk(k, depth + 1)
        walk_parent.pop()

    walk_parent: list[URIRef] = [ONTOLOGY_IRI]
    for root in sorted((c for c in classes if not parents[c]), key=lambda x: _label(g, x)):
        walk(root, 0)
    return lines


def _classes(g: Graph) -> list[str]:
    classes = _dt_terms(g, OWL.Class)
    out = ["## Classes", "",
           "The hierarchy (a class is listed under each of its superclasses):", ""]
    out += _class_tree(g, classes)
    out += ["", "| Class | Label | Subclass of | Definition |", "|---|---|---|---|"]
    for c in sorted(classes, key=lambda x: _label(g, x)):
        supers = [_describe(g, s) for s in sorted(g.objects(c, RDFS.subClassOf), key=str)]
        supers += [f"≡ {_describe(g, e)}" for e in g.objects(c, OWL.equivalentClass)]
        see = [f"see {_describe(g, s)}" for s in sorted(g.objects(c, RDFS.seeAlso), key=str)]
        out.append(f"| `{curie(c)}` | {_label(g, c)} | {', '.join(supers + see) or '—'} | "
                   f"{_cell(_text(g, c, SKOS.definition, RDFS.comment))} |")
    return out


def _properties(g: Graph) -> list[str]:
    out = ["## Properties", "",
           "Domain is where a property may be used; \"typically on\" names the classes it is "
           "meant for (`schema:domainIncludes`).", "",
           "| Property | Label | Kind | Domain | Range | Subproperty of | Definition |",
           "|---|---|---|---|---|---|---|"]
    kinds = ((OWL.ObjectProperty, "object"), (OWL.DatatypeProperty, "datatype"),
             (OWL.AnnotationProperty, "annotation"))
    props = {p: kind for k, kind in kinds for p in _dt_terms(g, k)}
    for p in sorted(props, key=lambda x: curie(x).lower()):
        dom = [_describe(g, d) for d in g.objects(p, RDFS.domain)]
        soft = [_describe(g, d) for d in sorted(g.objects(p, SCHEMA.domainIncludes), key=str)]
        if soft:
            dom.append("typically on " + ", ".join(soft))
        rng = [_describe(g, r) for r in g.objects(p, RDFS.range)]
        sup = [_describe(g, s) for s in sorted(g.objects(p, RDFS.subPropertyOf), key=str)]
        out.append(f"| `{curie(p)}` | {_label(g, p)} | {props[p]} | {'; '.join(dom) or '—'} | "
                   f"{', '.join(rng) or '—'} | {', '.join(sup) or '—'} | "
                   f"{_cell(_text(g, p, SKOS.definition, RDFS.comment))} |")
    return out


def _scheme_rows(g: Graph, scheme: URIRef) -> Iterable[str]:
    concepts = sorted(g.subjects(SKOS.inScheme, scheme), key=str)
    maps = ((SKOS.exactMatch, "exact"), (SKOS.closeMatch, "close"), (SKOS.broadMatch, "broad"),
            (SKOS.narrowMatch, "narrow"), (SKOS.relatedMatch, "related"))
    for c in concepts:
        broader = ", ".join(f"`{curie(b)}`" for b in sorted(g.objects(c, SKOS.broader), key=str))
        mapping = ", ".join(f"{name} `{curie(t)}`" for p, name in maps
                            for t in sorted(g.objects(c, p), key=str))
        alts = ", ".join(sorted({str(a) for a in g.objects(c, SKOS.altLabel)}, key=str.lower))
        definition = _text(g, c, SKOS.definition)
        note = _text(g, c, SKOS.scopeNote)
        text = definition + (f" *{note}*" if note else "")
        yield (f"| `{curie(c)}` | {_label(g, c)} | {broader or '—'} | {mapping or '—'} | "
               f"{_cell(text) or '—'} | {_cell(alts) or '—'} |")


def _schemes(g: Graph) -> list[str]:
    out = ["## Concept schemes", "",
           "Each scheme's concepts are plain `skos:Concept`s; a graph types a concept with the "
           "scheme's class only when an article names it. Personal-data categories map to W3C "
           "DPV (`pd:`) with `skos:exactMatch`, `closeMatch` or `broadMatch` (DPV's concept is "
           "broader); concepts without an exact match are this project's own."]
    schemes = sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str)
    for s in schemes:
        cls = g.value(s, DT.conceptClass)
        n = len(set(g.subjects(SKOS.inScheme, s)))
        out += ["", f"### {_label(g, s)} (`{curie(s)}`)", ""]
        plays = f"; they play `{curie(cls)}`" if cls is not None else ""
        intro = (_text(g, s, SKOS.definition), f"{n} concepts{plays}.")
        out.append(" ".join(x for x in intro if x))
        out += ["", "| Concept | Label | Broader | Mapping | Definition | Also called |",
                "|---|---|---|---|---|---|"]
        out += list(_scheme_rows(g, s))
    return out


def _shape_rule(shapes: Graph, shape: object) -> tuple[str, str, str, str]:
    """(target, path, severity, message) of a shape or of its parent node shape."""
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    if parent is None:
        parent = next(iter(shapes.subjects(SH.sparql, shape)), None)
    holder = parent if parent is not None else shape
    targets = [f"`{curie(t)}`" for t in sorted(shapes.objects(holder, SH.targetClass), key=str)]
    targets += [f"anything with `{curie(t)}`"
                for t in sorted(shapes.objects(holder, SH.targetSubjectsOf), key=str)]
    path = shapes.value(shape, SH.path)
    severity = shapes.value(shape, SH.severity) or SH.Violation
    return (", ".join(targets), f"`{curie(path)}`" if path is not None else "—",
            curie(severity).split(":")[1], _text(shapes, shape, SH.message))


def _shapes(shapes: Graph) -> list[str]:
    out = ["## Validation rules (SHACL)", "",
           "`kg validate GRAPH` checks a graph against `shapes.ttl`. Only a Violation fails "
           "validation; a Warning marks what the extractor cannot always find, an Info a gap "
           "worth a look.", "",
           "| Applies to | Path | Severity | Rule |", "|---|---|---|---|"]
    rules = set()
    for shape in set(shapes.subjects(SH.message, None)):
        rules.add(_shape_rule(shapes, shape))
    sev = {"Violation": 0, "Warning": 1, "Info": 2}
    for target, path, severity, message in sorted(rules, key=lambda r: (sev.get(r[2], 3), r)):
        out.append(f"| {target} | {path} | {severity} | {_cell(message)} |")
    return out


def docs_markdown(model: Graph, shapes: Graph) -> str:
    """The whole documentation page, generated from the ontology, the schemes and the shapes."""
    title = _text(model, ONTOLOGY_IRI, DCTERMS.title) or "Ontology"
    version = _text(model, ONTOLOGY_IRI, OWL.versionInfo)
    out = [
        f"# {title}" + (f" {version}" if version else ""), "",
        "<!-- GENERATED by `python -m kg.ontology` from datatrade.ttl, schemes.ttl and "
        "shapes.ttl. Do not edit. -->", "",
        _text(model, ONTOLOGY_IRI, DCTERMS.description), "",
        "Files: `datatrade.ttl` (classes, properties, closed schemes; hand-written), "
        "`schemes.ttl` (SKOS schemes generated from `kg/vocab/*.yaml`), `shapes.ttl` (SHACL "
        "rules), this page (generated).", "",
        "## Namespaces", "", "| Prefix | Namespace | What |", "|---|---|---|",
    ]
    for prefix, ns in CURIE_PREFIXES:
        if prefix in NAMESPACE_ROLES:
            out.append(f"| `{prefix}:` | `{ns}` | {NAMESPACE_ROLES[prefix]} |")
    out += ["", "## The chain", "",
            "Events (rounded) and what they link to. Thick arrows: the way the data moves.", ""]
    out += chain_diagram(model)
    out += ["", "## Design", "", _text(model, ONTOLOGY_IRI, RDFS.comment), ""]
    out += _classes(model) + [""] + _properties(model) + [""] + _schemes(model) + [""]
    out += _shapes(shapes) + [""]
    return "\n".join(out)
