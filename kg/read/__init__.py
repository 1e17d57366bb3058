"""Files and folders -> clean Articles: encoding, HTML, page furniture, metadata, duplicates.

A page with no story text (an index page, a page of links) is an InputError for
``read_article``; ``iter_articles`` skips it with a warning and goes on.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.errors import InputError
from kg.model import Article
from kg.read.boilerplate import clean_lines
from kg.read.decode import declared_charset, decode
from kg.read.files import ARTICLE_SUFFIXES, list_inputs
from kg.read.metadata import LineMeta, detect_language
from kg.read.textnorm import normalize_text, paragraph_lines
from kg.settings import DEFAULT, Settings

__all__ = [
    "ARTICLE_SUFFIXES",
    "article_from_bytes",
    "iter_articles",
    "list_inputs",
    "read_article",
    "merge_copies",
    "no_articles",
    "same_story_key",
]

Warn = Callable[[str], None]
_log = logging.getLogger("kg.read")


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at the last paragraph break before it."""
    cut = text.rfind("\n\n", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip()


def article_from_bytes(
    data: bytes, path: str, *, settings: Settings = DEFAULT, warn: Warn | None = None
) -> Article:
    """One file's bytes as a clean Article; the suffix of ``path`` says how to read them.

    Raises InputError (and nothing else) for bytes that hold no article."""
    suffix = Path(path).suffix.lower()
    is_html = suffix in (".html", ".htm")
    decoded = decode(data, declared_charset(data) if is_html or data.lstrip()[:1] == b"<" else None)
    text = normalize_text(decoded.text)
    known = LineMeta()
    title = lang = None
    from kg.read.htmlpage import looks_like_html

    if is_html or looks_like_html(text):
        from kg.read.htmlpage import read_page

        page = read_page(text)
        text, title, lang = normalize_text(page.text), page.title, page.language
        known = LineMeta(byline=page.byline, outlet=page.outlet, published=page.published)
    elif suffix == ".md":
        from kg.read.markdown import front_matter, plain_markdown

        text, title, known = front_matter(text)
        text = normalize_text(plain_markdown(text))
    cleaned = clean_lines(paragraph_lines(text), known_title=title)
    if not cleaned.paragraphs:
        raise InputError(f"{path}: no article text found (only headlines, links or page furniture)")
    body = "\n\n".join(cleaned.paragraphs)
    if len(body) > settings.max_article_chars:
        body = _truncate(body, settings.max_article_chars)
        (warn or _log.warning)(
            f"{path}: text cut to {len(body)} characters (Settings.max_article_chars)"
        )
    return Article(
        text=body,
        path=path,
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        title=_first(title, cleaned.title),
        outlet=_first(known.outlet, cleaned.meta.outlet),
        byline=_first(known.byline, cleaned.meta.byline),
        published=_first(known.published, cleaned.meta.published),
        language=_first(detect_language(body), lang),
        encoding=decoded.encoding,
        sources=(path,),
        dateline=cleaned.meta.place if body.startswith(cleaned.meta.place or "\0") else None,
    )


def read_article(
    path: str | Path, *, settings: Settings = DEFAULT, warn: Warn | None = None
) -> Article:
    """One article file as a clean Article; InputError when it cannot be one."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"input not found: {p} (give an article file)")
    if p.is_dir():
        raise InputError(f"{p} is a folder (give one article file)")
    if p.suffix.lower() not in ARTICLE_SUFFIXES:
        raise InputError(f"{p}: not an article file (give .txt, .md, .html or .htm)")
    try:
        size = p.stat().st_size
        if size > settings.max_file_bytes:
            raise InputError(
                f"{p}: {size:,} bytes is over the limit of {settings.max_file_bytes:,} "
                "(Settings.max_file_bytes)"
            )
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{p}: cannot be read ({e.strerror or e})") from e
    try:
        return article_from_bytes(data, str(p), settings=settings, warn=warn)
    except InputError as e:
        msg = str(e)
        raise InputError(msg if msg.startswith(str(p)) else f"{p}: {msg}") from None


def same_story_key(text: str) -> str:
    """Two texts with this same key are one story: case, spacing and quote style do not count."""
    flat = re.sub(r"\s+", " ", text).casefold().strip()
    return flat.translate(str.maketrans("“”‘’", "\"\"''"))


def merge_copies(first: Article, again: Article) -> Article:
    """The first copy, with the second one's path and any metadata the first one lacked."""
    return replace(
        first,
        sources=(*first.sources, *again.sources),
        title=first.title or again.title,
        outlet=first.outlet or again.outlet,
        byline=first.byline or again.byline,
        published=first.published or again.published,
    )


def iter_articles(
    inputs: Iterable[str | Path], warn: Warn | None = None, *, settings: Settings = DEFAULT
) -> Iterator[Article]:
    """Every article under the inputs, in a stable order, each story once.

    Files that cannot be read are skipped with a one-line warning; a story read from
    several files is yielded once, at its first place, with every path in ``sources``
    (so every file is read before the first article is yielded)."""
    warn = warn or _log.warning
    stories: dict[str, Article] = {}
    skipped: list[str] = []
    files = list_inputs(inputs, warn=warn)
    for f in files:
        try:
            art = read_article(f, settings=settings, warn=warn)
        except InputError as e:
            warn(f"skipped {e}")
            skipped.append(str(e))
            continue
        key = same_story_key(art.text)
        if key in stories:
            warn(f"{f} is the same story as {stories[key].path}: read once")
            stories[key] = merge_copies(stories[key], art)
        else:
            stories[key] = art
    if not stories:
        raise no_articles(len(files), skipped)
    yield from stories.values()


def no_articles(files: int, skipped: list[str]) -> InputError:
    """The error when every input file was skipped. It says why: the warnings that did may
    never be shown, the build stopping here."""
    why = skipped[0] if skipped else "none could be read"
    more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
    return InputError(f"no articles found: all {files} file(s) were skipped: {why}{more}")
