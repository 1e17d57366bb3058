"""Saved web pages -> main text (trafilatura) and the facts their meta tags give."""

from __future__ import annotations

import copy
import json
import logging
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from kg.read.dates import parse_date
from kg.read.metadata import tidy_name

for _name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    # Extraction notes ("discarding data") are for their developers; a silent handler
    # keeps Python's last-resort handler from printing them to our users.
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Page:
    """A web page's main text (one paragraph per line) and its declared metadata."""

    text: str
    title: str | None = None
    byline: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None


_SNIFF = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline", "title")
_AUTHOR_KEYS = tuple(
    "author article:author byl parsely-author sailthru.author dc.creator dcterms.creator".split()
)
_OUTLET_KEYS = tuple(
    "og:site_name application-name dc.publisher publisher article:publisher twitter:site".split()
)
_DATE_KEYS = tuple(
    "article:published_time og:published_time datepublished date pubdate publishdate "
    "publish-date publication_date dc.date dc.date.issued dcterms.issued dcterms.created "
    "sailthru.date parsely-pub-date article.published originalpublicationdate displaydate".split()
)
_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|WebPage", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»)\s+")
# Blocks whose text the fallback reader takes, and regions it never reads.
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td")
LAYOUT_CELL_WORDS = 60  # a table cell with this much text holds the page, not data
_CHROME = (
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "script",
    "style",
    "noscript",
    "template",
    "button",
    "select",
)


def looks_like_html(text: str) -> bool:
    """True for markup saved with a .txt name (a page saved as text keeps its tags)."""
    return bool(_SNIFF.match(text[:2048]))


def _tree(markup: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.document_fromstring(
            markup.encode("utf-8", errors="replace"), parser=lxml_html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None


def _meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """<meta> name/property/itemprop -> content, first one wins."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _json_ld(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """headline, datePublished, author and publisher names of the page's JSON-LD article."""
    found: dict[str, str] = {}

    def name_of(value: object) -> str | None:
        if isinstance(value, list):
            names = [n for n in (name_of(v) for v in value) if n]
            return ", ".join(names) if names else None
        if isinstance(value, dict):
            value = value.get("name")
        return value.strip() if isinstance(value, str) and value.strip() else None

    def visit(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            if "@graph" in node:
                visit(node["@graph"])
            if _ARTICLE_TYPES.search(str(node.get("@type", ""))):
                for key in ("headline", "datePublished", "author", "publisher"):
                    if (value := name_of(node.get(key))) and key not in found:
                        found[key] = value

    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                visit(json.loads(script.text))
            except (ValueError, RecursionError):
                continue
    return found


def _first(values: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = values.get(key)
        if value and not value.startswith(("http://", "https://", "@")):
            return value
    return None


def _title(tree: lxml_html.HtmlElement, meta: dict[str, str], ld: dict[str, str]) -> str | None:
    """og:title, JSON-LD headline, the first <h1>, or <title> without the site's name."""
    title = _first(meta, _TITLE_KEYS) or ld.get("headline")
    if not title:
        h1 = next(iter(tree.iter("h1")), None)
        title = h1.text_content() if h1 is not None else None
    if not title:
        el = next(iter(tree.iter("title")), None)
        if el is not None and el.text:
            title = max(_TITLE_SEPARATORS.split(el.text), key=len)
    return tidy_title(title) if title else None


def tidy_title(title: str) -> str | None:
    """A title on one line with single spaces."""
    title = re.sub(r"\s+", " ", title).strip()
    return title or None


def _published(tree: lxml_html.HtmlElement, meta: dict[str, str], ld: dict[str, str]) -> str | None:
    for key in _DATE_KEYS:
        if iso := parse_date(meta.get(key)):
            return iso
    if iso := parse_date(ld.get("datePublished")):
        return iso
    for el in tree.iter("time"):
        marked = (
            el.get("pubdate") is not None
            or el.get("itemprop") == "datePublished"
            or "publish" in (el.get("class") or "")
        )
        if marked and (iso := parse_date(el.get("datetime") or el.text_content())):
            return iso
    return None


def _byline(tree: lxml_html.HtmlElement, meta: dict[str, str], ld: dict[str, str]) -> str | None:
    name = _first(meta, _AUTHOR_KEYS) or ld.get("author")
    if not name:
        el = next((a for a in tree.iter("a") if (a.get("rel") or "").lower() == "author"), None)
        name = el.text_content() if el is not None else None
    if not name:
        return None
    name = re.sub(r"(?i)^\s*by[:\s]+", "", name)
    return tidy_name(name) or None


def _unwrap_layout_tables(tree: lxml_html.HtmlElement) -> None:
    """Turn tables used for page layout into plain blocks, so their text is read as paragraphs.

    Old news sites put the whole story in one table cell, lines split by <br>; read as a
    table, it comes out as a single row with every line run together."""
    for table in list(tree.iter("table")):
        cells = table.iter("td", "th")
        if any(len(cell.text_content().split()) >= LAYOUT_CELL_WORDS for cell in cells):
            for el in table.iter("table", "thead", "tbody", "tfoot", "tr", "td", "th"):
                el.tag = "div"


def _main_text(tree: lxml_html.HtmlElement) -> str | None:
    """The page's main text by trafilatura, one paragraph per line; None when it finds none."""
    import trafilatura

    try:
        return trafilatura.extract(
            copy.deepcopy(tree),
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
            output_format="txt",
        )
    except Exception:  # noqa: BLE001 - a third-party parser on arbitrary markup; no text is the answer
        return None


def _block_text(tree: lxml_html.HtmlElement) -> str:
    """Paragraph texts outside navigation and forms: for pages too small for trafilatura."""
    body = tree.find("body")
    if body is None:
        return ""
    lines: list[str] = []
    for el in body.iter(*_BLOCKS):
        if any(a.tag in _CHROME for a in el.iterancestors()) or any(
            c.tag in _BLOCKS for c in el.iterdescendants()
        ):
            continue
        text = re.sub(r"\s+", " ", el.text_content()).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def read_page(markup: str) -> Page:
    """Main text and metadata of an HTML page; the text is empty when the page has no body."""
    tree = _tree(markup)
    if tree is None:
        return Page(text="")
    meta, ld = _meta_tags(tree), _json_ld(tree)
    for el in tree.iter("script", "style", "noscript", "template"):  # never part of the text
        el.text = None
    _unwrap_layout_tables(tree)
    text = _main_text(tree)
    if not text:
        text = _block_text(tree)
    lang = (tree.get("lang") or meta.get("og:locale") or "").strip().lower()[:2] or None
    outlet = _first(meta, _OUTLET_KEYS) or ld.get("publisher")
    return Page(
        text=text,
        title=_title(tree, meta, ld),
        byline=_byline(tree, meta, ld),
        outlet=tidy_name(outlet) if outlet else None,
        published=_published(tree, meta, ld),
        language=lang if lang and lang.isalpha() else None,
    )
