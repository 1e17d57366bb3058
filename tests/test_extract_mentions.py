"""Sentences and mentions: surnames, groups, role nouns, vocabulary concepts, coordinated
data categories, agencies, places and laws, each on a small hand-written sentence."""

from __future__ import annotations

from texts import article

from kg.extract import mentions as M
from kg.extract.pipeline import Extractor
from kg.model import Entity, Extraction, Mention


def extract(ex: Extractor, text: str) -> Extraction:
    return ex.extract(article(text, published="2020-05-01"))


def mentions(ex: Extractor, text: str) -> list[Mention]:
    """Actor, organisation and concept mentions of a text, as the mention stage gives them."""
    doc = ex.nlp(text)
    sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
    actors = M.actor_mentions(doc, sent_of)
    persons = {m.label for m in actors if m.kind == "person"}
    return (M.concept_mentions(doc, ex.matcher, sent_of) + actors
            + M.org_mentions(doc, sent_of, persons))


def labels(ms: list[Mention], kind: str) -> set[str]:
    return {m.label for m in ms if m.kind == kind}


def concepts(x: Extraction, kind: str) -> set[str]:
    return {e.concept for e in x.entities if e.kind == kind and e.concept}


def entity(x: Extraction, label: str) -> Entity:
    found = [e for e in x.entities if e.label == label or label in e.alt_labels]
    assert found, f"no entity {label!r} in {[e.label for e in x.entities]}"
    return found[0]


# --- people named by surname --------------------------------------------------------------


def test_surnamed_gives_a_person(ex):
    ms = mentions(ex, "A man surnamed Wang was detained in the city on Friday.")
    assert "Wang" in labels(ms, "person")


def test_identified_as_gives_a_person(ex):
    ms = mentions(ex, "The suspect, identified as Zhao, ran a small printing shop.")
    assert "Zhao" in labels(ms, "person")


def test_surname_list_gives_each_person_and_the_others(ex):
    ms = mentions(ex, "Li, Zhang and three others were arrested last week.")
    assert {"Li", "Zhang"} <= labels(ms, "person")
    assert any(m.label.endswith("others") for m in ms if m.kind == "people")


def test_every_later_bare_surname_is_the_same_person(ex):
    text = "A woman surnamed Deng worked at a clinic. Deng copied the files at night."
    ms = [m for m in mentions(ex, text) if m.kind == "person" and m.label == "Deng"]
    assert len(ms) == 2


def test_capitalised_sentence_opener_is_no_surname(ex):
    ms = mentions(ex, "Police said the suspect, named as Guo, had fled. According to police, he "
                      "was caught.")
    assert "According" not in labels(ms, "person")
    assert "Guo" in labels(ms, "person")


def test_full_name_from_ner_is_a_person(ex):
    ms = mentions(ex, "Investigators said Rajesh Kumar had copied the customer list before he "
                      "resigned.")
    assert "Rajesh Kumar" in labels(ms, "person")


# --- groups and role nouns ----------------------------------------------------------------


def test_group_mentions(ex):
    ms = mentions(ex, "Police broke up a syndicate in the port city. Five fraud gangs bought the "
                      "lists.")
    groups = labels(ms, "group")
    assert "syndicate" in groups
    assert any("gangs" in g for g in groups)


def test_gang_of_people_is_a_group(ex):
    ms = mentions(ex, "A gang of 12 people stole identity card numbers from a courier company.")
    assert any(m.label.startswith("gang") for m in ms if m.kind == "group")


def test_role_noun_employee_at_an_organisation_is_people(ex):
    ms = mentions(ex, "An employee at a shopping platform copied the orders.")
    people = [m for m in ms if m.kind == "people"]
    assert any(m.label.startswith("employee") for m in people)
    assert any("employee at a shopping platform" in m.alt_labels for m in people)


def test_hacker_noun_implies_leak_source_hacker(ex):
    ms = mentions(ex, "Hackers broke into the server and took the records.")
    hackers = [m for m in ms if m.kind == "people" and m.label.lower() == "hackers"]
    assert hackers and set(hackers[0].roles) == {"LeakSource", "Hacker"}


def test_seller_noun_alone_implies_no_role(ex):
    ms = mentions(ex, "Vendors gathered at the market on Sunday.")
    assert all(not m.roles for m in ms if m.label.lower() == "vendors")


def test_unscrupulous_merchants_are_leak_sources_but_merchants_are_not(ex):
    bad = mentions(ex, "Unscrupulous merchants handed over the order lists.")
    plain = mentions(ex, "Merchants handed over the order lists.")
    assert any("LeakSource" in m.roles for m in bad if "merchants" in m.label.lower())
    assert not any(m.roles for m in plain if "merchants" in m.label.lower())


