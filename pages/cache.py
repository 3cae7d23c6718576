"""The cached explorer pipeline: search, one biLM pass, analysis, placement, names, frequent words.

Keyed by (corpus, word, match, limit, model): changing colour, layer, projection or k never re-embeds (all
layers are embedded once and mixed afterwards). clear_corpus_caches() after a corpus changes.
"""

from __future__ import annotations

import streamlit as st

from corpora import builder
from corpora.errors import CorpusError, escape_markdown
from corpora.search import occurrences, rows_key, scan_occurrences
from pages.models import named_model
from pages.store import get_store, index_in_background, scan_documents

SAMPLE_SEED = 0
FREQUENT_MAX = 20  # frequent words kept per corpus (the pages ask for 1, 8 or 20)


def ensure_corpus(name: str) -> None:
    """Index a built-in corpus on first use, with a progress bar: follows its background build when one
    runs (corpora.builder), else indexes it here."""
    store = get_store()
    if name in store.corpus_names():
        return
    build = builder.get(store.path, name)
    if build is not None and build.running():
        bar = st.progress(0.0)
        while True:  # the same text from the first frame on
            bar.progress(min(max(build.fraction, 0.0), 1.0), text=f"First use of {name}: {build.message}")
            if build.wait(0.2):
                break
        bar.empty()
        index_finished(name)
        if name in store.corpus_names():
            return
    head = f"First use of {name}: building its search index (once)"
    bar = st.progress(0.0, text=f"{head}…")
    store.ensure_builtin(name, progress=lambda f, msg="": bar.progress(min(max(f, 0.0), 1.0),
                                                                       text=f"{head}: {msg}" if msg else None))
    bar.empty()


def index_finished(name: str) -> None:
    """After the background build of `name` ended: forget what was found by reading its text (the frames
    without store ids), once. Embeddings are kept: they are keyed by the sentences themselves."""
    build = builder.get(get_store().path, name)
    if build is not None and build.claim():
        for f in (cached_occurrences, cached_analysis, cached_names, cached_placement, scan_documents):
            f.clear()


@st.cache_data(max_entries=32, show_spinner="Searching the corpus…")
def cached_occurrences(corpus: str, word: str, match: str, limit: int | None):
    """(occurrence DataFrame, total hits before sampling); raises corpora.errors.CorpusError. A built-in
    corpus being indexed in the background is read directly (corpora.search.scan_occurrences: the same
    rows, sent_id <NA>, attrs["source"] "scan"); attrs["rows"] is rows_key()."""
    if index_in_background(corpus) is not None and match in ("form", "lemma"):
        occ = scan_occurrences(scan_documents(corpus), corpus, word, match=match, limit=limit, seed=SAMPLE_SEED)
    else:
        occ = occurrences(get_store(), corpus, word, match=match, limit=limit, seed=SAMPLE_SEED)
    occ.attrs["rows"] = rows_key(occ)
    return occ, int(occ.attrs.get("total", len(occ)))


@st.cache_data(max_entries=16, show_spinner=False)
def cached_embeddings(corpus: str, word: str, match: str, limit: int | None, model_name: str, rows: str):
    """((n, n_layers, 2P) vectors of every occurrence's target token, its LM substitutes or None), from one
    batched biLM pass (senses.explore.embed_occurrences); a progress bar while embedding. `rows`: the
    occurrences' rows_key, so that the same sentences found by scanning and by the index share a pass."""
    occ, _ = cached_occurrences(corpus, word, match, limit)
    if occ.attrs["rows"] != rows:  # cleared and found again in between (its index was just finished)
        raise RuntimeError("the occurrences changed while they were embedded (the corpus index was just "
                           "finished); please run again")
    return embed_with_progress(model_name, occ, f"Embedding {len(occ)} sentences with {escape_markdown(model_name)}…")


def embed_with_progress(model_name: str, occ, text: str):
    """senses.explore.embed_occurrences of an occurrence frame with the named model, under a progress bar
    that starts with `text`."""
    from senses.explore import embed_occurrences

    bar = st.progress(0.0, text=text)
    out = embed_occurrences(
        named_model(model_name), occ,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done} / {total} sentences…"))
    bar.empty()
    return out


@st.cache_data(max_entries=64, show_spinner="Projecting and clustering…")
def cached_analysis(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                    weights: tuple[float, ...], method: str, k: int | None, representation: str):
    from senses.explore import analyse

    occ, _ = cached_occurrences(corpus, word, match, limit)
    layers, substitutes = cached_embeddings(corpus, word, match, limit, model_name, occ.attrs["rows"])
    return analyse(occ, layers, layer=layer, weights=list(weights), method=method, k=k,
                   representation=representation, substitutes=substitutes)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_placement(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                     weights: tuple[float, ...], method: str, k: int | None, representation: str,
                     tokens: tuple[str, ...], index: int) -> dict:
    """A typed sentence placed on a view's plot (senses.explore.place_tokens): one biLM pass per sentence
    and view, not one per page rerun."""
    from senses.explore import place_tokens

    a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, method, k, representation)
    return place_tokens(a, named_model(model_name), list(tokens), index)


@st.cache_data(max_entries=64, show_spinner="Naming the clusters…")
def cached_names(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                 weights: tuple[float, ...], method: str, k: int | None, representation: str) -> dict:
    """Cluster -> senses.naming.ClusterName (substitutes from the LM head, distinctive context words)."""
    from senses.explore import name_senses

    a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, method, k, representation)
    return name_senses(a, model=named_model(model_name), word=word)


@st.cache_resource(show_spinner=False)
def _names_seen() -> dict:
    return {}


def known_names(rows: str, *view) -> dict[int, str] | None:
    """Cluster -> automatic name of a view (its occurrences' rows_key, cached_names' arguments) once named,
    else None (no work)."""
    return _names_seen().get((rows, view))


def name_view(rows: str, *view) -> dict[int, str]:
    """Name the clusters of a view (rows_key, cached_names' arguments); remember the labels for known_names()."""
    labels = {c: n.label for c, n in cached_names(*view).items()}
    seen = _names_seen()
    if len(seen) > 256:
        seen.clear()
    seen[(rows, view)] = labels
    return labels


def frequent_corpus_words(corpus: str, n: int = 8) -> list[str]:
    """The corpus's n (<= FREQUENT_MAX) most frequent content words (senses.naming.frequent_content_words); []
    while it is not indexed (that answer is not cached)."""
    try:
        return _frequent_corpus_words(corpus)[:n]
    except CorpusError:  # unknown (not indexed yet) or unreadable
        return []


@st.cache_data(max_entries=32, show_spinner=False)
def _frequent_corpus_words(corpus: str) -> list[str]:
    """One read of the corpus's type counts for every length asked."""
    from senses.naming import frequent_content_words

    return frequent_content_words(get_store().types(corpus), FREQUENT_MAX)


def clear_corpus_caches() -> None:
    """Forget searches, embeddings, names and word lists (after a corpus was added or removed)."""
    for f in (cached_occurrences, cached_embeddings, cached_analysis, cached_names, cached_placement, _frequent_corpus_words):
        f.clear()
    _names_seen().clear()
