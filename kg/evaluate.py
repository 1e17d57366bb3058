"""Measure extraction against gold answers: build each gold article on its own, run the
competency questions on its graph and score them by the rules of evaluation/gold/FORMAT.md."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Identifier

from kg.errors import GoldError, InputError, QueryError
from kg.gold import Gold, Score, load_gold_dir, match_answers, money_key, parse_number
from kg.namespaces import DT
from kg.settings import DEFAULT, PROJECT_DIR, Settings

EVALUATION_DIR = PROJECT_DIR / "evaluation"

Warn = Callable[[str], None]
GraphSource = Graph | str | Path


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A missed or extra answer, with the sentence that shows it when one is known."""

    text: str
    evidence: str | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: str
    score: Score
    misses: tuple[Answer, ...] = ()
    extras: tuple[Answer, ...] = ()
    # True when two predicted entities both fit one answer and the row order the query
    # happens to return decides which is counted: the contract's scorer can then differ
    # from run to run on pred (never on tp).
    order_dependent: bool = False


@dataclass(frozen=True)
class ArticleResult:
    gold_file: str
    article: str
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class EvaluationReport:
    """Every article's per-question scores, with totals and the micro average."""

    articles: tuple[ArticleResult, ...]
    warnings: tuple[str, ...] = ()

    def per_question(self) -> dict[str, Score]:
        totals: dict[str, Score] = {}
        for a in self.articles:
            for q in a.questions:
                totals[q.question] = totals.get(q.question, Score()) + q.score
        return totals

    @property
    def micro(self) -> Score:
        return sum(self.per_question().values(), Score())

    def to_dict(self) -> dict:
        """Plain data for --json: micro P/R/F1, totals by question, every article's detail."""

        def score(s: Score) -> dict:
            return {
                "tp": s.tp,
                "pred": s.pred,
                "gold": s.gold,
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
            }

        def answers(xs: tuple[Answer, ...]) -> list[dict]:
            return [{"answer": x.text, "evidence": x.evidence} for x in xs]

        return {
            "micro": score(self.micro),
            "per_question": {q: score(s) for q, s in self.per_question().items()},
            "articles": [
                {
                    "gold_file": a.gold_file,
                    "article": a.article,
                    "questions": {
                        q.question: {
                            **score(q.score),
                            "misses": answers(q.misses),
                            "extras": answers(q.extras),
                            "order_dependent": q.order_dependent,
                        }
                        for q in a.questions
                    },
                }
                for a in self.articles
            ],
            "warnings": list(self.warnings),
        }


# --- asking the graph ---------------------------------------------------------------------


@dataclass(frozen=True)
class Predicted:
    """One predicted entity: a node and every label the question returned for it."""

    node: Identifier
    labels: tuple[str, ...]
    label: str  # the main label, to show


def load_questions(competency_dir: str | Path) -> dict[str, str]:
    """Question name -> SPARQL text, from the folder's *.rq files."""
    folder = Path(competency_dir)
    files = sorted(folder.glob("*.rq")) if folder.is_dir() else []
    if not files:
        raise GoldError(f"no competency questions (*.rq) in {folder}")
    return {f.stem: f.read_text(encoding="utf-8") for f in files}


def _run(graph: Graph, name: str, query: str) -> list:
    try:
        return list(graph.query(query))
    except Exception as e:  # rdflib raises parser and evaluation errors of many types
        raise QueryError(f"competency question {name} failed: {str(e).splitlines()[0]}") from e


def predicted_entities(graph: Graph, name: str, query: str) -> list[Predicted]:
    """The ?x ?label rows of an entity question, grouped by ?x."""
    groups: dict[Identifier, set[str]] = {}
    for row in _run(graph, name, query):
        groups.setdefault(row[0], set()).add(str(row[1]))
    out = []
    for node in sorted(groups, key=str):
        main = graph.value(node, RDFS.label) or graph.value(node, SKOS.prefLabel)
        labels = tuple(sorted(groups[node]))
        out.append(Predicted(node, labels, str(main) if main is not None else labels[0]))
    return out


def predicted_counts(graph: Graph, query: str) -> set[int]:
    numbers = (parse_number(row[0]) for row in _run(graph, "record_counts", query))
    return {int(n) for n in numbers if n is not None and n.is_finite()}


def predicted_money(graph: Graph, query: str) -> set[tuple[Decimal, str]]:
    found = (money_key(row[0], row[1]) for row in _run(graph, "money", query))
    return {k for k in found if k is not None}


def evidence_of(graph: Graph, node: Identifier) -> str | None:
    """The first evidence sentence of a node, or of a node pointing to it (a money node's
    event)."""
    for holder in (node, *sorted(set(graph.subjects(None, node)), key=str)):
        spans = []
        for ev in graph.objects(holder, DT.evidence):
            sentence = graph.value(ev, DT.sentence)
            if sentence is not None:
                spans.append((parse_number(graph.value(ev, DT.startOffset)) or 0, str(sentence)))
        if spans:
            return min(spans)[1]
    return None


