"""How the page copes with a big graph: render a synthetic 5,000-node graph, open it in
headless chromium with the network cut off, and time until vis-network has stabilised.

Runs twice: with the default cap (Settings.html_max_nodes: the page shows the most connected
part) and with the cap lifted (every node drawn).

    .venv/bin/python bench/bench_render.py [--nodes 5000] [--out bench/results/render]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import replace
from pathlib import Path

from kg.graph import extractions_to_graph
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr
from kg.render import write_html
from kg.settings import DEFAULT

CHROMIUM = "/usr/bin/chromium"
DATA = [f"data/category-{i}" for i in range(15)]
FRAUD = [f"fraud/scheme-{i}" for i in range(8)]
CHANNELS = [f"channel/channel-{i}" for i in range(5)]
BROKERS = 40  # resellers shared by several stories: they tie the stories into one graph
ACTORS_PER_STORY = 12


def _story(i: int) -> Extraction:
    """One invented story: a leak, two sales down to four buyers, a fraud, an arrest."""
    text = f"Story {i}. " + " ".join(f"Sentence {k} of story {i}." for k in range(12))
    a = Article(text=text, path=f"story-{i}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                title=f"Story {i}", published=f"{2012 + i % 10}-01-01")

    def span(k: int) -> Span:
        s = text.index(f"Sentence {k} ")
        return Span(s, s + len(f"Sentence {k} of story {i}."), f"Sentence {k} of story {i}.")

    def person(key: str, kind: str, roles: tuple[str, ...], k: int) -> Entity:
        return Entity(key, kind, f"{key} {i}", roles=roles, mentions=(span(k),), article=a.id)

    def concept(key: str, kind: str, roles: tuple[str, ...] = ()) -> Entity:
        return Entity(key, kind, key.split("/")[1], roles=roles, concept=key, mentions=(span(0),))

    broker = Entity(f"broker-{i % BROKERS}", "person", f"broker {i % BROKERS}",
                    roles=("Seller", "Buyer"), mentions=(span(3),))
    ents = [person("holder", "org", ("DataHolder",), 1), person("insider", "person",
                                                                ("Insider", "Seller"), 1),
            person("seller", "person", ("Seller",), 2), broker,
            *[person(f"buyer{b}", "person", ("Buyer",), 4 + b) for b in range(4)],
            person("gang", "group", ("Buyer", "Fraudster"), 8),
            person("victims", "people", ("Victim",), 9), person("police", "agency", (), 10),
            person("city", "place", (), 10), concept(DATA[i % 15], "data"),
            concept(DATA[(i * 7) % 15], "data"), concept(FRAUD[i % 8], "fraud", ("FraudScheme",)),
            concept(CHANNELS[i % 5], "channel")]
    data = (("dataCategory", DATA[i % 15]), ("dataCategory", DATA[(i * 7) % 15]))
    events = [
        Event("leak", span(1), (("leakSource", "insider"), ("dataHolder", "holder"), *data),
              records=(Count(1000 * (i % 50 + 1), "records"),)),
        Event("sale", span(2), (("seller", "insider"), ("buyer", "seller"),
                                ("channel", CHANNELS[i % 5])),
              money=(Money(100.0 * (i % 30 + 1), "CNY", "price"),),
              records=(Count(1000 * (i % 50 + 1), "records"),)),
        Event("sale", span(3), (("seller", "seller"), ("buyer", broker.key))),
        *[Event("sale", span(4 + b), (("seller", broker.key), ("buyer", f"buyer{b}")))
          for b in range(4)],
        Event("sale", span(8), (("seller", "buyer0"), ("buyer", "gang"))),
        Event("fraud", span(9), (("fraudster", "gang"), ("fraudScheme", FRAUD[i % 8]),
                                 ("victim", "victims"))),
        Event("enforcement", span(10), (("agency", "police"), ("target", "gang"),
                                        ("location", "city")),
              people=(Count(3, "people"),), time=TimeExpr(str(2012 + i % 10), str(2012 + i % 10)),
              status="arrested", action="arrest"),
    ]
    return Extraction(a, tuple(ents), tuple(events))


def synthetic_graph(nodes: int):
    """About ``nodes`` entities: stories of twelve actors each, plus shared concepts."""
    stories = max(1, (nodes - BROKERS - len(DATA) - len(FRAUD) - len(CHANNELS))
                  // (ACTORS_PER_STORY - 1))
    return extractions_to_graph(_story(i) for i in range(stories))


def _open_and_time(path: Path) -> dict:
    """Load the page offline in chromium; milliseconds until vis-network reports stable."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 850})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else (blocked.append(r.request.url), r.abort()))
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri())
        loaded = time.perf_counter() - t0
        while not page.evaluate("!!(window.kg && window.kg.stable)"):
            if time.perf_counter() - t0 > 600:
                raise SystemExit("page did not stabilise within 10 minutes")
            page.wait_for_timeout(100)
        wall = time.perf_counter() - t0
        while not page.evaluate("kg.settledAt !== null"):  # the simulation's last moves
            page.wait_for_timeout(100)
        stats = page.evaluate("""() => ({stableAt: kg.stableAt, settledAt: kg.settledAt,
                                        nodes: kg.nodeView.length, edges: kg.edgeView.length})""")
        page.screenshot(path=str(path.with_suffix(".png")))
        browser.close()
    return {"load_s": loaded, "wall_s": wall, "stable_ms": stats["stableAt"],
            "settled_ms": stats["settledAt"],
            "drawn_nodes": stats["nodes"], "drawn_edges": stats["edges"], "blocked": blocked}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--out", type=Path, default=Path("bench/results/render"))
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"needs {CHROMIUM} (make browser)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    g = synthetic_graph(args.nodes)
    print(f"synthetic graph: {len(g):,} triples in {time.perf_counter() - t:.1f} s")
    for name, cap in (("capped", DEFAULT.html_max_nodes), ("full", 10 * args.nodes)):
        path = args.out / f"graph-{name}.html"
        t = time.perf_counter()
        write_html(g, path, replace(DEFAULT, html_max_nodes=cap))
        render_s = time.perf_counter() - t
        r = _open_and_time(path)
        print(f"{name:7s} cap={min(cap, args.nodes):>5}: write_html {render_s:.1f} s, "
              f"{path.stat().st_size / 1e6:.1f} MB; drawn {r['drawn_nodes']:,} nodes / "
              f"{r['drawn_edges']:,} links; loaded {r['load_s']:.1f} s; stabilised "
              f"{r['stable_ms'] / 1000:.1f} s after navigation (wall {r['wall_s']:.1f} s), "
              f"physics stopped at {r['settled_ms'] / 1000:.1f} s; "
              f"network requests attempted: {len(r['blocked'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
