"""A small, invented two-article supply chain built from kg.model records.

Tests of queries, exports, stores and the endpoint run on it, so they do not depend on how
good the extractor is today. Every name, number and sentence here is made up.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import Graph

from kg.graph import extractions_to_graph, serialize_turtle
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr

TEXT_A = (
    "Orlov, a clerk at the online shop Brightmart, copied 30,000 customer phone numbers and "
    "home addresses from the retail database. "
    "He sold them on a darknet forum to Kessler for 0.5 euros per record, earning 15,000 euros. "
    "Kessler used the numbers in an investment scam that cost retirees 80,000 euros. "
    "In March 2021 the Rivertown police arrested both men; prosecutor Wynn charged them."
)
TEXT_B = (
    "A second gang bought phone numbers on the same darknet forum and ran an investment scam."
)


def _span(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), phrase)


def _sentence(text: str, phrase: str) -> Span:
    """The whole sentence that holds the phrase (the evidence an event carries)."""
    i = text.index(phrase)
    start = text.rfind(". ", 0, i)
    start = 0 if start < 0 else start + 2
    end = text.find(". ", i)
    end = len(text) if end < 0 else end + 1
    return Span(start, end, text[start:end])


def _article(name: str, text: str, title: str, published: str) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(text=text, path=f"/corpus/{name}", sha256=digest, title=title,
                   outlet="The Example Gazette", published=published)


def sample_extractions() -> list[Extraction]:
    """Two articles: a full chain (leak, sale, fraud, arrest) and a short echo of it."""
    a = _article("a.txt", TEXT_A, "Clerk sold shop customers' data", "2021-04-02")
    aid = a.id
    t = TEXT_A
    ents = (
        Entity("orlov", "person", "Orlov", alt_labels=("clerk Orlov", "the clerk"),
               roles=("Insider", "LeakSource", "Seller"), mentions=(_span(t, "Orlov"),),
               merge_notes=("'He' resolved to Orlov",), article=aid),
        Entity("kessler", "person", "Kessler", roles=("Buyer", "Fraudster"),
               mentions=(_span(t, "Kessler"),), article=aid),
        Entity("wynn", "person", "Wynn", alt_labels=("prosecutor Wynn",),
               mentions=(_span(t, "prosecutor Wynn"),), article=aid),
        Entity("brightmart", "org", "Brightmart", roles=("DataHolder",),
               mentions=(_span(t, "Brightmart"),)),
        Entity("retail", "sector", "retail", roles=("DataHolder",), concept="sector/retail",
               mentions=(_span(t, "retail"),)),
        Entity("phone", "data", "phone numbers", concept="data/phone-number",
               mentions=(_span(t, "phone numbers"),)),
        Entity("address", "data", "home addresses", concept="data/home-address",
               mentions=(_span(t, "home addresses"),)),
        Entity("forum", "channel", "darknet forum", concept="channel/darknet-forum",
               mentions=(_span(t, "darknet forum"),)),
        Entity("scam", "fraud", "investment scam", concept="fraud/investment-scam",
               mentions=(_span(t, "investment scam"),)),
        Entity("insider", "method", "insider access", concept="method/insider-access",
               mentions=(_span(t, "copied"),)),
        Entity("retirees", "people", "retirees", roles=("Victim",),
               mentions=(_span(t, "retirees"),)),
        Entity("police", "agency", "Rivertown police", mentions=(_span(t, "Rivertown police"),)),
    )
    events = (
        Event("leak", _sentence(t, "copied"),
              participants=(("leakSource", "orlov"), ("dataHolder", "brightmart"),
                            ("dataHolder", "retail"), ("leakMethod", "insider"),
                            ("dataCategory", "phone"), ("dataCategory", "address")),
              records=(Count(30000, "records"),), status="charged"),
        Event("sale", _sentence(t, "He sold"),
              participants=(("seller", "orlov"), ("buyer", "kessler"), ("channel", "forum"),
                            ("dataCategory", "phone")),
              records=(Count(30000, "records"),),
              money=(Money(0.5, "EUR", "unit_price", per="record"),
                     Money(15000, "EUR", "proceeds")),
              status="alleged"),
        Event("fraud", _sentence(t, "investment scam"),
              participants=(("fraudster", "kessler"), ("fraudScheme", "scam"),
                            ("victim", "retirees"), ("dataCategory", "phone")),
              money=(Money(80000, "EUR", "loss"),), people=(Count(40, "people"),)),
        Event("enforcement", _sentence(t, "arrested"), action="arrest",
              participants=(("agency", "police"), ("agency", "wynn"), ("target", "orlov"),
                            ("target", "kessler")),
              time=TimeExpr("In March 2021", "2021-03"), status="arrested"),
    )
    b = _article("b.txt", TEXT_B, "Gang ran scam with bought numbers", "2022-01-15")
    tb = TEXT_B
    ents_b = (
        Entity("gang", "group", "second gang", roles=("Buyer",),
               mentions=(_span(tb, "second gang"),), article=b.id),
        Entity("phone", "data", "phone numbers", concept="data/phone-number",
               mentions=(_span(tb, "phone numbers"),)),
        Entity("forum", "channel", "darknet forum", concept="channel/darknet-forum",
               mentions=(_span(tb, "darknet forum"),)),
        Entity("scam", "fraud", "investment scam", concept="fraud/investment-scam",
               mentions=(_span(tb, "investment scam"),)),
    )
    events_b = (
        Event("purchase", _sentence(tb, "bought"),
              participants=(("buyer", "gang"), ("channel", "forum"), ("dataCategory", "phone"))),
        Event("fraud", Span(tb.index("ran"), len(tb), tb[tb.index("ran"):]),
              participants=(("fraudster", "gang"), ("fraudScheme", "scam"))),
    )
    return [Extraction(a, ents, events), Extraction(b, ents_b, events_b)]


def sample_graph() -> Graph:
    """The invented chain as the graph writer makes it."""
    return extractions_to_graph(sample_extractions())


def write_sample_graph(folder: Path) -> Path:
    """The invented chain as a graph.ttl in the folder, as `kg build` would leave it."""
    path = folder / "graph.ttl"
    path.write_text(serialize_turtle(sample_graph()), encoding="utf-8")
    return path
