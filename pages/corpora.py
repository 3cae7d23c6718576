"""Corpora page: upload a corpus, list corpora with statistics, delete one, word frequency by metadata.

Thin: widgets and layout only; the upload section is pages.corpora_upload, adding an upload and the
listing's texts are corpora.manage (reading and storing: corpora.readers / corpora.store), the chart
senses.frequency. Keys start "co_".
The store is shared by every session of the app: the page says so. User-supplied text (corpus names,
words, metadata) is shown as plain text: escaped for Markdown in messages, for HTML in the chart.
"""

from __future__ import annotations

import streamlit as st

from corpora import manage
from corpora.builtin import missing_builtins, missing_note
from corpora.errors import CorpusError, WordNotFoundError, escape_markdown
from corpora.manage import plural
from pages.cache import clear_corpus_caches, frequent_corpus_words
from pages.corpora_upload import render_upload
from pages.store import get_store, indexing_now
from senses.frequency import frequency_figure

SHARED_NOTE = ("Corpora are kept in one store on the machine running this app and are shared by everyone "
               "using it: an upload is visible to every browser session, and any session can delete it. "
               "Built-in corpora cannot be deleted here.")


def render(p: str = "co") -> None:
    st.title("Corpora")
    st.caption(SHARED_NOTE)
    try:
        store = get_store()
    except CorpusError as e:  # the store cannot be opened: say why, never a traceback
        st.error(f"The corpus store could not be opened: {escape_markdown(e)}")
        return
    if store.read_only:
        st.info("The corpus store is read-only here (its file or folder is not writable): corpora can be "
                "listed and searched, but not added or deleted.")
    render_upload(p, store)
    _listing(p, store)
    _frequency(p, store)


def _listing(p: str, store) -> None:
    st.subheader("Corpora")
    if st.session_state.get(f"{p}_deleted"):
        st.success(f"Deleted “{escape_markdown(st.session_state.pop(f'{p}_deleted'))}”.")
    for build in indexing_now():
        st.info(f"{build.name} is being indexed in the background ({build.fraction:.0%}); it is listed here "
                "when it is ready (the Sense explorer already shows its words).")
    table = store.list_corpora()
    if table is None or len(table) == 0:
        st.info("No corpus is indexed yet; the default corpus is indexed when the app is first opened.")
        return
    st.dataframe(table, hide_index=True, width="stretch", key=f"{p}_list")
    if missing := missing_builtins():
        st.caption(missing_note(missing))
    names = list(table["name"])
    name = st.selectbox("Details of", names, key=f"{p}_detail")
    if not name:
        return
    _details(store, name)
    if store.is_builtin(name):
        st.caption("A built-in corpus: it cannot be deleted.")
        return
    with st.expander(f"Delete “{escape_markdown(name)}”"):
        sure = st.checkbox(f"Yes, delete the corpus “{escape_markdown(name)}” and its index for every session",
                           key=f"{p}_sure_{name}")
        if st.button("Delete", key=f"{p}_delete_{name}", disabled=not sure):
            try:
                store.remove_corpus(name)
            except CorpusError as e:  # busy, already deleted by another session, built-in
                st.error(escape_markdown(e))
                return
            clear_corpus_caches()
            st.session_state[f"{p}_deleted"] = name
            st.rerun()


def _details(store, name: str) -> None:
    stats = store.stats(name)
    cols = st.columns(3)
    for col, key in zip(cols, ("documents", "tokens", "types"), strict=True):
        col.metric(key.capitalize(), f"{int(stats[key]):,}")
    top = stats.get("top_words")
    if top:
        st.caption("Top words: " + escape_markdown(manage.top_words_text(top)))
    content = frequent_corpus_words(name, 20)
    if content:
        st.caption("Top content words (one form per lemma): " + escape_markdown(", ".join(content)))


@st.cache_data(max_entries=64, show_spinner=False)
def meta_cardinality(name: str, content_hash: str) -> dict[str, int]:
    """Distinct values per metadata column (a scan of every document's metadata): once per corpus content."""
    return get_store().meta_cardinality(name)


def _frequency(p: str, store) -> None:
    st.subheader("Frequency of a word by metadata")
    names = list(store.corpus_names())
    if not names:
        return
    c1, c2, c3 = st.columns(3)
    name = c1.selectbox("Corpus", names, key=f"{p}_fcorpus")
    cardinality = meta_cardinality(name, store.info(name)["hash"]) if name else {}
    if not cardinality:
        st.caption(f"{escape_markdown(name)} has no metadata columns.")
        return
    st.session_state.setdefault(f"{p}_fword", "cell")
    word = c2.text_input("Word", key=f"{p}_fword").strip()
    cols, default = manage.chart_columns(cardinality)
    column = c3.selectbox("Metadata column", cols, index=default, key=f"{p}_fcol",
                          format_func=lambda c: f"{c} ({plural(cardinality[c], 'value')})",
                          placeholder="Choose a column (each has many values)")
    if not word or column is None:
        return
    try:
        freq = store.frequency_by_meta(name, word, column)
    except WordNotFoundError as e:
        st.warning(escape_markdown(e))
        return
    except CorpusError as e:
        st.error(escape_markdown(e))
        return
    st.plotly_chart(frequency_figure(freq, word, column), key=f"{p}_fplot", width="stretch")


render()
