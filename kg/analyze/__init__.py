"""networkx analysis of the RDF graph: the chain as paths, brokers and hubs, groups, and the
figures (records, money, enforcement) the report shows.

One module per job: ``projection`` (RDF -> entities, events, links), ``chains`` (paths along
the chain and their gaps), ``measures`` (centrality, communities, sums).
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.analyze.projection import (
    DISPLAY_CLASSES,
    STAGES,
    ArticleRef,
    EventRef,
    EvidenceRef,
    Link,
    NodeRef,
    Projection,
    display_class,
    event_links,
    project,
    to_networkx,
)

if TYPE_CHECKING:
    from kg.analyze.chains import Chain
    from kg.analyze.measures import (
        CategoryRecords,
        Centrality,
        EnforcementRow,
        MoneyTotal,
        UnitPrice,
    )

# The analyses are imported when first used: they bring networkx and igraph, which a build's
# extraction workers (which only project) never need.
_LAZY = {name: "chains" for name in ("Chain", "chain_graph", "chain_paths", "chains_by_article")}
_LAZY |= {name: "measures" for name in (
    "CategoryRecords", "Centrality", "EnforcementRow", "MoneyTotal", "UnitPrice",
    "brokers_and_hubs", "communities", "enforcement_by_agency_year", "events_by_year",
    "money_by_currency_role", "price_per_record", "records_by_category")}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg.analyze' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kg.analyze.{module}"), name)
    globals()[name] = value
    return value


@dataclass(frozen=True)
class Analysis:
    """All the analysis the report shows, computed once."""

    projection: Projection
    chains: list[Chain]
    brokers: list[Centrality]
    hubs: list[Centrality]
    communities: list[tuple[str, ...]]
    categories: list[CategoryRecords]
    money: list[MoneyTotal]
    prices: list[UnitPrice]
    enforcement: list[EnforcementRow]
    years: dict[str, Counter]


def analyze(graph: Graph | Projection) -> Analysis:
    """Run every analysis over a graph (or an already made projection)."""
    from kg.analyze.chains import chain_paths
    from kg.analyze.measures import (
        brokers_and_hubs,
        communities,
        enforcement_by_agency_year,
        events_by_year,
        money_by_currency_role,
        price_per_record,
        records_by_category,
    )

    proj = graph if isinstance(graph, Projection) else project(graph)
    brokers, hubs = brokers_and_hubs(proj)
    return Analysis(proj, chain_paths(proj), brokers, hubs, communities(proj),
                    records_by_category(proj), money_by_currency_role(proj),
                    price_per_record(proj), enforcement_by_agency_year(proj), events_by_year(proj))


__all__ = [
    "DISPLAY_CLASSES", "STAGES", "Analysis", "ArticleRef", "CategoryRecords", "Centrality",
    "Chain", "EnforcementRow", "EventRef", "EvidenceRef", "Link", "MoneyTotal", "NodeRef",
    "Projection", "UnitPrice", "analyze", "brokers_and_hubs", "chain_graph", "chain_paths",
    "chains_by_article", "communities", "display_class", "enforcement_by_agency_year",
    "event_links", "events_by_year", "money_by_currency_role", "price_per_record", "project",
    "records_by_category", "to_networkx",
]
