"""What a text says about itself: byline, outlet and date lines, and its language."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kg.read.dates import find_date


@dataclass(frozen=True)
class LineMeta:
    """The facts one byline / dateline / source line gives."""

    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    place: str | None = None  # a dateline's place: "Hyderabad, March 3, 2021"


# Clock times and labels around a dateline: "09:14", "10:30 a.m. BJT", "Updated:", "Posted on".
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?(?:[A-Z]{2,4}|GMT|UTC)(?:[+-]\d{1,2})?\)?)?",
    re.I,
)
_LABELS = re.compile(
    r"(?i)\b(?:(?:last\s+)?updated|published|posted|released?|release time|date|time"
    r"|first published)\b"
    r"(?:\s+(?:on|at))?\s*[:：]?|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|^\s*on\s+"
    r"|(?:发布|发表|更新)?(?:时间|日期)\s*[:：]|星期[一二三四五六日天]"
)
# Labels that start a new field on a line that has several: "来源：新华网 作者：王明".
_FIELD_START = re.compile(
    r"(?i)(?<=\S)\s*(?=(?:来源|稿源|作者|记者|责任编辑|责编|编辑|source|author|editor)\s*[:：])"
)
_SPLIT = re.compile(r"\s*(?:[|•·/;,()（）\[\]]|\s[-–—]\s|\s{2,})\s*")
_BY = re.compile(r"(?i)^(?:written |reported |text |story |words |photos? )?by[:\s]\s*(.+)$")
_AUTHOR = re.compile(
    r"(?i)^(?:author|reporter|writer|correspondent|journalist|作者|记者|撰文)s?\s*[:：]\s*(.+)$"
)
_SOURCE = re.compile(
    r"(?i)^(?:source|from|via|publisher|outlet|origin|来源|稿源|出处)\s*[:：]\s*(.+)$"
)
_IGNORED = re.compile(
    r"(?i)^(?:(?:staff|senior|chief|special|our|own)\s+)?(?:reporters?|correspondents?|writers?|editors?|journalists?)"
    r"$|^(?:(?:responsible\s+|chief\s+)?editors?|责任编辑|责编|编辑)\s*[:：].*$|^in\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?$|^(?:agencies|staff|wires?|at|on)$"
)
_BY_OUTLET = re.compile(r"\s+(?:from|for|of|at)\s+(?=[A-Z0-9])")
_BY_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?\s*$")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
_CONNECTORS = {"of", "the", "and", "&", "for", "de", "du", "la", "le", "el", "on", "at", "in"}
_NOT_NAMES = re.compile(
    r"(?i)^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday)\.?$"
)
_HAN = re.compile(r"[\u3400-\u9fff]")
# What tells an outlet's name from a dateline's place in "NAME, DATE".
_OUTLET_WORDS = re.compile(
    r"(?i)\b(?:daily|news|times|post|herald|journal|review|tribune|chronicle|gazette|press"
    r"|agency|network|media|online|radio|tv|television|magazine|weekly|wire|observer|standard"
    r"|express|mail|telegraph|guardian|today|bulletin|courier|star|sun|mirror|independent"
    r"|xinhua|reuters|bloomberg|associated)\b"
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def tidy_name(name: str) -> str:
    """A person or outlet name with straight apostrophes and no stray punctuation."""
    name = name.replace("’", "'").replace("‘", "'").replace("`", "'")
    return re.sub(r"\s+", " ", name).strip(" ,.;:-–—|")


def _name_like(text: str, max_words: int = 6) -> bool:
    """A short proper name: capitalised words (or Chinese characters), a domain, or an acronym."""
    text = tidy_name(text)
    if not text or _DOMAIN.match(text):
        return bool(text)
    if _HAN.search(text):
        return len(text) <= 12 and not re.search(r"[，。！？,.!?]", text)
    words = text.split()
    if len(words) > max_words or (len(words) == 1 and _NOT_NAMES.match(words[0])):
        return False
    caps = [w for w in words if w.lower() not in _CONNECTORS]
    return (
        bool(caps)
        and all(w[0].isupper() or w[0].isdigit() for w in caps)
        and not re.search(r"[!?:>»›=]", text)
    )


def _people(text: str) -> str | None:
    """The names in a byline, without role words or place ("Zhou Wenting in Shanghai")."""
    names = _BY_PLACE.sub("", text)
    names = re.sub(
        r"(?i),?\s*(?:staff|senior|chief|special)?\s*(?:reporters?|writers?|correspondents?)$",
        "",
        names,
    )
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&|、)\s*", names) if p]
    if parts and all(_name_like(p, 4) and not re.search(r"\d", p) for p in parts):
        return tidy_name(names)
    return None


def parse_meta_line(line: str) -> LineMeta | None:
    """Byline, outlet and date of a header line such as "By Zhou Wenting (China Daily)" or
    "CRI, September 26, 2016"; None when the line says anything else."""
    if len(line) > 160 or len(line) < 3:
        return None
    byline = outlet = None
    hit = find_date(line)
    rest = line if hit is None else line[: hit.start] + " | " + line[hit.end :]
    rest = _LABELS.sub(" | ", _TIME.sub(" | ", _FIELD_START.sub(" | ", rest)))
    bare: list[str] = []  # chunks that can only be an outlet's name
    wrapped = line.strip().startswith("(") and line.strip().endswith(")")
    for chunk in _SPLIT.split(rest):
        chunk = chunk.strip(" .:-–—")
        if not chunk or _IGNORED.match(chunk):
            continue
        if m := _BY.match(chunk):
            names, *where = _BY_OUTLET.split(m.group(1), maxsplit=1)
            byline = _people(names)
            if byline is None:
                return None
            if where and _name_like(where[0]):
                outlet = tidy_name(where[0])
        elif m := _AUTHOR.match(chunk):
            byline = _people(m.group(1))
            if byline is None:
                return None
        elif m := _SOURCE.match(chunk):
            if not _name_like(m.group(1)):
                return None
            outlet = tidy_name(m.group(1))
        elif _name_like(chunk, 5):
            bare.append(chunk)
        else:
            return None
    if (bare and hit and not (byline or outlet or wrapped) and _starts_dateline(line, bare)):
        return LineMeta(place=tidy_name(bare[0]), published=hit.iso)
    if bare and (hit or byline or wrapped) and not outlet:
        outlet = tidy_name(bare[0])
    elif bare and not (hit or byline or outlet):
        return None
    if not (byline or outlet or hit):
        return None
    return LineMeta(byline=byline, outlet=outlet, published=hit.iso if hit else None)


def _starts_dateline(line: str, bare: list[str]) -> bool:
    """'Hyderabad, March 3, 2021' or 'Columbus, Ohio, June 9, 2022': places, then the date,
    and no word of an outlet's name ('Coastal Daily, ...') nor an acronym ('CRI, ...')."""
    if any(_OUTLET_WORDS.search(b) or _ACRONYM.match(b) or _DOMAIN.match(b) for b in bare):
        return False
    places = r"\s*,\s*".join(re.escape(b) for b in bare)
    return re.match(rf"^\s*{places}\s*,", line) is not None


_STOPWORDS = {
    "en": "the of and to in is that for on with was said by from has have are were it at".split(),
    "fr": "le la les de des et est que pour dans une sur par qui pas au du".split(),
    "de": "der die das und ist nicht mit von den zu auf ein eine sich für dem".split(),
    "es": "el la los las de que y en por con para una del se es al".split(),
    "pt": "o a os as de que e em para com uma do da não por se".split(),
    "it": "il la di che e per con una del della sono non si gli le".split(),
    "nl": "de het een en van is dat op te in voor met zijn niet".split(),
}
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by script, then by common function words for Latin script."""
    sample = text[:6000]
    letters = sum(1 for ch in sample if ch.isalpha())
    if not letters:
        return None
    for code, script in _SCRIPTS:
        share = len(script.findall(sample)) / letters
        if share > (0.05 if code == "ja" else 0.3):
            return code
    words = Counter(re.findall(r"[a-zà-ÿ]+", sample.lower()))
    total = sum(words.values())
    if not total:
        return None
    scores = {code: sum(words[w] for w in stop) / total for code, stop in _STOPWORDS.items()}
    code, best = max(scores.items(), key=lambda kv: kv[1])
    return code if best >= 0.08 else None
