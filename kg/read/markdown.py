"""Markdown exports -> plain lines, and the facts a YAML front matter block gives."""

from __future__ import annotations

import re

from kg.read.dates import parse_date
from kg.read.metadata import LineMeta, tidy_name

_FRONT = re.compile(r"\A---\n(?P<body>.*?)\n(?:---|\.\.\.)\n", re.S)
_FIELD = re.compile(r"^(?P<key>[A-Za-z_-]+)\s*:\s*(?P<value>.+?)\s*$", re.M)
_INLINE = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their words
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # emphasis, not a*b
    (re.compile(r"(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
)
_BLOCK = (
    (re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$"), r"\1"),  # headings
    (re.compile(r"^>\s?"), ""),  # quotes
    (re.compile(r"^(?:[-*_]\s*){3,}$"), ""),  # rules
    (re.compile(r"^\[[^\]]+\]:\s+\S+.*$"), ""),  # link definitions
)


def front_matter(text: str) -> tuple[str, str | None, LineMeta]:
    """The text without its front matter, and the title, author, outlet and date it declares."""
    m = _FRONT.match(text)
    if not m:
        return text, None, LineMeta()
    fields = {
        f.group("key").lower(): f.group("value").strip("\"' ")
        for f in _FIELD.finditer(m.group("body"))
    }
    author = fields.get("author") or fields.get("byline")
    outlet = (
        fields.get("source")
        or fields.get("publisher")
        or fields.get("outlet")
        or fields.get("site")
    )
    meta = LineMeta(
        byline=tidy_name(author) if author else None,
        outlet=tidy_name(outlet) if outlet else None,
        published=parse_date(fields.get("date") or fields.get("published")),
    )
    return text[m.end() :], fields.get("title") or None, meta


def plain_markdown(text: str) -> str:
    """Markdown markup removed, words and line structure kept."""
    out = []
    for line in text.split("\n"):
        for pat, repl in _BLOCK:
            line = pat.sub(repl, line)
        for pat, repl in _INLINE:
            line = pat.sub(repl, line)
        out.append(line)
    return "\n".join(out)
