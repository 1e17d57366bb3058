"""SHACL validation of a built graph against ontology/shapes.ttl, with readable results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import InputError
from kg.ontology import load_model, load_shapes
from kg.ontology.docs import SH, curie
from kg.settings import DEFAULT, Settings

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which node broke which rule, along which path, and what the rule says."""

    severity: str  # Violation, Warning or Info
    focus: str  # the node, as a CURIE
    path: str | None
    shape: str  # the rule: the shape's name, or its parent shape's name and the path
    message: str
    value: str | None = None

    def line(self) -> str:
        """The finding on one line: severity, node, path, [rule], message (value)."""
        parts = [f"{self.severity}:", self.focus]
        if self.path:
            parts.append(self.path)
        parts.append(f"[{self.shape}]")
        parts.append(self.message)
        if self.value is not None:
            parts.append(f"(value: {self.value})")
        return " ".join(parts)


@dataclass(frozen=True)
class ValidationReport:
    """What validation found; the graph conforms when no result is a Violation."""

    conforms: bool
    results: tuple[ValidationResult, ...]

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    def lines(self) -> list[str]:
        return [r.line() for r in self.results]


def _short(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    if isinstance(node, BNode):
        return "[blank node]"
    return curie(node)


def _rule_name(shapes: Graph, shape: Node) -> str:
    """The shape's IRI, or for an anonymous property shape its parent shape and path."""
    if not isinstance(shape, BNode):
        return curie(shape)
    parent = next(iter(shapes.subjects(SH.property, shape)), None)
    if parent is None:
        parent = next(iter(shapes.subjects(SH.sparql, shape)), None)
    path = shapes.value(shape, SH.path)
    base = curie(parent) if parent is not None and not isinstance(parent, BNode) else "shape"
    return f"{base}/{_short(path)}" if path is not None else base


def _results(report: Graph, shapes: Graph) -> tuple[ValidationResult, ...]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(r, SH.sourceShape)
        message = report.value(r, SH.resultMessage)
        out.append(ValidationResult(
            severity=SEVERITIES.get(report.value(r, SH.resultSeverity), "Violation"),
            focus=_short(report.value(r, SH.focusNode)) or "?",
            path=_short(report.value(r, SH.resultPath)),
            shape=_rule_name(shapes, shape) if shape is not None else "?",
            message=str(message) if message is not None else curie(
                report.value(r, SH.sourceConstraintComponent)),
            value=_short(report.value(r, SH.value)),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return tuple(sorted(set(out), key=lambda x: (order[x.severity], x.focus, x.path or "",
                                                 x.shape, x.message, x.value or "")))


def validate_graph(graph: Graph | str | Path, settings: Settings = DEFAULT) -> ValidationReport:
    """Check a graph (or a graph.ttl) against the SHACL shapes. Warnings and infos do not
    fail it. The whole model is merged into a copy of the graph (pyshacl's ont_graph would
    bring only the OWL axioms): targets and sh:class then follow rdfs:subClassOf, and the
    concept rule sees the SKOS schemes."""
    from pyshacl import validate

    if not isinstance(graph, Graph):
        from kg.graph import load_turtle

        graph = load_turtle(Path(graph), settings=settings)
    shapes = load_shapes(settings)
    merged = Graph()
    merged += graph
    merged += load_model(settings)
    conforms, report, _ = validate(
        merged, shacl_graph=shapes, inference="none", inplace=True,
        allow_warnings=True, allow_infos=True, advanced=False, abort_on_first=False,
    )
    if not isinstance(report, Graph):  # pyshacl returns, not raises, a failure to run
        raise InputError(f"the SHACL shapes cannot run: {report}")
    return ValidationReport(conforms=bool(conforms), results=_results(report, shapes))
