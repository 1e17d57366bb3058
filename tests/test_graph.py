"""Extraction records -> RDF: stable IRIs, stable Turtle, every fact evidenced."""

from __future__ import annotations

import hashlib

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kg.graph import extractions_to_graph, mint_iri, serialize_turtle, slug
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span
from kg.namespaces import DT


def _extraction(label: str = "Wang") -> Extraction:
    text = f'A man surnamed {label} sold 2,000 "records" for 500 yuan.\n'
    art = Article(text=text, path="a.txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    ev_span = Span(0, len(text) - 1, text.strip())
    seller = Entity(
        key="person:w",
        kind="person",
        label=label,
        roles=("Seller",),
        mentions=(ev_span,),
        article=art.id,
    )
    event = Event(
        kind="sale",
        evidence=ev_span,
        participants=(("seller", "person:w"),),
        records=(Count(2000, "records"),),
        money=(Money(500, "CNY", "price"),),
    )
    return Extraction(article=art, entities=(seller,), events=(event,))


def test_same_extraction_gives_byte_identical_turtle():
    a = serialize_turtle(extractions_to_graph([_extraction()]))
    b = serialize_turtle(extractions_to_graph([_extraction()]))
    assert a == b


def test_turtle_round_trips_with_metacharacters_in_labels():
    label = 'O\'Neil "Ace" <b>}\n; @prefix x: <y> .'
    g = extractions_to_graph([_extraction(label)])
    back = Graph()
    back.parse(data=serialize_turtle(g), format="turtle")
    assert set(back) == set(g)
    assert any(o == Literal(label) for o in back.objects(None, RDFS.label))


def test_event_carries_figures_money_and_evidence_offsets():
    g = extractions_to_graph([_extraction()])
    (ev,) = list(g.subjects(RDF.type, DT.SaleEvent))
    assert g.value(ev, DT.recordCount).toPython() == 2000
    money = g.value(ev, DT.money)
    assert str(g.value(money, DT.currency)) == "CNY"
    evidence = g.value(ev, DT.evidence)
    start, end = (g.value(evidence, p).toPython() for p in (DT.startOffset, DT.endOffset))
    assert 0 <= start < end


def test_iris_are_minted_from_stable_parts_only():
    assert mint_iri("person", "abc", "Wang Wei") == mint_iri("person", "abc", "Wang Wei")
    assert mint_iri("person", "abc", "Wang Wei") != mint_iri("person", "abd", "Wang Wei")
    assert slug("São Paulo!") == "sao-paulo"
    assert slug("王伟").startswith("x")  # no ASCII letters: a stable hash, never empty


def _sale(status: str) -> Extraction:
    x = _extraction()
    (event,) = x.events
    return Extraction(article=x.article, entities=x.entities,
                      events=(Event(kind=event.kind, evidence=event.evidence,
                                    participants=event.participants, status=status),))


def test_an_alleged_sale_gives_the_seller_an_alleged_status_apart_from_the_act():
    g = extractions_to_graph([_sale("alleged")])
    (assertion,) = list(g.subjects(RDF.type, DT.LegalStatusAssertion))
    (seller,) = list(g.subjects(RDFS.label, Literal("Wang")))
    assert g.value(assertion, DT.statusOf) == seller
    assert str(g.value(assertion, DT.legalStatus)).endswith("claim-status/alleged")
    assert g.value(assertion, DT.evidence) is not None


def test_a_reported_sale_gives_no_legal_status():
    g = extractions_to_graph([_sale("reported")])
    assert list(g.subjects(RDF.type, DT.LegalStatusAssertion)) == []
