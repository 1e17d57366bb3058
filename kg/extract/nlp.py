"""The spaCy pipeline and the vocabulary matcher, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language

from kg.errors import KgError
from kg.vocab import schemes


def _variants(term: str, inflect: bool = True) -> set[str]:
    """A term as written, and its plural or singular, so 'phone number' finds 'phone numbers'."""
    t = term.strip()
    out = {t}
    if not inflect:
        return out
    low = t.lower()
    if low.endswith("ies"):
        out.add(t[:-3] + "y")
    elif low.endswith("ss"):
        out.add(t + "es")
    elif low.endswith("s"):
        out.add(t[:-1])
    elif low.endswith("y") and not low.endswith(("ay", "ey", "oy", "uy")):
        out.add(t[:-1] + "ies")
    elif low.endswith(("sh", "ch", "x")):
        out.add(t + "es")
    else:
        out.add(t + "s")
    return out


@lru_cache(maxsize=2)
def load_nlp(model: str):
    """The English pipeline from the package registry; a clear error if it is missing."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as e:
        raise KgError(
            f"spaCy model {model!r} is not installed (run `make run` to install it)"
        ) from e
    if "paragraph_breaks" not in nlp.pipe_names:
        nlp.add_pipe("paragraph_breaks", before="parser")
    return nlp


@Language.component("paragraph_breaks")
def paragraph_breaks(doc):
    """A line break ends a sentence: headings and paragraphs never run into each other."""
    for tok in doc[:-1]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def concept_matcher(model: str):
    """A PhraseMatcher over every synonym of every scheme; match ids are concept keys."""
    from spacy.matcher import PhraseMatcher

    nlp = load_nlp(model)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for scheme in schemes():
        for c in scheme.concepts:
            if c.generic:
                continue  # a scheme's top concept ("fraud") names no particular scheme
            terms = set()
            for syn in (c.label, *c.synonyms):
                terms |= _variants(syn, inflect=scheme.name != "sector")
            matcher.add(c.key, [nlp.make_doc(t) for t in sorted(terms)])
    return matcher


def tokens_of(doc) -> list:
    """The doc's tokens, made once: spaCy builds a new Token object on every iteration, and
    the rules walk the whole doc a dozen times."""
    tokens = doc.user_data.get("kg_tokens")
    if tokens is None:
        tokens = doc.user_data["kg_tokens"] = list(doc)
    return tokens


def text_of(doc) -> str:
    """The parsed text, kept once: spaCy's Doc.text joins every token on each call."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text
