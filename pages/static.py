"""Static vs contextual: one word (or two side by side) as single vectors and as its occurrences.

Thin page: layout and caching only. Routing of the sources, candidate words and example sentences are in
senses.static, the baselines (Word2Vec vectors, average of meanings) in senses.baselines. The model is the
session's active model (pages.models.session_model).
"""

from __future__ import annotations

import zlib

import numpy as np
import streamlit as st

from corpora.builtin import DEFAULT_CORPUS
from corpora.errors import CorpusError
from corpora.errors import escape_markdown as md
from corpora.search import SAMPLE_LIMIT
from corpora.senseval import senseval_available
from corpora.text import tokenize
from elmo.io import ModelFileError
from pages.cache import cached_occurrences as search_occurrences
from pages.cache import ensure_corpus
from pages.models import session_model
from pages.store import corpus_names, get_store
from senses import static as ss
from senses.baselines import average_of_meanings, embedding_neighbours, shipped_vectors
from senses.explore import MIX, find_target
from senses.naming import FUNCTION_WORDS

LAYERS = {"layer 0 (char-CNN, context-free)": 0, "layer 1": 1, "layer 2": 2, "scalar mix (average)": MIX}
N_WORDS = 5000


def page_sources() -> list[str]:
    try:
        names = corpus_names()
    except Exception as e:  # noqa: BLE001 - a broken store must not hide the rest of the page
        st.caption(f"Corpora unavailable: {md(e)}")
        names = []
    return ss.sources(names, senseval_available())


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
    """(average of meanings (L, 2P), occurrences averaged): the shown occurrences when they hold all of them
    (or more than SAMPLE_LIMIT), else a seeded sample of SAMPLE_LIMIT occurrences of the source."""
    occ = source_occurrences(source, word, limit, text)
    if ss.averages_shown(occ):
        layers = occurrence_layers(key, source, word, limit, text, _model)
        return layers.mean(0), len(layers)
    more = source_occurrences(source, word, SAMPLE_LIMIT, text)
    return average_of_meanings(_model, more.tokens, more.index)


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words…")
def type_space(key: str, words: tuple[str, ...], _model) -> np.ndarray:
    return _model.type_vectors(list(words))


@st.cache_data(max_entries=16, show_spinner="Embedding the frequent words alone…")
def alone_space(key: str, words: tuple[str, ...], layer, _model) -> np.ndarray:
    return ss.alone_vectors(_model, list(words), layer)


@st.cache_data(max_entries=8, show_spinner=False)
def corpus_words(corpus: str, n: int) -> list[str]:
    """The corpus's most frequent types (the store's type counts)."""
    return get_store().types(corpus)["word"].head(4 * n).tolist()


def candidates(model, occ: ss.Occurrences, source: str) -> list[str]:
    words: list[str] = []
    if ss.is_store_corpus(source):
        try:
            words = corpus_words(source, N_WORDS)
        except Exception:  # noqa: BLE001 - fall back to the sentences
            words = []
    return ss.candidate_words(model, occ.tokens, N_WORDS, words)


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
    """(figure: the word among the N_WORDS most frequent words (PCA), its 10 nearest words), or None when
    Word2Vec does not know the word. Cached: the PCA is not redone on every rerun."""
    sv = shipped_vectors()
    nb = embedding_neighbours(sv, word, 10)
    if nb is None:
        return None
    fig = ss.static_figure(word, sv.words[:N_WORDS], sv.vectors[:N_WORDS], sv.vector(word), nb["word"].tolist(),
                           space="Word2Vec")
    return fig, nb


@st.cache_data(max_entries=32, show_spinner=False)
def char_neighbours(key: str, source: str, word: str, limit: int, text: str, _model):
    """(candidate words, the word's 10 nearest candidates by layer 0)."""
    occ = source_occurrences(source, word, limit, text)
    cands = candidates(_model, occ, source)
    return cands, ss.static_neighbours(_model, word, cands, k=10, vectors=type_space(key, tuple(cands), _model))


