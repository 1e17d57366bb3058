"""Rules that name the parties of a trade: buyers known only by a noun phrase, titles before
names, names NER calls organisations, agencies named two ways, victims named as such."""

from __future__ import annotations

from texts import article

from kg.extract.pipeline import Extractor


def extract(extractor: Extractor, text: str):
    return extractor.extract(article(text, published="2021-03-01"))


def with_role(x, role: str) -> set[str]:
    return {e.label for e in x.entities if role in e.roles}


def test_buyers_listed_after_to_are_parties_even_without_an_actor_noun(extractor):
    x = extract(
        extractor,
        "A clerk surnamed Gao resold the customer data to photography studios, "
        "wedding planners and language schools for 2 yuan per record.",
    )
    buyers = with_role(x, "Buyer")
    assert {"photography studios", "wedding planners", "language schools"} <= buyers


def test_to_the_time_is_no_buyer(extractor):
    x = extract(
        extractor,
        "From March 2019 to the time he was caught, a man surnamed Wu sold "
        "more than 500 pieces of personal information.",
    )
    assert "time" not in {b.lower() for b in with_role(x, "Buyer")}
    assert "Wu" in with_role(x, "Seller")


def test_a_title_before_a_name_is_the_named_person(extractor):
    x = extract(
        extractor,
        "The suspect Pan bought 3,000 items of personal data online. "
        "Police said the suspect Pan used them to cheat pensioners.",
    )
    buyers = with_role(x, "Buyer")
    assert buyers == {"Pan"}


def test_a_name_ner_calls_an_organisation_is_a_person_when_its_surname_recurs(extractor):
    x = extract(
        extractor,
        "The data was sold to Arvind Kulkarni, a resident of Pune. "
        "Kulkarni then passed it on to a gang of fraudsters, police said.",
    )
    people = {e.label for e in x.entities if e.kind == "person"}
    assert "Arvind Kulkarni" in people


def test_agency_named_with_and_without_a_word_more_is_one_agency(extractor):
    x = extract(
        extractor,
        "Officers of the Riverton Metropolitan Police arrested two brokers. "
        "The Riverton Metropolitan Police Agency said the brokers sold "
        "customer records.",
    )
    agencies = [e for e in x.entities if e.kind == "agency"]
    assert len(agencies) == 1, [a.label for a in agencies]


def test_two_different_agencies_stay_apart(extractor):
    x = extract(
        extractor,
        "The Riverton Police Department and the Riverton Prosecutors Office "
        "charged a broker who sold customer records.",
    )
    agencies = {e.label for e in x.entities if e.kind == "agency"}
    assert len(agencies) == 2, agencies


def test_victims_are_named_as_such(extractor):
    x = extract(
        extractor,
        "More than 200 victims lost money after a gang bought their phone numbers from a courier.",
    )
    assert any("victims" in v for v in with_role(x, "Victim"))


def test_customers_mentioned_without_harm_are_no_victims(extractor):
    x = extract(extractor, "The bank said its customers can change their passwords online.")
    assert with_role(x, "Victim") == set()


def test_stolen_data_handed_on_without_a_named_seller_was_sold_by_the_thief(extractor):
    x = extract(extractor, "A technician surnamed Luo stole 80,000 customer records from a "
                           "clinic. Most of the stolen records were passed to insurance agents.")
    assert "Luo" in with_role(x, "Seller")
    assert "insurance agents" in with_role(x, "Buyer")


def test_data_handed_on_with_its_seller_named_keeps_that_seller(extractor):
    x = extract(extractor, "A technician surnamed Luo stole 80,000 customer records. A broker "
                           "surnamed Fang sold the stolen records to insurance agents.")
    assert with_role(x, "Seller") == {"Fang"}


def test_the_owner_of_a_raided_system_held_the_data(extractor):
    x = extract(extractor, "A clerk surnamed Qin used her access to the clinic's registration "
                           "system to steal the records of 9,000 patients.")
    holders = {e.label for e in x.entities if "DataHolder" in e.roles}
    assert any("clinic" in h for h in holders), holders


def test_servers_of_named_shops_make_them_data_holders(extractor):
    x = extract(extractor, "Hackers stole order data by breaking into the servers of "
                           "Brightmart Inc and Cobalt Books Ltd.")
    holders = {e.label for e in x.entities if "DataHolder" in e.roles}
    assert {"Brightmart Inc", "Cobalt Books Ltd"} <= holders, holders


def test_a_system_mentioned_without_a_leak_makes_no_data_holder(extractor):
    x = extract(extractor, "The bank upgraded the servers of its branches last year.")
    assert not any("DataHolder" in e.roles for e in x.entities)


def test_a_quote_is_said_by_the_person_a_title_names(extractor):
    x = extract(extractor, '"I sold the phone numbers of 2,000 customers online," an arrestee '
                           "surnamed Tan was quoted as saying.")
    assert "Tan" in with_role(x, "Seller")
    assert not any(e.label == "arrestee" for e in x.entities)


def test_every_name_in_a_list_of_arrested_people_is_a_target(extractor):
    x = extract(extractor, "Someone sold customer data through QQ, police learned in May. "
                           "Zhao, Qian and two other people were arrested.")
    targets = set()
    for ev in x.events:
        targets |= {k for role, k in ev.participants if role == "target"}
    labels = {e.label for e in x.entities if e.key in targets}
    assert {"Zhao", "Qian"} <= labels, labels
