"""Figures in news text: counts of records, people and cases, plus money and dates.

A count's unit comes from the noun it counts and the words around it: "4 million items of
client information" counts records, "the details of 400 members" counts records too (each
member stands for one record), "57 suspects" counts people, "30 cases" counts cases. Money
and dates are found first (kg.extract.money, kg.extract.dates) so that a number used as a sum
or a year is never also a count.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from kg.extract.dates import find_times
from kg.extract.money import find_money
from kg.extract.numbers import (
    NUMBER,
    QUALIFIER,
    Occupied,
    Sentences,
    alternation,
    inherit_scale,
    number_value,
    parse_number,
    qualifier_before,
)
from kg.model import Count, Money, Span, TimeExpr

__all__ = ["find_counts", "find_figures", "find_money", "find_times", "parse_number"]

Figure = Money | Count | TimeExpr

# Nouns that name people; a count of them is a count of people unless the people are the
# subjects of the data ("the personal information of 300,000 users").
_PEOPLE = frozenset(
    """
people persons person individuals individual suspects suspect members member victims victim
men man women woman users user customers customer clients client students student citizens
citizen residents resident patients patient subscribers subscriber consumers consumer
employees employee staff staffers workers worker officers officer officials official
defendants defendant criminals criminal fraudsters fraudster hackers hacker accomplices
accomplice offenders offender perpetrators perpetrator culprits culprit shareholders
shareholder investors investor owners owner parents parent children child elderly seniors
senior pensioners retirees passengers passenger depositors applicants buyers buyer sellers
seller agents agent insiders insider netizens holders holder families households adults
minors teenagers girls boys traffickers gangsters brokers others salespeople
patrons drivers borrowers voters homeowners guests visitors teachers doctors executives
""".split()
)
_CASES = frozenset("cases case incidents incident lawsuits lawsuit".split())
# Nouns that count items of something; they count records when the something is data.
_RECORD_UNITS = frozenset(
    """
items item pieces piece entries entry rows row sets set accounts account messages message
copies copy lines line files file profiles profile batches strips
""".split()
)
# Nouns that are records by themselves: "5 million records", "300 personal data".
_RECORD_NOUNS = frozenset("records record data information".split())
_DATA_HEADS = (
    "information", "info", "data", "details", "records", "particulars", "numbers", "names",
    "addresses", "credentials", "passwords", "identities", "profiles", "files", "contacts",
    "emails", "histories", "logs", "itineraries", "whereabouts", "location tracks", "birth",
)  # fmt: skip
# Information that is the crime's content rather than people's data: "fraudulent information".
_ILLEGIT = frozenset(
    """
fraudulent false fake harmful junk spam pornographic obscene illegal misleading rumor rumors
rumour rumours advertising advertisement vulgar violent gambling extremist terrorist malicious
phishing scam scams bogus illegitimate unlawful
""".split()
)
# Words that end a noun phrase: the number has no noun of its own past them.
_BREAK = frozenset(
    """
