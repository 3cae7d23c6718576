"""Sentence splitting and word tokenisation: the one tokenisation both the store and the model use.

spaCy's rule-based English tokenizer (a blank pipeline, no model download) plus the rule of its
punctuation-based sentencizer. Tokens keep their character offsets, so the original text can always be
shown exactly.

Time is linear in the length of the text: a text longer than CHUNK_CHARS is tokenised in pieces cut
at a line break (else at a space), so spaCy's max_length (error E088) is never reached.

Speed: the sentencizer's rule is applied here to the tokenizer's arrays (token start, length, is_space,
is_punct), without a Python object per token; the result is the same as spaCy's sentencizer and
`doc.sents` (tests/test_corpora.py compares them). split_rows tokenises a large list of texts (over
PARALLEL_MIN_CHARS characters) in two processes: this one and a worker started with
`python -c` (a fresh interpreter: the caller, which may hold torch, is never forked).
"""

from __future__ import annotations

import itertools
import logging
import marshal
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

from . import settings

CHUNK_CHARS = 200_000  # longest piece given to spaCy at once
PARALLEL_MIN_CHARS = 2_000_000  # split_rows uses a worker process above this many characters
WORKER_SHARE = 0.35  # of the characters, for the worker (it first loads spaCy, 0.7 s)
FRAME_CHARS = 100_000  # the worker reports progress (and sends results) every this many characters
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")  # a blank line: always ends a sentence

Row = tuple[str, list[str], list[int]]  # a sentence: its text, its tokens, each token's start in the text
OnPiece = Callable[[int], object] | None

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sentence:
    text: str  # the sentence exactly as in the source
    tokens: list[str]
    offsets: list[int]  # start of each token inside `text`


@lru_cache(maxsize=1)
def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")  # only its punctuation list is used (_piece_rows applies its rule)
    nlp.max_length = max(nlp.max_length, 2 * CHUNK_CHARS)  # pieces are shorter (spaCy's default: 1M)
    # A new word's lexeme gets only the two flags used here (the other 21 attributes took 20 % of the time).
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {a: getters[a] for a in (IS_SPACE, IS_PUNCT)}
    return nlp


