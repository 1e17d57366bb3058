"""Parsed article -> mentions: vocabulary concepts, named actors, described groups, agencies,
places and laws. Each mention keeps its span and the token index of its head."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.extract.nlp import text_of, tokens_of
from kg.model import Mention, Span
from kg.vocab import lexicon

# Words for a weakness in a system: a method only when someone used it ("hackers exploited a
# loophole").
VULNERABILITY_WORDS = frozenset(("vulnerability", "vulnerabilities", "loophole", "loopholes",
                                 "flaw", "flaws"))
VULNERABILITY_TERMS = VULNERABILITY_WORDS | {"security hole", "security holes"}
# Words that only name a method when the sentence talks about getting data out.
WEAK_METHOD_TERMS = VULNERABILITY_TERMS | {
    "virus",
    "insider",
    "insiders",
    "hacker",
    "hackers",
    "hack",
    "hacked",
    "hacking",
    "breaking into",
    "broke into",
    "intrusion",
    "malicious program",
    "crawler",
    "crawlers",
    "crawling",
}
LEAK_CONTEXT_LEMMAS = {
    "steal",
    "leak",
    "hack",
    "breach",
    "obtain",
    "collect",
    "access",
    "gain",
    "harvest",
    "exploit",
    "sell",
    "trade",
    "cause",
    "source",
    "theft",
    "leakage",
    "break",
    "infiltrate",
    "take",
    "insider",
    "hacker",
    "intrude",
    "circulate",
    "buy",
    "purchase",
    "compromise",
    "lift",
    "siphon",
}
# Adjectives that make "information" something other than personal data.
NOT_DATA_MODIFIERS = {
    "illegitimate",
    "fraudulent",
    "false",
    "fake",
    "harmful",
    "inside",
    "online",
    "relevant",
    "latest",
    "more",
    "such",
    "this",
    "that",
    "other",
    "new",
    "public",
    "useful",
    "accurate",
    "detailed",
    "sensitive",
    "important",
    "related",
    "cyber",
    "network",
    "security",
    "protection",
    "misleading",
    "junk",
    "illegal",
    "obscene",
    "some",
    "much",
    "little",
    "the",
    "any",
    "all",
    "stolen",
    "leaked",
    "purchased",
    "valuable",
    "personal",
    "private",
    "big",
    "basic",
    "additional",
    "various",
    "same",
    "his",
    "her",
    "their",
    "its",
    "our",
    "your",
    "my",
    "bulk",
    "massive",
    "huge",
    "citizen",
    "citizens",
}
DATA_HEADS = {"information", "data", "details", "records", "record", "info"}
PERSON_CUES = re.compile(
    r"\b(?:surnamed|named|called|identified as|known as|(?:the |a )?suspects?|arrestee|"
    r"defendant|Mr\.?|Ms\.?|Mrs\.?)\s+((?:[A-Z][a-z]+)(?:\s[A-Z][a-z]+)?)"
)
NAME_LIST = re.compile(
    r"\b([A-Z][a-z]{1,10}),\s+([A-Z][a-z]{1,10})(?:,\s+([A-Z][a-z]{1,10}))*\s+and\s+"
    r"(?:other\s+)?(?:\w+\s+)?(?:other\s+)?(?:people|others|suspects|persons|men|women|accomplices)\b"
)
DOMAIN = re.compile(
    r"\b[a-z0-9][a-z0-9-]{1,40}\.(?:com|cn|net|org|in|co|io|info|biz)(?:\.[a-z]{2})?\b", re.I
)
NOT_NAMES = {
    "The",
    "A",
    "An",
    "He",
    "She",
    "They",
    "It",
    "This",
    "That",
    "Police",
    "Chinese",
    "According",
    "In",
    "On",
    "Some",
    "Most",
    "Many",
    "All",
    "Both",
}


def _span(doc: Doc, start: int, end: int) -> Span:
    return Span(start, end, text_of(doc)[start:end])


def _mention_at(
    doc: Doc, start: int, end: int, kind: str, label: str, sent_of: dict[int, int]
) -> Mention | None:
    """A mention of the text between two offsets, anchored to the tokens it falls on."""
    sp = doc.char_span(start, end, alignment_mode="expand")
    if sp is None:
        return None
    return Mention(
        span=_span(doc, start, end),
        kind=kind,
        label=label,
        sentence=sent_of[sp.start],
        head=sp.root.i,
    )


def _tok_span(span: SpacySpan) -> Span:
    return Span(span.start_char, span.end_char, span.text)


def _sent_index(doc: Doc) -> dict[int, int]:
    """Token index -> sentence index."""
    out = {}
    for i, s in enumerate(doc.sents):
        for t in s:
            out[t.i] = i
    return out


_BLANKS = re.compile(r"\s+")
_LEADING_DETERMINER = re.compile(
    r"^(?:the|a|an|some|these|those|this|that|its|their|his|her|our)\s+", re.I)
_POSSESSIVE_END = re.compile(r"[’']s$")


def clean_label(text: str) -> str:
    """A phrase as a plain name: no leading article or possessive, single spaces."""
    t = _BLANKS.sub(" ", text).strip(" ,.;:\"'“”‘’()[]")
    t = _LEADING_DETERMINER.sub("", t)
    t = _POSSESSIVE_END.sub("", t)
    return t.strip()


def concept_mentions(doc: Doc, matcher, sent_of: dict[int, int]) -> list[Mention]:
    """Vocabulary terms (data categories, methods, channels, fraud schemes, sectors)."""
    from spacy.util import filter_spans

    kinds = {
        "data": "data",
        "method": "method",
        "channel": "channel",
        "fraud": "fraud",
        "sector": "sector",
    }
    spans = []
    for match_id, start, end in matcher(doc):
        key = doc.vocab.strings[match_id]
        spans.append(SpacySpan(doc, start, end, label=key))
    out = []
    for sp in filter_spans(spans):
        key = sp.label_
        scheme = key.split("/", 1)[0]
        text_low = sp.text.lower()
        if scheme == "method" and text_low in WEAK_METHOD_TERMS and not _method_in_context(sp):
            continue
        if scheme == "channel" and key == "channel/internet" and not _trade_context(sp):
            continue
        out.append(
            Mention(
                span=_tok_span(sp),
                kind=kinds[scheme],
                label=clean_label(sp.text),
                concept=key,
                sentence=sent_of[sp.start],
                head=sp.root.i,
            )
        )
    return out


EXPLOIT_LEMMAS = {
    "exploit",
    "use",
    "take",
    "hack",
    "steal",
    "obtain",
    "collect",
    "access",
    "breach",
    "attack",
    "leverage",
    "abuse",
    "through",
    "via",
    "cause",
    "have",
}


def _method_in_context(sp: SpacySpan) -> bool:
    """A weak method word names a method only where data is taken: a weakness somebody has or
    exploits ('operators' vulnerabilities', 'websites have security holes', 'exploiting a
    loophole'); 'hackers' where the sentence speaks of taking data."""
    root = sp.root
    if any(c.dep_ == "poss" for c in root.children):
        return True
    if sp.text.lower() in VULNERABILITY_TERMS:
        for anc in list(root.ancestors)[:4]:
            if anc.lemma_.lower() in EXPLOIT_LEMMAS:
                return True
        return (
            root.dep_ in {"nsubj", "attr"}
            and root.head.lemma_.lower() in {"cause", "be"}
            and any(t.lemma_.lower() in {"leak", "leakage", "source", "steal"} for t in sp.sent)
        )
    lemmas = {t.lemma_.lower() for t in sp.sent}
    return bool(lemmas & LEAK_CONTEXT_LEMMAS - {sp.text.lower()})


def _trade_context(sp: SpacySpan) -> bool:
    """'online' or 'the Internet' names a channel only as the place an act happened."""
    root = sp.root
    if root.dep_ == "pobj" and root.head.lower_ in {"via", "through", "over", "on", "across"}:
        return True
    if root.lower_ == "online" and root.dep_ in {
        "advmod",
        "npadvmod",
        "prt",
        "dobj",
        "pobj",
        "acomp",
    }:
        return root.head.pos_ in {"VERB", "NOUN", "AUX"}
    if root.dep_ == "pobj" and root.head.lower_ in {"in", "from", "onto", "to"}:
        return root.head.head.pos_ == "VERB"
    return False


def _np_bounds(tok: Token) -> tuple[int, int]:
    """The token range of a noun phrase's pre-modifiers and head."""
    left = tok.i
    for child in tok.lefts:
        if (
            child.dep_
            in {
                "det",
                "amod",
                "compound",
                "nummod",
                "poss",
                "quantmod",
                "nmod",
                "advmod",
                "case",
                "punct",
            }
            and child.i < left
        ):
            left = min(left, child.left_edge.i)
    return left, tok.i + 1


def _np_text(doc: Doc, start: int, end: int) -> str:
    return doc[start:end].text


def actor_mentions(doc: Doc, sent_of: dict[int, int]) -> list[Mention]:
    """Named persons (NER and 'a man surnamed X'), and described actors ('a gang', 'hackers')."""
    lex = lexicon()
    out: list[Mention] = []
    seen: set[tuple[int, int]] = set()

    def add(m: Mention) -> None:
        if (m.span.start, m.span.end) not in seen:
            seen.add((m.span.start, m.span.end))
            out.append(m)

    named: dict[str, str] = {}  # surname or name -> "person"
    for m in PERSON_CUES.finditer(text_of(doc)):
        name = m.group(1)
        if name.split()[0] in NOT_NAMES:
            continue
        named[name] = "person"
    for m in NAME_LIST.finditer(text_of(doc)):
        for g in m.groups():
            if g and g not in NOT_NAMES or g == "He":
                named[g] = "person"
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            name = clean_label(ent.text)
            if (
                name
                and name.split()[0] not in NOT_NAMES
                and not name.lower().startswith("trojan")
                and name not in named
                and not is_place_name(text_of(doc), name)
            ):
                named[name] = "person"
    named.update(_people_ner_called_organisations(doc, lex))
    # A full name's parts name the same person later on: "Rohan Mehta ... Mehta said".
    for name in [n for n in named if 2 <= len(n.split()) <= 3]:
        for part in (name.split()[0], name.split()[-1]):
            if len(part) > 1 and part[0].isupper() and part not in NOT_NAMES:
                named.setdefault(part, "person")
    # Every occurrence of a known name is a person mention, whatever NER said of it there.
    person_chars: set[int] = set()
    for name in sorted(named, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text_of(doc)):
            sp = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if sp is None or m.start() in person_chars:
                continue  # "Mehta" inside "Rohan Mehta" is part of the longer name
            if name == "He" and not _is_surname_he(doc, sp):
                continue
            person_chars.update(range(m.start(), m.end()))
            add(
                Mention(
                    span=_span(doc, m.start(), m.end()),
                    kind="person",
                    label=name,
                    sentence=sent_of[sp.start],
                    head=sp.root.i,
                )
            )
    occupied = {t for m in out for t in range(m.span.start, m.span.end)}
    # Described actors: noun phrases whose head is an actor or victim noun.
    actor_words = {w: role for role, words in lex["actor_nouns"].items() for w in words}
    victim_words = set(lex["victim_nouns"])
    for tok in tokens_of(doc):
        low = tok.lower_
        if tok.pos_ not in {"NOUN", "PROPN", "PRON"} and low not in {"others", "someone"}:
            continue
        two = f"{doc[tok.i - 1].lower_} {low}" if tok.i > 0 else low
        role = actor_words.get(two) or actor_words.get(low) or actor_words.get(tok.lemma_.lower())
        if (
            role is None
            and low not in victim_words
            and tok.lemma_.lower() not in victim_words
            and not loses_money(tok)
        ):
            continue
        if tok.idx in occupied:
            continue
        if tok.i + 1 < len(doc) and doc[tok.i + 1].idx in person_chars and tok.pos_ == "NOUN":
            continue  # a title before a name: "the suspect Chu" is Chu
        if (
            tok.i + 2 < len(doc)
            and doc[tok.i + 1].lower_ in {"surnamed", "named"}
            and doc[tok.i + 2].idx in person_chars
            and tok.pos_ == "NOUN"
        ):
            continue  # "an arrestee surnamed Shi" is Shi
        if (tok.dep_ == "appos" and tok.head.idx in person_chars) or any(
            c.dep_ == "appos" and c.idx in person_chars for c in tok.children
        ):
            continue  # "Rao, a former bank employee": the description is the named person
        if tok.dep_ == "compound" and tok.head.pos_ in {"NOUN", "PROPN"}:
            continue  # "gang members": the head decides
        start, end = _np_bounds(tok)
        text = _np_text(doc, start, end)
        label = clean_label(text)
        if not label:
            continue
        roles = _noun_roles(role, doc[start:end], lex)
        if tok.lemma_.lower() == "victim":
            roles = (*roles, "Victim")  # "more than 200 victims" names the harmed by itself
        kind = "group" if role == "group" else "people"
        plural = tok.tag_ in {"NNS", "NNPS"} or kind == "group"
        alts = _alt_labels(doc, tok, start, end)
        add(
            Mention(
                span=_span(doc, doc[start].idx, tok.idx + len(tok)),
                kind=kind,
                label=label,
                sentence=sent_of[tok.i],
                head=tok.i,
                roles=roles,
                alt_labels=alts,
                concept="plural" if plural else None,
            )
        )
    return out


MONEY_WORDS = {
    "money",
    "cash",
    "funds",
    "savings",
    "tuition",
    "yuan",
    "dollars",
    "payment",
    "payments",
    "fee",
    "fees",
    "deposit",
    "deposits",
    "profit",
    "profits",
    "rupees",
    "pounds",
    "euros",
    "ringgit",
    "lakh",
    "lakhs",
    "crore",
    "crores",
    "pesos",
    "yen",
}


def is_money(tok: Token) -> bool:
    """A sum as an object: 'lost money', 'lost 2,000 yuan', 'lost $300', 'lost Rs 2 lakh'."""
    return tok.lower_ in MONEY_WORDS or (
        tok.like_num
        and any(
            c.tag_ == "$" or c.pos_ == "SYM" or c.lower_ in MONEY_WORDS | {"rs", "rs.", "rm"}
            for c in tok.children
        )
    )


def loses_money(tok: Token) -> bool:
    """The subject of losing a sum is a victim whatever noun names it ('a retired teacher')."""
    verb = tok.head
    return (
        tok.dep_ == "nsubj"
        and tok.pos_ == "NOUN"
        and verb.lemma_.lower() == "lose"
        and any(c.dep_ == "dobj" and is_money(c) for c in verb.children)
    )


_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?")


def is_place_name(text: str, name: str) -> bool:
    """A name NER took for a person or an organisation that the text treats as a place: puts
    something 'in' it, lists it with places ('across Telangana, Andhra Pradesh and
    Karnataka'), has someone come 'from' it, or opens with it as a dateline."""
    exact, starts, dateline = _places_named_in(text)
    return (name in exact or name.lower() == dateline
            or any(text.startswith(name, i) and _ends_a_name(text, i + len(name)) for i in starts))


def _ends_a_name(text: str, end: int) -> bool:
    """A name stops here: no more word, and no possessive ('Rotterdam's port')."""
    rest = text[end:end + 2]
    return not (rest[:1].isalnum() or rest[:1] == "_" or rest in ("'s", "’s"))


@lru_cache(maxsize=16)
def _places_named_in(text: str) -> tuple[frozenset[str], tuple[int, ...], str | None]:
    """Where the text puts place names, found once per text: names that fill a later item of
    a list of places exactly, offsets where a place name starts ('in ...', 'a teacher from
    ...', the last item of a list), and the dateline's name (lower case)."""
    exact: set[str] = set()
    starts: list[int] = []
    for m in _PLACE_LIST.finditer(text):
        starts.append(m.start("items"))
        items = _LIST_SEPARATOR.split(m.group("items"))
        if len(items) > 1 and _LIST_END.search(m.group("items")):
            exact.update(items[1:-1])
            starts.append(m.end("items") - len(items[-1]))
    starts += [m.start("name") for m in _FROM_A_PLACE.finditer(text)]
    d = _DATELINE_NAME.match(text)
    return frozenset(exact), tuple(starts), d.group("name").lower() if d else None


# "in the states of ...", "across the provinces of ...": what may stand before the list.
_REGIONS = (r"(?: the (?:states?|provinces?|regions?|counties|county|districts?|cities|city"
            r"|towns?|prefectures?|municipalities) of)?")
# A capitalised name of up to four words, one item of a list of places.
_ITEM = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}"
_PLACE_LIST = re.compile(
    rf"\b(?:in|near|across|throughout){_REGIONS} "
    rf"(?P<items>(?:{_ITEM}(?:, {_ITEM}){{0,6}}(?:,? (?:and|or) {_ITEM})?)|(?=\S))")
