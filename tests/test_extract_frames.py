"""Verb frames -> roles: who took, sold, bought, defrauded or arrested whom, with passives,
gerunds, relative clauses and pronouns; negated and hypothetical acts give no role."""

from __future__ import annotations

import pytest
from texts import article

from kg.extract.pipeline import Extractor
from kg.model import Extraction


def extract(ex: Extractor, text: str) -> Extraction:
    return ex.extract(article(text, published="2020-05-01"))


def roles(x: Extraction) -> dict[str, set[str]]:
    """Every entity label (and alt label) -> its roles."""
    out: dict[str, set[str]] = {}
    for e in x.entities:
        for name in (e.label, *e.alt_labels):
            out.setdefault(name, set()).update(e.roles)
    return out


def with_role(x: Extraction, role: str) -> set[str]:
    return {e.label for e in x.entities if role in e.roles}


# --- leaks --------------------------------------------------------------------------------


def test_active_theft_gives_leak_source(ex):
    x = extract(ex, "A man surnamed Wang stole the home addresses of 300 tenants.")
    assert "LeakSource" in roles(x)["Wang"]


def test_passive_agent_is_leak_source(ex):
    x = extract(ex, "The patient records were leaked by a nurse named Tang.")
    assert "LeakSource" in roles(x)["Tang"]


def test_passive_subject_without_agent_gives_no_leak_source(ex):
    x = extract(ex, "The patient records of a clinic were leaked last year.")
    assert not with_role(x, "LeakSource")


def test_theft_from_an_organisation_makes_it_the_data_holder(ex):
    x = extract(ex, "The gang stole the ID numbers of clients from a courier company.")
    assert "DataHolder" in roles(x)["courier company"]
    assert "LeakSource" in roles(x)["gang"]


def test_hacking_a_company_makes_it_the_data_holder(ex):
    x = extract(ex, "Hackers hacked a travel company and took its booking records.")
    assert "DataHolder" in roles(x)["travel company"]


def test_bank_mentioned_without_leak_is_no_data_holder(ex):
    x = extract(ex, "A man surnamed Zhao opened an account at a local bank in March.")
    assert not with_role(x, "DataHolder")


def test_bank_that_denies_a_leak_is_no_data_holder(ex):
    x = extract(ex, "The bank said no customer data had been leaked from its systems.")
    assert not with_role(x, "DataHolder")


def test_help_of_a_technician_makes_an_accomplice_leak_source(ex):
    x = extract(ex, "A man surnamed Cao stole the database with the help of a technician named "
                    "Pan.")
    assert "LeakSource" in roles(x)["Pan"]
    assert "Accomplice" in roles(x)["Pan"]


def test_staff_of_a_company_who_steal_are_insiders_and_the_company_holds_the_data(ex):
    x = extract(ex, "An employee at a logistics firm was arrested for stealing waybill records.")
    assert any("Insider" in r for name, r in roles(x).items() if name.startswith("employee"))
    assert "DataHolder" in roles(x)["logistics firm"]


# --- sales and purchases ------------------------------------------------------------------


def test_sale_to_a_named_buyer(ex):
    x = extract(ex, "A man surnamed Wang sold the phone numbers to a trader named Zhao.")
    assert "Seller" in roles(x)["Wang"]
    assert "Buyer" in roles(x)["Zhao"]
    assert "Buyer" not in roles(x)["Wang"]


def test_passive_sale_agent_is_seller(ex):
    x = extract(ex, "The home addresses were sold by a woman surnamed Hu to loan agents.")
    assert "Seller" in roles(x)["Hu"]


def test_reseller_in_relative_clause_is_buyer_and_seller(ex):
    x = extract(ex, "A clerk surnamed Wang sold the lists to a man identified as Zhao, who resold "
                    "them to fraud gangs.")
    assert {"Buyer", "Seller"} <= roles(x)["Zhao"]
    assert "Buyer" in roles(x)["fraud gangs"]


def test_purchase_from_a_seller(ex):
    x = extract(ex, "A broker surnamed Fang bought the ID numbers from a man surnamed Kong.")
    assert "Buyer" in roles(x)["Fang"]
    assert "Seller" in roles(x)["Kong"]


