"""The Model page's probe (pages/model.py): the biLM as a frozen feature extractor, a scalar mix of its
layers trained on Senseval gold senses (senses.accuracy.probe_word)."""

from __future__ import annotations

import streamlit as st

from corpora import senseval
from elmo.embedder import ELMo
from senses import accuracy as ev

FINE_TUNING = (
    "Here the biLM is **frozen**: only the layer weights, γ and a linear classifier are trained on its "
    "vectors. Fine-tuning would instead back-propagate the task loss into the biLM itself (LSTMs and "
    "char-CNN), adapting the representations to the task, at far higher cost and with the risk of "
    "forgetting what the language model learned."
)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_probe(key: str, word: str, n: int, steps: int, _model: ELMo) -> dict:
    return ev.probe_word(_model, word, n, steps)


def render_probe(key: str, model: ELMo) -> None:
    st.header("The biLM as a frozen feature extractor")
    if not senseval.senseval_available():
        st.info("This demo trains on Senseval gold senses; the NLTK Senseval corpus is not available "
                "(set NLTK_DATA to a folder holding corpora/senseval.zip).")
        return
    st.caption("Logistic regression on layer 0, 1, 2 vectors of the target word vs a learned scalar mix "
               "(softmax layer weights × γ, as in Peters et al. 2018) + linear classifier trained jointly with "
               "Adam; one stratified 70/30 split of a slice of one word.")
    c1, c2, c3 = st.columns(3)
    word = c1.selectbox("Word", list(senseval.WORDS), index=1, key="probe_word")
    n = c2.slider("Instances", 60, 1000, 300, step=20, key="probe_n")
    steps = c3.slider("Training steps", 50, 600, 300, step=50, key="probe_steps")
    if st.button("Train probes", key="probe_run"):
        with st.spinner("Embedding and training…"):
            st.session_state["probe_result"] = (key, word, cached_probe(key, word, int(n), int(steps), model))
    res = st.session_state.get("probe_result")
    if res and res[0] == key:
        out = res[2]
        c1, c2 = st.columns(2)
        c1.plotly_chart(ev.probe_figure(out, res[1]), width="stretch")
        c2.markdown(f"Learned scalar-mix weights (γ = {out['gamma']:.2f}):")
        c2.dataframe(ev.probe_weights(out), hide_index=True)
        st.markdown(FINE_TUNING)
