"""The extractor: runs the stages over one Article and returns an Extraction.

mentions -> role facts (verb frames) -> entities (merged mentions) -> events with figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.extract import mentions as M
from kg.extract.entities import EntityTable
from kg.extract.frames import (
    ORG_NOUNS,
    VAGUE_ACTORS,
    MentionIndex,
    RoleFact,
    in_hedged_clause,
    resolve,
    role_facts,
    subject_of,
)
from kg.extract.nlp import concept_matcher, load_nlp, text_of, tokens_of
from kg.model import Article, Count, Event, Extraction, Mention, Money, Span, TimeExpr
from kg.namespaces import CLAIM_STATUSES
from kg.settings import DEFAULT, Settings
from kg.vocab import lexicon, schemes

# Role facts -> the contract classes the actor takes on.
ROLE_CLASSES = {
    "LeakSource": ("LeakSource",),
    "Hacker": ("LeakSource", "Hacker"),
    "Insider": ("LeakSource", "Insider"),
    "Accomplice": ("LeakSource", "Accomplice"),
    "Seller": ("Seller",),
    "Buyer": ("Buyer",),
    "Victim": ("Victim",),
    "Fraudster": ("Fraudster",),
    "DataHolder": ("DataHolder",),
}
# Event participant property per role.
ROLE_PROPERTY = {
    "LeakSource": "leakSource",
    "Hacker": "leakSource",
    "Insider": "leakSource",
    "Accomplice": "leakSource",
    "Seller": "seller",
    "Buyer": "buyer",
    "Victim": "victim",
    "Fraudster": "fraudster",
    "DataHolder": "dataHolder",
    "Agency": "agency",
    "Target": "target",
}
KIND_PROPERTY = {
    "data": "dataCategory",
    "method": "leakMethod",
    "channel": "channel",
    "fraud": "fraudScheme",
    "place": "location",
    "law": "law",
}
SUSPECT_CONTEXT = {
    "leak",
    "steal",
    "sell",
    "copy",
    "download",
    "suspect",
    "among",
    "include",
    "arrest",
    "capture",
    "detain",
    "seize",
    "nab",
    "criminal",
    "them",
}


class Extractor:
    """Holds the loaded NLP pipeline and vocabularies; extract() is pure per article."""

    def __init__(self, settings: Settings = DEFAULT) -> None:
        self.settings = settings
        self.nlp = load_nlp(settings.spacy_model)
        self.matcher = concept_matcher(settings.spacy_model)
        self.synonyms = {
            syn.lower(): c.key
            for s in schemes()
            for c in s.concepts
            for syn in (c.label, *c.synonyms)
        }

    def extract(self, article: Article) -> Extraction:
        text = article.text[: self.settings.max_article_chars]
        return self._from_doc(article, self.nlp(text))

    def extract_many(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extract a stream of articles with spaCy's batching (the fast path for corpora)."""
        limit = self.settings.max_article_chars
        pairs = ((a.text[:limit], a) for a in articles)
        for doc, art in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.settings.batch_size):
            yield self._from_doc(art, doc)

    # -- stages ---------------------------------------------------------------------------
    def _from_doc(self, article: Article, doc: Doc) -> Extraction:
        sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
        mentions = _asserted(doc, self._mentions(doc, sent_of))
        mentions += _dateline_place(doc, article, mentions, sent_of)
        facts = role_facts(doc, mentions, sent_of)
        known = {(m.span.start, m.span.end, m.kind) for m in mentions}
        for f in facts:  # parties the frames found that the mention finder did not know
            if (f.mention.span.start, f.mention.span.end, f.mention.kind) not in known:
                known.add((f.mention.span.start, f.mention.span.end, f.mention.kind))
                mentions.append(
                    Mention(
                        span=f.mention.span,
                        kind=f.mention.kind,
                        label=f.mention.label,
                        sentence=f.sentence,
                        head=f.mention.head,
                        concept=f.mention.concept,
                    )
                )
        table = EntityTable(article.id)
        table.add_all(mentions)
        # one index for the later rules: they resolve actors and organisations, which the
        # insider-method mentions added below do not change
        idx = MentionIndex(doc, mentions)
        facts += _employment_facts(doc, idx, table, facts, sent_of)
        mentions += _insider_methods(facts, table)
        facts += _method_owner_facts(doc, idx, mentions)
        facts += _arrested_sellers(doc, mentions, facts)
        facts += _sellers_of_stolen_data(doc, facts)
        facts += _owners_of_raided_systems(doc, idx, facts)
        keep: set[str] = set()
        facts = [
            f for f in facts if f.role == "Target" or f.mention.label.lower() not in VAGUE_ACTORS
        ]
        for f in facts:
            key = table.of(f.mention)
            if key is None:
                continue
            for cls in ROLE_CLASSES.get(f.role, ()):
                table.add_role(key, cls)
            keep.add(key)
        for m in mentions:
            key = table.of(m)
            if key is None:
                continue
            if (
                m.kind
                in {
                    "data",
                    "method",
                    "channel",
                    "fraud",
                    "agency",
                    "place",
                    "law",
                    "person",
                    "website",
                }
                or m.roles
            ):
                keep.add(key)
            if m.roles:
                for r in m.roles:
                    table.add_role(key, r)
        events = _events(doc, article, mentions, facts, table)
        for ev in events:
            keep.update(k for _, k in ev.participants)
        entities = tuple(_with_sentence_evidence(doc, e) for e in table.entities(keep))
        return Extraction(article=article, entities=entities, events=tuple(events))

    def _mentions(self, doc: Doc, sent_of: dict[int, int]) -> list[Mention]:
        concepts = _vulnerabilities_of_hacking(M.concept_mentions(doc, self.matcher, sent_of))
        coordinated = _coordinated_data(doc, sent_of, self.synonyms, concepts)
        spans = {(m.span.start, m.span.end) for m in coordinated}
        # "banking" in "banking and other information" is data, not the banking sector
        concepts = [m for m in concepts if (m.span.start, m.span.end) not in spans] + coordinated
        taken = {t.i for m in concepts for t in _tokens(doc, m)}
        concepts += M.ad_hoc_data_mentions(doc, sent_of, taken)
        actors = M.actor_mentions(doc, sent_of)
        persons = {m.label for m in actors if m.kind == "person"}
        orgs = M.org_mentions(doc, sent_of, persons)
        org_tokens = {t.i for m in orgs for t in _tokens(doc, m)}
        concept_tokens = {t.i for m in concepts if m.kind in {"sector"} for t in _tokens(doc, m)}
        actors = [a for a in actors if a.kind == "person" or a.head not in org_tokens]
        generic = _generic_org_mentions(doc, sent_of, org_tokens | concept_tokens)
        # A person name that NER also called an organisation is a person.
        orgs = [o for o in orgs if not (o.kind == "org" and o.label in persons)]
        return concepts + actors + orgs + generic


