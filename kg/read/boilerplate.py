"""Page furniture out, story in: the title, header facts and body paragraphs of a page's lines.

A copied or extracted page is: header (navigation, title, byline, dateline), body (the story,
with ads, captions and related-link boxes mixed in), tail (lists of other stories, share bars,
the comment form). The body runs from the first paragraph with sentence structure to the
start of the comment section; everything outside it is read for metadata and dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kg.read.furniture import Kind, classify, is_sentence, strip_bullet, strip_share_tokens
from kg.read.furniture import word_count as _words
from kg.read.metadata import LineMeta, parse_meta_line, tidy_name


@dataclass(frozen=True)
class Cleaned:
    """The story's paragraphs and what the page around it said about it."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    meta: LineMeta = LineMeta()


# Photo credits that mark a caption: "[Photo: Xinhua]", "(Photo/Agency)", "(Xinhua/Li Ming)".
_CREDIT = re.compile(
    r"(?i)\s*(?:[\[(（【]\s*(?:(?:file\s+)?photo|image|picture|pic|video|graphic|illustration)s?\b"
    r"[^\])）】]{0,80}[\])）】]"
    r"|[\[(（]\s*[A-Z][\w.&' -]{1,30}/[^\])）]{1,40}[\])）])\s*$"
    r"|^\s*(?:file\s+)?(?:photo|image|picture)s?\s*(?:by)?\s*[:：]\s*"
)
# An author's note closing the story: "Jane Roe is the Courier's technology correspondent."
_BIO = re.compile(
    r"^(?i:about the (?:author|writer)[:.]?\s*)?"
    r"(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}|(?i:the (?:author|writer)))"
    r"\s+(?:is|was|has been|writes|covers|reports)\b.{0,160}?"
    r"\b(?:reporter|journalist|writer|editor|correspondent|columnist|contributor|freelancer"
    r"|blogger|producer|author|commentator)s?\b"
)
# "... is TechNode's former reporter": the outlet the bio names.
_BIO_OUTLET = re.compile(
    r"\b(?:is|was)\s+(?:the\s+)?(?P<outlet>[A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})['’]s\b"
)
_CREDIT_LINE = re.compile(
    r"^(?:[A-Z][\w'’.-]+\s+){1,4}contributed "
    r"(?:reporting|to (?:this|the) (?:report|story|article))"
    r"|^\(?(?i:(?:additional )?(?:reporting|writing|editing) by)\b"
)
_STOP = set(
    "a an the of and or to in on at for by with from as is was are were be that this it its".split()
)
_CONTENT = re.compile(r"[^\W_]+", re.U)
MIN_LIST_RUN = 3  # this many headline-like lines in a row are a list of links, not the story


def _key(text: str) -> str:
    """Comparison key: case and spacing do not make a paragraph different."""
    return re.sub(r"\s+", " ", strip_bullet(text)).casefold().strip()


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT.findall(text.casefold()) if w not in _STOP}


def _title_like(text: str) -> bool:
    n = _words(text)
    return (
        3 <= n <= 25 and not text.endswith((":", "：", ".")) and not re.search(r">>|»|›|\|", text)
    )


def _header(lines: list[str], known_title: str | None) -> tuple[str | None, LineMeta, list[str]]:
    """Title, merged byline/outlet/date, and standfirst lines from the lines above the story."""
    facts: dict[str, str] = {}
    shorts: list[int] = []
    datelines: list[int] = []  # kept in the story: the place is the story's, with evidence
    first_meta: int | None = None
    for i, line in enumerate(lines):
        kind = classify(line)
        meta = parse_meta_line(line) if kind != Kind.PROSE else None
        if meta is None and kind in (Kind.SHORT, Kind.UI, Kind.COMMENTS):
            meta = parse_meta_line(strip_share_tokens(line))
        if meta is not None:
            if meta.place and not datelines:
                datelines.append(i)
            first_meta = i if first_meta is None else first_meta
            for field in ("byline", "outlet", "published", "place"):
                if getattr(meta, field) and field not in facts:
                    facts[field] = getattr(meta, field)
        elif kind == Kind.SHORT:
            shorts.append(i)
    candidates = [i for i in shorts if _title_like(lines[i])]
    if known_title:
        title_at = next((i for i in candidates if _key(lines[i]) == _key(known_title)), -1)
        title = known_title
    else:
        before = [i for i in candidates if first_meta is None or i < first_meta]
        title_at = (before[-1] if first_meta is not None else before[0]) if before else -1
        title = lines[title_at] if title_at >= 0 else None
    # Under the title, a short opening sentence or a standfirst (even without a full stop)
    # is part of the story.
    standfirst = [
        i
        for i in shorts
        if i > title_at
        and (
            is_sentence(lines[i])
            or (_words(lines[i]) >= 8 and re.search(r"\b[a-z]{3,}\b", lines[i]))
        )
    ]
    kept = [lines[i] for i in sorted(set(standfirst) | {i for i in datelines if i > title_at})]
    return title, LineMeta(**facts), kept


