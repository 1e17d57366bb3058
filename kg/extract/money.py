"""Sums of money in news text: amount, ISO 4217 currency, what the sum is, and its unit or period.

Currency words and the cue words that say what a sum is (price, fee, profit ...) are data in
kg/vocab/currencies.yaml; this module only knows how news lays them out around a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import yaml

from kg.extract.numbers import (
    NUMBER,
    QUALIFIER,
    SCALED_DIGITS,
    Occupied,
    Sentences,
    alternation,
    inherit_scale,
    number_value,
    qualifier_before,
)
from kg.model import Money, Span
from kg.vocab import VOCAB_DIR

_ATTACHED = {"m": Decimal(10**6), "k": Decimal(10**3), "b": Decimal(10**9)}
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_CUE = re.compile(r"(?i:\b(?:in|since|by|of|from|until|till|during|before|after|year)\s+$)")
# The second sum of "4,000 yuan ($652)" or "RMB 10, or about $1.60," restates the first.
_EQUIVALENT_GAP = re.compile(
    rf"\s*(?:[(\[]|,?\s*or|,?\s*i\.e\.,?|,?\s*(?:equivalent|equal)\s+to)\s*(?:{QUALIFIER}\s+)?\Z"
)
_PAREN = re.compile(r"\s*[(\[][^()\[\]]{0,80}[)\]]")
_BETWEEN = re.compile(r"(?i:\bbetween\s+)\Z")
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+|\S)?")
# After a bare "5 lakh" only these words keep it a sum ("paid 5 lakh to"); a noun makes it a count.
_FUNCTION_WORDS = frozenset(
    "to for from in as and or each per a an the was were is are by on with at into over "
    "through after before while which that who".split()
)
_LEFT_WINDOW = 110
_RIGHT_WINDOW = 30


@dataclass(frozen=True)
class _Patterns:
    """The money regexes, compiled once from the vocabulary."""

    money: re.Pattern[str]
    bare_scale: re.Pattern[str]
    cues: _CueTable
    right_per: re.Pattern[str]
    symbols: dict[str, str]
    codes: dict[str, str]
    names: dict[str, str]
    subunits: dict[str, Decimal]
    ambiguous: frozenset[str]
    units: dict[str, str]
    periods: dict[str, str]
    adverbs: dict[str, str]
    bare_currency: str


@dataclass(frozen=True)
class _Cue:
    """A cue phrase found in the text, and what it says about a sum near it."""

    start: int
    end: int
    kind: str
    per: str | None = None


class _CueTable:
    """Cue phrases looked up word by word: far faster than one big regex alternation."""

    _WORD = re.compile(r"[A-Za-z]+")

    def __init__(self, phrases: dict[tuple[str, ...], tuple[str, str | None]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str | None]]] = {}
        for words, (kind, per) in sorted(phrases.items(), key=lambda kv: -len(kv[0])):
            self._by_first.setdefault(words[0], []).append((words, kind, per))

    def find(self, text: str, lo: int, hi: int) -> list[_Cue]:
        """The cues wholly inside text[lo:hi], left to right, longest phrase first."""
        words = [
            m
            for m in self._WORD.finditer(text, lo, hi)
            if not (m.start() > 0 and text[m.start() - 1].isalpha())
            and not (m.end() < len(text) and text[m.end()].isalpha())
        ]
        low = [m.group().lower() for m in words]
        out: list[_Cue] = []
        i = 0
        while i < len(words):
            for phrase, kind, per in self._by_first.get(low[i], ()):
                if tuple(low[i : i + len(phrase)]) == phrase:
                    out.append(_Cue(words[i].start(), words[i + len(phrase) - 1].end(), kind, per))
                    i += len(phrase) - 1
                    break
            i += 1
        return out


def _cue_phrases(v: dict, units: dict[str, str], adverbs: dict[str, str]) -> _CueTable:
    """Every cue phrase of the vocabulary -> (kind, per)."""
    table: dict[tuple[str, ...], tuple[str, str | None]] = {}
    for kind, phrases in v["kinds"].items():
        for phrase in phrases:
            table[tuple(str(phrase).lower().split())] = (str(kind), None)
    for word, unit in units.items():  # "each record was sold for": a price per record
        for lead in ("each", "every", "per"):
            for form in (word, f"{word}s"):
                table[(lead, form)] = ("each", unit)
    for adverb, period in adverbs.items():  # "a monthly fee of"
        for noun in v["periodic_nouns"]:
            table[(adverb, str(noun).lower())] = ("fee", period)
    return _CueTable(table)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    v = yaml.safe_load((VOCAB_DIR / "currencies.yaml").read_text(encoding="utf-8"))
    symbols = {str(k): str(c) for k, c in v["symbols"].items()}
    codes = {str(k): str(c) for k, c in v["codes"].items()}
    names = {" ".join(str(k).lower().split()): str(c) for k, c in v["names"].items()}
    subunits = {str(k).lower(): Decimal(str(f)) for k, f in v["subunits"].items()}
    units = {str(k).lower(): str(u) for k, u in v["per_units"].items()}
    periods = {str(k).lower(): str(p) for k, p in v["periods"].items()}
    adverbs = {str(k).lower(): str(p) for k, p in v["period_adverbs"].items()}
    pre = rf"(?-i:(?<![\w$])(?:{alternation(symbols)}|(?:{alternation(codes)})(?![A-Za-z])))"
    after = (
        rf"(?:(?-i:{alternation(codes)})|(?i:{alternation(names)}|"
        rf"{alternation(subunits)}))(?![\w$])"
    )
    joint = r"\s*(?:-|–|—|to|and)\s*"
    money = re.compile(
        r"(?:"
        rf"(?P<pre>{pre})\s?(?P<pnum>{SCALED_DIGITS})(?P<patt>[mkbMKB])?(?![A-Za-z\d])"
        rf"(?:(?P<pjoint>{joint})(?P<pre2>{pre})?\s?(?P<pnum2>{SCALED_DIGITS})(?P<patt2>[mkbMKB])?"
        rf"(?![A-Za-z\d]))?"
        rf"|(?P<snum>{NUMBER})(?:(?P<sjoint>{joint})(?P<snum2>{NUMBER}))?"
        rf"(?:\s+|-)(?P<cur>{after}))"
    )
    bare = re.compile(
        r"(?P<snum>(?<![\w.,])\d[\d,.]*\s+(?i:lakhs?|crores?))"
        r"(?![\w-])"
    )
    unit_words = alternation([*units, *(f"{u}s" for u in units)])
    period_words = alternation(periods)
    right_per = re.compile(
        rf"(?i:\s*(?:(?:(?:per|an?|each|every|for\s+(?:each|every|one))\s+|/\s*)"
        rf"(?:(?P<period>{period_words})|(?P<unit>{unit_words}))\b"
        rf"|(?P<adverb>{alternation(adverbs)})\b"
        rf"|(?P<each>{alternation(v['each_words'])})\b(?!\s+time)))"
    )
    return _Patterns(
        money=money,
        bare_scale=bare,
        cues=_cue_phrases(v, units, adverbs),
        right_per=right_per,
        symbols=symbols,
        codes=codes,
        names=names,
        subunits=subunits,
        ambiguous=frozenset(str(w).lower() for w in v["ambiguous_names"]),
        units=units,
        periods=periods,
        adverbs=adverbs,
        bare_currency=str(v["bare_scale_currency"]),
    )


@dataclass
class _Sum:
    """A sum found in the text before its kind is known."""

    start: int
    end: int
    amount: Decimal
    currency: str | None  # None: a subunit ("cents") of the text's currency
    qualifier: str | None
    kind: str = "amount"
    per: str | None = None
    upper: _Sum | None = None  # the other end of a range: both ends share its kind


def _currency(p: _Patterns, m: re.Match[str], group: str = "pre") -> str | None:
    if m.group("pre"):
        pre = (m.group(group) or m.group("pre")).strip()
        return p.symbols.get(pre) or p.codes.get(pre)
    cur = " ".join(m.group("cur").split())
    return p.codes.get(cur) or p.names.get(cur.lower())


def _scaled(value: Decimal | None, attached: str | None) -> Decimal | None:
    if value is None or not attached:
        return value
    return value * _ATTACHED[attached.lower()]


def _sums_from_match(p: _Patterns, text: str, m: re.Match[str]) -> list[_Sum]:
    """One sum, or two for a range ("5 to 10 yuan", "$5-$10")."""
    prefixed = m.group("pre") is not None
    g = "p" if prefixed else "s"
    cur_word = (m.group("cur") or "").lower()
    unit = p.subunits.get(" ".join(cur_word.split())) if not prefixed else None
    low_text, high_text = m.group(f"{g}num"), m.group(f"{g}num2")
    low = _scaled(number_value(low_text), m.group("patt") if prefixed else None)
    if low is None:
        return []
    if not prefixed and cur_word in p.ambiguous:
        # "in 2010 won", "200 pounds of flour": words that are money only sometimes.
        if _YEAR.fullmatch(low_text) or re.match(r"\s+of\b", text[m.end() :]):
            return []
    if (
        not prefixed
        and high_text is None
        and _YEAR.fullmatch(low_text)
        and _YEAR_CUE.search(text[max(0, m.start() - 12) : m.start()])
    ):
        return []
    currency = None if unit is not None else _currency(p, m)
    if unit is None and currency is None:
        return []
    start, qual = qualifier_before(text, m.start())
    if high_text is None:
        return [_Sum(start, m.end(), low * (unit or 1), currency, qual)]
    high = _scaled(number_value(high_text), m.group("patt2") if prefixed else None)
    joint = m.group(f"{g}joint").strip().lower()
    between = _BETWEEN.search(text[max(0, m.start() - 9) : m.start()]) is not None
    low_end = m.end("patt") if prefixed and m.group("patt") else m.end(f"{g}num")
    if high is None:
        return [_Sum(start, low_end, low * (unit or 1), currency, qual)]
    if joint == "and" and not between:  # two sums side by side, not a range
        return [
            _Sum(start, low_end, low * (unit or 1), currency, qual),
            _Sum(
                m.end(f"{g}joint"),
                m.end(),
                high * (unit or 1),
                _currency(p, m, "pre2") if prefixed else currency,
                None,
            ),
        ]
    if not prefixed:
        low = inherit_scale(low, low_text, high, high_text)
    upper = _Sum(
        m.end(f"{g}joint"),
        m.end(),
        high * (unit or 1),
        _currency(p, m, "pre2") if prefixed else currency,
        "up to",
    )
    return [
        _Sum(start, low_end, low * (unit or 1), currency, qual or "at least", upper=upper),
        upper,
    ]


def _bare_scale_sum(p: _Patterns, text: str, m: re.Match[str], sentences: Sentences) -> _Sum | None:
    """ "paid 5 lakh" in a sentence that speaks of money is a sum in rupees."""
    word = _NEXT_WORD.match(text, m.end())
    nxt = (word.group(1) or "").lower() if word else ""
    if nxt.isalpha() and nxt not in _FUNCTION_WORDS:
        return None
    s, e = sentences.bounds(m.start())
    if not p.cues.find(text, s, e):
        return None
    value = number_value(m.group("snum"))
    if value is None:
        return None
    start, qual = qualifier_before(text, m.start())
    return _Sum(start, m.end(), value, p.bare_currency, qual)


def _right_text_start(text: str, end: int) -> int:
    """Where the words after a sum start, past a parenthesised restatement "($652)"."""
    paren = _PAREN.match(text, end)
    return paren.end() if paren else end


def _after_per(p: _Patterns, text: str, end: int) -> int:
    """Where the words about a sum end: past its restatement and its "per record"."""
    after = _right_text_start(text, end)
    per = p.right_per.match(text, after)
    return per.end() if per else after


def _kind(
    p: _Patterns, text: str, item: _Sum, sentences: Sentences, floor: int
) -> tuple[str, str | None]:
    """What a sum is and its unit or period, from the cue words around it in its sentence.

    floor is where the words about the sum before end: an "each record" before it is not ours.
    """
    s_start, s_end = sentences.bounds(item.start)
    after = _right_text_start(text, item.end)
    per = p.right_per.match(text, after, s_end)
    if per:
        if per.group("period"):
            return "fee", p.periods[per.group("period").lower()]
        if per.group("adverb"):
            return "fee", p.adverbs[per.group("adverb").lower()]
        if per.group("unit"):
            return "unit_price", _unit(p, per.group("unit"))
        return "unit_price", "item"
    lefts = p.cues.find(text, max(s_start, item.start - _LEFT_WINDOW), item.start)
    rights = p.cues.find(text, after, min(s_end, after + _RIGHT_WINDOW))
    # "each record" only says what a price is for ("each record was sold for"), see below.
    each = [c for c in lefts if c.kind == "each" and c.start >= floor]
    lefts = [c for c in lefts if c.kind != "each"]
    left = lefts[-1] if lefts else None
    right = next((c for c in rights if c.kind != "each"), None)
    cue = left
    # A cue just after the sum ("3,000 yuan in illegal gains") beats a farther or neutral one.
    if right and (
        left is None or right.start - after < item.start - left.end or left.kind == "amount"
    ):
        cue = right
    if cue is None:
        return "amount", None
    if cue.kind == "price" and each and each[-1].start < cue.start:
        return "unit_price", each[-1].per  # "each record was sold for 0.5 yuan"
    return cue.kind, cue.per


def _unit(p: _Patterns, word: str) -> str:
    w = word.lower()
    return p.units.get(w) or p.units.get(w[:-1], w)


def find_money(text: str, offset: int = 0) -> list[Money]:
    """Every sum of money in the text, with its currency, kind and span (offsets + offset)."""
    p = _patterns()
    sentences = Sentences(text)
    sums: list[_Sum] = []
    for m in p.money.finditer(text):
        sums.extend(_sums_from_match(p, text, m))
    taken = Occupied((x.start, x.end) for x in sums)
    for m in p.bare_scale.finditer(text):
        if not taken.overlaps(m.start(), m.end()):
            found = _bare_scale_sum(p, text, m, sentences)
            if found:
                sums.append(found)
    sums.sort(key=lambda x: x.start)
    _fill_subunit_currency(sums)
    head: _Sum | None = None
    for item in sums:
        if item is head:  # the upper end of a range: done with its lower end
            continue
        if head is not None and _EQUIVALENT_GAP.fullmatch(text, head.end, item.start):
            item.kind, item.per = head.kind, head.per
            continue
        floor = _after_per(p, text, head.end) if head else 0
        head = item.upper or item
        kind, per = _kind(p, text, head, sentences, floor)
        item.kind, item.per, head.kind, head.per = kind, per, kind, per
    return [
        Money(
            amount=float(x.amount),
            currency=x.currency or "USD",
            kind=x.kind,
            per=x.per,
            qualifier=x.qualifier,
            span=Span(x.start + offset, x.end + offset, text[x.start : x.end]),
        )
        for x in sums
    ]


def _fill_subunit_currency(sums: list[_Sum]) -> None:
    """ "50 cents" is a hundredth of the nearest currency named in the text (USD if none)."""
    named = [x for x in sums if x.currency]
    for x in sums:
        if x.currency is None:
            near = min(named, key=lambda n: abs(n.start - x.start), default=None)
            x.currency = near.currency if near else "USD"
