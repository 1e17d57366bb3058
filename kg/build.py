"""Orchestration of a build: read -> extract (cached, in parallel) -> graph -> outputs, the
outputs written whole or not at all.

Articles stream through: each extraction is added to the graph as it arrives and then
dropped, so memory follows the graph, not the parsed texts.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg.errors import OutputError
from kg.model import Article, Extraction
from kg.settings import DEFAULT, Settings

# Full Extraction records are kept in BuildResult.extractions up to this many articles (enough
# for evaluation runs); past it only the light ArticleSummary list is kept.
KEEP_EXTRACTIONS = 1000
_TMP_PREFIX = ".kg-build-"


@dataclass(frozen=True)
class ArticleSummary:
    """What is left of one article's extraction once its triples are in the graph."""

    id: str
    path: str
    entities: int
    events: int
    cached: bool


@dataclass
class BuildResult:
    """What a build made: the graph, what came from each article and where outputs went.

    ``extractions`` holds the full records when the build had at most KEEP_EXTRACTIONS
    articles and is empty otherwise; ``articles`` always has one summary per article.
    ``stats`` counts articles, cached, extracted, failed and corrupt cache entries."""

    graph: Graph
    extractions: list[Extraction] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    articles: list[ArticleSummary] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def default_cache_dir(out: str | Path) -> Path:
    """Where a build into ``out`` keeps its extraction cache."""
    from kg.cache import CACHE_DIRNAME

    return Path(out) / CACHE_DIRNAME


class _Assembly:
    """The graph under construction and the light record of each article added to it."""

    def __init__(self, keep_extractions: int, advance: Callable[[], None]) -> None:
        from kg.graph import new_graph

        self.graph = new_graph()
        self.keep = keep_extractions
        self.advance = advance
        self.summaries: dict[int, ArticleSummary] = {}
        self.kept: dict[int, Extraction] = {}
        self.later: dict[int, tuple[str, ...]] = {}  # extraction warnings by article index
        self.counts = {"articles": 0, "cached": 0, "extracted": 0, "failed": 0}

    def take(self, i: int, x: Extraction, cached: bool) -> None:
        """Add article ``i``'s triples; keep its full record only while the build is small."""
        from kg.graph import add_extraction

        add_extraction(self.graph, x)
        self.summaries[i] = ArticleSummary(x.article.id, x.article.path, len(x.entities),
                                           len(x.events), cached)
        if x.warnings:
            self.later[i] = x.warnings
        if len(self.summaries) <= self.keep:
            self.kept[i] = x
        else:
            self.kept.clear()
        self.counts["articles"] += 1
        self.counts["cached" if cached else "extracted"] += 1
        self.advance()

    def result(self, warnings: list[str]) -> BuildResult:
        """In article order, whatever order the extractions arrived in."""
        warnings = warnings + [w for i in sorted(self.later) for w in self.later[i]]
        return BuildResult(graph=self.graph, warnings=warnings, stats=dict(self.counts),
                           articles=[self.summaries[i] for i in sorted(self.summaries)],
                           extractions=[self.kept[i] for i in sorted(self.kept)])


def build_graph(
    inputs: Iterable[str | Path],
    settings: Settings = DEFAULT,
    progress: bool = False,
    *,
    workers: int | None = None,
    fresh: bool = False,
    cache_dir: str | Path | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    keep_extractions: int = KEEP_EXTRACTIONS,
) -> BuildResult:
    """Read and extract every article under the inputs into one graph.

    Extractions found in ``cache_dir`` are reused unless ``fresh``; new ones are stored there.
    ``executor`` names where extraction runs (local, serial, process, dask) with ``workers``
    processes (default: settings.workers); ``scheduler`` is a dask scheduler address."""
    from kg.cache import ExtractionCache
    from kg.executors import ExecutorOptions, get_executor
    from kg.read import iter_articles

    started = time.perf_counter()
    inputs = list(inputs)  # walked twice: counted for the progress bar, then read
    warnings: list[str] = []
    cache = ExtractionCache(cache_dir, settings, warn=warnings.append) if cache_dir else None
    options = ExecutorOptions(workers=max(1, workers or settings.workers),
                              chunk_size=max(1, settings.batch_size), scheduler=scheduler)
    ex = get_executor(executor, settings, options)
    with ex, _progress_bar(progress, inputs) as advance:
        work = _Assembly(keep_extractions, advance)
        sent: deque[int] = deque()  # index of each article handed to the executor

        def misses() -> Iterator[Article]:
            """The articles the cache cannot answer; cached ones go straight into the graph."""
            for i, article in enumerate(iter_articles(inputs, warn=warnings.append)):
                hit = None if (cache is None or fresh) else cache.get(article)
                if hit is not None:
                    work.take(i, hit, cached=True)
                else:
                    sent.append(i)
                    yield article

        for done in ex.map(misses()):
            work.take(sent.popleft(), done.extraction, cached=False)
            if not done.ok:
                work.counts["failed"] += 1
            elif cache is not None:
                cache.put(done.extraction)

    if cache is not None:
        cache.prune()
        work.counts["corrupt"] = cache.stats.corrupt
    result = work.result(warnings)
    result.timings["extract"] = time.perf_counter() - started
    return result


