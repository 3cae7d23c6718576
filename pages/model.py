"""Model page: the model card, the word-sense benchmark, the biLM as a frozen feature extractor, and
choosing or uploading the model every page uses.

The active model is one for all pages (pages.models.model_select / session_model). An uploaded
bilm-tf pair (options.json + weights.hdf5) is converted by elmo.uploads and saved as a safetensors
model directory beside the corpus store (pages.models.uploaded_models_dir()), so it is listed for
every session of this server, and after restarts, until that folder is deleted. bilm-tf files carry
no LM vocabulary, so an uploaded model gives vectors but no substitutes.

Thin: widgets and layout; the card and configuration come from elmo.card, the tables and figures from
senses.accuracy and senses.measured, the probe section is pages.model_probe.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from corpora import senseval
from corpora.errors import escape_markdown as md
from elmo.card import config_rows, read_card
from elmo.embedder import ELMo
from elmo.io import ModelFileError
from elmo.uploads import save_upload
from pages.model_probe import render_probe
from pages.models import model_select, session_model, set_active_model, uploaded_models_dir
from senses import accuracy as ev
from senses.measured import ROOT, results_note, text_table

RESULTS = ev.RESULTS


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
    return pd.DataFrame(config_rows(model), columns=["", "value"])


def render_card(key: str, model: ELMo) -> None:
    card = read_card(key)
    if card is not None:
        title, body = card
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
    """Every number with 3 decimals (counts as they are), "–" where a figure does not apply; the mean over
    words as a chart."""
    shown, numeric = text_table(df)
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={c: st.column_config.TextColumn(alignment="right") for c in numeric})
    st.plotly_chart(ev.summary_figure(df), width="stretch")


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
            st.markdown(results_note(meta, str(RESULTS.relative_to(ROOT))))
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
