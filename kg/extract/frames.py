"""Verb frames -> role facts: who stole, sold, bought, defrauded or arrested whom.

Reads the dependency parse: subjects (with passives' "by" agents), objects, and the
prepositions that carry a trade's other parties (to, from, via, for). Gerunds under
"for / on suspicion of" take the object of the verb above as their subject.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.extract.mentions import _np_bounds, clean_label, is_money
from kg.extract.nlp import text_of, tokens_of
from kg.model import Mention
from kg.model import Span as TextSpan
from kg.vocab import lexicon

DATA_WORDS = {
    "information",
    "data",
    "details",
    "records",
    "record",
    "database",
    "databases",
    "password",
    "passwords",
    "info",
    "it",
    "them",
    "pieces",
    "items",
    "numbers",
    "addresses",
    "names",
    "accounts",
    "files",
    "entries",
    "list",
    "lists",
    "server",
    "servers",
    "system",
    "systems",
}
ORG_NOUNS = {
    "company",
    "companies",
    "platform",
    "platforms",
    "website",
    "websites",
    "firm",
    "firms",
    "bank",
    "banks",
    "hospital",
    "hospitals",
    "operator",
    "operators",
    "provider",
    "providers",
    "store",
    "stores",
    "portal",
    "portals",
    "app",
    "apps",
    "retailer",
    "retailers",
    "agency",
    "agencies",
    "school",
    "schools",
    "insurer",
    "carrier",
    "site",
    "sites",
    "business",
    "businesses",
    "department",
    "departments",
    "centre",
    "centres",
    "center",
    "centers",
    "clinic",
    "clinics",
    "outlet",
    "outlets",
    "shop",
    "shops",
    "lender",
    "lenders",
    "insurers",
}
LEMMA_FIX = {
    "resold": "resell",
    "resells": "resell",
    "reselling": "resell",
    "stole": "steal",
    "stolen": "steal",
    "sold": "sell",
    "bought": "buy",
    "paid": "pay",
    "leaked": "leak",
}
TALK_VERBS = {
    "tell",
    "call",
    "recommend",
    "contact",
    "lure",
    "persuade",
    "promise",
    "text",
    "message",
    "approach",
    "phone",
    "convince",
    "induce",
    "urge",
}
# Nouns after "to" or "from" that are no party to a trade: "to the time I was arrested".
NOT_PARTIES = {
    "time",
    "day",
    "date",
    "year",
    "month",
    "week",
    "end",
    "point",
    "extent",
    "price",
    "rate",
    "level",
    "degree",
    "place",
    "country",
    "market",
    "public",
    "internet",
    "web",
    "abroad",
    "overseas",
    "home",
    "court",
    "jail",
    "prison",
    "police",
}
HYPOTHETICAL = {"could", "might", "may", "would", "should", "can", "will", "must"}
NEGATIONS = {"not", "never", "n't", "no"}
SUSPICION_PREPS = {"for", "of", "over"}
NAMING_VERBS = {"surnamed", "named", "identified", "called", "known"}
ACCUSE_LEMMAS = {"accuse", "suspect", "blame"}
LISTED_ROLES = {
    "buyer": ("Buyer", "purchase"),
    "purchaser": ("Buyer", "purchase"),
    "seller": ("Seller", "sale"),
    "victim": ("Victim", "fraud"),
}
MEANS_LEMMAS = {"use", "exploit", "abuse", "employ", "leverage", "misuse"}
DENIAL_LEMMAS = {"deny", "refute", "reject", "dismiss"}
VAGUE_ACTORS = {
    "someone",
    "anyone",
    "criminals",
    "people",
    "individuals",
    "others",
    "person",
    "somebody",
    "anybody",
    "criminal",
    "individual",
    "organization",
    "organisation",
    "any organization",
    "any organisation",
    "any individual",
    "users",
    "user",
}


@dataclass(frozen=True)
class RoleFact:
    """One actor (a mention) in one role of one act, with the trigger and the sentence."""

    mention: Mention
    role: (
        str  # LeakSource, Seller, Buyer, Victim, Fraudster, DataHolder, Accomplice, Agency, Target
    )
    frame: str  # leak, sale, purchase, fraud, enforcement
    trigger: int  # token index of the verb
    sentence: int
    status: str = "reported"
    action: str | None = None


class MentionIndex:
    """Find the mention a token belongs to, and resolve pronouns to earlier mentions."""

    def __init__(self, doc: Doc, mentions: list[Mention]):
        self.doc = doc
        self.by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            sp = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            if sp is None:
                continue
            for t in sp:
                self.by_token.setdefault(t.i, []).append(m)
        self.actors = sorted(
            (m for m in mentions if m.kind in ACTOR_KINDS), key=lambda m: m.span.start
        )
        self.speakers = _speakers(doc, self.actors)

    def at(self, tok: Token, kinds: set[str]) -> Mention | None:
        cands = [m for m in self.by_token.get(tok.i, []) if m.kind in kinds]
        if not cands:
            return None
        return min(cands, key=lambda m: (m.head != tok.i, -(m.span.end - m.span.start)))

    def they(self, tok: Token) -> Mention | None:
        """'they': a suspect named earlier in the paragraph (the gang around them), else the
        last plural actor."""
        root = tok.sent.root
        if tok.head.i != root.i:  # "Some people used data they bought": the clause's 'they'
            subj = next((c for c in root.children if c.dep_ == "nsubj" and c.i < tok.i), None)
            if subj is not None and subj.tag_ in {"NNS", "NNPS"}:
                m = self.at(subj, {"people", "group"})
                if m is not None:
                    return m
        para_start = text_of(self.doc).rfind("\n", 0, tok.idx) + 1
        speakers = {id(m) for m in self.speakers.values()}
        cands = [
            m
            for m in self.actors
            if m.kind == "person"
            and para_start <= m.span.start < tok.idx
            and id(m) not in speakers
            and _in_crime_sentence(self.doc, m)
        ]
        if cands:
            return cands[-1]
        return self.previous_actor(tok.idx)

    def previous_actor(self, before: int) -> Mention | None:
        """The last plural actor of this paragraph a 'they' can stand for: a group, or people
        with a role noun."""
        best = None
        para_start = text_of(self.doc).rfind("\n", 0, before) + 1
        for m in self.actors:
            if m.span.start >= before:
                break
            if m.span.start < para_start:
                continue
            if m.kind == "group" or (
                m.kind == "people"
                and m.concept == "plural"
                and (m.roles or m.label.lower().endswith(("suspects", "members", "gang", "gangs")))
            ):
                best = m
        return best

    def previous(self, before: int, want_plural: bool | None, kinds: set[str]) -> Mention | None:
        best = None
        for m in self.actors:
            if m.span.start >= before:
                break
            if m.kind not in kinds:
                continue
            plural = m.concept == "plural"
            if want_plural is None or plural == want_plural:
                best = m
        return best


ACTOR_KINDS = {"person", "people", "group", "org", "agency", "website", "sector"}
PERSONLIKE = {"person", "people", "group"}


CRIME_LEMMAS = {
    "suspect",
    "arrest",
    "detain",
    "gang",
    "confess",
    "accuse",
    "charge",
    "convict",
    "sentence",
    "recruit",
    "steal",
    "sell",
    "buy",
}


def _in_crime_sentence(doc: Doc, m: Mention) -> bool:
    sp = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
    return sp is not None and any(t.lemma_.lower() in CRIME_LEMMAS for t in sp.sent)


def _speakers(doc: Doc, actors: list[Mention]) -> dict[int, Mention]:
    """Sentence-start offset -> who speaks there: 'X said', 'X is quoted as saying'."""
    out: dict[int, Mention] = {}
    for sent in doc.sents:
        for t in sent:
            if t.lemma_ in {"say", "tell", "quote", "confess", "admit", "claim"}:
                for c in t.subtree:
                    if c.dep_ in {"nsubj", "nsubjpass"}:
                        named = _name_after_title(c, actors)
                        if named is not None:  # "an arrestee surnamed Shi is quoted as saying"
                            out[sent.start_char] = named
                            continue
                        for m in actors:
                            if (
                                m.kind in {"person", "people"}
                                and m.span.start <= c.idx < m.span.end + 1
                                or m.head == c.i
                            ):
                                out[sent.start_char] = m
    return out


def _name_after_title(tok: Token, actors: list[Mention]) -> Mention | None:
    """The person a title names: 'a man surnamed X', 'an arrestee named X'."""
    for c in tok.subtree:
        if c.i > tok.i and c.i <= tok.i + 3 and c.lower_ in {"surnamed", "named", "called"}:
            for m in actors:
                if m.kind == "person" and c.idx < m.span.start <= c.idx + len(c.text) + 2:
                    return m
    return None


def _sentence_speaker(idx: MentionIndex, tok: Token) -> Mention | None:
    """'I' in a quote is the speaker of this sentence, the next or the previous one."""
    sents = list(idx.doc.sents)
    here = tok.sent
    pos = next(i for i, s in enumerate(sents) if s.start == here.start)
    for j in (pos, pos + 1, pos - 1, pos + 2):
        if 0 <= j < len(sents) and sents[j].start_char in idx.speakers:
            return idx.speakers[sents[j].start_char]
    return None


def resolve(idx: MentionIndex, tok: Token, kinds: set[str] = ACTOR_KINDS) -> list[Mention]:
    """The mentions an argument token stands for (conjuncts included)."""
    out: list[Mention] = []
    for t in [tok, *_conjuncts(tok)]:
        m = _resolve_one(idx, t, kinds)
        if m is not None and m not in out:
            out.append(m)
    return out


def resolve_parties(idx: MentionIndex, tok: Token, kinds: set[str]) -> list[Mention]:
    """Like resolve, but a party the mention finder did not know ('resold it to photography
    studios and sales agents') becomes a described-actor mention of its own."""
    out: list[Mention] = []
    for t in [tok, *_conjuncts(tok)]:
        m = _resolve_one(idx, t, kinds)
        if m is None:
            m = _party_mention(idx, t)
        if m is not None and m not in out:
            out.append(m)
    return out


def _party_mention(idx: MentionIndex, tok: Token) -> Mention | None:
    """A noun phrase naming who received or supplied data, as a 'people' or 'org' mention."""
    if (
        tok.pos_ not in {"NOUN", "PROPN"}
        or tok.lower_ in DATA_WORDS | NOT_PARTIES
        or tok.ent_type_
        in {"GPE", "LOC", "DATE", "TIME", "MONEY", "CARDINAL", "PERCENT", "QUANTITY"}
    ):
        return None
    if any(m.kind != "sector" for m in idx.by_token.get(tok.i, [])) or is_money(tok):
        return None  # already something else: a data category, a place, a channel ...
    start, end = _np_bounds(tok)
    words = [t for t in idx.doc[start:end] if t.dep_ not in {"det", "poss"}]
    label = clean_label(" ".join(t.text for t in words))
    if not label or label.lower() in VAGUE_ACTORS:
        return None
    first = idx.doc[start]
    kind = "org" if tok.lower_ in ORG_NOUNS else "people"
    return Mention(
        span=TextSpan(
            first.idx, tok.idx + len(tok), text_of(idx.doc)[first.idx : tok.idx + len(tok)]
        ),
        kind=kind,
        label=label,
        sentence=-1,
        head=tok.i,
        concept="plural" if tok.tag_ in {"NNS", "NNPS"} else None,
    )


def _conjuncts(tok: Token) -> list[Token]:
    """Every item of a coordination after the first: 'A, B, C and D' hangs as a chain."""
    out: list[Token] = []
    todo = [c for c in tok.children if c.dep_ == "conj"]
    while todo and len(out) < 20:
        t = todo.pop(0)
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ == "conj")
    return out


