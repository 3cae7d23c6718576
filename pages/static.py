"""Static vs contextual: one word (or two side by side) as single vectors and as its occurrences.

Thin page: layout only; its cached steps are pages.static_cache. Routing of the sources, candidate words,
example sentences and the views are in senses.static, the baselines (Word2Vec vectors, average of meanings)
in senses.baselines. The model is the session's active model (pages.models.session_model).
"""

from __future__ import annotations

import streamlit as st

from corpora.errors import CorpusError
from corpora.errors import escape_markdown as md
from corpora.search import SAMPLE_LIMIT
from corpora.senseval import senseval_available
from pages import static_cache as data
from pages.cache import ensure_corpus
from pages.models import session_model
from pages.static_substitutes import render_substitutes
from pages.store import corpus_names
from senses import static as ss
from senses.baselines import shipped_vectors
from senses.explore import MIX

LAYER_OPTIONS = {"layer 0 (char-CNN, context-free)": 0, "layer 1": 1, "layer 2": 2, "scalar mix (average)": MIX}
NEIGHBOUR_FORMAT = {"similarity": "{:.3f}", "distance": "{:.3f}"}


def page_sources() -> list[str]:
    try:
        names = corpus_names()
    except Exception as e:  # noqa: BLE001 - a broken store must not hide the rest of the page
        st.caption(f"Corpora unavailable: {md(e)}")
        names = []
    return ss.sources(names, senseval_available())


def render_static(model, key: str, word: str, source: str, limit: int, text: str, slot: int) -> None:
    """The two static views: Word2Vec (meaning) and the char-CNN layer 0 (spelling)."""
    sv = shipped_vectors()
    st.markdown("**Static embedding: Word2Vec** (one vector per word type, all its meanings in one vector; "
                "trained on the bundled model's training text)")
    view = data.word2vec_view(word) if sv is not None else None
    if sv is None:
        st.info("The Word2Vec vectors are missing: build them with `python -m senses.baselines --build`.")
    elif view is None:
        st.info(f"“{md(word)}” is not among the {len(sv.words):,} words of the Word2Vec vocabulary.")
    else:
        fig, nb = view
        st.plotly_chart(fig, width="stretch", key=f"w2v_fig_{slot}")
        st.dataframe(nb.style.format(NEIGHBOUR_FORMAT), hide_index=True, key=f"w2v_nb_{slot}")
    cands, char = data.char_neighbours(key, source, word, limit, text, model)
    st.markdown("**Layer 0 of the biLM: the character CNN** (context-free and built from the spelling, so its "
                f"neighbours are words spelled alike), among {len(cands):,} frequent words:")
    st.dataframe(char.style.format(NEIGHBOUR_FORMAT), hide_index=True, key=f"nb_{slot}")


def render_word(key: str, model, word: str, source: str, limit: int, text: str, layer, k,
                slot: int = 0) -> ss.Occurrences | None:
    """Static views, contextual view, per-cluster table and separability of one word (in the current column)."""
    st.subheader(f"“{md(word)}”")
    source, shown, moved = ss.shown_source(source, word)
    if moved:  # show the word, not an error
        st.info(f"Senseval has gold senses only for {', '.join(ss.SENSEVAL_WORDS)}: “{md(word)}” is shown in "
                f"{source}, the default corpus (pick another source above).")
    word = shown
    if ss.is_store_corpus(source):
        try:
            ensure_corpus(source)
        except Exception as e:  # noqa: BLE001 - missing NLTK data, unreadable store
            st.error(f"The corpus {md(source)} is not available: {md(e)}")
            return None
    try:
        occ = data.source_occurrences(source, word, limit, text)
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

    comp = data.comparison(key, source, word, limit, text, layer, k, model)
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
    sep = data.separability(key, source, word, limit, text, model)
    if occ.gold is None:
        sep = sep.drop(columns="silhouette_gold")
        st.caption("No gold senses for this source: silhouette of the automatic clusters only.")
    st.dataframe(sep.style.format({"silhouette_gold": "{:.3f}", "silhouette_auto": "{:.3f}"}, na_rep="–"),
                 hide_index=True, key=f"sep_{slot}")
    acc = data.sense_accuracy(key, source, word, limit, text, model) if occ.gold is not None else None
    if acc is not None:
        st.markdown("**Sense accuracy on these occurrences** (gold senses, 5-fold cross-validation; the features "
                    "and baselines of `python -m benchmarks.evaluate`)")
        st.dataframe(acc.style.format({"knn": "{:.3f}", "logreg": "{:.3f}"}), hide_index=True, key=f"acc_{slot}")
    return occ


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
    layer = LAYER_OPTIONS[c3.selectbox("Layer", list(LAYER_OPTIONS), index=3, key="layer")]
    k_opt = c4.selectbox("Clusters", ["auto", *range(1, 9)], key="k")
    k = None if k_opt == "auto" else int(k_opt)
    text = ""
    if source == ss.OWN_TEXT:
        text = st.text_area("Text to search (paste a few sentences using the word)", key="own_text")

    words, bad = ss.typed_words(word, word2)
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