def _count_inputs(inputs: Iterable[str | Path]) -> int | None:
    """How many article files the inputs hold, for the progress bar (None if unknown)."""
    try:
        from kg.read import list_inputs

        return len(list_inputs(inputs))
    except Exception:  # the reader reports bad inputs itself, with a proper error
        return None


@contextmanager
def _progress_bar(show: bool, inputs: list[str | Path]) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr counting articles done; a no-op when not asked for or
    when stderr is not a terminal (a log file gets no bar)."""
    from rich.console import Console

    console = Console(stderr=True)
    if not show or not console.is_terminal:
        yield lambda: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
               TextColumn("articles"), TimeElapsedColumn(), TimeRemainingColumn())
    # No refresh thread: worker processes may be forked while the bar is up.
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task("extracting", total=_count_inputs(inputs))
        last = 0.0

        def advance() -> None:
            nonlocal last
            bar.advance(task)
            now = time.monotonic()
            if now - last > 0.1:
                bar.refresh()
                last = now

        yield advance


# --- outputs ---------------------------------------------------------------------------------


def check_writable(out: Path) -> None:
    """Fail early, before a long extraction, if ``out`` cannot take the outputs."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".kg-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise OutputError(f"cannot write to {out}: {e.strerror or e} (choose another --out)") from e


def _remove_stale_tmp(out: Path) -> None:
    """Temporary folders of builds that were killed (their process is gone)."""
    for d in out.glob(_TMP_PREFIX + "*"):
        pid = d.name[len(_TMP_PREFIX):].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_tree(root: Path) -> None:
    for f in root.rglob("*"):
        if f.is_file():
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while the finished outputs are moved in, so a stop request lands
    after the move rather than between two files."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    except (AttributeError, ValueError, OSError):  # not on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _commit(tmp: Path, out: Path) -> dict[str, Path]:
    """Move every finished output from ``tmp`` into ``out`` (one rename each)."""
    outputs: dict[str, Path] = {}
    with _signals_deferred():
        for f in sorted(tmp.iterdir()):
            target = out / f.name
            if f.is_dir() and target.is_dir() and not target.is_symlink():
                old = tmp / f".old-{f.name}"
                target.replace(old)  # a folder cannot be renamed over a full folder
            f.replace(target)
            outputs[f.name] = target
    return outputs


def write_outputs(result: BuildResult, out: Path, settings: Settings = DEFAULT) -> BuildResult:
    """Write graph.ttl, graph.html and the report into a temporary folder inside ``out``, then
    move them in; a failed or killed build leaves the previous outputs as they were."""
    from kg.analyze import analyze, project
    from kg.graph import serialize_turtle
    from kg.render import write_html
    from kg.report import write_report

    started = time.perf_counter()
    out = Path(out)
    check_writable(out)
    _remove_stale_tmp(out)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=out))
    made: list = []

    def projection():
        """The networkx-ready projection, made once for both the page and the report."""
        if not made:
            made.append(project(result.graph))
        return made[0]

    steps: list[tuple[str, Callable[[], object]]] = [
        ("turtle", lambda: (tmp / "graph.ttl").write_text(serialize_turtle(result.graph),
                                                          encoding="utf-8")),
        ("html", lambda: write_html(projection(), tmp / "graph.html", settings=settings)),
        ("report", lambda: write_report(analyze(projection()), tmp, settings=settings)),
    ]
    try:
        for name, step in steps:
            t = time.perf_counter()
            step()
            result.timings[f"write_{name}"] = time.perf_counter() - t
        _fsync_tree(tmp)
        result.outputs = _commit(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.timings["write"] = time.perf_counter() - started
    return result
