"""Namespaces, and every ``dt:`` term the code writes (the ontology must define each)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

DT = Namespace("https://w3id.org/datatrade-kg/ontology#")
DTC = Namespace("https://w3id.org/datatrade-kg/concept/")  # SKOS concepts of our schemes
DTI = Namespace("https://w3id.org/datatrade-kg/id/")  # instance data
SCHEMA = Namespace("https://schema.org/")
DPV_PD = Namespace("https://w3id.org/dpv/pd#")
DPV = Namespace("https://w3id.org/dpv#")

PREFIXES = {
    "dt": DT,
    "dtc": DTC,
    "dti": DTI,
    "schema": SCHEMA,
    "prov": PROV,
    "skos": SKOS,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
    "pd": DPV_PD,
}

# Classes the extractor and graph writer use.
CLASSES = (
    # contract
    "LeakSource",
    "Insider",
    "Hacker",
    "DataHolder",
    "LeakMethod",
    "Seller",
    "Buyer",
    "PersonalDataCategory",
    "Channel",
    "FraudScheme",
    "Victim",
    "LawEnforcementAgency",
    "Location",
    "Law",
    # agents and roles
    "Agent",
    "Person",
    "Organisation",
    "CriminalGroup",
    "Sector",
    "Website",
    "Accomplice",
    "Broker",
    "Fraudster",
    # events
    "Event",
    "LeakEvent",
    "TradeEvent",
    "SaleEvent",
    "PurchaseEvent",
    "FraudOperation",
    "EnforcementAction",
    "Arrest",
    "Detention",
    "Prosecution",
    "Conviction",
    "Campaign",
    "Case",
    "DataBatch",
    # figures, time, provenance, status
    "MonetaryAmount",
    "MoneyRole",
    "TimeSpec",
    "Evidence",
    "ClaimStatus",
    "LegalStatusAssertion",
    "ExtractionRun",
    "ConceptScheme",
)

PROPERTIES = (
    # contract figures
    "recordCount",
    "amount",
    "currency",
    # participants
    "participant",
    "leakSource",
    "dataHolder",
    "leakMethod",
    "seller",
    "buyer",
    "channel",
    "dataCategory",
    "fraudScheme",
    "victim",
    "agency",
    "target",
    "location",
    "law",
    "fraudster",
    # figures and money
    "money",
    "moneyRole",
    "perUnit",
    "qualifier",
    "personCount",
    "upperBound",
    # time
    "time",
    "timeText",
    "startDate",
    "endDate",
    # status and provenance
    "claimStatus",
    "legalStatus",
    "statusOf",
    "statusDate",
    "evidence",
    "sentence",
    "startOffset",
    "endOffset",
    "inArticle",
    "sourcePath",
    "sha256",
    "textEncoding",
    "mergeNote",
    "extractorVersion",
    "concept",
    # agent relations
    "employedBy",
    "memberOf",
    "affiliatedWith",
    "sector",
)

# Individuals (SKOS concepts) of the small closed schemes the code writes.
MONEY_ROLES = ("price", "unit_price", "fee", "profit", "proceeds", "loss", "case_value", "amount")
CLAIM_STATUSES = (
    "reported",
    "alleged",
    "suspected",
    "detained",
    "arrested",
    "charged",
    "convicted",
    "acquitted",
)
