"""The page as written to disk: offline, escaped, built from the RDF graph (no browser here;
test_browser.py opens it in chromium)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph
from test_analyze import _article, _span, chain_extractions, shop_extraction

from kg.analyze import project
from kg.graph import extractions_to_graph
from kg.model import Entity, Event, Extraction
from kg.render import page_data, write_html
from kg.settings import DEFAULT

PAYLOAD = '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>'


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_data(self, data):
        if self._in is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def _page(tmp_path: Path, graph: Graph, **settings) -> tuple[str, dict, _Tags]:
    path = write_html(graph, tmp_path / "graph.html", replace(DEFAULT, **settings))
    text = path.read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(text)
    data = json.loads(next(t for a, t in tags.scripts if a.get("id") == "kg-data"))
    return text, data, tags


def hostile_extraction() -> Extraction:
    """An article whose names and sentences are markup: it must stay text everywhere."""
    text = (f"A trader called {PAYLOAD} sold records to javascript:alert(1) buyers. "
            "Nothing else happened.")
    a = _article(text, f"Title {PAYLOAD}", "2020-01-01")
    ev = _span(a, "sold records")
    ents = (Entity("t", "person", PAYLOAD, roles=("Seller",), mentions=(ev,), article=a.id),
            Entity("b", "people", "javascript:alert(1) buyers", roles=("Buyer",),
                   mentions=(ev,), article=a.id))
    return Extraction(a, ents, (Event("sale", ev, (("seller", "t"), ("buyer", "b"))),))


@pytest.fixture(scope="module")
def graph() -> Graph:
    return extractions_to_graph(chain_extractions() + [hostile_extraction()])


def test_page_loads_nothing_from_the_network(tmp_path: Path, graph: Graph) -> None:
    text, _, tags = _page(tmp_path, graph)
    for tag, attrs in tags.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or not re.match(r"(?i)\s*(https?:|//)", value), (tag, value)
    assert not any(a.get("src") for a, _ in tags.scripts)
    assert "vis.Network" in text  # vis-network is inlined
    assert not re.search(r"(?i)url\(\s*['\"]?(https?:|//)|@import", text)  # nor fetched by CSS


def test_every_inline_script_is_allowed_by_hash_and_nothing_else(tmp_path: Path,
                                                                  graph: Graph) -> None:
    _, _, tags = _page(tmp_path, graph)
    csp = next(a["content"] for t, a in tags.tags
               if a.get("http-equiv") == "Content-Security-Policy")
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    code = [t for a, t in tags.scripts if a.get("type") != "application/json"]
    assert len(code) == 2 and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert allowed == {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()
                       for t in code}


def test_article_markup_stays_text_in_the_page(tmp_path: Path, graph: Graph) -> None:
    text, data, tags = _page(tmp_path, graph)
    assert "window.__xss" not in "".join(t for a, t in tags.scripts if a.get("type") is None)
    assert not any(t == "img" for t, _ in tags.tags)  # the planted <img> never became a tag
    assert [a for a, _ in tags.scripts if a.get("type") == "application/json"]
    assert "<script>window.__xss" not in text and "</script><script>window" not in text
    labels = [i["label"] for i in data["info"]]
    assert PAYLOAD in labels  # kept verbatim as data, for the page to show as text
    assert any(PAYLOAD in data["sentences"][ev[0]] for i in data["info"] for ev in i["ev"])
    assert any(PAYLOAD in a["label"] for a in data["articles"])


def test_classes_relations_and_evidence_come_from_the_rdf_graph(graph: Graph) -> None:
    d = page_data(project(graph)).data
    by_label = {i["label"]: (n, i) for n, i in zip(d["nodes"], d["info"], strict=True)}
    orrin_node, orrin = by_label["Orrin"]
    assert orrin_node["cls"] == "Leak source" and orrin_node["shape"] == "triangle"
    assert {"Insider", "LeakSource", "Person", "Seller"} <= set(orrin["types"])
    assert any("copied 50,000" in d["sentences"][ev[0]] for ev in orrin["ev"])
    assert by_label["Tazz"][0]["cls"] == "Broker"
    rels = {r["name"] for r in d["relations"]}
    assert {"sold to", "used for", "harmed", "leaked by", "arrested", "data", "via"} <= rels
    sale = next(i for e, i in zip(d["edges"], d["edgeInfo"], strict=True)
                if e["label"] == "sold to" and by_label["Orrin"][0]["id"] == e["from"])
    assert "50,000 records" in sale["facts"] and "price 5,000 CNY" in sale["facts"]
    assert any("for 5,000 yuan" in d["sentences"][ev[0]] for ev in sale["ev"])
    legend = {c["name"] for c in d["classes"]}
    assert {"Data holder", "Leak source", "Broker", "Buyer", "Victim", "Agency"} <= legend


def test_node_size_follows_its_links(graph: Graph) -> None:
    d = page_data(project(graph)).data
    value = {i["label"]: n["value"] for n, i in zip(d["nodes"], d["info"], strict=True)}
    assert value["Gravel gang"] > value["retirees"] >= 1


def test_chain_layout_runs_left_to_right_with_agencies_below(graph: Graph) -> None:
    d = page_data(project(graph)).data
    xy = {i["label"]: d["chain"][n["id"]] for n, i in zip(d["nodes"], d["info"], strict=True)}
    order = ["Bellmart", "Orrin", "Tazz", "Gravel gang", "telecom fraud", "retirees"]
    xs = [xy[x][0] for x in order]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    chain_bottom = max(xy[x][1] for x in order)
    assert xy["Police in Northvale"][1] > chain_bottom and xy["Northvale"][1] > chain_bottom


def _star(n: int) -> list[Extraction]:
    """A hub tied to n sellers, half of whom also sell to a second buyer."""
    text = " ".join(f"Seller {i} sold data to Hub." for i in range(n))
    a = _article(text, "Many sellers", "2020-01-01")
    ents = [Entity("hub", "person", "Hub", roles=("Buyer",), mentions=(_span(a, "Hub"),),
                   article=a.id),
            Entity("second", "person", "Second", roles=("Buyer",), mentions=(_span(a, "Hub"),),
                   article=a.id)]
    events = []
    for i in range(n):
        sp = _span(a, f"Seller {i} sold")
        ents.append(Entity(f"s{i}", "person", f"Seller {i}", roles=("Seller",), mentions=(sp,),
                           article=a.id))
        buyers = (("buyer", "hub"), ("buyer", "second")) if i % 2 else (("buyer", "hub"),)
        events.append(Event("sale", sp, (("seller", f"s{i}"), *buyers)))
    return [Extraction(a, tuple(ents), tuple(events))]


def test_large_graph_shows_the_most_connected_part_and_says_what_it_left_out(
        tmp_path: Path) -> None:
    g = extractions_to_graph(_star(30))
    text, data, _ = _page(tmp_path, g, html_max_nodes=10)
    labels = {i["label"] for i in data["info"]}
    assert len(labels) == 10 and {"Hub", "Second"} <= labels
    assert data["omitted"]["nodes"] == 22 and data["omitted"]["total"] == 32
    assert data["omitted"]["edges"] > 0
    assert "most connected of 32 entities" in text and "left out: 22 entities" in text
    full = _page(tmp_path, g)[1]
    assert full["omitted"] is None and len(full["nodes"]) == 32


def test_same_graph_gives_the_same_page(tmp_path: Path, graph: Graph) -> None:
    a = write_html(graph, tmp_path / "a.html").read_bytes()
    b = write_html(extractions_to_graph(chain_extractions() + [hostile_extraction()]),
                   tmp_path / "b.html").read_bytes()
    assert a == b


def test_empty_graph_gives_a_page_that_says_so(tmp_path: Path) -> None:
    text, data, _ = _page(tmp_path, Graph())
    assert data["nodes"] == [] and "No entities in this graph yet" in text


def test_shop_story_alone_has_one_article_filter_entry(tmp_path: Path) -> None:
    _, data, _ = _page(tmp_path, extractions_to_graph([shop_extraction()]))
    assert [a["label"] for a in data["articles"]] == ["Clerk sold shop data"]
    assert all(n["arts"] == [0] for n in data["nodes"])
