"""datatrade-kg: news reports on the illegal trade in personal data, as a knowledge graph.

The library API a notebook uses; the ``kg`` command is a thin shell over it.
"""

from __future__ import annotations

__version__ = "0.1.0"
EXTRACTOR_VERSION = "0.1.0"

# `read_article`, not `read`: kg.read is the reader package, and importing it would shadow it.
from kg.api import build, export, load_graph, query  # noqa: E402
from kg.api import read as read_article  # noqa: E402

__all__ = ["build", "read_article", "load_graph", "query", "export", "__version__",
           "EXTRACTOR_VERSION"]
