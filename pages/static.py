"""Static vs contextual: one word (or two side by side) as a single type vector and as its occurrences.

Thin page: the work is in senses.static (same clustering and naming as the explorer). Occurrences come
from Senseval-2 (gold senses, for hard / interest / line / serve), a corpus of the store (as the
explorer searches it), or text typed here. The model is the session's active model (chosen or uploaded
on the Model page: st.session_state["active_model"], uploaded ones in st.session_state["uploaded_models"]).
"""

from __future__ import annotations

import importlib.util
import zlib

import numpy as np
import streamlit as st

from corpora.errors import CorpusError
from corpora.text import split_sentences, tokenize
from elmo.io import ModelFileError
from pages.common import ensure_corpus, session_model
from senses import static as ss
from senses.evaluate import WORDS as SENSEVAL_WORDS
from senses.evaluate import load_senseval, senseval_available
from senses.explore import MIX, find_target
from senses.naming import word_forms

SENSEVAL = "Senseval-2 (gold senses)"
OWN_TEXT = "Your own text"
LAYERS = {"layer 0 (static)": 0, "layer 1": 1, "layer 2": 2, "scalar mix (average)": MIX}
EXAMPLES = {
    "line": "Please wait in line until the phone line is free .",
    "interest": "The bank raised the interest on my loan .",
    "hard": "It was a hard decision to make .",
    "serve": "They serve dinner at eight .",
}


def sources() -> list[str]:
    out = [SENSEVAL] if senseval_available() else []
    if importlib.util.find_spec("corpora.search") is not None and importlib.util.find_spec("corpora.store"):
        try:
            from pages.common import corpus_names

            out += corpus_names()
        except Exception as e:  # noqa: BLE001 - a broken store must not hide the rest of the page
            st.caption(f"Corpora unavailable: {e}")
    return out + [OWN_TEXT]


def text_occurrences(text: str, word: str) -> tuple[list[list[str]], list[int]]:
    """Every occurrence (any inflected form) of `word` in typed text: (sentence tokens, index) pairs."""
    forms = word_forms(word) | {word.lower()}
    toks, idx = [], []
    for s in split_sentences(text):
        for i, t in enumerate(s.tokens):
            if t.lower() in forms:
                toks.append(s.tokens)
                idx.append(i)
    return toks, idx


@st.cache_data(max_entries=16, show_spinner="Finding and embedding the occurrences…")
def cached_occurrences(key: str, source: str, word: str, limit: int, text: str, _model):
    """(tokens, indices, gold senses or None, layers (n, L, 2P)) of the word's occurrences in a source."""
    gold = None
    if source == SENSEVAL:
        sample = load_senseval(word, limit)
        toks, idx, gold = sample.tokens, sample.index, list(sample.senses)
    elif source == OWN_TEXT:
        toks, idx = text_occurrences(text, word)
        toks, idx = toks[:limit], idx[:limit]
    else:
        from pages.common import cached_occurrences as search

        occ, _ = search(source, word, "lemma", limit)
        toks, idx = [list(t) for t in occ["tokens"]], [int(i) for i in occ["token_index"]]
        if "gold_sense" in occ.columns and len(occ) and (occ["gold_sense"] != "").all():
            gold = occ["gold_sense"].tolist()  # a Senseval corpus of the store: gold senses per occurrence
    layers = _model.embed_targets(toks, idx) if toks else None
    return toks, idx, gold, layers


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words…")
def cached_type_space(key: str, words: tuple[str, ...], _model) -> np.ndarray:
    return _model.type_vectors(list(words))


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words alone…")
def cached_alone(key: str, words: tuple[str, ...], layer, _model) -> np.ndarray:
    return ss.alone_vectors(_model, list(words), layer)


@st.cache_data(max_entries=32, show_spinner="Clustering and naming…")
def cached_compare(key: str, source: str, word: str, limit: int, text: str, layer, k, n_words: int, _model):
    toks, idx, _, layers = cached_occurrences(key, source, word, limit, text, _model)
    cands = candidate_words(_model, toks, n_words, source)
    return ss.compare(_model, word, toks, idx, layer=layer, k=k, layers=layers, candidates=cands,
                      candidate_vectors=cached_alone(key, tuple(cands), layer, _model))


