"""STIX 2.1: the chain as a bundle that OpenCTI or MISP can import.

Actors who leak, sell, buy or defraud become ``threat-actor`` objects; holders, victims and
agencies ``identity`` objects; each act of the chain (leak, sale, purchase, fraud) a
``campaign`` carrying its data categories, record counts and prices as ``x_`` properties;
each article a ``report``; participants ``relationship`` objects. Ids are uuid5 of the
node's IRI, timestamps come from the articles, so the same graph gives the same bundle.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from kg.errors import OutputError
from kg.exporters import register
from kg.exporters.projection import local_name
from kg.namespaces import DT, SCHEMA

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/datatrade-kg/stix")
EPOCH = "1970-01-01T00:00:00.000Z"

THREAT_ROLES = {"LeakSource", "Insider", "Hacker", "Accomplice", "Seller", "Buyer", "Broker",
                "Fraudster"}
IDENTITY_ROLES = {"DataHolder", "Victim", "LawEnforcementAgency"}
ACTOR_KINDS = {"Person", "Organisation", "CriminalGroup", "LawEnforcementAgency", "Website",
               "Agent", "Sector"}
CAMPAIGN_KINDS = {"LeakEvent", "SaleEvent", "PurchaseEvent", "TradeEvent", "FraudOperation",
                  "Case", "DataBatch"}
# Participant roles that name things rather than actors: kept as x_ lists on the campaign.
CONCEPT_ROLES = {"dataCategory": "x_data_categories", "leakMethod": "x_leak_methods",
                 "channel": "x_channels", "fraudScheme": "x_fraud_schemes",
                 "location": "x_locations", "law": "x_laws"}
TARGET_ROLES = {"dataHolder", "victim", "target"}


def stix_id(kind: str, *parts: str) -> str:
    """A deterministic STIX id: uuid5 of the object type and its stable parts."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *parts)))}"


def _local(classes: set[Node]) -> set[str]:
    return {str(c)[len(str(DT)):] for c in classes if str(c).startswith(str(DT))}


