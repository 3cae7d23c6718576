"""Corpora page: upload a corpus, list corpora with statistics, delete one, word frequency by metadata.

Thin: widgets and layout only; reading and storing are corpora.readers / corpora.store. Keys start "co_".
The store is shared by every session of the app: the page says so. User-supplied text (corpus names,
words, metadata) is shown as plain text: escaped for Markdown in messages, for HTML in the chart.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st
from streamlit.errors import StreamlitAPIException

from corpora.errors import CorpusError, DuplicateContentError, escape_markdown
from pages.cache import clear_corpus_caches, frequent_words
from pages.store import get_store, indexing_now

EXPLORER = "pages/explorer.py"  # as app.py registers it, relative to the app's folder
UPLOAD_TYPES = ["txt", "md", "csv", "tsv", "jsonl", "zip"]
LOW_CARDINALITY = 20  # the chart's default column has at most this many distinct values
SHARED_NOTE = ("Corpora are kept in one store on the machine running this app and are shared by everyone "
               "using it: an upload is visible to every browser session, and any session can delete it. "
               "Built-in corpora cannot be deleted here.")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


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
    _upload(p, store)
    _listing(p, store)
    _frequency(p, store)


def _upload(p: str, store) -> None:
    from corpora.readers import read_upload, table_columns

    st.subheader("Add a corpus")
    st.caption("Plain text (.txt, .md: one document per file, blank lines separate paragraphs), a table "
               "(.csv, .tsv: one document per row; the other columns become metadata), JSON lines "
               "(.jsonl) or a .zip of such files. The new corpus is shared with every session.")
    up = st.file_uploader("File", type=UPLOAD_TYPES, key=f"{p}_file")
    if up is None:
        return
    data = up.getvalue()
    name = st.text_input("Corpus name", value=Path(up.name).stem, key=f"{p}_name_{up.name}").strip()
    text_column = None
    table = up.name.lower().endswith((".csv", ".tsv"))
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
        cols = [guess, *[h for h in header if h != guess]] if guess else header
        text_column = st.selectbox("Text column", cols, index=0 if guess else None, key=f"{p}_textcol_{up.name}",
                                   placeholder="Choose the text column",
                                   help="The column holding the text; the other columns become metadata.")
    if not st.button("Add corpus", key=f"{p}_add", type="primary"):
        return
    if not name:
        st.error("Give the corpus a name.")
        return
    if table and text_column is None:
        st.error("Choose the text column first.")
        return
    bar = st.progress(0.0, text="Reading…")
    try:
        docs = read_upload(up.name, data, text_column=text_column)
        store.add_corpus(name, docs, source="upload",
                         progress=lambda f, msg="": bar.progress(min(max(float(f), 0.0), 1.0), text=msg or None))
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
    st.success(f"Added corpus “{escape_markdown(name)}” ({plural(len(docs), 'document')}), shared with every "
               "session.")
    explore_link(name)


def _show_corpus(p: str, name: str) -> None:
    """The details and the frequency box below switch to a corpus, the box with its most frequent word."""
    st.session_state[f"{p}_detail"] = st.session_state[f"{p}_fcorpus"] = name
    if words := frequent_words(name, 1):
        st.session_state[f"{p}_fword"] = words[0]


def explore_link(name: str) -> None:
    """A link to the Sense explorer with the corpus and its most frequent content word chosen."""
    params = {"corpus": name}
    if words := frequent_words(name, 1):
        params["word"] = words[0]
    try:
        st.page_link(EXPLORER, label=f"Explore “{escape_markdown(name)}” in the Sense explorer", icon=":material/scatter_plot:",
                     query_params=params)
    except StreamlitAPIException:  # the page run on its own (no navigation): say where to go instead
        st.caption("Pick it on the Sense explorer page.")


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
    from corpora.builtin import missing_builtins, missing_note

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
        st.caption("Top words: " + escape_markdown(", ".join(f"{w} ({c:,})" for w, c in top[:20])))
    content = frequent_words(name, 20)
    if content:
        st.caption("Top content words (one form per lemma): " + escape_markdown(", ".join(content)))


def chart_columns(cardinality: dict[str, int]) -> tuple[list[str], int | None]:
    """(columns, index of the default): low-cardinality columns first; no default when none is."""
    low = [c for c, n in cardinality.items() if 0 < n <= LOW_CARDINALITY]
    cols = low + [c for c in cardinality if c not in low]
    return cols, (0 if low else None)


@st.cache_data(max_entries=64, show_spinner=False)
def meta_cardinality(name: str, content_hash: str) -> dict[str, int]:
    """Distinct values per metadata column (a scan of every document's metadata): once per corpus content."""
    return get_store().meta_cardinality(name)


def _frequency(p: str, store) -> None:
    from corpora.errors import WordNotFoundError

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
    cols, default = chart_columns(cardinality)
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


def frequency_figure(freq: pd.DataFrame, word: str, column: str):
    """Bar chart of a frequency_by_meta frame (metadata value on x, per million on y); every text escaped."""
    col = column if column in freq.columns else f"meta_{column}"
    ys = [c for c in ("per_million", "count") if c in freq.columns]
    f = pd.DataFrame({"value": freq[col].map(lambda v: html.escape(str(v))), **{c: freq[c] for c in freq.columns
                                                                                if c != col}})
    fig = px.bar(f, x="value", y=ys[0], hover_data=[c for c in f.columns if c not in ("value", ys[0])],
                 labels={"value": html.escape(column), "per_million": "per million tokens"},
                 title=html.escape(f"“{word}” by {column}"))
    fig.update_xaxes(type="category")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


render()
