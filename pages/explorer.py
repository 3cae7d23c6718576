"""Sense explorer page: every occurrence of a word as a point, coloured by sense cluster.

Thin: widgets and layout only; the work is in pages.cache (cached pipeline), senses.explore and
senses.metadata. Widget keys start with "ex_". The view (corpus, word, match, limit, layer, mix
weights, k, projection, colour) and the cluster names typed for it ("names=1:river,2:money") live in the
URL's query parameters, so a link reproduces it.

Speed: the plot is drawn as soon as the clusters exist; the cluster names are computed after it, in
a fragment, and the page then redraws with them. The plot and each sense's table are fragments, so
selecting points or showing more rows reruns only that part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import streamlit as st

from corpora.builtin import DEFAULT_CORPUS, missing_builtins, missing_note
from corpora.errors import escape_markdown as md
from corpora.search import SAMPLE_LIMIT
from corpora.text import tokenize
from pages import compare
from pages.cache import (
    cached_analysis,
    cached_embeddings,
    cached_occurrences,
    cached_placement,
    ensure_corpus,
    frequent_words,
    index_finished,
    known_names,
    name_view,
)
from pages.models import get_model, model_select
from pages.store import corpus_names, index_in_background
from pages.widgets import export_buttons, kwic_columns, warm_umap
from senses import explore, measured, metadata, represent
from senses.cluster import OVER_K, PROJECTIONS
from senses.measured import number_text

# gold words the default corpus uses in two senses and the default view separates best (senses.measured)
EXAMPLES = measured.example_words()
DEFAULT_WORD = EXAMPLES[0]
# representations offered on the page (senses.represent.REPRESENTATIONS; the benchmark compares them all)
REPRESENTATIONS = (explore.DEFAULT_REPRESENTATION, represent.SUBSTITUTES_CONTEXT_VECTORS,
                   represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED, represent.LAYERS)
MATCHES = ("lemma", "form")
K_CHOICES = ("auto", 1, 2, 3, 4, 5, 6, 7, 8)
TABLE_ROWS = 20  # rows per sense shown before "show all"
N_WEIGHTS = 3


def _weights(v: str) -> tuple[float, ...] | None:
    """N_WEIGHTS finite numbers, each clamped to -3..3 and rounded to the sliders' 0.25 steps; else None."""
    w = [float(x) for x in v.split(",")]
    if len(w) != N_WEIGHTS or not all(math.isfinite(x) for x in w):
        return None
    return tuple(round(max(-3.0, min(3.0, x)) * 4) / 4 for x in w)


# query parameter -> parser (None: ignore the parameter)
_QUERY = {
    "corpus": str,
    "word": str,
    "match": lambda v: v if v in MATCHES else None,
    "limit": lambda v: max(1, min(5000, int(v))),
    "layer": lambda v: explore.MIX if v in ("mix", "scalar mix") else int(v) if v in ("0", "1", "2") else None,
    "k": lambda v: "auto" if v == "auto" else int(v) if v.isdigit() and 1 <= int(v) <= 8 else None,
    "proj": lambda v: v if v in PROJECTIONS else None,
    "color": str,  # checked against the frame's colour columns once it is loaded
    "w": _weights,
    "rep": lambda v: v if v in REPRESENTATIONS else None,
}
# what a valid value of each parameter is, for the line naming the ignored ones
_EXPECTED = {"match": "lemma or form", "limit": "a whole number",
             "layer": "0, 1, 2 or mix", "k": "auto or 1 to 8", "proj": " or ".join(PROJECTIONS),
             "w": f"{N_WEIGHTS} finite numbers", "rep": " or ".join(REPRESENTATIONS)}
_DEFAULTS = {"corpus": DEFAULT_CORPUS, "word": DEFAULT_WORD, "match": "lemma", "limit": SAMPLE_LIMIT,
             "layer": explore.MIX, "k": "auto", "proj": "PCA", "color": "cluster", "w": (0.0,) * N_WEIGHTS,
             "rep": explore.DEFAULT_REPRESENTATION}
_QUERY.update(compare.QUERY)  # "Compare with": another corpus or a split of this one
_DEFAULTS.update(compare.DEFAULTS)


