"""Latency of the saved queries on a synthetic ~1M-triple graph: rdflib in memory vs pyoxigraph.

The graph is made by the real graph writer (kg.graph) from invented stories, so it has the
shape `kg build` gives: articles, article-scoped people, shared concepts, events with money,
counts, times and evidence. Each saved query runs ``--runs`` times on Oxigraph; on rdflib it
runs in a forked child with a time budget, since a slow rdflib query cannot be interrupted.
Two saved queries meant for one case / one entity also run with their parameter bound.

    .venv/bin/python bench/bench_query.py [--triples 1000000] [--runs 20] [--budget 60]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import statistics
import time
from collections.abc import Iterator

from rdflib import Graph

from kg.graph import add_extraction, new_graph
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr
from kg.sparql import bind_params, check_query, saved_queries
from kg.store import MemoryStore, OxigraphStore, PreparedQuery

DATA = [f"data/category-{i}" for i in range(24)]
METHODS = [f"method/method-{i}" for i in range(8)]
CHANNELS = [f"channel/channel-{i}" for i in range(10)]
FRAUD = [f"fraud/scheme-{i}" for i in range(12)]
SECTORS = [f"sector/sector-{i}" for i in range(10)]
AGENCIES = 60  # police forces shared by many stories
ROLES = ("price", "unit_price", "fee", "profit", "proceeds", "loss", "case_value")


def _story(i: int, rng: random.Random) -> Extraction:
    """One invented story: a leak, a sale, a resale, a fraud and an arrest."""
    sentences = [f"Sentence {k} of story {i} tells part of the case." for k in range(10)]
    text = " ".join(sentences)
    a = Article(text=text, path=f"story-{i:06d}.txt",
                sha256=hashlib.sha256(text.encode()).hexdigest(), title=f"Story {i}",
                published=f"{2010 + i % 14}-{1 + i % 12:02d}-{1 + i % 28:02d}")

    def span(k: int) -> Span:
        start = text.index(sentences[k])
        return Span(start, start + len(sentences[k]), sentences[k])

    def actor(key: str, kind: str, roles: tuple[str, ...], k: int) -> Entity:
        return Entity(key, kind, f"{key.title()} {i}", roles=roles, mentions=(span(k),),
                      article=a.id)

    def concept(key: str, kind: str, k: int) -> Entity:
        return Entity(key, kind, key.split("/")[1].replace("-", " "), concept=key,
                      mentions=(span(k),))

    data = rng.sample(DATA, 3)
    method, channel, fraud, sector = (rng.choice(METHODS), rng.choice(CHANNELS),
                                      rng.choice(FRAUD), rng.choice(SECTORS))
    agency = Entity(f"agency-{i % AGENCIES}", "agency", f"Police force {i % AGENCIES}",
                    mentions=(span(8),))
    ents = (
        actor("insider", "person", ("Insider", "LeakSource", "Seller"), 0),
        actor("holder", "org", ("DataHolder",), 0),
        actor("reseller", "person", ("Buyer", "Seller"), 3),
        actor("gang", "group", ("Buyer", "Fraudster"), 5),
        actor("victims", "people", ("Victim",), 6),
        agency,
        *(concept(d, "data", 1) for d in data),
        concept(method, "method", 0), concept(channel, "channel", 2),
        concept(fraud, "fraud", 6), concept(sector, "sector", 0),
    )
    records = Count(1000 * rng.randint(1, 5000), "records")
    money = tuple(Money(float(rng.randint(1, 100_000)), "CNY", rng.choice(ROLES))
                  for _ in range(2))
    events = (
        Event("leak", span(0), (("leakSource", "insider"), ("dataHolder", "holder"),
                                ("dataHolder", sector), ("leakMethod", method),
                                *(("dataCategory", d) for d in data)), records=(records,)),
        Event("sale", span(2), (("seller", "insider"), ("buyer", "reseller"),
                                ("channel", channel), ("dataCategory", data[0])),
              records=(records,), money=money[:1], status="alleged"),
        Event("sale", span(4), (("seller", "reseller"), ("buyer", "gang"), ("channel", channel)),
              money=money[1:]),
        Event("fraud", span(6), (("fraudster", "gang"), ("fraudScheme", fraud),
                                 ("victim", "victims"), ("dataCategory", data[1])),
              people=(Count(rng.randint(2, 900), "people"),)),
        Event("enforcement", span(8), (("agency", agency.key), ("target", "insider"),
                                       ("target", "gang")),
              time=TimeExpr(str(2010 + i % 14), str(2010 + i % 14)), status="arrested",
              action=rng.choice(("arrest", "detention", "prosecution"))),
    )
    return Extraction(a, ents, events)


def synthetic_stories(seed: int = 0) -> Iterator[Extraction]:
    rng = random.Random(seed)
    i = 0
    while True:
        yield _story(i, rng)
        i += 1


def synthetic_graph(triples: int, seed: int = 0) -> Graph:
    """At least ``triples`` triples of invented stories (deterministic for a seed)."""
    g = new_graph()
    stories = synthetic_stories(seed)
    while len(g) < triples:
        add_extraction(g, next(stories))
    return g


def bench_queries() -> dict[str, PreparedQuery]:
    """Every saved query, plus the one-case / one-entity ones with their parameter bound."""
    texts = {name: path.read_text(encoding="utf-8") for name, path in saved_queries().items()}
    out = {name: check_query(text) for name, text in texts.items()}
    for name, param in (("case_chain", {"source": "story-000007.txt"}),
                        ("evidence_for_entity", {"label": "Insider 7"})):
        out[f"{name}[{next(iter(param))}=one]"] = check_query(bind_params(texts[name], param))
    return out


def _time_runs(store: object, prepared: PreparedQuery, runs: int, budget: float,
               conn: object = None) -> tuple[list[float], int]:
    times: list[float] = []
    rows = 0
    started = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(store.query(prepared))  # type: ignore[attr-defined]
        times.append(time.perf_counter() - t)
        if conn is not None:
            conn.send((times[-1], rows))  # type: ignore[attr-defined]
        if time.perf_counter() - started > budget:
            break
    return times, rows


def _child(conn: object, store: object, prepared: PreparedQuery, runs: int, budget: float
           ) -> None:
    _time_runs(store, prepared, runs, budget, conn)


def time_in_child(store: object, prepared: PreparedQuery, runs: int, budget: float
                  ) -> tuple[list[float], int, bool]:
    """rdflib timings from a forked child, killed when past the budget (times, rows, cut)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, store, prepared, runs, budget))
    proc.start()
    child.close()
    times: list[float] = []
    rows, deadline = 0, time.perf_counter() + budget
    while len(times) < runs:
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or not parent.poll(remaining):
            break
        try:
            t, rows = parent.recv()
        except EOFError:
            break
        times.append(t)
    proc.kill()
    proc.join()
    return times, rows, not times


