"""A read-only SPARQL 1.1 Protocol endpoint over a built graph, safe to leave running.

The HTTP side (stdlib ``ThreadingHTTPServer``) parses requests, refuses anything that is not
a plain read (updates, LOAD, SERVICE, FROM, dataset parameters) and negotiates the result
format. Queries run in a small pool of worker processes, each holding the graph in an
embedded Oxigraph store: a query past its timeout has its worker killed and replaced, so a
runaway query cannot hold a CPU or memory, and at most ``workers`` queries run at once.
Connections beyond ``max_connections`` get a quick 503 instead of a thread.
"""

from __future__ import annotations

import ipaddress
import multiprocessing
import queue
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg.errors import InputError, KgError, QueryError, StoreError
from kg.settings import DEFAULT, Settings
from kg.sparql import RefusedQuery, check_query, format_result, serialize_triples
from kg.store import OxigraphStore, PreparedQuery

RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "nt",
    "text/plain": "nt", "application/rdf+xml": "xml", "application/xml": "xml",
    "application/ld+json": "json-ld", "application/json": "json-ld",
}
SHORT_NAMES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
               "csv": "text/csv", "tsv": "text/tab-separated-values",
               "turtle": "text/turtle", "nt": "application/n-triples",
               "rdfxml": "application/rdf+xml", "json-ld": "application/ld+json"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class ServeConfig:
    """Limits of the endpoint; the defaults suit one analyst's laptop."""

    host: str = "127.0.0.1"
    port: int = 7878
    timeout_s: float = DEFAULT.query_timeout_s
    result_cap: int = DEFAULT.query_result_cap
    workers: int = DEFAULT.workers
    max_connections: int = 64  # requests in flight (waiting or running); more get a 503
    admit_wait_s: float = 0.25  # how long a connection may wait for a free slot
    max_query_bytes: int = 64 * 1024
    worker_memory_mb: int = 4096  # address-space cap of each worker; 0 for none
    load_timeout_s: float = 600.0
    quiet: bool = True
    ontology: tuple[Path, ...] = ()  # loaded with the graph (default: the ontology model)


class Busy(KgError):
    """Every worker is busy: the client should retry."""


class TimedOut(KgError):
    """A query ran past the timeout and its worker was replaced."""


# --- worker processes --------------------------------------------------------------------


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


# --- HTTP --------------------------------------------------------------------------------


def negotiate(accept: str, form: str, explicit: str | None = None) -> tuple[str, str] | None:
    """(media type, format) for the client's Accept header, or None if nothing fits."""
    table = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    if explicit and SHORT_NAMES.get(explicit) in table:
        media = SHORT_NAMES[explicit]
        return media, table[media]
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in table:
            return media, table[media]
        if media in ("*/*", "application/*", "text/*"):
            default = "application/sparql-results+json" if table is RESULT_TYPES else "text/turtle"
            if media == "text/*":
                default = "text/csv" if table is RESULT_TYPES else "text/turtle"
            return default, table[default]
    return None


