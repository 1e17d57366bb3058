"""The ontology folder: load the model and the shapes, and regenerate what is generated there.

ontology/datatrade.ttl (hand-written OWL), ontology/schemes.ttl (SKOS, generated from
kg/vocab/*.yaml), ontology/shapes.ttl (SHACL) and ontology/README.md (generated docs).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError
from kg.ontology.docs import docs_markdown
from kg.ontology.schemes import load_definitions, schemes_graph, schemes_turtle
from kg.settings import DEFAULT, Settings
from kg.vocab import schemes as vocab_schemes

MODEL_FILE = "datatrade.ttl"
SCHEMES_FILE = "schemes.ttl"
SHAPES_FILE = "shapes.ttl"
DOCS_FILE = "README.md"
DEFINITIONS_FILE = Path(__file__).resolve().parent / "definitions.yaml"

__all__ = [
    "generated_files", "load_model", "load_shapes", "regenerate", "stale_files",
    "MODEL_FILE", "SCHEMES_FILE", "SHAPES_FILE", "DOCS_FILE",
]


def _stamp(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


@lru_cache(maxsize=8)
def _parse(stamp: tuple[tuple[str, int, int], ...]) -> Graph:
    g = Graph()
    for name, _, _ in stamp:
        try:
            g.parse(name, format="turtle")
        except Exception as e:  # rdflib raises many types for bad syntax
            raise InputError(f"cannot parse ontology file {name}: {e}") from e
    return g


def _model_files(settings: Settings) -> list[Path]:
    folder = settings.ontology_dir
    if not (folder / MODEL_FILE).exists():
        raise InputError(f"ontology not found in {folder} (set KG_ONTOLOGY to the ontology folder)")
    return sorted(f for f in folder.glob("*.ttl") if f.name != SHAPES_FILE)


def load_model(settings: Settings = DEFAULT) -> Graph:
    """The ontology and its SKOS schemes (every ontology/*.ttl but the shapes), parsed once
    per file version; callers must not change the graph they get."""
    return _parse(_stamp(_model_files(settings)))


def load_shapes(settings: Settings = DEFAULT) -> Graph:
    """The SHACL shapes, parsed once per file version; callers must not change the graph."""
    path = settings.ontology_dir / SHAPES_FILE
    if not path.exists():
        raise InputError(f"SHACL shapes not found: {path} (set KG_ONTOLOGY to the ontology folder)")
    return _parse(_stamp([path]))


def generated_files(settings: Settings = DEFAULT) -> dict[Path, str]:
    """What the generated files should contain now: schemes.ttl from the vocabularies and
    README.md from datatrade.ttl, the fresh schemes and shapes.ttl."""
    folder = settings.ontology_dir
    schemes = schemes_graph(vocab_schemes(), load_definitions(DEFINITIONS_FILE))
    model = Graph()
    model.parse(folder / MODEL_FILE, format="turtle")
    model += schemes
    return {
        folder / SCHEMES_FILE: schemes_turtle(schemes),
        folder / DOCS_FILE: docs_markdown(model, load_shapes(settings)),
    }


def stale_files(settings: Settings = DEFAULT) -> list[Path]:
    """Generated files whose committed text differs from what the generator makes now."""
    return [p for p, text in generated_files(settings).items()
            if not p.exists() or p.read_text(encoding="utf-8") != text]


def regenerate(settings: Settings = DEFAULT) -> list[Path]:
    """Rewrite the generated files that changed; returns the paths written."""
    written = []
    for path, text in generated_files(settings).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
