"""What the Corpora page does with the store, as plain functions: adding an uploaded file as a corpus (its
checks first), the listing's texts and the columns offered for the frequency chart.

    problem = upload_problem(name, is_table(file_name), text_column)   # None when it can be added
    n_docs = add_upload(store, name, file_name, data, text_column, progress)

No streamlit here; errors are corpora.errors.CorpusError (DuplicateContentError: already stored).
"""

from __future__ import annotations

from collections.abc import Sequence

from .readers import SUPPORTED, TABLE_EXTS, read_upload
from .store import Progress

UPLOAD_TYPES = [ext.lstrip(".") for ext in SUPPORTED]  # the file types an upload may have
LOW_CARDINALITY = 20  # the chart's default column has at most this many distinct values


def plural(n: int, word: str) -> str:
    """"1 document", "2,000 documents"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def is_table(file_name: str) -> bool:
    """True for a .csv / .tsv upload (its text column is chosen before it is added)."""
    return file_name.lower().endswith(TABLE_EXTS)


def text_column_choices(header: Sequence[str], guess: str | None) -> tuple[list[str], int | None]:
    """(columns offered as the text column, index of the preselected one): the guessed column first and
    preselected; none preselected without a guess."""
    cols = [guess, *[h for h in header if h != guess]] if guess else list(header)
    return cols, (0 if guess else None)


def upload_problem(name: str, table: bool, text_column: str | None) -> str | None:
    """Why an upload cannot be added yet (no name, a table without its text column), or None."""
    if not name:
        return "Give the corpus a name."
    if table and text_column is None:
        return "Choose the text column first."
    return None


def add_upload(store, name: str, file_name: str, data: bytes, text_column: str | None = None,
               progress: Progress = None) -> int:
    """Read an uploaded file (corpora.readers.read_upload) and add it to the store as corpus `name`
    (source "upload"); returns its number of documents. progress(fraction, message) as Store.add_corpus."""
    docs = read_upload(file_name, data, text_column=text_column)
    store.add_corpus(name, docs, source="upload", progress=progress)
    return len(docs)


def top_words_text(top: Sequence[tuple[str, int]], n: int = 20) -> str:
    """The first `n` of (word, count) pairs as "the (1,200), of (800)"."""
    return ", ".join(f"{w} ({c:,})" for w, c in top[:n])


def chart_columns(cardinality: dict[str, int]) -> tuple[list[str], int | None]:
    """(columns, index of the default): low-cardinality columns first; no default when none is."""
    low = [c for c, n in cardinality.items() if 0 < n <= LOW_CARDINALITY]
    cols = low + [c for c in cardinality if c not in low]
    return cols, (0 if low else None)