def _figure_evidence(
    graph: Graph, prop: Identifier, key: object, currency: bool = False
) -> str | None:
    """The evidence of the first node whose figure is the extra answer."""
    for node, lit in sorted(graph.subject_objects(prop), key=lambda so: str(so[0])):
        n = parse_number(lit)
        if n is None or not n.is_finite():
            continue
        found = money_key(n, graph.value(node, DT.currency)) if currency else int(n)
        if found == key:
            return evidence_of(graph, node)
    return None


def _sentences(graph: Graph, text: str | None) -> list[str]:
    """The article's sentences (or, without its text, the graph's evidence sentences)."""
    if text:
        return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    found = {
        (parse_number(graph.value(ev, DT.startOffset)) or 0, str(s))
        for ev, s in graph.subject_objects(DT.sentence)
    }
    return [s for _, s in sorted(found)]


def _sentence_naming(names: Iterable[str], sentences: Sequence[str]) -> str | None:
    """The first sentence that names a missed answer, to show where it was."""
    for name in names:
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        for s in sentences:
            if pattern.search(s):
                return s
    return None


# --- scoring one article ------------------------------------------------------------------


def score_graph(
    graph: Graph, gold: Gold, questions: Mapping[str, str], text: str | None = None
) -> ArticleResult:
    """Score one article's graph (ontology loaded with it) against its gold answers."""
    results = []
    sentences: list[str] = []
    order_dependent = False
    for name in sorted(questions):
        query = questions[name]
        if name in ("record_counts", "money"):
            money = name == "money"
            pred = predicted_money(graph, query) if money else predicted_counts(graph, query)
            want = gold.money if money else gold.record_counts
            prop = DT.amount if money else DT.recordCount
            show = (lambda k: f"{k[0]} {k[1]}") if money else str
            extras = tuple(
                Answer(show(k), _figure_evidence(graph, prop, k, money))
                for k in sorted(pred - want)
            )
            misses = tuple(Answer(show(k)) for k in sorted(want - pred))
            score = Score(len(pred & want), len(pred), len(want))
        else:
            preds = predicted_entities(graph, name, query)
            answers = gold.entities.get(name, ())
            m = match_answers([p.labels for p in preds], answers)
            reverse = match_answers([p.labels for p in reversed(preds)], answers)
            order_dependent = (reverse.tp, reverse.pred) != (m.tp, m.pred)
            if m.missed and not sentences:
                sentences = _sentences(graph, text)
            extras = tuple(
                Answer(preds[i].label, evidence_of(graph, preds[i].node)) for i in m.extra
            )
            misses = tuple(
                Answer(answers[j].label, _sentence_naming(answers[j].names, sentences))
                for j in m.missed
            )
            score = Score(m.tp, m.pred, m.gold)
        entity_question = name not in ("record_counts", "money")
        results.append(
            QuestionResult(name, score, misses, extras, entity_question and order_dependent)
        )
    return ArticleResult(gold.path.name, gold.article, tuple(results))


# --- graphs to score ----------------------------------------------------------------------


def load_ontology(settings: Settings, warn: Warn) -> list[str]:
    """The text of every ontology Turtle file, in the order the contract's scorer reads them
    (the questions need rdfs:subClassOf); a file that does not parse is named in a warning
    and left out."""
    texts = []
    folder = settings.ontology_dir
    for f in sorted(folder.rglob("*.ttl")) if folder.is_dir() else []:
        try:
            text = f.read_text(encoding="utf-8")
            Graph().parse(data=text, format="turtle")
        except Exception as e:  # rdflib raises many types for bad syntax
            warn(f"ontology file {f} left out: {str(e).splitlines()[0] if str(e) else e}")
            continue
        texts.append(text)
    return texts


def _with_ontology(graph: Graph | Path, ontology: list[str]) -> Graph:
    """The graph as the contract's scorer sees it: its Turtle parsed, then each ontology
    file parsed into it, so the questions' answers come back in the same order."""
    from kg.graph import load_turtle, serialize_turtle

    if isinstance(graph, Path):
        combined = load_turtle(graph)
    else:
        combined = Graph()
        combined.parse(data=serialize_turtle(graph), format="turtle")
    for text in ontology:
        combined.parse(data=text, format="turtle")
    return combined


def _default_inputs() -> list[Path]:
    here = Path("seeds")
    return [here] if here.is_dir() else [PROJECT_DIR / "seeds"]


def locate_articles(golds: Sequence[Gold], inputs: Iterable[str | Path] | None) -> dict[str, Path]:
    """Gold file stem -> the article file it names, looked up among the inputs."""
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    roots = [Path(p) for p in inputs] if inputs else _default_inputs()
    by_name: dict[str, Path] = {}
    for root in roots:
        if not root.exists():
            raise InputError(f"input not found: {root} (give article files or folders)")
        files = sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else [root]
        for f in files:
            by_name.setdefault(f.name, f)
    found = {}
    for g in golds:
        path = by_name.get(g.article)
        if path is None:
            where = ", ".join(str(r) for r in roots)
            raise InputError(
                f"article {g.article} of {g.path.name} not found in {where} "
                "(give the folder that holds it as INPUT)"
            )
        found[g.name] = path
    return found


