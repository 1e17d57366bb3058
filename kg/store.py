"""Where a graph lives: in memory (rdflib), on disk (pyoxigraph) or on a remote SPARQL server.

Every store answers the same two calls, ``query`` and ``load``, so the query layer, the CLI
and the endpoint never care which one they hold. ``open_store(spec)`` picks one by name:
``memory`` (the default), ``oxigraph:DIR`` or ``http(s)://host/path`` (a SPARQL 1.1 query
endpoint; loads go through the Graph Store Protocol, or SPARQL UPDATE when that is missing).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import QueryError, StoreError
from kg.settings import DEFAULT, Settings

Row = tuple[Node | None, ...]
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class PreparedQuery:
    """A query that passed the read-only check: its text, its form and rdflib's algebra."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    algebra: Any = None  # rdflib.plugins.sparql.sparql.Query, reused by the memory store


@dataclass(frozen=True)
class QueryResult:
    """What any store returns: rows for SELECT, a boolean for ASK, triples for graph forms."""

    form: str
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[Triple, ...] = ()
    truncated: bool = False  # the result cap cut it short

    def __len__(self) -> int:
        return len(self.rows) if self.form == "SELECT" else len(self.triples)


class Store(Protocol):
    """The one interface every store honours."""

    spec: str

    def query(self, prepared: PreparedQuery, *, limit: int | None = None) -> QueryResult: ...

    def load(self, source: Graph | Path) -> int: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


def _capped(items: Any, limit: int | None) -> tuple[list[Any], bool]:
    """Take at most ``limit`` items from a lazy iterator and say whether more were left."""
    out: list[Any] = []
    for item in items:
        if limit is not None and len(out) >= limit:
            return out, True
        out.append(item)
    return out, False


class MemoryStore:
    """rdflib's in-memory graph: no setup, fine for the seed-sized graphs."""

    spec = "memory"

    def __init__(self, graph: Graph | None = None) -> None:
        from kg.graph import new_graph

        self.graph = graph if graph is not None else new_graph()

    def query(self, prepared: PreparedQuery, *, limit: int | None = None) -> QueryResult:
        try:
            res = self.graph.query(prepared.algebra if prepared.algebra is not None
                                   else prepared.text)
            if res.type == "ASK":
                return QueryResult("ASK", boolean=bool(res.askAnswer))
            if res.type in ("CONSTRUCT", "DESCRIBE"):
                triples, cut = _capped(sorted(res.graph), limit)
                return QueryResult(prepared.form, triples=tuple(triples), truncated=cut)
            names = tuple(str(v) for v in (res.vars or ()))
            rows, cut = _capped((tuple(r) for r in res), limit)
        except Exception as e:  # rdflib raises many types for evaluation errors
            raise QueryError(f"query failed: {_first_line(e)}") from e
        return QueryResult("SELECT", variables=names, rows=tuple(rows), truncated=cut)

    def load(self, source: Graph | Path) -> int:
        if isinstance(source, Graph):
            before = len(self.graph)
            self.graph += source
            return len(self.graph) - before
        from kg.graph import load_turtle

        return self.load(load_turtle(Path(source)))

    def __len__(self) -> int:
        return len(self.graph)

    def close(self) -> None:
        return None


# --- pyoxigraph --------------------------------------------------------------------------


def _from_ox(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term the rest of the code speaks."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dtype = term.datatype.value
        return Literal(term.value, datatype=None if dtype == str(XSD.string) else URIRef(dtype))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise QueryError(f"unsupported term in result: {term!r}")


class _Converter:
    """pyoxigraph terms -> rdflib terms, each distinct term built once (rdflib's Literal
    constructor is the slow part of a big answer, and labels and concepts repeat)."""

    def __init__(self) -> None:
        self.seen: dict[Any, Node | None] = {}

    def __call__(self, term: Any) -> Node | None:
        if term is None:
            return None
        hit = self.seen.get(term)
        if hit is None:
            hit = self.seen[term] = _from_ox(term)
        return hit


def _guess_rdf_format(path: Path) -> Any:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".") or "ttl")
    if fmt is None:
        raise StoreError(f"cannot tell the RDF format of {path} from its suffix")
    return fmt


