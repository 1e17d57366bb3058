"""GraphML for Cytoscape, yEd and Gephi: the property-graph projection with typed keys."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.exporters import register
from kg.exporters.projection import project


@register("graphml", ".graphml", "GraphML property graph (Cytoscape, yEd, Gephi)")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    buf = io.BytesIO()
    nx.write_graphml(project(graph), buf, encoding="utf-8", prettyprint=True)
    return {out: buf.getvalue()}