def render_static(model, key: str, word: str, source: str, limit: int, text: str, slot: int) -> None:
    """The two static views: Word2Vec (meaning) and the char-CNN layer 0 (spelling)."""
    sv = shipped_vectors()
    st.markdown("**Static embedding: Word2Vec** (one vector per word type, all its meanings in one vector; "
                "trained on the bundled model's training text)")
    view = word2vec_view(word) if sv is not None else None
    if sv is None:
        st.info("The Word2Vec vectors are missing: build them with `python -m senses.baselines --build`.")
    elif view is None:
        st.info(f"“{md(word)}” is not among the {len(sv.words):,} words of the Word2Vec vocabulary.")
    else:
        fig, nb = view
        st.plotly_chart(fig, width="stretch", key=f"w2v_fig_{slot}")
        st.dataframe(nb.style.format({"similarity": "{:.3f}", "distance": "{:.3f}"}), hide_index=True,
                     key=f"w2v_nb_{slot}")
    cands, char = char_neighbours(key, source, word, limit, text, model)
    st.markdown("**Layer 0 of the biLM: the character CNN** (context-free and built from the spelling, so its "
                f"neighbours are words spelled alike), among {len(cands):,} frequent words:")
    st.dataframe(char.style.format({"similarity": "{:.3f}", "distance": "{:.3f}"}), hide_index=True,
                 key=f"nb_{slot}")


def render_word(key: str, model, word: str, source: str, limit: int, text: str, layer, k,
                slot: int = 0) -> ss.Occurrences | None:
    """Static views, contextual view, per-cluster table and separability of one word (in the current column)."""
    st.subheader(f"“{md(word)}”")
    if source == ss.SENSEVAL and word.lower() not in ss.SENSEVAL_WORDS:  # show the word, not an error
        st.info(f"Senseval has gold senses only for {', '.join(ss.SENSEVAL_WORDS)}: “{md(word)}” is shown in "
                f"{DEFAULT_CORPUS}, the default corpus (pick another source above).")
        source = DEFAULT_CORPUS
    word = ss.source_word(source, word)
    if ss.is_store_corpus(source):
        try:
            ensure_corpus(source)
        except Exception as e:  # noqa: BLE001 - missing NLTK data, unreadable store
            st.error(f"The corpus {md(source)} is not available: {md(e)}")
            return None
    try:
        occ = source_occurrences(source, word, limit, text)
    except (CorpusError, ValueError) as e:  # word not found (with suggestions), a word Senseval lacks
        st.warning(md(e))
        return None
    except OSError as e:  # missing or unreadable corpus files
        st.error(f"Could not read the occurrences of “{md(word)}” from {md(source)}: {md(e)}")
        return None
    if not len(occ):
        st.warning(f"No occurrences of “{md(word)}” in {md(source)}." + (" Type some text containing it above."
                                                                 if source == ss.OWN_TEXT else ""))
        return None

    render_static(model, key, word, source, limit, text, slot)

    comp = comparison(key, source, word, limit, text, layer, k, model)
    st.markdown(f"**Contextual view**: {len(occ)} occurrences, {comp.clustering.k} cluster"
                f"{'s' if comp.clustering.k != 1 else ''} of their biLM vectors ({ss.layer_label(layer)})")
    st.caption("Clustered as the Sense explorer does with “contextual vectors” chosen at this layer (its "
               "automatic k); the Explorer's default view clusters the language model's substitutes and the "
               "meaning of the context instead.")
    st.plotly_chart(ss.contextual_figure(comp), width="stretch", key=f"ctx_fig_{slot}")
    st.metric("Cosine distance: word alone ↔ average of meanings", f"{comp.alone_to_average:.3f}")
    st.caption(f"Word alone = “{md(word)}” embedded as a one-token sentence at this layer. Average of meanings = its "
               f"mean contextual vector over {comp.n_average:,} of its {occ.total:,} occurrences in {md(source)} "
               f"(a seeded sample beyond {SAMPLE_LIMIT}). Cosine distances, in [0, 2].")
    st.dataframe(comp.table.style.format({"share": "{:.0%}", "distance to alone": "{:.3f}",
                                          "distance to average": "{:.3f}"}), hide_index=True, key=f"table_{slot}",
                 width="stretch", column_config={c: st.column_config.TextColumn(width=w)  # fits the page
                                                 for c, w in (("name", 180), ("substitutes", 170),
                                                              ("nearest words", 170))})
    if model.vocab is None or model.bilm.softmax is None:
        st.caption("This model has no LM head: no substitutes.")

    st.markdown("**Separability per layer** (silhouette, cosine; higher = senses further apart)")
    sep = separability(key, source, word, limit, text, model)
    if occ.gold is None:
        sep = sep.drop(columns="silhouette_gold")
        st.caption("No gold senses for this source: silhouette of the automatic clusters only.")
    st.dataframe(sep.style.format({"silhouette_gold": "{:.3f}", "silhouette_auto": "{:.3f}"}, na_rep="–"),
                 hide_index=True, key=f"sep_{slot}")
    acc = sense_accuracy(key, source, word, limit, text, model) if occ.gold is not None else None
    if acc is not None:
        st.markdown("**Sense accuracy on these occurrences** (gold senses, 5-fold cross-validation; the features "
                    "and baselines of `python -m benchmarks.evaluate`)")
        st.dataframe(acc.style.format({"knn": "{:.3f}", "logreg": "{:.3f}"}), hide_index=True, key=f"acc_{slot}")
    return occ


