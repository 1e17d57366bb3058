"""Orchestration of a build: read -> extract (cached, in parallel) -> graph -> outputs, the
outputs written whole or not at all.

Articles stream through: each extraction becomes its article's block of triples (kg.corpus)
as it arrives and is then dropped, so memory follows neither the parsed texts nor
the graph; files unchanged since the last build into the same folder are not read again.
"""

from __future__ import annotations

import hashlib
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
from typing import TYPE_CHECKING

from rdflib import Graph

from kg.corpus import ArticleGraph, CorpusStore, CorpusView, FileStamp
from kg.errors import InputError, OutputError
from kg.model import Article, Extraction
from kg.settings import DEFAULT, Settings

if TYPE_CHECKING:
    from kg.analyze.projection import Projection

# Full Extraction records are kept in BuildResult.extractions up to this many articles (enough
# for evaluation runs); past it only the light ArticleSummary list is kept.
KEEP_EXTRACTIONS = 1000
_TMP_PREFIX = ".kg-build-"
CORPUS_DIRNAME = "corpus"  # inside the cache folder


@dataclass(frozen=True)
class ArticleSummary:
    """What is left of one article's extraction once its triples are in the graph."""

    id: str
    path: str
    entities: int
    events: int
    cached: bool


class BuildResult:
    """What a build made: the graph, what came from each article and where outputs went.

    ``graph`` is an rdflib Graph, loaded from the build's corpus only when first asked for
    (about 1 KB of memory per triple); ``triples`` counts it without loading it.
    ``extractions`` holds the full records of the articles read in this build (unchanged
    files are not read again) when there were at most KEEP_EXTRACTIONS of them;
    ``articles`` always has one summary per article. ``stats`` counts articles, unchanged,
    cached, extracted, failed, removed and corrupt cache entries."""

    def __init__(self, graph: Graph | None = None, *, corpus: CorpusView | None = None,
                 extractions: list[Extraction] | None = None,
                 warnings: list[str] | None = None,
                 articles: list[ArticleSummary] | None = None,
                 stats: dict[str, int] | None = None) -> None:
        if graph is None and corpus is None:
            raise ValueError("a BuildResult needs a graph or a corpus")
        self._graph = graph
        self.corpus = corpus
        self.extractions = extractions or []
        self.warnings = warnings or []
        self.articles = articles or []
        self.stats = stats or {}
        self.outputs: dict[str, Path] = {}
        self.timings: dict[str, float] = {}

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = self.corpus.graph()
        return self._graph

    @property
    def triples(self) -> int:
        return self.corpus.triples if self.corpus is not None else len(self._graph)

    def projection(self) -> Projection:
        """The entity-level projection the page and report share."""
        from kg.analyze import project

        return self.corpus.projection() if self.corpus is not None else project(self.graph)

    def write_turtle(self, path: Path) -> None:
        from kg.graph import serialize_turtle

        if self.corpus is not None:
            self.corpus.write_turtle(path)
        else:
            path.write_text(serialize_turtle(self.graph), encoding="utf-8")


def default_cache_dir(out: str | Path) -> Path:
    """Where a build into ``out`` keeps its extraction cache."""
    from kg.cache import CACHE_DIRNAME

    return Path(out) / CACHE_DIRNAME


@dataclass
class _Story:
    """One story of this build: the files it is read from, and its article if it was read."""

    key: str
    files: list[Path] = field(default_factory=list)
    stamps: list[FileStamp] = field(default_factory=list)
    copies: list[Article | None] = field(default_factory=list)
    article: Article | None = None  # None: unchanged since the last build, left unread


def story_key(text: str) -> str:
    """The corpus's name for a story: texts that are one story share it."""
    from kg.read import same_story_key

    return hashlib.sha256(same_story_key(text).encode("utf-8")).hexdigest()