class _Reply(Exception):
    """An HTTP answer other than results, raised from deep in request handling."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "datatrade-kg-sparql"
    sys_version = ""
    timeout = 10  # a slow client cannot hold its thread for long

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle(post=False)

    def do_POST(self) -> None:  # noqa: N802
        self._handle(post=True)

    def do_PUT(self) -> None:  # noqa: N802
        self._send(405, "read-only endpoint: only GET and POST queries", {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        if not self.server.config.quiet:
            super().log_message(format, *args)

    def _body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            raise _Reply(411, "a POST needs a valid Content-Length")
        if length > self.server.config.max_query_bytes:
            # Read (a bounded part of) what was sent, so the client sees our answer, not a reset.
            self.rfile.read(min(length, 1024 * 1024))
            raise _Reply(413, f"query larger than {self.server.config.max_query_bytes} bytes")
        return self.rfile.read(length)

    def _handle(self, post: bool) -> None:
        try:
            self._check_host()
            self._answer(*self._request(self._body() if post else None))
        except _Reply as r:
            self._send(r.status, r.message, r.headers)
        except Exception as e:  # a bug of ours: say so, log it, keep serving the others
            self.log_error("internal error: %r", e)
            self._send(500, "internal error")

    def _check_host(self) -> None:
        """On loopback, refuse other Host names: a web page cannot rebind DNS onto us."""
        if not self.server.loopback:
            return
        host = (self.headers.get("Host") or "localhost").strip().lower()
        name = host[1:].split("]")[0] if host.startswith("[") else host.rsplit(":", 1)[0]
        if name not in LOOPBACK_NAMES:
            raise _Reply(403, f"Host {host!r} is not allowed on a loopback endpoint")

    def _request(self, body: bytes | None) -> tuple[str, dict[str, list[str]]]:
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/"):
            raise _Reply(404, "not found: the endpoint is /sparql")
        if len(url.query) > self.server.config.max_query_bytes:
            raise _Reply(414, "query string too long: POST the query instead")
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if body is not None:
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise _Reply(403, "SPARQL UPDATE is refused: this endpoint is read-only")
            if ctype == "application/sparql-query":
                params["query"] = [body.decode("utf-8", "replace")]
            elif ctype in ("application/x-www-form-urlencoded", ""):
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                             keep_blank_values=True)
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            else:
                raise _Reply(415, f"unsupported Content-Type {ctype!r}")
        if "update" in params:
            raise _Reply(403, "SPARQL UPDATE is refused: this endpoint is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise _Reply(403, "dataset parameters are refused: the endpoint serves one graph")
        queries = params.get("query", [])
        if not queries and url.path == "/" and body is None:
            raise _Reply(200, f"SPARQL 1.1 endpoint (read-only): GET or POST {self.server.url}"
                              "?query=...")
        if len(queries) != 1 or not queries[0].strip():
            raise _Reply(400, "give exactly one non-empty 'query' parameter")
        return queries[0], params

    def _answer(self, text: str, params: dict[str, list[str]]) -> None:
        try:
            prepared = check_query(text)
        except RefusedQuery as e:
            raise _Reply(403, str(e)) from e
        except QueryError as e:
            raise _Reply(400, str(e)) from e
        explicit = (params.get("format") or params.get("output") or [None])[0]
        chosen = negotiate(self.headers.get("Accept", ""), prepared.form, explicit)
        if chosen is None:
            raise _Reply(406, "no acceptable result format: ask for JSON, XML, CSV or TSV "
                              "(Turtle, N-Triples, RDF/XML or JSON-LD for graphs)")
        media, fmt = chosen
        try:
            out, truncated, rows = self.server.pool.run(prepared, fmt)
        except (Busy, TimedOut) as e:
            raise _Reply(503, str(e), {"Retry-After": "1"}) from e
        except QueryError as e:
            raise _Reply(400, str(e)) from e
        except StoreError as e:
            raise _Reply(500, str(e)) from e
        headers = {"X-Result-Rows": str(rows)}
        if truncated:
            headers["X-Result-Truncated"] = f"true; cap={self.server.config.result_cap}"
        self._send(200, out, headers, media)

    def _send(self, status: int, body: str | bytes, headers: dict[str, str] | None = None,
              media: str = "text/plain") -> None:
        data = body if isinstance(body, bytes) else (body.splitlines()[0] + "\n").encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client left; nothing to tell
            pass


_BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
         b"Retry-After: 1\r\nContent-Length: 35\r\nConnection: close\r\n\r\n"
         b"too many requests at once; retry.\r\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, config: ServeConfig, pool: WorkerPool) -> None:
        self.config, self.pool = config, pool
        self.slots = threading.BoundedSemaphore(config.max_connections)
        self.address_family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        super().__init__((config.host, config.port), _Handler)
        self.loopback = _is_loopback(config.host)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/sparql"

    def process_request(self, request: Any, client_address: Any) -> None:
        # A short wait lets a burst queue in the listen backlog; past it, answer without a thread.
        if not self.slots.acquire(timeout=self.config.admit_wait_s):
            try:
                request.sendall(_BUSY)
                request.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


def _model_files(settings: Settings) -> tuple[Path, ...]:
    """The ontology model and schemes (not the shapes), loaded beside the graph."""
    from kg.ontology import SHAPES_FILE

    return tuple(sorted(f for f in settings.ontology_dir.glob("*.ttl") if f.name != SHAPES_FILE))


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SparqlServer:
    """The endpoint: ``with SparqlServer(path) as s: ...`` or ``serve_forever()``."""

    def __init__(self, graph: str | Path, config: ServeConfig = ServeConfig(),
                 settings: Settings = DEFAULT) -> None:
        spec = str(graph)
        if spec.startswith("oxigraph:"):
            sources = [spec]
        else:
            path = Path(graph)
            if not path.is_file():
                raise InputError(f"graph not found: {path} (run `kg build` first)")
            onto = config.ontology or _model_files(settings)
            sources = [str(path.resolve()), *(str(p) for p in onto)]
        self.config = config
        self.pool = WorkerPool(sources, config)
        try:
            self.httpd = _Server(config, self.pool)
        except OSError as e:
            self.pool.close()
            raise StoreError(f"cannot listen on {config.host}:{config.port}: "
                             f"{e.strerror or e}") from e
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.httpd.url

    @property
    def triples(self) -> int:
        return self.pool.triples

    @property
    def loopback(self) -> bool:
        return self.httpd.loopback

    def serve_forever(self) -> None:
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.close()

    def start(self) -> SparqlServer:
        """Serve from a background thread (tests, notebooks)."""
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True,
                                       name="kg-serve")
        self.thread.start()
        return self

    def close(self) -> None:
        if self.thread is not None:
            self.httpd.shutdown()
            self.thread.join(5)
            self.thread = None
        self.httpd.server_close()
        self.pool.close()

    def __enter__(self) -> SparqlServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
