"""Sentence splitting and word tokenisation: the one tokenisation both the store and the model use.

spaCy's rule-based English tokenizer (a blank pipeline, no model download) plus its
punctuation-based sentencizer. Tokens keep their character offsets, so the original text
can always be shown exactly.

Time is linear in the length of the text: a text longer than CHUNK_CHARS is tokenised in pieces cut
at a line break (else at a space), so spaCy's max_length (error E088) is never reached, and each
document's text is built once (spaCy rebuilds `doc.text` on every access).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy

CHUNK_CHARS = 200_000  # longest piece given to spaCy at once


@dataclass(frozen=True)
class Sentence:
    text: str  # the sentence exactly as in the source
    tokens: list[str]
    offsets: list[int]  # start of each token inside `text`


@lru_cache(maxsize=1)
def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * CHUNK_CHARS
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


def _to_sentences(doc) -> Iterator[Sentence]:
    text = doc.text  # built once: doc.text joins every token
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        start = toks[0].idx
        end = toks[-1].idx + len(toks[-1].text)
        yield Sentence(
            text=text[start:end],
            tokens=[t.text for t in toks],
            offsets=[t.idx - start for t in toks],
        )


def split_sentences(text: str) -> list[Sentence]:
    """Split one text into tokenised sentences (whitespace tokens dropped)."""
    return next(split_many([text]))


def split_many(texts: Iterable[str], batch_size: int = 8,
               on_piece: Callable[[int], object] | None = None) -> Iterator[list[Sentence]]:
    """Like split_sentences for many texts, faster; yields one list per text. on_piece(n_chars) is called
    after each piece of at most CHUNK_CHARS characters (progress within a long text)."""
    owners: list[int] = []

    def pieces() -> Iterator[str]:
        for i, t in enumerate(texts):
            for c in chunks(t):
                owners.append(i)
                yield c

    current, out = 0, []
    for k, doc in enumerate(_nlp().pipe(pieces(), batch_size=batch_size)):
        while owners[k] != current:  # texts before this piece are complete
            yield out
            current, out = current + 1, []
        out.extend(_to_sentences(doc))
        if on_piece is not None:
            on_piece(len(doc.text))
    if owners:
        while current <= owners[-1]:
            yield out
            current, out = current + 1, []


def tokenize(text: str) -> list[str]:
    """Word tokens of a text (no sentence split), as the model sees them."""
    return [t.text for c in chunks(text) for t in _nlp().tokenizer(c) if not t.is_space]