_LIST_SEPARATOR = re.compile(r",? (?:and|or) |, ")
_LIST_END = re.compile(r" (?:and|or) ")
_DATELINE_NAME = re.compile(
    rf"(?P<name>[^,\n]{{1,60}}),\s+(?:{_MONTH}\s+\d|\d{{1,2}}\s+{_MONTH})", re.I)


ORG_WORDS = [
    "bank",
    "company",
    "group",
    "ltd",
    "inc",
    "corp",
    "university",
    "council",
    "ministry",
    "police",
    "bureau",
    "office",
    "agency",
    "association",
    "centre",
    "center",
    "clinic",
    "hospital",
    "school",
    "institute",
    "market",
    "store",
    "shop",
    "telecom",
    "mobile",
    "net",
    "news",
    "daily",
    "times",
    "post",
    "court",
    "department",
    "commission",
    "services",
    "systems",
    "technologies",
    "holdings",
    "partners",
    "media",
    "network",
    "insurance",
    "capital",
    "finance",
    "securities",
    "airlines",
    "motors",
    "labs",
]


def _people_ner_called_organisations(doc: Doc, lex: dict) -> dict[str, str]:
    """NER calls some personal names organisations. A two- or three-word title-case name with
    no organisation word, whose last word also stands alone later ('Vikas Malhotra ...
    Malhotra passed it on'), is a person: organisations are not referred to by a surname."""
    out: dict[str, str] = {}
    words_to_avoid = ORG_WORDS + [k.lower() for k in lex["agency_keywords"]]
    for ent in doc.ents:
        if ent.label_ != "ORG":
            continue
        name = clean_label(ent.text)
        words = name.split()
        if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w[1:].islower() for w in words):
            continue
        if _has_word(name.lower(), words_to_avoid):
            continue
        last = re.escape(words[-1])
        alone = len(re.findall(rf"(?<![\w-]){last}(?![\w-])", text_of(doc)))
        inside = len(re.findall(re.escape(name), text_of(doc)))
        if alone > inside:
            out[name] = "person"
    return out