def _resolve_one(idx: MentionIndex, tok: Token, kinds: set[str]) -> Mention | None:
    low = tok.lower_
    own = idx.at(tok, {"person"})
    if own is not None:
        return own if "person" in kinds else None
    # a named person inside the phrase wins: "a manager ..., who was identified as Liu"
    named = _named_in_subtree(idx, tok) if tok.pos_ == "NOUN" else None
    if named is not None and named.kind in kinds:
        return named
    m = idx.at(tok, kinds)
    if m is not None:
        return m
    if low in {"he", "she", "him", "her"}:
        return idx.previous(tok.idx, None, {"person"})
    if low in {"i", "me"}:
        return _sentence_speaker(idx, tok)
    if low in {"we", "they", "them"}:
        m = idx.they(tok)
        return m if m is not None and m.kind in kinds else None
    if low in {"who", "that", "which"} and tok.head.dep_ in {"relcl", "acl"}:
        return _resolve_one(idx, tok.head.head, kinds)
    if low in {
        "some",
        "many",
        "most",
        "one",
        "all",
        "several",
        "part",
        "none",
        "few",
        "thousands",
        "hundreds",
        "millions",
        "dozens",
        "tens",
    }:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        return _resolve_one(idx, p, kinds)
    return None


def _named_in_subtree(idx: MentionIndex, tok: Token) -> Mention | None:
    """An appositive or 'identified as X' clause that names the person a phrase describes."""
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return None
    for c in tok.subtree:
        if c.i == tok.i:
            continue
        if c.dep_ in {
            "appos",
            "pobj",
            "attr",
            "oprd",
            "npadvmod",
            "acl",
            "relcl",
            "dobj",
        } or c.head.dep_ in {"appos", "relcl", "acl"}:
            m = idx.at(c, {"person"})
            if m is not None and _path_ok(c, tok):
                return m
    return None


