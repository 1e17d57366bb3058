"""kg export: every format reads back with its own ecosystem's library; --redact."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
import stix2
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDFS
from sample_chain import sample_graph, write_sample_graph
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import OutputError
from kg.exporters import export_graph, formats
from kg.exporters.projection import project
from kg.exporters.redact import private_persons, pseudonym
from kg.exporters.stix import bundle_objects
from kg.namespaces import DT, DTI


def _values(g: Graph) -> set[tuple[object, ...]]:
    """Triples compared by value: Turtle may write the decimal "80000" as 80000.0."""
    return {(s, p, o.toPython() if isinstance(o, Literal) else o) for s, p, o in g}


@pytest.fixture(scope="module")
def chain() -> Graph:
    return sample_graph()


@pytest.fixture()
def out(tmp_path: Path) -> Path:
    return tmp_path / "exports"


def _person(graph: Graph, name: str) -> URIRef:
    return next(s for s in graph.subjects(RDFS.label, Literal(name)))  # type: ignore[return-value]


def test_every_promised_format_is_registered() -> None:
    assert set(formats()) >= {"turtle", "nt", "nquads", "jsonld", "graphml", "gexf", "csv",
                              "stix"}


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("nt", "nt"),
                                               ("jsonld", "json-ld")])
def test_rdf_formats_round_trip_through_rdflib(fmt: str, rdflib_format: str, chain: Graph,
                                               out: Path) -> None:
    [path, *_] = export_graph(chain, fmt, out / f"graph.{fmt}")
    back = Graph().parse(path, format=rdflib_format)
    assert _values(back) == _values(chain)


def test_jsonld_writes_its_context_file_beside_it(chain: Graph, out: Path) -> None:
    paths = export_graph(chain, "jsonld", out / "graph.jsonld")
    assert [p.name for p in paths] == ["graph.jsonld", "graph.context.jsonld"]
    ctx = json.loads(paths[1].read_text())["@context"]
    assert ctx["dt"] == str(DT)
    assert json.loads(paths[0].read_text())["@context"] == ctx


def test_nquads_puts_each_article_in_its_own_named_graph(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "nquads", out / "graph.nq")
    ds = Dataset()
    ds.parse(path, format="nquads")
    named = {str(g.identifier): g for g in ds.graphs() if len(g) and
             str(g.identifier).startswith(str(DTI["article/"]))}
    assert len(named) == 2
    union = Graph()
    for s, p, o, _ in ds.quads():
        union.add((s, p, o))
    assert _values(union) == _values(chain)
    orlov = _person(chain, "Orlov")
    [home] = [g for g in named.values() if (orlov, RDFS.label, Literal("Orlov")) in g]
    money = [s for s in chain.subjects(DT.amount, None)]
    assert all((m, DT.amount, None) in home for m in money)  # parts follow their event
    shared = URIRef("https://w3id.org/datatrade-kg/concept/channel/darknet-forum")
    assert all((shared, None, None) not in g for g in named.values())  # in two articles


def test_graphml_reads_back_with_networkx(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "graphml", out / "graph.graphml")
    back = nx.read_graphml(path)
    proj = project(chain)
    assert set(back.nodes) == set(proj.nodes)
    assert back.number_of_edges() == proj.number_of_edges()
    orlov = str(_person(chain, "Orlov"))
    assert back.nodes[orlov] == proj.nodes[orlov]
    assert back.nodes[orlov]["kind"] == "dt:Person"
    assert json.loads(back.nodes[orlov]["skos:altLabel"]) == ["clerk Orlov", "the clerk"]
    assert "dt:Insider" in json.loads(back.nodes[orlov]["types"])


def test_gexf_reads_back_with_networkx(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "gexf", out / "graph.gexf")
    back = nx.read_gexf(path)
    proj = project(chain)
    assert back.number_of_nodes() == proj.number_of_nodes()
    assert back.number_of_edges() == proj.number_of_edges()
    orlov = str(_person(chain, "Orlov"))
    assert back.nodes[orlov]["label"] == "Orlov"
    assert json.loads(back.nodes[orlov]["skos:altLabel"]) == ["clerk Orlov", "the clerk"]
    sale = next(n for n, d in back.nodes(data=True) if d.get("kind") == "dt:SaleEvent")
    assert back.nodes[sale]["dt:recordCount"] == 30000


def test_csv_writes_nodes_and_edges_that_match_the_graph(chain: Graph, out: Path) -> None:
    paths = export_graph(chain, "csv", out / "csv")
    assert sorted(p.name for p in paths) == ["edges.csv", "nodes.csv"]
    with (out / "csv" / "nodes.csv").open(newline="", encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (out / "csv" / "edges.csv").open(newline="", encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    proj = project(chain)
    assert len(nodes) == proj.number_of_nodes() and len(edges) == proj.number_of_edges()
    ids = {n["id"] for n in nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in edges)
    assert any(e["predicate"] == "dt:seller" for e in edges)
    sentence = next(n for n in nodes if n["kind"] == "dt:Evidence" and "sold" in n["dt:sentence"])
    assert sentence["dt:startOffset"]


def test_stix_bundle_validates_with_the_stix2_library(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "stix", out / "graph.stix.json")
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=True)
    kinds = {o.type for o in bundle.objects}
    assert kinds == {"identity", "threat-actor", "campaign", "report", "relationship"}
    refs = {o.id for o in bundle.objects}
    for rel in (o for o in bundle.objects if o.type == "relationship"):
        assert rel.source_ref in refs and rel.target_ref in refs
    for rep in (o for o in bundle.objects if o.type == "report"):
        assert set(rep.object_refs) <= refs


def test_stix_campaign_carries_data_categories_counts_and_prices(chain: Graph) -> None:
    sale = next(o for o in bundle_objects(chain)
                if o["type"] == "campaign" and "SaleEvent" in o["x_datatrade_kinds"])
    assert sale["x_data_categories"] == ["phone numbers"]
    assert sale["x_record_count"] == 30000
    assert {"amount": "0.5", "currency": "EUR", "role": "unit-price", "per_unit": "record"} \
        in sale["x_prices"]
    actors = {o["id"]: o["name"] for o in bundle_objects(chain) if o["type"] == "threat-actor"}
    rels = [o for o in bundle_objects(chain) if o["type"] == "relationship"
            and o["source_ref"] == sale["id"] and o["relationship_type"] == "attributed-to"]
    assert {actors[r["target_ref"]] for r in rels} == {"Orlov", "Kessler"}


def test_stix_agency_acts_on_the_arrested(chain: Graph) -> None:
    objs = {o["id"]: o for o in bundle_objects(chain)}
    acted = [o for o in objs.values() if o["type"] == "relationship" and "x_action" in o]
    police = [o for o in acted if objs[o["source_ref"]]["name"] == "Rivertown police"]
    assert {objs[o["target_ref"]]["name"] for o in police} == {"Orlov", "Kessler"}
    assert objs[police[0]["source_ref"]]["identity_class"] == "organization"


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nquads", "jsonld", "graphml", "gexf", "csv",
                                 "stix"])
def test_the_same_graph_exports_byte_for_byte_the_same(fmt: str, tmp_path: Path) -> None:
    first = export_graph(sample_graph(), fmt, tmp_path / "a" / "out")
    again = export_graph(sample_graph(), fmt, tmp_path / "b" / "out")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]


def test_unknown_format_is_a_clear_error(chain: Graph, out: Path) -> None:
    with pytest.raises(OutputError, match="graphml"):
        export_graph(chain, "xlsx", out / "x")


def test_unwritable_place_is_an_output_error_and_leaves_nothing(chain: Graph,
                                                                 tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError):
        export_graph(chain, "csv", blocker / "csv")
    assert blocker.read_text() == "not a folder"


def test_redact_replaces_private_persons_with_stable_pseudonyms(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "turtle", out / "redacted.ttl", redact=True)
    text = path.read_text(encoding="utf-8")
    for name in ("Orlov", "Kessler", "orlov", "kessler", "clerk Orlov"):
        assert name not in text
    orlov = _person(chain, "Orlov")
    assert pseudonym(orlov) in text and pseudonym(orlov).startswith("Person-")
    again = export_graph(sample_graph(), "turtle", out / "again.ttl", redact=True)[0]
    assert again.read_text(encoding="utf-8") == text


def test_redact_keeps_agencies_companies_and_officials(chain: Graph, out: Path) -> None:
    [path] = export_graph(chain, "turtle", out / "redacted.ttl", redact=True)
    text = path.read_text(encoding="utf-8")
    for kept in ("Rivertown police", "Brightmart", "Wynn", "retirees", "second gang"):
        assert kept in text
    assert {str(chain.value(p, RDFS.label)) for p in private_persons(chain)} == {"Orlov",
                                                                                "Kessler"}


def test_redact_applies_to_every_format(chain: Graph, out: Path) -> None:
    for fmt in ("stix", "graphml", "csv", "nquads"):
        for path in export_graph(chain, fmt, out / fmt, redact=True):
            assert "Orlov" not in path.read_text(encoding="utf-8"), fmt


def test_library_api_and_cli_export(tmp_path: Path) -> None:
    graph = write_sample_graph(tmp_path)
    assert kg.export(graph, "nt", tmp_path / "g.nt")[0].stat().st_size > 0
    res = CliRunner().invoke(app, ["export", str(graph), "-f", "stix", "-o",
                                   str(tmp_path / "b.json"), "--redact"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == str(tmp_path / "b.json")
    bad = CliRunner().invoke(app, ["export", str(graph), "-f", "docx"])
    assert bad.exit_code == 2 and bad.output.startswith("error: unknown export format")
