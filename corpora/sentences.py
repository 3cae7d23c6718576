"""A document's sentences as the store keeps them, and its metadata as JSON writes it.

Sentences: blank lines always end a sentence (paragraphs are split first, corpora.text); a sentence longer
than MAX_SENTENCE_TOKENS tokens is cut into pieces of that many tokens. Pre-tokenised documents (Senseval)
keep their sentences and token positions as given. corpora.store indexes these sentences and
corpora.search.scan_occurrences reads them without an index: both cut documents the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .builtin import Document
from .errors import CorpusError

MAX_SENTENCE_TOKENS = 200
POS_BITS = 20  # a pre-tokenised sentence has fewer than 2**20 tokens


def str_keys(meta):
    """Metadata with str keys at every level, as JSON stores them (keys 1 and "a" together cannot be sorted);
    CorpusError when two keys would become one (1 and "1")."""
    if isinstance(meta, dict):
        out = {str(k): str_keys(v) for k, v in meta.items()}
        if len(out) < len(meta):
            raise CorpusError(f"metadata keys {sorted(map(repr, meta))} collide once written as text")
        return out
    if isinstance(meta, list | tuple):
        return [str_keys(v) for v in meta]
    return meta


def _locate(text: str, tokens: list[str]) -> tuple[str, list[int]]:
    """(sentence text, offsets) of pre-split tokens found in order inside `text`; else the tokens joined."""
    offs, cursor = [], 0
    for t in tokens:
        i = text.find(t, cursor) if t else -1
        if i < 0:
            break
        offs.append(i)
        cursor = i + len(t)
    else:
        if tokens:
            start, end = offs[0], offs[-1] + len(tokens[-1])
            return text[start:end], [o - start for o in offs]
    joined, offs, cursor = " ".join(tokens), [], 0
    for t in tokens:
        offs.append(cursor)
        cursor += len(t) + 1
    return joined, offs


def _chunks(text: str, tokens: list[str], offsets: list[int]) -> Iterator[tuple[str, list[str], list[int]]]:
    """Cut an over-long sentence into pieces of MAX_SENTENCE_TOKENS tokens (text sliced accordingly)."""
    if len(tokens) <= MAX_SENTENCE_TOKENS:
        yield text, tokens, offsets
        return
    for i in range(0, len(tokens), MAX_SENTENCE_TOKENS):
        toks, offs = tokens[i : i + MAX_SENTENCE_TOKENS], offsets[i : i + MAX_SENTENCE_TOKENS]
        start, end = offs[0], offs[-1] + len(toks[-1])
        yield text[start:end], toks, [o - start for o in offs]


def document_sentences(documents: list[Document],
               on_piece: Callable[[int], object] | None = None) -> Iterator[list[tuple[str, list[str], list[int]]]]:
    """Per document, its sentences as (text, tokens, offsets); on_piece(n_chars) as corpora.text.split_rows
    (which tokenises a large corpus in two processes)."""
    from .text import split_rows  # lazy: corpora.text loads spaCy, which only tokenising needs

    split = split_rows([d.text for d in documents if d.sentences is None], paragraphs=True, on_piece=on_piece)
    for i, d in enumerate(documents):
        out: list[tuple[str, list[str], list[int]]] = []
        if d.sentences is None:
            for text, toks, offs in next(split):
                out.extend(_chunks(text, toks, offs))
        else:
            cursor_text = d.text
            for toks in d.sentences:
                toks = [str(t) for t in toks]
                if len(toks) >= 1 << POS_BITS:
                    raise CorpusError(f"A pre-tokenised sentence of document {i} is too long.")
                if toks:
                    text, offs = _locate(cursor_text, toks)
                    out.append((text, toks, offs))
        yield out
