"""Hand-written test texts as the Articles the reader would make of them."""

from __future__ import annotations

import hashlib

from kg.model import Article


def article(text: str, published: str | None = None, path: str = "t.txt") -> Article:
    """A clean article of a test text, with its content hash and, if given, its date."""
    sha = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return Article(text=text, path=path, sha256=sha, published=published)
