"""The build: incremental through the corpus store and the cache, streaming, and atomic
about its outputs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
import kg.namespaces
import kg.render
from kg.build import CORPUS_DIRNAME, BuildResult, build_graph
from kg.cache import CACHE_DIRNAME
from kg.cli import app
from kg.errors import KgError

ARTICLES = {
    "clerk.txt": "Police in Riverton arrested a bank clerk, Gerald Haines, in March 2021. Haines "
                 "copied the phone numbers and home addresses of 12,000 customers of Westmark "
                 "Bank and sold them in a QQ group for 30,000 yuan. The buyers used the data "
                 "for telecom fraud.\n",
    "hacker.txt": "A hacker broke into the website of an online shop, Parcelo, and stole 2 "
                  "million customer records. He sold the records to a marketing firm for 8,000 "
                  "yuan through WeChat, prosecutors in Eastvale said.\n",
    "hotel.txt": "The procuratorate in Eastvale charged three men with selling the ID card "
                 "numbers of hotel guests. A receptionist, Ana Brill, passed the check-in "
                 "records to the group for 0.5 yuan each.\n",
}
EXTRA = ("extra.txt", "Officers in Northfield seized computers holding 400,000 pieces of "
         "personal information from a call centre that sold them to fraudsters running fake "
         "investment advice.\n")


def _write(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _build(corpus: Path, out: Path, **kw) -> BuildResult:
    return kg.build([corpus], out, executor="serial", **kw)


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


# --- incremental -------------------------------------------------------------------------------


def _counts(result: BuildResult) -> tuple[int, int, int]:
    return result.stats["unchanged"], result.stats["cached"], result.stats["extracted"]


def test_adding_one_article_reads_and_extracts_only_that_article(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    first = _build(corpus, tmp_path / "out")
    assert _counts(first) == (0, 0, 3)
    _write(corpus, dict([EXTRA]))
    second = _build(corpus, tmp_path / "out")
    assert _counts(second) == (3, 0, 1)
    fresh = _build(corpus, tmp_path / "fresh")
    assert set(second.graph) == set(fresh.graph)
    assert second.triples == fresh.triples == len(fresh.graph)
    # the same corpus gives the same bytes, built at once or one article at a time
    for name in ("graph.ttl", "graph.html", "report.md"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()
    assert (tmp_path / "out" / CACHE_DIRNAME).is_dir()


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, monkeypatch) -> None:
    import kg.read

    corpus = _write(tmp_path / "in", ARTICLES)
    _build(corpus, tmp_path / "out")
    read = []
    real = kg.read.read_article
    monkeypatch.setattr(kg.read, "read_article", lambda f, **kw: read.append(f) or real(f, **kw))
    (corpus / "clerk.txt").touch()  # a new stamp, the same text: read, found the same
    again = _build(corpus, tmp_path / "out")
    assert [p.name for p in read] == ["clerk.txt"]
    assert _counts(again) == (3, 0, 0)


def test_a_removed_article_takes_only_its_own_triples_with_it(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", {**ARTICLES, EXTRA[0]: EXTRA[1]})
    _build(corpus, tmp_path / "out")
    (corpus / "hacker.txt").unlink()
    again = _build(corpus, tmp_path / "out")
    assert again.stats["removed"] == 1 and again.stats["articles"] == 3
    rest = _build(corpus, tmp_path / "rest")
    assert set(again.graph) == set(rest.graph)  # triples the others share are still there
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == \
        (tmp_path / "rest" / "graph.ttl").read_bytes()


def test_a_second_copy_of_a_story_joins_it(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    _build(corpus, tmp_path / "out")
    _write(corpus, {"zz-copy.txt": ARTICLES["clerk.txt"]})
    again = _build(corpus, tmp_path / "out")
    assert again.stats["articles"] == 3 and _counts(again) == (2, 1, 0)
    assert any("zz-copy.txt is the same story as" in w for w in again.warnings)
    sources = {str(o) for o in again.graph.objects(None, kg.namespaces.DT.sourcePath)}
    assert {"clerk.txt", "zz-copy.txt"} <= sources


def test_fresh_ignores_the_cache_and_refreshes_it(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    _build(corpus, tmp_path / "out")
    again = _build(corpus, tmp_path / "out", fresh=True)
    assert _counts(again) == (0, 0, 3)
    assert _counts(_build(corpus, tmp_path / "out")) == (3, 0, 0)


def test_an_edited_article_is_extracted_again(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    _build(corpus, tmp_path / "out")
    (corpus / "hotel.txt").write_text(ARTICLES["hotel.txt"].replace("0.5 yuan", "3 yuan"))
    again = _build(corpus, tmp_path / "out")
    assert _counts(again) == (2, 0, 1) and again.stats["removed"] == 1
    assert set(again.graph) == set(kg.build([corpus], executor="serial").graph)


def test_a_separate_cache_dir_is_shared_between_outputs(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    shared = tmp_path / "shared-cache"
    _build(corpus, tmp_path / "out1", cache_dir=shared)
    other = _build(corpus, tmp_path / "out2", cache_dir=shared)
    assert _counts(other) == (3, 0, 0)
    assert not (tmp_path / "out2" / CACHE_DIRNAME).exists()
    assert (tmp_path / "out1" / "graph.ttl").read_bytes() == \
        (tmp_path / "out2" / "graph.ttl").read_bytes()


def test_corrupt_cache_entries_are_rebuilt_with_a_warning(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    first = _build(corpus, tmp_path / "out")
    for entry in (tmp_path / "out" / CACHE_DIRNAME).rglob("*.pkl"):
        if entry.parent.name != CORPUS_DIRNAME:
            data = entry.read_bytes()
            entry.write_bytes(data[: len(data) - 7])  # as a write cut short would leave it
    shutil.rmtree(tmp_path / "out" / CACHE_DIRNAME / CORPUS_DIRNAME)  # so the cache is asked
    again = _build(corpus, tmp_path / "out")
    assert (again.stats["corrupt"], again.stats["extracted"]) == (3, 3)
    assert sum("corrupt" in w for w in again.warnings) == 3
    assert set(again.graph) == set(first.graph)
    assert _counts(_build(corpus, tmp_path / "out")) == (3, 0, 0)


@pytest.mark.parametrize("damage", ["torn state", "stopped half-way"])
def test_a_damaged_corpus_store_is_rebuilt_from_the_cache(tmp_path: Path, damage: str) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    first = set(_build(corpus, tmp_path / "out").graph)
    kept = tmp_path / "out" / CACHE_DIRNAME / CORPUS_DIRNAME
    if damage == "torn state":
        state = kept / "state.pkl"
        state.write_bytes(state.read_bytes()[:-100])
    else:
        (kept / "BUILDING").write_text("12345")  # what a killed build leaves behind
    _write(corpus, dict([EXTRA]))
    again = _build(corpus, tmp_path / "out")
    assert _counts(again) == (0, 3, 1)  # nothing trusted from the store; nothing re-extracted
    assert any("rebuilding" in w for w in again.warnings)
    assert first < set(again.graph)
    assert set(again.graph) == set(_build(corpus, tmp_path / "fresh").graph)


def test_a_result_does_not_show_a_later_build_as_its_own(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    first = _build(corpus, tmp_path / "out")
    _write(corpus, dict([EXTRA]))
    _build(corpus, tmp_path / "out")
    with pytest.raises(KgError, match="a later build has changed the corpus"):
        first.graph  # noqa: B018


# --- what the result keeps ---------------------------------------------------------------------


def test_small_builds_keep_extractions_large_ones_only_summaries(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    small = kg.build([corpus], executor="serial")
    assert [x.article.path for x in small.extractions] == [a.path for a in small.articles]
    large = build_graph([corpus], executor="serial", keep_extractions=2)
    assert large.extractions == []
    assert len(large.articles) == 3 and large.stats["articles"] == 3
    assert set(large.graph) == set(small.graph)


def test_articles_come_back_in_input_order_whatever_was_cached(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", {k: ARTICLES[k] for k in ("clerk.txt", "hotel.txt")})
    _build(corpus, tmp_path / "out")
    _write(corpus, {"hacker.txt": ARTICLES["hacker.txt"]})  # sorts between the cached two
    mixed = _build(corpus, tmp_path / "out")
    assert [Path(a.path).name for a in mixed.articles] == ["clerk.txt", "hacker.txt", "hotel.txt"]
    assert [a.cached for a in mixed.articles] == [True, False, True]


def test_cli_build_says_what_came_from_the_cache(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    args = ["build", str(corpus), "--out", str(tmp_path / "out"), "--workers", "1", "-q"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "(0 unchanged, 0 cached, 3 extracted)" in first.output
    second = CliRunner().invoke(app, args)
    assert "(3 unchanged, 0 cached, 0 extracted)" in second.output
    fresh = CliRunner().invoke(app, [*args, "--fresh"])
    assert "(0 unchanged, 0 cached, 3 extracted)" in fresh.output


def test_cli_unknown_executor_is_a_one_line_error(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    res = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "out"),
                                   "--executor", "spark"])
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        "error: unknown executor 'spark' (choose one of: dask, local, process, serial)"]


# --- atomic outputs ----------------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_outputs_untouched(tmp_path: Path,
                                                              monkeypatch) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    out = tmp_path / "out"
    _build(corpus, out)
    before = _snapshot(out)
    _write(corpus, dict([EXTRA]))

    def broken_page(graph, path, settings=None):
        path.write_text("<!doctype html><p>half a page")
        raise RuntimeError("renderer fell over")

    monkeypatch.setattr(kg.render, "write_html", broken_page)
    with pytest.raises(RuntimeError):
        _build(corpus, out)
    assert _snapshot(out) == before
    assert not list(out.glob(".kg-build-*"))


# A build run in a child process, held at one point so the test can stop it there.
DRIVER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import kg.executors, kg.render
    marker = Path(sys.argv[2])
    if sys.argv[1] == "extracting":
        real = kg.executors.extract_chunk
        def held(chunk, settings):
            out = real(chunk, settings)
            marker.write_text("extracting")
            time.sleep(120)
            return out
        kg.executors.extract_chunk = held
    else:
        def held(graph, path, settings=None):
            path.write_text("<!doctype html><p>half a page")
            marker.write_text("writing")
            time.sleep(120)
        kg.render.write_html = held
    from kg.cli import app
    app(sys.argv[3:])
""")


