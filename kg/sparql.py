"""SPARQL over a built graph: find the query, check it is a safe read, run it on a store.

A query is given as SPARQL text, a ``.rq`` file or the name of a saved query in ``queries/``.
Only reads run: UPDATE, LOAD, SERVICE and FROM (which make an engine write, or fetch from
the network or the file system) are refused before any engine sees the text.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.settings import DEFAULT, Settings
from kg.store import PreparedQuery, QueryResult, Store, open_store


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


def bind_params(text: str, params: Mapping[str, str] | None) -> str:
    """Fix variables of the query's pattern to values.

    ``source=a.txt`` puts ``VALUES (?source) { ("a.txt") }`` first in the WHERE group, where
    every engine starts from it, so one case of a big graph stays fast (Oxigraph joins a
    trailing VALUES, or a pre-bound variable, only after evaluating everything). A query
    without a WHERE group gets the clause at its end.
    """
    if not params:
        return text
    names, values = [], []
    for name, value in sorted(params.items()):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad parameter name {name!r}: use a SPARQL variable name")
        names.append("?" + name)
        values.append(_param_term(value).n3())
    clause = f"VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}"
    # CONSTRUCT WHERE { ... } allows triples only inside its group.
    short_construct = re.search(r"\bCONSTRUCT\s+WHERE\b", _SKIP.sub(" ", text), re.IGNORECASE)
    at = None if short_construct else _where_group(text)
    if at is None:
        return f"{text.rstrip()}\n{clause}\n"
    return f"{text[: at + 1]}\n  {clause}{text[at + 1 :]}"


# What to step over when looking for the WHERE group: comments, strings and IRIs.
_SKIP = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
)
_WHERE = re.compile(r"(?<![?$:\w])WHERE\b", re.IGNORECASE)


def _where_group(text: str) -> int | None:
    """Offset of the ``{`` that opens the query's outermost WHERE group, if any."""
    depth = parens = 0
    after_where = False
    i = 0
    while i < len(text):
        skip = _SKIP.match(text, i)
        if skip:
            i = skip.end()
            continue
        ch = text[i]
        if depth == parens == 0 and _WHERE.match(text, i):
            after_where = True
        elif ch in "()":
            parens += 1 if ch == "(" else -1
        elif ch == "{":
            # A CONSTRUCT template comes before its WHERE; SELECT and ASK may omit the word.
            if depth == parens == 0 and (after_where or not _has_where(text[i:])):
                return i
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    return None


def _has_where(rest: str) -> bool:
    return _WHERE.search(_SKIP.sub(" ", rest)) is not None


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
    prepared = check_query(bind_params(resolve_query(ref, settings), params))
    target = _target(graph, store, settings)
    try:
        return target.query(prepared, limit=limit)
    finally:
        if isinstance(store, str):  # opened here, so closed here
            target.close()


def load_for_query(path: Path, settings: Settings = DEFAULT) -> Graph:
    """A graph file plus the ontology model (class tree, schemes) but not the SHACL shapes."""
    from kg.graph import load_turtle

    return _add_model(load_turtle(path, settings=settings), settings)


def with_model(graph: Graph, settings: Settings = DEFAULT) -> Graph:
    """A new graph of the graph and the ontology model: ``a/rdfs:subClassOf*`` needs it."""
    from kg.graph import new_graph

    g = new_graph()
    g += graph
    return _add_model(g, settings)


def _add_model(g: Graph, settings: Settings) -> Graph:
    from kg.errors import InputError
    from kg.ontology import load_model

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
