"""`kg validate`: a well-formed graph conforms; each kind of malformation is named by node and
rule; warnings never fail; the seed graph conforms and uses only terms the ontology defines."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import InputError
from kg.namespaces import DT
from kg.ontology import load_model
from kg.settings import PROJECT_DIR, Settings
from kg.validate import validate_graph

PREFIXES = """
@prefix dt: <https://w3id.org/datatrade-kg/ontology#> .
@prefix dtc: <https://w3id.org/datatrade-kg/concept/> .
@prefix dti: <https://w3id.org/datatrade-kg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""
# A small graph written by hand, independent of the graph writer: one article, one sale.
# One triple a line, so a test can drop any line and still have valid Turtle.
VALID = PREFIXES + r"""
dti:article\/a1 a schema:NewsArticle, prov:Entity .
dti:article\/a1 rdfs:label "Invented story" .
dti:article\/a1 dt:sha256 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" .
dti:article\/a1 dt:sourcePath "story.txt" .
dti:article\/a1 schema:datePublished "2021-05-04"^^xsd:date .
dti:evidence\/a1\/0-40 a dt:Evidence .
dti:evidence\/a1\/0-40 dt:sentence "Moss sold 900 phone numbers on WeChat." .
dti:evidence\/a1\/0-40 dt:startOffset 0 .
dti:evidence\/a1\/0-40 dt:endOffset 40 .
dti:evidence\/a1\/0-40 dt:inArticle dti:article\/a1 .
dti:person\/a1\/moss a dt:Person, dt:Seller .
dti:person\/a1\/moss rdfs:label "Moss" .
dti:person\/a1\/moss prov:wasDerivedFrom dti:article\/a1 .
dti:person\/a1\/moss dt:evidence dti:evidence\/a1\/0-40 .
dtc:data\/telephone-number a dt:PersonalDataCategory .
dtc:data\/telephone-number skos:prefLabel "phone numbers" .
dtc:data\/telephone-number prov:wasDerivedFrom dti:article\/a1 .
dtc:channel\/wechat a dt:Channel .
dtc:channel\/wechat skos:prefLabel "WeChat" .
dtc:channel\/wechat prov:wasDerivedFrom dti:article\/a1 .
dti:event\/a1\/sale-0 a dt:SaleEvent .
dti:event\/a1\/sale-0 rdfs:label "sale" .
dti:event\/a1\/sale-0 dt:seller dti:person\/a1\/moss .
dti:event\/a1\/sale-0 dt:dataCategory dtc:data\/telephone-number .
dti:event\/a1\/sale-0 dt:channel dtc:channel\/wechat .
dti:event\/a1\/sale-0 dt:recordCount 900 .
dti:event\/a1\/sale-0 dt:money dti:event\/a1\/sale-0\/money-0 .
dti:event\/a1\/sale-0 dt:time dti:event\/a1\/sale-0\/time .
dti:event\/a1\/sale-0 dt:claimStatus dtc:claim-status\/alleged .
dti:event\/a1\/sale-0 dt:evidence dti:evidence\/a1\/0-40 .
dti:event\/a1\/sale-0 prov:wasDerivedFrom dti:article\/a1 .
dti:event\/a1\/sale-0\/money-0 a dt:MonetaryAmount, schema:MonetaryAmount .
dti:event\/a1\/sale-0\/money-0 dt:amount 450.5 .
dti:event\/a1\/sale-0\/money-0 dt:currency "CNY" .
dti:event\/a1\/sale-0\/money-0 dt:moneyRole dtc:money-role\/price .
dti:event\/a1\/sale-0\/time a dt:TimeSpec .
dti:event\/a1\/sale-0\/time dt:timeText "in early 2020" .
dti:event\/a1\/sale-0\/time dt:startDate "2020-01" .
dti:event\/a1\/sale-0\/time dt:endDate "2020-04" .
"""
SALE = "dti:event/a1/sale-0"
MONEY = "dti:event/a1/sale-0/money-0"
EVIDENCE = "dti:evidence/a1/0-40"


