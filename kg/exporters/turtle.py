"""Turtle: the graph as `kg build` writes it."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.exporters import register


@register("turtle", ".ttl", "Turtle, the build's own format")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    from kg.graph import serialize_turtle

    return {out: serialize_turtle(graph).encode("utf-8")}
