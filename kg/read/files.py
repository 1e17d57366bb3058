"""Files and folders -> the article files under them, in a stable order, without loops."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.errors import InputError

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
Warn = Callable[[str], None]


def _ignore(_: str) -> None:
    return None


def _walk(root: Path, warn: Warn) -> list[Path]:
    """Article files under a folder; symlinked folders are followed once, so loops end."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for here, dirs, files in os.walk(
        root, followlinks=True, onerror=lambda e: warn(f"skipped {e.filename}: {e.strerror}")
    ):
        st = os.stat(here)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        hidden = sorted(d for d in dirs if d.startswith("."))
        for d in hidden:
            warn(f"skipped hidden folder {Path(here, d)}")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(here, name)
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                found.append(path)
            else:
                warn(f"skipped {path}: not an article file (.txt, .md, .html, .htm)")
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def list_inputs(inputs: Iterable[str | Path], warn: Warn | None = None) -> list[Path]:
    """Every article file under the inputs, each once, folders walked in sorted order.

    Other files are passed to ``warn`` by name; a missing input or no article file at all
    is an InputError."""
    warn = warn or _ignore
    files: list[Path] = []
    real: set[str] = set()
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"input not found: {p} (give an article file or a folder of them)")
        if p.is_dir():
            listed = _walk(p, warn)
        elif p.suffix.lower() in ARTICLE_SUFFIXES:
            listed = [p]
        else:
            warn(f"skipped {p}: not an article file (.txt, .md, .html, .htm)")
            listed = []
        for f in listed:
            key = os.path.realpath(f)
            if key not in real:  # the same file reached twice (named twice, or via a link)
                real.add(key)
                files.append(f)
    if not files:
        raise InputError("no articles found in the inputs (give .txt, .md, .html or .htm files)")
    return files