def _pct(times: list[float], q: float) -> float:
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=20, help="runs per query on Oxigraph")
    ap.add_argument("--memory-runs", type=int, default=5, help="runs per query on rdflib")
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per query on rdflib")
    ap.add_argument("--fast-budget", type=float, default=60.0,
                    help="seconds per query on Oxigraph (fewer runs past it)")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    g = synthetic_graph(args.triples)
    from kg.ontology import load_model

    g += load_model()
    print(f"synthetic graph: {len(g):,} triples (with the ontology model) "
          f"in {time.perf_counter() - t:.0f} s")
    queries = bench_queries()

    memory: dict[str, tuple[list[float], int, bool]] = {}
    mem_store = MemoryStore(g)
    for name, prepared in queries.items():  # rdflib first: fork before Oxigraph starts threads
        memory[name] = time_in_child(mem_store, prepared, args.memory_runs, args.budget)
        print(f"  rdflib   {name:32s} {len(memory[name][0])} run(s)", flush=True)

    t = time.perf_counter()
    ox = OxigraphStore(None)
    ox.load(g)
    print(f"pyoxigraph load: {time.perf_counter() - t:.0f} s")
    fast = {}
    for name, prepared in queries.items():
        fast[name] = _time_runs(ox, prepared, args.runs, args.fast_budget)
        print(f"  oxigraph {name:32s} {len(fast[name][0])} run(s)", flush=True)

    print()
    print(f"{'query':34s} {'rows':>7s}  {'rdflib p50':>10s} {'p95':>9s}  "
          f"{'oxigraph p50':>12s} {'p95':>8s}")
    for name in queries:
        mt, _, cut = memory[name]
        ft, rows = fast[name]
        mem = (f"{'>' + str(int(args.budget)) + 's':>10s} {'-':>9s}" if cut
               else f"{_pct(mt, 50) * 1000:8.0f}ms {_pct(mt, 95) * 1000:7.0f}ms")
        print(f"{name:34s} {rows:7d}  {mem}  {_pct(ft, 50) * 1000:10.1f}ms "
              f"{_pct(ft, 95) * 1000:6.1f}ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
