"""The Explorer's "Compare with" controls: a word in two corpora, or in two parts of one corpus.

Thin: the controls only; what is compared is a senses.view.Spec (its link parameters are part of the
Explorer's view, senses.view.ViewConfig), and pages.compare_view draws the comparison. pages/explorer.py
draws controls() under its search row. Widget keys start with the page's prefix + "_cmp".
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from corpora.errors import CorpusError
from corpora.errors import escape_markdown as md
from pages.cache import ensure_corpus
from pages.store import get_store
from senses import shift
from senses.view import CORPUS, MODES, NONE, REST, SPLIT, Spec

MODE_LABELS = {NONE: "nothing", CORPUS: "another corpus", SPLIT: "a split of this corpus"}


def controls(p: str, corpus: str, names: list[str]) -> Spec | None:
    """The "Compare with" row; None when nothing is compared."""
    spec = _controls(p, corpus, names)
    return None if spec is None else replace(spec, by_sense=bool(st.session_state.get(f"{p}_cmp_sense")))


def _controls(p: str, corpus: str, names: list[str]) -> Spec | None:
    cols = st.columns([5, 2, 2, 2])
    mode = cols[0].radio("Compare with", MODES, key=f"{p}_cmp", format_func=MODE_LABELS.get, horizontal=True,
                         help="Another corpus, or two parts of this one by a metadata column: both sides are "
                              "sampled evenly and clustered together, and the senses' shares compared.")
    if mode == CORPUS:
        others = [n for n in names if n != corpus]
        if not others:
            cols[1].caption("There is no other corpus: add one on the Corpora page.")
            return None
        _keep_valid(f"{p}_cmp_corpus", others)
        return Spec(CORPUS, corpus=cols[1].selectbox("Second corpus", others, key=f"{p}_cmp_corpus"))
    if mode == SPLIT:
        return _split_controls(p, corpus, cols[1:])
    return None


def _keep_valid(key: str, options: list, fallback=None) -> None:
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if fallback is None else fallback


def _split_controls(p: str, corpus: str, cols) -> Spec | None:
    try:
        ensure_corpus(corpus)  # its metadata values come from the index: a built-in corpus is indexed first
    except CorpusError as e:
        cols[0].caption(md(e))
        return None
    columns = split_columns(corpus)
    if not columns:
        cols[0].caption(f"{md(corpus)} has no metadata column with 2 to {shift.MAX_SPLIT_VALUES} values to split by.")
        return None
    _keep_valid(f"{p}_cmp_col", list(columns))
    column = cols[0].selectbox("Split by", list(columns), key=f"{p}_cmp_col",
                               help="A metadata column of this corpus's documents.")
    numeric, values = columns[column]
    if numeric:
        options = values[1:]  # from the second value on: the side before it is never empty
        _keep_valid(f"{p}_cmp_val", options, options[len(options) // 2])
        pick = cols[1].select_slider if len(options) > 1 else cols[1].selectbox
        value = pick(f"{column}: before / from", options, key=f"{p}_cmp_val",
                     help="One side: the documents before this value; the other: from it on.")
        return Spec(SPLIT, column=column, value=value, numeric=True)
    _keep_valid(f"{p}_cmp_val", values)
    value = cols[1].selectbox(f"{column} =", values, key=f"{p}_cmp_val")
    against = [REST, *[v for v in values if v != value]]
    _keep_valid(f"{p}_cmp_vs", against)
    vs = cols[2].selectbox("against", against, key=f"{p}_cmp_vs", format_func=lambda v: v or "the rest")
    return Spec(SPLIT, column=column, value=value, vs=vs)


def split_columns(corpus: str) -> dict[str, tuple[bool, list[str]]]:
    """senses.shift.split_columns of a stored corpus; {} for a corpus that is not stored (yet; that answer is
    not cached)."""
    try:
        return _split_columns(corpus, get_store().info(corpus)["hash"])
    except CorpusError:
        return {}


@st.cache_data(max_entries=32, show_spinner=False)
def _split_columns(corpus: str, digest: str) -> dict[str, tuple[bool, list[str]]]:
    """split_columns of the corpus stored with that content hash (a corpus stored again is read again)."""
    return shift.split_columns(get_store(), corpus)
