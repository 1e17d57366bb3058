"""Orchestration of a build: read -> extract -> graph -> outputs, written whole or not at all."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import OutputError
from kg.model import Extraction
from kg.settings import DEFAULT, Settings


@dataclass
class BuildResult:
    """What a build made: the graph, the per-article extractions and where outputs went."""

    graph: Graph
    extractions: list[Extraction] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def extract_all(articles, settings: Settings, progress: bool = False) -> list[Extraction]:
    """Run the extractor over every article (serially for now)."""
    from kg.extract.pipeline import Extractor

    extractor = Extractor(settings)
    articles = list(articles)
    if progress and len(articles) > 1:
        from rich.progress import track

        articles_iter = track(articles, description="extracting", transient=True)
    else:
        articles_iter = articles
    return [extractor.extract(a) for a in articles_iter]


def build_graph(inputs: Iterable[str | Path], settings: Settings = DEFAULT,
                progress: bool = False) -> BuildResult:
    """Read and extract every article under the inputs into one graph."""
    from kg.graph import extractions_to_graph
    from kg.read import iter_articles

    warnings: list[str] = []
    articles = list(iter_articles(inputs, warn=warnings.append))
    extractions = extract_all(articles, settings, progress)
    graph = extractions_to_graph(extractions)
    for x in extractions:
        warnings.extend(x.warnings)
    return BuildResult(graph=graph, extractions=extractions, warnings=warnings)


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".kg-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise OutputError(f"cannot write to {out}: {e.strerror or e} (choose another --out)") from e


def write_outputs(result: BuildResult, out: Path, settings: Settings = DEFAULT) -> BuildResult:
    """Write graph.ttl, graph.html and the report into a temporary folder, then move them in."""
    from kg.graph import serialize_turtle
    from kg.render import write_html

    _check_writable(out)
    tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out))
    try:
        (tmp / "graph.ttl").write_text(serialize_turtle(result.graph), encoding="utf-8")
        write_html(result.graph, tmp / "graph.html", settings=settings)
        try:
            from kg.report import write_report
        except ImportError:  # the report arrives with the analysis module
            write_report = None
        if write_report is not None:
            write_report(result.graph, tmp, settings=settings)
        outputs = {}
        for f in sorted(tmp.iterdir()):
            target = out / f.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            f.replace(target)
            outputs[f.name] = target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.outputs = outputs
    return result