def build_article_graph(path: Path, settings: Settings, warn: Warn) -> tuple[Graph, str]:
    """One article's graph, built in memory by the library build, and its clean text.

    The build keeps one Extractor per settings in this process (kg.executors), so every
    article of an evaluation shares one loaded spaCy pipeline."""
    from kg.build import build_graph

    result = build_graph([path], settings=settings)
    for w in result.warnings:
        warn(w)
    return result.graph, "\n".join(x.article.text for x in result.extractions)


def _given_graph(graphs: Mapping[str, GraphSource] | str | Path, gold: Gold) -> Graph | Path:
    """A built graph for a gold file: from a mapping keyed by gold stem or article name,
    or from DIR/<gold stem>/graph.ttl."""
    from kg.graph import load_turtle

    if isinstance(graphs, str | Path):
        source: GraphSource | None = Path(graphs) / gold.name / "graph.ttl"
    else:
        source = graphs.get(gold.name, graphs.get(gold.article))
    if source is None:
        raise InputError(f"no graph given for {gold.path.name} (key it by {gold.name!r})")
    if isinstance(source, Graph):
        return source
    if not Path(source).exists():
        load_turtle(Path(source))  # raises the InputError that says what is missing
    return Path(source)


def _competency_dir(gold_dir: Path) -> Path:
    """The questions that sit beside the gold folder, else the project's own."""
    beside = (gold_dir if gold_dir.is_dir() else gold_dir.parent).parent / "competency"
    return beside if any(beside.glob("*.rq")) else EVALUATION_DIR / "competency"


def evaluate(
    gold_dir: str | Path,
    inputs: Iterable[str | Path] | None = None,
    graphs: Mapping[str, GraphSource] | str | Path | None = None,
    *,
    competency_dir: str | Path | None = None,
    settings: Settings = DEFAULT,
) -> EvaluationReport:
    """Score every gold file's article: built on its own in memory from INPUTS (default:
    seeds/), or taken from GRAPHS (a mapping, or a folder of <gold stem>/graph.ttl)."""
    gold_dir = Path(gold_dir)
    questions = load_questions(competency_dir or _competency_dir(gold_dir))
    golds = load_gold_dir(gold_dir, questions)
    if inputs and graphs is not None:
        raise InputError("give articles to build or built graphs, not both")
    warnings: list[str] = []
    onto = load_ontology(settings, warnings.append)
    results = []
    if graphs is not None:
        for g in golds:
            results.append(score_graph(_with_ontology(_given_graph(graphs, g), onto), g, questions))
    else:
        paths = locate_articles(golds, inputs)
        for g in golds:
            graph, text = build_article_graph(paths[g.name], settings, warnings.append)
            results.append(score_graph(_with_ontology(graph, onto), g, questions, text))
    return EvaluationReport(tuple(results), tuple(warnings))


# --- showing and gating -------------------------------------------------------------------


def format_report(report: EvaluationReport, verbose: bool = False) -> str:
    """The per-question table and the micro average; verbose adds every miss and extra."""
    lines = []
    if verbose:
        for a in report.articles:
            lines.append(f"== {a.gold_file} ({a.article})")
            for q in a.questions:
                for kind, xs in (("missed", q.misses), ("extra", q.extras)):
                    for x in xs:
                        lines.append(f"  {q.question:16s} {kind:6s} {x.text}")
                        if x.evidence:
                            lines.append(f"  {'':16s} {'':6s}   \u201c{_clip(x.evidence)}\u201d")
        lines.append("")
    lines.append(f"{'question':16s} {'P':>5s} {'R':>5s} {'F1':>5s}  tp/pred/gold")
    for name, s in report.per_question().items():
        lines.append(
            f"{name:16s} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f}  {s.tp}/{s.pred}/{s.gold}"
        )
    m = report.micro
    lines.append(
        f"micro P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f}  "
        f"{m.tp}/{m.pred}/{m.gold} over {len(report.articles)} article(s)"
    )
    return "\n".join(lines)


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def check_floor(report: EvaluationReport, floor_file: str | Path) -> list[str]:
    """What falls below the floors kept in the repo ({"micro_f1": x, "questions": {q: x}});
    an empty list means the floor holds."""
    path = Path(floor_file)
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
        micro = float(floors["micro_f1"])
        per_q = {str(q): float(v) for q, v in (floors.get("questions") or {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(
            f'cannot read floor file {path}: it needs {{"micro_f1": number}} ({e})'
        ) from e
    failures = []
    if report.micro.f1 < micro:
        failures.append(f"micro F1 {report.micro.f1:.4f} is below the floor {micro} in {path}")
    totals = report.per_question()
    for q, floor in sorted(per_q.items()):
        f1 = totals[q].f1 if q in totals else 0.0
        if f1 < floor:
            failures.append(f"{q} F1 {f1:.4f} is below its floor {floor} in {path}")
    return failures