def _graph(extra: str = "", drop: tuple[str, ...] = ()) -> Graph:
    """The valid graph, with whole lines holding any `drop` text removed and `extra` added."""
    text = "\n".join(line for line in VALID.splitlines() if not any(d in line for d in drop))
    g = Graph()
    g.parse(data=text + "\n" + PREFIXES + extra, format="turtle")
    return g


def test_hand_written_graph_conforms_with_no_finding_at_all():
    report = validate_graph(_graph())
    assert report.conforms and report.results == (), report.lines()


@pytest.mark.parametrize("name, extra, drop, focus, rule", [
    ("negative record count", "dti:event\\/a1\\/sale-0 dt:recordCount -3 .", (),
     SALE, "dtsh:ChainElement-recordCount"),
    ("record count as text", 'dti:event\\/a1\\/sale-0 dt:recordCount "many" .', (),
     SALE, "dtsh:ChainElement-recordCount"),
    ("currency not ISO 4217", 'dti:event\\/a1\\/sale-0\\/money-0 dt:currency "yuan" .',
     ('dt:currency "CNY"',), MONEY, "dtsh:Money-currency"),
    ("two amounts", "dti:event\\/a1\\/sale-0\\/money-0 dt:amount 12.0 .", (),
     MONEY, "dtsh:Money-amount"),
    ("amount as text", 'dti:x dt:amount "ten" ; dt:currency "USD" .', (),
     "dti:x", "dtsh:Money-amount"),
    ("money role outside its scheme", "dti:event\\/a1\\/sale-0\\/money-0 dt:moneyRole dtc:x .", (),
     MONEY, "dtsh:Money-role"),
    ("offsets the wrong way round", "dti:evidence\\/a1\\/0-40 dt:startOffset 50 .",
     ("dt:startOffset 0",), EVIDENCE, "dtsh:Evidence-offsetOrder"),
    ("evidence without article", "", ("dt:inArticle",), EVIDENCE, "dtsh:Evidence-article"),
    ("event without evidence", "", ("sale-0 dt:evidence",),
     SALE, "dtsh:ChainElement-evidence"),
    ("claim status outside its scheme",
     "dti:event\\/a1\\/sale-0 dt:claimStatus dtc:claim-status\\/rumoured .", (),
     SALE, "dtsh:ChainElement-claimStatus"),
    ("unknown concept id", 'dtc:data\\/shoe-size a dt:PersonalDataCategory ; skos:prefLabel "x" .',
     (), "dtc:data/shoe-size", "dtsh:SchemeConcept-data"),
    ("concept of another scheme", 'dtc:channel\\/qq a dt:LeakMethod ; skos:prefLabel "QQ" .',
     (), "dtc:channel/qq", "dtsh:SchemeConcept-method"),
    ("entity without a name", "dti:person\\/a1\\/x a dt:Insider .", (),
     "dti:person/a1/x", "dtsh:NamedEntityShape"),
    ("literal participant", 'dti:event\\/a1\\/sale-0 dt:buyer "Ray" .', (),
     SALE, "dtsh:NodeLinkShape/dt:buyer"),
    ("malformed date", 'dti:event\\/a1\\/sale-0\\/time dt:endDate "spring" .',
     ('dt:endDate "2020-04"',), "dti:event/a1/sale-0/time", "dtsh:Time-end"),
    ("article digest not hex", 'dti:article\\/a1 dt:sha256 "nope" .', ("dt:sha256",),
     "dti:article/a1", "dtsh:ArticleShape/dt:sha256"),
])
def test_malformed_graph_is_rejected_naming_node_and_rule(name, extra, drop, focus, rule):
    report = validate_graph(_graph(extra, drop))
    assert not report.conforms, name
    hits = [r for r in report.violations if r.focus == focus and r.shape == rule]
    assert hits, f"{name}: no violation of {rule} on {focus}: {report.lines()}"
    line = hits[0].line()
    assert line.startswith("Violation: ") and focus in line and f"[{rule}]" in line