def _is_surname_he(doc: Doc, sp: SpacySpan) -> bool:
    """'He' as a surname: inside a list of names, not a sentence-initial pronoun."""
    i = sp.start
    prev = doc[i - 1] if i > 0 else None
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    return bool(
        prev is not None and prev.text == "," and nxt is not None and nxt.lower_ in {"and", ","}
    )


def _noun_roles(role: str | None, np: SpacySpan, lex: dict) -> tuple[str, ...]:
    """Roles a noun phrase's own words imply ('professional hackers' -> Hacker)."""
    words = {t.lower_ for t in np}
    if role == "insider":
        return ("LeakSource", "Insider")
    if role == "hacker":
        return ("LeakSource", "Hacker")
    if role == "leak_source":
        return ("LeakSource",) if words & set(lex["leak_source_adjectives"]) else ()
    # "sellers", "buyers", "fraudsters" name roles only when a verb gives them one
    if role == "group" and words & (set(lex["actor_nouns"]["hacker"]) | {"hacking"}):
        return ("LeakSource", "Hacker")
    return ()


def _alt_labels(doc: Doc, head: Token, start: int, end: int) -> tuple[str, ...]:
    """Other names of a described actor: without its number, and with its 'of/from/in' phrase."""
    alts = []
    no_num = [
        t
        for t in doc[start:end]
        if t.dep_ not in {"nummod", "quantmod", "det", "poss", "advmod"} and t.pos_ != "NUM"
    ]
    if no_num:
        alts.append(clean_label(" ".join(t.text for t in no_num)))
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ in {"of", "from", "in", "at", "with"}:
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            if pobj:
                stop = pobj[0].i + 1  # the phrase up to the object's head: "staff in banking"
                alts.append(clean_label(doc[start:stop].text))
            break
    return tuple(dict.fromkeys(a for a in alts if a))


