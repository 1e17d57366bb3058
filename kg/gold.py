"""Gold answers: their file format and the rules that match predicted answers to them
(evaluation/gold/FORMAT.md), kept apart from any graph so they can be read and tested alone."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path

import yaml

from kg.errors import GoldError

FIGURE_QUESTIONS = ("record_counts", "money")
# Words that never make two labels the same thing (FORMAT.md: "content words").
STOP_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "by", "with"})
_ARTICLES = ("a", "an", "the")
_CENT = Decimal("0.01")


# --- labels -------------------------------------------------------------------------------


def normalise_label(label: str) -> str:
    """A label as the scorer compares it: CamelCase split, lower case, no punctuation, no
    leading article, no plural -s."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", label).lower()
    words = re.sub(r"[^\w\s]", " ", text).split()
    while words and words[0] in _ARTICLES:
        words.pop(0)
    # A crude plural rule on purpose: "-ss" (access, address) and short words (bus, gas) keep it.
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def content_words(label: str) -> frozenset[str]:
    """The normalised words of a label that carry meaning."""
    return frozenset(normalise_label(label).split()) - STOP_WORDS


def labels_match(predicted: Iterable[str], gold: Iterable[str]) -> bool:
    """True when a predicted entity's labels name a gold answer (label or alias)."""
    predicted, gold = list(predicted), list(gold)
    if {normalise_label(p) for p in predicted} & {normalise_label(g) for g in gold}:
        return True
    gold_words = [content_words(g) for g in gold]
    for p in predicted:
        pw = content_words(p)
        # All content words of the shorter label appear in the longer one.
        if pw and any(gw and (pw <= gw or gw <= pw) for gw in gold_words):
            return True
    return False


# --- gold answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldAnswer:
    """One answer an analyst recorded for an entity question."""

    label: str
    aliases: tuple[str, ...] = ()
    optional: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Gold:
    """The gold answers of one article, by question."""

    path: Path
    article: str
    entities: dict[str, tuple[GoldAnswer, ...]] = field(default_factory=dict)
    record_counts: frozenset[int] = frozenset()
    money: frozenset[tuple[Decimal, str]] = frozenset()

    @property
    def name(self) -> str:
        """The gold file's stem: the key of its article's graph."""
        return self.path.stem


def parse_number(value: object) -> Decimal | None:
    """A number from a YAML or RDF value, or None when it is not one."""
    try:
        return Decimal(str(value)) if not isinstance(value, bool) else None
    except InvalidOperation:
        return None


def money_key(value: object, currency: object) -> tuple[Decimal, str] | None:
    """Money compared to the cent, currency by its ISO code in upper case."""
    n = parse_number(value)
    if n is None or not n.is_finite() or not str(currency or "").strip():
        return None
    return n.quantize(_CENT, rounding=ROUND_HALF_EVEN), str(currency).strip().upper()


def _gold_answer(item: object, where: str) -> GoldAnswer:
    if not isinstance(item, dict) or not isinstance(item.get("label"), str | int | float):
        raise GoldError(f"{where}: each answer needs a 'label' (see evaluation/gold/FORMAT.md)")
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list):
        raise GoldError(f"{where}: 'aliases' of {item['label']!r} must be a list")
    optional = bool(item.get("optional"))
    return GoldAnswer(str(item["label"]), tuple(str(a) for a in aliases), optional)


def _answers(data: dict, question: str, path: Path) -> list:
    items = data.get(question) or []
    if not isinstance(items, list):
        raise GoldError(f"{path}: {question} must be a list of answers (an empty one is [])")
    return items