@dataclass(frozen=True)
class View:
    corpus: str
    word: str
    match: str
    limit: int
    model: str | None
    layer: int | str
    weights: tuple[float, ...]
    proj: str
    k_choice: int | str
    representation: str = explore.DEFAULT_REPRESENTATION
    compare: compare.Spec | None = None  # what the word is compared with (None: nothing)

    @property
    def search(self) -> tuple:
        return self.corpus, self.word, self.match, self.limit

    @property
    def k(self) -> int | None:
        return None if self.k_choice == "auto" else int(self.k_choice)

    @property
    def analysis(self) -> tuple:
        """cached_analysis / cached_names arguments."""
        return *self.search, self.model, self.layer, self.weights, self.proj, self.k, self.representation


# ---- state and URL ---------------------------------------------------------------------------------

def _init_state(p: str) -> None:
    """Widget defaults: the URL's query parameters first (a shared link), else the built-in defaults."""
    for name, default in _DEFAULTS.items():
        keys = [f"{p}_w{i}" for i in range(N_WEIGHTS)] if name == "w" else [f"{p}_{name}"]
        if all(k in st.session_state for k in keys):
            continue
        value = default
        if name in st.query_params:
            try:
                parsed = _QUERY[name](st.query_params[name])
            except (TypeError, ValueError, OverflowError):
                parsed = None
            value = default if parsed is None else parsed
            if parsed is None:  # said on the page (_ignored_note) while the default is in use
                st.session_state.setdefault(f"{p}_ignored", {})[name] = (st.query_params[name], default)
        for i, k in enumerate(keys):
            st.session_state[k] = value[i] if name == "w" else value
    if f"{p}_link_names" not in st.session_state:  # a shared link's cluster names, for the link's own view
        view_keys = [f"{p}_{n}" for n in _DEFAULTS if n not in ("w", "color")] + [f"{p}_w{i}" for i in range(N_WEIGHTS)]
        st.session_state[f"{p}_link_names"] = {"view": {k: st.session_state[k] for k in view_keys},
                                               "names": explore.parse_names_param(st.query_params.get("names"))}


def _sync_query(view: View, color: str | None = None) -> None:
    want = {"corpus": view.corpus, "word": view.word, "match": view.match, "limit": view.limit,
            "layer": view.layer, "k": view.k_choice, "proj": view.proj, "rep": view.representation}
    if view.layer == explore.MIX:
        want["w"] = ",".join(f"{w:g}" for w in view.weights)
    if color is not None:
        want["color"] = color
    want = {k: str(v) for k, v in want.items()}
    if {k: st.query_params.get(k) for k in want} != want:
        st.query_params.update(want)
    compare.sync_query(view.compare)


# ---- controls --------------------------------------------------------------------------------------

