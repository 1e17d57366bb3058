"""A read-only SPARQL 1.1 Protocol endpoint over a built graph, safe to leave running.

The HTTP side (stdlib ``ThreadingHTTPServer``) parses requests, refuses anything that is not
a plain read (updates, LOAD, SERVICE, FROM, dataset parameters) and negotiates the result
format. Queries run in a small pool of worker processes, each holding the graph in an
embedded Oxigraph store: a query past its timeout has its worker killed and replaced, so a
runaway query cannot hold a CPU or memory, and at most ``workers`` queries run at once.
Connections beyond ``max_connections`` get a quick 503 instead of a thread.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kg.errors import InputError, StoreError
from kg.serve.config import Busy, ServeConfig, TimedOut
from kg.serve.pool import WorkerPool
from kg.serve.protocol import HttpServer, negotiate
from kg.settings import DEFAULT, Settings

__all__ = ["Busy", "ServeConfig", "SparqlServer", "TimedOut", "negotiate"]


def _model_files(settings: Settings) -> tuple[Path, ...]:
    """The ontology model and schemes (not the shapes), loaded beside the graph."""
    from kg.ontology import SHAPES_FILE

    return tuple(sorted(f for f in settings.ontology_dir.glob("*.ttl") if f.name != SHAPES_FILE))


class SparqlServer:
    """The endpoint: ``with SparqlServer(path) as s: ...`` or ``serve_forever()``."""

    def __init__(self, graph: str | Path, config: ServeConfig | None = None,
                 settings: Settings = DEFAULT) -> None:
        config = config or ServeConfig()
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
            self.httpd = HttpServer(config, self.pool)
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
