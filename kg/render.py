"""The interactive page: pyvis assembles the network, our template draws it offline.

pyvis's own template fetches Bootstrap from a CDN and puts hover titles through innerHTML,
so the page uses kg/templates/graph.html instead: vis-network's JS and CSS (shipped inside
pyvis) are inlined, the data travels as one JSON block (``</script>`` cannot close it: Jinja's
``tojson`` escapes ``<``, ``>`` and ``&``), and the page script builds every tooltip and list
from that data with ``textContent``, never as markup. A Content-Security-Policy with script
hashes blocks any inline script or handler that is not ours, as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from kg.analyze import DISPLAY_CLASSES, STAGES, EventRef, NodeRef, Projection, project
from kg.errors import OutputError
from kg.jinja import template
from kg.memo import ByObject
from kg.settings import DEFAULT, Settings

# Display class -> (colour, vis shape, legend symbol). Chain roles warm to cool, left to right.
STYLE = {
    "Data holder": ("#8c564b", "square", "■"),
    "Leak source": ("#d62728", "triangle", "▲"),
    "Seller": ("#ff7f0e", "dot", "●"),
    "Broker": ("#e377c2", "diamond", "◆"),
    "Buyer": ("#9467bd", "dot", "●"),
    "Fraudster": ("#7b2d26", "triangleDown", "▼"),
    "Fraud scheme": ("#bcbd22", "hexagon", "⬢"),
    "Victim": ("#17becf", "dot", "●"),
    "Agency": ("#1f77b4", "star", "★"),
    "Data category": ("#2ca02c", "diamond", "◆"),
    "Leak method": ("#98df8a", "square", "■"),
    "Channel": ("#6baed6", "hexagon", "⬢"),
    "Location": ("#7f7f7f", "triangleDown", "▼"),
    "Law": ("#c5b0d5", "square", "■"),
    "Sector": ("#c49c94", "square", "■"),
    "Other actor": ("#b0b0b0", "dot", "●"),
}
# Aside of the chain (drawn in a band below it in the chain layout), in this order.
ASIDE_ORDER = ("Data category", "Leak method", "Channel", "Sector", "Agency", "Location", "Law",
               "Other actor")
MAX_EVIDENCE = 4  # sentences per node or edge in the tooltip
SENTENCE_CHARS = 600  # a runaway "sentence" (a whole paragraph) is cut here
LABEL_CHARS = 36  # canvas labels are cut here; the tooltip shows the whole name
# Chain layout, in vis canvas units: stage columns wrap into sub-columns past MAX_ROWS.
COLUMN_GAP, ROW_GAP, SUBCOLUMN_GAP, MAX_ROWS = 340, 90, 150, 14
ASIDE_GAP, ASIDE_ROW_GAP = 150, 75
UNLINKED = "No links"
STAGE_BETWEEN = {2.5: "reseller", 3.5: "fraudster"}
CLUSTER_GAP, GOLDEN_ANGLE = 260, math.pi * (3 - math.sqrt(5))  # physics start on big graphs
VIS_DIR = "vis-9.1.2"


@dataclass(frozen=True)
class PageData:
    """Everything the page script needs, as JSON-ready values."""

    data: dict
    shown: int
    total: int


@lru_cache(maxsize=1)
def _vis_lib() -> tuple[str, str]:
    """vis-network's JS and CSS from inside the pyvis package (no CDN)."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / VIS_DIR
    try:
        return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
                (lib / "vis-network.css").read_text(encoding="utf-8"))
    except OSError as e:
        raise OutputError(f"vis-network not found in the pyvis package ({lib}): reinstall pyvis") \
            from e


def _short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _keep(proj: Projection, deg: Counter, cap: int) -> list[str]:
    """All entities, or past the cap the most connected ones."""
    ranked = sorted(proj.nodes, key=lambda i: (-deg[i], proj.nodes[i].label, i))
    return sorted(ranked[:cap])


def _event_facts(e: EventRef) -> list[str]:
    facts = []
    if e.records is not None:
        facts.append(f"{e.records:,} records")
    if e.persons is not None:
        facts.append(f"{e.persons:,} people")
    for m in e.money:
        per = f" per {m.per}" if m.per else ""
        facts.append(f"{m.role} {format(m.amount.normalize(), ',f')} {m.currency}{per}")
    if e.year:
        facts.append(e.year)
    if e.status and e.status != "reported":
        facts.append(e.status)
    return facts


