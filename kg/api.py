"""The library API: what the CLI and notebooks call."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.build import BuildResult, build_graph, write_outputs
from kg.model import Article
from kg.settings import DEFAULT, Settings


def build(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    settings: Settings = DEFAULT,
    progress: bool = False,
) -> BuildResult:
    """Read articles, extract the chain, make the graph; write graph.ttl, graph.html and
    the report to ``out`` when given."""
    result = build_graph(inputs, settings=settings, progress=progress)
    if out is not None:
        result = write_outputs(result, Path(out), settings=settings)
    return result


def read(path: str | Path) -> Article:
    """One article file as the extractor will see it."""
    from kg.read import read_article

    return read_article(path)


def load_graph(path: str | Path, *, with_ontology: bool = False, settings: Settings = DEFAULT) -> Graph:
    """A built graph.ttl (and, if asked, the ontology) as an rdflib Graph."""
    from kg.graph import load_turtle

    return load_turtle(Path(path), with_ontology=with_ontology, settings=settings)
