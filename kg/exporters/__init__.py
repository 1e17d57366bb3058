"""Formats out: one small module per format, each registered here by name.

An exporter is a pure function ``(graph, out) -> {path: bytes}``: it says what to write, and
``export_graph`` writes every file whole (temporary name, then rename) or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.errors import OutputError

Render = Callable[[Graph, Path], dict[Path, bytes]]


@dataclass(frozen=True)
class Exporter:
    """A registered format: its name, its file suffix, and what renders it."""

    name: str
    suffix: str  # "" for formats that write a folder
    render: Render
    help: str


EXPORTERS: dict[str, Exporter] = {}


def register(name: str, suffix: str, help: str) -> Callable[[Render], Render]:
    """Make a render function available as ``kg export --format NAME``."""

    def deco(fn: Render) -> Render:
        EXPORTERS[name] = Exporter(name, suffix, fn, help)
        return fn

    return deco


def formats() -> list[str]:
    return sorted(EXPORTERS)


def default_out(fmt: str, folder: Path = Path("out")) -> Path:
    """Where a format goes when no --out is given: out/graph.<suffix>, or out/<fmt>/."""
    exp = _get(fmt)
    return folder / (f"graph{exp.suffix}" if exp.suffix else fmt)


def _get(fmt: str) -> Exporter:
    if fmt not in EXPORTERS:
        raise OutputError(f"unknown export format {fmt!r}: use one of {', '.join(formats())}")
    return EXPORTERS[fmt]


def export_graph(graph: Graph, fmt: str, out: str | Path, *, redact: bool = False) -> list[Path]:
    """Write the graph in a registered format; with ``redact``, private persons get pseudonyms."""
    exp = _get(fmt)
    out = Path(out)
    if exp.suffix and out.is_dir():
        out = out / f"graph{exp.suffix}"
    if redact:
        from kg.exporters.redact import redact_persons

        graph = redact_persons(graph)
    return write_files(exp.render(graph, out))


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file to a temporary name beside it, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # plain open: keeps umask
            staged.append((tmp, path))
            tmp.write_bytes(data)
        for tmp, path in staged:
            tmp.replace(path)
    except OSError as e:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {e.filename or 'export'}: {e.strerror or e}") from e
    return [path for _, path in staged]


# Importing a format module registers it.
from kg.exporters import (  # noqa: E402,F401
    csvfiles,
    gexf,
    graphml,
    jsonld,
    nquads,
    ntriples,
    stix,
    turtle,
)
