"""Sense explorer page: every occurrence of a word as a point, coloured by sense cluster.

Thin: the page's state and flow; its controls are in pages.explorer_controls, its data steps in
pages.explorer_data, its single-corpus view in pages.explorer_view and its compare view in
pages.compare_view; the work is in pages.cache (cached pipeline), senses.explore and senses.metadata.
Widget keys start with "ex_". The view (senses.view.ViewConfig: corpus, word, match, limit, layer, mix
weights, k, projection, representation, comparison), the colour and the cluster names typed for it
("names=1:river,2:money") live in the URL's query parameters, so a link reproduces it.

Speed: the plot is drawn as soon as the clusters exist; the cluster names are computed after it, in
a fragment, and the page then redraws with them. The plot and each sense's table are fragments, so
selecting points or showing more rows reruns only that part.
"""

from __future__ import annotations

import streamlit as st

from corpora.errors import escape_markdown as md
from pages import compare_view, explorer_data, explorer_view
from pages.explorer_controls import colour_select, controls
from pages.widgets import warm_umap
from senses import explore, metadata
from senses.view import COMPARE_PARAMS, DEFAULTS, N_WEIGHTS, ViewConfig, ignored_text, parse_params

# ---- state and URL ---------------------------------------------------------------------------------


def _keys(p: str, name: str) -> list[str]:
    """The widget keys of a link parameter (the mix weights: one slider each)."""
    return [f"{p}_w{i}" for i in range(N_WEIGHTS)] if name == "w" else [f"{p}_{name}"]


def _init_state(p: str) -> None:
    """Widget defaults: the URL's query parameters first (a shared link), else the built-in defaults."""
    values, ignored = parse_params(st.query_params.to_dict())
    for name, value in values.items():
        keys = _keys(p, name)
        if all(k in st.session_state for k in keys):
            continue
        if name in ignored:  # said on the page (_ignored_note) while the default is in use
            st.session_state.setdefault(f"{p}_ignored", {})[name] = ignored[name]
        for i, k in enumerate(keys):
            st.session_state[k] = value[i] if name == "w" else value
    if f"{p}_link_names" not in st.session_state:  # a shared link's cluster names, for the link's own view
        view_keys = [k for n in DEFAULTS if n != "color" for k in _keys(p, n)]
        st.session_state[f"{p}_link_names"] = {"view": {k: st.session_state[k] for k in view_keys},
                                               "names": explore.parse_names_param(st.query_params.get("names"))}


def _sync_query(view: ViewConfig, color: str | None = None) -> None:
    """The view (and the colour, once known) in the address bar; the optional parameters not in use removed."""
    want = view.to_query() | ({"color": color} if color is not None else {})
    for k in ("w", *COMPARE_PARAMS):
        if k not in want and k in st.query_params:
            del st.query_params[k]
    if {k: st.query_params.get(k) for k in want} != want:
        st.query_params.update(want)


def _ignored_note(p: str) -> None:
    """One line naming the address-bar parameters that were not valid, while their replacements are in use."""
    shown = {}
    for name, (bad, used, why) in st.session_state.get(f"{p}_ignored", {}).items():
        if tuple(st.session_state.get(k) for k in _keys(p, name)) == (tuple(used) if name == "w" else (used,)):
            shown[name] = (bad, used, why)  # else changed since: the note no longer applies
    if shown:
        st.warning(md(ignored_text(shown)))


# ---- page ------------------------------------------------------------------------------------------

def render(p: str = "ex") -> None:
    warm_umap(busy=True)  # the background UMAP compilation waits while the page works
    try:
        _page(p)
    finally:
        warm_umap(busy=False)


def _page(p: str) -> None:
    _init_state(p)
    st.title("Sense explorer")
    st.caption("Every occurrence of a word as a point: nearby points use the word in a similar sense, judged by "
               "default by the words our biLM expects in its place and by the meaning of the words around it "
               "(Word2Vec); the sidebar offers the biLM's own vectors too.")
    view = controls(p)
    if view is None:
        return
    _sync_query(view)
    _ignored_note(p)
    occ = explorer_data.search(view)
    if occ is None:
        return
    if view.compare is not None:  # both sides in one space instead of the single-corpus view
        compare_view.render(p, view)
        return
    a = explorer_data.analyse(p, view, occ)
    if a is None:
        return
    if len(occ) == 1:
        st.info("Only one occurrence: it is shown, but there is nothing to cluster.")
    else:
        explorer_view.clustering_caption(a)
    rows = occ.attrs["rows"]
    auto, names, rename_keys, saved = explorer_data.cluster_names(p, view, a, rows)
    a.frame["cluster_name"] = [explore.cluster_label(c, names) for c in a.frame["cluster"]]
    color = colour_select(p, a.frame)
    _sync_query(view, color)

    plot_area = st.container()
    naming_area = st.container()
    star = explorer_view.own_sentence(p, a, view, names)
    with plot_area:
        explorer_view.plot(p, a, color, names, view.word, star, tuple(metadata.hover_columns(a.frame)))
    explorer_view.sense_tables(p, a, names, auto, rename_keys, saved)
    explorer_view.least_typical(p, a)
    explorer_view.exports(p, a, names, view)
    if rename_keys and not auto:
        with naming_area:
            explorer_data.name_clusters(view, rows)


render()