of to and or in on at for from by with were was is are be been had have has who which that the
a an this these those each per than as into across over under after before since during while
when where whose it its their his her them they he she we i you said says also about including
like were will would could should may might can not no nor but if so yet all both via
""".split()
)
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ous")

_DATA = alternation(_DATA_HEADS)
_COUNT = re.compile(rf"(?P<n1>{NUMBER})(?:\s*(?P<joint>-|–|—|(?i:to|and))\s*(?P<n2>{NUMBER}))?")
_BETWEEN = re.compile(r"(?i:\bbetween\s+)\Z")
_TOKEN = re.compile(r"\s*([A-Za-z]+(?:[-'’][A-Za-z]+)*['’]?|\S)")
_LEFT_EXCLUDE = re.compile(
    r"(?i:\b(?:no|nos|article|articles|section|chapter|room|paragraph|clause|item|level|grade|"
    r"phase|version|vol|page|pages|aged|age|ages|flight|line|road|street|number|route|model|"
    r"class|type|category|tier|block|building|floor|unit|code|top|rank|ranked|size|step)"
    r"\.?\s*|#\s*)\Z"
)
_FOLLOW_EXCLUDE = re.compile(
    r"\s*(?:%|(?i:percent|per\s*cent|pct|percentage\s+points?)\b)"
    r"|(?:-|\s+)(?i:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centur"
    r"(?:y|ies)|times|fold|o'clock|a\.m\.|p\.m\.|am|pm|km|kilomet(?:er|re)s?|met(?:er|re)s?|"
    r"kg|kilograms?|tons?|tonnes?|storey|story|digit)\b|[-\s]?(?i:st|nd|rd|th)\b"
)
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_YEAR_CUE = re.compile(r"(?i:\b(?:in|since|during|until|till|before|after|year|by)\s+)\Z")
# "<data phrase> of [qualifier] N <people>": the count of data subjects stands for the records.
_DATA_OF = re.compile(
    rf"(?i:\b(?:{_DATA}|databases?)(?:\s*\([A-Z]{{2,6}}\))?\s+"
    rf"(?:of|on|about|belonging\s+to|concerning|from|for)\s+"
    rf"(?:(?:the|some|about|nearly|over|around)\s+)?(?:{QUALIFIER}\s+)?)\Z"
)
_POSSESSIVE_DATA = re.compile(rf"(?i:\s+(?:[\w-]+\s+){{0,2}}?(?:{_DATA})\b)")
# "items of [modifiers] <data>", "accounts of depositors": what the record units hold.
_RECORD_TAIL = re.compile(
    rf"(?i:\s+(?P<of>(?:of|on|about)\s+)?(?P<mods>(?:[\w'’-]+\s+){{0,5}}?)(?:{_DATA})\b"
    rf"|\s+(?:of|on|about)\s+(?P<pmods>(?:[\w'’-]+\s+){{0,3}}?)(?:{alternation(_PEOPLE)})\b)"
)
_OF_FOLLOWS = re.compile(r"(?i:\s+of\b)")
_DATA_WORD = re.compile(rf"(?i:\b(?:{_DATA}|personal|database)\b)")
_OF_PEOPLE = re.compile(
    rf"(?i:\s+of\s+(?:the|these|those)\s+(?:[a-z-]+\s+)?(?P<noun>{alternation(_PEOPLE)})\b)"
)
_ARRESTED_BEFORE = re.compile(
    r"(?i:\b(?:arrested|detained|apprehended|nabbed|caught|captured|rounded\s+up|charged|"
    r"prosecuted|indicted|sentenced|convicted|questioned|held)\s+)\Z"
)
_ARRESTED_AFTER = re.compile(
    r"(?i:\s+(?:were|have\s+been|had\s+been|are|was|being)\s+(?:\w+\s+)?(?:arrested|detained|"
    r"apprehended|nabbed|caught|captured|charged|prosecuted|indicted|sentenced|convicted)\b)"
)


def _looks_plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS)


def _compound_head(text: str, pos: int) -> bool:
    nxt = _TOKEN.match(text, pos)
    word = nxt.group(1).lower() if nxt else ""
    return any(
        word in nouns for nouns in (_RECORD_NOUNS, _RECORD_UNITS, _DATA_HEADS, _PEOPLE, _CASES)
    )


def _noun(text: str, pos: int) -> tuple[str | None, int, list[str], bool]:
    """The head noun after a number: (noun, its end, the modifiers before it, possessive?)."""
    mods: list[str] = []
    for _ in range(4):
        m = _TOKEN.match(text, pos)
        if m is None or not m.group(1)[0].isalpha():
            return None, pos, mods, False
        low, poss = m.group(1).lower(), False
        for mark in ("'s", "’s", "'", "’"):
            if low.endswith(mark):
                low, poss = low[: -len(mark)], True
                break
        if low in _PEOPLE and not poss and _compound_head(text, m.end()):
            pass  # "user records", "criminal suspects": the first noun is a modifier
        elif low in _PEOPLE or low in _CASES or low in _RECORD_UNITS or low in _RECORD_NOUNS:
            return low, m.end(), mods, poss
        if low in _BREAK:
            return None, pos, mods, False
        if poss or _looks_plural(low):
            return low, m.end(), mods, poss
        mods.append(low)
        pos = m.end()
    return None, pos, mods, False


def _record_unit(text: str, head_end: int, mods: list[str], sentence: str) -> str:
    """ "items of client information" are records; "items of fraudulent information" are not."""
    if _ILLEGIT.intersection(mods):
        return "other"
    tail = _RECORD_TAIL.match(text, head_end)
    if tail:
        words = (tail["mods"] or tail["pmods"] or "").lower().split()
        if _ILLEGIT.intersection(words):
            return "other"
        if not _BREAK.intersection(words):
            return "records"
    if _OF_FOLLOWS.match(text, head_end):
        return "other"
    # "stole 2 million items, including names and phone numbers": data named in the sentence.
    return "records" if _DATA_WORD.search(sentence) else "other"


def _unit(text: str, start: int, end: int, sentences: Sentences) -> tuple[str | None, int]:
    """The unit of the count whose number spans start..end, and where its phrase ends."""
    head, head_end, mods, poss = _noun(text, end)
    if head is None:
        of = _OF_PEOPLE.match(text, end)
        if of:
            return (
                "records" if _DATA_OF.search(text, max(0, start - 80), start) else "people"
            ), end
        if _ARRESTED_BEFORE.search(text, max(0, start - 20), start) or _ARRESTED_AFTER.match(
            text, end
        ):
            return "people", end
        return None, end
    if head in _RECORD_NOUNS:
        return ("other" if _ILLEGIT.intersection(mods) else "records"), head_end
    if head in _RECORD_UNITS:
        s, e = sentences.bounds(start)
        return _record_unit(text, head_end, mods, text[s:e]), head_end
    if head in _PEOPLE:
        subject = _DATA_OF.search(text, max(0, start - 80), start) or (
            poss and _POSSESSIVE_DATA.match(text, head_end)
        )
        return ("records" if subject else "people"), head_end
    if head in _CASES:
        return "cases", head_end
    if _looks_plural(head) and _DATA_OF.search(text, max(0, start - 80), start):
        return "records", head_end  # "the data of 80,000 new mothers": a record per person
    return "other", head_end


def _counts(text: str, offset: int, taken: Occupied) -> list[Count]:
    sentences = Sentences(text)
    out: list[Count] = []
    last_end = pos = 0
    while (m := _COUNT.search(text, pos)) is not None:
        pos, e = m.end(), m.end()
        low_text, high_text = m["n1"], m["n2"]
        if (
            m["joint"]
            and m["joint"].lower() == "and"
            and not _BETWEEN.search(text, max(0, m.start() - 9), m.start())
        ):  # "3 and 4 people" without "between": two numbers, read one at a time
            pos, e, high_text = m.start("n2"), m.end("n1"), None
        s, qual = qualifier_before(text, m.start())
        if s < last_end or taken.overlaps(s, e):
            continue
        low = number_value(low_text)
        high = number_value(high_text) if high_text else None
        if low is None or (high_text and high is None):
            continue
        if _LEFT_EXCLUDE.search(text, max(0, s - 12), s) or _FOLLOW_EXCLUDE.match(text, e):
            continue
        unit, phrase_end = _unit(text, s, e, sentences)
        if unit is None or (unit == "other" and not low_text[0].isdigit()):
            continue
        if taken.overlaps(s, phrase_end):  # the noun phrase runs into a sum or a date
            continue
        if (
            high is None
            and not qual
            and _YEAR_LIKE.fullmatch(low_text)
            and (unit == "other" or _YEAR_CUE.search(text, max(0, s - 10), s))
        ):
            continue  # "in 2013", "the 2013 report": a year
        if high is not None:
            low = inherit_scale(low, low_text, high, high_text)
            if high < low:
                continue
        out.append(
            Count(
                value=_int(low),
                unit=unit,
                qualifier=qual,
                upper=_int(high) if high is not None else None,
                span=Span(s + offset, phrase_end + offset, text[s:phrase_end]),
            )
        )
        last_end = phrase_end
    return out


def _int(value: Decimal) -> int:
    return int(value.to_integral_value())


def _spans(items: list[Money] | list[TimeExpr]) -> list[tuple[int, int]]:
    return [(x.span.start, x.span.end) for x in items if x.span is not None]


def find_counts(text: str, offset: int = 0) -> list[Count]:
    """Counts of records, people, cases (or other things) in the text, never sums or dates."""
    return _counts(text, offset, Occupied(_spans(find_money(text)) + _spans(find_times(text))))


def find_figures(text: str, offset: int = 0, anchor: str | None = None) -> list[Figure]:
    """Every sum, count and date in the text, by position, no two sharing characters."""
    money = find_money(text)
    money_taken = Occupied(_spans(money))
    times = [
        t
        for t in find_times(text, anchor=anchor)
        if t.span and not money_taken.overlaps(t.span.start, t.span.end)
    ]
    counts = _counts(text, 0, Occupied(_spans(money) + _spans(times)))
    figures: list[Figure] = [*money, *times, *counts]
    figures.sort(key=lambda f: (f.span.start, f.span.end) if f.span else (0, 0))
    return [_shift(f, offset) for f in figures] if offset else figures


def _shift(fig: Figure, offset: int) -> Figure:
    span = fig.span
    if span is None:
        return fig
    return replace(fig, span=Span(span.start + offset, span.end + offset, span.text))
