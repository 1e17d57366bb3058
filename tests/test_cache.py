"""The extraction cache: entries round-trip, bad entries are caught, and anything that shapes
an extraction besides the article changes the fingerprint."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import kg
import kg.cache as cache_mod
from kg.cache import ExtractionCache, fingerprint
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr
from kg.settings import Settings

TEXT = ("A clerk at Harlow Mutual copied 5,000 customer phone numbers and sold them in a chat "
        "group for 2,000 yuan. Police in Brightwater detained him in May 2020.")


def _article(text: str = TEXT, path: str = "a.txt") -> Article:
    return Article(text=text, path=path, sha256=hashlib.sha256(text.encode()).hexdigest(),
                   title="Clerk sold phone numbers", sources=(path,))


def _extraction(article: Article) -> Extraction:
    sale = Span(0, 92, article.text[:92])
    clerk = Entity(key="person:clerk", kind="person", label="clerk", roles=("Seller",),
                   mentions=(Span(2, 7, "clerk"),), article=article.id)
    phones = Entity(key="data/telephone-number", kind="data", label="phone numbers",
                    concept="data/telephone-number", mentions=(Span(46, 59, "phone numbers"),))
    event = Event(kind="sale", evidence=sale,
                  participants=(("seller", clerk.key), ("dataCategory", phones.key)),
                  records=(Count(5000, "records", span=Span(31, 36, "5,000")),),
                  money=(Money(2000.0, "CNY", kind="price", span=Span(80, 91, "2,000 yuan")),),
                  time=TimeExpr("May 2020", start="2020-05"), status="alleged")
    return Extraction(article=article, entities=(clerk, phones), events=(event,),
                      warnings=("a note",))


@pytest.fixture
def cache(tmp_path: Path) -> ExtractionCache:
    return ExtractionCache(tmp_path / "cache", Settings())


def _entries(root: Path) -> list[Path]:
    return sorted(root.rglob("*.pkl"))


def test_cached_extraction_round_trips_every_record(cache: ExtractionCache) -> None:
    x = _extraction(_article())
    cache.put(x)
    assert cache.get(x.article) == x
    assert (cache.stats.hits, cache.stats.written) == (1, 1)


def test_cache_hit_carries_the_current_path_of_the_same_text(cache: ExtractionCache) -> None:
    cache.put(_extraction(_article(path="old/a.txt")))
    moved = _article(path="new/b.txt")
    hit = cache.get(moved)
    assert hit is not None and hit.article.path == "new/b.txt"
    assert hit.events == _extraction(moved).events


def test_another_text_or_title_is_a_miss(cache: ExtractionCache) -> None:
    cache.put(_extraction(_article()))
    assert cache.get(_article(TEXT + " He was later released.")) is None
    assert cache.get(replace(_article(), title="Another headline")) is None
    assert cache.stats.misses == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_corrupt_or_partial_entry_is_detected_reported_and_dropped(
        tmp_path: Path, damage: str) -> None:
    warnings: list[str] = []
    cache = ExtractionCache(tmp_path / "cache", Settings(), warn=warnings.append)
    x = _extraction(_article())
    cache.put(x)
    (entry,) = _entries(tmp_path / "cache")
    data = entry.read_bytes()
    broken = {"truncate": data[: len(data) // 2],
              "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
              "empty": b"",
              "garbage": b"not a cache entry at all"}[damage]
    entry.write_bytes(broken)
    assert cache.get(x.article) is None
    assert cache.stats.corrupt == 1
    assert len(warnings) == 1 and "corrupt" in warnings[0] and "a.txt" in warnings[0]
    assert not entry.exists()
    cache.put(x)
    assert cache.get(x.article) == x


def test_entry_holding_another_article_is_rejected(cache: ExtractionCache) -> None:
    first, second = _article(), _article(TEXT + " Two accomplices fled.", path="b.txt")
    cache.put(_extraction(first))
    cache.put(_extraction(second))
    a, b = (cache._path(first), cache._path(second))
    shutil.copyfile(b, a)  # a valid entry, but under the wrong name
    assert cache.get(first) is None and cache.stats.corrupt == 1


def test_writes_leave_no_temporary_files(cache: ExtractionCache, tmp_path: Path) -> None:
    for i in range(5):
        cache.put(_extraction(_article(f"{TEXT} Case {i}.", path=f"{i}.txt")))
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(_entries(tmp_path / "cache")) == 5
    assert {p.name for p in files} - {p.name for p in _entries(tmp_path / "cache")} == {
        "CACHEDIR.TAG"}


def test_unwritable_cache_warns_once_and_the_build_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    cache = ExtractionCache(blocker, Settings(), warn=warnings.append)
    for i in range(3):
        cache.put(_extraction(_article(f"{TEXT} {i}", path=f"{i}.txt")))
    assert len(warnings) == 1 and "cannot write the cache" in warnings[0]
    assert cache.stats.written == 0


def test_extractor_version_change_gives_a_new_fingerprint(monkeypatch) -> None:
    before = fingerprint(Settings())
    monkeypatch.setattr(kg, "EXTRACTOR_VERSION", kg.EXTRACTOR_VERSION + ".post1")
    assert fingerprint(Settings()) != before


def test_vocabulary_change_gives_a_new_fingerprint(tmp_path: Path, monkeypatch) -> None:
    pkg = tmp_path / "kg"
    shutil.copytree(cache_mod.PACKAGE_DIR / "vocab", pkg / "vocab")
    shutil.copytree(cache_mod.PACKAGE_DIR / "extract", pkg / "extract")
    shutil.copyfile(cache_mod.PACKAGE_DIR / "model.py", pkg / "model.py")
    monkeypatch.setattr(cache_mod, "PACKAGE_DIR", pkg)
    before = fingerprint(Settings())
    assert fingerprint(Settings()) == before
    vocab = sorted((pkg / "vocab").glob("*.yaml"))[0]
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert fingerprint(Settings()) != before


def test_ontology_change_gives_a_new_fingerprint(tmp_path: Path) -> None:
    (tmp_path / "schemes.ttl").write_text("@prefix ex: <http://example.org/> .\n")
    settings = Settings(ontology_dir=tmp_path)
    before = fingerprint(settings)
    (tmp_path / "schemes.ttl").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n")
    assert fingerprint(settings) != before


def test_run_settings_do_not_change_the_fingerprint_but_extraction_settings_do() -> None:
    base = fingerprint(Settings())
    assert fingerprint(Settings(workers=7, batch_size=3, html_max_nodes=10)) == base
    assert fingerprint(Settings(max_article_chars=1000)) != base


def test_prune_removes_entries_of_old_fingerprints(tmp_path: Path, monkeypatch) -> None:
    old = ExtractionCache(tmp_path / "cache", Settings())
    old.put(_extraction(_article()))
    monkeypatch.setattr(kg, "EXTRACTOR_VERSION", kg.EXTRACTOR_VERSION + ".post1")
    new = ExtractionCache(tmp_path / "cache", Settings())
    assert new.get(_article()) is None
    new.put(_extraction(_article()))
    new.prune()
    assert [d.name for d in (tmp_path / "cache").iterdir() if d.is_dir()] == [new.dir.name]