class OxigraphStore:
    """pyoxigraph: an embedded store, on disk (``oxigraph:DIR``) or in memory; much faster."""

    def __init__(self, directory: Path | None = None, *, read_only: bool = False) -> None:
        import pyoxigraph as ox

        self.directory = directory
        self.spec = f"oxigraph:{directory}" if directory else "oxigraph"
        try:
            if directory is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(directory))
            else:
                directory.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(directory))
        except OSError as e:
            raise StoreError(f"cannot open oxigraph store {directory}: {_first_line(e)}") from e

    def query(self, prepared: PreparedQuery, *, limit: int | None = None) -> QueryResult:
        try:
            # Named graphs (an N-Quads load) are seen as one default graph, like rdflib's union.
            res = self.store.query(prepared.text, use_default_graph_as_union=True)
            if prepared.form == "ASK":
                return QueryResult("ASK", boolean=bool(res))
            if prepared.form in ("CONSTRUCT", "DESCRIBE"):
                conv = _Converter()
                triples, cut = _capped(
                    ((conv(t.subject), conv(t.predicate), conv(t.object)) for t in res), limit)
                return QueryResult(prepared.form, triples=tuple(triples), truncated=cut)
            names = tuple(v.value for v in res.variables)
            conv, width = _Converter(), range(len(names))
            rows, cut = _capped((tuple(conv(s[i]) for i in width) for s in res), limit)
        except (SyntaxError, OSError, ValueError, RuntimeError) as e:
            raise QueryError(f"query failed: {_first_line(e)}") from e
        return QueryResult("SELECT", variables=names, rows=tuple(rows), truncated=cut)

    def load(self, source: Graph | Path) -> int:
        import pyoxigraph as ox

        before = len(self.store)
        try:
            if isinstance(source, Graph):
                data = source.serialize(format="nt", encoding="utf-8")
                self.store.load(data, format=ox.RdfFormat.N_TRIPLES)
            else:
                path = Path(source)
                if not path.exists():
                    raise StoreError(f"graph not found: {path}")
                loader = self.store.bulk_load if self.directory else self.store.load
                loader(path=str(path), format=_guess_rdf_format(path))
            self.store.flush()
        except (SyntaxError, OSError, ValueError) as e:
            raise StoreError(f"cannot load into {self.spec}: {_first_line(e)}") from e
        return len(self.store) - before

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        self.store = None  # pyoxigraph closes the database when the object is freed


# --- remote SPARQL 1.1 server ------------------------------------------------------------

_NT = "application/n-triples"
_JSON_RESULTS = "application/sparql-results+json"


