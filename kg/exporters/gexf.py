"""GEXF for Gephi: the property-graph projection, labels as GEXF labels."""

from __future__ import annotations

import io
from pathlib import Path

from networkx.readwrite.gexf import GEXFWriter
from rdflib import Graph

from kg.exporters import register
from kg.exporters.projection import project


@register("gexf", ".gexf", "GEXF 1.2 graph for Gephi")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(project(graph))
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx stamps today's date: drop it so output is reproducible
        meta.attrib.pop("lastmodifieddate", None)
    buf = io.BytesIO()
    writer.write(buf)
    return {out: buf.getvalue()}
