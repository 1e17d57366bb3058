"""Files and folders -> Article (placeholder reader; replaced by the full reader)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.model import Article

ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".htm"}


def list_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Every article file under the inputs, in a stable order."""
    files: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"input not found: {p} (give an article file or a folder of them)")
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in ARTICLE_SUFFIXES))
        else:
            files.append(p)
    if not files:
        raise InputError("no articles found in the inputs (.txt, .md, .html, .htm)")
    return files


def read_article(path: str | Path) -> Article:
    """One file as a clean Article."""
    p = Path(path)
    data = p.read_bytes()
    text = data.decode("utf-8", errors="replace")
    return Article(text=text, path=str(p), sha256=hashlib.sha256(text.encode()).hexdigest(),
                   sources=(str(p),))


def iter_articles(inputs: Iterable[str | Path], warn=None) -> Iterator[Article]:
    """Read every article under the inputs."""
    for f in list_inputs(inputs):
        yield read_article(f)
