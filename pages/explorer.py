"""Sense explorer page: every occurrence of a word as a point, coloured by sense cluster.

Thin: widgets and layout only; the work is in pages.common (cached pipeline) and senses.explore.
Widget keys start with "ex_". The view (corpus, word, match, layer, k, projection) lives in the
URL's query parameters, so a link reproduces it.
"""

from __future__ import annotations

import streamlit as st

from corpora.text import tokenize
from pages.common import (
    DEFAULT_CORPUS,
    cached_analysis,
    cached_embeddings,
    cached_names,
    cached_occurrences,
    corpus_names,
    ensure_corpus,
    get_model,
    model_dirs,
)
from senses import explore
from senses.cluster import PROJECTIONS

DEFAULT_WORD = "cell"
DEFAULT_LIMIT = 300
MATCHES = ("lemma", "form")
K_CHOICES = ("auto", 1, 2, 3, 4, 5, 6, 7, 8)
# query parameter -> (widget key, parser)
_QUERY = {
    "corpus": ("corpus", str),
    "word": ("word", str),
    "match": ("match", lambda v: v if v in MATCHES else None),
    "limit": ("limit", lambda v: max(1, min(5000, int(v)))),
    "layer": ("layer", lambda v: explore.MIX if v in ("mix", "scalar mix") else int(v) if v in ("0", "1", "2") else None),
    "k": ("k", lambda v: "auto" if v == "auto" else int(v) if v.isdigit() and 1 <= int(v) <= 8 else None),
    "proj": ("proj", lambda v: v if v in PROJECTIONS else None),
}
_DEFAULTS = {"corpus": DEFAULT_CORPUS, "word": DEFAULT_WORD, "match": "lemma", "limit": DEFAULT_LIMIT,
             "layer": explore.MIX, "k": "auto", "proj": "PCA", "color": "cluster"}


def _init_state(p: str) -> None:
    """Widget defaults: the URL's query parameters first (a shared link), else the built-in defaults."""
    for name, default in _DEFAULTS.items():
        key = f"{p}_{name}"
        if key in st.session_state:
            continue
        value = default
        if name in _QUERY and name in st.query_params:
            try:
                parsed = _QUERY[name][1](st.query_params[name])
            except (TypeError, ValueError):
                parsed = None
            if parsed is not None:
                value = parsed
        st.session_state[key] = value


def _sync_query(state: dict) -> None:
    want = {k: str(v) for k, v in state.items()}
    if {k: st.query_params.get(k) for k in want} != want:
        st.query_params.update(want)