def _dateline_place(doc: Doc, article: Article, mentions: list[Mention],
                    sent_of: dict[int, int]) -> list[Mention]:
    """The place of the dateline the text opens with ('Hyderabad, March 3, 2021'): the reader
    recognised it, and NER seldom tags a name standing alone without context."""
    place = article.dateline
    if not place or not text_of(doc).startswith(place):
        return []
    if any(m.span.start < len(place) for m in mentions):
        return []  # something was already found there
    sp = doc.char_span(0, len(place), alignment_mode="expand")
    if sp is None:
        return []
    return [Mention(span=Span(0, len(place), place), kind="place", label=M.clean_label(place),
                    sentence=sent_of[sp.root.i], head=sp.root.i)]




def _vulnerabilities_of_hacking(mentions: list[Mention]) -> list[Mention]:
    """Hackers 'taking advantage of vulnerabilities' is one method: hacking."""
    hacking_sents = {m.sentence for m in mentions if m.concept == "method/hacking"}
    out = []
    for m in mentions:
        if (
            m.kind == "method"
            and m.sentence in hacking_sents
            and m.span.text.lower() in M.VULNERABILITY_WORDS
        ):
            m = Mention(
                span=m.span,
                kind=m.kind,
                label=m.label,
                concept="method/hacking",
                sentence=m.sentence,
                head=m.head,
            )
        out.append(m)
    return out


