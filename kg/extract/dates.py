"""Dates and periods in news text, resolved against the article's date when it is known.

Each expression becomes start/end strings of the precision the text gives: "YYYY", "YYYY-MM"
or "YYYY-MM-DD". A month or weekday without a year takes the most recent one on or before
the article date; relative words ("last month") need the article date and stay unresolved
without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kg.model import Span, TimeExpr

_MONTH_WORDS = "january february march april may june july august september october november"
_MONTHS = {m: i + 1 for i, m in enumerate(f"{_MONTH_WORDS} december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday".split())}
_WEEKDAYS.update(saturday=5, sunday=6)
_SMALL = dict(
    zip(
        "one two three four five six seven eight nine ten eleven twelve".split(),
        range(1, 13),
        strict=True,
    )
)
_SMALL.update(a=1, an=1)
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "latter": 2}  # fmt: skip

# Month names are matched with their capital so that "may" and "march" in prose are not dates.
_FULL_MONTH = (
    "(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b"
)
_MONTH = rf"(?:{_FULL_MONTH}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
_YEAR_CORE = r"(?:1[89]\d\d|20\d\d)(?![\d,]\d|\d)"
_YEAR = rf"(?<![\d,.$£€¥-]){_YEAR_CORE}"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# "last June", "next Monday": looked for backwards from the name, which is cheaper than an
# optional group tried at every position.
_WHICH = re.compile(r"(?i:\b(?P<which>last|this|next)\s+)\Z")
_YEAR_SPEC = (
    rf"(?:(?P<y>{_YEAR})|(?:the\s+)?(?P<rel>this|last|next|previous|current|"
    r"following|same)\s+year|the\s+year)"
)

_D = tuple[int, int | None, int | None]  # year, month, day: a date of the precision given
_Anchor = date | None  # the article date


@dataclass(frozen=True)
class _Atom:
    """One date or period as written, before ranges are joined."""

    start: int
    end: int
    lo: _D | None = None
    hi: _D | None = None
    month: tuple[int, int | None, str] | None = None  # month, day, mode: year still to find


def _fmt(d: _D | None) -> str | None:
    if d is None:
        return None
    y, m, dd = d
    out = f"{y:04d}"
    if m is not None:
        out += f"-{m:02d}"
        if dd is not None:
            out += f"-{dd:02d}"
    return out


def _valid(y: int, m: int, d: int | None) -> bool:
    try:
        date(y, m, d or 1)
    except ValueError:
        return False
    return True


def _month_of(word: str) -> int:
    w = word.lower().rstrip(".")
    return _MONTHS.get(w) or _MONTHS[w[:3]]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group())  # type: ignore[union-attr]


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _which(m: re.Match[str]) -> tuple[int, str | None]:
    """Where a month or weekday phrase starts, and its "last"/"this"/"next" if it has one."""
    w = _WHICH.search(m.string, max(0, m.start() - 6), m.start())
    return (w.start(), w["which"].lower()) if w else (m.start(), None)


def _point(s: int, e: int, d: _D) -> _Atom:
    return _Atom(s, e, d, d)


def _relative_year(rel: str | None, anchor: _Anchor) -> int | None:
    if anchor is None:
        return None
    shift = {"last": -1, "previous": -1, "next": 1, "following": 1}.get((rel or "").lower(), 0)
    return anchor.year + shift


# Handlers: (match, anchor) -> atom or None.
def _iso(m: re.Match[str], a: _Anchor) -> _Atom | None:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    return _point(m.start(), m.end(), (y, mo, d)) if _valid(y, mo, d) else None


def _full(m: re.Match[str], a: _Anchor) -> _Atom | None:
    y, mo = int(m["y"]), _month_of(m["mon"])
    d = _day(m["d"]) if m["d"] else None
    return _point(m.start(), m.end(), (y, mo, d)) if _valid(y, mo, d) else None


def _month_day(m: re.Match[str], a: _Anchor) -> _Atom | None:
    mo = _month_of(m["mon"])
    d = _day(m["d"]) if m["d"] else None
    if not _valid(2000, mo, d):
        return None
    start, which = _which(m)
    return _Atom(start, m.end(), month=(mo, d, which or "in"))


def _year(m: re.Match[str], a: _Anchor) -> _Atom | None:
    return _point(m.start(), m.end(), (int(m["y"]), None, None))


def _year_range(m: re.Match[str], a: _Anchor) -> _Atom | None:
    lo, hi = int(m["y"]), int(m["y2"])
    return _Atom(m.start(), m.end(), (lo, None, None), (hi, None, None)) if lo < hi else None


def _decade(m: re.Match[str], a: _Anchor) -> _Atom | None:
    y = int(m["y"])
    return _Atom(m.start(), m.end(), (y, None, None), (y + 9, None, None))


def _part_of_year(m: re.Match[str], a: _Anchor) -> _Atom | None:
    y = int(m["y"]) if m["y"] else _relative_year(m["rel"], a)
    kind = m["part"].lower()
    if kind == "months":  # "the first N months of"
        n = int(m["n"]) if m["n"].isdigit() else _SMALL[m["n"].lower()]
        first, last = 1, min(max(n, 1), 12)
    else:
        n = _ORDINALS[m["ord"].lower()] if m["ord"] else int(m["num"])
        size = 3 if kind[0] == "q" else 6
        if n * size > 12:
            return None
        first, last = size * (n - 1) + 1, size * n
    if y is None:
        return _Atom(m.start(), m.end())
    return _Atom(m.start(), m.end(), (y, first, None), (y, last, None))


def _relative(m: re.Match[str], a: _Anchor) -> _Atom | None:
    if a is None:
        return _Atom(m.start(), m.end())
    which = " ".join(m["which"].lower().split()).removeprefix("the ")
    shift = {"last": -1, "previous": -1, "next": 1, "following": 1, "coming": 1}.get(which, 0)
    unit, t = m["unit"].lower(), a
    if unit == "year":
        return _point(m.start(), m.end(), (t.year + shift, None, None))
    if unit == "month":
        y, mo = _add_months(t.year, t.month, shift)
        return _point(m.start(), m.end(), (y, mo, None))
    monday = t - timedelta(days=t.weekday()) + timedelta(weeks=shift)
    sunday = monday + timedelta(days=6)
    return _Atom(
        m.start(),
        m.end(),
        (monday.year, monday.month, monday.day),
        (sunday.year, sunday.month, sunday.day),
    )


def _day_word(m: re.Match[str], a: _Anchor) -> _Atom | None:
    if a is None:
        return _Atom(m.start(), m.end())
    d = a - timedelta(days=1 if m["w"].lower() == "yesterday" else 0)
    return _point(m.start(), m.end(), (d.year, d.month, d.day))


def _ago(m: re.Match[str], a: _Anchor) -> _Atom | None:
    if a is None:
        return _Atom(m.start(), m.end())
    n = int(m["n"]) if m["n"].isdigit() else _SMALL[m["n"].lower()]
    unit, t = m["unit"].lower().rstrip("s"), a
    if unit == "year":
        return _point(m.start(), m.end(), (t.year - n, None, None))
    if unit == "month":
        y, mo = _add_months(t.year, t.month, -n)
        return _point(m.start(), m.end(), (y, mo, None))
    d = t - timedelta(days=n * (7 if unit == "week" else 1))
    return _point(m.start(), m.end(), (d.year, d.month, d.day))


def _past(m: re.Match[str], a: _Anchor) -> _Atom | None:
    s, e = m.span("body")
    if a is None:
        return _Atom(s, e)
    n = int(m["n"]) if m["n"] and m["n"].isdigit() else _SMALL.get((m["n"] or "one").lower(), 1)
    unit, t = m["unit"].lower().rstrip("s"), a
    if unit == "day" or unit == "week":
        d = t - timedelta(days=n * (7 if unit == "week" else 1))
        return _Atom(s, e, (d.year, d.month, d.day), (t.year, t.month, t.day))
    y, mo = _add_months(t.year, t.month, -n * (12 if unit == "year" else 1))
    return _Atom(s, e, (y, mo, None), (t.year, t.month, None))


def _weekday(m: re.Match[str], a: _Anchor) -> _Atom | None:
    start, which = _which(m)
    if a is None:
        return _Atom(start, m.end())
    wd, t = _WEEKDAYS[m["wd"].lower()], a
    if which == "next":
        d = t + timedelta(days=(wd - t.weekday()) % 7 or 7)
    else:
        d = t - timedelta(days=(t.weekday() - wd) % 7 or (7 if which == "last" else 0))
    return _point(start, m.end(), (d.year, d.month, d.day))


_I = re.IGNORECASE
_Handler = Callable[[re.Match[str], _Anchor], _Atom | None]
_ONE_TO_12 = "|".join(_SMALL)


# Cheap tests of a whole text: a rule runs only when the words it needs are there at all.
_GATES = {
    "digit": re.compile(r"\d"),
    "month": re.compile(_MONTH),
    "part": re.compile(r"(?i:half|quarter|months)"),
    "rel": re.compile(r"(?i:last|this|next|previous|current|coming|following|past|ago|earlier)"),
    "day": re.compile(r"(?i:day)"),
}


def _rule(
    gate: str, pattern: str, handler: _Handler, needs_cue: bool = False, flags: int = 0
) -> tuple[str, re.Pattern[str], _Handler, bool]:
    return gate, re.compile(pattern, flags), handler, needs_cue


# (gate, pattern, handler, needs a cue word before it). Where two overlap the longer one wins.
_RULES: tuple[tuple[str, re.Pattern[str], _Handler, bool], ...] = (
    _rule("digit", rf"(?P<y>{_YEAR})[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?![\d.]\d)", _iso),
    _rule("month", rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})", _full),
    _rule("month", rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})", _full),
    _rule("month", rf"\b(?P<mon>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})(?P<d>)", _full),
    _rule("month", rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})\b(?![,.]?\d)", _month_day),
    _rule("month", rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{_MONTH})", _month_day),
    _rule("month", rf"\b(?P<mon>{_FULL_MONTH})\b(?P<d>)", _month_day, needs_cue=True),
    _rule("digit", rf"(?P<y>{_YEAR})\s*(?:-|–|—|to|through|until)\s*(?P<y2>{_YEAR_CORE})",
          _year_range),
    _rule("digit", r"\b(?:the\s+)?(?P<y>(?:1[89]|20)\d0)'?s\b", _decade, flags=_I),
    _rule("digit", rf"(?P<y>{_YEAR})(?![-–]\d)", _year, needs_cue=True),
    _rule("part", rf"\b(?:the\s+)?(?P<ord>first|second|third|fourth|latter|1st|2nd|3rd|4th)\s+"
          rf"(?P<part>half|quarter)(?:[-\s]year)?\s+of\s+{_YEAR_SPEC}(?P<num>)(?P<n>)",
          _part_of_year, flags=_I),
    _rule("digit", rf"\b(?P<part>[HQ])(?P<num>[1-4])\s*(?:of\s+)?(?P<y>{_YEAR})(?P<rel>)"
          r"(?P<ord>)(?P<n>)", _part_of_year),
    _rule("part", rf"\b(?:the\s+)?first\s+(?P<n>\d{{1,2}}|{_ONE_TO_12})\s+(?P<part>months)\s+"
          rf"of\s+{_YEAR_SPEC}(?P<ord>)(?P<num>)", _part_of_year, flags=_I),
    _rule("rel", r"\b(?P<which>last|this|next|previous|current|coming|the\s+previous|"
          r"the\s+following)\s+(?P<unit>year|month|week)\b", _relative, flags=_I),
    _rule("day", r"\b(?P<w>yesterday|today)\b", _day_word, flags=_I),
    _rule("rel", rf"\b(?P<n>\d{{1,2}}|{_ONE_TO_12})\s+(?P<unit>years?|months?|weeks?|days?)\s+"
          r"(?:ago|earlier)\b", _ago, flags=_I),
    _rule("rel", rf"\b(?:in|over|during|within|for)\s+(?P<body>the\s+(?:past|last|previous)"
          rf"\s+(?:(?P<n>\d{{1,2}}|{_ONE_TO_12})\s+)?(?P<unit>years?|months?|weeks?|days?))\b",
          _past, flags=_I),
    _rule("day", r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
          _weekday),
)  # fmt: skip

# A bare month or year is a date only after a word that introduces one ("in June", "since
# 2016", "between October and"); the weak cues also introduce counts ("of 2000 users").
_STRONG_CUE = re.compile(
    r"(?i:\b(?:in|since|during|until|till|before|after|throughout|from|between|through|by|"
    r"early|late|mid|end\s+of|beginning\s+of|start\s+of|middle\s+of|year|fiscal|as\s+of|"
    r"last|this|next|around|starting|beginning|spring|summer|autumn|fall|winter|"
    r"of\s+the\s+year)[-\s]+)\Z"
)
_WEAK_CUE = re.compile(r"(?i:\b(?:and|to|of|or|the|for|on)\s+)\Z")
_AFTER_WEAK_OK = frozenset(
    "and or to when as after before until while the a in on at for with by was were is had "
    "has have saw respectively compared".split()
)
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")
_MODIFIER = re.compile(
    r"(?i:\b(?:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|"
    r"the\s+start\s+of|the\s+middle\s+of)[-\s]+)\Z"
)
_WRAPPER = re.compile(
    r"(?i:\b(?P<w>between|from|since|until|till|before|after|starting(?:\s+in)?|"
    r"beginning\s+in|as\s+of|up\s+to)\s+)\Z"
)
_JOINT = re.compile(r"\s*(?P<j>-|–|—|to|until|till|through|and)\s*(?:the\s+end\s+of\s+)?")
_LOOKBACK = 30


def _cued(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - _LOOKBACK) : start]
    if _STRONG_CUE.search(before):
        return True
    if not _WEAK_CUE.search(before):
        return False
    nxt = _NEXT_WORD.match(text, end)
    return nxt is None or not nxt.group(1).islower() or nxt.group(1) in _AFTER_WEAK_OK


def _atoms(text: str, anchor: _Anchor) -> list[_Atom]:
    """Every date or period written in the text, longest first where they overlap."""
    found: list[_Atom] = []
    present = {name for name, gate in _GATES.items() if gate.search(text)}
    for gate, rx, handler, needs_cue in _RULES:
        if gate not in present:
            continue
        for m in rx.finditer(text):
            if needs_cue and not _cued(text, m.start(), m.end()):
                continue
            atom = handler(m, anchor)
            if atom is not None:
                found.append(atom)
    found.sort(key=lambda x: (x.start, x.start - x.end))
    kept: list[_Atom] = []
    for atom in found:
        if not kept or atom.start >= kept[-1].end:
            mod = _MODIFIER.search(text, max(0, atom.start - _LOOKBACK), atom.start)
            if mod and (not kept or mod.start() >= kept[-1].end):
                atom = replace(atom, start=mod.start())
            kept.append(atom)
    return kept


def _settle(atom: _Atom, anchor: _Anchor, hint: _D | None = None, after: bool = False) -> _Atom:
    """Give a month without a year its year: from the other end of a range, else the anchor."""
    if atom.month is None:
        return atom
    mo, d, mode = atom.month
    if hint is not None:
        hy, hm = hint[0], hint[1] or (12 if not after else 1)
        y = (hy if mo >= hm else hy + 1) if after else (hy if mo <= hm else hy - 1)
    elif anchor is not None:
        t = anchor
        key, now = (mo, d or 0), (t.month, t.day if d else 0)
        if mode == "next":
            y = t.year if key > now else t.year + 1
        elif mode == "last":
            y = t.year if key < now else t.year - 1
        elif mode == "this":
            y = t.year
        else:
            y = t.year if key <= now else t.year - 1
    else:
        return atom
    return replace(atom, lo=(y, mo, d), hi=(y, mo, d), month=None)


def _in_order(lo: _D | None, hi: _D | None) -> bool:
    """Whether a period's start is not after its end (unknown ends are taken as in order)."""
    if lo is None or hi is None:
        return True
    return (lo[0], lo[1] or 1, lo[2] or 1) <= (hi[0], hi[1] or 12, hi[2] or 31)