# --- vocabulary concepts ------------------------------------------------------------------


def test_data_category_synonyms_map_to_one_concept(ex):
    x = extract(ex, "The clerk sold mobile numbers and later sold phone numbers to a broker.")
    phone = [e for e in x.entities if e.concept == "data/telephone-number"]
    assert len(phone) == 1


def test_coordinated_categories_are_three(ex):
    x = extract(ex, "The gang stole transport, medical and banking information from a travel "
                    "agency.")
    assert {"data/transport", "data/medical", "data/financial"} <= concepts(x, "data")


def test_coordinated_nouns_are_each_a_category(ex):
    x = extract(ex, "He sold the names, phone numbers and home addresses of the tenants.")
    assert {"data/name", "data/telephone-number", "data/address"} <= concepts(x, "data")


def test_banking_in_a_data_list_is_no_sector(ex):
    x = extract(ex, "The gang stole transport, medical and banking information from a travel "
                    "agency.")
    assert not [e for e in x.entities if e.kind == "sector"]


def test_channel_from_vocabulary(ex):
    x = extract(ex, "The data was sold in WeChat groups and on Telegram.")
    assert {"channel/wechat", "channel/telegram"} <= concepts(x, "channel")


def test_online_is_a_channel_where_data_was_sold(ex):
    x = extract(ex, "The suspects sold the addresses online.")
    assert "channel/internet" in concepts(x, "channel")


def test_online_shopping_is_no_channel(ex):
    x = extract(ex, "Online shopping grew by a fifth last year, the ministry said.")
    assert "channel/internet" not in concepts(x, "channel")


def test_loophole_exploited_to_take_data_is_a_method(ex):
    x = extract(ex, "The hacker exploited a loophole in the booking website to steal the guest "
                    "list.")
    assert concepts(x, "method")


def test_loophole_in_a_tax_rule_is_no_method(ex):
    x = extract(ex, "Critics say a loophole in the tax rules lets landlords avoid stamp duty.")
    assert not concepts(x, "method")


def test_fraud_scheme_from_vocabulary(ex):
    x = extract(ex, "The buyers used the lists for telecom fraud.")
    assert "fraud/telecom-fraud" in concepts(x, "fraud")


# --- organisations, agencies, places, laws ------------------------------------------------


def test_named_public_security_bureau_is_an_agency_and_gives_its_place(ex):
    ms = mentions(ex, "The Jinhua Public Security Bureau said the case was closed.")
    assert "Jinhua Public Security Bureau" in labels(ms, "agency")
    assert "Jinhua" in labels(ms, "place")


def test_city_police_is_an_agency(ex):
    ms = mentions(ex, "Delhi Police arrested two men on Monday.")
    assert any("Police" in a for a in labels(ms, "agency"))


def test_bank_name_is_no_agency(ex):
    ms = mentions(ex, "Harbour Savings Bank said its systems were secure.")
    assert not any("Bank" in a for a in labels(ms, "agency"))


def test_places_from_ner(ex):
    ms = mentions(ex, "The calls came from Fujian and Guangxi, police in Hangzhou said.")
    assert {"Fujian", "Guangxi", "Hangzhou"} <= labels(ms, "place")


def test_law_with_year(ex):
    ms = mentions(ex, "He admitted two offences under the Data Protection Act 2018.")
    assert any(x.startswith("Data Protection Act") for x in labels(ms, "law"))


def test_article_of_the_criminal_law(ex):
    ms = mentions(ex, "The court cited Article 253 of the Criminal Law.")
    assert any("Criminal Law" in x for x in labels(ms, "law"))


def test_law_enforcement_is_no_law(ex):
    ms = mentions(ex, "Law Enforcement Officers from three towns attended the meeting.")
    assert not labels(ms, "law")


def test_domain_name_is_a_website(ex):
    ms = mentions(ex, "The lists were taken from shopmart.com last spring.")
    assert "shopmart.com" in labels(ms, "website")


def test_chinese_city_that_ner_calls_a_nationality_is_a_place(ex):
    ms = mentions(ex, "Police in Jinhua arrested a man surnamed Liang.")
    assert "Jinhua" in labels(ms, "place")


def test_name_ner_takes_for_a_person_is_a_place_when_something_is_in_it(ex):
    ms = mentions(ex, "Police are looking for a woman who rented a flat in Rotterdam. She is said "
                      "to come from Rotterdam.")
    assert "Rotterdam" not in labels(ms, "person")
    assert "Rotterdam" in labels(ms, "place")


def test_full_name_parts_are_the_person_later(ex):
    ms = mentions(ex, "Investigators said Rohan Mehta copied the files. Mehta later sold them.")
    assert [m.label for m in ms if m.kind == "person"] == ["Rohan Mehta", "Mehta"]


