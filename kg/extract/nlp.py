"""The spaCy pipeline and the vocabulary matcher, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

from kg.errors import KgError
from kg.vocab import schemes


def _variants(term: str) -> set[str]:
    """A term as written, and its plural or singular, so 'phone number' finds 'phone numbers'."""
    t = term.strip()
    out = {t}
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
        raise KgError(f"spaCy model {model!r} is not installed (run `make run` to install it)") from e
    return nlp


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
                terms |= _variants(syn)
            matcher.add(c.key, [nlp.make_doc(t) for t in sorted(terms)])
    return matcher
