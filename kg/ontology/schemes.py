"""The vocabularies of kg/vocab/*.yaml as SKOS concept schemes (ontology/schemes.ttl)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import InputError
from kg.namespaces import DPV, DPV_PD, DT, DTC

# The `match` keys of a vocabulary concept and the SKOS mapping property each stands for.
MATCH_PROPERTIES = {
    "exact": SKOS.exactMatch,
    "close": SKOS.closeMatch,
    "broad": SKOS.broadMatch,
    "narrow": SKOS.narrowMatch,
    "related": SKOS.relatedMatch,
}
# Prefixes a match target may use: DPV 2.x personal-data categories and DPV's core.
MATCH_PREFIXES: dict[str, Namespace] = {"pd": DPV_PD, "dpv": DPV}
LANG = "en"


@dataclass(frozen=True)
class Concept:
    """One vocabulary entry: its id, name, other names, place in the hierarchy and mappings."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    broader: str | None = None
    matches: tuple[tuple[str, str], ...] = ()  # (kind, CURIE), e.g. ("exact", "pd:Name")
    note: str | None = None
    definition: str | None = None


@dataclass(frozen=True)
class Scheme:
    """One vocabulary file: the scheme name (IRI part), the chain class it feeds, its concepts."""

    name: str
    cls: str
    title: str
    concepts: tuple[Concept, ...]
    source: str = ""

    @property
    def iri(self) -> URIRef:
        return DTC[self.name]

    def concept_iri(self, concept_id: str) -> URIRef:
        return DTC[f"{self.name}/{concept_id}"]


def _concept(raw: object, where: str) -> Concept:
    if not isinstance(raw, dict) or not raw.get("id") or not raw.get("label"):
        raise InputError(f"{where}: each concept needs an id and a label")
    match = raw.get("match") or {}
    if not isinstance(match, dict):
        raise InputError(f"{where}: concept {raw['id']}: match must be a mapping")
    for kind, target in match.items():
        if kind not in MATCH_PROPERTIES:
            raise InputError(f"{where}: concept {raw['id']}: unknown match kind {kind!r}")
        if str(target).split(":", 1)[0] not in MATCH_PREFIXES:
            raise InputError(f"{where}: concept {raw['id']}: match {target!r} is not pd: or dpv:")
    return Concept(
        id=str(raw["id"]),
        label=str(raw["label"]),
        synonyms=tuple(str(s) for s in raw.get("synonyms") or ()),
        broader=raw.get("broader"),
        matches=tuple((str(k), str(v)) for k, v in match.items()),
        note=raw.get("note"),
        definition=raw.get("definition"),
    )


def load_scheme(path: Path) -> Scheme:
    """One vocabulary YAML file as a Scheme; a malformed file is an InputError naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InputError(f"cannot read vocabulary {path}: {e}") from e
    if not isinstance(data, dict) or not all(data.get(k) for k in ("scheme", "class", "concepts")):
        raise InputError(f"{path}: a vocabulary needs scheme, class and concepts")
    concepts = tuple(_concept(c, str(path)) for c in data["concepts"])
    ids = [c.id for c in concepts]
    if len(set(ids)) != len(ids):
        raise InputError(f"{path}: duplicate concept ids")
    for c in concepts:
        if c.broader is not None and c.broader not in ids:
            raise InputError(f"{path}: concept {c.id}: broader {c.broader!r} is not in the scheme")
    return Scheme(
        name=str(data["scheme"]),
        cls=str(data["class"]),
        title=str(data.get("title") or data["scheme"]),
        concepts=concepts,
        source=path.name,
    )


def load_schemes(vocab_dir: Path) -> tuple[Scheme, ...]:
    """Every vocabulary of a folder, in file-name order."""
    return tuple(load_scheme(p) for p in sorted(vocab_dir.glob("*.yaml")))


def load_definitions(path: Path) -> dict[str, dict[str, str]]:
    """Concept definitions kept beside the generator: scheme -> concept id -> sentence."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(s): {str(k): str(v) for k, v in (d or {}).items()} for s, d in data.items()}


def _match_iri(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return MATCH_PREFIXES[prefix][local]


def schemes_graph(schemes: tuple[Scheme, ...],
                  definitions: dict[str, dict[str, str]] | None = None) -> Graph:
    """SKOS triples for the schemes. Concepts are typed skos:Concept only: the instance graph
    adds the chain class (dt:PersonalDataCategory ...) for the concepts an article names."""
    definitions = definitions or {}
    g = Graph()
    for prefix, ns in (("skos", SKOS), ("dt", DT), ("dtc", DTC), ("pd", DPV_PD), ("dpv", DPV)):
        g.bind(prefix, ns)
    for s in schemes:
        g.add((s.iri, RDF.type, SKOS.ConceptScheme))
        g.add((s.iri, RDF.type, DT.ConceptScheme))
        g.add((s.iri, SKOS.prefLabel, Literal(s.title, lang=LANG)))
        g.add((s.iri, DT.conceptClass, DT[s.cls]))
        for c in s.concepts:
            node = s.concept_iri(c.id)
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, s.iri))
            g.add((node, SKOS.prefLabel, Literal(c.label, lang=LANG)))
            for alt in c.synonyms:
                if alt != c.label:
                    g.add((node, SKOS.altLabel, Literal(alt, lang=LANG)))
            definition = c.definition or definitions.get(s.name, {}).get(c.id)
            if definition:
                g.add((node, SKOS.definition, Literal(definition, lang=LANG)))
            if c.note:
                g.add((node, SKOS.scopeNote, Literal(c.note, lang=LANG)))
            if c.broader:
                g.add((node, SKOS.broader, s.concept_iri(c.broader)))
                g.add((s.concept_iri(c.broader), SKOS.narrower, node))
            else:
                g.add((node, SKOS.topConceptOf, s.iri))
                g.add((s.iri, SKOS.hasTopConcept, node))
            for kind, target in c.matches:
                g.add((node, MATCH_PROPERTIES[kind], _match_iri(target)))
    return g


HEADER = (
    "# GENERATED by `python -m kg.ontology` from kg/vocab/*.yaml and kg/ontology/definitions.yaml.\n"
    "# Do not edit: change the vocabularies and regenerate.\n"
)


def schemes_turtle(g: Graph) -> str:
    """The schemes as Turtle with a do-not-edit header (rdflib sorts subjects: stable output)."""
    return HEADER + "\n" + g.serialize(format="turtle")
