"""The library API: what the CLI and notebooks call."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.build import BuildResult, build_graph, check_writable, default_cache_dir, write_outputs
from kg.model import Article
from kg.settings import DEFAULT, Settings


def build(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    settings: Settings = DEFAULT,
    progress: bool = False,
    workers: int | None = None,
    fresh: bool = False,
    cache_dir: str | Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> BuildResult:
    """Read articles, extract the chain, make the graph; write graph.ttl, graph.html and
    the report to ``out`` when given.

    Extractions are cached in ``cache_dir`` (default: ``out/.kg-cache``; none when there is
    no ``out``) so a rebuild re-extracts only new or changed articles; ``fresh`` ignores the
    cache. ``executor`` is "local" (processes on this machine, the default) or "dask"
    (``scheduler`` address, or a local cluster); ``workers`` defaults to settings.workers."""
    if out is not None:
        check_writable(Path(out))
        if cache_dir is None:
            cache_dir = default_cache_dir(out)
    result = build_graph(inputs, settings=settings, progress=progress, workers=workers,
                         fresh=fresh, cache_dir=cache_dir, executor=executor,
                         scheduler=scheduler)
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