def _expr(text: str, s: int, e: int, offset: int, lo: _D | None, hi: _D | None) -> TimeExpr:
    return TimeExpr(
        text=text[s:e], start=_fmt(lo), end=_fmt(hi), span=Span(s + offset, e + offset, text[s:e])
    )


def find_times(text: str, offset: int = 0, anchor: str | None = None) -> list[TimeExpr]:
    """Every date and period in the text, resolved against the ISO article date when given."""
    a = _parse_anchor(anchor)
    atoms = _atoms(text, a)
    out: list[TimeExpr] = []
    i = 0
    while i < len(atoms):
        x = atoms[i]
        wrap = _WRAPPER.search(text, max(0, x.start - _LOOKBACK), x.start)
        word = " ".join(wrap["w"].lower().split()) if wrap else ""
        s = wrap.start() if wrap else x.start
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        joint = _JOINT.fullmatch(text, x.end, nxt.start) if nxt else None
        if (
            nxt
            and joint
            and (joint["j"] != "and" or word == "between")
            and word not in ("since", "until", "till", "before", "after", "up to")
        ):
            y = _settle(nxt, a, x.lo, after=True) if x.month is None else _settle(nxt, a)
            first = _settle(x, a, y.lo)
            if _in_order(first.lo, y.hi):  # "Monday to 2013" after 2013 is no period
                out.append(_expr(text, s, y.end, offset, first.lo, y.hi))
                i += 2
                continue
        x = _settle(x, a)
        if word in ("from", "between") and x.lo != x.hi:  # "from 2010 to 2012" as one atom
            out.append(_expr(text, s, x.end, offset, x.lo, x.hi))
        elif word in ("since", "from", "starting", "starting in", "beginning in", "as of", "after"):
            out.append(_expr(text, s, x.end, offset, x.hi if word == "after" else x.lo, None))
        elif word in ("until", "till", "up to", "before"):
            out.append(_expr(text, s, x.end, offset, None, x.lo if word == "before" else x.hi))
        else:
            out.append(_expr(text, x.start, x.end, offset, x.lo, x.hi))
        i += 1
    return out


def _parse_anchor(anchor: str | None) -> date | None:
    """The article date, or None when it is missing, not an ISO date or not a plausible one."""
    if not isinstance(anchor, str):
        return None
    try:
        day = date.fromisoformat(anchor.strip()[:10])
    except ValueError:
        return None
    # Far from date.min and date.max, so "yesterday" or "next Monday" cannot overflow.
    return day if 1000 <= day.year <= 9000 else None
