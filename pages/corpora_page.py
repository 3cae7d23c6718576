"""Corpora page: upload a corpus, list corpora with statistics, delete one, word frequency by metadata.

Thin: widgets and layout only; reading and storing are corpora.readers / corpora.store. Keys start "co_".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

from pages.common import clear_corpus_caches, get_store

UPLOAD_TYPES = ["txt", "md", "csv", "tsv", "jsonl", "zip"]


def render(p: str = "co") -> None:
    st.title("Corpora")
    try:
        store = get_store()
    except Exception as e:  # the store cannot be opened: say why, never a traceback
        st.error(f"The corpus store could not be opened: {e}")
        return
    _upload(p, store)
    _listing(p, store)
    _frequency(p, store)


def _upload(p: str, store) -> None:
    from corpora.errors import CorpusError
    from corpora.readers import csv_columns, read_upload

    st.subheader("Add a corpus")
    st.caption("Plain text (.txt, .md: one document per file, blank lines separate paragraphs), a table "
               "(.csv, .tsv: one document per row; the other columns become metadata), JSON lines "
               "(.jsonl) or a .zip of such files.")
    up = st.file_uploader("File", type=UPLOAD_TYPES, key=f"{p}_file")
    if up is None:
        return
    data = up.getvalue()
    name = st.text_input("Corpus name", value=Path(up.name).stem, key=f"{p}_name_{up.name}").strip()
    text_column = None
    if up.name.lower().endswith((".csv", ".tsv")):
        try:
            cols = csv_columns(up.name, data)
        except CorpusError as e:
            st.error(str(e))
            return
        if not cols:
            st.error(f"{up.name} has no columns.")
            return
        text_column = st.selectbox("Text column", cols, key=f"{p}_textcol_{up.name}",
                                   help="The column holding the text; the other columns become metadata.")
    if not st.button("Add corpus", key=f"{p}_add", type="primary"):
        return
    if not name:
        st.error("Give the corpus a name.")
        return
    bar = st.progress(0.0, text="Reading…")
    try:
        docs = read_upload(up.name, data, text_column=text_column)
        store.add_corpus(name, docs, source="upload",
                         progress=lambda f, msg="": bar.progress(min(max(float(f), 0.0), 1.0), text=msg or None))
    except CorpusError as e:
        bar.empty()
        st.error(str(e))
        return
    bar.empty()
    clear_corpus_caches()
    st.success(f"Added corpus “{name}” ({len(docs):,} documents). Pick it on the Sense explorer page.")


def _listing(p: str, store) -> None:
    st.subheader("Corpora")
    if st.session_state.get(f"{p}_deleted"):
        st.success(f"Deleted “{st.session_state.pop(f'{p}_deleted')}”.")
    table = store.list_corpora()
    if table is None or len(table) == 0:
        st.info("No corpus is indexed yet; the default corpus is indexed on first use in the Sense explorer.")
        return
    st.dataframe(table, hide_index=True, width="stretch", key=f"{p}_list")
    names = list(store.corpus_names())
    name = st.selectbox("Details of", names, key=f"{p}_detail")
    if name:
        _details(store, name)
        with st.expander(f"Delete “{name}”"):
            sure = st.checkbox(f"Yes, delete the corpus “{name}” and its index", key=f"{p}_sure_{name}")
            if st.button("Delete", key=f"{p}_delete_{name}", disabled=not sure):
                store.remove_corpus(name)
                clear_corpus_caches()
                st.session_state[f"{p}_deleted"] = name
                st.rerun()


def _details(store, name: str) -> None:
    stats = store.stats(name)
    if isinstance(stats, pd.DataFrame):
        st.dataframe(stats, hide_index=True)
        return
    stats = dict(stats or {})
    cols = st.columns(3)
    for col, key in zip(cols, ("documents", "tokens", "types"), strict=True):
        if key in stats:
            col.metric(key.capitalize(), f"{int(stats[key]):,}")
    top = stats.get("top_words")
    if top:
        words = [w if isinstance(w, str) else f"{w[0]} ({int(w[1]):,})" for w in list(top)[:20]]
        st.caption("Top words: " + ", ".join(words))


def _frequency(p: str, store) -> None:
    st.subheader("Frequency of a word by metadata")
    names = list(store.corpus_names())
    if not names:
        return
    c1, c2, c3 = st.columns(3)
    name = c1.selectbox("Corpus", names, key=f"{p}_fcorpus")
    cols = list(store.meta_columns(name)) if name else []
    if not cols:
        st.caption(f"{name} has no metadata columns.")
        return
    word = c2.text_input("Word", value="cell", key=f"{p}_fword").strip()
    column = c3.selectbox("Metadata column", cols, key=f"{p}_fcol")
    if not word:
        return
    from corpora.errors import CorpusError, WordNotFoundError

    try:
        freq = store.frequency_by_meta(name, word, column)
    except WordNotFoundError as e:
        st.warning(str(e))
        return
    except CorpusError as e:
        st.error(str(e))
        return
    st.plotly_chart(frequency_figure(freq, word, column), key=f"{p}_fplot", width="stretch")


def frequency_figure(freq: pd.DataFrame, word: str, column: str):
    """Bar chart of a frequency_by_meta frame: the metadata value on x, the first count-like column on y."""
    f = freq.reset_index() if column not in freq.columns else freq
    ys = [c for c in ("per_million", "per_10k", "relative", "count", "hits", "frequency") if c in f.columns]
    y = ys[0] if ys else [c for c in f.columns if c != column and pd.api.types.is_numeric_dtype(f[c])][0]
    x = f[column].astype(str)
    fig = px.bar(f.assign(**{column: x}), x=column, y=y, hover_data=[c for c in f.columns if c != column],
                 title=f"“{word}” by {column}")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


render()
