"""The Sense explorer's data steps: the search, the analysis and the cluster names of a view.

Thin: calls into pages.cache's cached pipeline, with the page's messages when a step cannot run.
"""

from __future__ import annotations

import streamlit as st

from corpora.errors import escape_markdown as md
from pages.cache import (
    cached_analysis,
    cached_embeddings,
    cached_occurrences,
    ensure_corpus,
    index_finished,
    known_names,
    name_view,
)
from pages.models import get_model
from pages.store import index_in_background
from pages.widgets import kwic_columns
from senses import explore
from senses.view import ViewConfig


def search(view: ViewConfig):
    """The occurrence frame, or None after a message."""
    if not view.word:
        st.info("Type a word to see its occurrences.")
        return None
    if len(view.word.split()) > 1:
        st.warning("Please type a single word.")
        return None
    from corpora.errors import CorpusError, WordNotFoundError

    try:
        if index_in_background(view.corpus) is None:  # else its text is read directly while it is indexed
            index_finished(view.corpus)  # a background build has just ended: forget what the text scan found
            ensure_corpus(view.corpus)
        try:
            occ, total = cached_occurrences(*view.search)
        except WordNotFoundError:
            if index_in_background(view.corpus) is None:
                raise
            ensure_corpus(view.corpus)  # not in the text: wait for the index, which suggests close words
            occ, total = cached_occurrences(*view.search)
    except CorpusError as e:
        st.error(md(e))
        return None
    except (OSError, KeyError, ValueError) as e:
        st.error(f"The corpus {md(view.corpus)} is not available: {md(e)}")
        return None
    if occ.attrs.get("source") == "scan":
        _index_progress(view.corpus)
    if len(occ) == 0:
        st.warning(f"No occurrences of “{md(view.word)}” in {md(view.corpus)}.")
        return None
    if view.compare is not None:  # the compare view says how it sampled each side
        return occ
    if total > len(occ):
        st.info(f"Showing {len(occ):,} of {total:,} occurrences (a reproducible random sample; "
                "raise “Show at most” to see more).")
    else:
        st.caption(f"{total:,} occurrence{'s' if total != 1 else ''} of “{md(view.word)}” in {md(view.corpus)}.")
    return occ


@st.fragment(run_every=1.0)
def _index_progress(corpus: str) -> None:
    """While the corpus is indexed in the background: its progress; when it is done, the page again (from
    the index; the embeddings are kept)."""
    build = index_in_background(corpus)
    if build is None:
        index_finished(corpus)
        st.rerun(scope="app")
    st.caption(f"The search index of {md(corpus)} is being built in the background ({build.fraction:.0%}); "
               "meanwhile its text is read directly. The page switches to the index when it is ready.")


def analyse(p: str, view: ViewConfig, occ) -> explore.Analysis | None:
    """The view's analysis of the occurrences, or None after a message (no model: the occurrences alone)."""
    if view.model is None:
        get_model(None)  # shows the "no model" error
        st.dataframe(explore.kwic(occ).head(100), hide_index=True, key=f"{p}_occ_nomodel",
                     column_config=kwic_columns())
        return None
    if get_model(view.model) is None:
        return None
    try:
        cached_embeddings(*view.search, view.model, occ.attrs["rows"])
        return cached_analysis(*view.analysis)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Embedding or clustering failed: {md(e)}")
        return None


def cluster_names(p: str, view: ViewConfig, a: explore.Analysis,
                  rows: str) -> tuple[dict[int, str], dict[int, str], dict, dict]:
    """(automatic names, shown names, rename-box keys, saved renames) of the view's clusters.

    Automatic names are {} until computed; a name typed in a box wins and is kept for the view."""
    auto = known_names(rows, *view.analysis) or {}
    vkey = f"{p}_rename_{abs(hash(repr(view.analysis)))}"
    saved = st.session_state.setdefault(f"{p}_renames", {}).setdefault(vkey, {})
    keys = {c: f"{vkey}_{c}" for c in range(a.k)} if len(a.frame) > 1 else {}
    link = st.session_state[f"{p}_link_names"]
    if link["names"] and all(st.session_state.get(k) == v for k, v in link["view"].items()):  # once, in its view
        for c, name in link["names"].items():
            if c in keys:
                saved[c] = st.session_state[keys[c]] = name
        link["names"] = {}
    for c, key in keys.items():
        if key not in st.session_state:
            st.session_state[key] = saved.get(c, "")
    typed = {c: str(st.session_state[key]).strip() for c, key in keys.items()}
    _sync_names(typed)
    shown = {c: typed[c] or auto.get(c, "") for c in keys}
    return auto, {c: n for c, n in shown.items() if n}, keys, saved


def _sync_names(typed: dict[int, str]) -> None:
    """The names typed for this view in the URL ("names=1:river,2:money"), so that a link keeps them."""
    value = explore.names_param({c: n for c, n in typed.items() if n})
    if value and st.query_params.get("names") != value:
        st.query_params["names"] = value
    elif not value and "names" in st.query_params:
        del st.query_params["names"]


@st.fragment
def name_clusters(view: ViewConfig, rows: str) -> None:
    """Name the clusters after the plot is on screen, then redraw the page with the names."""
    with st.spinner("Naming the clusters…"):
        try:
            name_view(rows, *view.analysis)
        except (ValueError, RuntimeError, IndexError) as e:
            st.caption(f"The clusters could not be named: {md(e)}")
            return
    st.rerun()
