"""The endpoint's limits and the errors its pool raises."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.settings import DEFAULT


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