def chunks(text: str, size: int | None = None) -> list[str]:
    """`text` cut into pieces of at most `size` (CHUNK_CHARS) characters, at the last line break (else
    whitespace) in the second half of each piece."""
    size = size or CHUNK_CHARS
    out, start, n = [], 0, len(text)
    while n - start > size:
        end = text.rfind("\n", start + size // 2, start + size)
        if end < 0:
            end = max(text.rfind(" ", start + size // 2, start + size), text.rfind("\t", start + size // 2, start + size))
        end = start + size if end < 0 else end + 1
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


def _piece_rows(text: str) -> list[Row]:
    """The sentences of one piece: spaCy's tokenizer, then the sentencizer's rule on the token arrays (a
    punctuation character from its list, then a token that is neither punctuation nor in that list, starts
    a sentence); whitespace tokens are dropped, and so is a sentence of whitespace only."""
    nlp = _nlp()
    doc = nlp.make_doc(text)  # the tokenizer, after the max_length check nlp(text) makes
    ends = _punct_chars()
    out: list[Row] = []
    toks: list[str] = []
    starts: list[int] = []
    seen_end = False
    for idx, n, space, punct in doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT]).tolist():
        tok = text[idx : idx + n]  # the tokenizer is non-destructive: a token is this slice of the text
        is_end = tok in ends
        if seen_end and not punct and not is_end:
            if toks:
                first = starts[0]
                out.append((text[first : starts[-1] + len(toks[-1])], toks, [s - first for s in starts]))
                toks, starts = [], []
            seen_end = False
        elif is_end:
            seen_end = True
        if not space:
            toks.append(tok)
            starts.append(idx)
    if toks:
        first = starts[0]
        out.append((text[first : starts[-1] + len(toks[-1])], toks, [s - first for s in starts]))
    return out


@lru_cache(maxsize=1)
def _punct_chars() -> frozenset[str]:
    return frozenset(_nlp().get_pipe("sentencizer").punct_chars)


def _pieces(text: str, paragraphs: bool) -> Iterator[str]:
    for para in PARAGRAPH_BREAK.split(text) if paragraphs else (text,):
        if not paragraphs or para.strip():
            yield from chunks(para)


def _split_serial(texts: Iterable[str], paragraphs: bool, on_piece: OnPiece) -> Iterator[list[Row]]:
    for text in texts:
        rows: list[Row] = []
        for piece in _pieces(text, paragraphs):
            rows.extend(_piece_rows(piece))
            if on_piece is not None:
                on_piece(len(piece))
        yield rows


def split_sentences(text: str) -> list[Sentence]:
    """Split one text into tokenised sentences (whitespace tokens dropped)."""
    return next(split_many([text]))


def split_many(texts: Iterable[str], on_piece: OnPiece = None) -> Iterator[list[Sentence]]:
    """Like split_sentences for many texts; yields one list per text. on_piece(n_chars) is called after each
    piece of at most CHUNK_CHARS characters (progress within a long text)."""
    for rows in _split_serial(texts, False, on_piece):
        yield [Sentence(*r) for r in rows]


def split_rows(texts: list[str], paragraphs: bool = False, on_piece: OnPiece = None,
               parallel: bool | None = None) -> Iterator[list[Row]]:
    """Per text, its sentences as (text, tokens, offsets), the same as split_many. With paragraphs=True a
    blank line ends a sentence (each paragraph is split alone; blank paragraphs are skipped).

    parallel (None: when the texts hold more than PARALLEL_MIN_CHARS characters, there are two CPUs, the
    load average leaves one free (on a busy machine the worker's extra 0.8 s of CPU cost more than it
    saved) and $SENSE_EXPLORER_TOKENISE_WORKER is not "0"):
    the pieces holding the last WORKER_SHARE of the characters are tokenised in a worker process while
    this one tokenises the others; results come in order. on_piece is only called in the calling thread.
    If the worker fails, its pieces are tokenised here."""
    texts = texts if isinstance(texts, list) else list(texts)
    if parallel is None:
        parallel = (settings.tokenise_worker() and _cpus() >= 2 and _load() < _cpus() - 0.5
                    and sum(map(len, texts)) > PARALLEL_MIN_CHARS)
    if not parallel or not texts:
        yield from _split_serial(texts, paragraphs, on_piece)
        return
    worker = _Worker()  # starts at once: it loads spaCy while the pieces are cut here
    try:
        pieces: list[str] = []
        owners: list[int] = []
        for i, t in enumerate(texts):
            for p in _pieces(t, paragraphs):
                pieces.append(p)
                owners.append(i)
        total, cut, acc = sum(map(len, pieces)), len(pieces), 0
        for k, p in enumerate(pieces):
            acc += len(p)
            if acc >= (1 - WORKER_SHARE) * total:
                cut = k + 1
                break
        worker.start(pieces[cut:])

        def here() -> Iterator[list[Row]]:
            for p in pieces[:cut]:
                rows = _piece_rows(p)
                if on_piece is not None:
                    on_piece(len(p) + worker.take_progress())
                yield rows

        current, out = 0, []
        for k, rows in enumerate(itertools.chain(here(), worker.results(on_piece))):
            while owners[k] != current:  # texts before this piece are complete
                yield out
                current, out = current + 1, []
            out.extend(rows)
        while current < len(texts):
            yield out
            current, out = current + 1, []
    finally:
        worker.close()


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Unix
        return 0.0


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ---- the worker process ----------------------------------------------------------------------------------

def _send(stream, obj) -> None:
    data = marshal.dumps(obj)
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream):
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("the tokenising worker stopped")
    (n,) = struct.unpack("<Q", head)
    data = stream.read(n)
    if len(data) < n:
        raise EOFError("the tokenising worker stopped")
    return marshal.loads(data)