def load_gold(path: str | Path, questions: Iterable[str]) -> Gold:
    """One gold YAML file, checked against the known question names."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise GoldError(f"cannot read gold file {path}: {str(e).splitlines()[0]}") from e
    if not isinstance(data, dict):
        raise GoldError(f"{path}: a gold file is a mapping of question -> answers")
    known = set(questions)
    unknown = sorted(str(k) for k in data if k != "article" and k not in known)
    if unknown:
        raise GoldError(
            f"{path}: unknown question(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    entities = {
        q: tuple(_gold_answer(x, f"{path}: {q}") for x in _answers(data, q, path))
        for q in sorted(known - set(FIGURE_QUESTIONS))
    }
    counts = set()
    for x in _answers(data, "record_counts", path):
        n = parse_number(x)
        if n is None or not n.is_finite() or n != n.to_integral_value():
            raise GoldError(f"{path}: record_counts holds integers, not {x!r}")
        counts.add(int(n))
    money = set()
    for x in _answers(data, "money", path):
        key = money_key(x.get("value"), x.get("currency")) if isinstance(x, dict) else None
        if key is None:
            raise GoldError(f"{path}: money answers are {{value: N, currency: CODE}}, not {x!r}")
        money.add(key)
    article = data.get("article") or f"{path.stem}.txt"
    return Gold(path, str(article), entities, frozenset(counts), frozenset(money))


def load_gold_dir(gold: str | Path, questions: Iterable[str]) -> list[Gold]:
    """Every *.yaml gold file of a folder (or one gold file), in name order."""
    gold = Path(gold)
    if gold.is_file():
        return [load_gold(gold, questions)]
    files = sorted(gold.glob("*.yaml")) + sorted(gold.glob("*.yml")) if gold.is_dir() else []
    if not files:
        raise GoldError(f"no gold files (*.yaml) in {gold} (see evaluation/gold/FORMAT.md)")
    questions = list(questions)
    return [load_gold(f, questions) for f in sorted(files)]


# --- matching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """How one question's predicted entities met its gold answers."""

    tp: int
    pred: int  # predicted entities, less those absorbed by optional answers
    gold: int  # required answers
    missed: tuple[int, ...]  # indices of required gold answers left unmatched
    extra: tuple[int, ...]  # indices of predicted entities left unmatched


def match_answers(predicted: Sequence[Iterable[str]], gold: Sequence[GoldAnswer]) -> Match:
    """One-to-one matching as the contract's scorer does it: a maximum matching of the
    predicted entities (in the order the query returns them) to the required answers, then
    the entities left over are matched to the optional answers, which absorb them (a
    predicted entity matched to an optional answer is neither counted nor penalised)."""
    preds = [list(p) for p in predicted]
    required = [j for j, g in enumerate(gold) if not g.optional]
    optional = [j for j, g in enumerate(gold) if g.optional]

    def max_matching(golds: list[int], free: list[int]) -> dict[int, int]:
        edges = {i: [j for j in golds if labels_match(preds[i], gold[j].names)] for i in free}
        pred_of: dict[int, int] = {}  # gold index -> predicted index

        def augment(i: int, seen: set[int]) -> bool:
            for j in edges[i]:
                if j in seen:
                    continue
                seen.add(j)
                if j not in pred_of or augment(pred_of[j], seen):
                    pred_of[j] = i
                    return True
            return False

        for i in free:
            augment(i, set())
        return {i: j for j, i in pred_of.items()}

    on_required = max_matching(required, list(range(len(preds))))
    left = [i for i in range(len(preds)) if i not in on_required]
    on_optional = max_matching(optional, left)
    matched = set(on_required.values())
    return Match(
        tp=len(on_required),
        pred=len(preds) - len(on_optional),
        gold=len(required),
        missed=tuple(j for j in required if j not in matched),
        extra=tuple(i for i in left if i not in on_optional),
    )


# --- scores -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Counts behind precision and recall; scores add up for micro averages."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.pred + other.pred, self.gold + other.gold)

    @property
    def precision(self) -> float:
        # Nothing predicted is perfect precision only when nothing was there to find.
        return self.tp / self.pred if self.pred else (0.0 if self.gold else 1.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