def render(p: str = "ex") -> None:
    _init_state(p)
    st.title("Sense explorer")
    st.caption("Every occurrence of a word as a point in the space of contextual ELMo vectors; "
               "nearby points use the word in a similar sense.")

    try:
        names = corpus_names()
    except Exception as e:  # the store cannot be opened: say why, never a traceback
        st.error(f"The corpus store could not be opened: {e}")
        return
    if st.session_state[f"{p}_corpus"] not in names:
        st.session_state[f"{p}_corpus"] = names[0] if names else DEFAULT_CORPUS

    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    corpus = c1.selectbox("Corpus", names, key=f"{p}_corpus")
    word = c2.text_input("Word", key=f"{p}_word", help="One word; in lemma mode all its forms are found.").strip()
    match = c3.selectbox("Match", MATCHES, key=f"{p}_match",
                         help="lemma: cell finds cell and cells; form: only the exact form (case-insensitive).")
    limit = int(c4.number_input("Max occurrences", min_value=1, max_value=5000, step=50, key=f"{p}_limit",
                                help="Above this, a reproducible random sample (seed 0) is shown."))

    dirs = model_dirs()
    with st.sidebar:
        st.subheader("View")
        model_name = st.selectbox("Model", list(dirs), key=f"{p}_model") if dirs else None
        layer = st.selectbox("Layer", explore.LAYERS, key=f"{p}_layer", format_func=explore.layer_label,
                             help="0: character CNN (context-free); 1, 2: biLSTM layers; scalar mix: "
                                  "softmax(weights)-weighted sum of all three (elmo.model.ScalarMix, gamma 1).")
        weights: tuple[float, ...] = ()
        if layer == explore.MIX:
            weights = tuple(st.slider(f"weight of layer {i}", -3.0, 3.0, 0.0, 0.25, key=f"{p}_w{i}") for i in range(3))
            w = explore.softmax(weights)
            st.caption("Mix after softmax: " + " / ".join(f"{v:.2f}" for v in w))
        proj = st.selectbox("Projection", PROJECTIONS, key=f"{p}_proj")
        k_choice = st.selectbox("Number of senses (k)", K_CHOICES, key=f"{p}_k",
                                help="auto: silhouette over k = 1..8, with a one-sense rule.")
    k = None if k_choice == "auto" else int(k_choice)
    _sync_query({"corpus": corpus, "word": word, "match": match, "limit": limit,
                 "layer": layer, "k": k_choice, "proj": proj})

    if not word:
        st.info("Type a word to see its occurrences.")
        return
    if len(word.split()) > 1:
        st.warning("Please type a single word.")
        return
    try:
        ensure_corpus(corpus)
    except (OSError, KeyError, ValueError) as e:
        st.error(f"The corpus {corpus} is not available: {e}")
        return

    from corpora.errors import CorpusError

    try:
        occ, total = cached_occurrences(corpus, word, match, limit)
    except CorpusError as e:
        st.error(str(e))
        return
    if len(occ) == 0:
        st.warning(f"No occurrences of “{word}” in {corpus}.")
        return
    if total > len(occ):
        st.info(f"Showing {len(occ):,} of {total:,} occurrences (a reproducible random sample; "
                "raise “Max occurrences” to see more).")
    else:
        st.caption(f"{total:,} occurrence{'s' if total != 1 else ''} of “{word}” in {corpus}.")

    if model_name is None:
        get_model(None)  # shows the "no model" error
        st.dataframe(explore.kwic(occ), hide_index=True, key=f"{p}_occ_nomodel")
        return
    model = get_model(model_name)
    if model is None:
        return
    try:
        cached_embeddings(corpus, word, match, limit, model_name)
        a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, proj, k)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Embedding or clustering failed: {e}")
        return

    if len(occ) == 1:
        st.info("Only one occurrence: it is shown, but there is nothing to cluster.")
        names_auto = {}
    else:
        names_auto = {c: n.label for c, n in cached_names(corpus, word, match, limit, model_name,
                                                           layer, weights, proj, k).items()}
        _clustering_caption(a)

    view = f"{corpus}|{word}|{match}|{limit}|{model_name}|{layer}|{weights}|{proj}|{a.k}"
    renames = st.session_state.setdefault(f"{p}_renames", {}).setdefault(view, {})
    keys = {c: f"{p}_rename_{abs(hash(view))}_{c}" for c in names_auto}
    names = {c: st.session_state.get(keys[c], renames.get(c, names_auto[c])) for c in names_auto}
    a.frame["cluster_name"] = [explore.cluster_label(c, names) for c in a.frame["cluster"]]

    color_options = ["cluster", *explore.meta_columns(occ)]
    if st.session_state.get(f"{p}_color") not in color_options:
        st.session_state[f"{p}_color"] = "cluster"
    color = st.sidebar.selectbox("Colour by", color_options, key=f"{p}_color")

    plot_area = st.container()
    star = _own_sentence(p, a, model, word, match, weights, names)
    with plot_area:
        fig = explore.scatter_figure(a, color=color, names=names, word=word, star=star)
        event = st.plotly_chart(fig, key=f"{p}_plot", on_select="rerun", selection_mode=("points", "box", "lasso"),
                                width="stretch")
        try:
            points = list(event.selection.points) if event else []
        except (AttributeError, KeyError):
            points = []
        if points:
            sel = explore.selected_rows(a, points)
            st.markdown(f"**{len(sel)} selected occurrence{'s' if len(sel) != 1 else ''}**")
            st.dataframe(sel, hide_index=True, width="stretch", key=f"{p}_selected")
        else:
            st.caption("Hover a point to read its context; select points (click, box or lasso) to list them.")

    st.subheader("Occurrences by sense")
    for c, _label, table in explore.cluster_tables(a, names):
        with st.container(border=True):
            left, right = st.columns([1, 2])
            left.markdown(f"**Sense {c + 1}** · {int((a.frame['cluster'] == c).sum())} occurrences")
            if c in keys:
                renames[c] = right.text_input("Name", value=renames.get(c, names_auto[c]), key=keys[c],
                                              label_visibility="collapsed")
            st.dataframe(table, hide_index=True, width="stretch", key=f"{p}_kwic_{c}",
                         column_config={"left": st.column_config.TextColumn(width="large"),
                                        "keyword": st.column_config.TextColumn(width="small"),
                                        "right": st.column_config.TextColumn(width="large")})

    _exports(p, a, names, word)