def _with_sentence_evidence(doc: Doc, entity):
    """An entity's evidence is the sentence each mention stands in, not the bare name."""
    from dataclasses import replace

    memo = doc.user_data.setdefault("kg_sentence_evidence", {})
    spans = []
    for s in entity.mentions:
        key = (s.start, s.end)
        if key not in memo:
            sp = doc.char_span(s.start, s.end, alignment_mode="expand")
            memo[key] = None if sp is None else _stripped(sp.sent)
        if memo[key] is not None:
            spans.append(memo[key])
    return replace(entity, mentions=tuple(dict.fromkeys(spans)))


def _stripped(sent) -> Span:
    """A sentence as evidence: its text without surrounding blanks, and where that starts."""
    raw = text_of(sent.doc)[sent.start_char:sent.end_char]
    text = raw.strip()
    start = sent.start_char + (len(raw) - len(raw.lstrip()))
    return Span(start, start + len(text), text)


def _tokens(doc: Doc, m: Mention) -> list[Token]:
    sp = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
    return list(sp) if sp is not None else []


def _coordinated_data(
    doc: Doc, sent_of: dict[int, int], synonyms: dict[str, str], found: list[Mention]
) -> list[Mention]:
    """'transport, medical and banking information' is three categories."""
    out = []
    have = {(m.span.start, m.span.end) for m in found if m.kind == "data"}
    for tok in tokens_of(doc):
        if tok.lower_ not in M.DATA_HEADS:
            continue
        mods = [c for c in tok.lefts if c.dep_ in {"amod", "compound", "nmod"}]
        words = []
        for mod in mods:
            words.append(mod)
            words.extend(c for c in mod.subtree if c.dep_ == "conj")
        if tok.dep_ == "conj":  # "involves transport, logistics, medical and other information"
            first = tok
            while first.dep_ == "conj":
                first = first.head
            words.extend(
                t for t in first.subtree if t.i < tok.i and (t.i == first.i or t.dep_ == "conj")
            )
        for w in words:
            key = synonyms.get(f"{w.lower_} {tok.lower_}")
            if key and key.startswith("data/") and (w.idx, w.idx + len(w)) not in have:
                out.append(
                    Mention(
                        span=Span(w.idx, w.idx + len(w), w.text),
                        kind="data",
                        label=f"{w.text} {tok.text}",
                        concept=key,
                        sentence=sent_of[w.i],
                        head=w.i,
                    )
                )
    return out


