"""The interactive pyvis page (placeholder: replaced by the full renderer)."""

from __future__ import annotations

import html
from pathlib import Path

from rdflib import Graph

from kg.settings import DEFAULT, Settings


def write_html(graph: Graph, path: Path, settings: Settings = DEFAULT) -> Path:
    """Write a minimal self-contained page listing the graph's size."""
    path.write_text(f"<!doctype html><title>graph</title><p>{html.escape(str(len(graph)))} triples</p>",
                    encoding="utf-8")
    return path