def _controls(p: str) -> View | None:
    try:
        names = corpus_names()
    except Exception as e:  # the store cannot be opened: say why, never a traceback
        st.error(f"The corpus store could not be opened: {md(e)}")
        return None
    if st.session_state[f"{p}_corpus"] not in names:
        asked = st.session_state[f"{p}_corpus"]
        st.session_state[f"{p}_corpus"] = names[0] if names else DEFAULT_CORPUS
        if asked == st.query_params.get("corpus"):  # a link to a corpus that is not here: said, not hidden
            st.session_state.setdefault(f"{p}_ignored", {})["corpus"] = (asked, st.session_state[f"{p}_corpus"])
    row = st.container(horizontal=True)  # fixed widths that wrap onto a second row in a narrow window
    corpus = row.selectbox("Corpus", names, key=f"{p}_corpus", width=240)
    word = row.text_input("Word", key=f"{p}_word", width=240,
                          help="One word; in lemma mode all its forms are found.").strip()
    match = row.selectbox("Match", MATCHES, key=f"{p}_match", width=120,
                          help="lemma: cell finds cell and cells; form: only the exact form (case-insensitive).")
    limit = int(row.number_input("Show at most", min_value=1, max_value=5000, step=50, key=f"{p}_limit", width=150,
                                 help="Occurrences shown; above this, a reproducible random sample (seed 0)."))
    _builtins_note(names)
    _examples(p, corpus, word)
    cmp = compare.controls(p, corpus, names)
    with st.sidebar:
        st.subheader("View")
        model = model_select("Model", f"{p}_model", help="The active model of every page (also set on the Model page).")
        representation = st.selectbox(
            "Represent occurrences by", REPRESENTATIONS, key=f"{p}_rep", format_func=represent.LABELS.get,
            help="senses (default): the words the language model expects in the word's place (its "
                 "substitutes), the meaning of the context words (Word2Vec) and, more lightly, of the "
                 "neighbouring sentences of the same document (one sense per discourse), so clusters follow "
                 "meaning, not spelling. senses, sentence only: without the neighbouring sentences. "
                 "senses + contextual vectors: also the chosen layer or mix, with each "
                 "spelling's own mean removed. Contextual vectors as they are: the chosen layer or mix "
                 "unchanged (plural and capitalised forms then often get clusters of their own). "
                 "python -m benchmarks.evaluate --induction compares them against hand-labelled senses.")
        uses_layers = explore.uses_layers(representation)
        layer = st.selectbox("Layer", explore.LAYERS, key=f"{p}_layer", format_func=explore.layer_label,
                             disabled=not uses_layers,
                             help="Used by the representations with contextual vectors. "
                                  "0: character CNN (context-free); 1, 2: biLSTM layers; scalar mix: "
                                  "softmax(weights)-weighted sum of all three (elmo.model.ScalarMix, gamma 1).")
        weights = _mix_weights(p) if layer == explore.MIX and uses_layers else ()
        if not uses_layers:
            st.caption("This representation does not use the layer vectors: choose one with contextual "
                       "vectors to use the layer choice.")
        proj = st.selectbox("Projection", PROJECTIONS, key=f"{p}_proj")
        k_choice = st.selectbox("Number of senses (k)", K_CHOICES, key=f"{p}_k",
                                help="auto: over-cluster, fold small clusters into large ones, and keep a split "
                                     "only when it separates the points better than random blobs would.")
    view = View(corpus, word, match, limit, model, layer, weights, proj, k_choice, representation, cmp)
    _sync_query(view)
    return view


def _ignored_note(p: str) -> None:
    """One line naming the address-bar parameters that were not valid, while their replacements are in use."""
    shown = []
    for name, (bad, used) in st.session_state.get(f"{p}_ignored", {}).items():
        keys = [f"{p}_w{i}" for i in range(N_WEIGHTS)] if name == "w" else [f"{p}_{name}"]
        if tuple(st.session_state.get(k) for k in keys) != (tuple(used) if name == "w" else (used,)):
            continue  # changed since: the note no longer applies
        why = "no such corpus" if name == "corpus" else f"expected {_EXPECTED[name]}"
        now = ", ".join(f"{v:g}" for v in used) if name == "w" else explore.layer_label(used) if name == "layer" \
            else used
        shown.append(f"{name}={bad[:30]} ({why}; {now} is used)")
    if shown:
        st.warning(md(f"Ignored in the link: {'; '.join(shown)}."))


def _examples(p: str, corpus: str, word: str) -> None:
    """One-click example words (pills; the current word's is selected): chosen ambiguous words on the default
    corpus (senses.measured), else the corpus's most frequent content words."""
    key = f"{p}_try"

    def pick() -> None:
        if st.session_state[key]:  # a click on the selected pill unselects it: the word stays
            st.session_state[f"{p}_word"] = st.session_state[key]

    words = EXAMPLES if corpus == DEFAULT_CORPUS else tuple(frequent_words(corpus, len(EXAMPLES)))
    if not words:
        return
    st.session_state[key] = word if word in words else None
    st.pills("Try:" if corpus == DEFAULT_CORPUS else "Frequent words:", words, key=key, on_change=pick)


def _builtins_note(names: list[str]) -> None:
    """The built-in corpora this machine lacks (their NLTK data is missing), in grey, and how to get them."""
    missing = [n for n in missing_builtins() if n not in names]
    if missing:
        st.caption(missing_note(missing))


def _mix_weights(p: str) -> tuple[float, ...]:
    """Scalar-mix weights in a form: the clusters are recomputed on "Apply", not on every slider step."""
    with st.form(f"{p}_mix_form", border=False):
        for i in range(N_WEIGHTS):
            st.slider(f"weight of layer {i}", -3.0, 3.0, step=0.25, key=f"{p}_w{i}")
        st.form_submit_button("Apply weights")
    weights = tuple(float(st.session_state[f"{p}_w{i}"]) for i in range(N_WEIGHTS))
    st.caption("Mix after softmax: " + " / ".join(f"{v:.2f}" for v in explore.softmax(weights)))
    return weights


