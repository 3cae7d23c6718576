"""Model page: the model card, the word-sense benchmark, the biLM as a frozen feature extractor, and
choosing or uploading the model every page uses.

The active model is one for all pages (pages.models.model_select / session_model). An uploaded
bilm-tf pair (options.json + weights.hdf5) is converted by elmo.uploads and saved as a safetensors
model directory beside the corpus store (pages.models.uploaded_models_dir()), so it is listed for
every session of this server, and after restarts, until that folder is deleted. bilm-tf files carry
no LM vocabulary, so an uploaded model gives vectors but no substitutes.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from corpora import senseval
from corpora.errors import escape_markdown as md
from elmo.embedder import ELMo
from elmo.io import ModelFileError
from elmo.model import count_parameters
from elmo.uploads import save_upload
from pages.models import model_select, session_model, set_active_model, uploaded_models_dir
from senses import accuracy as ev
from senses.measured import RESULTS_DIR, number_text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = RESULTS_DIR / ev.RESULTS_JSON
CARD_SECTIONS_SHOWN_ELSEWHERE = ("Word-sense evaluation", "Mean over words")  # the benchmark section below
FINE_TUNING = (
    "Here the biLM is **frozen**: only the layer weights, γ and a linear classifier are trained on its "
    "vectors. Fine-tuning would instead back-propagate the task loss into the biLM itself (LSTMs and "
    "char-CNN), adapting the representations to the task, at far higher cost and with the risk of "
    "forgetting what the language model learned."
)


# ---- model choice --------------------------------------------------------------------------------


def render_choice() -> None:
    if model_select("Model used by the pages", "model_choice") is None:
        st.error("No model found: the bundled English model (elmo/models/en) is missing and "
                 "SENSE_EXPLORER_MODEL is not set. Upload a bilm-tf pair below.")
    flash = st.session_state.pop("upload_flash", None)
    if flash:
        st.success(flash)

    with st.expander("Load another model: bilm-tf options.json + weights.hdf5"):
        st.caption("The uploaded model is converted to safetensors and kept beside the corpus store, so "
                   "every page and every session of this server can use it; bilm-tf files have no LM "
                   "vocabulary, so it gives vectors but no substitutes.")
        opt = st.file_uploader("options.json", type=["json"], key="upload_options")
        wts = st.file_uploader("weights.hdf5", type=["hdf5", "h5"], key="upload_weights")
        if st.button("Load uploaded model", disabled=not (opt and wts)):
            try:
                name = save_upload(opt.getvalue(), wts.getvalue(), wts.name, uploaded_models_dir())
            except ModelFileError as e:
                st.error(f"Could not load the uploaded model: {md(e)}")
            else:
                set_active_model(name)
                st.session_state["upload_flash"] = f"Loaded {md(name)}; it is now the active model of every page."
                st.rerun()


# ---- model card ----------------------------------------------------------------------------------


def config_summary(model: ELMo) -> pd.DataFrame:
    cfg = model.config
    rows = [
        ("parameters", f"{count_parameters(model.bilm):,}"),
        ("layers (incl. char-CNN layer 0)", model.n_layers),
        ("vector size per layer (2P)", model.dim),
        ("LSTM cell / projection", f"{cfg.lstm.dim} / {cfg.lstm.projection_dim}"),
        ("char-CNN filters", ", ".join(f"{w}×{n}" for w, n in cfg.char_cnn.filters)),
        ("highway layers", cfg.char_cnn.n_highway),
        ("LM vocabulary", f"{len(model.vocab):,} words" if model.vocab is not None else "none (no LM head)"),
    ]
    return pd.DataFrame(rows, columns=["", "value"]).astype(str)


def card_sections(text: str, drop: tuple[str, ...] = CARD_SECTIONS_SHOWN_ELSEWHERE) -> tuple[str, str]:
    """(title, body) of a MODEL_CARD.md: its first "# " line, and the rest without the `drop` sections
    (the benchmark table, which the page shows once, below)."""
    title, body = "", []
    skipping = False
    for line in text.splitlines():
        heading = re.match(r"^(#+)\s+(.*)", line)
        if heading and len(heading.group(1)) == 1 and not title:
            title = heading.group(2).strip()
            continue
        if heading and len(heading.group(1)) == 1:
            continue  # an embedded document's title (e.g. the benchmark file's)
        if heading:
            skipping = any(heading.group(2).startswith(d) for d in drop)
        if not skipping:
            body.append(line)
    return title, "\n".join(body).strip()


def render_card(key: str, model: ELMo) -> None:
    card = Path(key) / "MODEL_CARD.md"
    if card.is_file():
        title, body = card_sections(card.read_text(encoding="utf-8"))
        st.header(title or "Model card")
        st.markdown(body)
        with st.expander("Configuration"):
            st.table(config_summary(model))
    else:
        st.header("Model card")
        st.caption(f"{md(model.name)}: no MODEL_CARD.md; configuration summary:")
        st.table(config_summary(model))


# ---- evaluation ----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def cached_results(path: str, mtime: float) -> tuple[pd.DataFrame, dict]:
    return ev.read_results(path)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_evaluation(key: str, words: tuple[str, ...], max_per_word: int, _model: ELMo) -> pd.DataFrame:
    """ev.evaluate on a slice, with a progress bar (created here, so that cache hits replay it cleanly)."""
    bar = st.progress(0.0, text="Starting…")
    df = ev.evaluate(_model, words, max_per_word, lambda f, msg: bar.progress(min(max(f, 0.0), 1.0), text=msg))
    bar.empty()
    return df


def show_table(df: pd.DataFrame) -> None:
    """Every number with 3 decimals (counts as they are), "–" where a figure does not apply (as text: the
    table would show a missing number as "None")."""
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    shown = df.assign(**{c: df[c].map(number_text) for c in numeric})
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={c: st.column_config.TextColumn(alignment="right") for c in numeric})
    s = ev.summary(df)
    fig = go.Figure([go.Bar(x=s["features"], y=s[c], name=c) for c in ("knn", "logreg")])
    fig.update_layout(title="Accuracy, mean over words", yaxis={"range": [0, 1]}, barmode="group", height=340,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(fig, width="stretch")


def render_evaluation(key: str, model: ELMo) -> None:
    st.header("Word-sense benchmark (NLTK senseval: hard, interest, line, serve)")
    st.caption("Data: NLTK's `senseval` corpus, the hard / interest / line / serve instances in Senseval-2 "
               "format; not the Senseval-2 lexical-sample task, so the figures do not compare with published "
               f"Senseval-2 scores. 1-NN (cosine) and logistic-regression accuracy, {ev.N_FOLDS}-fold stratified "
               f"CV, per layer; baselines: most frequent sense and the static context (mean layer-0 vector of "
               f"±{senseval.BASELINE_WINDOW} words); ARI of our clustering against gold senses. The biLM reads "
               f"{senseval.window_text(senseval.WINDOW)} as one sequence. Full run: `python -m benchmarks.evaluate`.")
    if RESULTS.is_file():
        try:
            df, meta = cached_results(str(RESULTS), RESULTS.stat().st_mtime)
        except (ValueError, KeyError) as e:
            st.warning(f"{RESULTS.relative_to(ROOT)} could not be read: {e}")
        else:
            st.markdown(f"Saved results (`{RESULTS.relative_to(ROOT)}`): model `{Path(str(meta.get('model'))).name}`, "
                        f"{meta.get('max_per_word') or 'all'} instances per word, biLM input "
                        f"{senseval.window_text(meta.get('window', senseval.WINDOW))}, {meta.get('seconds', '?')} s.")
            show_table(df)
    else:
        st.info(f"No saved results yet ({RESULTS.relative_to(ROOT)}); compute a slice below.")

    if not senseval.senseval_available():
        st.info("The NLTK Senseval corpus is not available (set NLTK_DATA to a folder holding "
                "corpora/senseval.zip), so the benchmark cannot be recomputed here.")
        return
    st.subheader("Recompute on a slice with the active model")
    c1, c2 = st.columns(2)
    words = c1.multiselect("Words", list(senseval.WORDS), default=["interest"], key="eval_words")
    n = c2.slider("Instances per word (stratified)", 20, 600, 100, step=10, key="eval_n")
    if st.button("Compute evaluation", key="eval_run"):
        if not words:
            st.warning("Pick at least one word.")
            return
        df = cached_evaluation(key, tuple(words), int(n), model)
        st.session_state["eval_result"] = (key, tuple(words), int(n), df)
    res = st.session_state.get("eval_result")
    if res and res[0] == key:
        st.markdown(f"**{', '.join(res[1])}**, {res[2]} instances per word:")
        show_table(res[3])


# ---- feature extraction demo ---------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def cached_probe(key: str, word: str, n: int, steps: int, _model: ELMo) -> dict:
    sample = senseval.load_senseval(word, n)
    layers = _model.embed_targets(sample.tokens, sample.index)
    return ev.scalar_mix_probe(layers, sample.senses, steps=steps)


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
        acc = out["accuracy"]
        c1, c2 = st.columns(2)
        fig = go.Figure(go.Bar(x=list(acc), y=list(acc.values()), text=[f"{v:.2f}" for v in acc.values()]))
        fig.update_layout(title=f"'{res[1]}': test accuracy ({out['n_test']} held out)", yaxis={"range": [0, 1]},
                          height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10})
        c1.plotly_chart(fig, width="stretch")
        w = pd.DataFrame({"layer": [f"layer {i}" for i in range(len(out["weights"]))],
                          "learned weight": np.round(out["weights"], 3)})
        c2.markdown(f"Learned scalar-mix weights (γ = {out['gamma']:.2f}):")
        c2.dataframe(w, hide_index=True)
        st.markdown(FINE_TUNING)


def render() -> None:
    render_choice()
    key, model = session_model()
    if model is None:
        return
    render_card(key, model)
    render_evaluation(key, model)
    render_probe(key, model)


st.title("Model")
render()
