"""kg query: saved, file and inline SPARQL; read-only checks; output formats; the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.query import Result
from sample_chain import sample_graph, write_sample_graph
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import QueryError
from kg.results import FORMATS, format_result
from kg.sparql import (
    RefusedQuery,
    bind_params,
    check_query,
    describe,
    run_query,
    saved_queries,
)

SAVED = sorted(saved_queries())
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The seed articles built once per session, with the ontology model, ready to query."""
    from kg.sparql import load_for_query

    out = tmp_path_factory.mktemp("seed-build")
    kg.build([PROJECT / "seeds"], out)
    return load_for_query(out / "graph.ttl")


@pytest.fixture(scope="module")
def chain() -> Graph:
    return sample_graph()


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_graph(tmp_path_factory.mktemp("chain"))


def test_the_library_ships_at_least_eight_saved_queries() -> None:
    assert len(SAVED) >= 8


@pytest.mark.parametrize("name", SAVED)
def test_saved_query_opens_with_a_comment_saying_what_it_answers(name: str) -> None:
    path = saved_queries()[name]
    assert path.read_text(encoding="utf-8").startswith("# ")
    assert len(describe(path)) > 20


@pytest.mark.parametrize("name", SAVED)
def test_saved_query_returns_rows_on_a_hand_made_chain(name: str, chain: Graph) -> None:
    assert len(run_query(name, graph=chain).rows) > 0


@pytest.mark.parametrize("name", SAVED)
def test_saved_query_returns_rows_on_the_seed_graph(name: str, seed_graph: Graph) -> None:
    assert len(run_query(name, graph=seed_graph).rows) > 0


def test_query_is_found_by_name_by_file_and_inline(chain: Graph, tmp_path: Path) -> None:
    text = saved_queries()["money_by_role"].read_text(encoding="utf-8")
    rq = tmp_path / "mine.rq"
    rq.write_text(text, encoding="utf-8")
    by_name = run_query("money_by_role", graph=chain)
    assert run_query(str(rq), graph=chain) == by_name
    assert run_query(text, graph=chain) == by_name


def test_unknown_saved_query_name_lists_the_saved_ones(chain: Graph) -> None:
    with pytest.raises(QueryError, match="money_by_role"):
        run_query("no_such_query", graph=chain)


def test_money_by_role_sums_amounts_per_role_and_currency(chain: Graph) -> None:
    rows = {(str(r[0]), str(r[1])): r[3].toPython() for r in run_query("money_by_role",
                                                                      graph=chain).rows}
    assert rows[("loss", "EUR")] == 80000
    assert rows[("unit-price", "EUR")] == pytest.approx(0.5)


def test_param_fixes_a_variable_to_one_case(chain: Graph) -> None:
    everything = run_query("case_chain", graph=chain)
    one = run_query("case_chain", graph=chain, params={"source": "b.txt"})
    assert 0 < len(one.rows) < len(everything.rows)
    assert {str(r[0]) for r in one.rows} == {"b.txt"}


def test_param_that_looks_like_a_curie_is_bound_as_an_iri(chain: Graph) -> None:
    rows = run_query("evidence_for_entity", graph=chain,
                     params={"node": "dtc:data/phone-number"}).rows
    assert {str(r[2]) for r in rows} == {"a.txt", "b.txt"}


def test_param_goes_first_in_the_where_group_where_engines_start_from_it() -> None:
    text = 'SELECT ?x WHERE { ?x ?p "WHERE { not here" . FILTER(?x != <urn:x:where>) }'
    bound = bind_params(text, {"x": "dtc:data/phone-number"})
    assert bound.startswith("SELECT ?x WHERE {\n  VALUES (?x) { "
                            "(<https://w3id.org/datatrade-kg/concept/data/phone-number>) }")
    check_query(bound)


def test_param_on_a_query_without_a_where_group_goes_at_the_end() -> None:
    bound = bind_params("DESCRIBE ?x", {"x": "plain text"})
    assert bound.rstrip().endswith('VALUES (?x) { ("plain text") }')
    check_query(bound)


def test_param_with_a_bad_name_is_refused(chain: Graph) -> None:
    with pytest.raises(QueryError, match="bad parameter name"):
        run_query("case_chain", graph=chain, params={"so urce": "x"})


def test_malformed_sparql_says_line_and_column_in_one_line(chain: Graph) -> None:
    text = "SELECT ?x WHERE {\n  ?x a ?type .\n  FILTER(?x = ) }"
    with pytest.raises(QueryError) as err:
        run_query(text, graph=chain)
    message = str(err.value)
    assert "\n" not in message
    assert "line 3" in message and "column" in message


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://x.example/> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x.example/> { ?s ?p ?o } } } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_writes_and_reaching_outside_are_refused(text: str, chain: Graph) -> None:
    before = len(chain)
    with pytest.raises(RefusedQuery):
        run_query(text, graph=chain)
    assert len(chain) == before


def test_service_hidden_behind_a_unicode_escape_is_still_refused() -> None:
    with pytest.raises(RefusedQuery):
        check_query("SELECT * WHERE { \\u0053ERVICE <http://x.example/> { ?s ?p ?o } }")