def _plan(stamps: dict[Path, FileStamp], corpus: CorpusStore, fresh: bool,
          warn: Callable[[str], None], settings: Settings) -> list[_Story]:
    """Group the files into stories, reading only the files whose stamp changed; a story is
    left unread when its files are exactly the ones the corpus already holds it from."""
    from functools import reduce

    from kg.cache import article_key
    from kg.read import merge_copies, no_articles, read_article

    skipped: list[str] = []

    def read(f: Path) -> Article | None:
        try:
            return read_article(f, settings=settings, warn=warn)
        except InputError as e:
            warn(f"skipped {e}")
            skipped.append(str(e))
            return None

    stories: dict[str, _Story] = {}
    for f, stamp in stamps.items():
        key = None if fresh else corpus.story_of(stamp)
        art = None
        if key is None:
            if (art := read(f)) is None:
                continue
            key = story_key(art.text)
        story = stories.setdefault(key, _Story(key))
        if story.files:
            warn(f"{f} is the same story as {story.files[0]}: read once")
        story.files.append(f)
        story.stamps.append(stamp)
        story.copies.append(art)
    if not stories:
        raise no_articles(len(stamps), skipped)
    for story in stories.values():
        rec = corpus.record(story.key)
        stamps = tuple(story.stamps)
        if rec is not None and rec.files == stamps:
            continue
        copies = [c if c is not None else read(f) for c, f in zip(story.copies, story.files,
                                                                  strict=True)]
        story.article = reduce(merge_copies, [c for c in copies if c is not None])
        if (rec is not None and [f.path for f in rec.files] == [s.path for s in stamps]
                and rec.article_key == article_key(story.article)):
            corpus.restamp(story.key, stamps)  # touched, not changed
            story.article = None
    return list(stories.values())


class _Assembly:
    """The stories going into the corpus, and the light record of each."""

    def __init__(self, corpus: CorpusStore, keep_extractions: int,
                 advance: Callable[[], None]) -> None:
        self.corpus = corpus
        self.keep = keep_extractions
        self.advance = advance
        self.summaries: dict[int, ArticleSummary] = {}
        self.kept: dict[int, Extraction] | None = {}  # None once past keep_extractions
        self.later: dict[int, tuple[str, ...]] = {}  # extraction warnings by article index
        self.counts = {"articles": 0, "unchanged": 0, "cached": 0, "extracted": 0, "failed": 0}

    def unchanged(self, i: int, story: _Story) -> None:
        rec = self.corpus.record(story.key)
        self.summaries[i] = ArticleSummary(rec.article_id, rec.path, rec.entities, rec.events,
                                           cached=True)
        self.counts["articles"] += 1
        self.counts["unchanged"] += 1
        self.advance()

    def take(self, i: int, story: _Story, x: Extraction, ag: ArticleGraph, cached: bool,
             ok: bool = True) -> None:
        """Store article ``i``'s triples; keep its full record only while the build is small.

        A failed extraction is stored without file stamps, so the next build tries again."""
        from kg.cache import article_key

        self.corpus.put(story.key, tuple(story.stamps) if ok else (), article_key(x.article),
                        x.article.path, x.article.id, ag)
        self.summaries[i] = ArticleSummary(x.article.id, x.article.path, len(x.entities),
                                           len(x.events), cached)
        if x.warnings:
            self.later[i] = x.warnings
        if self.kept is not None and len(self.kept) < self.keep:
            self.kept[i] = x
        else:
            self.kept = None
        self.counts["articles"] += 1
        self.counts["cached" if cached else "extracted"] += 1
        if not ok:
            self.counts["failed"] += 1
        self.advance()

    def result(self, corpus: CorpusView, warnings: list[str]) -> BuildResult:
        """In article order, whatever order the extractions arrived in."""
        warnings = warnings + [w for i in sorted(self.later) for w in self.later[i]]
        kept = self.kept or {}
        return BuildResult(corpus=corpus, warnings=warnings, stats=dict(self.counts),
                           articles=[self.summaries[i] for i in sorted(self.summaries)],
                           extractions=[kept[i] for i in sorted(kept)])


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
    meanwhile: Callable[[Projection], None] | None = None,
) -> BuildResult:
    """Read and extract every article under the inputs into one graph.

    With a ``cache_dir``, the built corpus is kept there: files unchanged since the last
    build are not read again, and extractions found in the cache are reused (``fresh``
    ignores both). ``executor`` names where extraction runs (local, serial, process, dask)
    with ``workers`` processes (default: settings.workers); ``scheduler`` is a dask
    scheduler address. ``meanwhile`` gets the projection of what this build leaves
    unchanged, in a thread, while the rest is extracted (the caller's chance to get ready).
    """
    from kg.cache import ExtractionCache
    from kg.corpus import CorpusStore, corpus_fingerprint
    from kg.executors import ExecutorOptions, get_executor
    from kg.read import list_inputs

    started = time.perf_counter()
    warnings: list[str] = []
    files = list_inputs(list(inputs), warn=warnings.append)
    cache = ExtractionCache(cache_dir, settings, warn=warnings.append) if cache_dir else None
    corpus = CorpusStore(Path(cache_dir) / CORPUS_DIRNAME if cache_dir else None,
                         corpus_fingerprint(settings), fresh=fresh, warn=warnings.append)
    options = ExecutorOptions(workers=max(1, workers or settings.workers),
                              chunk_size=max(1, settings.batch_size), scheduler=scheduler)
    ex = get_executor(executor, settings, options)
    try:
        with ex:
            stamps = _stamps(files, warnings.append)
            if hasattr(ex, "expect"):  # workers load spaCy while the changed files are read
                ex.expect(sum(fresh or corpus.story_of(s) is None for s in stamps.values()))
            stories = _plan(stamps, corpus, fresh, warnings.append, settings)
            removed = corpus.keep_only(s.key for s in stories)
            corpus.premerge((s.key for s in stories if s.article is None), then=meanwhile)
            work = _extract(stories, ex, corpus, cache, fresh, keep_extractions, progress)
        corpus.commit()
    finally:
        corpus.close()
    if cache is not None:
        cache.prune()
        work.counts["corrupt"] = cache.stats.corrupt
    work.counts["removed"] = removed
    result = work.result(corpus.view(), warnings)
    result.timings["extract"] = time.perf_counter() - started
    return result