# "a teacher from Benoni": who is said to come from a place.
PEOPLE_FROM = frozenset(("man", "woman", "men", "women", "resident", "residents", "engineer",
                         "teacher", "student", "worker", "pensioner", "retiree", "businessman",
                         "businesswoman", "farmer", "driver", "nurse", "doctor", "couple",
                         "family", "native", "housewife", "trader", "shopkeeper"))
_FROM_A_PLACE = re.compile(rf"\b(?:{'|'.join(sorted(PEOPLE_FROM))}) from (?P<name>{_ITEM})")
# "a Dayton man": a town's name before these nouns says where someone is from.
PEOPLE_OF_A_PLACE = frozenset(("man", "woman", "men", "women", "resident", "residents", "couple",
                               "teenager", "pensioner", "native", "family"))


def org_mentions(doc: Doc, sent_of: dict[int, int], persons: set[str]) -> list[Mention]:
    """Organisations, agencies, places and laws from NER, names of agencies and websites."""
    lex = lexicon()
    agency_kw = [k.lower() for k in lex["agency_keywords"]]
    not_agency = [k.lower() for k in lex["not_agency_keywords"]]
    out: list[Mention] = []
    named = list(_agency_names(doc, sent_of, agency_kw, not_agency))
    named_tokens = {t for m in named for t in range(m.span.start, m.span.end)}
    out.extend(named)
    for ent in doc.ents:
        label = clean_label(ent.text)
        if not label or label in persons:
            continue
        if ent.label_ == "ORG" and (
            ent.start_char in named_tokens or ent.end_char - 1 in named_tokens
        ):
            continue
        low = label.lower()
        sent = sent_of[ent.start]
        # NER often calls a Chinese city a nationality: "police in Jinhua" is still a place
        place_norp = (
            ent.label_ == "NORP"
            and ent.root.dep_ == "pobj"
            and ent.root.head.lower_ in {"in", "from", "at"}
        )
        place_person = ent.label_ == "PERSON" and is_place_name(text_of(doc), label)
        # ... and a town an organisation: "a dealership in Incheon", "a Dayton man"
        place_org = (
            ent.label_ == "ORG"
            and len(label.split()) <= 3
            and not _has_word(low, ORG_WORDS + agency_kw)
            and (is_place_name(text_of(doc), label)
                 or ent.root.dep_ == "compound" and ent.root.head.lower_ in PEOPLE_OF_A_PLACE)
        )
        if ent.label_ in {"GPE", "LOC"} or place_norp or place_person or place_org:
            if re.match(r"(?i)people.s republic$", label):
                continue  # the first half of "People's Republic of China"
            out.append(
                Mention(
                    span=_tok_span(ent), kind="place", label=label, sentence=sent, head=ent.root.i
                )
            )
        elif ent.label_ == "ORG":
            is_agency = _has_word(low, agency_kw) and not _has_word(low, not_agency)
            out.append(
                Mention(
                    span=_tok_span(ent),
                    kind="agency" if is_agency else "org",
                    label=label,
                    sentence=sent,
                    head=ent.root.i,
                )
            )
        elif ent.label_ == "LAW" and LAW_ENDS.search(label):
            out.append(
                Mention(
                    span=_tok_span(ent), kind="law", label=label, sentence=sent, head=ent.root.i
                )
            )
    # Generic agency words NER misses: "police", "prosecutors", "Shanghai police".
    taken = {t for m in out for t in range(m.span.start, m.span.end)}
    for tok in tokens_of(doc):
        low = tok.lower_
        if low not in {
            "police",
            "prosecutors",
            "procuratorate",
            "procuratorates",
            "prosecutor",
        } and not (
            low in {"agency", "office", "bureau", "department"}
            and any(
                c.lower_ in {"prosecution", "prosecuting", "police", "security"} for c in tok.lefts
            )
        ):
            continue
        if tok.idx in taken:
            continue
        start, end = tok.i, tok.i + 1
        for child in tok.lefts:
            if child.dep_ in {"compound", "amod"} and (
                child.pos_ == "PROPN"
                or child.ent_type_ in {"GPE", "NORP"}
                or child.lower_ in AGENCY_MODIFIERS
            ):
                start = min(start, child.left_edge.i)
        sp = doc[start:end]
        out.append(
            Mention(
                span=_tok_span(sp),
                kind="agency",
                label=clean_label(sp.text),
                sentence=sent_of[tok.i],
                head=tok.i,
            )
        )
    # Website names: "shop.com"
    for m in DOMAIN.finditer(text_of(doc)):
        site = _mention_at(doc, m.start(), m.end(), "website", m.group(0), sent_of)
        if site is not None:
            out.append(site)
    out.extend(
        _law_mentions(doc, sent_of, {(m.span.start, m.span.end) for m in out if m.kind == "law"})
    )
    out.extend(_places_in_agencies(doc, out, sent_of))
    out.extend(_listed_places(doc, out, sent_of))
    return out