def _path_ok(c: Token, top: Token) -> bool:
    """The naming clause hangs off the phrase itself, not off a deeper verb's object."""
    hops = 0
    t = c
    while t.i != top.i and hops < 6:
        if t.dep_ in {"prep"} and t.lower_ not in {"as", "named", "surnamed", "of"}:
            return False
        t = t.head
        hops += 1
    return t.i == top.i


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, passive?) of a verb, inheriting through conjunction and clauses."""
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p, passive
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c, passive
    if passive:
        return None, passive
    head = verb.head
    if verb.dep_ == "conj" and head.pos_ in {"VERB", "AUX"}:
        return _subject(head)[0], passive
    if verb.dep_ == "xcomp":
        if head.lemma_.lower() in MEANS_LEMMAS:  # "used his login to copy": the user copies
            return _subject(head)[0], passive
        obj = next((c for c in head.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return obj, passive
        return _subject(head)[0], passive
    if verb.dep_ in {"advcl", "pcomp"} and head.pos_ in {"VERB", "AUX"}:
        return _subject(head)[0], passive
    if verb.dep_ == "pcomp" and head.dep_ == "prep":
        gov = head.head
        if gov.pos_ == "NOUN" and gov.lower_ == "suspicion":  # "on suspicion of buying"
            gov = gov.head.head if gov.dep_ == "pobj" else gov.head
        if gov.dep_ == "acl" and gov.lower_ in NAMING_VERBS and gov.head.pos_ in {"NOUN", "PROPN"}:
            return (
                gov.head,
                passive,
            )  # hung on the name: "a man surnamed X (on suspicion) of selling"
        if gov.pos_ in {"VERB", "AUX"}:
            obj = next((c for c in gov.children if c.dep_ in {"dobj", "nsubjpass"}), None)
            if obj is not None and (
                obj.dep_ == "nsubjpass"
                or gov.lemma_ in ACCUSE_LEMMAS
                or gov.lemma_ in lexicon()["enforcement_actions"]
            ):
                return obj, passive  # "X is suspected of selling", "police accused X of selling"
            return _subject(gov)[0], passive
        if gov.pos_ in {"NOUN", "PROPN"}:
            return gov, passive
    if verb.dep_ in {"dep", "conj", "advcl"} and head.lower_ in NAMING_VERBS:
        # the parser made the naming verb the root: "A clerk surnamed X allegedly sold ..."
        name = _name_of(head)
        if name is not None:
            return name, passive
    if verb.dep_ in {"acl", "relcl"} and verb.tag_ in {"VBG"}:
        return head, passive
    if verb.dep_ == "acl" and any(c.dep_ == "dobj" for c in verb.children):
        return head, passive  # an active clause the parser hung on a noun: "a manager ... paid X"
    if verb.dep_ == "relcl":
        return head, passive
    return None, passive


def _name_of(naming: Token) -> Token | None:
    """The name a naming verb gives: 'surnamed X', 'identified as X'."""
    for c in naming.children:
        if c.dep_ in {"dobj", "oprd", "attr"}:
            return c
        if c.dep_ == "prep" and c.lower_ == "as":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    return None


def subject_of(verb: Token) -> Token | None:
    """The token that does what a verb says (through passives, clauses and conjunctions)."""
    return _subject(verb)[0]


def _objects(verb: Token) -> list[Token]:
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)
    objs = [c for c in verb.children if c.dep_ in {"dobj", "dative"}]
    if not objs:  # phrasal verbs the parser reads as prepositions: "passing on the data"
        objs = [
            p
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in {"on", "out", "off"}
            for p in c.children
            if p.dep_ == "pobj"
        ]
    if passive:
        objs += [c for c in verb.children if c.dep_ == "nsubjpass"]
    if (
        not objs
        and verb.dep_ in {"acl"}
        and verb.tag_ == "VBN"
        and not any(c.dep_ == "dobj" for c in verb.children)
    ):
        objs.append(verb.head)  # "the data obtained from ..."
    if not objs and verb.dep_ == "relcl":
        objs.append(verb.head)
    if not objs:  # "bought and sold the data": the object of the conjunct serves both
        for other in [
            *(c for c in verb.children if c.dep_ == "conj"),
            verb.head if verb.dep_ == "conj" else None,
        ]:
            if other is not None and other.i != verb.i:
                objs = [c for c in other.children if c.dep_ in {"dobj"}]
                if objs:
                    break
    return objs


def _prep_objects(verb: Token, preps: set[str]) -> list[Token]:
    out = []
    for c in verb.children:
        if c.dep_ in {"prep", "dative"} and c.lower_ in preps:
            out.extend(p for p in c.children if p.dep_ == "pobj")
    return out


def _is_data(tok: Token, idx: MentionIndex) -> bool:
    if tok.lower_ in DATA_WORDS or tok.lemma_.lower() in DATA_WORDS:
        return True
    if any(m.kind == "data" for m in idx.by_token.get(tok.i, [])):
        return True
    return any(t.lower_ in {"information", "data", "details", "records"} for t in tok.subtree)


def _blocked(verb: Token) -> bool:
    """Negated or hypothetical acts give no fact."""
    for c in verb.children:
        if c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in HYPOTHETICAL):
            return True
        if c.dep_ == "mark" and c.lower_ in {"if", "whether", "unless"}:
            return True
        if c.dep_ in {"nsubj", "nsubjpass", "dobj"} and any(d.lower_ == "no" for d in c.children):
            return True
    if (
        verb.dep_ in {"conj", "xcomp"}
        and verb.head.pos_ in {"VERB", "AUX"}
        and verb.head.i != verb.i
    ):
        head = verb.head
        return any(
            c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in HYPOTHETICAL) for c in head.children
        )
    return _denied(verb)


def _negated(verb: Token) -> bool:
    """Negated or denied, leaving modals and conditions aside."""
    for c in verb.children:
        if c.dep_ == "neg" or (
            c.dep_ in {"nsubj", "nsubjpass", "dobj"} and any(d.lower_ == "no" for d in c.children)
        ):
            return True
    return _denied(verb)


def _denied(verb: Token) -> bool:
    """A clause that something denies or finds no sign of: 'denied that the database was
    breached', 'no evidence that any employee accessed', 'nothing to suggest it was sold'."""
    t = verb
    for _ in range(4):
        if t.dep_ not in {"ccomp", "acl", "relcl", "xcomp", "advcl"} or t.head.i == t.i:
            return False
        t = t.head
        if t.lemma_.lower() in DENIAL_LEMMAS or t.lower_ in {"nothing", "none"}:
            return True
        if t.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in t.children):
            return True
    return False