def _clustering_caption(a: explore.Analysis) -> None:
    c = a.clustering
    tried = ", ".join(f"k={kk}: {s:.2f}" for kk, s in sorted(c.scores.items()))
    if c.auto and c.k == 1:
        st.caption(f"Automatic k = 1: no split separates the occurrences clearly (silhouette {tried or 'n/a'}). "
                   "Set k in the sidebar to force a split.")
    elif c.auto:
        st.caption(f"Automatic k = {c.k}, silhouette {c.silhouette:.2f} (tried {tried}).")
    else:
        st.caption(f"k = {c.k} chosen by you" + (f", silhouette {c.silhouette:.2f}." if c.k > 1 else "."))


def _own_sentence(p: str, a: explore.Analysis, model, word: str, match: str, weights, names) -> dict | None:
    st.subheader("Try your own sentence")
    text = st.text_input("A sentence with the word", key=f"{p}_own",
                         placeholder=f"e.g. The prisoner paced his {word} all night.").strip()
    if not text:
        return None
    tokens = tokenize(text)
    idx = explore.find_target(tokens, word, match)
    if idx is None:
        forms = "any form of " if match == "lemma" else ""
        st.warning(f"Your sentence does not contain {forms}“{word}”: type a sentence with it.")
        return None
    try:
        layers = model.embed_targets([tokens], [idx])[0]
        placed = explore.place_sentence(a, layers, weights)
    except (ValueError, RuntimeError, IndexError) as e:
        st.error(f"Your sentence could not be embedded: {e}")
        return None
    label = explore.cluster_label(placed["cluster"], names)
    st.success(f"Nearest sense: **{label}** (cosine {placed['similarity']:.2f} to its centroid).")
    if placed["x"] is None:
        st.caption(f"{a.projection.method} cannot place new points; switch to PCA to see your sentence as a star.")
        return None
    return {"x": placed["x"], "y": placed["y"], "text": text}


def _exports(p: str, a: explore.Analysis, names: dict, word: str) -> None:
    st.subheader("Export")
    out = explore.export_frame(a, names)
    stem = f"{word}_occurrences"
    c1, c2 = st.columns(2)
    c1.download_button("CSV", explore.to_csv(out), f"{stem}.csv", "text/csv", key=f"{p}_csv")
    try:
        c2.download_button("Parquet", explore.to_parquet(out), f"{stem}.parquet", "application/octet-stream",
                           key=f"{p}_parquet")
    except (ImportError, ValueError) as e:
        c2.caption(f"Parquet export unavailable: {e}")
    st.caption("The address bar holds this view (corpus, word, layer, k): copy the link to share it.")


render()