def render_substitutes(model, word: str, occ: ss.Occurrences | None) -> None:
    st.header("Substitutes")
    st.caption("Words the language model expects in place of one token: from the left context (forward LM), "
               "the right context (backward LM), and both combined (p_forward × p_backward, renormalised over "
               "the words shown).")
    if st.session_state.get("sub_word") != word:  # a new word: a new example sentence that uses it
        st.session_state["sub_sentence"] = ss.example_sentence(word, occ.tokens if occ is not None else ())
        st.session_state["sub_word"] = word
    sentence = st.text_input("Sentence", key="sub_sentence")
    if not sentence.strip():
        st.warning("Type a sentence to see substitutes.")
        return
    tokens = tokenize(sentence)
    target = find_target(tokens, word) if word else None
    if target is None:
        st.warning(f"The sentence does not contain “{md(word)}”; pick the token to replace.")
    i = st.selectbox("Token", range(len(tokens)), index=target or 0, format_func=lambda j: f"{j + 1}: {tokens[j]}",
                     key=f"sub_token_{zlib.crc32(sentence.encode())}")
    c1, c2 = st.columns(2)
    words_only = c1.checkbox("Words only (hide punctuation and numbers)", value=True, key="sub_words_only")
    content = c2.checkbox("Content words only (hide the, and, of …)", value=True, key="sub_content",
                          help="Function words fit almost any slot; hiding them shows what the model expects "
                               "the meaning to be.")
    try:
        subs = model.substitutes(tokens, int(i), k=10, words_only=words_only,
                                 exclude=set(FUNCTION_WORDS) if content else None)
    except ModelFileError as e:
        st.error(f"Substitutes need a model with a language-model head: {md(e)}")
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
    st.caption(f"Model: {md(model.name)}. A static embedding gives one vector per word type; the biLM gives one "
               "vector per occurrence (layers 1 and 2). Its layer 0 is a character CNN: context-free, and "
               "built from the spelling.")
    srcs = page_sources()
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
    if source == ss.OWN_TEXT:
        text = st.text_area("Text to search (paste a few sentences using the word)", key="own_text")

    words = [w for w in (word, word2) if w]
    bad = [w for w in words if len(w.split()) > 1]
    first = None
    if not words:
        st.info("Type a word.")
    elif bad:
        st.warning(f"Please type single words (got “{md(bad[0])}”).")
    else:
        cols = st.columns(len(words)) if len(words) > 1 else [st.container()]
        for slot, (col, w) in enumerate(zip(cols, words, strict=True)):
            with col:
                occ = render_word(key, model, w, source, int(limit), text, layer, k, slot)
                first = occ if slot == 0 else first
    st.divider()
    render_substitutes(model, word, first)


st.title("Static vs contextual")
render()
