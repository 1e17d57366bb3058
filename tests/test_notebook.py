"""The analyst's walkthrough notebook runs top to bottom and shows the seed graph's real values.

The notebook is executed with nbclient on a kernel of this very interpreter (a kernelspec
made in a temporary folder, so no machine-wide Jupyter setup is needed). The values it must
show are computed here from the library, never written down from the seeds.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import kg
from kg.analyze import analyze
from kg.build import BuildResult

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"
SAVED_QUESTIONS = ("leak_sources_and_methods", "sellers_with_prices", "buyers_and_uses",
                   "data_categories_by_volume", "enforcement_by_year")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _kernel_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernelspec that runs this interpreter, found through JUPYTER_PATH."""
    spec = tmp_path / "jupyter" / "kernels" / "kg-walkthrough"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kg walkthrough", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "kg-walkthrough"


def _outputs(nb: nbformat.NotebookNode) -> dict[str, list]:
    """Every output of the executed notebook by kind: markdown, html, stream text, png."""
    out: dict[str, list] = {"markdown": [], "html": [], "stream": [], "png": [], "error": []}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out["stream"].append(o.text)
            elif o.output_type == "error":
                out["error"].append(f"{o.ename}: {o.evalue}")
            else:
                data = o.get("data", {})
                for mime, kind in (("text/markdown", "markdown"), ("text/html", "html"),
                                   ("image/png", "png")):
                    if mime in data:
                        out[kind].append(data[mime])
    return out


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    tmp = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(tmp))  # the notebook's temporary outputs land here
        nb = nbformat.read(NOTEBOOK, as_version=4)
        client = NotebookClient(nb, kernel_name=_kernel_here(tmp, mp), timeout=600,
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}})
        client.execute()
    return _outputs(nb)


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return kg.build([ROOT / "seeds"], out=tmp_path_factory.mktemp("seed-build") / "out")


def test_notebook_is_kept_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_notebook_shows_the_seed_graph_records_money_and_years(executed, seed_build) -> None:
    assert not executed["error"]
    md = "\n".join(executed["markdown"])
    analysis = analyze(seed_build.graph)
    label = {iri: n.label for iri, n in analysis.projection.nodes.items()}

    assert analysis.categories and analysis.categories[0].records > 0
    for c in analysis.categories[:3]:
        assert f"| {label[c.iri]} | {c.records:,} | {len(c.articles)} |" in md
    for m in analysis.money:
        assert f"| {m.currency} | {m.role} | {m.total:,} | {m.count} |" in md
    for year, counts in analysis.years.items():
        row = " | ".join(str(counts[k]) for k in ("cases", "enforcement actions",
                                                  "leaks and sales"))
        assert f"| {year} | {row} |" in md
    for b in analysis.brokers[:3]:
        assert f"| {label[b.iri]} | {analysis.projection.nodes[b.iri].display} | " \
               f"{b.betweenness} |" in md
    assert f"**{len(analysis.chains)} paths along the chain**" in md


@pytest.mark.slow
def test_notebook_answers_five_saved_questions_with_rows(executed, seed_build) -> None:
    md = "\n".join(executed["markdown"])
    for name in SAVED_QUESTIONS:
        answer = kg.query(name, graph=seed_build.outputs["graph.ttl"])
        assert len(answer) > 0, name
        assert f"**{name}**" in md and f"({len(answer)} rows)" in md


@pytest.mark.slow
def test_notebook_draws_the_chain_plots_figures_and_scores_own_gold(executed, seed_build) -> None:
    proj = analyze(seed_build.graph).projection
    text = "".join(executed["stream"])
    assert f"{len(proj.nodes)} entities, {len(proj.events)} events, {len(proj.links)} links" \
        in text
    assert any("<iframe srcdoc=" in h and "vis-network" in h for h in executed["html"])
    pngs = [base64.b64decode(p) for p in executed["png"]]
    assert len(pngs) >= 3 and all(p.startswith(PNG_MAGIC) for p in pngs)
    assert "micro P=" in text and "over 1 article(s)" in text
