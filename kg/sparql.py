"""SPARQL over a built graph: find the query, check it is a safe read, run it, format the answer.

A query is given as SPARQL text, a ``.rq`` file or the name of a saved query in ``queries/``.
Only reads run: UPDATE, LOAD, SERVICE and FROM (which make an engine write, or fetch from
the network or the file system) are refused before any engine sees the text.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.settings import DEFAULT, Settings
from kg.store import PreparedQuery, QueryResult, Store, open_store

FORMATS = ("table", "csv", "tsv", "json", "xml")


class RefusedQuery(QueryError):
    """A well-formed request this tool will not run: an update, or one reaching outside."""


# --- finding the query ---------------------------------------------------------------------


def saved_queries(settings: Settings = DEFAULT) -> dict[str, Path]:
    """Every saved query by name (file stem)."""
    folder = settings.queries_dir
    return {p.stem: p for p in sorted(folder.glob("*.rq"))} if folder.is_dir() else {}


def describe(path: Path) -> str:
    """What a saved query answers: its opening ``#`` comment, as one line."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def resolve_query(ref: str, settings: Settings = DEFAULT) -> str:
    """SPARQL text from inline text, a .rq file or a saved query's name."""
    ref = ref.strip()
    if not ref:
        raise QueryError("empty query: give SPARQL text, a .rq file or a saved query name")
    if re.search(r"[\s{]", ref) is None:  # one word: a name or a path, never SPARQL
        saved = saved_queries(settings)
        if ref in saved:
            return saved[ref].read_text(encoding="utf-8")
        path = Path(ref).expanduser()
        if path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise QueryError(f"cannot read query file {path}: {e}") from e
        names = ", ".join(saved) or "none"
        raise QueryError(f"no saved query or file named {ref!r} (saved queries: {names})")
    return ref


def param_bindings(params: Mapping[str, str] | None) -> tuple[tuple[str, Node], ...]:
    """Parameters as pre-bound variables: ``source=a.txt`` fixes ?source before the engine
    plans the query, so one case is fast on a big graph."""
    out = []
    for name, value in sorted((params or {}).items()):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}: use a SPARQL variable name")
        out.append((name, _param_term(value)))
    return tuple(out)


def _param_term(value: str) -> Node:
    """An IRI when the value looks like one (full or with our prefixes), else a string."""
    if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        return URIRef(value)
    for prefix, ns in PREFIXES.items():
        if value.startswith(prefix + ":") and re.fullmatch(r"[^\s<>\"{}|\\^`]+", value):
            return URIRef(f"{ns}{value[len(prefix) + 1:]}")
    return Literal(value)


# --- the read-only check -------------------------------------------------------------------


_PARSER_LOCK = threading.Lock()  # rdflib's pyparsing grammar is not thread-safe


@functools.lru_cache(maxsize=512)
def _check_cached(text: str) -> PreparedQuery | QueryError:
    with _PARSER_LOCK:
        return _check(text)


def _check(text: str) -> PreparedQuery | QueryError:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except Exception as parse_error:  # pyparsing's ParseException and friends
        try:
            parseUpdate(text)
        except Exception:
            return QueryError(_syntax_message(text, parse_error))
        return RefusedQuery("SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR ...) is refused: "
                            "the graph is read-only here")
    if _contains(tree, "ServiceGraphPattern"):
        return RefusedQuery("SERVICE is refused: queries may not reach other endpoints")
    if _contains(tree, "DatasetClause"):
        return RefusedQuery("FROM / FROM NAMED is refused: the graph is given by --graph "
                            "or --store, nothing is fetched")
    try:
        algebra = translateQuery(tree)
    except Exception as e:  # rdflib raises plain Exceptions for semantic errors
        return QueryError(f"bad SPARQL: {_first_line(e)}")
    form = algebra.algebra.name.replace("Query", "").upper()
    return PreparedQuery(text=text, form=form, algebra=algebra)


def check_query(text: str) -> PreparedQuery:
    """Parse a query and make sure it only reads; raise QueryError (bad) or RefusedQuery."""
    checked = _check_cached(text)
    if isinstance(checked, QueryError):
        raise type(checked)(str(checked))
    return checked


