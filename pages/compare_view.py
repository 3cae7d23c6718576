"""The Explorer's compare view: both sides of a "Compare with" (senses.view.Spec) in one space.

Thin: the cached pipeline and the layout; the work is in senses.shift (sides, even sampling, shares, JSD,
permutation test) and senses.explore (the analysis). pages/explorer.py draws render() instead of the
single-corpus view when a comparison is chosen. Widget keys start with the page's prefix + "_cmp".
"""

from __future__ import annotations

import streamlit as st

from corpora.errors import CorpusError
from corpora.errors import escape_markdown as md
from corpora.search import rows_key
from pages.cache import cached_occurrences, embed_with_progress, ensure_corpus
from pages.models import get_model, named_model
from pages.widgets import export_buttons, sense_rows
from senses import explore, shift
from senses.view import CORPUS, Spec, ViewConfig

# ---- cached pipeline --------------------------------------------------------------------------------
# Keyed by the Explorer's search (corpus, word, match, limit: the cap per side) and Spec.key.


@st.cache_data(max_entries=16, show_spinner="Searching both sides…")
def cached_pool(corpus: str, word: str, match: str, limit: int, key: tuple) -> shift.Pooled:
    """Both sides' occurrences, evened out (senses.view.Spec.pool); raises CorpusError with the user's message."""
    return Spec(*key).pool(corpus, word, match, limit, cached_occurrences)  # Spec.key's order


@st.cache_data(max_entries=8, show_spinner=False)
def cached_pool_embeddings(corpus: str, word: str, match: str, limit: int, key: tuple, model_name: str,
                           rows: str):
    """(layers, substitutes) of the pooled occurrences: one biLM pass, with a progress bar."""
    pooled = cached_pool(corpus, word, match, limit, key)
    if rows_key(pooled.frame) != rows:
        raise RuntimeError("the occurrences changed while they were embedded; please run again")
    return embed_with_progress(model_name, pooled.frame, f"Embedding {len(pooled.frame)} sentences of both sides…")


@st.cache_data(max_entries=16, show_spinner="Clustering both sides together…")
def cached_compare(corpus: str, word: str, match: str, limit: int, key: tuple, model_name: str, layer,
                   weights: tuple[float, ...], method: str, k: int | None, representation: str):
    """(analysis, cluster names, senses.shift.Shift) of the pooled occurrences, named as on the Explorer."""
    pooled = cached_pool(corpus, word, match, limit, key)
    layers, subs = cached_pool_embeddings(corpus, word, match, limit, key, model_name, rows_key(pooled.frame))
    return shift.analyse_pooled(pooled, layers, subs, named_model(model_name), word, layer=layer, weights=list(weights),
                                method=method, k=k, representation=representation)


# ---- the compare view ---------------------------------------------------------------------------------

def render(p: str, view: ViewConfig) -> None:
    """The compare view of an Explorer view (view.compare set)."""
    spec = view.compare
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
        a, names, result = cached_compare(*search, spec.key, view.model, view.layer, view.weights, view.projection,
                                          view.k, view.representation)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Embedding or clustering failed: {md(e)}")
        return
    a.frame["cluster_name"] = [explore.cluster_label(c, names) for c in a.frame["cluster"]]
    _caption(a)
    _plot(p, a, names, view.word)
    _shares(p, result, view.word)
    _sense_tables(p, a, names, pooled.sides)
    export_buttons(f"{p}_cmp", lambda: shift.export_frame(a, names, view.query_string()), f"{view.word}_compared")
    st.caption("The export has a side column; the address bar holds this comparison: copy the link to share it.")


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
            sense_rows(table, f"{p}_cmp_more_{c}", f"{p}_cmp_kwic_{c}")
