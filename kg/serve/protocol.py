"""The SPARQL 1.1 Protocol over HTTP: read the request, refuse what is not a plain read,
negotiate the format, hand the query to the pool, answer. Loopback hosts only, by default."""

from __future__ import annotations

import ipaddress
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kg.errors import QueryError, StoreError
from kg.serve.config import Busy, ServeConfig, TimedOut
from kg.serve.pool import WorkerPool
from kg.sparql import RefusedQuery, check_query

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
    server: HttpServer
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


class HttpServer(ThreadingHTTPServer):
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


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
