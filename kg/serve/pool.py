"""Worker processes that run the queries: each holds the graph in an embedded Oxigraph store,
and one that runs past the timeout is killed and replaced, so no query can hold a CPU."""

from __future__ import annotations

import multiprocessing
import queue
import threading
from pathlib import Path
from typing import Any

from kg.errors import KgError, QueryError, StoreError
from kg.results import format_result, serialize_triples
from kg.serve.config import Busy, ServeConfig, TimedOut
from kg.store import OxigraphStore, PreparedQuery


def _limit_memory(mb: int) -> None:
    if mb <= 0:
        return
    try:
        import resource

        cap = mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout still holds
        pass


def _render(result: Any, fmt: str) -> bytes:
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return serialize_triples(result, fmt).encode("utf-8")
    return format_result(result, fmt).encode("utf-8")


def _worker_main(conn: Any, sources: list[str], memory_mb: int) -> None:
    """Load the graph once, then answer (query, form, format, cap) messages until EOF."""
    try:
        if len(sources) == 1 and sources[0].startswith("oxigraph:"):
            store = OxigraphStore(Path(sources[0][len("oxigraph:"):]), read_only=True)
        else:
            store = OxigraphStore(None)
            for src in sources:
                store.load(Path(src))
        _limit_memory(memory_mb)
        conn.send(("ready", len(store)))
    except KgError as e:
        conn.send(("failed", str(e)))
        return
    while True:
        try:
            text, form, fmt, cap = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = store.query(PreparedQuery(text, form), limit=cap)
            conn.send(("ok", _render(result, fmt), result.truncated, len(result)))
        except KgError as e:
            conn.send(("error", str(e)))
        except MemoryError:
            conn.send(("error", "the query needs more memory than a worker may use"))


class _Worker:
    def __init__(self, ctx: Any, sources: list[str], config: ServeConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, sources,
                                                               config.worker_memory_mb),
                                   daemon=True, name="kg-serve-worker")
        self.process.start()
        child.close()
        if not self.conn.poll(config.load_timeout_s):
            self.kill()
            raise StoreError(f"loading the graph took more than {config.load_timeout_s:.0f}s")
        try:
            status, detail = self.conn.recv()
        except EOFError as e:
            self.kill()
            raise StoreError("a query worker died while loading the graph") from e
        if status != "ready":
            self.kill()
            raise StoreError(detail)
        self.triples = int(detail)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """At most ``workers`` queries run at once, each in a process that can be killed."""

    def __init__(self, sources: list[str], config: ServeConfig) -> None:
        self.sources, self.config = sources, config
        self.ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.every: set[_Worker] = set()  # idle or busy, so close() reaches them all
        self.closed = False
        first = self._start()  # fails fast on a bad graph
        self.triples = first.triples
        try:
            for _ in range(max(1, config.workers) - 1):
                self._start()
        except KgError:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _Worker(self.ctx, self.sources, self.config)
        if self.closed:  # closed while this one was loading
            worker.kill()
            return worker
        self.every.add(worker)
        self.idle.put(worker)
        return worker

    def run(self, prepared: PreparedQuery, fmt: str) -> tuple[bytes, bool, int]:
        """Run one query on an idle worker: (body, truncated, rows)."""
        try:
            worker = self.idle.get(timeout=self.config.timeout_s)
        except queue.Empty as e:
            raise Busy("every query worker is busy; retry shortly") from e
        try:
            worker.conn.send((prepared.text, prepared.form, fmt, self.config.result_cap))
            if not worker.conn.poll(self.config.timeout_s):
                self._replace(worker)
                raise TimedOut(f"the query ran longer than {self.config.timeout_s:g}s")
            reply = worker.conn.recv()
        except (EOFError, OSError) as e:
            self._replace(worker)
            raise StoreError("the query worker stopped (the query may need too much memory)") from e
        self.idle.put(worker)
        if reply[0] == "error":
            raise QueryError(reply[1])
        _, body, truncated, rows = reply
        return body, truncated, rows

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.every.discard(worker)

        def respawn() -> None:
            try:
                if not self.closed:
                    self._start()
            except KgError:  # the graph went away: keep serving on the workers left
                pass

        threading.Thread(target=respawn, daemon=True, name="kg-serve-respawn").start()

    def close(self) -> None:
        self.closed = True
        for worker in list(self.every):
            worker.kill()
        self.every.clear()
