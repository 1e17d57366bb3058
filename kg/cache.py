"""The extraction cache: one checksummed entry per article, so a rebuild re-extracts only
what changed.

An entry is keyed by the article (its text hash and the metadata the extractor sees) and
lives under a *fingerprint* folder: a hash of everything else that shapes an extraction
(EXTRACTOR_VERSION, the extractor's source, the vocabularies, the ontology's Turtle files,
the spaCy model and the extraction settings). Change any of them and the old entries are
simply never looked up again (and are pruned after the next successful build).

Entries are pickles behind a magic header and a SHA-256 of the payload: a torn or corrupt
entry is detected, reported and rebuilt. Pickles run code when loaded, so a cache folder
must be as trusted as the code itself (it lives in the build's own --out folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, fields, replace
from importlib import metadata
from pathlib import Path

from kg.model import Article, Extraction
from kg.settings import PACKAGE_DIR, Settings

MAGIC = b"KGX1\n"
_DIGEST = 32
CACHE_DIRNAME = ".kg-cache"
# Settings that steer the run (parallelism, output, queries) but not what is extracted.
_NOT_EXTRACTION = {"workers", "batch_size", "html_max_nodes", "query_timeout_s", "query_result_cap"}
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# a datatrade-kg extraction cache; safe to delete (the next build is then cold).\n")


def _hash_files(h: hashlib._Hash, root: Path, pattern: str) -> None:
    if not root.is_dir():
        return
    for f in sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())


def _model_version(name: str) -> str:
    for candidate in (name, name.replace("_", "-")):
        try:
            return metadata.version(candidate)
        except metadata.PackageNotFoundError:
            continue
    return "?"


def fingerprint(settings: Settings) -> str:
    """A hash of everything besides the article that decides what the extractor returns."""
    from kg import EXTRACTOR_VERSION

    h = hashlib.sha256()
    h.update(f"extractor={EXTRACTOR_VERSION}\0".encode())
    _hash_files(h, PACKAGE_DIR / "extract", "*.py")
    h.update(hashlib.sha256((PACKAGE_DIR / "model.py").read_bytes()).digest())
    _hash_files(h, PACKAGE_DIR / "vocab", "*")
    _hash_files(h, PACKAGE_DIR / "ontology", "*")
    _hash_files(h, Path(settings.ontology_dir), "*.ttl")
    h.update(f"model={settings.spacy_model}@{_model_version(settings.spacy_model)}\0".encode())
    knobs = {f.name: repr(getattr(settings, f.name)) for f in fields(settings)
             if f.name not in _NOT_EXTRACTION and not f.name.endswith("_dir")}
    h.update(json.dumps(knobs, sort_keys=True).encode())
    return h.hexdigest()


def article_key(article: Article) -> str:
    """The entry name of one article: its text hash plus the metadata the extractor may read."""
    parts = [article.sha256, article.title, article.outlet, article.byline, article.published,
             article.language, article.dateline]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass
class CacheStats:
    """What the cache did during one build."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    written: int = 0


class ExtractionCache:
    """Get and put Extractions by article; a bad entry counts as a miss with a warning."""

    def __init__(self, root: str | Path, settings: Settings, warn=None) -> None:
        self.root = Path(root)
        self.fingerprint = fingerprint(settings)
        self.dir = self.root / self.fingerprint[:16]
        self.stats = CacheStats()
        self._warn = warn or (lambda msg: None)
        self._writable = True

    def _path(self, article: Article) -> Path:
        key = article_key(article)
        return self.dir / key[:2] / f"{key[2:]}.pkl"

    def get(self, article: Article) -> Extraction | None:
        """The cached extraction of this article (with its current path and sources), or None."""
        path = self._path(article)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.stats.misses += 1
            return None
        except OSError as e:
            self._warn(f"cannot read cache entry {path}: {e.strerror or e}; re-extracting")
            self.stats.misses += 1
            return None
        x = _decode(data)
        if x is None or x.article.sha256 != article.sha256:
            self.stats.corrupt += 1
            self.stats.misses += 1
            self._warn(f"cache entry for {article.path} is corrupt or partial; re-extracting it")
            path.unlink(missing_ok=True)
            return None
        self.stats.hits += 1
        return replace(x, article=article)

    def put(self, x: Extraction) -> None:
        """Store one extraction; written to a temporary file and renamed, so never half there."""
        if not self._writable:
            return
        path = self._path(x.article)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._tag()
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(encode(x))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as e:
            self._writable = False
            self._warn(f"cannot write the cache in {self.root}: {e.strerror or e}; "
                       "building without it (choose another --cache-dir)")
            return
        self.stats.written += 1

    def _tag(self) -> None:
        tag = self.root / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_TAG, encoding="utf-8")

    def prune(self) -> None:
        """Remove the entries of older fingerprints: they can never be looked up again."""
        if not self.root.is_dir():
            return
        for d in self.root.iterdir():
            if d.is_dir() and d.name != self.dir.name and len(d.name) == 16:
                shutil.rmtree(d, ignore_errors=True)


def seal(obj: object, magic: bytes) -> bytes:
    """Magic, SHA-256 of the payload, the pickled payload: a torn write shows."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return magic + hashlib.sha256(payload).digest() + payload


def unseal(data: bytes, magic: bytes) -> object | None:
    """What ``seal`` wrote, or None when the bytes are torn, foreign or no longer load."""
    if not data.startswith(magic) or len(data) < len(magic) + _DIGEST:
        return None
    digest = data[len(magic):len(magic) + _DIGEST]
    payload = data[len(magic) + _DIGEST:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # a model change can break old pickles in many ways
        return None


def encode(x: Extraction) -> bytes:
    return seal(x, MAGIC)


def _decode(data: bytes) -> Extraction | None:
    x = unseal(data, MAGIC)
    return x if isinstance(x, Extraction) else None
