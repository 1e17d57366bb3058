"""N-Triples: one triple a line, sorted so the same graph gives the same file."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.exporters import register


def sorted_lines(text: str) -> bytes:
    """rdflib writes line-based formats in hash order: sort them for stable output."""
    lines = sorted(line for line in text.splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


@register("nt", ".nt", "N-Triples, one triple a line")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    return {out: sorted_lines(graph.serialize(format="nt"))}