def _neighbours(proj: Projection) -> dict[str, set[str]]:
    nbrs: dict[str, set[str]] = defaultdict(set)
    for link in proj.links:
        nbrs[link.source].add(link.target)
        nbrs[link.target].add(link.source)
    return nbrs


def _chain_positions(proj: Projection, ids: dict[str, int], nbrs: dict[str, set[str]],
                     art_index: dict[str, int]) -> tuple[dict[int, list[int]], list[dict]]:
    """Left to right by stage, aside classes in rows below, each under what it touches.

    Columns are filled in stage order; a node sits at the mean height of its neighbours in
    the columns before it (fewer crossings), else in article order."""
    stage_of = {name: stage for name, _, stage in DISPLAY_CLASSES}
    columns: dict[float, list[str]] = defaultdict(list)
    aside: dict[str, list[str]] = defaultdict(list)
    for iri in ids:
        stage = stage_of.get(proj.nodes[iri].display)
        if not nbrs[iri]:  # hidden unless asked for: kept out of the chain's columns
            aside[UNLINKED].append(iri)
        elif stage is not None:
            columns[stage].append(iri)
        else:
            aside[proj.nodes[iri].display].append(iri)

    def fallback(i: str) -> tuple:
        n = proj.nodes[i]
        return (min((art_index.get(a, 0) for a in n.articles), default=0), -len(nbrs[i]),
                n.label, i)

    xy: dict[str, tuple[int, int]] = {}
    headers: list[dict] = []
    x, top, bottom = 0, 0, 0
    for stage in sorted(columns):
        def rank(i: str) -> tuple:
            ys = [xy[j][1] for j in nbrs[i] if j in xy]
            return (sum(ys) / len(ys) if ys else math.inf, *fallback(i))

        iris = sorted(columns[stage], key=rank)
        cols = math.ceil(len(iris) / MAX_ROWS)
        rows = math.ceil(len(iris) / cols)
        for k, iri in enumerate(iris):
            xy[iri] = (x + (k // rows) * SUBCOLUMN_GAP, int((k % rows - (rows - 1) / 2) * ROW_GAP))
        top, bottom = min(top, -(rows - 1) * ROW_GAP // 2), max(bottom, (rows - 1) * ROW_GAP // 2)
        name = STAGES[int(stage)] if stage == int(stage) else STAGE_BETWEEN[stage]
        headers.append({"label": name, "x": x + (cols - 1) * SUBCOLUMN_GAP // 2})
        x += (cols - 1) * SUBCOLUMN_GAP + COLUMN_GAP
    for h in headers:
        h["y"] = top - 80
    width = max(x - COLUMN_GAP, 4 * COLUMN_GAP)
    y = bottom + 170
    for cls in (*ASIDE_ORDER, UNLINKED):
        if not aside.get(cls):
            continue
        last, first = _aside_row(aside[cls], xy, nbrs, bottom, width, y, fallback)
        headers.append({"label": cls.lower(), "x": 0, "y": first - 40, "align": "left",
                        "unlinked": cls == UNLINKED})
        y = last + ASIDE_ROW_GAP + 70
    return {ids[i]: list(p) for i, p in xy.items()}, headers


def _aside_row(iris: list[str], xy: dict[str, tuple[int, int]], nbrs: dict[str, set[str]],
               chain_bottom: int, width: int, y: int, fallback) -> tuple[int, int]:
    """Place one aside class in rows from ``y``: each node under the chain nodes it touches
    (packed left to right), the rest after them; returns (last row's y, first row's y)."""

    def wanted(i: str) -> float | None:
        xs = [xy[j][0] for j in nbrs[i] if j in xy and xy[j][1] <= chain_bottom]
        return sum(xs) / len(xs) if xs else None

    anchored = sorted((i for i in iris if wanted(i) is not None),
                      key=lambda i: (wanted(i), *fallback(i)))
    loose = sorted((i for i in iris if wanted(i) is None), key=fallback)
    first, row_x = y, -math.inf
    for i in anchored + loose:
        w = wanted(i)
        row_x = max(min(w, width) if w is not None else 0, row_x + ASIDE_GAP)
        if row_x > width + COLUMN_GAP // 2:  # row full: start the next one
            y, row_x = y + ASIDE_ROW_GAP, 0
        xy[i] = (int(row_x), y)
    return y, first


def _start_positions(proj: Projection, kept: list[str], art_index: dict[str, int]
                     ) -> dict[str, tuple[int, int]]:
    """Where physics starts on a big graph: each article's entities around a point of a
    sunflower spiral (shared ones between their articles). vis would otherwise start from a
    square and need minutes to untangle thousands of nodes; from here it needs seconds."""
    rng = random.Random(0)
    centres = [(CLUSTER_GAP * math.sqrt(i) * math.cos(i * GOLDEN_ANGLE),
                CLUSTER_GAP * math.sqrt(i) * math.sin(i * GOLDEN_ANGLE))
               for i in range(len(art_index) + 1)]
    out = {}
    for iri in kept:
        cs = [centres[art_index[a]] for a in proj.nodes[iri].articles if a in art_index] or \
             [centres[-1]]
        r, t = CLUSTER_GAP * 0.45 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        out[iri] = (int(sum(c[0] for c in cs) / len(cs) + r * math.cos(t)),
                    int(sum(c[1] for c in cs) / len(cs) + r * math.sin(t)))
    return out


# What a node or an event gives the page whatever the rest of the graph is (short label,
# facts, shortened evidence): filled by ``prepare`` for what a rebuild left unchanged.
_PARTS = ByObject()


def _node_part(n: NodeRef) -> tuple[str, tuple[tuple[str, str], ...]]:
    return _short(n.label), tuple((_short(ev.sentence, SENTENCE_CHARS), ev.article)
                                  for ev in n.evidence[:MAX_EVIDENCE])


def _event_part(e: EventRef) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    return tuple(_event_facts(e)), tuple((_short(s.sentence, SENTENCE_CHARS), s.article)
                                         for s in e.evidence)


def forget() -> None:
    """Drop what was remembered for one build's pages."""
    _PARTS.clear()


def page_data(proj: Projection, settings: Settings = DEFAULT) -> PageData:
    """Nodes, edges, legend, filters, tooltips and layouts for the page, from the projection."""
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    nbrs = _neighbours(proj)
    deg = Counter({iri: len(n) for iri, n in nbrs.items()})  # distinct neighbours
    kept = _keep(proj, deg, settings.html_max_nodes)
    ids = {iri: i for i, iri in enumerate(kept)}
    articles = proj.articles_in_order()
    art_index = {a.iri: i for i, a in enumerate(articles)}
    events = {e.iri: e for e in proj.events}
    large = len(kept) > 600

    net = Network(directed=True, cdn_resources="in_line")
    # evidence sentences are listed once and cited by number: the same sentence backs an
    # entity, its events and their links, and repeating it made most of a large page
    sentences: dict[str, int] = {}

    def sentence(text: str) -> int:
        return sentences.setdefault(text, len(sentences))

    start = _start_positions(proj, kept, art_index) if large else {}
    info = []
    for iri in kept:
        n = proj.nodes[iri]
        label, evidence = _PARTS.get(n, _node_part)
        color, shape, _ = STYLE.get(n.display, STYLE["Other actor"])
        xy = {"x": start[iri][0], "y": start[iri][1]} if iri in start else {}
        # pyvis's Node, filed directly: Network.add_node looks the id up in a list first
        node = Node(ids[iri], shape, label=label, color=color, font_color=net.font_color,
                    value=max(1, deg[iri]), cls=n.display, linked=deg[iri] > 0,
                    arts=sorted(art_index[a] for a in n.articles if a in art_index), **xy)
        net.nodes.append(node.options)
        net.node_ids.append(ids[iri])
        net.node_map[ids[iri]] = node.options
        info.append({"label": n.label, "cls": n.display, "types": list(n.classes),
                     "alt": list(n.alt_labels[:5]), "deg": deg[iri],
                     "ev": [[sentence(text), art_index.get(a, -1)] for text, a in evidence]})

    merged: dict[tuple[int, int, str], list] = {}
    distinct = set()  # (source, target, relation) over the whole graph
    for link in proj.links:
        a, b = ids.get(link.source), ids.get(link.target)
        if a is not None and b is not None:
            merged.setdefault((a, b, link.relation), []).append(link)
        else:
            distinct.add((link.source, link.target, link.relation))
    edge_info = []
    for k, ((a, b, rel), links) in enumerate(sorted(merged.items())):
        evs = [events[x.event] for x in links if x.event in events]
        arts = sorted({art_index[x.article] for x in links if x.article in art_index})
        # pyvis's Edge, appended directly: Network.add_edge looks each end up in a list
        net.edges.append(Edge(a, b, True, id=k, label=rel, rel=rel, arts=arts,
                              value=len(links)).options)
        parts = [_PARTS.get(e, _event_part) for e in evs]
        shown = list(dict.fromkeys((text, art_index.get(a, -1))
                                   for _, evidence in parts for text, a in evidence))
        edge_info.append({"facts": sorted({f for facts, _ in parts for f in facts}),
                          "ev": [[sentence(text), a] for text, a in shown[:MAX_EVIDENCE]]})

    chain, headers = _chain_positions(proj, ids, nbrs, art_index)
    class_counts = Counter(proj.nodes[i].display for i in kept)
    left_out = Counter(proj.nodes[i].display for i in proj.nodes if i not in ids)
    data = {
        "nodes": net.nodes, "edges": net.edges, "info": info, "edgeInfo": edge_info,
        "chain": [chain[i] for i in range(len(kept))], "headers": headers,
        "classes": [{"name": name, "color": STYLE[name][0], "symbol": STYLE[name][2],
                     "count": class_counts[name]} for name, _, _ in DISPLAY_CLASSES
                    if class_counts[name]],
        "relations": [{"name": r, "count": c} for r, c in
                      sorted(Counter(e["rel"] for e in net.edges).items())],
        "sentences": list(sentences),
        "articles": [{"id": a.id, "label": a.label, "publisher": a.publisher,
                      "published": a.published, "source": a.source} for a in articles],
        "omitted": None if not left_out else {
            "nodes": sum(left_out.values()), "total": len(proj.nodes),
            "edges": len(distinct),
            "byClass": sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0]))},
        "unlinked": sum(1 for i in kept if not deg[i]), "columnGap": COLUMN_GAP, "large": large,
        "options": _vis_options(len(kept), large),
    }
    return PageData(data=data, shown=len(kept), total=len(proj.nodes))


def _vis_options(n: int, large: bool) -> dict:
    """vis-network options: readable on a few dozen nodes, quick on thousands."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n <= 150},
        "nodes": {"borderWidth": 1, "font": {"size": 14, "color": "#1f2328", "strokeWidth": 3,
                                             "strokeColor": "#ffffff"},
                  "scaling": {"min": 8, "max": 34, "label": {
                      "enabled": True, "min": 12, "max": 20,
                      "drawThreshold": 7 if n > 200 else 3}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                  "color": {"color": "#a3adb8", "highlight": "#2b3137", "hover": "#2b3137"},
                  "font": {"size": 10, "align": "middle", "color": "#57606a", "strokeWidth": 3,
                           "strokeColor": "#ffffff"},
                  "scaling": {"min": 1, "max": 4, "label": {"enabled": True, "min": 10, "max": 11,
                                                            "drawThreshold": 8}},
                  "smooth": False if large else {"type": "continuous", "roundness": 0.3}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large},
        "physics": {"solver": "forceAtlas2Based", "minVelocity": 1.5 if large else 0.75,
                    "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.01,
                                         "springLength": 120, "springConstant": 0.08,
                                         "avoidOverlap": 0.3},
                    "stabilization": {"enabled": True, "iterations": 100 if large else 600,
                                      "updateInterval": 25, "fit": True}},
    }


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S)


def render_page(pd: PageData, title: str) -> str:
    """The page's HTML: template, inlined vis-network, data, and a hash-based CSP."""
    js, css = _vis_lib()
    page = template("graph.html").render(title=title, data=pd.data, vis_js=js,
                                                 vis_css=css, shown=pd.shown, total=pd.total)
    hashes = " ".join(sorted({_csp_hash(s) for s in _SCRIPT.findall(page)}))
    return page.replace("__SCRIPT_HASHES__", hashes, 1)


def prepare(proj: Projection | None = None) -> None:
    """Load what writing the page needs (templates, vis-network, pyvis) ahead of time, and
    work out what the entities and events of ``proj`` give it."""
    from pyvis.edge import Edge  # noqa: F401
    from pyvis.network import Network  # noqa: F401

    template("graph.html")
    _vis_lib()
    if proj is not None:
        for n in proj.nodes.values():
            _PARTS.get(n, _node_part)
        for e in proj.events:
            _PARTS.get(e, _event_part)


def write_html(graph: Graph | Projection, path: Path, settings: Settings = DEFAULT) -> Path:
    """Write the interactive graph page: self-contained, offline, article text escaped."""
    proj = graph if isinstance(graph, Projection) else project(graph)
    pd = page_data(proj, settings)
    html = render_page(pd, "The trade in personal data: the chain")
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    return path

