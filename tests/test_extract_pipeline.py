"""The whole extractor on small articles: events with their parties, figures and claim status,
evidence offsets, the graph it makes, and the hand-written fixture reports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import RDF
from texts import article

from kg.extract.pipeline import Extractor
from kg.graph import entity_iri, extractions_to_graph
from kg.model import Event, Extraction
from kg.namespaces import DT, DTC

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"


def extract(ex: Extractor, text: str) -> Extraction:
    return ex.extract(article(text, published="2020-05-01"))


def events(x: Extraction, kind: str) -> list[Event]:
    return [e for e in x.events if e.kind == kind]


def key_of(x: Extraction, label: str) -> str:
    return next(e.key for e in x.entities if e.label == label or label in e.alt_labels)


# --- claim status -------------------------------------------------------------------------


def test_allegation_status(ex):
    x = extract(ex, "A clerk surnamed Bai allegedly sold the phone numbers of 600 patients.")
    sales = events(x, "sale")
    assert sales and sales[0].status == "alleged"
    g = extractions_to_graph([x])
    assert any(g.triples((None, DT.claimStatus, DTC["claim-status/alleged"])))
    assert not any(g.triples((None, DT.claimStatus, DTC["claim-status/reported"])))


def test_plain_report_of_a_sale_is_reported(ex):
    x = extract(ex, "A clerk surnamed Bai sold the phone numbers of 600 patients.")
    assert events(x, "sale")[0].status == "reported"


def test_suspected_seller_is_alleged_not_a_fact(ex):
    x = extract(ex, "A man surnamed Yao is suspected of selling the home addresses of pilots.")
    sales = events(x, "sale")
    assert sales and sales[0].status != "reported"


def test_arrest_gives_arrested_status_and_an_arrest(ex):
    x = extract(ex, "Police arrested a man surnamed Qin for selling bank card numbers.")
    arrests = [e for e in events(x, "enforcement") if e.action == "arrest"]
    assert arrests and arrests[0].status == "arrested"
    g = extractions_to_graph([x])
    assert any(g.triples((None, RDF.type, DT.Arrest)))


@pytest.mark.parametrize("text", [
    "A man surnamed Qin was sentenced to two years in prison for selling the data.",
    "The Yubei District People's Court sentenced a man surnamed Qin to two years in prison.",
])
def test_sentence_gives_convicted_status(ex, text):
    x = extract(ex, text)
    convictions = [e for e in events(x, "enforcement") if e.action == "conviction"]
    assert convictions and convictions[0].status == "convicted"


# --- events and their parties -------------------------------------------------------------


def test_sale_event_links_seller_buyer_data_and_channel(ex):
    x = extract(ex, "A man surnamed Wang sold the ID numbers to a broker surnamed Fu on WeChat.")
    sale = events(x, "sale")[0]
    parts = set(sale.participants)
    assert ("seller", key_of(x, "Wang")) in parts
    assert ("buyer", key_of(x, "Fu")) in parts
    assert ("dataCategory", "c:data/national-id-number") in parts
    assert ("channel", "c:channel/wechat") in parts


def test_leak_event_links_source_holder_and_method(ex):
    x = extract(ex, "Hackers exploited a vulnerability to steal the passwords of users from a "
                    "gaming website.")
    leak = events(x, "leak")[0]
    roles = {r for r, _ in leak.participants}
    assert {"leakSource", "dataHolder", "leakMethod", "dataCategory"} <= roles


def test_sale_event_carries_its_record_count_and_price(ex):
    x = extract(ex, "A courier surnamed Ding sold 40,000 pieces of customer information for "
                    "12,000 yuan.")
    sale = events(x, "sale")[0]
    assert [c.value for c in sale.records] == [40000]
    assert [(m.amount, m.currency) for m in sale.money] == [(12000, "CNY")]


def test_count_of_suspects_is_no_record_count(ex):
    x = extract(ex, "Police arrested 14 suspects in three cities last week.")
    assert not [c for e in x.events for c in e.records]


def test_rupees_in_crore_and_lakh(ex):
    x = extract(ex, "The gang sold the card details for Rs 4 lakh and cheated victims of Rs 2 "
                    "crore.")
    amounts = {(m.amount, m.currency) for e in x.events for m in e.money}
    assert {(400000, "INR"), (20000000, "INR")} <= amounts


def test_negated_sale_gives_no_sale_event(ex):
    x = extract(ex, "Police said no data was sold.")
    assert not events(x, "sale")


def test_hypothetical_price_makes_no_sale(ex):
    x = extract(ex, "If criminals bought the records, they could pay as little as $2 each.")
    assert not events(x, "sale") and not events(x, "purchase")
    assert not [e for e in x.entities if "Buyer" in e.roles]


# --- evidence and graph -------------------------------------------------------------------


def test_event_evidence_is_the_sentence_at_its_offsets(ex):
    text = ("The clinic said it had informed patients.\n\nA nurse surnamed Fan sold the patient "
            "records to a marketing firm.")
    x = extract(ex, text)
    sale = events(x, "sale")[0]
    assert text[sale.evidence.start:sale.evidence.end] == sale.evidence.text
    assert sale.evidence.text.startswith("A nurse surnamed Fan")


def test_paragraph_break_ends_a_sentence(ex):
    text = "Data trade case\nA nurse surnamed Fan sold the patient records."
    x = extract(ex, text)
    sale = events(x, "sale")[0]
    assert "Data trade case" not in sale.evidence.text


def test_graph_types_roles_and_links_the_article(ex):
    x = extract(ex, "A man surnamed Wang sold the ID numbers to a broker surnamed Fu.")
    g = extractions_to_graph([x])
    wang = entity_iri(next(e for e in x.entities if e.label == "Wang"))
    assert (wang, RDF.type, DT.Seller) in g
    assert (wang, RDF.type, DT.Person) in g
    sale = next(g.subjects(RDF.type, DT.SaleEvent))
    assert (sale, DT.seller, wang) in g
    ev = next(g.objects(sale, DT.evidence))
    assert next(g.objects(ev, DT.startOffset)).toPython() == 0
    assert next(g.objects(ev, DT.sentence)).toPython() == x.article.text


def test_empty_article_gives_an_empty_extraction(ex):
    x = extract(ex, "")
    assert x.entities == () and x.events == ()


def test_article_with_no_trade_gives_no_roles(ex):
    x = extract(ex, "The city council approved a new bus lane on Tuesday after a long debate.")
    assert not [e for e in x.entities if e.roles]


def test_extract_many_equals_extract(ex):
    texts = ["A man surnamed Wang sold the ID numbers to a broker.",
             "Hackers stole 3,000 passwords from a shop."]
    arts = [article(t, published="2020-05-01") for t in texts]
    assert list(ex.extract_many(arts)) == [ex.extract(a) for a in arts]


# --- the fixture reports ------------------------------------------------------------------


def fixture_articles() -> list[Path]:
    return sorted(FIXTURES.glob("*.txt"))


def test_every_fixture_article_has_a_gold_file_naming_it():
    for path in fixture_articles():
        gold = yaml.safe_load((FIXTURES / "gold" / f"{path.stem}.yaml").read_text())
        assert gold["article"] == path.name


@pytest.mark.parametrize("path", fixture_articles(), ids=lambda p: p.stem)
def test_fixture_article_extracts_with_evidence_inside_the_text(ex, path):
    text = path.read_text(encoding="utf-8")
    x = ex.extract(article(text, published=None))
    assert x.entities
    for e in x.entities:
        for s in e.mentions:
            assert text[s.start:s.end] == s.text
    for ev in x.events:
        assert text[ev.evidence.start:ev.evidence.end] == ev.evidence.text


def test_estimate_under_could_keeps_its_count(ex):
    # the gold convention: "flaws could cause 5 billion leaks a year" is a recorded figure
    x = extract(ex, "Such flaws could cause 3 million pieces of personal information to leak "
                    "every year.")
    assert 3000000 in {c.value for e in x.events for c in e.records}


def test_sum_actually_paid_is_a_figure(ex):
    x = extract(ex, "A broker surnamed Yu paid £2 per record for the data, a researcher said.")
    assert (2, "GBP") in {(m.amount, m.currency) for e in x.events for m in e.money}


def test_a_legal_threshold_is_no_record_count_but_a_hypothetical_leak_is(ex):
    x = extract(ex, "Under the Criminal Law, illegally selling more than 5,000 pieces of personal "
                    "information can constitute a serious case. Experts warned the flaw could "
                    "expose 2 million customer records.")
    counts = [c.value for e in x.events for c in e.records]
    assert counts == [2_000_000]
