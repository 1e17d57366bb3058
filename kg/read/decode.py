"""Bytes -> text: find the encoding a file was saved in, and refuse what is not text."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from kg.errors import InputError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Declared or detected names -> the codec we decode with. GB18030 is a superset of GB2312
# and GBK; browsers read a declared Latin-1 or ASCII page as windows-1252 (WHATWG).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5",
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "unicode": "utf-16",
}
# Single-byte Latin code pages a detector may pick for Western text where windows-1252 fits
# just as well; news copies are far more often windows-1252 than any of these.
_LATIN_LOOKALIKES = frozenset(
    "cp1250 cp1257 cp775 cp850 cp852 cp858 cp437 cp1006 cp1125 cp1254 cp1258 latin_1 iso8859_2"
    " iso8859_4 iso8859_9 iso8859_13 iso8859_15 iso8859_16 mac_roman mac_latin2 mac_iceland"
    " mac_turkish".split()
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)
# Characters that no text file carries in quantity: controls (but tab and newlines),
# replacement marks from undecodable bytes, private-use and unassigned-looking code points.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ufff0-\ufffc]")
MAX_NON_TEXT = 0.10  # share of such characters beyond which a file is not text


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read with."""

    text: str
    encoding: str


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first few kilobytes, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _codec(name: str) -> str | None:
    """Our codec for a declared or detected encoding name, or None if Python has none."""
    name = name.lower().replace("_", "-")
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when every other byte is NUL, as in mostly-Latin UTF-16."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / max(1, len(odd))
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausibility(text: str) -> float:
    """How natural the non-ASCII characters of a decoding are, per character.

    In mostly-English text they are typographic quotes, dashes, currency signs, accented
    letters or a Chinese name; a wrong code page turns them into rare symbols instead."""
    score = n = 0.0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        n += 1
        if 0x2010 <= o <= 0x203A or 0x20A0 <= o <= 0x20CF:  # quotes, dashes, ellipsis, currency
            score += 2
        elif (
            0xC0 <= o <= 0xFF
            or 0x4E00 <= o <= 0x9FFF
            or 0x3000 <= o <= 0x303F
            or 0xFF01 <= o <= 0xFF5E
        ):
            score += 1  # accented letters, Chinese characters and punctuation
        elif 0xA0 <= o < 0xC0:
            score += 0.5  # Latin-1 signs: some common (£ ° ©), most only in mojibake
    return score / n if n else 0.0


def _detect(data: bytes) -> Decoded:
    """Ask charset-normalizer; for mostly-ASCII text, pick the most natural candidate decoding."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if sum(b < 0x80 for b in data[:20000]) >= 0.9 * min(len(data), 20000):
        # A few non-ASCII characters give the detector's statistics too little to go on.
        names = [m.encoding for m in results] + ["gb18030", "big5", "cp1252"]
        decodings = [
            (c, t)
            for c in dict.fromkeys(filter(None, map(_codec, names)))
            if (t := _strict(data, c)) is not None
        ]
        if decodings:
            # Of equally natural readings, windows-1252 is the likeliest for Western text.
            codec, text = max(decodings, key=lambda d: (_plausibility(d[1]), d[0] == "cp1252"))
            return Decoded(text, codec)
    if best is None:
        return Decoded(data.decode("cp1252", errors="replace"), "cp1252")
    codec = _codec(best.encoding) or "cp1252"
    if codec in _LATIN_LOOKALIKES or best.encoding in _LATIN_LOOKALIKES:
        text = _strict(data, "cp1252")
        if text is not None:
            return Decoded(text, "cp1252")
    if codec == "big5":  # Windows and Hong Kong extensions are common in saved Big5 pages
        for wider in ("big5", "cp950", "big5hkscs"):
            text = _strict(data, wider)
            if text is not None:
                return Decoded(text, wider)
    return Decoded(data.decode(codec, errors="replace"), codec)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a file's bytes; InputError when it is empty or not text at all."""
    if not data.strip():
        raise InputError("empty file")
    decoded: Decoded | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            decoded = Decoded(data[len(bom) :].decode(codec, errors="replace"), codec)
            break
    if decoded is None and (codec := _utf16_without_bom(data)):
        decoded = Decoded(data.decode(codec, errors="replace"), codec)
    if decoded is None:
        if data.count(0) > max(1, len(data) // 200):
            raise InputError("binary file (NUL bytes): not text")
        data = data.replace(b"\x00", b"")
        text = _strict(data, "utf-8")  # valid UTF-8 with non-ASCII bytes is UTF-8 in practice
        if text is not None:
            decoded = Decoded(text, "utf-8")
        elif (
            declared and (codec := _codec(declared)) and (text := _strict(data, codec)) is not None
        ):
            decoded = Decoded(text, codec)
        else:
            decoded = _detect(data)
    if not decoded.text.strip():
        raise InputError("empty file")
    sample = decoded.text[:20000]
    if len(_NOT_TEXT.findall(sample)) > MAX_NON_TEXT * len(sample):
        raise InputError(f"not text (unreadable as {decoded.encoding}; a binary file?)")
    return decoded
