"""Sentence splitting and word tokenisation: the one tokenisation both the store and the model use.

spaCy's rule-based English tokenizer (a blank pipeline, no model download) plus its
punctuation-based sentencizer. Tokens keep their character offsets, so the original text
can always be shown exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import spacy


@dataclass(frozen=True)
class Sentence:
    text: str  # the sentence exactly as in the source
    tokens: list[str]
    offsets: list[int]  # start of each token inside `text`


@lru_cache(maxsize=1)
def _nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return nlp


def _to_sentences(doc) -> Iterator[Sentence]:
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        start = toks[0].idx
        end = toks[-1].idx + len(toks[-1].text)
        yield Sentence(
            text=doc.text[start:end],
            tokens=[t.text for t in toks],
            offsets=[t.idx - start for t in toks],
        )


def split_sentences(text: str) -> list[Sentence]:
    """Split one text into tokenised sentences (whitespace tokens dropped)."""
    return list(_to_sentences(_nlp()(text)))


def split_many(texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Sentence]]:
    """Like split_sentences for many texts, faster; yields one list per text."""
    for doc in _nlp().pipe(texts, batch_size=batch_size):
        yield list(_to_sentences(doc))


def tokenize(text: str) -> list[str]:
    """Word tokens of a text (no sentence split), as the model sees them."""
    return [t.text for t in _nlp().tokenizer(text) if not t.is_space]