def in_hedged_clause(tok: Token, hypothetical: bool = True) -> bool:
    """Whether a word stands in a negated or denied clause ('no insiders were involved',
    'denied that ... was sold'), or, with ``hypothetical``, a conditional or modal one ('if
    hackers stole ...'): a role its noun implies does not hold there."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
        return True
    t = tok
    for _ in range(6):
        if t.pos_ in {"VERB", "AUX"}:
            return _blocked(t) if hypothetical else _negated(t)
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _status(verb: Token) -> str:
    """What the report says of the act: alleged when hedged, otherwise reported."""
    cues = set(lexicon()["allegation_cues"])
    window = [verb, *verb.children, verb.head, *[c for c in verb.head.children]]
    if any(t.lower_ in cues for t in window):
        return "alleged"
    for anc in verb.ancestors:
        if anc.lower_ in {"suspicion", "suspected", "accused", "allegedly"}:
            return "alleged"
    return "reported"


def role_facts(
    doc: Doc, mentions: list[Mention], sent_of: dict[int, int] | None = None
) -> list[RoleFact]:
    """Every role the parse supports, verb by verb."""
    lex = lexicon()
    frames = {k: set(v) for k, v in lex["frames"].items()}
    enforcement = lex["enforcement_actions"]
    idx = MentionIndex(doc, mentions)
    if sent_of is None:
        sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
    facts: list[RoleFact] = []

    def add(
        ms: list[Mention],
        role: str,
        frame: str,
        verb: Token,
        status: str,
        action: str | None = None,
        kinds: set[str] | None = None,
    ) -> None:
        for m in ms:
            if kinds is not None and m.kind not in kinds:
                continue
            facts.append(RoleFact(m, role, frame, verb.i, sent_of[verb.i], status, action))

    for verb in tokens_of(doc):
        if verb.pos_ not in {"VERB", "AUX"} and verb.tag_ not in {"VBG", "VBN"}:
            continue
        lemma = LEMMA_FIX.get(verb.lower_, verb.lemma_.lower())
        if _blocked(verb):
            continue
        status = _status(verb)
        subj_tok, _passive = _subject(verb)
        subj = resolve(idx, subj_tok) if subj_tok is not None else []
        hops = 0
        while (
            subj_tok is not None
            and not [m for m in subj if m.kind in PERSONLIKE | {"agency"}]
            and subj_tok.dep_ == "pobj"
            and subj_tok.head.dep_ == "prep"
            and hops < 2
        ):
            # the parser hung the clause on the wrong noun: "a manager of a company ... paid"
            subj_tok = subj_tok.head.head
            subj = resolve(idx, subj_tok)
            hops += 1
        if (
            subj_tok is not None
            and subj_tok.dep_ == "dobj"
            and verb.dep_ in {"acl", "advcl"}
            and not [m for m in subj if m.kind in PERSONLIKE | {"agency"}]
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        ):
            # a purpose clause hung on the object: "hackers exploited a flaw to steal ..."
            up = _subject(subj_tok.head)[0]
            if up is not None:
                subj_tok, subj = up, resolve(idx, up)
        objs = _objects(verb)
        if lemma == "break" and _prep_objects(verb, {"into"}):
            lemma, objs = "hack", _prep_objects(verb, {"into"})  # "broke into the server"
        data_obj = any(_is_data(o, idx) for o in objs)
        obj_ments = [m for o in objs for m in resolve(idx, o)]
        # victims are named in the text, never guessed from a pronoun
        victim_objs = [
            m
            for o in objs
            if o.pos_ != "PRON"
            for m in resolve(idx, o)
            if m.kind in {"people", "person"}
        ]
        agencies = [m for m in subj if m.kind == "agency"]
        actors = [m for m in subj if m.kind in PERSONLIKE]

        if (
            lemma in frames["leak"]
            and (data_obj or lemma in {"steal", "hack", "leak", "breach"})
            and (lemma != "take" or _prep_objects(verb, {"from"}))
        ):  # "took records from"
            add(actors, "LeakSource", "leak", verb, status)
            if lemma == "hack":
                add(actors, "Hacker", "leak", verb, status)
                add(
                    [m for m in obj_ments if m.kind in {"org", "website", "sector"}],
                    "DataHolder",
                    "leak",
                    verb,
                    status,
                )
                add(
                    [m for m in obj_ments if m.kind in {"people", "person"}],
                    "Victim",
                    "leak",
                    verb,
                    status,
                )
            for h in _prep_objects(verb, {"from", "at", "of"}):
                add(
                    resolve(idx, h, {"org", "website", "sector"}),
                    "DataHolder",
                    "leak",
                    verb,
                    status,
                )
            for o in objs:
                add(_holders_of_data(idx, o), "DataHolder", "leak", verb, status)
                add(_data_subjects(idx, o), "Victim", "leak", verb, status)
            for h in _prep_objects(verb, {"with"}):
                if h.lower_ == "help":
                    for p in h.subtree:
                        if p.dep_ == "pobj" and p.i != h.i:
                            add(resolve(idx, p, PERSONLIKE), "Accomplice", "leak", verb, status)
        if lemma in frames["sale"] and (data_obj or lemma in {"sell", "resell", "peddle", "trade"}):
            if data_obj or (lemma in {"resell", "peddle"} and not objs):
                add(actors, "Seller", "sale", verb, status)
                for o in objs:
                    add(_data_subjects(idx, o), "Victim", "sale", verb, status)
                for r in _prep_objects(verb, {"to"}) + [
                    c for c in verb.children if c.dep_ == "dative"
                ]:
                    add(
                        resolve_parties(idx, r, PERSONLIKE | {"org"}), "Buyer", "sale", verb, status
                    )
            elif lemma == "sell" and _fraud_context(verb.sent, idx, paragraph=True):
                # goods sold to people the text treats as harmed: "sold fake wine to old customers"
                for r in _prep_objects(verb, {"to"}):
                    add(resolve(idx, r, {"people"}), "Victim", "fraud", verb, status)
        if lemma in frames["purchase"]:
            sellers = [
                m for s in _prep_objects(verb, {"from"}) for m in resolve(idx, s, PERSONLIKE)
            ]
            if lemma == "pay":
                ok = any(_is_data(p, idx) for p in _prep_objects(verb, {"for"}))
            elif lemma in {"buy", "purchase", "procure"}:
                ok = data_obj
            else:  # obtain, receive, acquire: a purchase only when someone handed it over
                ok = data_obj and bool(sellers) and bool(actors)
            if ok:
                add(actors, "Buyer", "purchase", verb, status)
                for s in _prep_objects(verb, {"from"}):
                    add(resolve_parties(idx, s, PERSONLIKE), "Seller", "purchase", verb, status)
        if lemma in frames["fraud"] and lemma not in {"sell"}:
            money_obj = any(is_money(o) for o in objs)
            if lemma == "lose" and money_obj:
                add(actors, "Victim", "fraud", verb, status)
                for f in _prep_objects(verb, {"to"}):
                    add(resolve(idx, f, PERSONLIKE), "Fraudster", "fraud", verb, status)
            elif lemma not in {
                "lose",
                "call",
                "recommend",
                "target",
                "pose",
                "disguise",
                "guise",
                "impersonate",
            }:
                add(victim_objs, "Victim", "fraud", verb, status)
                add(actors, "Fraudster", "fraud", verb, status)
            elif lemma in {"call", "recommend", "target"} and _fraud_context(verb.sent, idx):
                add(victim_objs, "Victim", "fraud", verb, status)
        if (
            lemma in {"include", "be"}
            and subj_tok is not None
            and subj_tok.head.i == verb.i
            and subj_tok.dep_ == "nsubj"
            and subj_tok.lemma_.lower() in LISTED_ROLES
        ):
            # "buyers included X and Y", "the sellers were X": those listed take the role
            role, frame = LISTED_ROLES[subj_tok.lemma_.lower()]
            for o in (c for c in verb.children if c.dep_ in {"dobj", "attr"}):
                add(resolve(idx, o, PERSONLIKE | {"org"}), role, frame, verb, status)
        if lemma in TALK_VERBS and _fraud_context(verb.sent, idx, paragraph=True):
            # "told shareholders ...", "called wine buyers ..." inside a described scam
            add([m for m in victim_objs if m.kind == "people"], "Victim", "fraud", verb, status)
        if lemma in {"obtain", "get", "extort", "take", "demand", "collect"}:
            if any(is_money(o) for o in objs):
                for v in _prep_objects(verb, {"from"}):
                    add(resolve(idx, v, {"people", "person"}), "Victim", "fraud", verb, status)
        if lemma in enforcement:
            act = enforcement[lemma]
            if agencies or (subj_tok is None and _passive):
                add(agencies, "Agency", "enforcement", verb, act["status"], act["action"])
                # "Liu, He and three others were arrested": the parser may leave the list's
                # first name hanging off the verb instead of joining it to the subject
                listed = [
                    m
                    for c in verb.children
                    if _passive and c.dep_ in {"npadvmod", "dep", "nmod"} and c.i < verb.i
                    for m in resolve(idx, c, {"person"})
                ]
                add(
                    [m for m in obj_ments if m.kind in PERSONLIKE] + listed,
                    "Target",
                    "enforcement",
                    verb,
                    act["status"],
                    act["action"],
                )
    facts += _accomplices(doc, idx, facts, sent_of)
    return facts


def _accomplices(
    doc: Doc, idx: MentionIndex, facts: list[RoleFact], sent_of: dict[int, int]
) -> list[RoleFact]:
    """'with the help of a technician named X' in a sentence that reports a leak."""
    leak_sents = {f.sentence: f for f in facts if f.frame == "leak"}
    out = []
    for tok in tokens_of(doc):
        if tok.lower_ != "help" or sent_of[tok.i] not in leak_sents:
            continue
        if not (tok.dep_ == "pobj" and tok.head.lower_ == "with") and not (
            tok.lower_ == "helped" and any(c.dep_ == "agent" for c in tok.children)
        ):
            continue
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        f = leak_sents[sent_of[tok.i]]
                        out += [
                            RoleFact(m, "Accomplice", "leak", f.trigger, f.sentence, f.status)
                            for m in resolve(idx, p, PERSONLIKE)
                        ]
    return out


def _holders_of_data(idx: MentionIndex, obj: Token) -> list[Mention]:
    """'the company's database', 'information linked to portals such as a.com and b.com'."""
    out: list[Mention] = []
    for t in obj.subtree:
        if t.dep_ == "poss":
            out.extend(resolve(idx, t, {"org", "website", "sector"}))
        if (
            t.dep_ == "pobj"
            and t.head.lower_ in {"to", "from", "of", "at", "on"}
            and t.head.head.i != obj.i - 100
        ):
            ms = resolve(idx, t, {"org", "website", "sector"})
            out.extend(ms)
            for c in t.subtree:
                if c.i != t.i:
                    out.extend(m for m in resolve(idx, c, {"website", "org"}) if m not in out)
    return out


