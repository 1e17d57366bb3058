"""JSON-LD, compacted with our prefixes; the context is also written next to the document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.exporters import register
from kg.namespaces import PREFIXES


def context() -> dict[str, str]:
    """The JSON-LD context: our prefixes, so IRIs read as dt:Seller, dti:person/..."""
    return {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}


def context_path(out: Path) -> Path:
    return out.with_name(out.name.removesuffix(".jsonld").removesuffix(".json") + ".context.jsonld")


def _stable(value: Any, key: str = "") -> Any:
    """rdflib emits nodes and values in hash order: sort every unordered array."""
    if isinstance(value, dict):
        return {k: _stable(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_stable(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


@register("jsonld", ".jsonld", "JSON-LD, with its context file beside it")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    ctx = context()
    # The document carries the same context inline, so it reads with no file lookup.
    doc = json.loads(graph.serialize(format="json-ld", context=ctx, auto_compact=True))
    text = json.dumps(_stable(doc), indent=1, ensure_ascii=False, sort_keys=False)
    ctx_text = json.dumps({"@context": ctx}, indent=1)
    return {out: (text + "\n").encode("utf-8"),
            context_path(out): (ctx_text + "\n").encode("utf-8")}