def _generic_org_mentions(doc: Doc, sent_of: dict[int, int], taken: set[int]) -> list[Mention]:
    """'a shopping platform', 'the company': organisations named only by what they are."""
    out = []
    for tok in tokens_of(doc):
        if tok.lower_ not in ORG_NOUNS or tok.i in taken or tok.pos_ != "NOUN":
            continue
        if tok.dep_ == "compound":
            continue
        start, end = M._np_bounds(tok)
        # the head itself stays even when it is a possessive: "a dental clinic's server"
        words = [
            t for t in doc[start:end] if t.dep_ not in {"det", "poss", "nummod"} or t.i == tok.i
        ]
        if not words:
            continue
        label = M.clean_label(" ".join(t.text for t in words))
        head = tok.head
        if (
            tok.dep_ == "appos"
            and head.pos_ == "PROPN"
            and head.ent_type_ not in {"PERSON", "GPE", "LOC"}
        ):
            # "Yihaodian, a major online grocery store": the name is the organisation, whatever
            # NER made of it, and the description another name of it
            first = min(
                [c.i for c in head.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [head.i]
            )
            name = doc[first : head.i + 1]
            out.append(
                Mention(
                    span=Span(name.start_char, name.end_char, name.text),
                    kind="org",
                    label=M.clean_label(name.text),
                    sentence=sent_of[head.i],
                    head=head.i,
                    alt_labels=(label,),
                )
            )
            continue
        out.append(
            Mention(
                span=Span(doc[start].idx, tok.idx + len(tok), doc[start:end].text),
                kind="org",
                label=label,
                sentence=sent_of[tok.i],
                head=tok.i,
            )
        )
    return out


def _asserted(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """'If hackers stole ...': a role a noun implies holds only where its clause is asserted;
    'nothing suggests it was sold online': a channel or method denied is no channel or method.
    (A method that 'can cause' leaks is still one: reports explain methods in the modal.)"""
    out = []
    for m in mentions:
        if (
            m.head >= 0
            and m.kind in {"channel", "method", "fraud"}
            and in_hedged_clause(doc[m.head], hypothetical=False)
        ):
            continue
        if m.head >= 0 and m.kind == "agency" and _impersonated(doc[m.head]):
            continue  # "callers pretending to be prosecutors": no prosecutor acted
        if m.head >= 0 and m.roles and in_hedged_clause(doc[m.head]):
            m = replace(m, roles=())
        out.append(m)
    return out


IMPERSONATION_VERBS = {
    "pretend",
    "pose",
    "claim",
    "impersonate",
    "masquerade",
    "purport",
    "disguise",
    "guise",
    "act",
}


def _impersonated(tok: Token) -> bool:
    """Whether a name stands in an impersonation: 'posing as police', 'claiming to be from X'."""
    for anc in list(tok.ancestors)[:5]:
        if anc.pos_ in {"VERB", "AUX"}:
            return anc.lemma_.lower() in IMPERSONATION_VERBS or (
                anc.lemma_.lower() == "be" and anc.head.lemma_.lower() in IMPERSONATION_VERBS
            )
    return False


def _employment_facts(
    doc: Doc,
    idx: MentionIndex,
    table: EntityTable,
    facts: list[RoleFact],
    sent_of: dict[int, int],
) -> list[RoleFact]:
    """Staff of an organisation or sector who are suspects are insiders; their employer held
    the data ('staff in banking', 'the former director of operations for X'); so does the
    workplace of a leak source ('X, who worked at a call centre, copied ...')."""
    actor_keys = {table.of(f.mention) for f in facts if f.role == "LeakSource"}
    staff_words = set(lexicon()["actor_nouns"]["staff"]) | {"insider", "insiders"}
    out: list[RoleFact] = []
    holders = {"org", "website", "sector"}
    for tok in tokens_of(doc):
        works = tok.pos_ == "VERB" and tok.lemma_.lower() in {"work", "employ"}
        if not works and (tok.lower_ not in staff_words or tok.pos_ not in {"NOUN", "PROPN"}):
            continue
        employers: list[Mention] = []
        for p in _workplaces(tok):
            employers += resolve(idx, p, holders)
            for c in p.subtree:  # "an employee of a branch of a courier company"
                employers += [
                    m for m in resolve(idx, c, {"sector", "website", "org"}) if m not in employers
                ]
        if not employers:
            continue
        if works:  # "X worked at Y", "X, who was employed by Y"
            subj = subject_of(tok)
            who = resolve(idx, subj, {"person", "people"}) if subj is not None else []
            if not any(table.of(w) in actor_keys for w in who):
                continue
        else:
            who = resolve(idx, tok.head, {"person"}) if tok.dep_ == "appos" else []
            who = who or resolve(idx, tok, {"person", "people"})
            lemmas = {t.lemma_.lower() for t in tok.sent}
            if not who or not (
                lemmas & SUSPECT_CONTEXT
                or any(
                    table.of(w) in actor_keys
                    or {"LeakSource", "Seller"} & set(table.roles_of(table.of(w) or ""))
                    for w in who
                )
            ):
                continue
        for w in who:
            out.append(RoleFact(w, "Insider", "leak", tok.i, sent_of[tok.i]))
        for e in employers:
            out.append(RoleFact(e, "DataHolder", "leak", tok.i, sent_of[tok.i]))
    return out


def _insider_methods(facts: list[RoleFact], table: EntityTable) -> list[Mention]:
    """Staff who took their employer's data out used insider access, whether or not the
    report names the method."""
    out = []
    for f in facts:
        if f.role == "Insider" and f.frame == "leak":
            m = Mention(
                span=f.mention.span,
                kind="method",
                label="insider access",
                concept="method/insider-access",
                sentence=f.sentence,
                head=f.mention.head,
            )
            table.add_concept(m, f"'{f.mention.label}' is staff who took the data out")
            out.append(m)
    return out


def _workplaces(tok: Token) -> list[Token]:
    """Where a worker works: 'clerk at Y', 'worked at Y', 'worked as an adviser at Y',
    'employed by Y'."""
    out = []
    for prep in tok.children:
        if prep.dep_ not in {"prep", "agent"}:
            continue
        for p in prep.children:
            if p.dep_ != "pobj":
                continue
            if prep.lower_ in {"in", "at", "from", "of", "for", "with", "by"}:
                out.append(p)
            elif prep.lower_ == "as":  # "worked as an adviser at Y"
                out += _workplaces(p)
    return out


def _method_owner_facts(doc: Doc, idx: MentionIndex, mentions: list[Mention]) -> list[RoleFact]:
    """Whose weakness let the data out: 'operators' vulnerabilities', 'websites have holes'."""
    facts = []
    for m in mentions:
        if m.kind != "method":
            continue
        head = doc[m.head]
        owners: list[Mention] = []
        for c in head.children:
            if c.dep_ == "poss":
                owners += resolve(idx, c, {"org", "website", "sector"})
        if head.dep_ == "dobj" and head.head.lemma_ in {"have", "contain", "expose"}:
            for s in head.head.children:
                if s.dep_ == "nsubj":
                    owners += resolve(idx, s, {"org", "website", "sector"})
        for o in owners:
            facts.append(RoleFact(o, "DataHolder", "leak", m.head, m.sentence))
    return facts


VAGUE_HOLDERS = {
    "businesses",
    "companies",
    "firms",
    "organisations",
    "organizations",
    "business",
    "company",
    "firm",
    "organisation",
    "organization",
    "institutions",
}
SYSTEM_NOUNS = {
    "system",
    "systems",
    "database",
    "databases",
    "server",
    "servers",
    "network",
    "networks",
    "software",
    "computer",
    "computers",
    "platform",
    "portal",
    "records",
    "files",
    "app",
    "accounts",
    "website",
    "websites",
}


def _owners_of_raided_systems(doc: Doc, idx: MentionIndex, facts: list[RoleFact]) -> list[RoleFact]:
    """In a sentence that reports a leak, the organisation whose system, database, servers or
    computers it names held the data: 'the hospital's registration system', 'the servers of
    online shopping malls', 'planted Trojans on the computers of several shops'."""
    leak_sents = {f.sentence: f for f in facts if f.frame == "leak" and f.role == "LeakSource"}
    if not leak_sents:
        return []
    out = []
    for si, sent in enumerate(doc.sents):
        fact = leak_sents.get(si)
        if fact is None:
            continue
        for tok in sent:
            if tok.lower_ not in SYSTEM_NOUNS:
                continue
            owners = [c for c in tok.children if c.dep_ == "poss"]
            owners += [
                p
                for c in tok.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for p in c.children
                if p.dep_ == "pobj"
            ]
            for o in owners:
                for m in resolve(idx, o, {"org", "website", "sector"}):
                    if m.label.lower() in VAGUE_HOLDERS:
                        continue  # "the system of some businesses" names nobody in particular
                    out.append(RoleFact(m, "DataHolder", "leak", fact.trigger, si, fact.status))
    return out


STOLEN_DATA_WORDS = {"steal", "stolen", "leak", "leaked", "obtain", "obtained", "hack", "hacked"}


def _sellers_of_stolen_data(doc: Doc, facts: list[RoleFact]) -> list[RoleFact]:
    """'Most of the stolen information was passed to X': a hand-over of the data an earlier
    sentence had stolen, with no seller named, was made by the one who stole it."""
    by_trigger: dict[int, list[RoleFact]] = {}
    for f in facts:
        if f.frame == "sale":
            by_trigger.setdefault(f.trigger, []).append(f)
    leaks = sorted(
        (f for f in facts if f.role == "LeakSource" and f.mention.kind in {"person", "group"}),
        key=lambda f: f.mention.span.start,
    )
    out = []
    for trigger, fs in by_trigger.items():
        if any(f.role == "Seller" for f in fs) or not any(f.role == "Buyer" for f in fs):
            continue
        verb = doc[trigger]
        said_stolen = any(
            t.lower_ in STOLEN_DATA_WORDS and t.dep_ in {"amod", "acl", "relcl"}
            for t in verb.subtree
        )
        earlier = [f for f in leaks if f.mention.span.start < verb.idx]
        if said_stolen and earlier:
            source = earlier[-1]
            out.append(
                RoleFact(source.mention, "Seller", "sale", trigger, fs[0].sentence, fs[0].status)
            )
    return out


def _arrested_sellers(doc: Doc, mentions: list[Mention], facts: list[RoleFact]) -> list[RoleFact]:
    """A paragraph that reports a sale with no named seller, then names the people arrested
    for it: those people are the (alleged) sellers."""
    paragraphs = _paragraph_of(doc)
    vague = {"someone", "suspects", "suspect", "people", "person", "individuals"}
    sale_paras = set()
    named_sellers = set()
    for f in facts:
        if f.role == "Seller":
            if f.mention.kind == "person":
                named_sellers.add(paragraphs.get(f.mention.span.start))
            elif f.mention.label.lower().split()[-1] in vague:
                sale_paras.add(paragraphs.get(f.mention.span.start))
    out = []
    for f in facts:
        if f.role == "Target" and f.mention.kind == "person":
            para = paragraphs.get(f.mention.span.start)
            if para in sale_paras and para not in named_sellers:
                out.append(RoleFact(f.mention, "Seller", "sale", f.trigger, f.sentence, "arrested"))
    return out


def _paragraph_of(doc: Doc) -> dict[int, int]:
    """Character offset of each token -> paragraph number (blank-line or newline separated)."""
    out = {}
    para = 0
    for t in tokens_of(doc):
        if "\n" in t.text_with_ws or t.is_space and "\n" in t.text:
            out[t.idx] = para
            para += 1
            continue
        out[t.idx] = para
    return out


def _sentence_span(doc: Doc, sent_index: int, sents: list) -> Span:
    return _stripped(sents[sent_index])


def _events(
    doc: Doc, article: Article, mentions: list[Mention], facts: list[RoleFact], table: EntityTable
) -> list[Event]:
    """One event per act (verb), carrying its participants and the figures of its sentence."""
    try:
        from kg.extract.figures import find_figures
    except ImportError:  # the figures stage is optional while it is being written

        def find_figures(text, offset=0, anchor=None):
            return []

    sents = list(doc.sents)
    by_trigger: dict[tuple[int, str], list[RoleFact]] = {}
    for f in facts:
        by_trigger.setdefault((f.trigger, f.frame), []).append(f)
    per_sentence: dict[int, list[tuple[int, str]]] = {}
    for (trig, frame), fs in sorted(by_trigger.items()):
        per_sentence.setdefault(fs[0].sentence, []).append((trig, frame))
    concept_by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.kind in KIND_PROPERTY:
            concept_by_sentence.setdefault(m.sentence, []).append(m)
    events: list[Event] = []
    for si, sent in enumerate(sents):
        evidence = _sentence_span(doc, si, sents)
        # figures in hypothetical clauses stay: the gold records "could cause 5 billion leaks"
        found = find_figures(sent.text, offset=sent.start_char, anchor=article.published)
        records = tuple(x for x in found if isinstance(x, Count) and x.unit == "records")
        if records and _states_a_legal_threshold(sent.text):
            records = ()  # "selling more than 5,000 pieces ... can constitute a serious case"
        people = tuple(x for x in found if isinstance(x, Count) and x.unit in {"people", "cases"})
        money = tuple(x for x in found if isinstance(x, Money))
        times = [x for x in found if isinstance(x, TimeExpr)]
        context = []
        for m in concept_by_sentence.get(si, []):
            key = table.of(m)
            if key:
                context.append((KIND_PROPERTY[m.kind], key))
        triggers = per_sentence.get(si, [])
        if not triggers and not (records or money):
            continue
        if not triggers:
            kind = "case" if people or money else "batch"
            events.append(
                Event(
                    kind=kind,
                    evidence=evidence,
                    participants=tuple(dict.fromkeys(context)),
                    records=records,
                    people=people,
                    money=money,
                    time=times[0] if times else None,
                )
            )
            continue
        main = _main_trigger(triggers, bool(money), bool(records))
        for trig, frame in triggers:
            fs = by_trigger[(trig, frame)]
            parts = []
            for f in fs:
                key = table.of(f.mention)
                if key:
                    parts.append((ROLE_PROPERTY.get(f.role, "participant"), key))
            is_main = (trig, frame) == main
            status = _strongest(f.status for f in fs)
            kind = "enforcement" if frame == "enforcement" else frame
            ev_span = Span(evidence.start, evidence.end, evidence.text)
            events.append(
                Event(
                    kind=kind,
                    evidence=ev_span,
                    participants=tuple(dict.fromkeys(parts + context)),
                    records=records if is_main else (),
                    people=people if (is_main or frame == "enforcement") else (),
                    money=money if is_main else (),
                    time=times[0] if times else None,
                    status=status,
                    action=next((f.action for f in fs if f.action), None),
                )
            )
    return _dedupe_events(events)


_THRESHOLD_VERB = re.compile(
    r"(?i)\b(?:constitutes?|(?:is|are|be|being)\s+(?:considered|deemed|regarded\s+as|treated\s+as"
    r"|punishable)|qualif(?:y|ies)\s+as)\b")
_LAW_WORD = re.compile(r"(?i)\b(?:law|laws|interpretation|regulations?|statute|code|act|rules)\b")


def _states_a_legal_threshold(sentence: str) -> bool:
    """A sentence saying what the law counts as serious, not what anyone did."""
    return bool(_THRESHOLD_VERB.search(sentence) and _LAW_WORD.search(sentence))


def _main_trigger(triggers: list[tuple[int, str]], money: bool, records: bool) -> tuple[int, str]:
    order = (
        ["sale", "purchase", "leak", "fraud", "enforcement"]
        if money
        else ["leak", "sale", "purchase", "enforcement", "fraud"]
    )
    return min(triggers, key=lambda t: (order.index(t[1]) if t[1] in order else 9, t[0]))


def _strongest(statuses: Iterable[str]) -> str:
    """The furthest status a report gives an act (the scheme's order: reported < alleged <
    ... < convicted)."""
    rank = list(CLAIM_STATUSES)
    best = "reported"
    for s in statuses:
        if s in rank and rank.index(s) > rank.index(best):
            best = s
    return best


def _dedupe_events(events: list[Event]) -> list[Event]:
    """Two acts of one kind in one sentence become one event (their parties merged)."""
    merged: dict[tuple[str, int], Event] = {}
    for ev in events:
        k = (ev.kind, ev.evidence.start)
        if k in merged:
            old = merged[k]
            merged[k] = Event(
                kind=old.kind,
                evidence=old.evidence,
                participants=tuple(dict.fromkeys(old.participants + ev.participants)),
                records=old.records or ev.records,
                people=old.people or ev.people,
                money=old.money or ev.money,
                time=old.time or ev.time,
                status=_strongest([old.status, ev.status]),
                action=old.action or ev.action,
            )
        else:
            merged[k] = ev
    return list(merged.values())
