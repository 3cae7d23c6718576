"""The Explorer's "Compare with": a word in two corpora, or in two parts of one corpus, in one space.

Thin: the controls and the compare view; the work is in senses.shift (sides, even sampling, shares, JSD,
permutation test) and senses.explore (the analysis). pages/explorer.py draws controls() under its search
row and, when a comparison is chosen, render() instead of the single-corpus view. Widget keys start with
the page's prefix + "_cmp"; QUERY / DEFAULTS join the Explorer's shared-link parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from corpora.errors import CorpusError
from corpora.errors import escape_markdown as md
from corpora.search import rows_key
from pages.cache import cached_occurrences, ensure_corpus
from pages.models import get_model, load_model, model_dirs
from pages.store import get_store
from pages.widgets import export_buttons, kwic_columns
from senses import explore, shift

NONE, CORPUS, SPLIT = "none", "corpus", "split"
MODES = (NONE, CORPUS, SPLIT)
MODE_LABELS = {NONE: "nothing", CORPUS: "another corpus", SPLIT: "a split of this corpus"}
REST = ""  # the "against" choice that means: the rest of the corpus
MAX_SPLIT_VALUES = 100  # metadata columns with more values than this (titles, file names) are not offered
TABLE_ROWS = 20

# query parameter -> parser (None: ignore it), merged into the Explorer's
QUERY = {
    "cmp": lambda v: v if v in MODES else None,
    "cmp_corpus": str,
    "cmp_col": str,
    "cmp_val": str,
    "cmp_vs": str,
    "cmp_sense": lambda v: v == "1",
}
DEFAULTS = {"cmp": NONE, "cmp_corpus": "", "cmp_col": "", "cmp_val": "", "cmp_vs": REST, "cmp_sense": False}


@dataclass(frozen=True)
class Spec:
    """What the word is compared with: another corpus, or a split (column, value, against) of this one."""

    mode: str
    corpus: str = ""  # the second corpus
    column: str = ""
    value: str = ""
    vs: str = REST  # the other side's value; REST: the rest ("" is never offered as a value)
    numeric: bool = False  # a split before / from a number
    by_sense: bool = False  # the plot coloured by sense instead of by side (not part of the analysis)

    @property
    def key(self) -> tuple:
        return self.mode, self.corpus, self.column, self.value, self.vs, self.numeric

    def split(self) -> shift.Split:
        return shift.Split(self.column, self.value, self.vs or None, self.numeric)


# ---- controls and link ---------------------------------------------------------------------------

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
        cols[0].caption(f"{md(corpus)} has no metadata column with 2 to {MAX_SPLIT_VALUES} values to split by.")
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
    """Metadata columns of a stored corpus to split it by: column -> (numeric, its values as text: numbers in
    order, others most frequent first). {} for a corpus that is not stored (yet; that answer is not cached)."""
    try:
        return _split_columns(corpus, get_store().info(corpus)["hash"])
    except CorpusError:
        return {}


@st.cache_data(max_entries=32, show_spinner=False)
def _split_columns(corpus: str, digest: str) -> dict[str, tuple[bool, list[str]]]:
    """split_columns of the corpus stored with that content hash (a corpus stored again is read again)."""
    import pandas as pd

    store = get_store()
    kept = [c for c, n in store.meta_cardinality(corpus).items() if 2 <= n <= MAX_SPLIT_VALUES]
    meta = store.documents_meta(corpus) if kept else None
    out = {}
    for c in kept:
        col = meta[c if c in meta.columns else f"meta_{c}"].map(shift.meta_text)
        col = col[col != ""]
        if len(col) and pd.to_numeric(col, errors="coerce").notna().all():
            out[c] = (True, sorted(col.unique(), key=float))
        else:
            out[c] = (False, [str(v) for v in col.value_counts().index])
        if len(out[c][1]) < 2:
            del out[c]
    return out


def sync_query(spec: Spec | None) -> None:
    """The comparison in the address bar (only the parameters in use; the others removed)."""
    want = {"cmp": spec.mode if spec else NONE}
    if spec and spec.mode == CORPUS:
        want["cmp_corpus"] = spec.corpus
    elif spec and spec.mode == SPLIT:
        want |= {"cmp_col": spec.column, "cmp_val": spec.value} | ({"cmp_vs": spec.vs} if spec.vs else {})
    if spec and spec.by_sense:
        want["cmp_sense"] = "1"
    if want == {"cmp": NONE}:
        want = {}
    for k in QUERY:
        if k not in want and k in st.query_params:
            del st.query_params[k]
    if {k: st.query_params.get(k) for k in want} != want:
        st.query_params.update(want)


# ---- cached pipeline --------------------------------------------------------------------------------
# Keyed by the Explorer's search (corpus, word, match, limit: the cap per side) and Spec.key.

@st.cache_data(max_entries=16, show_spinner="Searching both sides…")
def cached_pool(corpus: str, word: str, match: str, limit: int, key: tuple) -> shift.Pooled:
    """Both sides' occurrences, evened out (senses.shift.pool); raises CorpusError with the user's message."""
    spec = Spec(*key)  # Spec.key's order
    if spec.mode == CORPUS:
        a, total_a = cached_occurrences(corpus, word, match, limit)
        b, total_b = cached_occurrences(spec.corpus, word, match, limit)
        return shift.pool(a, b, (corpus, spec.corpus), limit, shift.SEED, (total_a, total_b), word=word)
    occ, _ = cached_occurrences(corpus, word, match, max(limit, shift.SPLIT_SEARCH))
    return shift.split_pool(occ, spec.split(), limit, shift.SEED)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_pool_embeddings(corpus: str, word: str, match: str, limit: int, key: tuple, model_name: str,
                           rows: str):
    """(layers, substitutes) of the pooled occurrences: one biLM pass, with a progress bar."""
    pooled = cached_pool(corpus, word, match, limit, key)
    if rows_key(pooled.frame) != rows:
        raise RuntimeError("the occurrences changed while they were embedded; please run again")
    n = len(pooled.frame)
    bar = st.progress(0.0, text=f"Embedding {n} sentences of both sides…")
    out = explore.embed_occurrences(
        load_model(str(model_dirs()[model_name])), pooled.frame,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done} / {total} sentences…"))
    bar.empty()
    return out


@st.cache_data(max_entries=16, show_spinner="Clustering both sides together…")
def cached_compare(corpus: str, word: str, match: str, limit: int, key: tuple, model_name: str, layer,
                   weights: tuple[float, ...], method: str, k: int | None, representation: str):
    """(analysis, cluster names, senses.shift.Shift) of the pooled occurrences, named as on the Explorer."""
    from senses.naming import name_clusters

    pooled = cached_pool(corpus, word, match, limit, key)
    layers, subs = cached_pool_embeddings(corpus, word, match, limit, key, model_name, rows_key(pooled.frame))
    a = explore.analyse(pooled.frame, layers, layer=layer, weights=list(weights), method=method, k=k,
                        representation=representation, substitutes=subs)
    model = load_model(str(model_dirs()[model_name]))
    names = {c: n.label for c, n in name_clusters(a.frame, a.clustering.labels, model=model, word=word).items()}
    return a, names, shift.measure(a.frame, pooled.sides, names)


# ---- the compare view ---------------------------------------------------------------------------------

def render(p: str, view) -> None:
    """The compare view of an Explorer view (pages.explorer.View with .compare set)."""
    spec: Spec = view.compare
    search = (view.corpus, view.word, view.match, int(view.limit))
    try:
        if spec.mode == CORPUS:
            ensure_corpus(spec.corpus)
        pooled = cached_pool(*search, spec.key)
    except CorpusError as e:
        st.warning(f"Nothing to compare: {md(e)}")
        return
    except (OSError, KeyError, ValueError) as e:
        st.error(f"The occurrences could not be read: {md(e)}")
        return
    a_side, b_side = pooled.sides
    st.subheader(f"“{md(view.word)}”: {md(a_side)} against {md(b_side)}")
    cap = " “Show at most” caps each side." if pooled.n == view.limit else ""
    (st.info if pooled.sampled else st.caption)(md(pooled.note()) + cap + " Both sides are clustered together, in one space.")
    if view.model is None or get_model(view.model) is None:
        if view.model is None:
            get_model(None)  # says that there is no model
        return
    try:
        a, names, result = cached_compare(*search, spec.key, view.model, view.layer, view.weights, view.proj,
                                          view.k, view.representation)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Embedding or clustering failed: {md(e)}")
        return
    a.frame["cluster_name"] = [explore.cluster_label(c, names) for c in a.frame["cluster"]]
    _caption(a)
    _plot(p, a, names, view.word)
    _shares(p, result, view.word)
    _sense_tables(p, a, names, pooled.sides)
    _exports(p, a, names, view.word)


def _caption(a: explore.Analysis) -> None:
    c = a.clustering
    if a.note:
        st.caption(f"Note: {md(a.note)}.")
    how = "automatic k" if c.auto else "k chosen by you"
    if c.k == 1:
        st.warning(f"One sense cluster ({how}) over the {len(a.frame):,} occurrences of both sides, so its share is "
                   "100 % on each: there is nothing to compare. Set the number of senses (k) in the sidebar to "
                   "force a split.")
        return
    st.caption(f"{c.k} sense clusters ({how}) over the {len(a.frame):,} occurrences of both sides, named by their "
               "most distinctive context words as on the single-corpus view.")


def _plot(p: str, a: explore.Analysis, names: dict, word: str) -> None:
    by_sense = st.toggle("Colour by sense", key=f"{p}_cmp_sense",
                         help="Off: each point coloured by its side. On: by its sense cluster (its side in the hover).")
    fig = explore.scatter_figure(a, color="cluster" if by_sense else shift.SIDE, names=names, word=word)
    if by_sense:
        from senses.metadata import add_hover_fields

        fig = add_hover_fields(fig, a.frame, [shift.SIDE])
    st.plotly_chart(fig, key=f"{p}_cmp_plot", width="stretch")


def _shares(p: str, result: shift.Shift, word: str) -> None:
    st.subheader("Sense shares per side")
    c1, c2 = st.columns(2)
    c1.metric("Jensen–Shannon divergence", f"{result.jsd:.3f} bits",
              help="0: the senses have the same shares on both sides; 1: the sides share no sense.")
    c2.metric("p-value", f"{result.p_value:.3f}",
              help=f"Permutation test: the side labels shuffled {result.rounds:,} times over the same clusters "
                   f"(seed {result.seed}); the share of shuffles that diverge at least as much.")
    (st.success if result.different else st.info)(md(result.sentence))
    st.caption(md(result.summary()) + " A sense is marked as found on one side only when it holds at least "
               f"{shift.ONE_SIDE_OWN:.0%} of that side's occurrences and under {shift.ONE_SIDE_OTHER:.0%} of the "
               "other's.")
    st.plotly_chart(shift.shares_figure(result, word), key=f"{p}_cmp_shares", width="stretch")
    only = result.only_on
    for side in (0, 1):
        found = [result.labels[c] for c, s in only.items() if s == side]
        if found:
            st.markdown(f"**Found only in {md(result.sides[side])}:** " + "; ".join(md(f) for f in found))
    st.dataframe(result.table(), hide_index=True, width="stretch", key=f"{p}_cmp_table")


def _sense_tables(p: str, a: explore.Analysis, names: dict, sides: tuple[str, str]) -> None:
    st.subheader("Occurrences by sense")
    for c, label, _table in explore.cluster_tables(a, names):
        f = a.frame[a.frame["cluster"] == c]
        table = explore.kwic(f, [shift.SIDE])
        table = table[[shift.SIDE, *[col for col in table.columns if col != shift.SIDE]]]
        counts = f[shift.SIDE].value_counts()
        with st.expander(f"{md(label)} · " + " · ".join(f"{md(s)}: {int(counts.get(s, 0))}" for s in sides)):
            show_all = len(table) > TABLE_ROWS and st.toggle(f"Show all {len(table)}", key=f"{p}_cmp_more_{c}")
            st.dataframe(table if show_all else table.head(TABLE_ROWS), hide_index=True, width="stretch",
                         key=f"{p}_cmp_kwic_{c}", column_config=kwic_columns(table.columns))


def _exports(p: str, a: explore.Analysis, names: dict, word: str) -> None:
    export_buttons(f"{p}_cmp", lambda: shift.export_frame(a, names), f"{word}_compared")
    st.caption("The export has a side column; the address bar holds this comparison: copy the link to share it.")
