"""Fixtures the test modules share."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import Extractor


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """One extractor for every test that extracts: the spaCy pipeline loads once."""
    return Extractor()


@pytest.fixture(scope="session")
def ex(extractor: Extractor) -> Extractor:
    """The same extractor under the short name the extractor tests use."""
    return extractor