class RemoteStore:
    """A SPARQL 1.1 server a team shares: query over the Protocol, load over GSP or UPDATE."""

    def __init__(self, url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 settings: Settings = DEFAULT) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise StoreError(f"not an http(s) SPARQL endpoint: {url}")
        self.spec = url
        self.timeout = settings.query_timeout_s
        base = url[: -len("query")] if url.rstrip("/").endswith("/query") else None
        # Servers that split their endpoints (Oxigraph, Fuseki) name them /query /update /store;
        # single-endpoint servers take updates on the query URL itself.
        self.update_url = update_url or (base + "update" if base else url)
        self.gsp_urls = [gsp_url] if gsp_url else ([base + "store", base + "data"] if base else [])

    def _send(self, url: str, body: bytes, ctype: str, accept: str, timeout: float) -> bytes:
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": ctype, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (http(s) only)
                return resp.read()
        except urllib.error.HTTPError as e:
            detail = _first_line(e.read().decode("utf-8", "replace")) or e.reason
            if e.code in (400, 403) and "query" in ctype:
                raise QueryError(f"{url} refused the query ({e.code}): {detail}") from e
            raise StoreError(f"{url} answered {e.code}: {detail}") from e
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise StoreError(f"cannot reach {url}: {reason}") from e

    def query(self, prepared: PreparedQuery, *, limit: int | None = None) -> QueryResult:
        graph_form = prepared.form in ("CONSTRUCT", "DESCRIBE")
        body = self._send(self.spec, prepared.text.encode("utf-8"), "application/sparql-query",
                          _NT if graph_form else _JSON_RESULTS, self.timeout)
        if graph_form:
            g = Graph()
            try:
                g.parse(data=body.decode("utf-8"), format="nt")
            except Exception as e:  # rdflib raises many types for bad syntax
                raise StoreError(f"{self.spec} sent unreadable triples: {_first_line(e)}") from e
            triples, cut = _capped(sorted(g), limit)
            return QueryResult(prepared.form, triples=tuple(triples), truncated=cut)
        return _parse_json_results(body, limit, self.spec)

    def load(self, source: Graph | Path) -> int:
        if not isinstance(source, Graph):
            from kg.graph import load_turtle

            source = load_turtle(Path(source))
        data = source.serialize(format="nt", encoding="utf-8")
        for url in self.gsp_urls:
            try:
                self._send(url + "?default", data, _NT, "*/*", self.timeout * 10)
                return len(source)
            except StoreError as e:
                if not any(f" {code}:" in str(e) for code in (404, 405, 415)):
                    raise
        self._insert_data(data.decode("utf-8").splitlines())
        return len(source)

    def _insert_data(self, lines: list[str], chunk: int = 5000) -> None:
        """SPARQL UPDATE in chunks; N-Triples lines are valid triples inside INSERT DATA."""
        for i in range(0, len(lines), chunk):
            text = "INSERT DATA {\n" + "\n".join(lines[i : i + chunk]) + "\n}"
            self._send(self.update_url, text.encode("utf-8"), "application/sparql-update", "*/*",
                       self.timeout * 10)

    def __len__(self) -> int:
        res = self.query(PreparedQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT"))
        return int(res.rows[0][0].toPython()) if res.rows else 0  # type: ignore[union-attr]

    def close(self) -> None:
        return None


def _parse_json_results(body: bytes, limit: int | None, source: str) -> QueryResult:
    """SPARQL 1.1 JSON results -> QueryResult."""
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise StoreError(f"{source} sent results that are not JSON: {_first_line(e)}") from e
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]))
    names = tuple(doc.get("head", {}).get("vars", []))
    bindings = doc.get("results", {}).get("bindings", [])
    rows, cut = _capped((tuple(_from_json(b.get(n)) for n in names) for b in bindings), limit)
    return QueryResult("SELECT", variables=names, rows=tuple(rows), truncated=cut)


def _from_json(cell: dict[str, str] | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    dtype = cell.get("datatype")
    if dtype in (None, str(XSD.string)) or dtype == str(RDF.langString):
        return Literal(value)
    return Literal(value, datatype=URIRef(dtype))


def _first_line(e: object) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def open_store(spec: str | None = None, *, settings: Settings = DEFAULT,
               read_only: bool = False) -> Store:
    """The store a spec names: ``memory`` (default), ``oxigraph:DIR`` or an http(s) URL."""
    spec = (spec or "memory").strip()
    if spec == "memory":
        return MemoryStore()
    if spec == "oxigraph":
        return OxigraphStore(None)
    if spec.startswith("oxigraph:"):
        path = spec[len("oxigraph:") :]
        if not path:
            raise StoreError("oxigraph: needs a folder, e.g. --store oxigraph:out/store")
        directory = Path(path).expanduser()
        if read_only and not directory.is_dir():
            raise StoreError(f"no oxigraph store at {directory}")
        return OxigraphStore(directory, read_only=read_only)
    if spec.startswith(("http://", "https://")):
        return RemoteStore(spec, settings=settings)
    raise StoreError(f"unknown store {spec!r}: use memory, oxigraph:DIR or an http(s) URL")
