"""Bad inputs, each with its expected outcome: a one-line error and exit code, or a skipped
file with a warning and the rest built. Run through the real `kg` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

KG = [sys.executable, "-m", "kg.cli"]
GOOD = (
    "Police in Northfield arrested a man surnamed Wang on Monday for allegedly selling "
    "200,000 items of customer information, including names and phone numbers, via WeChat "
    "for 5,000 yuan.\n"
)


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KG, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int = 2) -> None:
    assert proc.returncode == code, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def built_graph(out: Path) -> Graph:
    g = Graph()
    g.parse(out / "graph.ttl", format="turtle")
    return g


@pytest.mark.parametrize(
    "name, payload",
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 64),
        ("invalid-utf8.txt", b"Police seized \xff\xfe\xfa data \x80\x81 from a gang.\n" * 3),
        ("nul.html", b"<html>\x00\x00\x00</html>"),
    ],
)
def test_bad_file_is_skipped_and_the_rest_is_built(
    corpus: Path, tmp_path: Path, name: str, payload: bytes
) -> None:
    (corpus / name).write_bytes(payload)
    out = tmp_path / "out"
    proc = run_kg("build", str(corpus), "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    g = built_graph(out)
    assert any("Wang" in str(o) for o in g.objects())


def test_empty_file_alone_is_a_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert_one_line_error(run_kg("build", str(f), "--out", str(tmp_path / "o")))


def test_folder_with_no_articles_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert_one_line_error(run_kg("build", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")))


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    assert_one_line_error(run_kg("build", str(tmp_path / "nope"), "--out", str(tmp_path / "o")))


def test_unwritable_out_is_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    assert_one_line_error(run_kg("build", str(corpus), "--out", str(blocker / "sub")))


def test_huge_file_is_skipped_with_a_warning(corpus: Path, tmp_path: Path) -> None:
    big = corpus / "huge.txt"
    with big.open("wb") as fh:
        fh.write(b"Data was sold. " * (50 * 1024 * 1024 // 15))
    proc = run_kg("build", str(corpus), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "huge.txt" in proc.stderr
    assert built_graph(tmp_path / "out")


def test_gb18030_article_is_read(tmp_path: Path) -> None:
    f = tmp_path / "gbk.txt"
    f.write_bytes(("警方 " + GOOD).encode("gb18030"))
    proc = run_kg("build", str(f), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert any("Wang" in str(o) for o in built_graph(tmp_path / "out").objects())


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
def test_symlink_loop_does_not_hang(corpus: Path, tmp_path: Path) -> None:
    os.symlink(corpus, corpus / "loop")
    proc = run_kg("build", str(corpus), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert built_graph(tmp_path / "out")


def test_script_laden_page_keeps_markup_out_of_the_graph(tmp_path: Path) -> None:
    page = tmp_path / "evil.html"
    page.write_text(
        "<html><head><title>Gang sold data</title><script>alert('x')</script></head><body>"
        "<p>Police arrested a man surnamed Wang for selling 5,000 items of customer data "
        'via <a href="javascript:alert(1)">QQ</a>.</p>'
        "<script>document.write('<p>injected</p>')</script>"
        '<p onclick="steal()">The gang sold names and phone numbers to fraudsters.</p>'
        "</body></html>",
        encoding="utf-8",
    )
    proc = run_kg("build", str(page), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "alert(" not in ttl and "<script" not in ttl and "javascript:" not in ttl
    assert "Wang" in ttl


def test_metacharacters_in_labels_round_trip(tmp_path: Path) -> None:
    text = (
        'A gang led by a man surnamed O\'Brien"> sold 3,000 records of "customer data" '
        "<b>via</b> QQ } ; @prefix x: <y> . \\n to buyers.\n"
    )
    f = tmp_path / "meta.txt"
    f.write_text(text, encoding="utf-8")
    proc = run_kg("build", str(f), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert len(built_graph(tmp_path / "out")) > 0


def test_absurd_numbers_do_not_break_the_build(tmp_path: Path) -> None:
    f = tmp_path / "absurd.txt"
    f.write_text(
        "The gang stole 10^100 records and 99999999999999999999999999 items of "
        "personal information, selling them for 1e400 yuan.\n",
        encoding="utf-8",
    )
    proc = run_kg("build", str(f), "--out", str(tmp_path / "out"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert len(built_graph(tmp_path / "out")) > 0


def test_malformed_sparql_is_a_one_line_error(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_kg("build", str(corpus), "--out", str(out), "-q").returncode == 0
    proc = run_kg("query", "SELECT ?x WHERE { ?x ?p ", "--graph", str(out / "graph.ttl"))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_any_text_gives_a_graph_that_parses_and_validates(extractor, text: str) -> None:
    from texts import article

    from kg.graph import extractions_to_graph, serialize_turtle
    from kg.validate import validate_graph

    g = extractions_to_graph([extractor.extract(article(text, path="any.txt"))])
    reparsed = Graph()
    reparsed.parse(data=serialize_turtle(g), format="turtle")
    assert len(reparsed) == len(g)
    report = validate_graph(g)
    assert report.conforms, report
