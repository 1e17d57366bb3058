"""The domain vocabularies as data: each term maps to a concept of an ontology scheme."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VOCAB_DIR = Path(__file__).resolve().parent
SCHEME_FILES = ("data_categories", "leak_methods", "channels", "fraud_schemes", "sectors")
# Scheme name -> the entity kind the extractor gives its mentions.
SCHEME_KINDS = {
    "data": "data",
    "method": "method",
    "channel": "channel",
    "fraud": "fraud",
    "sector": "sector",
}


@dataclass(frozen=True)
class Concept:
    """One concept of a scheme, with the words that name it."""

    scheme: str
    id: str
    label: str
    synonyms: tuple[str, ...]
    broader: str | None = None
    match: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    generic: bool = False  # the top of a scheme: in the ontology, never matched in text

    @property
    def key(self) -> str:
        """The concept's path under dtc:, e.g. data/telephone-number."""
        return f"{self.scheme}/{self.id}"


@dataclass(frozen=True)
class Scheme:
    name: str
    cls: str
    title: str
    concepts: tuple[Concept, ...]


def _load_yaml(name: str) -> dict:
    return yaml.safe_load((VOCAB_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def schemes() -> tuple[Scheme, ...]:
    """Every SKOS scheme the extractor matches against."""
    out = []
    for fname in SCHEME_FILES:
        raw = _load_yaml(fname)
        concepts = []
        for c in raw["concepts"]:
            match = tuple(sorted((k, v) for k, v in (c.get("match") or {}).items()))
            concepts.append(
                Concept(
                    scheme=raw["scheme"],
                    id=c["id"],
                    label=c["label"],
                    synonyms=tuple(c.get("synonyms") or ()),
                    broader=c.get("broader"),
                    match=match,
                    note=c.get("note"),
                    generic=bool(c.get("generic")),
                )
            )
        out.append(
            Scheme(
                name=raw["scheme"], cls=raw["class"], title=raw["title"], concepts=tuple(concepts)
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """Actor nouns, verb frames, agency words and status cues."""
    return _load_yaml("lexicon")


def concept_by_key() -> dict[str, Concept]:
    return {c.key: c for s in schemes() for c in s.concepts}


def fingerprint() -> str:
    """A hash of every vocabulary file: a change invalidates cached extractions."""
    h = hashlib.sha256()
    for f in sorted(VOCAB_DIR.glob("*.yaml")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]