def _contains(node: object, name: str) -> bool:
    """Whether rdflib's parse tree holds a node of that name anywhere (sub-queries too)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if getattr(item, "name", None) == name:
            return True
        # pyparsing registers ParseResults as a Mapping of its named parts: walk its items.
        if isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(item)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
    return False


def _syntax_message(text: str, error: Exception) -> str:
    """One line saying where the query broke, by line and column, with the text there."""
    import pyoxigraph as ox

    line, col = getattr(error, "lineno", 1), getattr(error, "col", 1)
    why = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)", "", _first_line(error))
    # Oxigraph points at the exact token, rdflib at the start of the failing clause. Oxigraph
    # evaluates what it parses, so it only sees text that cannot name another endpoint.
    if not re.search(r"service|\\u", text, re.IGNORECASE):
        try:
            ox.Store().query(text, base_iri="http://localhost/")
        except SyntaxError as ox_error:
            m = re.match(r"error at (\d+):(\d+): (.*)", _first_line(ox_error))
            if m:
                line, col, why = int(m[1]), int(m[2]), m[3]
        except Exception:  # noqa: S110 - valid for Oxigraph: keep rdflib's account
            pass
    lines = text.splitlines() or [""]
    here = lines[min(line, len(lines)) - 1]
    near = " ".join(here[max(0, col - 21) : col + 4].split())
    why = why if len(why) <= 120 else why[:117] + "..."
    return f"bad SPARQL at line {line}, column {col} (near {near!r}): {why}"


def _first_line(e: object) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# --- running -------------------------------------------------------------------------------


def run_query(
    ref: str,
    *,
    graph: Graph | str | Path | None = None,
    store: Store | str | None = None,
    params: Mapping[str, str] | None = None,
    limit: int | None = None,
    settings: Settings = DEFAULT,
) -> QueryResult:
    """Run a saved, file or inline query on a graph file, a Graph or a store.

    With both a graph and a store, the graph is loaded into the store first.
    """
    prepared = replace(check_query(resolve_query(ref, settings)), bindings=param_bindings(params))
    target = _target(graph, store, settings)
    try:
        return target.query(prepared, limit=limit)
    finally:
        if isinstance(store, str):  # opened here, so closed here
            target.close()


def load_for_query(path: Path, settings: Settings = DEFAULT) -> Graph:
    """A graph file plus the ontology model (class tree, schemes) but not the SHACL shapes."""
    from kg.errors import InputError
    from kg.graph import load_turtle
    from kg.ontology import load_model

    g = load_turtle(path, settings=settings)
    try:
        g += load_model(settings)
    except InputError:  # no ontology folder here: queries run without subclass reasoning
        pass
    return g


def _target(graph: Graph | str | Path | None, store: Store | str | None,
            settings: Settings) -> Store:
    from kg.store import MemoryStore

    if store is None:
        if isinstance(graph, Graph):
            return MemoryStore(graph)
        return MemoryStore(load_for_query(Path(graph or "out/graph.ttl"), settings))
    target = open_store(store, settings=settings) if isinstance(store, str) else store
    if graph is not None:
        target.load(graph if isinstance(graph, Graph) else load_for_query(Path(graph), settings))
    return target


# --- formatting ----------------------------------------------------------------------------


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as a text table, CSV, TSV, SPARQL JSON or SPARQL XML results."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown output format {fmt!r}: use one of {', '.join(FORMATS)}")
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return _format_triples(result, fmt)
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml}[fmt](result)


def _format_triples(result: QueryResult, fmt: str) -> str:
    if fmt in ("csv", "tsv", "table"):
        rows = QueryResult("SELECT", ("subject", "predicate", "object"), result.triples)
        return format_result(rows, fmt)
    return serialize_triples(result, "json-ld" if fmt == "json" else "xml")


def serialize_triples(result: QueryResult, rdf_format: str) -> str:
    """CONSTRUCT / DESCRIBE answers in an RDF syntax rdflib writes (turtle, nt, xml, json-ld)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in result.triples:
        g.add(t)
    return g.serialize(format=rdf_format)


def _curie(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
            if term.startswith(str(ns)) and len(term) > len(str(ns)):
                return f"{prefix}:{term[len(str(ns)):]}"
        return str(term)
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _table(result: QueryResult, width: int = 80) -> str:
    if result.form == "ASK":
        return "yes" if result.boolean else "no"
    head = list(result.variables)
    body = [[_cell(_curie(t), width) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head).rstrip(), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*r).rstrip() for r in body]
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''}{', truncated' if result.truncated else ''})")
    return "\n".join(lines)


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV: plain values, RFC 4180 quoting, CRLF line ends."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if result.form == "ASK":
        w.writerows([["boolean"], ["true" if result.boolean else "false"]])
        return buf.getvalue()
    w.writerow(result.variables)
    for row in result.rows:
        w.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t))
                    for t in row])
    return buf.getvalue()


def _quote(value: str) -> str:
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def _term_nt(term: Node | None) -> str:
    """A term in N-Triples syntax (what SPARQL TSV results use)."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    if term.language:
        return f"{_quote(str(term))}@{term.language}"
    if term.datatype:
        return f"{_quote(str(term))}^^<{term.datatype}>"
    return _quote(str(term))


def _tsv(result: QueryResult) -> str:
    if result.form == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join(_term_nt(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype:
        cell["datatype"] = str(term.datatype)
    return cell


def _json(result: QueryResult) -> str:
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if result.form == "ASK":
        out += ["</head>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>",
                "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for v, t in zip(result.variables, row, strict=True):
            if t is not None:
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attr = ""
    if term.language:
        attr = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype:
        attr = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attr}>{xml_escape(_xml_safe(str(term)))}</literal>"


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot carry most control characters: drop them rather than emit bad XML."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def rows_as_dicts(result: QueryResult) -> Iterable[dict[str, object]]:
    """Rows as plain Python values keyed by variable (for notebooks and tests)."""
    for row in result.rows:
        yield {v: (t.toPython() if t is not None else None)
               for v, t in zip(result.variables, row, strict=True)}
