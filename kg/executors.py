"""Where extraction runs: in this process, in a pool of local processes, or on a dask cluster.

Every executor takes a stream of Articles and yields one ``Extracted`` per article, in input
order, holding only a bounded number of chunks in flight, so memory does not grow with the
corpus. Each worker process builds one Extractor (it loads spaCy) and reuses it for every
chunk. Executors are found by name in ``EXECUTORS``, like rdflib's serializer plugins.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import KgError
from kg.model import Article, Extraction
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.corpus import ArticleGraph

# Below this many articles the local executor stays in this process: starting workers that
# each import and load spaCy (~2 s) costs more than splitting the work saves.
SERIAL_BELOW = 48


@dataclass(frozen=True)
class Extracted:
    """One article's extraction, and whether the extractor ran cleanly (only then is it cached)."""

    extraction: Extraction
    ok: bool = True
    graph: ArticleGraph | None = None  # its triples, made in the worker


@dataclass(frozen=True)
class ExecutorOptions:
    """How much parallelism to use and where."""

    workers: int = 2
    chunk_size: int = 16
    scheduler: str | None = None  # a dask scheduler address; None starts a LocalCluster


class Executor(Protocol):
    """Extraction over a stream of articles; a context manager that owns its workers."""

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


EXECUTORS: dict[str, Callable[[Settings, ExecutorOptions], Executor]] = {}


def register(name: str):
    """Add an executor class to the registry under ``name``."""

    def deco(cls):
        EXECUTORS[name] = cls
        return cls

    return deco


def get_executor(name: str, settings: Settings, options: ExecutorOptions) -> Executor:
    """The executor registered as ``name``; an unknown name is a user error."""
    try:
        factory = EXECUTORS[name]
    except KeyError:
        raise KgError(f"unknown executor '{name}' (choose one of: {', '.join(sorted(EXECUTORS))})"
                      ) from None
    return factory(settings, options)


# --- the work each worker does -------------------------------------------------------------

_EXTRACTORS: dict[Settings, Any] = {}
_EXTRACTOR_LOCK = threading.Lock()


def worker_extractor(settings: Settings):
    """This process's Extractor for these settings, built once (loading spaCy is the cost)."""
    with _EXTRACTOR_LOCK:
        ex = _EXTRACTORS.get(settings)
        if ex is None:
            from kg.extract.pipeline import Extractor

            ex = _EXTRACTORS[settings] = Extractor(settings)
        return ex


def _failed(article: Article, err: BaseException) -> Extracted:
    msg = f"extraction failed for {article.path}: {type(err).__name__}: {err}".splitlines()[0]
    return Extracted(Extraction(article=article, warnings=(msg,)), ok=False)


def extract_chunk(articles: list[Article], settings: Settings) -> list[Extracted]:
    """Extract a chunk, and turn each extraction into triples while still in the worker."""
    from kg.corpus import article_graph

    return [replace(e, graph=article_graph(e.extraction))
            for e in _extract_chunk(articles, settings)]


def _extract_chunk(articles: list[Article], settings: Settings) -> list[Extracted]:
    """Extract a chunk with the batched ``extract_many`` when the extractor has it; an article
    that makes the extractor raise becomes a warning, not a failed build."""
    ex = worker_extractor(settings)
    many = getattr(ex, "extract_many", None)
    if many is not None and len(articles) > 1:
        try:
            xs = list(many(articles))
            if len(xs) == len(articles):
                return [Extracted(x) for x in xs]
        except Exception:  # retried one by one below to find the article at fault
            pass
    out: list[Extracted] = []
    for a in articles:
        try:
            out.append(Extracted(ex.extract(a)))
        except Exception as e:
            out.append(_failed(a, e))
    return out


def _init_worker(settings: Settings, parent: int) -> None:
    # The build process handles Ctrl-C and stops the pool; a forked worker must not inherit
    # its SIGTERM handler either, so that SIGTERM simply ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    worker_extractor(settings)