def _drop_lists(lines: list[str], kinds: list[Kind]) -> list[int]:
    """Indices kept once list headers, their lists and runs of headline-like lines are gone."""
    keep: list[int] = []
    i, n = 0, len(lines)
    while i < n:
        kind = kinds[i]
        if kind == Kind.LIST:  # the header and everything up to the next story paragraph
            i += 1
            while i < n and kinds[i] != Kind.PROSE:
                i += 1
            continue
        if kind in (Kind.UI, Kind.COMMENTS):
            i += 1
            continue
        if kind == Kind.SHORT and not is_sentence(lines[i]):
            j = i
            while j < n and kinds[j] in (Kind.SHORT, Kind.UI) and not is_sentence(lines[j]):
                j += 1
            run = [k for k in range(i, j) if kinds[k] == Kind.SHORT]
            introduced = bool(keep) and lines[keep[-1]].rstrip().endswith((":", "："))
            if len(run) < MIN_LIST_RUN or introduced:
                keep.extend(run)
            i = j
            continue
        keep.append(i)
        i += 1
    return keep


def _is_covered(text: str, others: list[str]) -> bool:
    """True when nearly every content word of a caption is in one other paragraph."""
    words = _content_words(text)
    return bool(words) and any(len(words & _content_words(o)) >= 0.7 * len(words) for o in others)


def _captions(paras: list[str]) -> list[str]:
    """Captions lose their photo credit; one that repeats a story paragraph goes."""
    story = [p for p in paras if not _CREDIT.search(p)]
    out: list[str] = []
    for p in paras:
        if not _CREDIT.search(p):
            out.append(p)
            continue
        text = _CREDIT.sub("", p).strip()
        if text and is_sentence(text) and not _is_covered(text, story):
            out.append(text)
    return out


def _trim_tail(paras: list[str]) -> tuple[list[str], LineMeta]:
    """Drop trailing non-sentences, credit lines and an author's bio; the bio names the author."""
    found = LineMeta()
    while paras:
        last = paras[-1]
        bio = _BIO.match(last)
        earlier = " ".join(paras[:-1])
        # A name already in the story is a source being quoted, not the author.
        if bio and _words(last) <= 70 and bio.group("name").split()[-1] not in earlier:
            name = bio.group("name")
            outlet = _BIO_OUTLET.search(last)
            found = LineMeta(
                byline=None if name.lower().startswith("the ") else tidy_name(name),
                outlet=tidy_name(outlet.group("outlet")) if outlet else None,
            )
            paras.pop()
        elif _CREDIT_LINE.match(last) or not is_sentence(last):
            paras.pop()
        else:
            break
    return paras, found


def clean_lines(lines: list[str], known_title: str | None = None) -> Cleaned:
    """The story in a page's lines (one paragraph per line) without the furniture around it."""
    kinds = [classify(line) for line in lines]
    start = next((i for i, k in enumerate(kinds) if k == Kind.PROSE), None)
    if start is None:  # no paragraph of prose: take the first plain sentence, if any
        start = next(
            (i for i, k in enumerate(kinds) if k == Kind.SHORT and is_sentence(lines[i])), None
        )
    if start is None:
        title, meta, _ = _header(lines, known_title)
        return Cleaned((), title, meta)
    end = next((i for i in range(start, len(lines)) if kinds[i] == Kind.COMMENTS), len(lines))
    title, meta, standfirst = _header(lines[:start], known_title)
    body, body_kinds = lines[start:end], kinds[start:end]
    # A short line that recurs is a label or menu item of the page, not the story's.
    seen = Counter(_key(x) for x, k in zip(body, body_kinds, strict=True) if k == Kind.SHORT)
    body_kinds = [
        Kind.UI if k == Kind.SHORT and seen[_key(x)] > 1 else k
        for x, k in zip(body, body_kinds, strict=True)
    ]
    paras = standfirst + [
        strip_bullet(body[i]) if not body[i][:1].isdigit() else body[i]
        for i in _drop_lists(body, body_kinds)
    ]
    if title and paras and _key(paras[0]) == _key(title):
        paras = paras[1:]
    paras = _captions(paras)
    unique: dict[str, str] = {}
    for p in paras:  # a paragraph printed twice (a caption repeating the lead) is read once
        unique.setdefault(_key(p), p)
    paras, bio = _trim_tail(list(unique.values()))
    meta = LineMeta(
        byline=meta.byline or bio.byline, outlet=meta.outlet or bio.outlet,
        published=meta.published, place=meta.place,
    )
    return Cleaned(tuple(paras), title, meta)