@pytest.mark.parametrize("name, extra, drop, rule", [
    ("sale without seller", "", ("dt:seller dti:person",), "dtsh:SaleEventShape/dt:seller"),
    ("seller not typed as one", "dti:person\\/a1\\/ray a dt:Person ; rdfs:label \"Ray\" ; "
     "prov:wasDerivedFrom dti:article\\/a1 . "
     "dti:event\\/a1\\/sale-0 dt:seller dti:person\\/a1\\/ray .",
     (), "dtsh:ParticipantTypeShape/dt:seller"),
    ("money without role", "", ("dt:moneyRole",), "dtsh:Money-roleGiven"),
])
def test_what_the_extractor_cannot_always_find_warns_but_conforms(name, extra, drop, rule):
    report = validate_graph(_graph(extra, drop))
    assert report.conforms, f"{name}: {report.lines()}"
    assert report.violations == ()
    assert any(r.severity == "Warning" and r.shape == rule for r in report.results), report.lines()


def test_results_come_sorted_violations_first_and_deterministic():
    g = _graph("dti:person\\/a1\\/x a dt:Insider . dti:event\\/a1\\/sale-0 dt:recordCount -1 .",
               ("dt:moneyRole",))
    first, second = validate_graph(g), validate_graph(g)
    assert first.lines() == second.lines()
    severities = [r.severity for r in first.results]
    assert severities == sorted(severities, key=["Violation", "Warning", "Info"].index)


def test_validation_leaves_the_callers_graph_untouched():
    g = _graph()
    before = len(g)
    validate_graph(g)
    assert len(g) == before


def test_missing_ontology_folder_is_a_clear_input_error(tmp_path):
    with pytest.raises(InputError, match="not found.*KG_ONTOLOGY"):
        validate_graph(_graph(), Settings(ontology_dir=tmp_path))


# --- the command ----------------------------------------------------------------------------

def test_cli_validate_exits_0_on_a_conforming_graph(tmp_path):
    path = tmp_path / "graph.ttl"
    _graph().serialize(path, format="turtle")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_cli_validate_exits_1_and_prints_one_line_per_violation(tmp_path):
    path = tmp_path / "graph.ttl"
    _graph("dti:evidence\\/a1\\/0-40 dt:startOffset 50 .", ("dt:startOffset 0",)).serialize(
        path, format="turtle")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(ln.startswith("Violation: dti:evidence/a1/0-40 dt:startOffset "
                             "[dtsh:Evidence-offsetOrder]") for ln in lines), result.output
    assert "does not conform: 1 violation(s)" in result.output


@pytest.mark.parametrize("content", [None, "this is @@ not turtle"])
def test_cli_validate_on_a_missing_or_broken_file_is_one_line_exit_2(tmp_path, content):
    path = tmp_path / "graph.ttl"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and "Traceback" not in result.output


# --- the seed graph ------------------------------------------------------------------------

SEEDS = PROJECT_DIR / "seeds"
COMPETENCY_DIR = PROJECT_DIR.parent / "shared" / "contract" / "competency"


@pytest.fixture(scope="module")
def seed_graph_path(tmp_path_factory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip("no seeds/ folder")
    out = tmp_path_factory.mktemp("seed-build")
    kg.build([SEEDS], out)
    return out / "graph.ttl"


@pytest.mark.slow
def test_seed_graph_conforms_to_the_shapes(seed_graph_path):
    report = validate_graph(seed_graph_path)
    assert report.conforms, "\n".join(r.line() for r in report.violations)


@pytest.mark.slow
def test_seed_graph_uses_only_dt_terms_the_ontology_defines(seed_graph_path):
    g = Graph().parse(seed_graph_path, format="turtle")
    model = load_model()
    used = {t for triple in g for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(DT))}
    undefined = {t for t in used if (t, None, None) not in model}
    assert undefined == set(), sorted(undefined)


@pytest.mark.slow
@pytest.mark.skipif(not COMPETENCY_DIR.is_dir(), reason="shared/contract/competency not present")
def test_every_competency_query_runs_on_the_seed_graph_with_the_ontology(seed_graph_path):
    g = Graph().parse(seed_graph_path, format="turtle")
    g += load_model()
    answered = 0
    for q in sorted(COMPETENCY_DIR.glob("*.rq")):
        result = g.query(q.read_text(encoding="utf-8"))
        rows = list(result)
        assert all(len(row) == len(result.vars) for row in rows), q.name
        answered += bool(rows)
    assert answered > 0
