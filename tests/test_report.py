"""The report: tables and figures that cite their articles, with article text kept inert."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from rdflib import Graph
from test_analyze import chain_extractions, clinic_extraction, shop_extraction
from test_render import PAYLOAD, hostile_extraction

from kg.build import BuildResult, write_outputs
from kg.errors import OutputError
from kg.graph import extractions_to_graph
from kg.report import md_escape, write_report

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return extractions_to_graph(chain_extractions() + [hostile_extraction()])


@pytest.fixture(scope="module")
def report(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("report")
    return out, write_report(graph, out)


def test_report_writes_markdown_html_and_the_three_figures(report) -> None:
    out, files = report
    names = sorted(p.relative_to(out).as_posix() for p in files)
    assert names == ["figures/cases_over_time.svg", "figures/price_per_record.svg",
                     "figures/records_by_category.svg", "report.html", "report.md"]
    for p in files:
        assert p.stat().st_size > 500
        if p.suffix == ".svg":
            root = ElementTree.parse(p).getroot()
            assert root.tag == SVG + "svg" and len(root.findall(SVG + "rect")) >= 3


def test_every_figure_and_table_row_links_to_articles_that_exist(report) -> None:
    out, _ = report
    md = (out / "report.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="(article-\d+)"></a>', md))
    assert len(anchors) == 3
    for fig in ("records_by_category", "price_per_record", "cases_over_time"):
        block = md.split(f"(figures/{fig}.svg)")[1].split("\n\n")[1]
        cited = set(re.findall(r"\(#(article-\d+)\)", block))
        assert block.startswith("Figure sources:") and cited and cited <= anchors
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line
            and not line.startswith(("| Chain |", "| Name |", "| Group |", "| Data category |",
                                     "| Currency |", "| Per record |", "| Agency |", "| Year |"))]
    assert rows and all(re.search(r"\(#article-\d+\)", r) for r in rows)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert set(re.findall(r'id="(article-\d+)"', page)) == anchors
    assert set(re.findall(r'href="#(article-\d+)"', page)) <= anchors
    assert 'src="figures/records_by_category.svg"' in page


def test_report_shows_the_chain_the_gap_and_the_figures(report) -> None:
    out, _ = report
    md = (out / "report.md").read_text(encoding="utf-8")
    assert ("Bellmart (data holder) → Orrin (leak source/seller) → Tazz (buyer/seller) → "
            "Gravel gang (buyer) → telecom fraud (fraud scheme) → retirees (victim) | complete"
            ) in md
    assert "unnamed buyer (buyer) | buyer with no known use" in md
    assert "| phone numbers | 50,000 |" in md
    assert "| 0.1 | CNY | 50,000 | price / records |" in md
    assert "| Police in Northvale | 2021 | 1 | 5 | 0 | Arrest |" in md


def test_article_markup_is_inert_in_markdown_and_html(report) -> None:
    out, _ = report
    md = (out / "report.md").read_text(encoding="utf-8")
    page = (out / "report.html").read_text(encoding="utf-8")
    for text in (md, page):
        assert "<script>window" not in text and "<img src=x" not in text
    assert "&lt;img src=x onerror=" in page
    assert "&lt;img src=x onerror=" in md
    assert "](javascript:" not in md


def test_markdown_escape_neutralises_tables_links_and_html() -> None:
    text = "a | b [x](javascript:alert(1)) <b>*bold*</b>\nnext"
    out = md_escape(text)
    assert "|" not in out.replace("\\|", "") and "](" not in out.replace("\\](", "")
    assert "<" not in out and "\n" not in out and "\\*bold\\*" in out


def test_an_empty_graph_gives_a_report_without_figures(tmp_path: Path) -> None:
    files = write_report(Graph(), tmp_path)
    assert sorted(p.name for p in files) == ["report.html", "report.md"]
    assert "Nothing found in these articles." in (tmp_path / "report.md").read_text()


def test_unwritable_report_folder_is_an_output_error(tmp_path: Path, graph: Graph) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match="cannot write the report"):
        write_report(graph, blocker / "out")


def test_build_outputs_include_the_page_the_report_and_its_figures(tmp_path: Path,
                                                                  graph: Graph) -> None:
    result = write_outputs(BuildResult(graph=graph), tmp_path)
    assert {"graph.html", "graph.ttl", "report.md", "report.html", "figures"} <= set(result.outputs)
    assert (tmp_path / "figures" / "records_by_category.svg").exists()
    assert PAYLOAD not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_one_bar_is_a_table_not_a_figure(tmp_path: Path) -> None:
    files = write_report(extractions_to_graph([shop_extraction()]), tmp_path)
    assert not [p for p in files if p.suffix == ".svg"]
    assert "| phone numbers | 50,000 |" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_article_text_in_a_figure_is_escaped_text(tmp_path: Path) -> None:
    def relabel(x, key: str, label: str):
        ents = tuple(replace(e, label=label) if e.key == key else e for e in x.entities)
        return replace(x, entities=ents)

    hostile = "<script>alert(1)</script>&"
    g = extractions_to_graph([relabel(shop_extraction(), "phone", hostile),
                              relabel(clinic_extraction(), "names", "names $5 $x^")])
    write_report(g, tmp_path)
    svg = tmp_path / "figures" / "records_by_category.svg"
    root = ElementTree.parse(svg).getroot()  # well-formed: the markup stayed text
    assert not root.findall(".//" + SVG + "script")
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "names $5 $x^" in texts
    assert any(t and t.startswith("<script>alert(1)") for t in texts)


def test_the_report_written_beside_the_page_is_the_one_written_after_it(
        tmp_path: Path, graph: Graph) -> None:
    from kg.settings import DEFAULT

    serial = write_outputs(BuildResult(graph=graph), tmp_path / "serial")
    forked = write_outputs(BuildResult(graph=graph), tmp_path / "forked",
                           settings=replace(DEFAULT, parallel_views_from=0))
    assert set(serial.outputs) == set(forked.outputs)
    for name in ("report.md", "report.html", "graph.html"):
        assert (tmp_path / "serial" / name).read_bytes() == \
            (tmp_path / "forked" / name).read_bytes()


def test_a_report_that_fails_beside_the_page_fails_the_build_cleanly(
        tmp_path: Path, graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.report
    from kg.settings import DEFAULT

    def broken(*args, **kwargs):
        raise RuntimeError("figure failed")

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "graph.ttl").write_text("old", encoding="utf-8")
    monkeypatch.setattr(kg.report, "write_report", broken)
    with pytest.raises(OutputError, match="RuntimeError: figure failed"):
        write_outputs(BuildResult(graph=graph), tmp_path / "out",
                      settings=replace(DEFAULT, parallel_views_from=0))
    assert (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8") == "old"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["graph.ttl"]
