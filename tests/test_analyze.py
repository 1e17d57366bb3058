"""The chain analysis over a hand-made graph (independent of extractor quality).

``chain_extractions`` is also the fixture of test_report, test_render and test_browser.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from rdflib import Graph

from kg.analyze import (
    analyze,
    brokers_and_hubs,
    chain_paths,
    chains_by_article,
    communities,
    enforcement_by_agency_year,
    events_by_year,
    money_by_currency_role,
    price_per_record,
    project,
    records_by_category,
    to_networkx,
)
from kg.graph import entity_iri, extractions_to_graph
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr

SHOP_TEXT = (
    "A clerk named Orrin at the web shop Bellmart copied 50,000 customer records with phone "
    "numbers. Orrin sold the records to a middleman called Tazz for 5,000 yuan over QQ. "
    "Tazz resold them to the Gravel gang, which used them for telecom fraud against retirees. "
    "Police in Northvale arrested five members of the Gravel gang in March 2021."
)
CLINIC_TEXT = (
    "A hacker known as Vex broke into the Pinecrest clinic and took 2,000 patient names. "
    "Vex sold the names to an unnamed buyer at 0.5 yuan per record. "
    "Prosecutors in Eastport charged Vex in 2022 in a case that is still open."
)


def _article(text: str, title: str, published: str) -> Article:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Article(text=text, path=f"/articles/{title[:8]}.txt", sha256=sha, title=title,
                   outlet="Test Daily", published=published)


def _span(a: Article, phrase: str) -> Span:
    """The sentence of ``a`` that holds ``phrase``: the evidence of a fact."""
    i = a.text.index(phrase)
    start = a.text.rfind(". ", 0, i) + 2 if a.text.rfind(". ", 0, i) >= 0 else 0
    end = a.text.find(". ", i)
    end = len(a.text) if end < 0 else end + 1
    return Span(start, end, a.text[start:end])


def _entity(a: Article, key: str, kind: str, label: str, roles: tuple[str, ...] = (),
            concept: str | None = None) -> Entity:
    return Entity(key=key, kind=kind, label=label, roles=roles, concept=concept,
                  mentions=(_span(a, label),), article=None if concept else a.id)


def shop_extraction() -> Extraction:
    """Leak -> sale -> resale -> fraud -> victims, then an arrest: one complete chain."""
    a = _article(SHOP_TEXT, "Clerk sold shop data", "2021-04-02")
    ents = (
        _entity(a, "bellmart", "org", "Bellmart", ("DataHolder",)),
        _entity(a, "orrin", "person", "Orrin", ("Insider", "LeakSource", "Seller")),
        _entity(a, "tazz", "person", "Tazz", ("Seller", "Buyer")),
        _entity(a, "gravel", "group", "Gravel gang", ("Buyer", "Fraudster")),
        _entity(a, "phone", "data", "phone numbers", (), "data/telephone-number"),
        _entity(a, "qq", "channel", "QQ", (), "channel/qq"),
        _entity(a, "telecom", "fraud", "telecom fraud", ("FraudScheme",), "fraud/telecom-fraud"),
        _entity(a, "retirees", "people", "retirees", ("Victim",)),
        _entity(a, "police", "agency", "Police in Northvale"),
        _entity(a, "northvale", "place", "Northvale"),
    )
    ev = (
        Event("leak", _span(a, "copied"), (("leakSource", "orrin"), ("dataHolder", "bellmart"),
                                           ("dataCategory", "phone")),
              records=(Count(50_000, "records"),)),
        Event("sale", _span(a, "Orrin sold"), (("seller", "orrin"), ("buyer", "tazz"),
                                               ("channel", "qq"), ("dataCategory", "phone")),
              records=(Count(50_000, "records"),), money=(Money(5000, "CNY", "price"),)),
        Event("sale", _span(a, "resold"), (("seller", "tazz"), ("buyer", "gravel"))),
        Event("fraud", _span(a, "used them"), (("fraudster", "gravel"),
                                               ("fraudScheme", "telecom"), ("victim", "retirees"))),
        Event("enforcement", _span(a, "arrested"), (("agency", "police"), ("target", "gravel"),
                                                   ("location", "northvale")),
              people=(Count(5, "people"),), time=TimeExpr("March 2021", "2021-03"),
              status="arrested", action="arrest"),
    )
    return Extraction(article=a, entities=ents, events=ev)


def clinic_extraction() -> Extraction:
    """A leak sold to a buyer whose use of the data is unknown: a broken chain."""
    a = _article(CLINIC_TEXT, "Hacker sold clinic data", "2022-06-10")
    ents = (
        _entity(a, "vex", "person", "Vex", ("Hacker", "LeakSource", "Seller")),
        _entity(a, "pinecrest", "org", "Pinecrest clinic", ("DataHolder",)),
        _entity(a, "names", "data", "patient names", (), "data/name"),
        _entity(a, "buyer", "people", "unnamed buyer", ("Buyer",)),
        _entity(a, "prosecutors", "agency", "Prosecutors in Eastport"),
    )
    ev = (
        Event("leak", _span(a, "broke into"), (("leakSource", "vex"), ("dataHolder", "pinecrest"),
                                               ("dataCategory", "names")),
              records=(Count(2000, "records"),)),
        Event("sale", _span(a, "Vex sold"), (("seller", "vex"), ("buyer", "buyer"),
                                             ("dataCategory", "names")),
              money=(Money(0.5, "CNY", "unit_price", per="record"),)),
        Event("enforcement", _span(a, "charged"), (("agency", "prosecutors"), ("target", "vex")),
              time=TimeExpr("2022", "2022"), status="charged", action="prosecution"),
        Event("case", _span(a, "case that"), (("agency", "prosecutors"), ("target", "vex")),
              time=TimeExpr("2022", "2022")),
    )
    return Extraction(article=a, entities=ents, events=ev)


def chain_extractions() -> list[Extraction]:
    return [shop_extraction(), clinic_extraction()]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return extractions_to_graph(chain_extractions())


def _iri(x: Extraction, key: str) -> str:
    return str(entity_iri(next(e for e in x.entities if e.key == key)))


def _labels(g: Graph, chain) -> list[str]:
    proj = project(g)
    return [proj.nodes[i].label for i in chain.steps]


def test_complete_chain_runs_from_data_holder_to_victim(graph: Graph) -> None:
    complete = [c for c in chain_paths(project(graph)) if c.complete]
    assert [_labels(graph, c) for c in complete] == [
        ["Bellmart", "Orrin", "Tazz", "Gravel gang", "telecom fraud", "retirees"]]
    assert complete[0].stages == (0, 1, 3, 3, 4, 5)


def test_buyer_with_no_known_use_is_reported_as_a_broken_chain(graph: Graph) -> None:
    broken = [c for c in chain_paths(project(graph)) if not c.complete]
    assert [(_labels(graph, c), c.gaps) for c in broken] == [
        (["Pinecrest clinic", "Vex", "unnamed buyer"], ("buyer with no known use",))]


def test_chains_per_article_stay_within_their_article(graph: Graph) -> None:
    proj = project(graph)
    shop, clinic = (str(x.article.id) for x in chain_extractions())
    per_article = chains_by_article(chain_paths(proj))
    assert len(per_article) == 2
    for arts, chains in per_article.items():
        assert len(arts.split()) == 1 and all(c.articles == (arts,) for c in chains)
    only_shop = chain_paths(proj, article=next(a for a in proj.articles if a.endswith(shop)))
    assert len(only_shop) == 1 and only_shop[0].complete
    assert not any(c.complete for c in chain_paths(
        proj, article=next(a for a in proj.articles if a.endswith(clinic))))


def test_concepts_do_not_join_chains_of_different_articles() -> None:
    """Two stories that both mention telecom fraud stay two chains, not a crossed one."""
    a, b = shop_extraction(), clinic_extraction()
    fraud = Entity("telecom", "fraud", "telecom fraud", roles=("FraudScheme",),
                   concept="fraud/telecom-fraud", mentions=(_span(b.article, "buyer"),))
    b = Extraction(b.article, b.entities + (fraud,), b.events + (
        Event("fraud", _span(b.article, "buyer at"), (("fraudster", "buyer"),
                                                      ("fraudScheme", "telecom"))),))
    chains = chain_paths(project(extractions_to_graph([a, b])))
    assert all(len(c.articles) == 1 for c in chains)
    assert sum(c.complete for c in chains) == 2  # the clinic chain now ends at a use too
    assert not any(c.gaps == ("buyer with no known use",) for c in chains)


def test_reseller_is_the_broker_between_seller_and_fraud(graph: Graph) -> None:
    proj = project(graph)
    brokers, hubs = brokers_and_hubs(proj)
    tazz = _iri(shop_extraction(), "tazz")
    assert proj.nodes[tazz].display == "Broker"
    assert brokers[0].betweenness > 0 and tazz in [b.iri for b in brokers[:3]]
    assert hubs[0].degree >= hubs[-1].degree


def test_communities_separate_the_two_stories(graph: Graph) -> None:
    proj = project(graph)
    groups = communities(proj)
    shop = {_iri(shop_extraction(), k) for k in ("orrin", "tazz", "gravel")}
    vex = _iri(clinic_extraction(), "vex")
    assert groups
    assert all(not (shop & set(g) and vex in g) for g in groups)


def test_records_by_category_count_a_batch_once_per_article(graph: Graph) -> None:
    cats = records_by_category(project(graph))
    assert [(c.iri.rsplit("/", 2)[-2:], c.records) for c in cats] == [
        (["data", "telephone-number"], 50_000), (["data", "name"], 2000)]


def test_money_is_summed_by_currency_and_role_and_price_per_record_derived(graph: Graph) -> None:
    proj = project(graph)
    money = {(m.currency, m.role): m.total for m in money_by_currency_role(proj)}
    assert money == {("CNY", "price"): Decimal(5000), ("CNY", "unit-price"): Decimal("0.5")}
    prices = {(u.basis, u.per_record) for u in price_per_record(proj)}
    assert prices == {("price / records", Decimal("0.1")), ("stated unit price", Decimal("0.5"))}


def test_price_per_month_is_not_taken_for_a_price_per_record() -> None:
    x = shop_extraction()
    ev = Event("sale", _span(x.article, "Orrin sold"), (("seller", "orrin"),),
               money=(Money(300, "CNY", "unit_price", per="month"),))
    g = extractions_to_graph([Extraction(x.article, x.entities, (ev,))])
    assert price_per_record(project(g)) == []


def test_enforcement_figures_by_agency_and_year(graph: Graph) -> None:
    proj = project(graph)
    rows = {(proj.nodes[r.agency].label, r.year): (r.actions, r.arrested, r.cases)
            for r in enforcement_by_agency_year(proj)}
    assert rows == {("Police in Northvale", "2021"): (1, 5, 0),
                    ("Prosecutors in Eastport", "2022"): (1, 0, 1)}
    years = events_by_year(proj)
    assert years["2022"]["cases"] == 1 and years["2021"]["enforcement actions"] == 1


def test_events_without_time_take_the_year_of_their_article(graph: Graph) -> None:
    proj = project(graph)
    leaks = [e for e in proj.events if "LeakEvent" in e.classes]
    assert sorted(e.year for e in leaks) == ["2021", "2022"]


def test_networkx_projection_keeps_relation_event_and_article(graph: Graph) -> None:
    g = to_networkx(project(graph))
    orrin, tazz = _iri(shop_extraction(), "orrin"), _iri(shop_extraction(), "tazz")
    (data,) = g.get_edge_data(orrin, tazz).values()
    assert data["relation"] == "sold to" and "/event/" in data["event"]
    assert "/article/" in data["article"]


def test_an_empty_graph_gives_an_empty_analysis() -> None:
    a = analyze(Graph())
    assert (a.chains, a.brokers, a.communities, a.categories, a.money) == ([], [], [], [], [])


def test_paths_to_sinks_are_networkx_all_simple_paths_in_the_same_order() -> None:
    import random

    import networkx as nx

    from kg.analyze.chains import _paths_to_sinks

    for seed in range(150):
        rng = random.Random(seed)
        g = nx.gnp_random_graph(rng.randint(2, 12), rng.random() * 0.4, seed=seed, directed=True)
        sinks = {n for n in g if g.out_degree(n) == 0}
        for src in set(g) - sinks:
            assert list(_paths_to_sinks(g, src)) == list(nx.all_simple_paths(g, src, sinks))


def test_igraph_is_imported_without_pulling_in_matplotlib() -> None:
    import subprocess
    import sys

    script = ("import sys; from kg.analyze.measures import _igraph_module; _igraph_module(); "
              "print('matplotlib' in sys.modules); import matplotlib.pyplot; print('ok')")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "ok"]
