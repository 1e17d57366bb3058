"""One exception hierarchy: the CLI catches KgError once and exits with its code."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error a user can cause; the message says what to do next."""

    exit_code = 2


class InputError(KgError):
    """An input file or folder cannot be read as articles."""


class OutputError(KgError):
    """An output location cannot be written."""


class QueryError(KgError):
    """A SPARQL query is malformed or cannot run."""


class StoreError(KgError):
    """A graph store cannot be opened, loaded or reached."""


class ValidationFailed(KgError):
    """A graph does not conform to the SHACL shapes."""

    exit_code = 1


class GoldError(KgError):
    """A gold-answer file is missing or malformed."""