# Runs in the worker, a fresh interpreter. spaCy (through thinc) would import torch, which takes 1.6 s
# and is not used by the tokenizer: it is kept out.
_WORKER_CODE = (
    "import sys; sys.path.insert(0, {root!r}); sys.modules['torch'] = None; "
    "from corpora.text import _worker_main; _worker_main()"
)


def _worker_main() -> None:
    """Read a list of pieces from stdin; write frames (n_chars, [rows of each piece done]) to stdout, then
    None."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the frames' stream
    _punct_chars()  # loads the pipeline while the pieces are being cut
    pieces = _receive(sys.stdin.buffer)
    n_chars, done = 0, []
    for p in pieces:
        done.append(_piece_rows(p))
        n_chars += len(p)
        if n_chars >= FRAME_CHARS:
            _send(out, (n_chars, done))
            n_chars, done = 0, []
    _send(out, (n_chars, done))
    _send(out, None)


class _Worker:
    """A worker process tokenising `pieces`; a thread feeds it and another reads its frames as they come."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self._frames: list[list[list[Row]]] = []
        self._cond = threading.Condition()
        self._progress = 0  # characters done by the worker, not yet reported
        self._done = False
        self._error: BaseException | None = None
        self._stderr = tempfile.TemporaryFile()
        self._threads: list[threading.Thread] = []
        root = str(Path(__file__).resolve().parents[1])
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE.format(root=root)], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self._stderr)
        except OSError as e:
            self.proc, self._error = None, e

    def start(self, pieces: list[str]) -> None:
        """Give the worker its pieces (with none, it stops at once)."""
        self.pieces = pieces
        if self.proc is None:
            self._done = True
            return
        self._threads = [threading.Thread(target=self._feed, daemon=True),
                         threading.Thread(target=self._read, daemon=True)]
        for t in self._threads:
            t.start()

    def _feed(self) -> None:
        try:
            _send(self.proc.stdin, self.pieces)
            self.proc.stdin.close()
        except (OSError, ValueError):
            pass  # the worker died: _read sees it

    def _read(self) -> None:
        try:
            while (frame := _receive(self.proc.stdout)) is not None:
                with self._cond:
                    self._frames.append(frame[1])
                    self._progress += frame[0]
                    self._cond.notify()
        except Exception as e:  # noqa: BLE001 - results() reports it and tokenises the rest here
            self._error = e
        with self._cond:
            self._done = True
            self._cond.notify()

    def take_progress(self) -> int:
        """Characters the worker has tokenised since the last call."""
        with self._cond:
            n, self._progress = self._progress, 0
        return n

    def results(self, on_piece: OnPiece) -> Iterator[list[Row]]:
        """The rows of each piece in order, as they come; pieces the worker did not finish are done here."""
        given = 0
        while True:
            with self._cond:
                while not self._frames and not self._done:
                    self._cond.wait()
                frames, self._frames = self._frames, []
                finished = self._done and not frames
                n, self._progress = self._progress, 0
            if on_piece is not None and n:
                on_piece(n)
            for batch in frames:
                yield from batch
                given += len(batch)
            if finished:
                break
        if given < len(self.pieces):
            _log.warning("The tokenising worker failed (%s%s); tokenising here instead.",
                         self._error or "no result", self._stderr_tail())
            for p in self.pieces[given:]:
                yield _piece_rows(p)
                if on_piece is not None:
                    on_piece(len(p))

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0)
            tail = self._stderr.read().decode("utf-8", "replace").strip()[-500:]
        except (OSError, ValueError):
            return ""
        return f": {tail}" if tail else ""

    def close(self) -> None:
        """Stop the worker (if still running) and release its pipes."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for t in self._threads:
                t.join(timeout=5)
            for f in (self.proc.stdin, self.proc.stdout):
                try:
                    f.close()
                except (OSError, ValueError):
                    pass
        self._stderr.close()


def tokenize(text: str) -> list[str]:
    """Word tokens of a text (no sentence split), as the model sees them."""
    return [t.text for c in chunks(text) for t in _nlp().tokenizer(c) if not t.is_space]
