"""Cached steps of the Static vs contextual page (pages/static.py): each st.cache_data wraps one function
of senses.static (or the model), keyed by the model key, the source, the word, the limit and typed text."""

from __future__ import annotations

import numpy as np
import streamlit as st

from corpora.search import SAMPLE_LIMIT
from pages.cache import cached_occurrences as search_occurrences
from pages.store import get_store
from senses import static as ss
from senses.baselines import shipped_vectors


def _search(corpus: str, word: str, limit: int):
    return search_occurrences(corpus, word, "lemma", limit)[0]


@st.cache_data(max_entries=32, show_spinner="Finding the occurrences…")
def source_occurrences(source: str, word: str, limit: int, text: str) -> ss.Occurrences:
    return ss.source_occurrences(source, word, limit, text, search=_search)


@st.cache_data(max_entries=16, show_spinner="Embedding the occurrences…")
def occurrence_layers(key: str, source: str, word: str, limit: int, text: str, _model) -> np.ndarray:
    occ = source_occurrences(source, word, limit, text)
    return _model.embed_targets(occ.tokens, occ.index)


@st.cache_data(max_entries=16, show_spinner="Averaging the word's meanings over the corpus…")
def average_layers(key: str, source: str, word: str, limit: int, text: str, _model) -> tuple[np.ndarray, int]:
    """ss.meaning_average of the shown occurrences (or of a sample of SAMPLE_LIMIT of the source)."""
    occ = source_occurrences(source, word, limit, text)
    layers = occurrence_layers(key, source, word, limit, text, _model)
    return ss.meaning_average(_model, occ, layers, lambda: source_occurrences(source, word, SAMPLE_LIMIT, text))


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words…")
def type_space(key: str, words: tuple[str, ...], _model) -> np.ndarray:
    return _model.type_vectors(list(words))


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words alone…")
def alone_space(key: str, words: tuple[str, ...], layer, _model) -> np.ndarray:
    return ss.alone_vectors(_model, list(words), layer)


@st.cache_data(max_entries=8, show_spinner=False)
def corpus_words(corpus: str, n: int = ss.N_FREQUENT) -> list[str]:
    """The corpus's most frequent types (the store's type counts)."""
    return get_store().types(corpus)["word"].head(4 * n).tolist()


def candidates(model, occ: ss.Occurrences, source: str) -> list[str]:
    return ss.source_candidates(model, occ, source, corpus_words)


@st.cache_data(max_entries=32, show_spinner="Clustering and naming…")
def comparison(key: str, source: str, word: str, limit: int, text: str, layer, k, _model):
    occ = source_occurrences(source, word, limit, text)
    cands = candidates(_model, occ, source)
    average, n_average = average_layers(key, source, word, limit, text, _model)
    return ss.compare(_model, word, occ.tokens, occ.index, layer=layer, k=k,
                      layers=occurrence_layers(key, source, word, limit, text, _model), candidates=cands,
                      candidate_vectors=alone_space(key, tuple(cands), layer, _model), average=average,
                      n_average=n_average)


@st.cache_data(max_entries=32, show_spinner="Separability per layer…")
def separability(key: str, source: str, word: str, limit: int, text: str, _model):
    occ = source_occurrences(source, word, limit, text)
    return ss.separability(occurrence_layers(key, source, word, limit, text, _model), occ.gold)


@st.cache_data(max_entries=16, show_spinner="Cross-validating the sense classifiers…")
def sense_accuracy(key: str, source: str, word: str, limit: int, text: str, _model):
    occ = source_occurrences(source, word, limit, text)
    return ss.sense_accuracy(_model, occ, occurrence_layers(key, source, word, limit, text, _model), shipped_vectors())


@st.cache_data(max_entries=32, show_spinner=False)
def word2vec_view(word: str):
    """ss.word2vec_view of the shipped vectors (cached: the PCA is not redone on every rerun)."""
    return ss.word2vec_view(shipped_vectors(), word)


@st.cache_data(max_entries=32, show_spinner=False)
def char_neighbours(key: str, source: str, word: str, limit: int, text: str, _model):
    """(candidate words, the word's 10 nearest candidates by layer 0)."""
    occ = source_occurrences(source, word, limit, text)
    cands = candidates(_model, occ, source)
    return cands, ss.static_neighbours(_model, word, cands, k=10, vectors=type_space(key, tuple(cands), _model))