@st.cache_data(max_entries=32, show_spinner="Separability per layer…")
def cached_separability(key: str, source: str, word: str, limit: int, text: str, _model):
    _, _, gold, layers = cached_occurrences(key, source, word, limit, text, _model)
    return ss.separability(layers, gold)


@st.cache_data(max_entries=8, show_spinner=False)
def corpus_words(corpus: str, n: int) -> list[str]:
    """The corpus's n most frequent word-like types, from the store's type counts."""
    from pages.common import get_store

    types = get_store().types(corpus)
    return [w for w in types["word"] if ss.WORDLIKE.match(w)][:n]


def candidate_words(model, sentences, n: int, source: str = OWN_TEXT) -> list[str]:
    """The frequent words of the corpus (store corpora) or of the occurrences' sentences (Senseval, typed
    text), topped up from the model's vocabulary when fewer than 1000."""
    words: list[str] = []
    if source not in (SENSEVAL, OWN_TEXT):
        try:
            words = corpus_words(source, n)
        except Exception:  # noqa: BLE001 - fall back to the sentences
            words = []
    if not words:
        words = ss.frequent_words(sentences, n)
    if len(words) < min(n, 1000):
        seen = set(words)
        words += [w for w in ss.vocab_words(model, n) if w not in seen][: n - len(words)]
    return words


def render_word(key: str, model, word: str, source: str, limit: int, text: str, layer, k, n_words: int,
                slot: int = 0) -> None:
    """Static view, contextual view, per-cluster table and separability of one word (in the current column)."""
    st.subheader(f"“{word}”")
    if source == SENSEVAL and word.lower() not in SENSEVAL_WORDS:
        st.warning(f"Senseval-2 has gold senses only for {', '.join(SENSEVAL_WORDS)}; pick another source "
                   f"for “{word}”.")
        return
    if source not in (SENSEVAL, OWN_TEXT):
        try:
            ensure_corpus(source)
        except Exception as e:  # noqa: BLE001 - missing NLTK data, unreadable store
            st.error(f"The corpus {source} is not available: {e}")
            return
    try:
        toks, idx, gold, layers = cached_occurrences(key, source, word.lower() if source == SENSEVAL else word,
                                                     limit, text, model)
    except CorpusError as e:  # word not found (with suggestions), bad query: the message is for the user
        st.warning(str(e))
        return
    except (OSError, ValueError) as e:  # missing or unreadable corpus files
        st.error(f"Could not read the occurrences of “{word}” from {source}: {e}")
        return
    if not toks:
        st.warning(f"No occurrences of “{word}” in {source}." + (" Type some text containing it above."
                                                                 if source == OWN_TEXT else ""))
        return

    # static view
    cands = candidate_words(model, toks, n_words, source)
    vecs = cached_type_space(key, tuple(cands), model)
    nb = ss.static_neighbours(model, word, cands, k=10, vectors=vecs)
    st.markdown("**Static view** (layer 0: one vector per word type, every meaning averaged)")
    st.plotly_chart(ss.static_figure(word, cands, vecs, ss.type_vector(model, word), nb["word"].tolist()),
                    width="stretch", key=f"static_fig_{slot}")
    st.caption(f"Nearest neighbours of the static vector among {len(cands):,} frequent words (cosine):")
    st.dataframe(nb.style.format({"similarity": "{:.3f}", "distance": "{:.3f}"}), hide_index=True,
                 key=f"nb_{slot}")

    # contextual view
    comp = cached_compare(key, source, word.lower() if source == SENSEVAL else word, limit, text, layer, k,
                          n_words, model)
    st.markdown(f"**Contextual view**: {len(toks)} occurrences, {comp.clustering.k} cluster"
                f"{'s' if comp.clustering.k != 1 else ''} ({ss.layer_label(layer)})")
    st.plotly_chart(ss.contextual_figure(comp), width="stretch", key=f"ctx_fig_{slot}")
    st.metric("Cosine distance: static vector ↔ mean contextual vector", f"{comp.static_to_mean:.3f}")
    st.caption("Static vector here = the word embedded alone (no context) at this layer, so it lives in the "
               "same space as the centroids; distances are cosine distances in [0, 2].")
    st.dataframe(comp.table.style.format({"share": "{:.0%}", "distance to static": "{:.3f}",
                                          "distance to mean": "{:.3f}"}), hide_index=True, key=f"table_{slot}")
    if model.vocab is None or model.bilm.softmax is None:
        st.caption("This model has no LM head: no substitutes.")

    st.markdown("**Separability per layer** (silhouette, cosine; higher = senses further apart)")
    sep = cached_separability(key, source, word.lower() if source == SENSEVAL else word, limit, text, model)
    if gold is None:
        sep = sep.drop(columns="silhouette_gold")
        st.caption("No gold senses for this source: silhouette of the automatic clusters only.")
    st.dataframe(sep.style.format({"silhouette_gold": "{:.3f}", "silhouette_auto": "{:.3f}"}, na_rep="–"),
                 hide_index=True, key=f"sep_{slot}")