# NER's LAW spans that name a law end with its head word or year ("Data Protection Act 2018");
# "Section 4" or "the Penal Code and Section 66C" are pieces the law regex finds better.
LAW_ENDS = re.compile(
    r"\b(?:Law|Act|Code|Regulations?|Ordinance|Directive|Constitution|Rules|"
    r"Amendment)(?:\s*(?:of\s+)?\(?\d{4}\)?)?$",
    re.I,
)
# First words of an agency's name that say its rank or reach, not its place.
NOT_AGENCY_PLACES = frozenset(("public", "national", "state", "ministry", "federal", "supreme",
                               "central", "high", "higher", "intermediate", "provincial",
                               "municipal", "district", "regional", "people's", "special",
                               "criminal", "civil", "metropolitan", "county", "general"))

AGENCY_MODIFIERS = {
    "public",
    "local",
    "national",
    "prosecution",
    "prosecuting",
    "police",
    "security",
    "municipal",
    "provincial",
    "federal",
    "state",
}


def _has_word(text: str, phrases: Iterable[str]) -> bool:
    """Whether any phrase occurs in the text as whole words ('inc' is not in 'province')."""
    return _words_pattern(tuple(phrases)).search(text) is not None


@lru_cache(maxsize=128)
def _words_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(rf"\b{re.escape(p)}\b" for p in phrases) or r"(?!)")


