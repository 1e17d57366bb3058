"""SPARQL answers as text: a table for people, SPARQL 1.1 CSV, TSV, JSON and XML results for
tools, and RDF syntaxes for CONSTRUCT / DESCRIBE answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.store import QueryResult

FORMATS = ("table", "csv", "tsv", "json", "xml")
_NS = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda kv: -len(kv[1]))


def curie(term: Node | None) -> str:
    """dt:Seller for https://w3id.org/datatrade-kg/ontology#Seller; other IRIs unchanged."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, ns in _NS:
            if term.startswith(ns) and len(term) > len(ns):
                return f"{prefix}:{term[len(ns):]}"
        return str(term)
    return f"_:{term}" if isinstance(term, BNode) else str(term)


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


def _table(result: QueryResult, width: int = 80) -> str:
    if result.form == "ASK":
        return "yes" if result.boolean else "no"
    head = list(result.variables)
    body = [[_cell(curie(t), width) for t in row] for row in result.rows]
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