def render_substitutes(model, word: str) -> None:
    st.header("Substitutes")
    st.caption("Words the language model expects in place of one token: from the left context (forward LM), "
               "the right context (backward LM), and both combined (p_forward × p_backward, renormalised over "
               "the words shown).")
    sentence = st.text_input("Sentence", value=EXAMPLES.get(word.lower(), f"I did not expect the {word} here ."),
                             key="sub_sentence")
    if not sentence.strip():
        st.warning("Type a sentence to see substitutes.")
        return
    tokens = tokenize(sentence)
    target = find_target(tokens, word) if word else None
    if target is None:
        st.warning(f"The sentence does not contain “{word}”; pick the token to replace.")
    i = st.selectbox("Token", range(len(tokens)), index=target or 0, format_func=lambda j: f"{j + 1}: {tokens[j]}",
                     key=f"sub_token_{zlib.crc32(sentence.encode())}")
    words_only = st.checkbox("Words only (hide punctuation and numbers)", value=True, key="sub_words_only")
    try:
        subs = model.substitutes(tokens, int(i), k=10, words_only=words_only)
    except ModelFileError as e:
        st.error(f"Substitutes need a model with a language-model head: {e}")
        return
    df = ss.substitutes_table(subs)
    c1, c2 = st.columns([2, 3])
    c1.dataframe(df.style.format({"forward": "{:.4f}", "backward": "{:.4f}", "combined": "{:.3f}"}),
                 hide_index=True, key="sub_table")
    c2.plotly_chart(ss.substitutes_figure(df, f"Substitutes for “{tokens[int(i)]}”"), width="stretch",
                    key="sub_fig")


def render() -> None:
    key, model = session_model()
    if model is None:
        return
    st.caption(f"Model: {model.name}. Layer 0 gives one vector per word type (a static embedding, the average "
               "of all its meanings); layers 1 and 2 give one vector per occurrence.")
    srcs = sources()
    c1, c2 = st.columns(2)
    word = c1.text_input("Word", value="line", key="word").strip()
    word2 = c2.text_input("Second word (optional, side by side)", value="", key="word2").strip()
    c1, c2, c3, c4 = st.columns(4)
    source = c1.selectbox("Occurrences from", srcs, key="source")
    limit = c2.slider("Max occurrences", 20, 1000, 200, step=20, key="limit")
    layer = LAYERS[c3.selectbox("Layer", list(LAYERS), index=3, key="layer")]
    k_opt = c4.selectbox("Clusters", ["auto", *range(1, 9)], key="k")
    k = None if k_opt == "auto" else int(k_opt)
    text = ""
    if source == OWN_TEXT:
        text = st.text_area("Text to search (paste a few sentences using the word)", key="own_text")
    n_words = 5000

    words = [w for w in (word, word2) if w]
    bad = [w for w in words if len(w.split()) > 1]
    if not words:
        st.info("Type a word.")
    elif bad:
        st.warning(f"Please type single words (got “{bad[0]}”).")
    else:
        cols = st.columns(len(words)) if len(words) > 1 else [st.container()]
        for slot, (col, w) in enumerate(zip(cols, words, strict=True)):
            with col:
                render_word(key, model, w, source, int(limit), text, layer, k, n_words, slot)
    st.divider()
    render_substitutes(model, word)


st.title("Static vs contextual")
render()

