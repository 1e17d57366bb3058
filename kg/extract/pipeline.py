"""The extractor: runs the stages over one Article and returns an Extraction."""

from __future__ import annotations

from kg.model import Article, Extraction
from kg.settings import DEFAULT, Settings


class Extractor:
    """Holds the loaded NLP pipeline and vocabularies; extract() is pure per article."""

    def __init__(self, settings: Settings = DEFAULT) -> None:
        self.settings = settings

    def extract(self, article: Article) -> Extraction:
        return Extraction(article=article)