AGENCY_NAME = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+){0,5}?(?:Ministry|Bureau|Department|Procuratorate|Police|Court|Commission|"
    r"Administration|Office|Agency|Directorate|Prosecutors?|Task Force)"
    r"(?:\s+of\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:[A-Z][\w'’-]*|of|and|for))*[A-Za-z])?"
)


def _agency_names(
    doc: Doc, sent_of: dict[int, int], keywords: list[str], not_agency: list[str]
) -> Iterable[Mention]:
    """Title-case agency names NER splits: 'Public Security Department of Shandong Province'."""
    for m in AGENCY_NAME.finditer(text_of(doc)):
        text = m.group(0)
        words = text.split()
        while words and words[0] in NOT_NAMES | {"China's", "China’s"}:
            words = words[1:]
        text = " ".join(words)
        low = text.lower()
        if len(words) < 2 or not _has_word(low, keywords) or _has_word(low, not_agency):
            continue
        start = m.start() + m.group(0).find(words[0])
        agency = _mention_at(doc, start, start + len(text), "agency", clean_label(text), sent_of)
        if agency is not None:
            yield agency


LAW_NAME = re.compile(
    r"\b((?:(?:Amendment|Amendments|Provisions?|Articles?|Interpretation)\s+(?:\w+\s+){0,2}?(?:to|of)\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*\s+){0,6}?(?:[Cc]ivil|[Cc]riminal|[A-Z][\w-]*)\s+(?:Law|Code|Act))|"
    r"(?:(?:[A-Z][\w’'-]*|of|on|the|and|for)\s+){0,10}(?:Law|Act|Code|Regulations?|Ordinance|Directive)"
    r"(?:\s+of\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s*)+)?|"
    r"(?:general\s+provisions?|general\s+principles?)\s+of\s+(?:the\s+)?civil\s+law)"
)