def _start_held_build(tmp_path: Path, phase: str, corpus: Path, out: Path) -> subprocess.Popen:
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    marker = tmp_path / f"{phase}.marker"
    proc = subprocess.Popen(
        [sys.executable, str(driver), phase, str(marker), "build", str(corpus), "--out",
         str(out), "--workers", "1", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the held build never reached {phase}: {proc.communicate()[1][-800:]}")
        time.sleep(0.05)
    return proc


@pytest.mark.slow
@pytest.mark.parametrize(("phase", "sig"), [("extracting", signal.SIGTERM),
                                            ("writing", signal.SIGTERM),
                                            ("writing", signal.SIGKILL)])
def test_a_build_stopped_half_way_leaves_the_previous_outputs(tmp_path: Path, phase: str,
                                                              sig: signal.Signals) -> None:
    corpus = _write(tmp_path / "in", ARTICLES)
    out = tmp_path / "out"
    _build(corpus, out)
    before = _snapshot(out)
    _write(corpus, dict([EXTRA]))

    proc = _start_held_build(tmp_path, phase, corpus, out)
    os.kill(proc.pid, sig)
    proc.communicate(timeout=60)
    assert proc.returncode in (128 + sig, -sig)
    assert _snapshot(out) == before
    assert len(kg.load_graph(out / "graph.ttl")) > 0
    if sig == signal.SIGTERM:
        assert not list(out.glob(".kg-build-*"))  # it cleaned up after itself

    after = _build(corpus, out)  # the next build finishes the job and sweeps leftovers
    assert after.stats["articles"] == 4
    assert not list(out.glob(".kg-build-*"))
    assert _snapshot(out)["graph.ttl"] != before["graph.ttl"]


def test_a_build_of_only_unreadable_files_says_why_in_its_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    res = CliRunner().invoke(app, ["build", str(tmp_path / "in"), "--out",
                                   str(tmp_path / "out")])
    assert res.exit_code != 0
    line = res.output.strip().splitlines()[-1]
    assert line.startswith("error: no articles found: all 1 file(s) were skipped: ")
    assert "blob.txt" in line and "Traceback" not in res.output
