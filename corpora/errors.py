"""Errors of the corpora package: every one is a CorpusError (a ValueError) with a message fit for the user.

Messages hold user-supplied text (corpus names, words, file names) as typed; pages that render Markdown
(st.error, st.success, ...) show them through escape_markdown so such text is never interpreted.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^\"'])")


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


class StoreError(CorpusError):
    """The store file cannot be opened or read (a folder, not a database, damaged, not writable)."""


class StoreBusyError(StoreError):
    """Another write held the store longer than the busy timeout: try again."""


def escape_markdown(text: str) -> str:
    """`text` with every Markdown / Streamlit-directive character backslash-escaped: shown as plain text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