# ---- data ------------------------------------------------------------------------------------------

def _search(view: View):
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


def _analyse(p: str, view: View, occ) -> explore.Analysis | None:
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


def _cluster_names(p: str, view: View, a: explore.Analysis,
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
    view = _controls(p)
    if view is None:
        return
    _ignored_note(p)
    occ = _search(view)
    if occ is None:
        return
    if view.compare is not None:  # both sides in one space instead of the single-corpus view
        compare.render(p, view)
        return
    a = _analyse(p, view, occ)
    if a is None:
        return
    if len(occ) == 1:
        st.info("Only one occurrence: it is shown, but there is nothing to cluster.")
    else:
        _clustering_caption(a)
    rows = occ.attrs["rows"]
    auto, names, rename_keys, saved = _cluster_names(p, view, a, rows)
    a.frame["cluster_name"] = [explore.cluster_label(c, names) for c in a.frame["cluster"]]
    color = _colour_select(p, a.frame)
    _sync_query(view, color)

    plot_area = st.container()
    naming_area = st.container()
    star = _own_sentence(p, a, view, names)
    with plot_area:
        _plot(p, a, color, names, view.word, star, tuple(metadata.hover_columns(a.frame)))
    _sense_tables(p, a, names, auto, rename_keys, saved)
    _least_typical(p, a)
    _exports(p, a, names, view.word)
    if rename_keys and not auto:
        with naming_area:
            _name_clusters(view, rows)


def _colour_select(p: str, frame) -> str:
    options = ["cluster", *metadata.colour_columns(frame)]
    if st.session_state.get(f"{p}_color") not in options:
        gone = str(st.session_state.get(f"{p}_color") or "cluster")
        st.session_state[f"{p}_color"] = "cluster"
        if gone != "cluster":
            st.caption(md(f"Colour {gone[:30]} ignored: not a colour column of this view; coloured by cluster."))
    return st.sidebar.selectbox("Colour by", options, key=f"{p}_color",
                                help=f"Metadata with at most {metadata.MAX_COLOURS} values (or numbers); "
                                     "the others are shown when you hover a point. A metadata colour also "
                                     "shows a table of the senses by its values under the plot.")


@st.fragment
def _name_clusters(view: View, rows: str) -> None:
    """Name the clusters after the plot is on screen, then redraw the page with the names."""
    with st.spinner("Naming the clusters…"):
        try:
            name_view(rows, *view.analysis)
        except (ValueError, RuntimeError, IndexError) as e:
            st.caption(f"The clusters could not be named: {md(e)}")
            return
    st.rerun()


@st.fragment
def _plot(p: str, a: explore.Analysis, color: str, names: dict, word: str, star: dict | None,
          hover: tuple[str, ...]) -> None:
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


def _sense_tables(p: str, a: explore.Analysis, names: dict, auto: dict, rename_keys: dict, saved: dict) -> None:
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
    n = len(table)
    show_all = n > TABLE_ROWS and st.toggle(f"Show all {n}", key=f"{p}_more_{c}")
    table = table.drop(columns="cluster_name", errors="ignore")  # the box says which sense
    st.dataframe(table if show_all else table.head(TABLE_ROWS), hide_index=True, width="stretch",
                 key=f"{p}_kwic_{c}", column_config=kwic_columns(table.columns))


def _clustering_caption(a: explore.Analysis) -> None:
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


def _own_sentence(p: str, a: explore.Analysis, view: View, names: dict) -> dict | None:
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


def _least_typical(p: str, a: explore.Analysis) -> None:
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


def _exports(p: str, a: explore.Analysis, names: dict, word: str) -> None:
    export_buttons(p, lambda: explore.export_frame(a, names), f"{word}_occurrences")
    if a.frame.attrs.get("source") == "scan":
        st.caption("The sent_id column is empty until the search index is ready (the text is read directly now).")
    st.caption("The address bar holds this view (corpus, word, layer, weights, k, colour and the names you typed): "
               "copy the link to share it.")


render()
