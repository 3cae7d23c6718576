"""The "Add a corpus" section of the Corpora page (pages/corpora.py): upload a file, choose a table's text
column, add it to the shared store (corpora.manage.add_upload) and link to it in the Sense explorer."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from corpora import manage
from corpora.errors import CorpusError, DuplicateContentError, escape_markdown
from corpora.manage import plural
from corpora.readers import table_columns
from pages.cache import clear_corpus_caches, frequent_corpus_words

EXPLORER = "pages/explorer.py"  # as app.py registers it, relative to the app's folder


def render_upload(p: str, store) -> None:
    st.subheader("Add a corpus")
    st.caption("Plain text (.txt, .md: one document per file, blank lines separate paragraphs), a table "
               "(.csv, .tsv: one document per row; the other columns become metadata), JSON lines "
               "(.jsonl) or a .zip of such files. The new corpus is shared with every session.")
    up = st.file_uploader("File", type=manage.UPLOAD_TYPES, key=f"{p}_file")
    if up is None:
        return
    data = up.getvalue()
    name = st.text_input("Corpus name", value=Path(up.name).stem, key=f"{p}_name_{up.name}").strip()
    text_column = None
    table = manage.is_table(up.name)
    if table:
        try:
            header, guess = table_columns(up.name, data)
        except CorpusError as e:
            st.error(escape_markdown(e))
            return
        if not header:
            st.error(f"{escape_markdown(up.name)} has no columns.")
            return
        if guess is None:  # nothing to preselect: a column of numbers is no text unless the user says so
            st.warning("No column of this file holds words: choose the column to index as the text yourself.")
        cols, index = manage.text_column_choices(header, guess)
        text_column = st.selectbox("Text column", cols, index=index, key=f"{p}_textcol_{up.name}",
                                   placeholder="Choose the text column",
                                   help="The column holding the text; the other columns become metadata.")
    if not st.button("Add corpus", key=f"{p}_add", type="primary"):
        return
    if problem := manage.upload_problem(name, table, text_column):
        st.error(problem)
        return
    bar = st.progress(0.0, text="Reading…")
    try:
        n_docs = manage.add_upload(store, name, up.name, data, text_column,
                                   progress=lambda f, msg="": bar.progress(f, text=msg or None))
    except DuplicateContentError as e:  # already stored under another name: that corpus is the one to explore
        bar.empty()
        st.info(escape_markdown(e))
        _show_corpus(p, e.existing)
        explore_link(e.existing)
        return
    except CorpusError as e:
        bar.empty()
        st.error(escape_markdown(e))
        return
    bar.empty()
    clear_corpus_caches()
    _show_corpus(p, name)
    st.success(f"Added corpus “{escape_markdown(name)}” ({plural(n_docs, 'document')}), shared with every "
               "session.")
    explore_link(name)


def _show_corpus(p: str, name: str) -> None:
    """The details and the frequency box below switch to a corpus, the box with its most frequent word."""
    st.session_state[f"{p}_detail"] = st.session_state[f"{p}_fcorpus"] = name
    if words := frequent_corpus_words(name, 1):
        st.session_state[f"{p}_fword"] = words[0]


def explore_link(name: str) -> None:
    """A link to the Sense explorer with the corpus and its most frequent content word chosen."""
    params = {"corpus": name}
    if words := frequent_corpus_words(name, 1):
        params["word"] = words[0]
    try:
        st.page_link(EXPLORER, label=f"Explore “{escape_markdown(name)}” in the Sense explorer", icon=":material/scatter_plot:",
                     query_params=params)
    except StreamlitAPIException:  # the page run on its own (no navigation): say where to go instead
        st.caption("Pick it on the Sense explorer page.")