def test_section_numbers_are_no_laws(ex):
    ms = mentions(ex, "The case is being investigated under Section 4 of the Computer Crimes Act "
                      "1997 and Section 420 of the Penal Code.")
    laws = labels(ms, "law")
    assert any(x.startswith("Computer Crimes Act") for x in laws)
    assert "Penal Code" in laws
    assert not any(x.startswith("Section") for x in laws)


def test_investigation_department_is_an_agency(ex):
    ms = mentions(ex, "The Commercial Crime Investigation Department said the gang was dismantled.")
    assert "Commercial Crime Investigation Department" in labels(ms, "agency")


def test_cybercriminal_group_is_a_hacker_group(ex):
    ms = mentions(ex, "A cybercriminal group posted the files on a forum.")
    assert any({"LeakSource", "Hacker"} <= set(m.roles) for m in ms if m.kind == "group")


def test_employer_is_no_data_category(ex):
    x = extract(ex, "His employer dismissed him after a colleague raised concerns.")
    assert not concepts(x, "data")


def test_unsolicited_calls_are_marketing(ex):
    x = extract(ex, "Customers then received unsolicited calls urging them to make injury claims.")
    assert "fraud/marketing" in concepts(x, "fraud")


def test_telecom_fraudsters_name_telecom_fraud(ex):
    x = extract(ex, "The lists were bought by telecom fraudsters.")
    assert "fraud/telecom-fraud" in concepts(x, "fraud")


def test_ic_numbers_are_id_numbers(ex):
    x = extract(ex, "The gang sold the IC numbers of 5,000 users.")
    assert "data/national-id-number" in concepts(x, "data")


def test_channel_in_a_denied_clause_is_dropped(ex):
    denied = extract(ex, "Police found no evidence that the records were sold on the dark web.")
    fact = extract(ex, "A man surnamed Bo sold the records on the dark web for $5 each.")
    assert "channel/dark-web" not in concepts(denied, "channel")
    assert "channel/dark-web" in concepts(fact, "channel")


def test_method_explained_in_the_modal_is_still_a_method(ex):
    x = extract(ex, "Phishing websites can steal the passwords of millions of users every year.")
    assert "method/phishing" in concepts(x, "method")


def test_person_whose_flat_things_are_in_stays_a_person(ex):
    ms = mentions(ex, "Investigators said Maria Lopez sold the lists. Police found two laptops in "
                      "Lopez's flat.")
    assert "Maria Lopez" in labels(ms, "person")
    assert "Lopez" not in labels(ms, "place")


def test_the_dateline_place_is_a_place_with_its_line_as_evidence(ex, tmp_path):
    from kg.read import read_article

    f = tmp_path / "dateline.txt"
    f.write_text("Clerk held for selling customer data\n\nVarnholm, March 3, 2021\n\n"
                 "Police arrested a bank clerk who sold the phone numbers of 4,000 customers "
                 "to a call centre, officers said on Tuesday.\n", encoding="utf-8")
    art = read_article(f)
    assert (art.dateline, art.outlet, art.published) == ("Varnholm", None, "2021-03-03")
    places = [e for e in ex.extract(art).entities if e.kind == "place"]
    assert [(p.label, p.mentions[0].text) for p in places] == [
        ("Varnholm", "Varnholm, March 3, 2021")]


def test_names_listed_with_a_place_are_places_even_when_ner_says_person(ex):
    ms = mentions(ex, "The gang cheated more than 300 people across Telangana, Andhra Pradesh "
                      "and Karnataka. Police in Delhi said Zhang Wei and Li Na sold the data.")
    assert {"Andhra Pradesh", "Karnataka"} <= labels(ms, "place")
    assert {"Zhang Wei", "Li Na"} <= labels(ms, "person")


def test_a_town_ner_calls_an_organisation_is_a_place_by_how_the_text_uses_it(ex):
    ms = mentions(ex, "A Brackenford man sold the records. Another clerk worked at a phone shop "
                      "in Daegu. Raids followed in the states of Wessery and Ondavia.")
    assert {"Brackenford", "Daegu", "Wessery", "Ondavia"} <= labels(ms, "place")


def test_an_agency_named_by_its_rank_gives_no_place(ex):
    ms = mentions(ex, "Brazil's Federal Police and the Supreme People's Court acted.")
    assert not {"Federal", "Supreme"} & labels(ms, "place")


def test_someone_from_a_town_ner_calls_a_person_makes_it_a_place(ex):
    ms = mentions(ex, "A retired teacher from Varnholm lost money to a caller.")
    assert "Varnholm" in labels(ms, "place") and "Varnholm" not in labels(ms, "person")
