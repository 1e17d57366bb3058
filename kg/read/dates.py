"""Publication dates as news pages write them -> ISO YYYY-MM-DD."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_PATTERNS = (
    # 2013-07-31, 2013/7/31, 2013.07.31, 2013年7月31日, 2022-11-08T07:45:00+08:00
    re.compile(_YEAR + r"\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"),
    # July 31, 2013 / Sept. 26 2016 / Jul 31st, 2013
    re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR + r"\b", re.I),
    # 31 July 2013 / 31st of July, 2013
    re.compile(
        r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I
    ),
    # 31/07/2013 or 07/31/2013: only read when the day cannot be a month
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.]" + _YEAR + r"\b"),
)


@dataclass(frozen=True)
class FoundDate:
    """A date in a line of text and where it was written."""

    iso: str
    start: int
    end: int


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> FoundDate | None:
    """The first calendar date written in the text, if any."""
    found: list[FoundDate] = []
    for pat in _PATTERNS:
        for m in pat.finditer(text):
            g = m.groupdict()
            y = int(g["y"])
            if "mon" in g and g["mon"]:
                iso = _valid(y, _MONTHS[g["mon"][:3].lower()], int(g["d"]))
            elif "a" in g and g["a"]:
                a, b = int(g["a"]), int(g["b"])
                if a > 12 >= b:
                    iso = _valid(y, b, a)
                elif b > 12 >= a:
                    iso = _valid(y, a, b)
                else:
                    iso = None  # 03/04/2016 could be either; better no date than a wrong one
            else:
                iso = _valid(y, int(g["m"]), int(g["d"]))
            if iso:
                found.append(FoundDate(iso, m.start(), m.end()))
                break
    return min(found, key=lambda f: f.start) if found else None


def parse_date(text: str | None) -> str | None:
    """ISO date of a meta tag value or a dateline, or None."""
    if not text:
        return None
    hit = find_date(text)
    return hit.iso if hit else None
