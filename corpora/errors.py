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


def lone_surrogate(text: str) -> int | None:
    """Index of the first lone surrogate (U+D800..U+DFFF: half of a UTF-16 pair, or an undecodable byte of a
    command-line argument) in `text`, else None. Such text cannot be written as UTF-8, so it is refused."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return e.start
    return None


def surrogate_message(what: str, text: str, at: int) -> str:
    """The message for text holding a lone surrogate at index `at` (lone_surrogate)."""
    code = ord(text[at])
    if 0xDC80 <= code <= 0xDCFF:  # how Python keeps a byte that is not UTF-8 (a command-line argument)
        return f"{what} is not valid UTF-8 text (byte 0x{code - 0xDC00:02X} at character {at + 1})."
    return (f"{what} is not valid Unicode text: it holds a lone surrogate (U+{code:04X}) at character {at + 1}, "
            "half of a character that cannot be stored or searched.")


def check_unicode(text: str, what: str, error: type[CorpusError] = CorpusError) -> str:
    """`text` unchanged, or `error` when it holds a lone surrogate (see lone_surrogate)."""
    at = lone_surrogate(text)
    if at is not None:
        raise error(surrogate_message(what, text, at))
    return text


def escape_markdown(text: str) -> str:
    """`text` with every Markdown / Streamlit-directive character backslash-escaped: shown as plain text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