def test_paying_for_the_data_is_a_purchase(ex):
    x = extract(ex, "A salesman named Sun paid 3,000 yuan for the customer records.")
    assert "Buyer" in roles(x)["Sun"]


def test_selling_goods_is_no_data_sale(ex):
    x = extract(ex, "A man surnamed Wei sold second-hand cars to students.")
    assert "Seller" not in roles(x).get("Wei", set())


def test_conjoined_sellers_both_sell(ex):
    x = extract(ex, "A man surnamed Lin and a woman surnamed Tao sold the records to scammers.")
    assert "Seller" in roles(x)["Lin"]
    assert "Seller" in roles(x)["Tao"]


def test_group_that_sold_in_relative_clause_is_seller(ex):
    x = extract(ex, "Police broke up a syndicate that sold bank account details to scammers.")
    assert "Seller" in roles(x)["syndicate"]
    assert "Buyer" in roles(x)["scammers"]


# --- negation and hypotheticals -----------------------------------------------------------


def test_negated_sale_gives_no_seller(ex):
    x = extract(ex, "Police said no data was sold.")
    assert not with_role(x, "Seller")


def test_did_not_sell_gives_no_seller_or_buyer(ex):
    x = extract(ex, "A clerk surnamed Qian did not sell the records to the broker.")
    assert not with_role(x, "Seller")
    assert not with_role(x, "Buyer")


def test_never_leaked_gives_no_leak_source(ex):
    x = extract(ex, "A woman surnamed Gao never leaked the guest list, her lawyer said.")
    assert not with_role(x, "LeakSource")


def test_could_buy_gives_no_buyer(ex):
    x = extract(ex, "Fraudsters could buy such records for a few dollars each.")
    assert not with_role(x, "Buyer")


def test_if_clause_gives_no_leak_source(ex):
    x = extract(ex, "If hackers stole the passwords, the bank would have to warn its customers.")
    assert not with_role(x, "LeakSource")


def test_positive_sale_beside_negated_one(ex):
    x = extract(ex, "A man surnamed Ren sold the addresses, but he did not sell the ID numbers.")
    assert "Seller" in roles(x)["Ren"]


# --- suspicion, gerunds and pronouns ------------------------------------------------------


def test_gerund_under_suspicion_takes_object_as_subject(ex):
    x = extract(ex, "Police detained a man surnamed Wang on suspicion of selling the ID numbers of "
                    "students.")
    assert "Seller" in roles(x)["Wang"]
    assert not with_role(x, "Seller") - {"Wang"}


def test_gerund_after_arrested_for_takes_the_subject(ex):
    x = extract(ex, "A woman surnamed Luo was arrested for buying the phone numbers of new "
                    "mothers.")
    assert "Buyer" in roles(x)["Luo"]


def test_pronoun_he_resolves_to_last_person(ex):
    x = extract(ex, "A man surnamed Wang worked at a property agency. A month later he sold the "
                    "owners' phone numbers to a broker.")
    assert "Seller" in roles(x)["Wang"]


def test_pronoun_she_takes_the_nearest_person_not_the_first(ex):
    x = extract(ex, "A man surnamed Dai hired a clerk named Ma. She stole the client list.")
    assert "LeakSource" in roles(x)["Ma"]
    assert "LeakSource" not in roles(x)["Dai"]


# --- fraud and victims --------------------------------------------------------------------


def test_cheating_people_makes_them_victims_and_the_subject_fraudster(ex):
    x = extract(ex, "The gang cheated elderly residents out of their savings.")
    assert "Victim" in roles(x)["elderly residents"]
    assert "Fraudster" in roles(x)["gang"]


def test_losing_money_makes_a_victim(ex):
    x = extract(ex, "A retired teacher lost 20,000 yuan to the callers.")
    assert "Victim" in roles(x)["retired teacher"]


def test_customers_who_bought_goods_are_no_data_buyers(ex):
    x = extract(ex, "Customers bought shoes at the mall on Saturday.")
    assert not with_role(x, "Buyer")


# --- enforcement --------------------------------------------------------------------------


def test_police_arrest_gives_agency_and_target(ex):
    x = extract(ex, "Police in Jinhua arrested a man surnamed Song for stealing phone numbers.")
    agencies = [e for e in x.entities if e.kind == "agency"]
    assert agencies
    arrests = [ev for ev in x.events if ev.kind == "enforcement"]
    assert arrests and arrests[0].status == "arrested"
    assert any(role == "target" and key.startswith("person:") for ev in arrests
               for role, key in ev.participants)