def test_query_forms_are_recognised() -> None:
    assert check_query("ASK { ?s ?p ?o }").form == "ASK"
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"
    assert check_query("DESCRIBE <http://example.org/x>").form == "DESCRIBE"
    assert check_query("SELECT * WHERE { ?s ?p ?o }").form == "SELECT"


def _labels_query() -> str:
    return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label")


def test_csv_output_is_sparql_csv(chain: Graph) -> None:
    text = format_result(run_query(_labels_query(), graph=chain), "csv")
    lines = text.split("\r\n")
    assert lines[0] == "x,label"
    assert any(line.endswith(",Orlov") for line in lines)


def test_tsv_output_writes_terms_in_ntriples_syntax(chain: Graph) -> None:
    lines = format_result(run_query(_labels_query(), graph=chain), "tsv").splitlines()
    assert lines[0] == "?x\t?label"
    assert any(line.startswith("<https://w3id.org/") and line.endswith('\t"Orlov"')
               for line in lines)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_result_formats_parse_back_with_rdflib(fmt: str, chain: Graph) -> None:
    result = run_query(_labels_query(), graph=chain)
    parsed = Result.parse(io.StringIO(format_result(result, fmt)), format=fmt)
    labels = sorted(str(row[1]) for row in parsed)
    assert labels == sorted(str(r[1]) for r in result.rows)


def test_json_output_keeps_datatypes(chain: Graph) -> None:
    doc = json.loads(format_result(run_query("money_by_role", graph=chain), "json"))
    cells = [b["amounts"] for b in doc["results"]["bindings"]]
    assert all(c["datatype"].endswith("#integer") for c in cells)


def test_ask_answers_yes_or_no(chain: Graph) -> None:
    result = run_query("ASK { ?s ?p ?o }", graph=chain)
    assert format_result(result, "table") == "yes"
    assert json.loads(format_result(result, "json"))["boolean"] is True


def test_construct_result_prints_as_rdf(chain: Graph) -> None:
    result = run_query("PREFIX dt: <https://w3id.org/datatrade-kg/ontology#> "
                       "CONSTRUCT { ?m dt:amount ?a } WHERE { ?m dt:amount ?a }", graph=chain)
    assert len(result) == 3
    g = Graph().parse(data=format_result(result, "json"), format="json-ld")
    assert sorted(float(o.toPython()) for o in g.objects()) == [0.5, 15000, 80000]


def test_limit_caps_rows_and_says_so(chain: Graph) -> None:
    result = run_query(_labels_query(), graph=chain, limit=2)
    assert len(result.rows) == 2 and result.truncated
    assert format_result(result).endswith("(2 rows, truncated)")


def test_table_shows_prefixed_names_and_a_row_count(chain: Graph) -> None:
    text = format_result(run_query("channels_by_activity", graph=chain))
    assert "dtc:channel/darknet-forum" in text
    assert text.endswith("(1 row)")


def test_unknown_output_format_is_an_error(chain: Graph) -> None:
    with pytest.raises(QueryError, match="table"):
        format_result(run_query("ASK { ?s ?p ?o }", graph=chain), "yaml")
    assert "table" in FORMATS


def test_label_with_quotes_and_newlines_survives_every_format() -> None:
    g = Graph()
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    nasty = 'say "hi"\n\tthen <b>&amp;</b> \\ done'
    g.add((URIRef("https://w3id.org/datatrade-kg/id/x"), RDFS.label, Literal(nasty)))
    result = run_query(_labels_query(), graph=g)
    for fmt in ("json", "xml", "csv", "tsv"):
        parsed = Result.parse(io.StringIO(format_result(result, fmt)), format=fmt)
        assert [str(r[1]) for r in parsed] == [nasty], fmt


def test_library_api_queries_a_graph_file(chain_file: Path) -> None:
    result = kg.query("channels_by_activity", graph=chain_file)
    assert str(result.rows[0][1]) == "darknet forum"


def test_cli_prints_csv(chain_file: Path) -> None:
    res = CliRunner().invoke(app, ["query", "money_by_role", "-g", str(chain_file), "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "role,currency,amounts,total,smallest,largest"


def test_cli_param_and_list(chain_file: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["query", "case_chain", "-g", str(chain_file), "-p", "source=b.txt",
                              "-f", "tsv"])
    assert res.exit_code == 0 and '"a.txt"' not in res.output and '"b.txt"' in res.output
    listing = runner.invoke(app, ["query", "--list"])
    assert listing.exit_code == 0 and "case_chain" in listing.output


def test_cli_bad_sparql_is_one_line_and_exit_code_two(chain_file: Path) -> None:
    res = CliRunner().invoke(app, ["query", "SELECT ?x WHERE { ?x ", "-g", str(chain_file)])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and res.output.startswith("error: bad SPARQL at line 1")
    assert "Traceback" not in res.output


def test_cli_missing_graph_is_a_clear_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["query", "money_by_role", "-g", str(tmp_path / "none.ttl")])
    assert res.exit_code == 2 and "graph not found" in res.output