def _law_mentions(
    doc: Doc, sent_of: dict[int, int], existing: set[tuple[int, int]]
) -> Iterable[Mention]:
    """Named laws: capitalised '... Law/Act/Code', 'Amendment to ...', 'provisions of civil law'."""
    for m in LAW_NAME.finditer(text_of(doc)):
        text = m.group(1).strip()
        words = text.split()
        while words and (
            words[0].lower() in {"of", "on", "the", "and", "for"} or words[0] in NOT_NAMES
        ):
            words = words[1:]
        if not words:
            continue
        text = " ".join(words)
        # a law needs a name: more than one capitalised word, or a lower-case legal phrase
        caps = sum(1 for w in words if w[:1].isupper())
        if caps < 2 and not re.search(r"civil law|criminal law", text, re.I):
            continue
        if re.search(r"\b(?:Law Firm|Law School|Law Enforcement|Law Society)\b", text, re.I):
            continue
        start = m.start(1) + m.group(1).find(words[0])
        end = start + len(text)
        if re.match(
            r"\s+(?:Firm|Firms|School|Enforcement|Society|Office|Offices|Department)\b",
            text_of(doc)[end:],
        ):
            continue
        if (start, end) in existing:
            continue
        law = _mention_at(doc, start, end, "law", clean_label(text), sent_of)
        if law is not None:
            yield law


