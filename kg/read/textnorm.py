"""Unicode and layout normalisation: one text shape for every source (NFC, \\n, single spaces)."""

from __future__ import annotations

import re
import unicodedata

# Line and paragraph separators some editors and exports use instead of "\n".
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# Zero-width marks and soft hyphens are invisible in the page and only split words.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every other horizontal space (tabs, no-break, thin, ideographic) becomes one plain space.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Control characters carry no text; "\n" is the only one kept.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalize_text(text: str) -> str:
    """NFC, "\\n" line ends, single spaces, stripped lines, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text)
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _looks_wrapped(lines: list[str]) -> bool:
    """True when a block is one paragraph broken at a fixed width (e-mail and terminal copies)."""
    if len(lines) < 2:
        return False
    heads = lines[:-1]
    if max(len(line) for line in lines) > 100 or min(len(line) for line in heads) < 40:
        return False
    # A wrap breaks mid-sentence: the next line goes on in lower case, or the line ends
    # without a stop. Separate short paragraphs and headings do neither.
    joins = sum(
        1
        for a, b in zip(heads, lines[1:], strict=False)
        if b[:1].islower()
        or a.endswith((",", "-", ";"))
        or not a.endswith((".", "!", "?", ":", '"', "”"))
    )
    lower = sum(1 for b in lines[1:] if b[:1].islower())
    return joins == len(heads) and lower * 2 >= len(heads)


def paragraph_lines(text: str) -> list[str]:
    """The text as one paragraph per line: hard-wrapped blocks are joined, blank lines dropped."""
    out: list[str] = []
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if _looks_wrapped(lines):
            joined = lines[0]
            for line in lines[1:]:
                if joined.endswith("-") and line[:1].islower():
                    joined = joined + line  # broken at a hyphen: keep it, add no space
                elif _HAN.search(joined[-1:]) and _HAN.search(line[:1]):
                    joined = joined + line  # Chinese has no spaces between words
                else:
                    joined = joined + " " + line
            out.append(joined)
        else:
            out.extend(lines)
    return out
