"""The library API: what the CLI and notebooks call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph

from kg.build import (
    BuildResult,
    build_graph,
    check_writable,
    default_cache_dir,
    prepare_outputs,
    write_outputs,
)
from kg.heap import released
from kg.model import Article
from kg.settings import DEFAULT, Settings
from kg.store import QueryResult


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
    with released():
        result = build_graph(inputs, settings=settings, progress=progress, workers=workers,
                             fresh=fresh, cache_dir=cache_dir, executor=executor,
                             scheduler=scheduler,
                             meanwhile=prepare_outputs if out is not None else None)
        if out is not None:
            result = write_outputs(result, Path(out), settings=settings)
    return result


def read(path: str | Path) -> Article:
    """One article file as the extractor will see it."""
    from kg.read import read_article

    return read_article(path)


def load_graph(
    path: str | Path, *, with_ontology: bool = False, settings: Settings = DEFAULT
) -> Graph:
    """A built graph.ttl (and, if asked, the ontology) as an rdflib Graph."""
    from kg.graph import load_turtle

    return load_turtle(Path(path), with_ontology=with_ontology, settings=settings)


def query(
    query: str,
    *,
    graph: str | Path | Graph | None = None,
    store: str | None = None,
    params: Mapping[str, str] | None = None,
    limit: int | None = None,
    settings: Settings = DEFAULT,
) -> QueryResult:
    """Run SPARQL (inline, a .rq file or a saved query's name) on a graph or a store.

    ``graph`` defaults to out/graph.ttl; with ``store`` (``oxigraph:DIR`` or an http(s)
    endpoint) the store is queried, after loading ``graph`` into it when both are given.
    ``kg.results.format_result(result, "csv")`` prints the answer in any output format.
    """
    from kg.sparql import run_query

    return run_query(query, graph=graph, store=store, params=params, limit=limit,
                     settings=settings)


def export(
    graph: str | Path | Graph,
    format: str = "turtle",  # noqa: A002 - the CLI's word
    out: str | Path | None = None,
    *,
    redact: bool = False,
    store: str | None = None,
    settings: Settings = DEFAULT,
) -> list[Path]:
    """Write a graph in another format (``kg.exporters.formats()``), or load it into a store.

    Returns the files written (none when ``store`` is given: the graph goes in with the
    ontology model, so the store answers the saved queries). With ``redact``, private
    persons are replaced by stable pseudonyms first.
    """
    from kg.exporters import default_out, export_graph
    from kg.exporters.redact import redact_persons
    from kg.graph import load_turtle
    from kg.sparql import with_model
    from kg.store import open_store

    g = graph if isinstance(graph, Graph) else load_turtle(Path(graph), settings=settings)
    if store is not None:
        target = open_store(store, settings=settings)
        try:
            target.load(with_model(redact_persons(g) if redact else g, settings))
        finally:
            target.close()
        return []
    return export_graph(g, format, out if out is not None else default_out(format), redact=redact)
