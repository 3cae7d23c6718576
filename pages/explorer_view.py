"""The Sense explorer's single-corpus view: the plot, the senses' tables, your own sentence, the least typical
uses and the exports.

Thin: layout only; the figures and tables come from senses.explore and senses.metadata. The plot and each
sense's table are fragments, so selecting points or showing more rows reruns only that part.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from corpora.errors import escape_markdown as md
from corpora.text import tokenize
from pages.cache import cached_placement
from pages.widgets import export_buttons, kwic_columns, sense_rows
from senses import explore, measured, metadata
from senses.cluster import OVER_K
from senses.measured import number_text
from senses.view import ViewConfig


@st.fragment
def plot(p: str, a: explore.Analysis, color: str, names: dict, word: str, star: dict | None,
         hover: tuple[str, ...]) -> None:
    """The scatter (coloured by cluster or a metadata column), its table of senses by that column, and the
    occurrences selected on it."""
    frame = a.frame
    if color != "cluster":
        frame = frame.assign(**{color: metadata.colour_values(frame, color)})
    shown = replace(a, frame=frame)  # the same analysis (its representation names the plot), other colours
    fig = metadata.add_hover_fields(explore.scatter_figure(shown, color=color, names=names, word=word, star=star),
                                    frame, list(hover))
    event = st.plotly_chart(fig, key=f"{p}_plot", on_select="rerun", selection_mode=("points", "box", "lasso"),
                            width="stretch")
    try:
        points = list(event.selection.points) if event else []
    except (AttributeError, KeyError):
        points = []
    if color != "cluster":
        table = metadata.sense_table(a.frame, color, names)
        if table is not None:
            st.markdown(f"**Senses by {md(color)}** (occurrences)")
            st.dataframe(table, width="stretch", key=f"{p}_by_meta",  # narrow counts: the table fits
                         column_config={str(v): st.column_config.Column(width="small", help=str(v))
                                        for v in table.columns})
    if points:
        sel = explore.selected_rows(a, points)
        st.markdown(f"**{len(sel)} selected occurrence{'s' if len(sel) != 1 else ''}**")
        st.dataframe(sel, hide_index=True, width="stretch", key=f"{p}_selected",
                     column_config=kwic_columns(sel.columns))
    else:
        st.caption("Hover a point to read its context; select points (click, box or lasso) to list them.")


def sense_tables(p: str, a: explore.Analysis, names: dict, auto: dict, rename_keys: dict, saved: dict) -> None:
    """One box per sense: its name (a box to rename it), its most typical use and its occurrences."""
    st.subheader("Occurrences by sense")
    examples = explore.typical_examples(a) if len(a.frame) > 1 else {}
    for c, _label, table in explore.cluster_tables(a, names):
        with st.container(border=True):
            left, right = st.columns([1, 2])
            left.markdown(f"**Sense {c + 1}{': ' + md(names[c]) if c in names else ''}** · "
                          f"{len(table)} occurrence{'s' if len(table) != 1 else ''}")
            if c in rename_keys:
                typed = right.text_input("Name", key=rename_keys[c], label_visibility="collapsed",
                                         max_chars=explore.NAME_CHARS,
                                         placeholder="type to rename" if c in auto else "naming…")
                saved[c] = typed
            if c in examples:
                before, kw, after = examples[c]
                st.caption(f"Most typical use: {md(before)}**{md(kw)}**{md(after)}")
            _sense_table(p, c, table)


@st.fragment
def _sense_table(p: str, c: int, table) -> None:
    table = table.drop(columns="cluster_name", errors="ignore")  # the box says which sense
    sense_rows(table, f"{p}_more_{c}", f"{p}_kwic_{c}")


def clustering_caption(a: explore.Analysis) -> None:
    """How the clusters were found: the note, the form agreement, the k and its silhouettes."""
    if a.note:
        st.caption(f"Note: {md(a.note)}.")
    c = a.clustering
    if c.k > 1:
        st.caption(f"Clusters vs spellings: form-ARI {number_text(explore.form_agreement(a), 2)} (0: the clusters cut across "
                   "spellings such as bank / banks / Bank; 1: one cluster per spelling).")
    tried = ", ".join(f"k={kk}: {s:.2f}" for kk, s in sorted(c.scores.items()))
    if c.auto and c.k == 1:
        st.caption(f"Automatic k = 1: {explore.one_sense_reason(c)} Set k in the sidebar to force a split.")
    elif c.auto:
        st.caption(f"Automatic k = {c.k}, silhouette {c.silhouette:.2f} (tried {tried}).")
    else:
        st.caption(f"k = {c.k} chosen by you" + (f", silhouette {c.silhouette:.2f}." if c.k > 1 else ".")
                   + " A chosen k cuts the tree of the occurrences' similarities into k groups; automatic k "
                   f"over-clusters into {OVER_K}, folds small groups into large ones and merges the closest, so "
                   "the same k can group some occurrences differently.")


def own_sentence(p: str, a: explore.Analysis, view: ViewConfig, names: dict) -> dict | None:
    """"Try your own sentence": its nearest sense, and its star on the plot ({"x", "y", "text"}) or None."""
    st.subheader("Try your own sentence")
    text = st.text_input("A sentence with the word", key=f"{p}_own",
                         placeholder=f"Type a sentence that uses “{view.word}”").strip()
    if not text:
        return None
    tokens = tokenize(text)
    idx = explore.find_target(tokens, view.word, view.match)
    if idx is None:
        forms = "any form of " if view.match == "lemma" else ""
        st.warning(f"Your sentence does not contain {forms}“{md(view.word)}”: type a sentence with it.")
        return None
    try:
        placed = cached_placement(*view.analysis, tuple(tokens), idx)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Your sentence could not be embedded: {md(e)}")
        return None
    label = explore.cluster_label(placed["cluster"], names)
    st.success(f"Nearest sense: **{md(label)}** (cosine {placed['similarity']:.2f} to its centroid).")
    if placed["x"] is None:
        st.caption(f"{a.projection.method} cannot place new points; switch to PCA to see your sentence as a star.")
        return None
    return {"x": placed["x"], "y": placed["y"], "text": text}


def least_typical(p: str, a: explore.Analysis) -> None:
    """The occurrences farthest from the centre of their cluster (none with few occurrences)."""
    if len(a.frame) <= 2 * explore.ODD_ROWS:  # with few occurrences the sense tables show them all anyway
        return
    st.subheader("Least typical uses")
    st.caption(f"The {explore.ODD_ROWS} occurrences farthest from the centre of their cluster: rare senses and "
               f"uses the clustering placed badly gather here{_misfit_figures()}. fit: cosine to the cluster's "
               "centre.")
    st.dataframe(explore.least_typical(a), hide_index=True, width="stretch", key=f"{p}_odd",
                 column_config=kwic_columns())


def _misfit_figures() -> str:
    """The benchmark's measured share of other-sense occurrences among the least typical uses vs all, as text."""
    shares = measured.misfit_shares()
    if "wiki" not in shares:
        return ""
    (odd, all_), sv = shares["wiki"], shares.get("senseval")
    text = (f" (in the sense-induction benchmark, {odd:.0%} of them are of another sense than most of their "
            f"cluster, against {all_:.0%} of all occurrences, on the hand-labelled words of the default corpus")
    return text + (f"; {sv[0]:.0%} against {sv[1]:.0%} on Senseval)" if sv else ")")


def exports(p: str, a: explore.Analysis, names: dict, view: ViewConfig) -> None:
    """CSV and Parquet of the view's occurrences; their view column holds the view (senses.view.read_view)."""
    export_buttons(p, lambda: explore.export_frame(a, names, view.query_string()), f"{view.word}_occurrences")
    if a.frame.attrs.get("source") == "scan":
        st.caption("The sent_id column is empty until the search index is ready (the text is read directly now).")
    st.caption("The address bar holds this view (corpus, word, layer, weights, k, colour and the names you typed): "
               "copy the link to share it.")
