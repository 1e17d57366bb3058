"""What the report asserts, and only that: denied schemes, impersonated agencies, and
organisations named with a description."""

from __future__ import annotations

from texts import article

from kg.extract.pipeline import Extractor


def extract(extractor: Extractor, text: str):
    return extractor.extract(article(text))


def kinds(x, kind: str) -> set[str]:
    return {e.label for e in x.entities if e.kind == kind}


def test_a_denied_fraud_scheme_is_no_scheme(extractor):
    x = extract(
        extractor,
        "A clerk sold 4,000 customer records. Police found no evidence that "
        "the data had been used for telecom fraud.",
    )
    assert kinds(x, "fraud") == set()


def test_an_asserted_fraud_scheme_stays(extractor):
    x = extract(
        extractor, "A clerk sold 4,000 customer records, which a gang used for telecom fraud."
    )
    assert kinds(x, "fraud") == {"telecom fraud"}


def test_an_impersonated_agency_did_not_act(extractor):
    x = extract(
        extractor,
        "Callers pretending to be prosecutors told the victims to pay a "
        "deposit. Police in Eastham arrested four people.",
    )
    agencies = kinds(x, "agency")
    assert not any("prosecutor" in a.lower() for a in agencies)
    assert any("police" in a.lower() for a in agencies)


def test_a_named_shop_with_a_description_is_one_organisation(extractor):
    x = extract(
        extractor,
        "A manager of Quickcart, an online grocery store, stole the "
        "shop's customer database and sold it.",
    )
    orgs = [e for e in x.entities if e.kind == "org" and e.label == "Quickcart"]
    assert orgs and "online grocery store" in orgs[0].alt_labels


def test_sim_swap_fraud_is_a_scheme_of_its_own(extractor):
    x = extract(extractor, "The syndicate used the stolen ID numbers for SIM swap fraud.")
    assert "SIM swap fraud" in kinds(x, "fraud")
