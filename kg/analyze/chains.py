"""The chain as paths: where data enters (holder, leak source) to where it ends (a use, a
victim), per article and overall, with what is missing from each path."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import networkx as nx

from kg.analyze.projection import (
    DTC_PREFIX,
    ROLE_STAGE,
    STAGES,
    EventRef,
    Projection,
    display_class,
    stage_pairs,
)
from kg.memo import ByObject

MAX_CHAINS = 500  # chain enumeration stops here: a dense graph has exponentially many paths


@dataclass(frozen=True)
class Chain:
    """One path along the supply chain, with what is missing from it."""

    steps: tuple[str, ...]  # entity IRIs, left to right
    stages: tuple[int, ...]  # index into STAGES of the role each step came in with
    roles: tuple[str, ...]  # each step's roles on this path: "buyer/seller" for a reseller
    events: tuple[str, ...]
    articles: tuple[str, ...]
    gaps: tuple[str, ...]  # "no known buyer", "buyer with no known use", "no known seller"

    @property
    def complete(self) -> bool:
        return not self.gaps


def _chain_key(iri: str, article: str | None) -> str:
    # Concepts ("telecom fraud") are shared by every article; scoping them to the article
    # keeps one story's buyer from running into another story's victims through them.
    return f"{iri}@{article}" if iri.startswith(DTC_PREFIX) else iri


# What each event adds to the chain graph: filled by ``prepare`` for the events a rebuild
# left unchanged, emptied by ``forget`` once the report is written.
_STEPS = ByObject()


def _event_steps(e: EventRef) -> tuple[tuple, tuple]:
    """((key, entity, stage) per staged participant, (key, entity, stage, key, entity,
    stage) per step along the chain) of one event."""
    staged = tuple((_chain_key(iri, e.article), iri, ROLE_STAGE[r])
                   for r, iri in e.participants if r in ROLE_STAGE)
    steps = tuple((_chain_key(ia, e.article), ia, a, _chain_key(ib, e.article), ib, b)
                  for a, ia, b, ib in stage_pairs(e))
    return staged, steps


def prepare(proj: Projection) -> None:
    for e in proj.events:
        _STEPS.get(e, _event_steps)


def forget() -> None:
    _STEPS.clear()


def chain_graph(proj: Projection, article: str | None = None) -> nx.DiGraph:
    """Entities at their chain stages, with an edge for each step an event shows."""
    # Built in plain dicts, handed to networkx at the end (in the order first seen, which
    # fixes the order paths are found in): a large corpus has tens of thousands of steps.
    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    events = [e for e in proj.events if article is None or e.article == article]

    def node(key: str, iri: str, article: str | None, stage: int) -> None:
        attrs = nodes.get(key)
        if attrs is None:
            attrs = nodes[key] = {"iri": iri, "stages": set(), "articles": set()}
        attrs["stages"].add(stage)
        if article:
            attrs["articles"].add(article)

    for e in events:
        staged, steps = _STEPS.get(e, _event_steps)
        for key, iri, stage in staged:
            node(key, iri, e.article, stage)
        for ka, ia, a, kb, ib, b in steps:
            node(ka, ia, e.article, a)
            node(kb, ib, e.article, b)
            d = edges.get((ka, kb))
            if d is not None:
                d["sa"], d["sb"] = min(d["sa"], a), max(d["sb"], b)
                d["events"].add(e.iri)
                d["articles"].add(e.article)
            else:
                edges[ka, kb] = {"sa": a, "sb": b, "events": {e.iri}, "articles": {e.article}}
    for n in proj.nodes.values():  # actors only known by their class, never in an event
        stage = display_class(set(n.classes))[1]
        if article is not None and article not in n.articles:
            continue
        if stage is not None and stage <= 3 and not n.is_concept and n.iri not in nodes:
            nodes[n.iri] = {"iri": n.iri, "stages": {int(stage)}, "articles": set(n.articles)}
    g = nx.DiGraph()
    g.add_nodes_from(nodes.items())
    g.add_edges_from((a, b, d) for (a, b), d in edges.items())
    return g


def _gaps(stages: tuple[int, ...]) -> tuple[str, ...]:
    gaps = []
    if stages[0] >= 3:
        gaps.append("no known seller")
    if stages[-1] <= 2:
        gaps.append("no known buyer")
    elif stages[-1] == 3:
        gaps.append("buyer with no known use")
    return tuple(gaps)


def _paths_to_sinks(g: nx.DiGraph, src: str) -> Iterator[list[str]]:
    """Every simple path from ``src`` to a node with no way on, depth first in the order the
    edges were added: nx.all_simple_paths(g, src, sinks), without it copying the set of
    sinks for every source (most of the chain analysis's time on a large corpus)."""
    succ = g.succ
    path, on, todo = [src], {src}, [iter(succ[src])]
    while todo:
        nxt = next(todo[-1], None)
        if nxt is None:
            todo.pop()
            on.discard(path.pop())
        elif nxt in on:
            continue
        elif not succ[nxt]:
            yield [*path, nxt]
        else:
            path.append(nxt)
            on.add(nxt)
            todo.append(iter(succ[nxt]))


def chain_paths(proj: Projection, article: str | None = None,
                limit: int = MAX_CHAINS) -> list[Chain]:
    """Every path from where data enters the chain to where it ends, overall or for one article."""
    g = chain_graph(proj, article)
    chains: list[Chain] = []
    for src in sorted((n for n in g if g.in_degree(n) == 0), key=str):
        if g.out_degree(src) == 0:
            stage = min(g.nodes[src]["stages"])
            if stage <= 3:
                chains.append(Chain((g.nodes[src]["iri"],), (stage,), (STAGES[stage],), (),
                                    tuple(sorted(g.nodes[src]["articles"])), _gaps((stage,))))
            continue
        for path in islice(_paths_to_sinks(g, src), max(0, limit - len(chains))):
            edges = [g.edges[u, v] for u, v in zip(path, path[1:], strict=False)]
            stages = (edges[0]["sa"],) + tuple(d["sb"] for d in edges)
            outs = tuple(d["sa"] for d in edges) + (stages[-1],)
            roles = tuple("/".join(STAGES[x] for x in dict.fromkeys((i, o)))
                          for i, o in zip(stages, outs, strict=True))
            chains.append(Chain(
                steps=tuple(g.nodes[k]["iri"] for k in path), stages=stages, roles=roles,
                events=tuple(sorted({ev for d in edges for ev in d["events"]})),
                articles=tuple(sorted({a for d in edges for a in d["articles"] if a})),
                gaps=_gaps(stages)))
        if len(chains) >= limit:
            break
    return chains


def chains_by_article(chains: list[Chain]) -> dict[str, list[Chain]]:
    """Chains grouped by the article (or articles, joined by a space) they come from."""
    out: dict[str, list[Chain]] = defaultdict(list)
    for c in chains:
        out[" ".join(c.articles)].append(c)
    return dict(sorted(out.items()))
