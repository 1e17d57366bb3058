"""kg serve: a read-only SPARQL 1.1 endpoint a real client (SPARQLWrapper) can use, and that
refuses writes, stays on loopback, stops runaway queries and survives a flood."""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph
from sample_chain import write_sample_graph
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.errors import InputError
from kg.serve import ServeConfig, SparqlServer, negotiate

LABELS = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?x ?label WHERE { ?x rdfs:label ?label } ORDER BY ?label")
# A cross product of the whole graph with itself four times: never finishes in time.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CAP = 40


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_graph(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def server(graph_file: Path) -> Iterator[SparqlServer]:
    config = ServeConfig(port=0, timeout_s=2.0, result_cap=CAP, workers=2, max_connections=16,
                         ontology=(graph_file,))
    with SparqlServer(graph_file, config) as s:
        yield s


def _client(server: SparqlServer, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setTimeout(30)
    return client


def _http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_binds_loopback_by_default(server: SparqlServer) -> None:
    assert ServeConfig().host == "127.0.0.1"
    assert server.httpd.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_sparqlwrapper_select_as_json(server: SparqlServer) -> None:
    doc = _client(server, LABELS).queryAndConvert()
    labels = [b["label"]["value"] for b in doc["results"]["bindings"]]
    assert "Orlov" in labels and "Rivertown police" in labels


def test_sparqlwrapper_select_as_xml_and_csv(server: SparqlServer) -> None:
    xml = _client(server, LABELS, XML).queryAndConvert()
    assert any(n.firstChild.data == "Orlov" for n in xml.getElementsByTagName("literal"))
    text = _client(server, LABELS, CSV).queryAndConvert().decode("utf-8")
    assert text.splitlines()[0] == "x,label" and "Orlov" in text


def test_sparqlwrapper_posts_a_query(server: SparqlServer) -> None:
    client = _client(server, "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> \"Orlov\" }")
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)
    assert client.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_construct_as_turtle(server: SparqlServer) -> None:
    client = _client(server, "PREFIX dt: <https://w3id.org/datatrade-kg/ontology#> "
                             "CONSTRUCT { ?m dt:amount ?a } WHERE { ?m dt:amount ?a }", TURTLE)
    g = Graph().parse(data=client.queryAndConvert().decode("utf-8"), format="turtle")
    assert len(g) == 3


def test_sparqlwrapper_update_is_refused(server: SparqlServer) -> None:
    client = SPARQLWrapper(server.url, updateEndpoint=server.url)
    client.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> \"c\" }")
    client.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as err:
        client.query()
    assert err.value.code == 403
    count = _client(server, "ASK { <http://example.org/a> ?p ?o }").queryAndConvert()
    assert count["boolean"] is False


@pytest.mark.parametrize("query", [
    "LOAD <file:///etc/passwd>",
    "CLEAR DEFAULT",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_load_service_and_from_are_refused(server: SparqlServer, query: str) -> None:
    status, _, body = _http(server.url + "?" + urllib.parse.urlencode({"query": query}))
    assert status == 403, body


def test_update_by_form_or_content_type_is_refused(server: SparqlServer) -> None:
    form = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    assert _http(server.url, data=form,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert _http(server.url, data=b"CLEAR ALL",
                 headers={"Content-Type": "application/sparql-update"})[0] == 403


def test_malformed_query_is_a_400_that_says_where(server: SparqlServer) -> None:
    with pytest.raises(QueryBadFormed) as err:
        _client(server, "SELECT ?x WHERE { ?x ").query()
    assert "line 1" in str(err.value)


def test_foreign_host_header_is_refused_on_loopback(server: SparqlServer) -> None:
    url = server.url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    assert _http(url, headers={"Host": "evil.example:80"})[0] == 403
    assert _http(url, headers={"Host": "localhost"})[0] == 200


def test_oversized_query_is_refused(server: SparqlServer) -> None:
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000).encode()
    status, _, _ = _http(server.url, data=big, headers={"Content-Type": "application/sparql-query"})
    assert status == 413


def test_content_negotiation_picks_the_best_acceptable_type() -> None:
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", "SELECT")[1] == "xml"
    assert negotiate("*/*", "SELECT")[1] == "json"
    assert negotiate("*/*", "CONSTRUCT")[1] == "turtle"
    assert negotiate("image/png", "SELECT") is None


def test_unacceptable_type_is_a_406(server: SparqlServer) -> None:
    url = server.url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    assert _http(url, headers={"Accept": "image/png"})[0] == 406


def test_result_cap_cuts_long_answers_and_says_so(server: SparqlServer) -> None:
    url = server.url + "?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, headers, body = _http(url, headers={"Accept": "text/csv"})
    assert status == 200
    assert len(body.decode().splitlines()) == CAP + 1
    assert headers["X-Result-Truncated"].startswith("true")


def test_runaway_query_times_out_and_the_endpoint_keeps_answering(server: SparqlServer) -> None:
    started = time.monotonic()
    status, _, body = _http(server.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
    assert status == 503 and b"longer than" in body
    assert time.monotonic() - started < 10
    doc = _client(server, "ASK { ?s ?p ?o }").queryAndConvert()
    assert doc["boolean"] is True


def test_a_flood_of_concurrent_queries_does_not_take_it_down(server: SparqlServer) -> None:
    url = server.url + "?" + urllib.parse.urlencode({"query": LABELS})

    def one(_: int) -> int:
        try:
            return _http(url, headers={"Accept": "text/csv"})[0]
        except (OSError, http.client.HTTPException):
            return -1

    with ThreadPoolExecutor(max_workers=48) as pool:  # three times the connection slots
        statuses = list(pool.map(one, range(300)))
    assert set(statuses) <= {200, 503, -1}
    assert statuses.count(200) >= 250
    assert statuses.count(-1) <= 5
    assert _client(server, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True


def test_connections_past_the_limit_get_a_quick_503(graph_file: Path) -> None:
    config = ServeConfig(port=0, timeout_s=1.5, workers=1, max_connections=1,
                         ontology=(graph_file,))
    with SparqlServer(graph_file, config) as small, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(_http, small.url + "?" + urllib.parse.urlencode({"query": RUNAWAY}))
        time.sleep(0.5)
        started = time.monotonic()
        status, _, body = _http(small.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
        assert status == 503 and b"too many" in body
        assert time.monotonic() - started < 1.0
        assert slow.result()[0] == 503


def test_missing_graph_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="graph not found"):
        SparqlServer(tmp_path / "none.ttl", ServeConfig(port=0))


def test_cli_prints_its_url_and_answers(graph_file: Path) -> None:
    proc = subprocess.Popen([str(Path(sys.executable).parent / "kg"), "serve", str(graph_file),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("SPARQL endpoint: http://127.0.0.1:"), proc.stderr.read()
        url = line.split()[2]
        doc = SPARQLWrapper(url, returnFormat=JSON)
        doc.setQuery("ASK { ?s ?p ?o }")
        assert doc.queryAndConvert()["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(10)
