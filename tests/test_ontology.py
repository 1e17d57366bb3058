"""The ontology: it parses, defines every term the code writes, aligns with PROV-O, schema.org,
SKOS and DPV, holds no individual of a contract class, and its generated files are current."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import namespace as rdf_ns
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg.graph import extractions_to_graph
from kg.model import Article, Count, Entity, Event, Extraction, Money, Span, TimeExpr
from kg.namespaces import (
    CLAIM_STATUSES,
    CLASSES,
    DPV,
    DPV_PD,
    DT,
    DTC,
    MONEY_ROLES,
    PROPERTIES,
    SCHEMA,
)
from kg.ontology import (
    DEFINITIONS_FILE,
    DOCS_FILE,
    load_model,
    load_shapes,
    stale_files,
)
from kg.ontology.docs import SH, curie
from kg.ontology.schemes import load_definitions, schemes_graph
from kg.settings import DEFAULT, PROJECT_DIR
from kg.validate import validate_graph
from kg.vocab import Concept, Scheme, schemes

ONTOLOGY_DIR = DEFAULT.ontology_dir
COMPETENCY_DIR = PROJECT_DIR.parent / "shared" / "contract" / "competency"
CONTRACT_CLASSES = CLASSES[:14]  # kg/namespaces.py lists the contract's names first
DT_DEFINED_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

# DPV 2.0 personal-data categories (w3c/dpv 2.0/pd/pd.csv): `match` targets must be among them.
DPV_PD_TERMS = frozenset("""
Accent AccountIdentifier Acquantaince Age AgeExact AgeRange ApartmentOwned Association Attitude
Authenticating AuthenticationHistory BankAccount Behavioral Biometric BirthDate BirthPlace
BloodType BrowserFingerprint BrowserHistory BrowsingBehavior BrowsingReferral CallLog CarOwned
Character Citizenship City Communication CommunicationsMetadata Connection Contact Country
CountryOfBirth Credit CreditCapacity CreditCardNumber CreditRecord CreditScore CreditStanding
CreditWorthiness Criminal CriminalCharge CriminalConviction CriminalOffense CriminalPardon
CurrentEmployment DNACode Demeanor Demographic DeviceApplications DeviceBased
DeviceOperatingSystem DeviceSoftware Dialect DigitalFingerprint Disability DisciplinaryAction
Dislike Divorce Domicile DrugTestResult Education EducationExperience EducationQualification
EmailAddress EmailAddressPersonal EmailAddressWork EmailContent EmploymentHistory EthnicOrigin
Ethnicity External FacialPrint Family FamilyHealthHistory FamilyStructure Favorite FavoriteColor
FavoriteFood FavoriteMusic Fetish Financial FinancialAccount FinancialAccountNumber
FinancialStatus Fingerprint Friend GPSCoordinate Gender GeneralReputation Genetic Geographic
GroupMembership GroupProfile HairColor Health HealthHistory HealthRecord Height Historical
HouseNumber HouseOwned Household IPAddress Identifier Identifying Income IncomeBracket
IndividualHealthHistory IndividualProfile Insurance Intention Interaction Interest Internal Job
KnowledgeBelief Language LifeHistory Like LinkClicked LoanRecord Locality Location MACAddress
MaritalStatus Marriage MedicalHealth MentalHealth Name Nationality OfficialID Offspring Opinion
Ownership PINCode Parent Passport Password PastEmployment PaymentCard PaymentCardExpiry
PaymentCardNumber PerformanceAtWork PersonalDocuments PersonalPossession Personality
PhilosophicalBelief PhysicalAddress PhysicalCharacteristic PhysicalHealth PhysicalTrait Picture
Piercing PlaceOfBirth PoliticalAffiliation PoliticalOpinion PostalCode Preference Prescription
PrivacyPreference Proclivity Professional ProfessionalCertification ProfessionalEvaluation
ProfessionalInterview Profile PublicLife PubliclyAvailableSocialMedia Purchase
PurchasesAndSpendingHabit Race Reference Region Relationship Reliability Religion
ReligiousBelief Residency Retina RoomNumber Salary Sale School SecretText
ServiceConsumptionBehavior Sexual SexualHistory SexualPreference Sibling SkinTone Social
SocialMedia SocialMediaCommunication SocialNetwork SocialStatus Street TVViewingBehavior Tattoo
Tax TelephoneNumber Thought Tracking TradeUnionMembership Transaction Transactional
TravelHistory UID UserAgent Username VehicalLicenseNumber VehicalLicenseRegistration Vehicle
VehicleLicense VehicleUsage VoiceCommunicationRecording VoiceMail Weight WorkEnvironment
WorkHistory
""".split())
DPV_CORE_TERMS = frozenset({"PersonalData", "SpecialCategoryPersonalData"})


@pytest.fixture(scope="module")
def model() -> Graph:
    return load_model()


def _defined(g: Graph) -> set[URIRef]:
    return {s for k in DT_DEFINED_KINDS for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}


def _dt_terms_in(g: Graph) -> set[URIRef]:
    return {t for triple in g for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(DT))}


# --- parsing and definitions ------------------------------------------------------------

def test_every_ontology_file_parses_on_its_own():
    files = sorted(ONTOLOGY_DIR.rglob("*.ttl"))
    assert {f.name for f in files} >= {"datatrade.ttl", "schemes.ttl", "shapes.ttl"}
    for f in files:
        assert len(Graph().parse(f, format="turtle")) > 0, f


def test_every_class_and_property_the_code_writes_is_defined(model):
    for name in CLASSES:
        assert (DT[name], RDF.type, OWL.Class) in model, f"dt:{name} is not an owl:Class"
    for name in PROPERTIES:
        kinds = set(model.objects(DT[name], RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, f"dt:{name} is not a property"


def test_every_dt_term_has_a_label_and_a_one_sentence_definition(model):
    for term in sorted(_defined(model) & _dt_terms_in(model)):
        labels = [o for o in model.objects(term, RDFS.label) if isinstance(o, Literal)]
        definitions = [str(o) for o in model.objects(term, SKOS.definition)]
        assert len(labels) == 1, f"{curie(term)}: {len(labels)} rdfs:label"
        assert len(definitions) == 1, f"{curie(term)}: {len(definitions)} skos:definition"
        d = definitions[0]
        assert d[0].isupper() and d.endswith("."), f"{curie(term)}: not a sentence: {d!r}"
        assert not re.search(r"[.!?] [A-Z]", d), f"{curie(term)}: more than one sentence: {d!r}"


def test_no_dt_term_is_used_in_the_ontology_without_being_defined(model):
    shapes = load_shapes()
    used = _dt_terms_in(model) | _dt_terms_in(shapes)
    assert used - _defined(model) == set()


def _resolves(model: Graph, node: object) -> bool:
    """A named class or datatype we define or that exists in the vocabulary we reuse."""
    if isinstance(node, BNode):
        members = model.value(node, OWL.unionOf)
        return members is not None and all(_resolves(model, m) for m in Collection(model, members))
    s = str(node)
    if s.startswith(str(DT)):
        return node in _defined(model)
    for ns in (PROV, rdf_ns.SDO, SKOS, rdf_ns.XSD):
        if s.startswith(str(ns)):
            return node in ns
    if s.startswith(str(DPV)):
        return s[len(str(DPV)):] in DPV_CORE_TERMS | {"DataController", "DataSubject"}
    return node in (RDFS.Literal, OWL.Thing)


def test_domains_ranges_and_superterms_resolve(model):
    for p in (RDFS.domain, RDFS.range, RDFS.subClassOf, RDFS.subPropertyOf, SCHEMA.domainIncludes,
              RDFS.seeAlso):
        for s, o in model.subject_objects(p):
            if isinstance(s, URIRef) and str(s).startswith(str(DT)):
                if p == RDFS.seeAlso and str(o).startswith("http://www.w3.org/2006/time#"):
                    continue  # OWL-Time is pointed to, not reused
                assert _resolves(model, o), f"{curie(s)} {curie(p)} {curie(o)} does not resolve"


def test_properties_declared_in_shapes_exist_in_the_ontology(model):
    shapes = load_shapes()
    for path in shapes.objects(None, SH.path):
        if str(path).startswith(str(DT)):
            assert path in _defined(model), curie(path)


# --- structure and alignment ------------------------------------------------------------

@pytest.mark.parametrize("sub, sup", [
    (DT.Insider, DT.LeakSource), (DT.Hacker, DT.LeakSource), (DT.Accomplice, DT.LeakSource),
    (DT.Broker, DT.Seller), (DT.Broker, DT.Buyer),
    (DT.Person, DT.Agent), (DT.Organisation, DT.Agent), (DT.CriminalGroup, DT.Agent),
    (DT.LawEnforcementAgency, DT.Organisation), (DT.Agent, PROV.Agent),
    (DT.Person, SCHEMA.Person), (DT.Organisation, SCHEMA.Organization),
    (DT.SaleEvent, DT.Event), (DT.PurchaseEvent, DT.Event), (DT.LeakEvent, DT.Event),
    (DT.FraudOperation, DT.Event), (DT.Arrest, DT.EnforcementAction), (DT.Campaign, DT.Event),
    (DT.Case, DT.Event), (DT.Event, PROV.Activity), (DT.MonetaryAmount, SCHEMA.MonetaryAmount),
    (DT.Evidence, PROV.Entity), (DT.DataBatch, PROV.Entity), (DT.Location, SCHEMA.Place),
    (DT.Law, SCHEMA.Legislation), (DT.PersonalDataCategory, SKOS.Concept),
    (DT.LeakMethod, SKOS.Concept), (DT.Channel, SKOS.Concept), (DT.FraudScheme, SKOS.Concept),
    (DT.Sector, SKOS.Concept), (DT.ConceptScheme, SKOS.ConceptScheme),
])
def test_class_hierarchy_reuses_public_vocabularies(model, sub, sup):
    assert sup in set(model.transitive_objects(sub, RDFS.subClassOf))


def test_evidence_quotes_its_article_in_prov_terms(model):
    assert (DT.inArticle, RDFS.subPropertyOf, PROV.wasQuotedFrom) in model
    assert (DT.location, RDFS.subPropertyOf, PROV.atLocation) in model


# --- the contract and its queries -------------------------------------------------------

def test_no_ontology_node_is_an_individual_of_a_contract_class():
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.rglob("*.ttl")):
        g.parse(f, format="turtle")
    for name in CONTRACT_CLASSES + ("Agent", "Sector", "Fraudster", "Accomplice", "Broker"):
        rows = list(g.query(
            "SELECT ?x WHERE { ?x a/rdfs:subClassOf* ?c }", initBindings={"c": DT[name]},
            initNs={"rdfs": RDFS}))
        assert rows == [], f"the ontology holds individuals of dt:{name}: {rows[:3]}"
        assert (None, OWL.NamedIndividual, None) not in g


@pytest.mark.skipif(not COMPETENCY_DIR.is_dir(), reason="shared/contract/competency not present")
def test_ontology_alone_answers_no_competency_question():
    g = Graph()
    for f in sorted(ONTOLOGY_DIR.rglob("*.ttl")):  # as the contract's scorer loads it
        g.parse(f, format="turtle")
    queries = sorted(COMPETENCY_DIR.glob("*.rq"))
    assert len(queries) >= 14
    for q in queries:
        assert list(g.query(q.read_text(encoding="utf-8"))) == [], q.name


# --- schemes ------------------------------------------------------------------------------

def test_every_vocabulary_concept_is_a_plain_skos_concept_of_its_scheme(model):
    for scheme in schemes():
        assert (DTC[scheme.name], DT.conceptClass, DT[scheme.cls]) in model
        for c in scheme.concepts:
            node = DTC[c.key]
            assert set(model.objects(node, RDF.type)) == {SKOS.Concept}, c.key
            assert (node, SKOS.inScheme, DTC[scheme.name]) in model
            assert (node, SKOS.prefLabel, Literal(c.label, lang="en")) in model
            if c.broader:
                assert (node, SKOS.broader, DTC[f"{scheme.name}/{c.broader}"]) in model
                assert (DTC[f"{scheme.name}/{c.broader}"], SKOS.narrower, node) in model


def test_synonyms_become_alt_labels_but_never_repeat_the_pref_label(model):
    for scheme in schemes():
        for c in scheme.concepts:
            alts = {str(a) for a in model.objects(DTC[c.key], SKOS.altLabel)}
            assert alts == set(c.synonyms) - {c.label}, c.key


def test_every_vocabulary_concept_has_a_definition_and_no_definition_is_orphaned(model):
    missing = [c.key for s in schemes() for c in s.concepts
               if (DTC[c.key], SKOS.definition, None) not in model]
    assert missing == [], f"add definitions to {DEFINITIONS_FILE}: {missing}"
    keys = {c.key for s in schemes() for c in s.concepts}
    defs = load_definitions(DEFINITIONS_FILE)
    orphans = [f"{s}/{i}" for s, d in defs.items() for i in d if f"{s}/{i}" not in keys]
    assert orphans == [], f"definitions for concepts no vocabulary has: {orphans}"


def test_personal_data_categories_map_to_terms_dpv_really_has(model):
    mapped = 0
    for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for s, o in model.subject_objects(p):
            s_, o_ = str(s), str(o)
            if o_.startswith(str(DPV_PD)):
                assert o_[len(str(DPV_PD)):] in DPV_PD_TERMS, f"{curie(s)} -> unknown {curie(o)}"
            else:
                assert o_.startswith(str(DPV)) and o_[len(str(DPV)):] in DPV_CORE_TERMS, o_
            mapped += s_.startswith(str(DTC["data/"]))
    assert mapped >= 20
    assert (DTC["data/telephone-number"], SKOS.exactMatch, DPV_PD.TelephoneNumber) in model


def test_a_match_to_an_unknown_vocabulary_is_a_clear_error():
    from kg.errors import InputError

    bad = Scheme("data", "PersonalDataCategory", "t", (
        Concept("data", "x", "x", ("x",), match=(("exact", "foaf:name"),)),))
    with pytest.raises(InputError, match="foaf:name"):
        schemes_graph((bad,))


def test_closed_schemes_hold_every_money_role_and_claim_status_the_code_writes(model):
    shapes = load_shapes()
    for scheme, cls, ids in (("money-role", DT.MoneyRole, MONEY_ROLES),
                             ("claim-status", DT.ClaimStatus, CLAIM_STATUSES)):
        expected = {DTC[f"{scheme}/{i.replace('_', '-')}"] for i in ids}
        in_scheme = set(model.subjects(SKOS.inScheme, DTC[scheme]))
        assert in_scheme == expected
        for node in expected:
            assert (node, RDF.type, cls) in model and (node, SKOS.definition, None) in model
        for lst in shapes.objects(None, SH["in"]):
            members = set(Collection(shapes, lst))
            if members & expected:
                assert members == expected, f"shapes.ttl sh:in out of step with {scheme}"


# --- generated files ----------------------------------------------------------------------

def test_committed_schemes_and_docs_are_what_the_generator_makes():
    assert stale_files() == [], "run: python -m kg.ontology"


def test_python_m_kg_ontology_check_passes_when_current():
    done = subprocess.run([sys.executable, "-m", "kg.ontology", "--check"],
                          capture_output=True, text=True, cwd=PROJECT_DIR, timeout=60)
    assert done.returncode == 0, done.stderr


def test_docs_show_every_class_property_concept_and_the_chain_diagram(model):
    docs = (ONTOLOGY_DIR / DOCS_FILE).read_text(encoding="utf-8")
    for term in _defined(model) & _dt_terms_in(model):
        assert f"`{curie(term)}`" in docs, curie(term)
    for s in schemes():
        for c in s.concepts:
            assert f"`dtc:{c.key}`" in docs, c.key
    assert "```mermaid\nflowchart LR" in docs
    assert "TradeEvent -->|\"seller\"| Seller" in docs
    assert "exact `pd:TelephoneNumber`" in docs


# --- the graph writer's output against the ontology and shapes ------------------------------

TEXT = ("Vance, a clerk at Northwind Bank, copied 12,000 phone numbers and names of clients. "
        "He sold them in QQ groups to Hale for 0.2 yuan per record, earning 2,400 yuan. "
        "Hale used them for telecom fraud that cost seniors 90,000 yuan in 2019. "
        "In May 2020 the Eastport police detained Vance under the Criminal Law.")


def _span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase)


def _sentence(phrase: str) -> Span:
    i = TEXT.index(phrase)
    start = TEXT.rfind(". ", 0, i)
    start = 0 if start < 0 else start + 2
    end = TEXT.index(".", i) + 1
    return Span(start, end, TEXT[start:end])


def hand_extraction() -> Extraction:
    """An invented article through every path of the graph writer, with real vocabulary ids."""
    art = Article(text=TEXT, path="/corpus/invented.txt", title="Clerk sold client data",
                  sha256=hashlib.sha256(TEXT.encode()).hexdigest(), outlet="Example Post",
                  byline="A. Writer", published="2020-06-01", language="en")
    aid = art.id
    ents = (
        Entity("vance", "person", "Vance", roles=("Insider", "Seller"), mentions=(_span("Vance"),),
               article=aid, merge_notes=("same name in two sentences",)),
        Entity("hale", "person", "Hale", roles=("Broker", "Fraudster"), mentions=(_span("Hale"),),
               article=aid),
        Entity("ring", "group", "Hale's ring", roles=("Accomplice",), article=aid,
               mentions=(_span("Hale"),)),
        Entity("bank", "org", "Northwind Bank", alt_labels=("Northwind",), roles=("DataHolder",),
               mentions=(_span("Northwind Bank"),)),
        Entity("banking", "sector", "bank", roles=("DataHolder",), concept="sector/banking",
               mentions=(_span("Bank"),)),
        Entity("site", "website", "northwind.example", roles=("DataHolder", "Hacker")),
        Entity("phone", "data", "phone numbers", concept="data/telephone-number",
               mentions=(_span("phone numbers"),)),
        Entity("name", "data", "names", concept="data/name", mentions=(_span("names"),)),
        Entity("insider", "method", "copied", concept="method/insider-access",
               mentions=(_span("copied"),)),
        Entity("qq", "channel", "QQ groups", concept="channel/qq", mentions=(_span("QQ groups"),)),
        Entity("fraud", "fraud", "telecom fraud", concept="fraud/telecom-fraud",
               mentions=(_span("telecom fraud"),)),
        Entity("seniors", "people", "seniors", roles=("Victim",), mentions=(_span("seniors"),)),
        Entity("police", "agency", "Eastport police", mentions=(_span("Eastport police"),)),
        Entity("eastport", "place", "Eastport", mentions=(_span("Eastport"),)),
        Entity("law", "law", "Criminal Law", mentions=(_span("Criminal Law"),)),
    )
    events = (
        Event("leak", _sentence("copied"), status="reported",
              participants=(("leakSource", "vance"), ("dataHolder", "bank"),
                            ("dataHolder", "banking"), ("leakMethod", "insider"),
                            ("dataCategory", "phone"), ("dataCategory", "name")),
              records=(Count(12000, "records", qualifier="about", upper=15000),)),
        Event("sale", _sentence("He sold"), status="alleged",
              participants=(("seller", "vance"), ("buyer", "hale"), ("channel", "qq"),
                            ("dataCategory", "phone")),
              money=(Money(0.2, "CNY", "unit_price", per="record"), Money(2400, "CNY", "profit"))),
        Event("purchase", _sentence("He sold"), participants=(("buyer", "hale"),)),
        Event("fraud", _sentence("telecom fraud"), status="suspected",
              participants=(("fraudster", "hale"), ("fraudScheme", "fraud"),
                            ("victim", "seniors"), ("target", "seniors")),
              money=(Money(90000, "CNY", "loss", qualifier="more than"),),
              people=(Count(30, "people"),), time=TimeExpr("in 2019", "2019", "2019")),
        Event("enforcement", _sentence("detained"), action="detention", status="detained",
              participants=(("agency", "police"), ("location", "eastport"), ("law", "law"),
                            ("participant", "vance")),
              time=TimeExpr("In May 2020", "2020-05")),
        Event("case", _sentence("detained"), status="charged", participants=(("agency", "police"),),
              money=(Money(92400, "CNY", "case_value"),)),
        Event("batch", _sentence("copied"), records=(Count(12000, "records"),),
              participants=(("dataCategory", "phone"),)),
        Event("trade", _sentence("He sold"), participants=(("seller", "vance"),)),
    )
    return Extraction(art, ents, events)


@pytest.fixture(scope="module")
def hand_graph() -> Graph:
    return extractions_to_graph([hand_extraction()])


def test_graph_writer_uses_only_terms_the_ontology_defines(model, hand_graph):
    assert _dt_terms_in(hand_graph) - _defined(model) == set()


def test_graph_writer_output_conforms_to_the_shapes_without_violations(hand_graph):
    report = validate_graph(hand_graph)
    assert report.conforms, "\n".join(report.lines())
    assert report.violations == ()


@pytest.mark.skipif(not COMPETENCY_DIR.is_dir(), reason="shared/contract/competency not present")
@pytest.mark.parametrize("query, node", [
    ("leak_sources", "person/"), ("sellers", "person/"), ("buyers", "person/"),
    ("leak_sources", "group/"), ("data_holders", "sector/banking"), ("data_holders", "org/bank"),
    ("data_categories", "data/telephone-number"), ("channels", "channel/qq"),
    ("fraud_schemes", "fraud/telecom-fraud"), ("victims", "people/"),
    ("agencies", "agency/police"), ("locations", "place/eastport"), ("laws", "law/law"),
    ("leak_methods", "method/insider-access"),
])
def test_competency_queries_find_the_writer_output_through_the_class_hierarchy(
        hand_graph, query, node):
    g = Graph()
    g += hand_graph
    for f in sorted(ONTOLOGY_DIR.rglob("*.ttl")):
        g.parse(f, format="turtle")
    rows = list(g.query((COMPETENCY_DIR / f"{query}.rq").read_text(encoding="utf-8")))
    assert any(node in str(r[0]) for r in rows), (query, sorted({str(r[0]) for r in rows}))


@pytest.mark.skipif(not COMPETENCY_DIR.is_dir(), reason="shared/contract/competency not present")
def test_a_broker_counts_once_as_seller_and_once_as_buyer(hand_graph):
    g = Graph()
    g += hand_graph
    g += load_model()
    for q in ("sellers", "buyers"):
        rows = g.query((COMPETENCY_DIR / f"{q}.rq").read_text(encoding="utf-8"))
        assert "Hale" in {str(r[1]) for r in rows}, q