STAFF = set(lexicon()["actor_nouns"]["staff"])


def doc_word(idx: MentionIndex, m: Mention) -> str:
    """The head word of a mention, lower case."""
    return idx.doc[m.head].lower_ if m.head >= 0 else ""


def _data_subjects(idx: MentionIndex, obj: Token) -> list[Mention]:
    """The people whose data was taken or sold are harmed by it: 'the names of 300 tenants',
    'customers' phone numbers' (people described by a noun, never a named suspect)."""
    if not _is_data(obj, idx):
        return []
    out: list[Mention] = []
    for head in [obj, *_conjuncts(obj)]:
        for c in head.children:
            if c.dep_ == "poss":
                owners = [c]
            elif c.dep_ == "prep" and c.lower_ == "of":
                owners = [p for p in c.children if p.dep_ == "pobj"]
            else:
                continue
            for o in owners:
                out += [
                    m
                    for m in resolve(idx, o, {"people"})
                    if not m.roles and m not in out and doc_word(idx, m) not in STAFF
                ]
    return out


def _fraud_context(sent, idx: MentionIndex, paragraph: bool = False) -> bool:
    """Whether a scam is named in the sentence (or its paragraph)."""
    if paragraph:
        text = text_of(idx.doc)
        start = text.rfind("\n", 0, sent.start_char) + 1
        end = text.find("\n", sent.end_char)
        end = len(text) if end < 0 else end
        span = idx.doc.char_span(start, end, alignment_mode="expand")
        tokens = span if span is not None else sent
    else:
        tokens = sent
    return any(m.kind == "fraud" for t in tokens for m in idx.by_token.get(t.i, []))
