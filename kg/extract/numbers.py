"""Numbers as news writes them: digits with commas, scale words, lakh and crore, number words.

Shared by the money, count and date finders: the regex fragments that find a number in
running text, the qualifiers news puts before it, and the parser that turns it into a value.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

# Words before a number that say it is approximate or a bound; kept as written, lower case.
QUALIFIERS = (
    "more than", "over", "around", "nearly", "at least", "about", "less than", "almost",
    "approximately", "roughly", "up to", "some", "close to", "fewer than", "under",
    "in excess of", "upwards of", "as many as", "as much as", "no less than", "no fewer than",
    "not less than", "an estimated", "approx.", "just over", "just under", "well over",
)  # fmt: skip

_ONES = dict(zip("one two three four five six seven eight nine".split(), range(1, 10),
                 strict=True))  # fmt: skip
_TEENS = dict(zip("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
                  "nineteen".split(), range(10, 20), strict=True))  # fmt: skip
_TENS = dict(zip("twenty thirty forty fifty sixty seventy eighty ninety".split(),
                 range(20, 100, 10), strict=True))  # fmt: skip
WORD_VALUES = {**_ONES, **_TEENS, **_TENS, "a": 1, "an": 1}
# Multipliers that close a group ("3 million") and those that scale within one ("3 hundred").
_BIG_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
               "lakh": 10**5, "lakhs": 10**5, "crore": 10**7, "crores": 10**7, "k": 10**3,
               "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}  # fmt: skip
_SMALL_SCALES = {"hundred": 100, "dozen": 12}


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal phrases, longest first; a space matches any white space."""
    items = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


QUALIFIER = rf"(?i:{alternation(QUALIFIERS)})"
_SCALE_WORD = r"(?i:hundred|thousand|million|billion|trillion|lakhs?|crores?)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
# Digits with an optional scale ("26 million", "5 lakh", "1.4bn"); no letter or digit may
# follow, so "1st", "3.5.1" and "09:14" give no number.
SCALED_DIGITS = (
    rf"{_DIGITS}(?![\d:/]|[.,]\d)"
    rf"(?:(?:\s+{_SCALE_WORD}){{1,2}}(?![\w-])|(?i:\s?(?:bn|mn|tn))(?![\w-]))?"
)
# In running text a number stands alone: not "COVID-19", "4G" or "A380".
DIGIT_NUMBER = rf"(?<![\w.,:/#])(?<![A-Za-z]-){SCALED_DIGITS}(?![A-Za-z])"
_TEEN_WORDS = "|".join(sorted(_TEENS, key=len, reverse=True))
_W = rf"(?:(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_ONES)}))?|{_TEEN_WORDS}|{'|'.join(_ONES)})"
_WSCALE = r"(?:hundred|thousand|million|billion|trillion|lakhs?|crores?|dozen)"
# "a dozen", "one hundred and twenty", "twenty-five", "three million"; not "tens of thousands".
# The repeat is bounded so that a long run of number words cannot make matching slow.
WORD_NUMBER = (
    rf"(?i:(?<![\w-])(?:an?\s+{_WSCALE}(?:\s+{_WSCALE}){{0,3}}"
    rf"|{_W}(?:\s+{_WSCALE}(?:\s+and(?=\s+{_W}))?|\s+{_W}|-{_WSCALE}){{0,7}})(?![\w-]))"
)
NUMBER = rf"(?:{DIGIT_NUMBER}|{WORD_NUMBER})"

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+")
_QUALIFIER_PREFIX = re.compile(rf"^\s*{QUALIFIER}\s+", re.I)
_NUMBER_FULL = re.compile(rf"\s*(?:{NUMBER})\s*")
_MAX_VALUE = Decimal(10) ** 18


def number_value(text: str) -> Decimal | None:
    """The exact value of a number phrase already known to be one (no qualifier)."""
    total = Decimal(0)
    current: Decimal | None = None
    for tok in _TOKEN.findall(text.lower()):
        if tok[0].isdigit():
            try:
                current = (current or Decimal(0)) + Decimal(tok.replace(",", ""))
            except InvalidOperation:
                return None
        elif tok in WORD_VALUES:
            current = (current or Decimal(0)) + WORD_VALUES[tok]
        elif tok in _SMALL_SCALES:
            current = (current if current is not None else Decimal(1)) * _SMALL_SCALES[tok]
        elif tok in _BIG_SCALES:
            total += (current if current is not None else Decimal(1)) * _BIG_SCALES[tok]
            current = None
        elif tok != "and":
            return None
    total += current or Decimal(0)
    if not total.is_finite() or total > _MAX_VALUE or not math.isfinite(float(total)):
        return None
    return total


def parse_number(text: str) -> float | None:
    """The value of a number as news writes it ("1.4 billion", "5 lakh", "a dozen"), else None."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    body = _QUALIFIER_PREFIX.sub("", text, count=1)
    if not _NUMBER_FULL.fullmatch(body):
        return None
    value = number_value(body)
    return float(value) if value is not None else None


_QUALIFIER_BEFORE = re.compile(rf"\b{QUALIFIER}\s+\Z")


def qualifier_before(text: str, start: int) -> tuple[int, str | None]:
    """The qualifier written just before a number ("more than 5"): (where it starts, its words).

    Looked for backwards from each number: far cheaper than trying every qualifier at every
    position of the text.
    """
    m = _QUALIFIER_BEFORE.search(text, max(0, start - 24), start)
    if m is None:
        return start, None
    return m.start(), " ".join(m.group().lower().split())


def inherit_scale(low: Decimal, low_text: str, high: Decimal, high_text: str) -> Decimal:
    """The lower end of "5 to 6 billion" borrows the upper end's scale word."""
    low_tokens = _TOKEN.findall(low_text.lower())
    high_tokens = _TOKEN.findall(high_text.lower())
    if any(t in _BIG_SCALES for t in low_tokens) or not any(t in _BIG_SCALES for t in high_tokens):
        return low
    base = number_value(" ".join(t for t in high_tokens if t not in _BIG_SCALES)) or Decimal(0)
    if base > 0 and Decimal(0) < low <= base:
        return low * (high / base)
    return low


# Sentence ends: . ! ? (and closing quotes) before white space and a capital or an opening
# quote, or a line break. Abbreviations before a digit ("Rs. 500", "No. 3") do not end one.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])|\n\s*")


class Sentences:
    """Sentence boundaries of a text, so cue words are looked for in the figure's own sentence."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self._len = len(text)

    def bounds(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding character position pos."""
        i = bisect.bisect_right(self._starts, pos) - 1
        end = self._starts[i + 1] if i + 1 < len(self._starts) else self._len
        return self._starts[max(i, 0)], end


class Occupied:
    """Stretches of text already claimed by a figure, so a number is read only once."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether start..end shares a character with a claimed stretch."""
        i = bisect.bisect_left(self._starts, end) - 1
        return i >= 0 and self._ends[i] > start
