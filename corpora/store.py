"""The corpus store: documents, tokenised sentences and a token index in one SQLite file.

    store = Store()                                   # $SENSE_EXPLORER_DATA/corpora.sqlite3
    store.add_corpus("mine", read_upload("a.csv", data), progress=lambda f, msg: ...)
    store.ensure_builtin("wiki")                      # indexes a built-in corpus once, on first use
    with store.reader("wiki") as r: r.postings(ids)   # reads of one corpus over one connection (search)

Layout (WAL mode, so searches keep working while a corpus is being added):

* corpora(id, name UNIQUE, source, hash, created, n_docs, n_tokens, n_types, meta_keys JSON)
* documents(corpus_id, doc, text, meta JSON, n_tokens): the original text, exactly as read
* sentences(id, corpus_id, doc, sent_no, text, tokens JSON, offsets JSON): the sentence exactly as in
  the document, its tokens (corpora.text, the model's tokenisation) and each token's start in `text`
* types(id, corpus_id, form, lower, n): every distinct token form of a corpus with its count
* postings(type_id, sent_id, pos) WITHOUT ROWID: the token index; its primary key makes
  "all occurrences of a form" one range scan. Postings are written in key order, so indexing
  is an append.

Sentences: blank lines always end a sentence (paragraphs are split first); a sentence longer than
corpora.sentences.MAX_SENTENCE_TOKENS tokens (text without punctuation) is cut into pieces of that many tokens.
Pre-tokenised documents (Senseval) keep their sentences and token positions as given.

Adding a corpus tokenises every document first, outside any transaction (other writers are not held
up; a corpus of over 2 MB of text is tokenised in two processes, see corpora.text.split_rows), then writes
it in one short transaction: a failed or interrupted ingestion leaves the store as it was. A write that waits more than BUSY_TIMEOUT_S for another one raises StoreBusyError ("the store is
busy, try again"); a store file that is not a SQLite database (or cannot be opened) raises StoreError.
Each call opens its own short-lived connection, so one Store can be shared by threads.

The store is shared: every session of the app (and the CLI) sees and may delete the same uploaded
corpora. Built-in corpus names (corpora.builtin.BUILTIN_NAMES) are reserved for the built-ins, and a
built-in corpus is only removed with force=True (the CLI's --force).

Corpus names: see corpora.names (1 to names.MAX_NAME_CHARS visible characters; an uploaded corpus's name in one
script, and neither a built-in name nor one that looks like it).

Refused before anything is written, so the store file stays byte-for-byte as it was: documents whose text
or metadata holds a lone surrogate (not valid Unicode), metadata numbers that are not finite (NaN,
Infinity) or too long to write, metadata nested too deeply, and documents of which none holds a visible
character.

Read-only: a store file that exists but is not writable, or whose folder is not, is opened read-only
(Store(read_only=True) asks for it): listing and searching work, and adding or deleting a corpus raises
StoreError saying the store is read-only. With its folder read-only too, the file is opened as immutable
(no other process can write to it then, as its write-ahead log could not be created).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from . import names, settings
from .builtin import Document, builtin_documents
from .errors import (
    CorpusError,
    CorpusExistsError,
    DuplicateContentError,
    StoreBusyError,
    StoreError,
    UnknownCorpusError,
    lone_surrogate,
    surrogate_message,
)
from .readers import has_text
from .search import matching_type_ids
from .sentences import document_sentences, str_keys

DB_NAME = "corpora.sqlite3"
SCHEMA_VERSION = 1
MAX_META_DEPTH = 100  # metadata nested deeper is refused
BUSY_TIMEOUT_S = 60.0  # a writer waits this long for another one's transaction, then StoreBusyError
BUILTIN_SOURCE = "builtin"

Progress = Callable[..., object] | None

_SCHEMA = """
CREATE TABLE IF NOT EXISTS corpora (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    hash TEXT NOT NULL,
    created TEXT NOT NULL,
    n_docs INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL,
    n_types INTEGER NOT NULL,
    meta_keys TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS corpora_hash ON corpora(hash);
CREATE TABLE IF NOT EXISTS documents (
    corpus_id INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    text TEXT NOT NULL,
    meta TEXT NOT NULL,
    n_tokens INTEGER NOT NULL,
    PRIMARY KEY (corpus_id, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    corpus_id INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    sent_no INTEGER NOT NULL,
    text TEXT NOT NULL,
    tokens TEXT NOT NULL,
    offsets TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_corpus ON sentences(corpus_id, doc);
CREATE TABLE IF NOT EXISTS types (
    id INTEGER PRIMARY KEY,
    corpus_id INTEGER NOT NULL,
    form TEXT NOT NULL,
    lower TEXT NOT NULL,
    n INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS types_lower ON types(corpus_id, lower);
CREATE INDEX IF NOT EXISTS types_form ON types(corpus_id, form);
CREATE TABLE IF NOT EXISTS postings (
    type_id INTEGER NOT NULL,
    sent_id INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    PRIMARY KEY (type_id, sent_id, pos)
) WITHOUT ROWID;
"""

_WORDLIKE = re.compile(r"\w")
_WRITE_BATCH = 100_000  # postings handed to SQLite at once


def _meta_column(key: str) -> str:
    return f"meta_{key}" if key in ("doc", "n_tokens") else key


def content_hash(documents: Iterable[Document]) -> str:
    """sha256 over every document's text, metadata and (if given) pre-tokenised sentences, in order.

    Raises UnicodeEncodeError (a lone surrogate), ValueError (a number that is not finite or too long to
    write) or RecursionError (metadata nested too deeply) for what the store cannot hold."""
    h = hashlib.sha256()
    for d in documents:
        h.update(d.text.encode("utf-8"))
        h.update(b"\x00")
        h.update(json.dumps(str_keys(d.meta), sort_keys=True, ensure_ascii=False, default=str,
                            allow_nan=False).encode("utf-8"))
        if d.sentences is not None:
            h.update(b"\x00")
            h.update(json.dumps(d.sentences, ensure_ascii=False).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def _document_problem(i: int, d: Document) -> str | None:
    """What the store cannot hold in document i (text, metadata, sentences), or None."""
    where = f"Document {i + 1}"
    at = lone_surrogate(d.text)
    if at is not None:
        return surrogate_message(f"The text of document {i + 1}", d.text, at)
    stack = [(d.meta, 0, "")]
    while stack:
        v, depth, key = stack.pop()
        if depth > MAX_META_DEPTH:
            return f"{where}: the metadata is nested more than {MAX_META_DEPTH} levels deep."
        if isinstance(v, dict):
            for k, x in v.items():
                k_text = str(k)
                if (at := lone_surrogate(k_text)) is not None:
                    return surrogate_message(f"{where}: a metadata key", k_text, at)
                stack.append((x, depth + 1, k_text))
        elif isinstance(v, list | tuple):
            stack.extend((x, depth + 1, key) for x in v)
        elif isinstance(v, float) and not math.isfinite(v):
            return (f"{where}: the metadata value of {key!r} is {v}, not a finite number; NaN and infinite values "
                    "cannot be stored (use null or a string).")
        elif isinstance(v, int) and not _writable_int(v):
            return f"{where}: the metadata value of {key!r} is a number too long to write; store it as a string."
        elif isinstance(v, str) and (at := lone_surrogate(v)) is not None:
            return surrogate_message(f"{where}: the metadata value of {key!r}", v, at)
    for toks in d.sentences or ():
        for t in toks:
            if (at := lone_surrogate(str(t))) is not None:
                return surrogate_message(f"{where}: a token", str(t), at)
    return None


def _writable_int(v: int) -> bool:
    try:
        str(v)
    except ValueError:  # Python's limit on the digits of a whole number
        return False
    return True


def checked_hash(documents: list[Document]) -> str:
    """content_hash, or CorpusError naming the first document the store cannot hold (see the module docstring)."""
    try:
        return content_hash(documents)
    except CorpusError:  # colliding metadata keys: already said
        raise
    except (UnicodeEncodeError, ValueError, RecursionError) as e:
        problem = next((p for i, d in enumerate(documents) if (p := _document_problem(i, d))), None)
        raise CorpusError(problem or f"The documents cannot be stored ({type(e).__name__}: {e}).") from e


def _report(progress: Progress, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(float(fraction), 0.0), 1.0), message)


class _Prepared:
    """A tokenised corpus, ready to write: rows without ids (given under the write lock)."""

    def __init__(self) -> None:
        self.sentences: list[tuple[int, int, str, str, str]] = []  # doc, sent_no, text, tokens, offsets
        self.documents: list[tuple[str, int]] = []  # meta JSON, n_tokens
        self.forms: list[str] = []  # every distinct token, sorted
        self.counts: list[int] = []  # occurrences of each form
        # The postings in key order (form, sentence, position): form index, sentence number in the corpus, position
        self.posting_form = self.posting_sent = self.posting_pos = np.zeros(0, dtype=np.int32)
        self.meta_keys: list[str] = []
        self.n_tokens = 0


_json_tokens = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False), without a new
# encoder per call


def _json_ints(values: list[int]) -> str:
    """json.dumps of a list of ints, faster."""
    return f"[{', '.join(map(str, values))}]"


def _prepare(docs: list[Document], progress: Progress) -> _Prepared:
    """Tokenise every document (no store access); progress runs from 0 to 0.8, by characters."""
    prep = _Prepared()
    meta_keys: dict[str, None] = {}
    n = len(docs)
    total = max(1, sum(len(d.text) for d in docs))
    done = [0, 0.0]  # characters tokenised, fraction last reported
    current = [0]  # document being tokenised

    def on_piece(n_chars: int) -> None:
        done[0] += n_chars
        if done[0] / total - done[1] >= 0.01:
            done[1] = done[0] / total
            _report(progress, 0.8 * done[1], f"Tokenising document {current[0] + 1:,} of {n:,}…")

    flat: list[str] = []  # every token, in corpus order
    lengths = array("q")  # tokens per sentence
    for di, (d, sents) in enumerate(zip(docs, document_sentences(docs, on_piece=on_piece), strict=True)):
        current[0] = di
        doc_tokens = 0
        for sno, (text, toks, offs) in enumerate(sents):
            flat.extend(toks)
            lengths.append(len(toks))
            doc_tokens += len(toks)
            prep.sentences.append((di, sno, text, _json_tokens(toks), _json_ints(offs)))
        prep.n_tokens += doc_tokens
        for k in d.meta:
            meta_keys.setdefault(str(k), None)
        prep.documents.append((json.dumps(str_keys(d.meta), ensure_ascii=False, default=str), doc_tokens))
    if prep.n_tokens == 0:
        raise CorpusError("The documents contain no words to index.")
    _index(prep, flat, np.frombuffer(lengths, dtype=np.int64))
    prep.meta_keys = list(meta_keys)
    return prep


def _index(prep: _Prepared, flat: list[str], lengths: np.ndarray) -> None:
    """The postings of the tokens `flat` (sentences of `lengths` tokens), sorted by form, sentence, position."""
    prep.forms = sorted(set(flat))
    rank = {f: i for i, f in enumerate(prep.forms)}
    form = np.fromiter(map(rank.__getitem__, flat), dtype=np.int32, count=len(flat))
    prep.counts = np.bincount(form, minlength=len(prep.forms)).tolist()
    order = np.argsort(form, kind="stable")  # tokens are in (sentence, position) order already
    sent = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    pos = np.arange(len(flat), dtype=np.int32) - np.repeat((np.cumsum(lengths) - lengths).astype(np.int32), lengths)
    prep.posting_form, prep.posting_sent, prep.posting_pos = form[order], sent[order], pos[order]


class CorpusReader:
    """Reads of one corpus over one open connection (Store.reader): the token index as corpora.search reads it."""

    def __init__(self, con: sqlite3.Connection, corpus_id: int, meta_keys: list[str]) -> None:
        self._con = con
        self.corpus_id = corpus_id
        self.meta_keys = meta_keys  # the documents' metadata keys, in first-seen order

    def type_ids_by_lower(self, lowers: Iterable[str]) -> list[int]:
        """Ids of the token types whose lower-cased form is one of `lowers`."""
        return [r[0] for r in self._con.execute(
            "SELECT id FROM types WHERE corpus_id=? AND lower IN (SELECT value FROM json_each(?))",
            (self.corpus_id, json.dumps(list(lowers))))]

    def type_ids_by_form(self, form: str) -> list[int]:
        """Ids of the token types written exactly as `form`."""
        return [r[0] for r in self._con.execute("SELECT id FROM types WHERE corpus_id=? AND form=?",
                                                (self.corpus_id, form))]

    def iter_types(self) -> Iterator[tuple[int, str]]:
        """(id, form) of every token type, read as the caller goes."""
        return iter(self._con.execute("SELECT id, form FROM types WHERE corpus_id=?", (self.corpus_id,)))

    def frequent_types(self, limit: int) -> list[tuple[str, int]]:
        """(lower-cased form, count) of the `limit` most frequent types."""
        return self._con.execute(
            "SELECT lower, SUM(n) AS c FROM types WHERE corpus_id=? GROUP BY lower ORDER BY c DESC LIMIT ?",
            (self.corpus_id, int(limit))).fetchall()

    def postings(self, type_ids: list[int]) -> np.ndarray:
        """(sentence id, token position) of every occurrence of the given types: int64 of shape (n, 2), unsorted."""
        rows = self._con.execute("SELECT sent_id, pos FROM postings WHERE type_id IN (SELECT value FROM json_each(?))",
                                 (json.dumps(type_ids),)).fetchall()
        return np.array(rows, dtype=np.int64).reshape(-1, 2)

    def sentences_by_id(self, sent_ids: list[int]) -> dict[int, tuple[int, int, str, str, str]]:
        """Sentence id -> (doc, sent_no, text, tokens JSON, offsets JSON) of the given sentences."""
        return {r[0]: r[1:] for r in self._con.execute(
            "SELECT id, doc, sent_no, text, tokens, offsets FROM sentences WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sent_ids),))}

    def documents_meta(self, docs: list[int]) -> dict[int, dict]:
        """doc -> metadata (as stored: str keys) of the given documents."""
        return {d: json.loads(m) for d, m in self._con.execute(
            "SELECT doc, meta FROM documents WHERE corpus_id=? AND doc IN (SELECT value FROM json_each(?))",
            (self.corpus_id, json.dumps(docs)))}

    def sentence_tokens(self, wanted: dict[int, Iterable[int]]) -> dict[int, dict[int, list[str]]]:
        """doc -> sentence number -> tokens, for the sentence numbers `wanted` of each doc (those that exist)."""
        return {doc: {n: json.loads(t) for n, t in self._con.execute(
            "SELECT sent_no, tokens FROM sentences WHERE corpus_id=? AND doc=? AND sent_no IN "
            "(SELECT value FROM json_each(?))", (self.corpus_id, doc, json.dumps(sorted(numbers))))}
            for doc, numbers in wanted.items()}

    def sentence_ids(self, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
        """(doc, sentence number) -> sentence id, for those of `positions` the corpus has."""
        wanted: dict[int, set[int]] = {}
        for doc, n in positions:
            wanted.setdefault(int(doc), set()).add(int(n))
        return {(doc, n): i for doc, numbers in wanted.items() for i, n in self._con.execute(
            "SELECT id, sent_no FROM sentences WHERE corpus_id=? AND doc=? AND sent_no IN "
            "(SELECT value FROM json_each(?))", (self.corpus_id, doc, json.dumps(sorted(numbers))))}


class Store:
    """Corpora in one SQLite file; safe to share between threads (a connection per call)."""

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool | None = None):
        """The store at `path` (a file, or a folder holding DB_NAME; default: corpora.settings.data_dir()).

        read_only None: read-only when the file exists but it or its folder is not writable."""
        p = Path(path).expanduser() if path is not None else settings.data_dir()
        if path is None or p.is_dir() or p.suffix == "":
            p = p / DB_NAME
        if read_only is None:
            read_only = p.is_file() and not (os.access(p, os.W_OK) and os.access(p.parent, os.W_OK))
        self.path = p
        self.read_only = bool(read_only)
        self._builtin_lock = threading.Lock()
        if self.read_only:
            self._check_store()
            return
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise CorpusError(f"The corpus store folder {p.parent} cannot be created: {e.strerror or e}") from e
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:  # a write: it would wait
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")  # for a running ingestion to end

    # ---- connections ----------------------------------------------------------------------------------

    def _check_store(self) -> None:
        """StoreError unless the (read-only) file is a corpus store."""
        if not self.path.is_file():
            raise StoreError(f"The corpus store {self.path} does not exist (a read-only store is not created).")
        with self._connect() as con:
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='corpora'").fetchone():
                raise StoreError(f"The corpus store {self.path} is not a corpus store (it has no corpora table); "
                                 "point to another file or folder.")

    def _open(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        wal = self.path.with_name(self.path.name + "-wal")
        if not os.access(self.path.parent, os.W_OK) and not (wal.is_file() and wal.stat().st_size):
            uri += "&immutable=1"  # no -shm file can be made, and no writer can run: nothing changes under us
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection; sqlite3 errors become StoreBusyError / StoreError with a message for the user, and
        text that SQLite cannot take (a lone surrogate the caller did not check) a CorpusError."""
        try:
            con = self._open()
        except sqlite3.Error as e:
            raise self._store_error(e) from e
        try:
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=OFF")
            con.execute("PRAGMA cache_size=-65536")
            yield con
        except sqlite3.Error as e:
            raise self._store_error(e) from e
        except UnicodeEncodeError as e:
            raise CorpusError(surrogate_message("The text given", e.object, e.start)) from e
        finally:
            con.close()

    def _check_writable(self, action: str) -> None:
        if self.read_only:
            raise StoreError(f"The corpus store {self.path} is read-only (it or its folder is not writable): "
                             f"it can be listed and searched, but {action} needs write access.")

    def _store_error(self, e: sqlite3.Error) -> CorpusError:
        msg = str(e)
        if isinstance(e, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg):
            return StoreBusyError("The corpus store is busy (another corpus is being added or deleted); "
                                  "try again in a moment.")
        if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
            return StoreError(f"The corpus store {self.path} is damaged or is not a corpus store ({msg}); "
                              "point to another file or folder, or move this file away.")
        if "readonly" in msg or "read-only" in msg:
            return StoreError(f"The corpus store {self.path} is read-only ({msg}): it can be listed and searched, "
                              "but adding or deleting a corpus needs write access.")
        if "unable to open" in msg:
            return StoreError(f"The corpus store {self.path} cannot be opened ({msg}): is it a folder, or not "
                              "writable?")
        return StoreError(f"The corpus store {self.path} failed: {msg}.")

    def _corpus_row(self, con: sqlite3.Connection, name: str) -> sqlite3.Row | tuple:
        row = con.execute(
            "SELECT id, name, source, hash, created, n_docs, n_tokens, n_types, meta_keys FROM corpora WHERE name=?",
            (name,),
        ).fetchone()
        if row is None:
            known = [r[0] for r in con.execute("SELECT name FROM corpora ORDER BY name")]
            hint = f" Known corpora: {', '.join(known)}." if known else " The store holds no corpus yet."
            raise UnknownCorpusError(f'There is no corpus named "{name}".{hint}')
        return row

    def corpus_id(self, name: str) -> int:
        with self._connect() as con:
            return int(self._corpus_row(con, name)[0])

    @contextmanager
    def reader(self, name: str) -> Iterator[CorpusReader]:
        """Reads of corpus `name` over one connection (UnknownCorpusError when there is no such corpus)."""
        with self._connect() as con:
            row = self._corpus_row(con, name)
            yield CorpusReader(con, int(row[0]), json.loads(row[8]))

    # ---- adding ---------------------------------------------------------------------------------------

    _check_name = staticmethod(names.check_name)
    is_builtin_name = staticmethod(names.is_builtin_name)

    def _check_new(self, con: sqlite3.Connection, name: str, digest: str) -> None:
        if con.execute("SELECT 1 FROM corpora WHERE name=?", (name,)).fetchone():
            raise CorpusExistsError(
                f'A corpus named "{name}" already exists; choose another name or delete that corpus first.'
            )
        row = con.execute("SELECT name FROM corpora WHERE hash=?", (digest,)).fetchone()
        if row:
            raise DuplicateContentError(
                f'These documents are already stored as the corpus "{row[0]}" (identical content); '
                "it was not added again.",
                existing=row[0],
            )

    def add_corpus(self, name: str, documents: Iterable[Document], source: str = "upload",
                   progress: Progress = None) -> dict:
        """Tokenise and index `documents` as corpus `name`; returns its info dict.

        Tokenising runs first, outside any transaction; the rows are then written in one transaction.
        Raises CorpusExistsError on a name clash, DuplicateContentError when identical documents are
        already stored (under any name), CorpusError for a name an upload may not use (corpora.names) or
        documents the store cannot hold (module docstring), StoreError when the store is read-only and
        StoreBusyError when another write holds the store too long. progress(fraction, message) is
        called along the way.
        """
        name = self._check_name(name) if source == BUILTIN_SOURCE else names.check_user_name(name)
        self._check_writable(f'adding the corpus "{name}"')
        docs = [d if isinstance(d, Document) else Document(**d) for d in documents]
        if not docs:
            raise CorpusError("There are no documents to add (the input holds no text).")
        for i, d in enumerate(docs):
            if not isinstance(d.text, str):
                raise CorpusError(f"Document {i} has no text.")
        if not any(has_text(d.text) for d in docs):
            raise CorpusError("The documents contain no words to index (only blank, control or invisible characters).")
        digest = checked_hash(docs)
        with self._connect() as con:
            self._check_new(con, name, digest)  # fail fast, before the long part
        _report(progress, 0.0, f"Indexing {len(docs):,} documents…")

        t0 = time.perf_counter()
        prepared = _prepare(docs, progress)
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                info = self._write(con, name, docs, prepared, source, digest, progress)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        info["seconds"] = round(time.perf_counter() - t0, 3)
        _report(progress, 1.0, f"Indexed {info['n_tokens']:,} tokens in {info['n_docs']:,} documents.")
        return info

    def _write(self, con: sqlite3.Connection, name: str, docs: list[Document], prep: _Prepared, source: str,
               digest: str, progress: Progress) -> dict:
        self._check_new(con, name, digest)  # again, under the write lock
        created = time.strftime("%Y-%m-%d %H:%M:%S")
        cur = con.execute(
            "INSERT INTO corpora(name, source, hash, created, n_docs, n_tokens, n_types) VALUES (?,?,?,?,0,0,0)",
            (name, source, digest, created),
        )
        cid = int(cur.lastrowid)
        first_sent = int(con.execute("SELECT COALESCE(MAX(id), 0) FROM sentences").fetchone()[0]) + 1
        _report(progress, 0.8, f"Writing {len(prep.sentences):,} sentences…")
        con.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?)",
                        ((first_sent + k, cid, *row) for k, row in enumerate(prep.sentences)))
        con.executemany("INSERT INTO documents VALUES (?,?,?,?,?)",
                        ((cid, di, d.text, meta, nt) for di, (d, (meta, nt)) in enumerate(zip(docs, prep.documents,
                                                                                              strict=True))))

        _report(progress, 0.9, f"Writing the index of {prep.n_tokens:,} tokens…")
        next_type = int(con.execute("SELECT COALESCE(MAX(id), 0) FROM types").fetchone()[0]) + 1
        forms = prep.forms
        con.executemany(
            "INSERT INTO types VALUES (?,?,?,?,?)",
            ((next_type + i, cid, f, f.lower(), c) for i, (f, c) in enumerate(zip(forms, prep.counts, strict=True))),
        )
        for a in range(0, len(prep.posting_form), _WRITE_BATCH):  # already in key order: an append
            b = a + _WRITE_BATCH
            con.executemany("INSERT INTO postings VALUES (?,?,?)",
                            zip((prep.posting_form[a:b].astype(np.int64) + next_type).tolist(),
                                (prep.posting_sent[a:b].astype(np.int64) + first_sent).tolist(),
                                prep.posting_pos[a:b].tolist(), strict=True))
        n, n_types = len(docs), len({f.lower() for f in forms})
        con.execute(
            "UPDATE corpora SET n_docs=?, n_tokens=?, n_types=?, meta_keys=? WHERE id=?",
            (n, prep.n_tokens, n_types, json.dumps(prep.meta_keys, ensure_ascii=False), cid),
        )
        return {"name": name, "source": source, "hash": digest, "created": created, "n_docs": n,
                "n_tokens": prep.n_tokens, "n_types": n_types, "meta_keys": list(prep.meta_keys)}

    def ensure_builtin(self, name: str, progress: Progress = None) -> dict:
        """Index a built-in corpus (corpora.builtin) once; later calls return the stored info at once."""
        if name in self.corpus_names():
            return self._builtin_info(name)
        with self._builtin_lock:  # two threads asking at once index it once
            if name in self.corpus_names():
                return self._builtin_info(name)
            try:
                docs = builtin_documents(name)
            except KeyError as e:
                raise UnknownCorpusError(str(e.args[0]) if e.args else str(e)) from e
            _report(progress, 0.0, f"Reading {name}…")
            try:
                return self.add_corpus(name, list(docs), source=BUILTIN_SOURCE, progress=progress)
            except CorpusExistsError:  # another process was quicker
                return self._builtin_info(name)

    def _builtin_info(self, name: str) -> dict:
        info = self.info(name)
        if info["source"] != BUILTIN_SOURCE:  # stored before built-in names were reserved
            raise CorpusError(f'The store holds an uploaded corpus named "{name}", the name of a built-in corpus; '
                              f'remove it (python -m corpora remove "{name}") to use the built-in one.')
        return info

    # ---- reading --------------------------------------------------------------------------------------

    def corpus_names(self) -> list[str]:
        with self._connect() as con:
            return [r[0] for r in con.execute("SELECT name FROM corpora ORDER BY id")]

    def info(self, name: str) -> dict:
        with self._connect() as con:
            r = self._corpus_row(con, name)
        return {"name": r[1], "source": r[2], "hash": r[3], "created": r[4], "n_docs": r[5],
                "n_tokens": r[6], "n_types": r[7], "meta_keys": json.loads(r[8])}

    def sentence_ids(self, name: str, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
        """(doc, sentence number) -> sentence id in corpus `name`, for those of `positions` it has (the ids
        that corpora.search's occurrence frames carry as sent_id)."""
        with self.reader(name) as reader:
            return reader.sentence_ids(positions)

    def list_corpora(self) -> pd.DataFrame:
        """One row per corpus: name, source, documents, tokens, types, created, hash (first 12 hex digits)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT name, source, n_docs, n_tokens, n_types, created, substr(hash, 1, 12) FROM corpora ORDER BY id"
            ).fetchall()
        return pd.DataFrame(rows, columns=["name", "source", "documents", "tokens", "types", "created", "hash"])

    def is_builtin(self, name: str) -> bool:
        """True when the stored corpus `name` is a built-in one (indexed by ensure_builtin)."""
        return self.info(name)["source"] == BUILTIN_SOURCE

    def remove_corpus(self, name: str, force: bool = False) -> None:
        """Delete a corpus and every row of it (documents, sentences, types, index).

        A built-in corpus is only removed with force=True (it is indexed again on next use)."""
        self._check_writable(f'deleting the corpus "{name}"')
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                row = self._corpus_row(con, name)
                if row[2] == BUILTIN_SOURCE and not force:
                    raise CorpusError(f'"{name}" is a built-in corpus; it is not deleted (only the command line '
                                      "does, with remove --force).")
                cid = int(row[0])
                con.execute("DELETE FROM postings WHERE type_id IN (SELECT id FROM types WHERE corpus_id=?)", (cid,))
                for table in ("types", "sentences", "documents"):
                    con.execute(f"DELETE FROM {table} WHERE corpus_id=?", (cid,))
                con.execute("DELETE FROM corpora WHERE id=?", (cid,))
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise

    def sentences(self, name: str, batch: int = 5000) -> Iterator[list[str]]:
        """Token lists of every sentence in corpus order (e.g. to train a model on a corpus)."""
        cid = self.corpus_id(name)
        last = 0
        while True:
            with self._connect() as con:
                rows = con.execute(
                    "SELECT id, tokens FROM sentences WHERE corpus_id=? AND id>? ORDER BY id LIMIT ?",
                    (cid, last, batch),
                ).fetchall()
            if not rows:
                return
            for _sid, toks in rows:
                yield json.loads(toks)
            last = rows[-1][0]

    def meta_columns(self, name: str) -> list[str]:
        """Metadata keys of the corpus's documents, in first-seen order."""
        return list(self.info(name)["meta_keys"])

    def types(self, name: str) -> pd.DataFrame:
        """Lower-cased word types with their counts, most frequent first (columns word, count)."""
        with self._connect() as con:
            cid = int(self._corpus_row(con, name)[0])
            rows = con.execute(
                "SELECT lower, SUM(n) AS c FROM types WHERE corpus_id=? GROUP BY lower ORDER BY c DESC, lower",
                (cid,),
            ).fetchall()
        return pd.DataFrame(rows, columns=["word", "count"])

    def stats(self, name: str, top: int = 20) -> dict:
        """documents, tokens, types, top_words (list of (word, count), words only, most frequent first) and
        top_table (the same as a DataFrame with columns word, count)."""
        info = self.info(name)
        counts = self.types(name)
        words = counts[counts["word"].map(lambda w: bool(_WORDLIKE.search(w)))].head(top).reset_index(drop=True)
        return {"name": name, "documents": info["n_docs"], "tokens": info["n_tokens"], "types": info["n_types"],
                "top_words": [(str(w), int(c)) for w, c in zip(words["word"], words["count"], strict=True)],
                "top_table": words}

    def meta_cardinality(self, name: str) -> dict[str, int]:
        """Metadata key -> number of distinct values over the corpus's documents, in first-seen key order."""
        with self._connect() as con:
            cid = int(self._corpus_row(con, name)[0])
            counts = dict(con.execute(
                "SELECT j.key, COUNT(DISTINCT j.value) FROM documents d, json_each(d.meta) j "
                "WHERE d.corpus_id=? GROUP BY j.key", (cid,)).fetchall())
        return {k: int(counts.get(k, 0)) for k in self.meta_columns(name)}

    def documents_meta(self, name: str) -> pd.DataFrame:
        """One row per document: doc, n_tokens and one column per metadata key (a key named doc or
        n_tokens gets the prefix "meta_")."""
        with self._connect() as con:
            cid = int(self._corpus_row(con, name)[0])
            rows = con.execute("SELECT doc, n_tokens, meta FROM documents WHERE corpus_id=? ORDER BY doc",
                               (cid,)).fetchall()
        return pd.DataFrame([{"doc": d, "n_tokens": n, **{_meta_column(k): v for k, v in json.loads(m).items()}}
                             for d, n, m in rows])

    def frequency_by_meta(self, name: str, word: str, column: str, match: str = "form") -> pd.DataFrame:
        """Hits of `word` (case-insensitive; match as in corpora.search) per value of a metadata column.

        Columns: <column>, count, tokens (all tokens of the documents with that value), per_million.
        Numeric values are sorted by value, others by count (descending).
        """
        if column not in self.meta_columns(name):
            raise CorpusError(f'The corpus "{name}" has no metadata column "{column}"; '
                              f"it has: {', '.join(self.meta_columns(name)) or 'none'}.")
        type_ids = matching_type_ids(self, name, word, match=match, case=False)
        with self._connect() as con:
            hits = con.execute(
                "SELECT s.doc, COUNT(*) FROM postings p JOIN sentences s ON s.id = p.sent_id "
                "WHERE p.type_id IN (SELECT value FROM json_each(?)) GROUP BY s.doc",
                (json.dumps(type_ids),),
            ).fetchall()
        meta = self.documents_meta(name)
        src = _meta_column(column)
        values = meta[src] if src in meta.columns else pd.Series([""] * len(meta), dtype=object)
        frame = pd.DataFrame({
            "value": values.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else v),
            "hits": meta["doc"].map(dict(hits)).fillna(0).astype(int),
            "n_tokens": meta["n_tokens"]})
        if frame["value"].map(type).nunique() > 1:  # mixed types (e.g. 3 and "3"): compare as text
            frame["value"] = frame["value"].astype(str)
        grouped = frame.groupby("value", sort=False).agg(count=("hits", "sum"), tokens=("n_tokens", "sum"))
        grouped = grouped.reset_index()
        grouped["per_million"] = (grouped["count"] * 1e6 / grouped["tokens"].where(grouped["tokens"] > 0)).fillna(0.0)
        if pd.api.types.is_numeric_dtype(grouped["value"]):
            grouped = grouped.sort_values("value")
        else:
            grouped["value"] = grouped["value"].astype(str)
            grouped = grouped.sort_values(["count", "value"], ascending=[False, True])
        out = column if column not in ("count", "tokens", "per_million") else f"meta_{column}"
        return grouped.rename(columns={"value": out}).reset_index(drop=True)