class _Reader:
    """Small lookups over the graph that every object needs."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.classes: dict[Node, set[str]] = defaultdict(set)
        for s, o in graph.subject_objects(RDF.type):
            self.classes[s] |= _local({o})

    def label(self, node: Node) -> str:
        for p in (URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                  URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")):
            values = sorted(str(o) for o in self.g.objects(node, p))
            if values:
                return values[0]
        return local_name(node)

    def values(self, node: Node, pred: URIRef) -> list[Any]:
        return sorted((o.toPython() for o in self.g.objects(node, pred) if isinstance(o, Literal)),
                      key=str)

    def articles(self, node: Node) -> list[str]:
        return sorted(str(a) for a in self.g.objects(node, PROV.wasDerivedFrom))

    def evidence(self, node: Node) -> list[str]:
        return sorted({str(s) for ev in self.g.objects(node, DT.evidence)
                       for s in self.g.objects(ev, DT.sentence)})


def _timestamp(date: str | None) -> str | None:
    if date and len(date) >= 10 and date[4] == "-" and date[7] == "-":
        return f"{date[:10]}T00:00:00.000Z"
    return None


def _stamp(graph: Graph) -> str:
    """One creation time for the whole bundle: the newest article date, so runs agree."""
    dates = sorted(filter(None, (_timestamp(str(d)) for d in
                                 graph.objects(None, SCHEMA.datePublished))))
    return dates[-1] if dates else EPOCH


def _actor(r: _Reader, node: Node, common: dict[str, Any]) -> dict[str, Any] | None:
    classes = r.classes[node]
    roles = sorted(classes & (THREAT_ROLES | IDENTITY_ROLES))
    if not classes & ACTOR_KINDS and not roles:
        return None
    base = {**common, "name": r.label(node), "x_datatrade_iri": str(node),
            "x_datatrade_roles": roles, "x_datatrade_kinds": sorted(classes & ACTOR_KINDS)}
    alt = sorted(str(o) for o in r.g.objects(node, URIRef(
        "http://www.w3.org/2004/02/skos/core#altLabel")))
    if classes & THREAT_ROLES and "LawEnforcementAgency" not in classes:
        types = ["crime-syndicate"] if "CriminalGroup" in classes else ["criminal"]
        if "Hacker" in classes:
            types.append("hacker")
        if "Insider" in classes:
            types.append("insider-disgruntled")  # the vocabulary's word for a malicious insider
        obj = {**base, "type": "threat-actor", "id": stix_id("threat-actor", str(node)),
               "threat_actor_types": types, "primary_motivation": "personal-gain"}
        if alt:
            obj["aliases"] = alt
        return obj
    if classes & {"Organisation", "LawEnforcementAgency", "Website"}:
        identity_class = "organization"
    elif "Person" in classes:
        identity_class = "individual"
    elif "CriminalGroup" in classes:
        identity_class = "group"
    else:
        identity_class = "class"  # a described set: "retirees", a whole sector
    obj = {**base, "type": "identity", "id": stix_id("identity", str(node)),
           "identity_class": identity_class}
    if "Sector" in classes:
        obj["sectors"] = [local_name(node)]
    if roles:
        obj["roles"] = roles
    return obj


def _money(r: _Reader, event: Node) -> list[dict[str, Any]]:
    out = []
    for m in sorted(r.g.objects(event, DT.money), key=str):
        price: dict[str, Any] = {"amount": str(next(iter(r.values(m, DT.amount)), "")),
                                 "currency": str(next(iter(r.values(m, DT.currency)), ""))}
        role = next(iter(sorted(r.g.objects(m, DT.moneyRole), key=str)), None)
        if role is not None:
            price["role"] = local_name(role)
        for key, pred in (("per_unit", DT.perUnit), ("qualifier", DT.qualifier)):
            if r.values(m, pred):
                price[key] = str(r.values(m, pred)[0])
        out.append(price)
    return out


def _campaign(r: _Reader, event: Node, common: dict[str, Any]) -> dict[str, Any]:
    obj: dict[str, Any] = {
        **common, "type": "campaign", "id": stix_id("campaign", str(event)),
        "name": r.label(event), "x_datatrade_iri": str(event),
        "x_datatrade_kinds": sorted(r.classes[event]), "x_source_articles": r.articles(event),
    }
    sentences = r.evidence(event)
    if sentences:
        obj["description"] = " ".join(sentences)
        obj["x_evidence"] = sentences
    for role, key in CONCEPT_ROLES.items():
        labels = sorted({r.label(o) for o in r.g.objects(event, DT[role])})
        if labels:
            obj[key] = labels
    for key, pred in (("x_record_count", DT.recordCount), ("x_record_count_upper", DT.upperBound),
                      ("x_person_count", DT.personCount)):
        values = [int(v) for v in r.values(event, pred)]
        if values:
            obj[key] = max(values)
    prices = _money(r, event)
    if prices:
        obj["x_prices"] = prices
    status = sorted(r.g.objects(event, DT.claimStatus), key=str)
    if status:
        obj["x_claim_status"] = local_name(status[0])
    for t in r.g.objects(event, DT.time):
        obj["x_time"] = {k: str(v[0]) for k, p in (("text", DT.timeText), ("start", DT.startDate),
                                                  ("end", DT.endDate)) if (v := r.values(t, p))}
    return obj


def _relationships(r: _Reader, event: Node, ids: dict[Node, str], source: str,
                   common: dict[str, Any]) -> list[dict[str, Any]]:
    """Participants of an act as relationships: attributed-to its actors, targets its victims."""
    enforcement = "EnforcementAction" in r.classes[event]
    out = []
    for p, o in sorted(r.g.predicate_objects(event), key=lambda po: (str(po[0]), str(po[1]))):
        role = str(p)[len(str(DT)):] if str(p).startswith(str(DT)) else ""
        if o not in ids or role in CONCEPT_ROLES or not role:
            continue
        if enforcement:  # an agency acting on someone: source agency, target the actor
            if role == "agency":
                continue
            agencies = [a for a in r.g.objects(event, DT.agency) if a in ids]
            pairs = [(ids[a], ids[o], "related-to") for a in sorted(agencies, key=str)]
        elif role in TARGET_ROLES:
            pairs = [(source, ids[o], "targets")]
        elif ids[o].startswith("threat-actor--"):
            pairs = [(source, ids[o], "attributed-to")]
        else:
            pairs = [(source, ids[o], "related-to")]
        for src, dst, kind in pairs:
            rel = {**common, "type": "relationship", "relationship_type": kind,
                   "id": stix_id("relationship", src, kind, dst, str(event), role),
                   "source_ref": src, "target_ref": dst, "x_datatrade_role": role,
                   "x_datatrade_event": str(event)}
            sentences = r.evidence(event)
            if sentences:
                rel["description"] = " ".join(sentences)
            if enforcement:
                status = sorted(r.g.objects(event, DT.claimStatus), key=str)
                rel["x_action"] = r.label(event)
                if status:
                    rel["x_claim_status"] = local_name(status[0])
            out.append(rel)
    return out


def bundle_objects(graph: Graph) -> list[dict[str, Any]]:
    """Every STIX object of the graph as a plain dict, sorted by id."""
    r = _Reader(graph)
    stamp = _stamp(graph)
    producer = {"type": "identity", "spec_version": "2.1",
                "id": stix_id("identity", "datatrade-kg"),
                "created": stamp, "modified": stamp, "name": "datatrade-kg",
                "identity_class": "system"}
    common = {"spec_version": "2.1", "created": stamp, "modified": stamp,
              "created_by_ref": producer["id"]}
    objects: dict[str, dict[str, Any]] = {producer["id"]: producer}
    ids: dict[Node, str] = {}
    by_article: dict[str, set[str]] = defaultdict(set)
    for node in sorted(r.classes, key=str):
        obj = _actor(r, node, common)
        if obj:
            objects[obj["id"]] = obj
            ids[node] = obj["id"]
            for a in r.articles(node):
                by_article[a].add(obj["id"])
    for event in sorted(r.classes, key=str):
        kinds = r.classes[event]
        if kinds & CAMPAIGN_KINDS:
            camp = _campaign(r, event, common)
            objects[camp["id"]] = camp
            source = camp["id"]
        elif "EnforcementAction" in kinds:
            source = ""
        else:
            continue
        rels = _relationships(r, event, ids, source, common)
        objects.update((rel["id"], rel) for rel in rels)
        for a in r.articles(event):
            by_article[a].update([source] if source else [])
            by_article[a].update(rel["id"] for rel in rels)
    for article in sorted(graph.subjects(RDF.type, SCHEMA.NewsArticle), key=str):
        refs = sorted(by_article.get(str(article), ())) or [producer["id"]]
        published = _timestamp(str(next(iter(graph.objects(article, SCHEMA.datePublished)), "")))
        rep = {**common, "type": "report", "id": stix_id("report", str(article)),
               "name": r.label(article), "published": published or stamp,
               "report_types": ["threat-report"], "object_refs": refs,
               "x_datatrade_iri": str(article)}
        for key, pred in (("x_source_path", DT.sourcePath), ("x_sha256", DT.sha256),
                          ("x_publisher", SCHEMA.publisher)):
            if r.values(article, pred):
                rep[key] = str(r.values(article, pred)[0])
        objects[rep["id"]] = rep
    return [objects[k] for k in sorted(objects)]


def to_bundle(graph: Graph) -> Any:
    """A validated stix2 Bundle (the library checks every property as it builds it)."""
    import stix2

    objects = bundle_objects(graph)
    bundle_id = f"bundle--{uuid.uuid5(NAMESPACE, '|'.join(o['id'] for o in objects))}"
    try:
        return stix2.parse({"type": "bundle", "id": bundle_id, "objects": objects},
                           allow_custom=True, version="2.1")
    except stix2.exceptions.STIXError as e:
        raise OutputError(f"the STIX bundle does not validate: {e}") from e


@register("stix", ".stix.json", "STIX 2.1 bundle for OpenCTI or MISP")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    text = to_bundle(graph).serialize(pretty=True, ensure_ascii=False)
    json.loads(text)  # a bundle is JSON: fail here, not in the importer
    return {out: (text + "\n").encode("utf-8")}
