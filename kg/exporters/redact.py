"""Pseudonyms for private persons, so a graph can be shared outside the team.

A private person is a ``dt:Person`` who is not a law-enforcement agency and does not act for
one (an agency participant of an event, or employed by or a member of an agency). Their
node gets a new IRI and the label ``Person-xxxxxx`` (a hash of the old IRI, so the same
person gets the same pseudonym in every export), their other names and merge notes are
dropped, and every string in the graph that carries one of their names has it replaced.
Organisations, agencies, officials and concepts are kept as they are.
"""

from __future__ import annotations

import hashlib
import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from kg.graph import mint_iri, new_graph
from kg.namespaces import DT


def pseudonym(node: Node) -> str:
    """A stable, short stand-in name for one person."""
    return "Person-" + hashlib.sha256(str(node).encode("utf-8")).hexdigest()[:6]


def _officials(graph: Graph) -> set[Node]:
    agencies = set(graph.subjects(RDF.type, DT.LawEnforcementAgency))
    acting = set(graph.objects(None, DT.agency))
    for pred in (DT.employedBy, DT.memberOf, DT.affiliatedWith):
        acting |= {s for s, o in graph.subject_objects(pred) if o in agencies}
    return agencies | acting


def private_persons(graph: Graph) -> list[Node]:
    """The persons whose names must not leave the team."""
    officials = _officials(graph)
    return sorted((p for p in set(graph.subjects(RDF.type, DT.Person)) if p not in officials),
                  key=str)


def redact_persons(graph: Graph) -> Graph:
    """A copy of the graph with every private person pseudonymised."""
    persons = private_persons(graph)
    new_iri = {p: mint_iri("person", "redacted", pseudonym(p)) for p in persons}
    names: dict[str, str] = {}
    for p in persons:
        for pred in (RDFS.label, SKOS.altLabel, SKOS.prefLabel):
            for name in graph.objects(p, pred):
                if len(str(name).strip()) >= 2:
                    names[str(name).strip()] = pseudonym(p)
    # Longest names first, so "prosecutor Lee Tan" is replaced before "Lee".
    pattern = (re.compile("|".join(rf"\b{re.escape(n)}\b" for n in
                                   sorted(names, key=lambda n: (-len(n), n))))
               if names else None)

    def scrub(term: Node) -> Node:
        if isinstance(term, URIRef) and term in new_iri:
            return new_iri[term]
        if pattern is not None and isinstance(term, Literal) and isinstance(term.value, str):
            text = pattern.sub(lambda m: names[m.group(0)], str(term))
            if text != str(term):
                return Literal(text, lang=term.language, datatype=term.datatype)
        return term

    out = new_graph()
    for s, p, o in graph:
        if s in new_iri and p in (SKOS.altLabel, DT.mergeNote):
            continue
        if s in new_iri and p in (RDFS.label, SKOS.prefLabel):
            o = Literal(pseudonym(s))
        out.add((scrub(s), p, scrub(o)))
    return out