PLACE_IN_NAME = re.compile(
    r"^(?:the\s+)?((?:[A-Z][a-z]+\s){1,2}?(?:District|Province|City|County|Prefecture|Municipality))\b|"
    r"^(?:the\s+)?([A-Z][a-z]+)\s+(?:Municipal\s+|Provincial\s+|City\s+)?(?:Public Security|Police|"
    r"People's Procuratorate|People’s Procuratorate|Procuratorate|prosecution|police)"
)


def _listed_places(doc: Doc, mentions: list[Mention], sent_of: dict[int, int]) -> Iterable[Mention]:
    """Places listed with a place NER found: 'across Telangana, Andhra Pradesh and Karnataka'."""
    covered = {t for m in mentions for t in range(m.span.start, m.span.end)}
    places = [m for m in mentions if m.kind == "place"]
    for m in places:
        head = doc[m.head]
        items = [c for c in head.children if c.dep_ == "conj"]
        seen = 0
        while items and seen < 12:
            t = items.pop(0)
            seen += 1
            items.extend(c for c in t.children if c.dep_ == "conj")
            if (
                t.pos_ != "PROPN"
                or t.idx in covered
                or t.ent_type_ in {"PERSON", "ORG", "NORP", "DATE"}
            ):
                continue
            start = min(
                [c.i for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [t.i]
            )
            sp = doc[start : t.i + 1]
            covered.update(range(sp.start_char, sp.end_char))
            yield Mention(
                span=_tok_span(sp),
                kind="place",
                label=clean_label(sp.text),
                sentence=sent_of[t.i],
                head=t.i,
            )


def _places_in_agencies(
    doc: Doc, mentions: list[Mention], sent_of: dict[int, int]
) -> Iterable[Mention]:
    """An agency is named after its place: 'Wuhan Public Security Bureau' -> Wuhan."""
    for m in list(mentions):
        if m.kind != "agency":
            continue
        hit = PLACE_IN_NAME.search(m.span.text)
        if not hit:
            continue
        name = hit.group(1) or hit.group(2)
        if name.split()[0] in NOT_NAMES or name.lower() in NOT_AGENCY_PLACES:
            continue
        start = m.span.start + m.span.text.find(name)
        place = _mention_at(doc, start, start + len(name), "place", name.strip(), sent_of)
        if place is not None:
            yield place


def ad_hoc_data_mentions(doc: Doc, sent_of: dict[int, int], taken: set[int]) -> list[Mention]:
    """Data categories the vocabulary lacks: '<noun> information/data/details/records' in a
    data context ('bought X', 'X, Y and Z were sold')."""
    out = []
    for tok in tokens_of(doc):
        if tok.lower_ not in DATA_HEADS or tok.i in taken:
            continue
        mods = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
        if not mods:
            continue
        first = min(c.left_edge.i for c in mods)
        words = doc[first : tok.i]
        if any(w.lower_ in NOT_DATA_MODIFIERS or w.pos_ in {"NUM", "DET", "PRON"} for w in words):
            continue
        if any(w.i in taken for w in words):
            continue
        if not _data_context(tok):
            continue
        sp = doc[first : tok.i + 1]
        out.append(
            Mention(
                span=_tok_span(sp),
                kind="data",
                label=clean_label(sp.text),
                concept=None,
                sentence=sent_of[tok.i],
                head=tok.i,
            )
        )
    return out


def _data_context(tok: Token) -> bool:
    """Whether a data phrase is traded or taken: the object of such a verb, or listed with one."""
    lex = lexicon()
    verbs = set(lex["frames"]["leak"]) | set(lex["frames"]["sale"]) | set(lex["frames"]["purchase"])
    t = tok
    for _ in range(4):
        if t.dep_ in {"dobj", "nsubjpass", "pobj", "conj", "appos", "attr"}:
            t = t.head
            if t.pos_ in {"VERB", "AUX"}:
                return t.lemma_.lower() in verbs or t.lemma_.lower() in {
                    "include",
                    "involve",
                    "contain",
                }
        else:
            return False
    return False