def _stamps(files: list[Path], warn: Callable[[str], None]) -> dict[Path, FileStamp]:
    """Each input file's stamp; a file that vanished since it was listed is skipped."""
    stamps = {}
    for f in files:
        try:
            stamps[f] = FileStamp.of(f)
        except OSError as e:
            warn(f"skipped {f}: {e.strerror or e}")
    return stamps


def _extract(stories: list[_Story], ex, corpus: CorpusStore, cache, fresh: bool,
             keep_extractions: int, progress: bool) -> _Assembly:
    """Every story into the corpus: unchanged ones as they are, the others from the cache
    or the executor, in story order."""
    from kg.corpus import article_graph

    with _progress_bar(progress, len(stories)) as advance:
        work = _Assembly(corpus, keep_extractions, advance)
        sent: deque[int] = deque()  # index of each story handed to the executor

        def misses() -> Iterator[Article]:
            """The articles neither the corpus nor the cache can answer."""
            for i, story in enumerate(stories):
                if story.article is None:
                    work.unchanged(i, story)
                    continue
                hit = None if (cache is None or fresh) else cache.get(story.article)
                if hit is not None:
                    work.take(i, story, hit, article_graph(hit), cached=True)
                else:
                    sent.append(i)
                    yield story.article

        for done in ex.map(misses()):
            i = sent.popleft()
            work.take(i, stories[i], done.extraction,
                      done.graph or article_graph(done.extraction), cached=False, ok=done.ok)
            if done.ok and cache is not None:
                cache.put(done.extraction)
    return work


@contextmanager
def _progress_bar(show: bool, total: int | None) -> Iterator[Callable[[], None]]:
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
        task = bar.add_task("extracting", total=total)
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


def prepare_outputs(unchanged: Projection | None = None) -> None:
    """Load what write_outputs needs (modules, templates, vis-network) ahead of time, and
    work out what the unchanged entities and events give the page."""
    from kg import render, report

    render.prepare(unchanged)
    report.prepare(unchanged)


def write_outputs(result: BuildResult, out: Path, settings: Settings = DEFAULT) -> BuildResult:
    """Write graph.ttl, graph.html and the report into a temporary folder inside ``out``, then
    move them in; a failed or killed build leaves the previous outputs as they were."""
    from kg import render, report
    from kg.analyze import analyze
    from kg.forked import Forked, can_fork

    started = time.perf_counter()
    out = Path(out)
    check_writable(out)
    _remove_stale_tmp(out)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=out))

    beside = None
    try:
        t = time.perf_counter()
        proj = result.projection()  # one for both the page and the report
        result.timings["project"] = time.perf_counter() - t

        def write_report() -> None:
            report.write_report(analyze(proj), tmp, settings=settings)

        steps: list[tuple[str, Callable[[], object]]] = [
            ("turtle", lambda: result.write_turtle(tmp / "graph.ttl")),
            ("html", lambda: render.write_html(proj, tmp / "graph.html", settings=settings)),
        ]
        if len(proj.nodes) >= settings.parallel_views_from and can_fork():
            beside = Forked(write_report, "report")  # while this process writes the rest
        else:
            steps.append(("report", write_report))
        for name, step in steps:
            t = time.perf_counter()
            step()
            result.timings[f"write_{name}"] = time.perf_counter() - t
        if beside is not None:
            result.timings["write_report"] = beside.wait()
            beside = None
        _fsync_tree(tmp)
        result.outputs = _commit(tmp, out)
    finally:
        if beside is not None:
            beside.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        render.forget()
        report.forget()
    result.timings["write"] = time.perf_counter() - started
    return result
