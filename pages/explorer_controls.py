"""The Sense explorer's controls: the search row, the example words, the sidebar's view and colour choice.

Thin: widgets only; their values make a senses.view.ViewConfig. Widget keys start with the page's prefix.
"""

from __future__ import annotations

import streamlit as st

from corpora.builtin import DEFAULT_CORPUS, missing_builtins, missing_note
from corpora.errors import escape_markdown as md
from pages import compare
from pages.cache import frequent_corpus_words
from pages.models import model_select
from pages.store import corpus_names
from senses import explore, metadata, represent
from senses.cluster import PROJECTIONS
from senses.view import (
    EXAMPLES,
    K_CHOICES,
    MATCHES,
    MAX_LIMIT,
    N_WEIGHTS,
    NO_CORPUS,
    REPRESENTATIONS,
    ViewConfig,
)


def controls(p: str) -> ViewConfig | None:
    """The search row, "Compare with" and the sidebar's view; None after a message."""
    try:
        names = corpus_names()
    except Exception as e:  # the store cannot be opened: say why, never a traceback
        st.error(f"The corpus store could not be opened: {md(e)}")
        return None
    if st.session_state[f"{p}_corpus"] not in names:
        asked = st.session_state[f"{p}_corpus"]
        st.session_state[f"{p}_corpus"] = names[0] if names else DEFAULT_CORPUS
        if asked == st.query_params.get("corpus"):  # a link to a corpus that is not here: said, not hidden
            st.session_state.setdefault(f"{p}_ignored", {})["corpus"] = (asked, st.session_state[f"{p}_corpus"],
                                                                         NO_CORPUS)
    row = st.container(horizontal=True)  # fixed widths that wrap onto a second row in a narrow window
    corpus = row.selectbox("Corpus", names, key=f"{p}_corpus", width=240)
    word = row.text_input("Word", key=f"{p}_word", width=240,
                          help="One word; in lemma mode all its forms are found.").strip()
    match = row.selectbox("Match", MATCHES, key=f"{p}_match", width=120,
                          help="lemma: cell finds cell and cells; form: only the exact form (case-insensitive).")
    limit = int(row.number_input("Show at most", min_value=1, max_value=MAX_LIMIT, step=50, key=f"{p}_limit",
                                 width=150,
                                 help="Occurrences shown; above this, a reproducible random sample (seed 0)."))
    _builtins_note(names)
    _examples(p, corpus, word)
    cmp = compare.controls(p, corpus, names)
    with st.sidebar:
        st.subheader("View")
        model = model_select("Model", f"{p}_model", help="The active model of every page (also set on the Model page).")
        representation = st.selectbox(
            "Represent occurrences by", REPRESENTATIONS, key=f"{p}_rep", format_func=represent.LABELS.get,
            help="substitutes + context vectors + discourse (default): the words our biLM expects in the "
                 "word's place (its substitutes), the meaning of the context words (their Word2Vec vectors) "
                 "and, more lightly, of the neighbouring sentences of the same document (one sense per "
                 "discourse), so clusters follow meaning, not spelling. substitutes + context vectors: without "
                 "the neighbouring sentences. substitutes + context vectors + form-centred: also the chosen "
                 "biLM layer or mix, with each spelling's own mean removed. contextual vectors: the chosen "
                 "biLM layer or mix as it is (plural and capitalised forms then often get clusters of their "
                 "own). python -m benchmarks.evaluate --induction compares them against hand-labelled senses.")
        uses_layers = explore.uses_layers(representation)
        layer = st.selectbox("Layer", explore.LAYER_CHOICES, key=f"{p}_layer", format_func=explore.layer_label,
                             disabled=not uses_layers,
                             help="Used by the representations with contextual vectors. "
                                  "0: character CNN (context-free); 1, 2: biLSTM layers; scalar mix: "
                                  "softmax(weights)-weighted sum of all three (elmo.model.ScalarMix, gamma 1).")
        weights = _mix_weights(p) if layer == explore.MIX and uses_layers else ()
        if not uses_layers:
            st.caption("This representation does not use the layer vectors: choose one with contextual "
                       "vectors to use the layer choice.")
        proj = st.selectbox("Projection", PROJECTIONS, key=f"{p}_proj")
        k_choice = st.selectbox("Number of senses (k)", K_CHOICES, key=f"{p}_k",
                                help="auto: over-cluster, fold small clusters into large ones, and keep a split "
                                     "only when it separates the points better than random blobs would.")
    return ViewConfig(corpus, word, match, limit, model, layer, weights, proj, k_choice, representation, cmp)


def _examples(p: str, corpus: str, word: str) -> None:
    """One-click example words (pills; the current word's is selected): chosen ambiguous words on the default
    corpus (senses.measured), else the corpus's most frequent content words."""
    key = f"{p}_try"

    def pick() -> None:
        if st.session_state[key]:  # a click on the selected pill unselects it: the word stays
            st.session_state[f"{p}_word"] = st.session_state[key]

    words = EXAMPLES if corpus == DEFAULT_CORPUS else tuple(frequent_corpus_words(corpus, len(EXAMPLES)))
    if not words:
        return
    st.session_state[key] = word if word in words else None
    st.pills("Try:" if corpus == DEFAULT_CORPUS else "Frequent words:", words, key=key, on_change=pick)


def _builtins_note(names: list[str]) -> None:
    """The built-in corpora this machine lacks (their NLTK data is missing), in grey, and how to get them."""
    missing = [n for n in missing_builtins() if n not in names]
    if missing:
        st.caption(missing_note(missing))


def _mix_weights(p: str) -> tuple[float, ...]:
    """Scalar-mix weights in a form: the clusters are recomputed on "Apply", not on every slider step."""
    with st.form(f"{p}_mix_form", border=False):
        for i in range(N_WEIGHTS):
            st.slider(f"weight of layer {i}", -3.0, 3.0, step=0.25, key=f"{p}_w{i}")
        st.form_submit_button("Apply weights")
    weights = tuple(float(st.session_state[f"{p}_w{i}"]) for i in range(N_WEIGHTS))
    st.caption("Mix after softmax: " + " / ".join(f"{v:.2f}" for v in explore.softmax(weights)))
    return weights


def colour_select(p: str, frame) -> str:
    """The sidebar's "Colour by": cluster or a colour column of the frame (a link's other colour: said)."""
    options = ["cluster", *metadata.colour_columns(frame)]
    if st.session_state.get(f"{p}_color") not in options:
        gone = str(st.session_state.get(f"{p}_color") or "cluster")
        st.session_state[f"{p}_color"] = "cluster"
        if gone != "cluster":
            st.caption(md(f"Colour {gone[:30]} ignored: not a colour column of this view; coloured by cluster."))
    return st.sidebar.selectbox("Colour by", options, key=f"{p}_color",
                                help=f"Metadata with at most {metadata.MAX_COLOURS} values (or numbers); "
                                     "the others are shown when you hover a point. A metadata colour also "
                                     "shows a table of the senses by its values under the plot.")
