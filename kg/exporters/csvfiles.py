"""CSV: nodes.csv and edges.csv in a folder, for spreadsheets and table tools."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import Graph

from kg.exporters import register
from kg.exporters.projection import attribute_keys, project


def _csv(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


@register("csv", "", "nodes.csv and edges.csv in a folder")
def render(graph: Graph, out: Path) -> dict[Path, bytes]:
    g = project(graph)
    keys = attribute_keys(g)
    nodes: list[list[object]] = [["id", *keys]]
    nodes += [[n, *(data.get(k, "") for k in keys)] for n, data in g.nodes(data=True)]
    edges: list[list[object]] = [["source", "target", "predicate", "label"]]
    edges += [[u, v, d["predicate"], d["label"]] for u, v, d in g.edges(data=True)]
    return {out / "nodes.csv": _csv(nodes), out / "edges.csv": _csv(edges)}