# --- means, purpose and phrasal verbs -----------------------------------------------------


def test_means_clause_subject_is_the_user(ex):
    x = extract(ex, "Police said a clerk named Joshi used his login to copy the card numbers of "
                    "customers.")
    assert "LeakSource" in roles(x)["Joshi"]


def test_taking_records_from_a_system_is_a_leak(ex):
    x = extract(ex, "A technician surnamed Ren took customer records from the firm's billing "
                    "system without permission.")
    assert "LeakSource" in roles(x)["Ren"]


def test_taking_a_train_is_no_leak(ex):
    x = extract(ex, "A man surnamed Ren took the train from Hangzhou to Ningbo.")
    assert not with_role(x, "LeakSource")


def test_breaking_into_a_server_is_hacking_its_owner(ex):
    x = extract(ex, "The hacker broke into the clinic's server and downloaded passport numbers.")
    assert "LeakSource" in roles(x)["hacker"]
    assert with_role(x, "DataHolder")


# --- denials ------------------------------------------------------------------------------


def test_denied_breach_gives_no_leak(ex):
    x = extract(ex, "Northgate Bank denied that its customer database had been breached by "
                    "hackers.")
    assert not with_role(x, "DataHolder")
    assert not with_role(x, "LeakSource")


def test_no_evidence_that_an_employee_accessed_gives_no_leak_source(ex):
    x = extract(ex, "We have found no evidence that any employee accessed the records, the "
                    "company said.")
    assert not with_role(x, "LeakSource")


def test_nothing_to_suggest_a_sale_gives_no_seller(ex):
    x = extract(ex, "There is nothing to suggest that the information was sold online, police "
                    "said.")
    assert not with_role(x, "Seller")
    assert not [e for e in x.entities if e.concept == "channel/internet"]


# --- whose data it was --------------------------------------------------------------------


def test_people_whose_data_was_sold_are_victims(ex):
    x = extract(ex, "A man surnamed Hou sold the home addresses of 300 tenants to a debt "
                    "collector.")
    assert "Victim" in roles(x)["tenants"]
    assert "Victim" not in roles(x)["Hou"]


def test_thousands_of_customers_whose_data_was_sold_are_victims(ex):
    x = extract(ex, "A man surnamed Kang sold the phone numbers of thousands of bank customers.")
    assert "Victim" in roles(x)["bank customers"]


def test_staff_whose_login_was_stolen_are_no_victims(ex):
    x = extract(ex, "Hackers stole an employee's login credentials and the names of 2,000 "
                    "patients.")
    assert "Victim" in roles(x)["patients"]
    assert not any("Victim" in r for name, r in roles(x).items() if "employee" in name)


# --- lists of buyers, goods and losses ----------------------------------------------------


def test_listed_buyers_are_buyers(ex):
    x = extract(ex, "Buyers included property agents and loan sharks.")
    assert "Buyer" in roles(x)["property agents"]
    assert "Buyer" in roles(x)["loan sharks"]


def test_victims_called_buyers_make_no_buyer_of_what_the_callers_pretend_to_be(ex):
    x = extract(ex, "The fraudsters called buyers of online goods pretending to be customer "
                    "service staff.")
    assert not with_role(x, "Buyer")


def test_goods_sold_to_people_make_no_victims_without_a_scam(ex):
    x = extract(ex, "A man surnamed Wei sold second-hand cars to students.")
    assert not with_role(x, "Victim")


def test_overpriced_goods_sold_in_a_scam_make_victims(ex):
    x = extract(ex, "The shop sold overpriced health products to seniors.")
    assert "Victim" in roles(x)["seniors"]


@pytest.mark.parametrize("text,who", [
    ("A shop owner lost $3,000 in the scam.", "shop owner"),
    ("A pensioner lost Rs 2 lakh.", "pensioner"),
])
def test_losing_a_sum_in_any_currency_makes_a_victim(ex, text, who):
    assert "Victim" in roles(extract(ex, text))[who]


def test_losing_a_match_makes_no_victim(ex):
    x = extract(ex, "The local team lost the match on Sunday.")
    assert not with_role(x, "Victim")
