"""The built corpus: per-article blocks and partial projections that add up to the whole."""

from __future__ import annotations

import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from kg.analyze.projection import merge_partials, partial_projection, project
from kg.corpus import CorpusStore, article_graph, turtle_header
from kg.graph import extractions_to_graph
from kg.read import iter_articles

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="module")
def extractions(extractor):
    return [extractor.extract(a) for a in iter_articles([FIXTURES], warn=lambda m: None)]


def test_partial_projections_merge_into_the_projection_of_the_union(extractions) -> None:
    whole = project(extractions_to_graph(extractions))
    parts = [partial_projection(extractions_to_graph([x])) for x in extractions]
    random.Random(7).shuffle(parts)
    merged = merge_partials(parts)
    assert merged == whole
    # entities several articles name really were merged, not listed twice
    shared = [n for n in whole.nodes.values() if len(n.articles) > 1]
    assert shared and all(len(merged.nodes[n.iri].articles) > 1 for n in shared)


def test_the_blocks_make_the_same_graph_as_the_extractions(extractions) -> None:
    blocks = [article_graph(x) for x in extractions]
    g = Graph()
    g.parse(data=(turtle_header() + b"\n".join(b.turtle for b in blocks)).decode(),
            format="turtle")
    assert set(g) == set(extractions_to_graph(extractions))
    assert all(pickle.loads(b.partial) == partial_projection(extractions_to_graph([x]))
               for b, x in zip(blocks, extractions, strict=True))


def test_the_corpus_counts_triples_shared_by_articles_once(extractions) -> None:
    corpus = CorpusStore(None, "test")
    for i, x in enumerate(extractions):
        corpus.put(str(i), (), "k", x.article.path, x.article.id, article_graph(x))
    view = corpus.view()
    union = extractions_to_graph(extractions)
    assert view.triples == len(union)
    assert sum(len(extractions_to_graph([x])) for x in extractions) > len(union)
    assert set(view.graph()) == set(union)
    assert view.projection() == project(union)


def test_a_block_is_the_same_bytes_whatever_the_hash_seed(extractions, tmp_path: Path) -> None:
    x = max(extractions, key=lambda x: len(x.entities))
    (tmp_path / "x.pkl").write_bytes(pickle.dumps(x))
    script = ("import pickle, sys; from kg.corpus import article_graph; "
              f"x = pickle.load(open({str(tmp_path / 'x.pkl')!r}, 'rb')); "
              "sys.stdout.buffer.write(article_graph(x).turtle)")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1] == article_graph(x).turtle
    assert runs[0].count(b"\n") > 20


def test_two_builds_cannot_change_one_corpus_at_once(tmp_path: Path) -> None:
    from kg.errors import OutputError

    first = CorpusStore(tmp_path / "corpus", "fp")
    with pytest.raises(OutputError, match="another build is using"):
        CorpusStore(tmp_path / "corpus", "fp")
    first.commit()
    first.close()
    CorpusStore(tmp_path / "corpus", "fp").close()  # free again once the first is done


def test_merging_a_part_at_a_time_gives_the_one_merge_of_all_parts(extractions) -> None:
    from dataclasses import replace as dc_replace

    from kg.analyze.projection import PartialMerge, event_links

    parts = [partial_projection(extractions_to_graph([x])) for x in extractions]
    # a later part describes an entity an earlier part's event names but does not describe,
    # and re-dates an article: both must reach the events finished before they came
    first, *rest = parts
    event_iri, event = max(first.events.items(), key=lambda kv: len(kv[1].participants))
    ghost = "https://example.org/ghost"
    with_ghost = dc_replace(event, participants=(*event.participants, ("seller", ghost)))
    first = dc_replace(first, events={**first.events, event_iri: with_ghost},
                       links={**first.links, event_iri: tuple(event_links(with_ghost))})
    node = next(iter(rest[0].nodes.values()))
    late = dc_replace(rest[0], nodes={ghost: node}, events={}, articles={
        iri: dc_replace(a, published="1999-01-01") for iri, a in first.articles.items()})
    all_parts = [first, *rest, late]
    merge = PartialMerge()
    for part in all_parts:
        merge.add(part)
        step = merge.result()
    assert step == merge_partials(all_parts)
    assert ("seller", ghost) in {p for e in step.events if e.iri == event_iri
                                 for p in e.participants}
    assert ghost in {x for link in step.links if link.event == event_iri
                     for x in (link.source, link.target)}


def _build(folder: Path, out: Path, **kw):
    import kg

    return kg.build([folder], out, workers=1, **kw)


def test_a_rebuild_after_adding_an_article_matches_a_fresh_build(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    files = sorted(FIXTURES.glob("*.txt"))
    for f in files[:-1]:
        (src / f.name).write_bytes(f.read_bytes())
    _build(src, tmp_path / "out")
    (src / files[-1].name).write_bytes(files[-1].read_bytes())
    again = _build(src, tmp_path / "out")
    fresh = _build(src, tmp_path / "fresh", fresh=True)
    assert again.stats["extracted"] == 1 and again.stats["unchanged"] == len(files) - 1
    assert again.projection() == fresh.projection()
    assert again.triples == fresh.triples
    for name in ("graph.ttl", "graph.html", "report.md", "report.html"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes()


def test_a_damaged_projection_file_is_made_again_from_its_block(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in sorted(FIXTURES.glob("*.txt"))[:3]:
        (src / f.name).write_bytes(f.read_bytes())
    first = _build(src, tmp_path / "out")
    files = sorted((tmp_path / "out").rglob("*.projection"))
    assert len(files) == 3
    files[0].write_bytes(files[0].read_bytes()[:40])  # torn
    files[1].unlink()  # lost
    again = _build(src, tmp_path / "out")
    assert again.stats["unchanged"] == 3
    assert sum("was damaged; made again" in w for w in again.warnings) == 2
    assert again.projection() == first.projection()
