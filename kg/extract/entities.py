"""Mentions -> entities: merge the mentions of one actor, place or concept within an article,
recording why each merge was made. Cross-article merging happens through the keys: agencies,
organisations, places, laws and concepts get article-independent keys; people and groups
stay scoped to their article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Entity, Mention, Span
from kg.vocab import concept_by_key, lexicon

SCOPED_KINDS = {"person", "people", "group"}
PLACE_SUFFIX = re.compile(
    r"\s+(?:province|city|district|county|municipality|prefecture|region|state)$", re.I
)
GENERIC_ORG_WORDS = {
    "company",
    "firm",
    "platform",
    "website",
    "site",
    "bank",
    "operator",
    "store",
    "portal",
    "retailer",
    "app",
    "business",
    "provider",
}
GENERIC_DEFINITE = {
    "suspects",
    "suspect",
    "gang",
    "group",
    "syndicate",
    "ring",
    "criminals",
    "the suspects",
    "involved suspects",
    "criminal suspects",
    "members",
}


def norm_key(text: str) -> str:
    t = text.lower().replace("’", "'")
    t = re.sub(r"^(?:the|a|an|some|these|those|this|that)\s+", "", t)
    t = re.sub(r"\b\d[\d,.]*\b|\b(?:more than|over|about|around|nearly|some|at least)\b", " ", t)
    t = re.sub(r"[^a-z0-9' ]+", " ", t)
    t = re.sub(r"'s\b", "", t)
    words = [
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in t.split()
    ]
    return " ".join(words)


def place_key(text: str) -> str:
    return norm_key(PLACE_SUFFIX.sub("", text.strip()))


@dataclass
class _Draft:
    key: str
    kind: str
    label: str
    concept: str | None = None
    alts: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class EntityTable:
    """Mentions folded into entities; ``of(mention)`` gives the entity key of a mention."""

    def __init__(self, article_id: str):
        self.article_id = article_id
        self.drafts: dict[str, _Draft] = {}
        self.mention_key: dict[tuple[int, int, str], str] = {}

    def of(self, m: Mention) -> str | None:
        return self.mention_key.get((m.span.start, m.span.end, m.kind))

    def add_all(self, mentions: list[Mention]) -> None:
        persons = [m for m in mentions if m.kind == "person"]
        # named agencies by kind, so that "police" can refer to the one the article names
        self._named_agencies: dict[str, list[tuple[int, str]]] = {}
        for m in mentions:
            if m.kind == "agency" and not _is_generic_agency(m.label):
                kind = _agency_kind(m.label)
                if kind:
                    self._named_agencies.setdefault(kind, []).append(
                        (m.span.start, f"agency:{agency_key(m.label)}")
                    )
        full_names = {m.label for m in persons if " " in m.label}
        last_group: Mention | None = None
        last_agency_of_kind: dict[str, str] = {}
        last_org: str | None = None
        for m in sorted(mentions, key=lambda m: (m.span.start, m.span.end)):
            if (
                m.kind == "org"
                and " " not in m.label
                and m.span.text.lower().startswith(("the ", "its "))
                and m.label.lower() in GENERIC_ORG_WORDS
            ):
                if last_org is not None:
                    self._add(
                        m, last_org, f"'{m.span.text}' refers back to the organisation named before"
                    )
                    continue
                # "the bank" with nothing named before: the report's one bank, by that name
            key, note = self._key_for(m, full_names, last_group, last_agency_of_kind)
            self._add(m, key, note)
            if m.kind in {"org", "website"}:  # "a shopping platform ... the company's database"
                last_org = key
            if m.kind == "group" or (m.kind == "people" and m.roles):
                last_group = m
            if m.kind == "agency":
                kind = _agency_kind(m.label)
                if kind and not _is_generic_agency(m.label):
                    last_agency_of_kind[kind] = key

    def _key_for(
        self,
        m: Mention,
        full_names: set[str],
        last_group: Mention | None,
        last_agency: dict[str, str],
    ) -> tuple[str, str | None]:
        if m.concept and "/" in m.concept:
            return f"c:{m.concept}", None
        if m.kind == "person":
            if " " not in m.label:
                owners = [f for f in full_names if m.label in (f.split()[0], f.split()[-1])]
                if len(owners) == 1:
                    return (
                        f"person:{norm_key(owners[0])}",
                        f"'{m.label}' is the short form of '{owners[0]}'",
                    )
            return f"person:{norm_key(m.label)}", None
        if m.kind in {"people", "group"}:
            starts_definite = m.span.text.lower().startswith(("the ", "these ", "those ", "this "))
            if (
                starts_definite
                and norm_key(m.label) in {norm_key(x) for x in GENERIC_DEFINITE}
                and last_group is not None
                and not _has_number(m.span.text)
            ):
                prev = self.of(last_group)
                if prev and prev != f"{m.kind}:{norm_key(m.label)}":
                    return prev, f"'{m.span.text}' refers back to '{last_group.label}'"
            base = norm_key(m.label)
            for key in self.drafts:
                if (
                    key.startswith(("people:", "group:"))
                    and m.roles
                    and self.drafts[key].roles
                    and (
                        key.split(":", 1)[1].endswith(" " + base)
                        or base.endswith(" " + key.split(":", 1)[1])
                    )
                ):
                    return key, f"'{m.label}' names the same actors as '{self.drafts[key].label}'"
            return f"{'group' if m.kind == 'group' else 'people'}:{base}", None
        if m.kind == "agency":
            kind = _agency_kind(m.label)
            named = sorted(self._named_agencies.get(kind or "", []))
            if _is_generic_agency(m.label) and named:
                before = [k for s, k in named if s < m.span.start]
                target = before[-1] if before else named[0][1]
                return target, f"'{m.label}' refers to the {kind} agency the article names"
            base = agency_key(m.label)
            for key in self.drafts:  # "Federal Police" and "Brazil's Federal Police ..."
                if key.startswith("agency:") and _same_agency(base, key.split(":", 1)[1]):
                    return key, f"'{m.label}' and '{self.drafts[key].label}' name one agency"
            return f"agency:{base}", None
        if m.kind == "place":
            return f"place:{place_key(m.label)}", None
        if m.kind == "data":
            return f"data:{norm_key(m.label)}", None
        return f"{m.kind}:{norm_key(m.label)}", None

    def _add(self, m: Mention, key: str, note: str | None) -> None:
        self.mention_key[(m.span.start, m.span.end, m.kind)] = key
        d = self.drafts.get(key)
        if d is None:
            label, concept = m.label, None
            if key.startswith("c:"):
                concept = key[2:]
                c = concept_by_key().get(concept)
                label = c.label if c else m.label
            kind = m.kind
            if key.startswith("person:") and m.kind != "person":
                kind = "person"
            d = _Draft(key=key, kind=kind, label=label, concept=concept)
            self.drafts[key] = d
        elif m.kind == "place" and len(m.label) > len(d.label) and PLACE_SUFFIX.search(m.label):
            d.alts.append(d.label)
            d.label = m.label  # "Hebei province" rather than "Hebei"
        for a in (m.label, *m.alt_labels):
            if a and a != d.label and a not in d.alts:
                d.alts.append(a)
        for r in m.roles:
            if r not in d.roles:
                d.roles.append(r)
        d.spans.append(m.span)
        if note and note not in d.notes:
            d.notes.append(note)

    def add_concept(self, m: Mention, note: str | None = None) -> None:
        """A concept mention found after the table was built (a method a role implies)."""
        self._add(m, f"c:{m.concept}", note)

    def add_role(self, key: str, role: str) -> None:
        d = self.drafts.get(key)
        if d is not None and role not in d.roles:
            d.roles.append(role)

    def roles_of(self, key: str) -> list[str]:
        d = self.drafts.get(key)
        return d.roles if d else []

    def kind_of(self, key: str) -> str | None:
        d = self.drafts.get(key)
        return d.kind if d else None

    def entities(self, keep: set[str]) -> tuple[Entity, ...]:
        out = []
        for key in sorted(self.drafts):
            d = self.drafts[key]
            if key not in keep:
                continue
            scoped = d.kind in SCOPED_KINDS
            out.append(
                Entity(
                    key=key,
                    kind=d.kind,
                    label=d.label,
                    alt_labels=tuple(d.alts),
                    roles=tuple(d.roles),
                    concept=d.concept,
                    mentions=tuple(sorted(set(d.spans), key=lambda s: s.start)),
                    merge_notes=tuple(d.notes),
                    article=self.article_id if scoped else None,
                )
            )
        return tuple(out)


def agency_key(label: str) -> str:
    """An agency's name without a leading country possessive: "Brazil's Federal Police"."""
    return norm_key(re.sub(r"^[A-Z][\w.]*(?:\s[A-Z][\w.]*)?[’']s\s+", "", label.strip()))


def _same_agency(a: str, b: str) -> bool:
    """One name is the other with a word more at either end ('Seoul Metropolitan Police' and
    '... Police Agency'), and both are long enough to be names, not generic words."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short.split()) < 2:
        return False
    return long_.startswith(short + " ") or long_.endswith(" " + short)


def _has_number(text: str) -> bool:
    return bool(
        re.search(
            r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen|hundred)\b", text, re.I
        )
    )


def _agency_kind(label: str) -> str | None:
    low = label.lower()
    for kind, words in lexicon()["agency_kinds"].items():
        if any(w in low for w in words):
            return kind
    return None


def _is_generic_agency(label: str) -> bool:
    """'police', 'the prosecutors': no name of their own."""
    return label.lower().strip() in {
        "police",
        "prosecutors",
        "prosecutor",
        "procuratorate",
        "the police",
        "public prosecutors",
        "local police",
        "prosecuting agency",
        "prosecution agency",
        "police department",
        "public security bureau",
        "security organs",
        "prosecution",
    }
