"""Errors of the corpora package: every one is a CorpusError (a ValueError) with a message fit for the user."""

from __future__ import annotations


class CorpusError(ValueError):
    """Base class: the message is shown to the user as is."""


class UnknownCorpusError(CorpusError, KeyError):
    """No corpus (stored or built-in) of that name."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CorpusExistsError(CorpusError):
    """A corpus of that name is already stored."""


class DuplicateContentError(CorpusError):
    """The same documents are already stored under another name."""

    def __init__(self, message: str, existing: str):
        super().__init__(message)
        self.existing = existing


class QueryError(CorpusError):
    """An invalid search: empty word, too long, bad regular expression."""


class WordNotFoundError(QueryError):
    """The word does not occur in the corpus; `suggestions` holds close words, most frequent first."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = list(suggestions or [])


class ReadError(CorpusError):
    """An uploaded file cannot be read (empty, binary, undecodable, too big, unsafe archive, ...)."""
