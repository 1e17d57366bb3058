"""Stores behind one interface: rdflib in memory, pyoxigraph on disk, a real remote server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from sample_chain import sample_graph, write_sample_graph
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError, StoreError
from kg.sparql import run_query, saved_queries
from kg.store import MemoryStore, OxigraphStore, RemoteStore, open_store

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _norm(rows: tuple) -> list[tuple]:
    """Rows by value, in a stable order: engines differ in lexical forms, in row order and in
    the order GROUP_CONCAT joins values."""
    def cell(t: object) -> object:
        if isinstance(t, Literal):
            value = t.toPython()
            if isinstance(value, int | float) or hasattr(value, "is_nan"):
                return float(value)
            return " | ".join(sorted(str(value).split(" | ")))
        return str(t) if t is not None else ""
    return sorted((tuple(cell(t) for t in row) for row in rows), key=repr)


@pytest.fixture(scope="module")
def chain() -> Graph:
    return sample_graph()


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample_graph(tmp_path_factory.mktemp("store"))


@pytest.fixture()
def oxigraph_server(tmp_path: Path) -> Iterator[str]:
    """A real `oxigraph serve` on a free loopback port; yields its query URL."""
    if not OXIGRAPH.exists():
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(tmp_path / "db"),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode()[:300]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def oxigraph_chain(chain: Graph) -> OxigraphStore:
    store = OxigraphStore(None)
    store.load(chain)
    return store


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_memory_and_oxigraph_give_the_same_answers(name: str, chain: Graph,
                                                   oxigraph_chain: OxigraphStore) -> None:
    assert len(oxigraph_chain) == len(chain)
    mem = run_query(name, store=MemoryStore(chain))
    fast = run_query(name, store=oxigraph_chain)
    assert mem.variables == fast.variables
    assert _norm(mem.rows) == _norm(fast.rows)
    assert mem.rows


@pytest.mark.parametrize("name,params", [("case_chain", {"source": "a.txt"}),
                                         ("evidence_for_entity", {"label": "Kessler"})])
def test_memory_and_oxigraph_agree_on_one_case(name: str, params: dict[str, str], chain: Graph,
                                               oxigraph_chain: OxigraphStore) -> None:
    mem = run_query(name, store=MemoryStore(chain), params=params)
    fast = run_query(name, store=oxigraph_chain, params=params)
    assert _norm(mem.rows) == _norm(fast.rows)
    assert 0 < len(mem.rows) < len(run_query(name, store=MemoryStore(chain)).rows)


def test_oxigraph_store_keeps_the_graph_on_disk(chain_file: Path, tmp_path: Path) -> None:
    spec = f"oxigraph:{tmp_path / 'db'}"
    run_query(COUNT, graph=chain_file, store=spec)  # loads, queries, closes
    reopened = open_store(spec, read_only=True)
    n = run_query(COUNT, store=reopened).rows[0][0]
    assert n is not None and int(n) >= len(sample_graph())


def test_read_only_store_that_does_not_exist_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no oxigraph store"):
        open_store(f"oxigraph:{tmp_path / 'missing'}", read_only=True)


@pytest.mark.parametrize("spec", ["mysql://db", "oxigraph:", "ftp://example.org/sparql"])
def test_unknown_store_spec_is_a_store_error(spec: str) -> None:
    with pytest.raises(StoreError):
        open_store(spec)


def test_remote_store_loads_over_graph_store_protocol_and_answers(oxigraph_server: str,
                                                                  chain: Graph) -> None:
    store = RemoteStore(oxigraph_server)
    store.load(chain)
    assert len(store) == len(chain)
    local = run_query("money_by_role", store=MemoryStore(chain))
    remote = run_query("money_by_role", store=store)
    assert remote.variables == local.variables
    assert _norm(remote.rows) == _norm(local.rows)


def test_remote_store_falls_back_to_sparql_update(oxigraph_server: str, chain: Graph) -> None:
    base = oxigraph_server.removesuffix("/query")
    store = RemoteStore(oxigraph_server, gsp_url=f"{base}/no-such-store",
                        update_url=f"{base}/update")
    store.load(chain)
    assert len(store) == len(chain)
    ask = run_query("ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> \"Orlov\" }",
                    store=store)
    assert ask.boolean is True


def test_remote_construct_comes_back_as_triples(oxigraph_server: str, chain: Graph) -> None:
    store = RemoteStore(oxigraph_server)
    store.load(chain)
    result = run_query("PREFIX dt: <https://w3id.org/datatrade-kg/ontology#> "
                       "CONSTRUCT { ?m dt:amount ?a } WHERE { ?m dt:amount ?a }", store=store)
    assert len(result.triples) == 3


def test_remote_server_refusing_a_query_is_a_query_error(oxigraph_server: str) -> None:
    from kg.store import PreparedQuery

    with pytest.raises(QueryError):  # valid for rdflib, refused by Oxigraph: unbound group key
        RemoteStore(oxigraph_server).query(
            PreparedQuery("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?p", "SELECT"))


def test_unreachable_server_is_a_one_line_store_error() -> None:
    store = RemoteStore(f"http://127.0.0.1:{_free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach") as err:
        run_query(COUNT, store=store)
    assert "\n" not in str(err.value)


def test_cli_loads_into_a_shared_server_then_queries_it(oxigraph_server: str,
                                                       chain_file: Path) -> None:
    runner = CliRunner()
    loaded = runner.invoke(app, ["export", str(chain_file), "--store", oxigraph_server])
    assert loaded.exit_code == 0, loaded.output
    res = runner.invoke(app, ["query", "channels_by_activity", "--store", oxigraph_server,
                              "-f", "csv"])
    assert res.exit_code == 0, res.output
    assert "darknet forum" in res.output
