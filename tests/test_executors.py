"""Executors: serial, process pool and dask give the same extractions, in input order,
streaming; the dask build equals the local build."""

from __future__ import annotations

import hashlib
import itertools
import shutil
from pathlib import Path

import pytest

from kg.build import CORPUS_DIRNAME, build_graph
from kg.errors import KgError
from kg.executors import (
    _EXTRACTORS,
    SERIAL_BELOW,
    ExecutorOptions,
    LocalExecutor,
    ProcessExecutor,
    SerialExecutor,
    _in_order,
    chunked,
    get_executor,
)
from kg.model import Article
from kg.settings import Settings

TEXTS = [
    "Police in Marlow arrested a telecom engineer who sold 40,000 subscriber phone numbers "
    "to a fraud ring through a WeChat group for 15,000 yuan.",
    "A hacker stole the home addresses of 300,000 customers from an online furniture shop and "
    "offered them on a forum at 0.2 yuan per record.",
    "Prosecutors in Kessing charged a hospital clerk with passing the records of new mothers "
    "to a baby-formula seller, who paid her 6,000 yuan a month.",
    "Nothing in this short note concerns personal data at all; it is about the weather.",
    "A courier company employee copied parcel delivery records and sold them to a gang that "
    "ran fake refund calls targeting online shoppers.",
]


def _articles(n: int) -> list[Article]:
    texts = [f"{TEXTS[i % len(TEXTS)]} (Case {i}.)" for i in range(n)]
    return [Article(text=t, path=f"case{i}.txt", sha256=hashlib.sha256(t.encode()).hexdigest())
            for i, t in enumerate(texts)]


def _write(folder: Path, n: int) -> Path:
    folder.mkdir()
    for a in _articles(n):
        (folder / a.path).write_text(a.text, encoding="utf-8")
    return folder


def test_unknown_executor_is_a_clear_error() -> None:
    with pytest.raises(KgError, match="unknown executor 'spark'.*dask, local, process, serial"):
        get_executor("spark", Settings(), ExecutorOptions())


def test_chunks_are_pulled_lazily_from_an_endless_stream() -> None:
    first = next(chunked(itertools.count(), 3))
    assert first == [0, 1, 2]


def test_in_order_keeps_a_bounded_window_and_the_submission_order() -> None:
    submitted = collected = most = 0

    class Pending:
        def __init__(self, value: list[int]) -> None:
            self.value = value

        def result(self) -> list[int]:
            nonlocal collected
            collected += 1
            return self.value

    def submit(chunk: list[int]) -> Pending:
        nonlocal submitted, most
        submitted += 1
        most = max(most, submitted - collected)
        return Pending([x * 10 for x in chunk])

    out = list(_in_order(submit, chunked(range(10), 2), window=3))
    assert out == [x * 10 for x in range(10)]
    assert most == 3


def test_serial_executor_streams_one_chunk_at_a_time() -> None:
    pulled = []

    def stream():
        for a in _articles(40):
            pulled.append(a)
            yield a

    ex = SerialExecutor(Settings(), ExecutorOptions(workers=1, chunk_size=4))
    first = next(ex.map(stream()))
    assert first.ok and first.extraction.article.path == "case0.txt"
    assert len(pulled) == 4


def test_local_executor_stays_in_this_process_for_a_handful() -> None:
    with LocalExecutor(Settings(), ExecutorOptions(workers=2)) as ex:
        done = list(ex.map(_articles(3)))
        assert isinstance(ex.chosen, SerialExecutor)
    assert [d.extraction.article.path for d in done] == ["case0.txt", "case1.txt", "case2.txt"]


@pytest.mark.slow
def test_process_pool_gives_the_serial_extractions_in_input_order() -> None:
    articles = _articles(SERIAL_BELOW + 3)
    opts = ExecutorOptions(workers=2, chunk_size=5)
    with LocalExecutor(Settings(), opts) as ex:
        pooled = [d.extraction for d in ex.map(iter(articles))]
        assert isinstance(ex.chosen, ProcessExecutor)
    with SerialExecutor(Settings(), opts) as ex:
        serial = [d.extraction for d in ex.map(articles)]
    assert pooled == serial
    assert [x.article.path for x in pooled] == [a.path for a in articles]


class _Breaks:
    """Stands in for an extractor bug on one article (the real one cannot be made to fail
    on purpose): raises on it, in the batch call and alone."""

    def extract(self, article: Article):
        from kg.model import Extraction

        if "weather" in article.text:
            raise ValueError("boom")
        return Extraction(article=article)

    def extract_many(self, articles):
        for a in articles:
            yield self.extract(a)


def test_an_article_that_breaks_the_extractor_becomes_a_warning() -> None:
    settings = Settings(batch_size=5, max_file_bytes=12345)  # its own key in the cache
    _EXTRACTORS[settings] = _Breaks()
    try:
        with SerialExecutor(settings, ExecutorOptions(chunk_size=5)) as ex:
            done = list(ex.map(_articles(5)))
    finally:
        del _EXTRACTORS[settings]
    assert [d.ok for d in done] == [True, True, True, False, True]
    assert done[3].extraction.warnings == (
        "extraction failed for case3.txt: ValueError: boom",)


@pytest.mark.slow
def test_dask_build_equals_the_local_build(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", 7)
    local = build_graph([corpus], executor="local")
    dask = build_graph([corpus], executor="dask", workers=2)
    assert dask.stats == local.stats == {"articles": 7, "unchanged": 0, "cached": 0,
                                         "extracted": 7, "failed": 0, "removed": 0}
    assert len(local.graph) > 7 * 5
    assert set(dask.graph) == set(local.graph)
    assert [a.path for a in dask.articles] == [a.path for a in local.articles]


def test_dask_build_fills_and_uses_the_cache(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", 3)
    cache = tmp_path / "cache"
    build_graph([corpus], executor="serial", cache_dir=cache)
    shutil.rmtree(cache / CORPUS_DIRNAME)  # the built corpus gone: the articles are read again
    # Everything is cached, so no cluster work is needed, but the executor still starts.
    again = build_graph([corpus], executor="dask", workers=1, cache_dir=cache)
    assert (again.stats["cached"], again.stats["extracted"]) == (3, 0)


@pytest.mark.parametrize(("address", "says"), [
    ("tcp://127.0.0.1:1", "cannot reach the dask scheduler at tcp://127.0.0.1:1"),
    ("nonsense", "not a dask scheduler address"),
])
def test_a_bad_scheduler_address_is_a_one_line_error(tmp_path: Path, address: str,
                                                     says: str) -> None:
    corpus = _write(tmp_path / "in", 1)
    with pytest.raises(KgError, match=says) as err:
        build_graph([corpus], executor="dask", scheduler=address)
    assert "\n" not in str(err.value)
