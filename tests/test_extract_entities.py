"""Mentions -> entities: one entity per actor within an article (with the reason for every
merge), people kept apart across articles, agencies, places and concepts merged across them."""

from __future__ import annotations

from rdflib import RDF
from texts import article

from kg.extract.pipeline import Extractor
from kg.graph import entity_iri, extractions_to_graph
from kg.model import Entity, Extraction
from kg.namespaces import DT


def extract(ex: Extractor, text: str) -> Extraction:
    return ex.extract(article(text, published="2020-05-01"))


def named(x: Extraction, name: str) -> list[Entity]:
    return [e for e in x.entities if e.label == name or name in e.alt_labels]


def test_short_surname_merges_with_the_full_name(ex):
    x = extract(ex, "Investigators said Rohan Mehta copied the customer files. Mehta later sold "
                    "the files to a loan agent.")
    ents = named(x, "Rohan Mehta")
    assert len(ents) == 1
    assert "Mehta" in ents[0].alt_labels or ents[0].label == "Mehta"
    assert ents[0].merge_notes
    assert {"LeakSource", "Seller"} <= set(ents[0].roles)


def test_two_people_sharing_a_surname_with_two_full_names_stay_apart(ex):
    x = extract(ex, "Anil Gupta and Sunita Gupta sold the card numbers to a broker.")
    assert len([e for e in x.entities if e.kind == "person"]) == 2


def test_agency_generic_refers_to_named(ex):
    x = extract(ex, "The Jinhua Public Security Bureau arrested a man surnamed Kong on Monday. "
                    "Police said Kong had sold the addresses of 2,000 car owners.")
    agencies = [e for e in x.entities if e.kind == "agency"]
    assert len(agencies) == 1
    assert agencies[0].label == "Jinhua Public Security Bureau"
    assert any("refers to" in n for n in agencies[0].merge_notes)


def test_generic_agency_with_nothing_named_stays_itself(ex):
    x = extract(ex, "Police arrested a man surnamed Kong for selling phone numbers.")
    agencies = [e for e in x.entities if e.kind == "agency"]
    assert [a.label.lower() for a in agencies] == ["police"]


def test_definite_group_refers_back_to_the_group_named_before(ex):
    x = extract(ex, "Police broke up a syndicate that stole bank account details from a lender. "
                    "The gang sold the details to scammers.")
    groups = [e for e in x.entities if e.kind == "group"]
    assert len(groups) == 1
    assert {"LeakSource", "Seller"} <= set(groups[0].roles)


def test_the_company_refers_back_to_the_named_company(ex):
    x = extract(ex, "Hackers stole the records of Lakeview Dental Clinic. The company said it had "
                    "informed its patients.")
    assert not [e for e in x.entities if e.label.lower() == "company"]


def test_place_with_and_without_its_suffix_is_one_place(ex):
    x = extract(ex, "Police in Zhejiang Province said the buyers lived in Zhejiang and Anhui.")
    zhejiang = [e for e in x.entities if e.kind == "place" and "Zhejiang" in e.label]
    assert len(zhejiang) == 1


def test_concept_synonyms_are_one_entity(ex):
    x = extract(ex, "He sold mobile numbers in May and more phone numbers in June to a broker.")
    phones = [e for e in x.entities if e.concept == "data/telephone-number"]
    assert len(phones) == 1
    assert {"mobile numbers", "phone numbers"} <= {phones[0].label, *phones[0].alt_labels}


def test_people_are_scoped_to_their_article_agencies_are_not(ex):
    one = extract(ex, "Police in Jinhua arrested a man surnamed Liang for selling ID numbers.")
    two = extract(ex, "A woman surnamed Liang lost 5,000 yuan to scammers, police in Jinhua said.")
    liang1, liang2 = named(one, "Liang")[0], named(two, "Liang")[0]
    assert liang1.article != liang2.article
    assert entity_iri(liang1) != entity_iri(liang2)
    g = extractions_to_graph([one, two])
    assert (entity_iri(liang1), RDF.type, DT.Seller) in g
    assert (entity_iri(liang2), RDF.type, DT.Seller) not in g
    jinhua = {entity_iri(e) for x in (one, two) for e in x.entities if e.label == "Jinhua"}
    assert len(jinhua) == 1


def test_entities_carry_the_sentences_that_mention_them(ex):
    text = ("A man surnamed Wang sold the phone numbers to a trader surnamed Fu.\n\n"
            "The buyer later resold them.")
    x = extract(ex, text)
    wang = named(x, "Wang")[0]
    assert wang.mentions and all(text[s.start:s.end] == s.text for s in wang.mentions)
    assert all("Wang" in s.text for s in wang.mentions)


def test_extraction_is_deterministic(ex):
    text = ("A gang of hackers stole the addresses of 8,000 customers from an online shop and sold "
            "them on Telegram to a broker surnamed Yan.")
    assert extract(ex, text) == extract(ex, text)


def test_workplace_of_a_leak_source_holds_the_data_and_he_is_an_insider(ex):
    x = extract(ex, "A man identified as Arjun Mehra, who worked at a call centre in Pune, copied "
                    "the card numbers of 5,000 customers.")
    assert {"LeakSource", "Insider"} <= set(named(x, "Arjun Mehra")[0].roles)
    assert "DataHolder" in named(x, "call centre")[0].roles
    insider = [e for e in x.entities if e.concept == "method/insider-access"]
    assert insider and insider[0].merge_notes


def test_workplace_of_someone_who_took_nothing_holds_no_data(ex):
    x = extract(ex, "A man surnamed Zhao worked at a bank for ten years before he retired.")
    assert not [e for e in x.entities if e.roles]
    assert not [e for e in x.entities if e.concept == "method/insider-access"]