def _exit_with_parent(parent: int) -> None:
    """A worker whose build was killed (SIGKILL runs no cleanup) must not linger, holding
    a loaded spaCy pipeline; it notices it was orphaned and exits."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` items, pulled lazily."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _in_order(submit: Callable[[list[Article]], Any], chunks: Iterable[list[Article]],
              window: int) -> Iterator[Extracted]:
    """Submit chunks keeping at most ``window`` in flight; yield results in submission order."""
    pending: deque = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


# --- the executors -------------------------------------------------------------------------


@register("serial")
class SerialExecutor:
    """Everything in this process: no start-up cost, one core."""

    def __init__(self, settings: Settings, options: ExecutorOptions) -> None:
        self.settings = settings
        self.options = options

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]:
        for chunk in chunked(articles, self.options.chunk_size):
            yield from extract_chunk(chunk, self.settings)


@register("process")
class ProcessExecutor:
    """A pool of local worker processes, each with its own Extractor."""

    def __init__(self, settings: Settings, options: ExecutorOptions) -> None:
        self.settings = settings
        self.options = options
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def start(self) -> None:
        """Start the workers now, so they load spaCy while the build reads the articles."""
        if self._pool is None:
            # The platform's default start method (fork on Linux: quick, and a script without
            # a __main__ guard still works); the build runs no threads of its own by then.
            self._pool = ProcessPoolExecutor(
                max_workers=self.options.workers, mp_context=multiprocessing.get_context(),
                initializer=_init_worker, initargs=(self.settings, os.getpid()))
            self._pool.submit(int)  # the pool forks its workers on the first task

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]:
        self.start()
        pool = self._pool
        try:
            yield from _in_order(lambda c: pool.submit(extract_chunk, c, self.settings),
                                 chunked(articles, self.options.chunk_size),
                                 window=2 * self.options.workers)
        except BrokenProcessPool as e:
            raise KgError("an extraction worker died (out of memory?); "
                          "try fewer --workers") from e


@register("local")
class LocalExecutor:
    """The default: a process pool on the local cores, or this process for a handful of
    articles (decided by peeking at the stream, so it still streams)."""

    def __init__(self, settings: Settings, options: ExecutorOptions) -> None:
        self.settings = settings
        self.options = options
        self.chosen: SerialExecutor | ProcessExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.chosen is not None:
            self.chosen.__exit__(*exc)

    def expect(self, articles: int) -> None:
        """Told early how many articles are coming: start the pool ahead if it will be used.

        A handful of articles gets one worker too, unless this process has spaCy loaded
        already: loading it (1.4 s) is most of a small rebuild, and the worker does it while
        this process reads the corpus and merges what did not change."""
        if self.chosen is not None or articles == 0 or self.options.workers <= 1:
            return
        if articles >= SERIAL_BELOW:
            self.chosen = ProcessExecutor(self.settings, self.options)
        elif self.settings not in _EXTRACTORS:
            self.chosen = ProcessExecutor(self.settings, replace(self.options, workers=1))
        else:
            return
        self.chosen.start()

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]:
        it = iter(articles)
        if self.chosen is None:
            head = list(itertools.islice(it, SERIAL_BELOW))
            few = len(head) < SERIAL_BELOW or self.options.workers <= 1
            cls = SerialExecutor if few else ProcessExecutor
            self.chosen = cls(self.settings, self.options)
            it = itertools.chain(head, it)
        yield from self.chosen.map(it)


@register("dask")
class DaskExecutor:
    """Chunks mapped over a dask.distributed cluster; the graph is assembled by the caller.

    Without a scheduler address a LocalCluster of worker processes is started and closed.
    Workers of a remote cluster must have this package installed."""

    def __init__(self, settings: Settings, options: ExecutorOptions) -> None:
        self.settings = settings
        self.options = options
        self._client = None
        self._cluster = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.options.scheduler:
            _check_reachable(self.options.scheduler)
            try:
                self._client = Client(self.options.scheduler, timeout="15s")
            except (OSError, TimeoutError, ValueError) as e:
                raise KgError(f"cannot use the dask scheduler at {self.options.scheduler}: {e}"
                              ) from e
        else:
            self._cluster = LocalCluster(
                n_workers=self.options.workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]:
        from distributed import KilledWorker

        if self._client is None:
            raise KgError("the dask executor is used outside its `with` block")
        client = self._client
        slots = max(1, sum(client.nthreads().values()))
        try:
            yield from _in_order(
                lambda c: client.submit(extract_chunk, c, self.settings, pure=False),
                chunked(articles, self.options.chunk_size), window=2 * slots)
        except KilledWorker as e:
            raise KgError("dask workers kept dying on a chunk of articles (out of memory?)"
                          ) from e


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """A clear one-line error for a malformed or unreachable scheduler address, before dask
    starts retrying (and leaves a half-built client behind)."""
    from distributed.comm import parse_address, parse_host_port

    hint = "(a dask scheduler address looks like tcp://HOST:8786)"
    try:
        scheme, loc = parse_address(address)
        host, port = parse_host_port(loc) if scheme in ("tcp", "tls") else (None, None)
    except (ValueError, TypeError) as e:
        raise KgError(f"not a dask scheduler address: {address!r}: {e} {hint}") from e
    if host is None:
        return
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as e:
        raise KgError(f"cannot reach the dask scheduler at {address}: "
                      f"{e.strerror or e} {hint}") from e
