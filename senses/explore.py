"""The sense-explorer pipeline behind the app: layer choice, projection, clustering, plot, tables, export.

    occ = corpora.search.occurrences(store, "wiki", "cell", match="lemma", limit=300)
    layers = elmo.embed_targets(list(occ.tokens), list(occ.token_index))   # (n, 3, 2P)
    a = analyse(occ, layers, layer="mix", weights=[0, 0, 0])
    fig = scatter_figure(a, color="cluster", names={0: "biology", 1: "prison"})

Layer choice: 0, 1, 2 pick one biLM layer; "mix" follows elmo.model.ScalarMix: gamma * sum_k
softmax(w)_k * layer_k (equal weights 0, 0, 0 give the plain average of the layers).

Plain functions returning numpy arrays, DataFrames and plotly figures; no streamlit here.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from corpora.search import WIDE_COLUMN
from elmo.mix import MIX, softmax  # noqa: F401  (softmax: the pages' mix-weight display)

from .cluster import MERGE, MIN_GROUP, MIN_SHARE, Clustering, Projection, cluster, normalize, project
from .naming import ClusterName, name_clusters, word_forms
from .represent import LABELS as REPRESENTATION_LABELS
from .represent import (
    LAYER_VECTORS,
    REPRESENTATIONS,
    SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE,
    Build,
    Representer,
    mix_layers,
    occurrence_inputs,
    occurrence_substitutes,
)

DEFAULT_REPRESENTATION = SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE  # chosen by `python -m benchmarks.evaluate --induction`
DEFAULT_AUTO_K = MERGE
MISSING_NOTES = {  # what analyse says when a representation's input is missing
    "substitutes": "no language-model substitutes (none given; the model may have no LM head): context words and "
                   "vectors only",
    "Word2Vec vectors": "no Word2Vec word vectors (senses/static_vectors missing): substitutes only"}
LAYER_CHOICES: tuple[int | str, ...] = (0, 1, 2, MIX)
# columns every occurrence frame has; everything else (genre, year, topic, gold_sense, ...) is metadata
VIEW_COLUMN = "view"  # the export's column holding the view's link query (senses.view.read_view)
BASE_COLUMNS = ("corpus", "doc", "sent_id", "token_index", "left", "keyword", "right", "tokens", "sentence")
PLOT_COLUMNS = ("x", "y", "cluster", "cluster_name", "row")
ODD_ROWS = 10  # occurrences listed as the least typical of their cluster
KWIC_LEFT_CHARS = 60  # left context kept in the tables (its end, next to the keyword)
HOVER_CHARS = 200  # characters of left / right context in the hover
HOVER_LINE = 60  # the hover wraps its lines at about this many characters (fits an 800-px window)
EXAMPLE_CHARS = 60  # characters of left / right context in a cluster's example sentence
NAME_CHARS = 40  # a cluster name typed by the user, at most
NAMES_PARAM_CHARS = 400  # the shared link's cluster names (names_param), at most
MAX_NAMED = 16  # clusters a shared link can name
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173")


def layer_label(layer: int | str) -> str:
    return "scalar mix" if layer == MIX else f"layer {layer}"


def uses_layers(representation: str) -> bool:
    """Whether a representation (senses.represent.REPRESENTATIONS) uses the biLM's layer vectors."""
    return representation not in REPRESENTATIONS or Representer(representation).uses_layers


def representation_label(representation: str, layer: int | str = MIX) -> str:
    """What the pages call a view's representation, with its layer when it uses the layer vectors:
    "substitutes + context vectors + discourse", "contextual vectors (layer 2)"."""
    label = REPRESENTATION_LABELS.get(representation, representation)
    return f"{label} ({layer_label(layer)})" if uses_layers(representation) else label


def meta_columns(frame: pd.DataFrame) -> list[str]:
    """Metadata columns of an occurrence frame that can colour the plot (genre, year, topic, gold_sense...)."""
    return [c for c in frame.columns if c not in BASE_COLUMNS and c not in PLOT_COLUMNS and not c.startswith("_")]


@dataclass
class Analysis:
    frame: pd.DataFrame  # occurrences + x, y, cluster, row
    vectors: np.ndarray  # (n, D) the vectors that were projected and clustered
    projection: Projection
    clustering: Clustering
    layer: int | str = MIX
    representation: str = DEFAULT_REPRESENTATION
    weights: list[float] | None = None
    note: str = ""  # what the analysis had to leave out, for the page to show
    representer: Representer | None = None  # the fitted map from occurrences to `vectors`

    @property
    def k(self) -> int:
        return self.clustering.k

    def centroids(self) -> np.ndarray:
        return self.clustering.centroids(self.vectors) if self.k else np.zeros((0, self.vectors.shape[1]))


def analyse(occ: pd.DataFrame, layers: np.ndarray, layer: int | str = MIX, weights: Sequence[float] | None = None,
            method: str = "PCA", k: int | None = None, seed: int = 0, k_max: int = 8,
            representation: str = DEFAULT_REPRESENTATION, substitutes: Sequence[Sequence[str]] | None = None,
            auto: str = DEFAULT_AUTO_K, catalogue: Mapping[str, Build] | None = None) -> Analysis:
    """Represent the occurrences (senses.represent.Representer), project to 2D and cluster.

    `representation` (senses.represent.REPRESENTATIONS): the default puts the LM's substitutes for the
    word (TF-IDF, LSA) beside its context words through the shipped Word2Vec vectors, so clusters follow
    meaning, not spelling; "layers" is the layer mix as it is. `substitutes`: per occurrence, from
    embed_occurrences (the same biLM pass as the layers); without them the substitutes are left out
    (Analysis.note says so). They are kept
    in the frame's hidden "_substitutes" column and name the clusters. `auto`: the auto-k rule
    (senses.cluster.AUTO_K). `catalogue`: the representations by id (default senses.represent.REPRESENTATIONS;
    the benchmark passes its candidates'). The projection shows exactly the vectors that were clustered.
    One occurrence: a single point, no clustering (k = 1)."""

    if len(occ) != len(layers):
        raise ValueError(f"{len(occ)} occurrences but {len(layers)} vectors")
    rep = Representer(representation, layer, weights, seed, catalogue)
    inputs, missing = occurrence_inputs(
        layers, rep.reads, list(occ["tokens"]) if len(occ) else [],
        [int(i) for i in occ["token_index"]] if len(occ) else [], substitutes,
        list(occ[WIDE_COLUMN]) if WIDE_COLUMN in occ.columns else None)  # the document's nearest sentences
    note = "; ".join(MISSING_NOTES[m] for m in missing)
    substitutes = inputs.substitutes
    x = rep.fit_transform(inputs)
    proj = project(x, method=method, seed=seed)
    if len(x) < 2:
        clus = Clustering(np.zeros(len(x), int), min(1, len(x)), 0.0, {}, k is None)
    else:
        clus = cluster(x, k=k, k_max=k_max, seed=seed, auto=auto)
    frame = occ.reset_index(drop=True).copy()
    frame["x"] = proj.coords[:, 0] if len(frame) else []
    frame["y"] = proj.coords[:, 1] if len(frame) else []
    frame["cluster"] = clus.labels
    frame["row"] = np.arange(len(frame))
    if substitutes is not None:
        frame["_substitutes"] = [list(s) for s in substitutes]
    return Analysis(frame, x, proj, clus, layer, rep.representation_, None if weights is None else list(weights),
                    note, rep)


def embed_occurrences(model, occ: pd.DataFrame, progress=None) -> tuple[np.ndarray, list[list[str]] | None]:
    """One batched biLM pass over the occurrences: (n, L, 2P) target vectors and their substitutes (None
    when the model has no LM head, then only the vectors are computed). progress(done, total)."""

    tokens = [list(t) for t in occ["tokens"]]
    index = [int(i) for i in occ["token_index"]]
    if getattr(model.bilm, "softmax", None) is None or model.vocab is None:
        return model.embed_targets(tokens, index, max_sentences=64, progress=progress), None
    return occurrence_substitutes(model, tokens, index, progress=progress)


# ---- plot ---------------------------------------------------------------------------------------

def _clip_left(s: str, n: int = HOVER_CHARS) -> str:
    s = str(s)
    return s if len(s) <= n else "…" + s[-n:]


def _clip_right(s: str, n: int = HOVER_CHARS) -> str:
    s = str(s)
    return s if len(s) <= n else s[:n] + "…"


def hover_text(left: str, keyword: str, right: str, line: int = HOVER_LINE) -> str:
    """Keyword in context for a plotly hover (up to HOVER_CHARS on each side), wrapped at spaces into lines of
    about `line` characters: every piece HTML-escaped, only our own <b> and <br> kept as markup."""
    words = ([(w, False) for w in _clip_left(left).split()] + [(str(keyword), True)]
             + [(w, False) for w in _clip_right(right).split()])
    lines: list[list[str]] = [[]]
    width = 0
    for w, key in words:
        if lines[-1] and width + 1 + len(w) > line:
            lines.append([])
            width = 0
        lines[-1].append(f"<b>{html.escape(w)}</b>" if key else html.escape(w))
        width += len(w) + (1 if width else 0)
    return "<br>".join(" ".join(ws) for ws in lines)


def names_param(names: dict[int, str], name_chars: int = NAME_CHARS, max_chars: int = NAMES_PARAM_CHARS) -> str:
    """Cluster names as one compact query parameter: "1:river,2:money" (1-based, like the page's "Sense 1").
    Each name is cut to `name_chars` characters (whitespace runs as one space); "%", "," and ":" inside it
    are percent-encoded; names that would take the value past `max_chars` are left out."""
    parts: list[str] = []
    for c in sorted(names):
        name = " ".join(str(names[c]).split())[:name_chars]
        if not name:
            continue
        part = f"{int(c) + 1}:" + name.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        if len(",".join([*parts, part])) > max_chars:
            break
        parts.append(part)
    return ",".join(parts)


def parse_names_param(value: str, name_chars: int = NAME_CHARS, max_clusters: int = MAX_NAMED) -> dict[int, str]:
    """names_param read back: cluster (0-based) -> name. Malformed entries (no number, a number outside
    1..max_clusters, an empty name) are skipped; names are cut to `name_chars` characters."""
    out: dict[int, str] = {}
    for part in str(value or "").split(",")[: 4 * max_clusters]:
        num, sep, name = part.partition(":")
        if not sep or not num.strip().isdigit() or not 1 <= int(num) <= max_clusters:
            continue
        name = " ".join(unquote(name).split())[:name_chars]
        if name:
            out[int(num) - 1] = name
    return out


def cluster_label(c: int, names: dict[int, str] | None) -> str:
    name = (names or {}).get(int(c))
    return f"{int(c) + 1}: {name}" if name else f"sense {int(c) + 1}"


def axis_titles(projection: Projection) -> tuple[str, str]:
    if projection.method == "PCA" and len(projection.explained) >= 2:
        return tuple(f"PC{i + 1} ({v * 100:.1f} % of variance)" for i, v in enumerate(projection.explained[:2]))
    if projection.method == "PCA" and len(projection.explained) == 1:
        return f"PC1 ({projection.explained[0] * 100:.1f} % of variance)", "PC2"
    return f"{projection.method} 1", f"{projection.method} 2"


def scatter_figure(analysis: Analysis, color: str = "cluster", names: dict[int, str] | None = None,
                   word: str = "", star: dict | None = None, height: int = 560) -> go.Figure:
    """Scatter of the occurrences coloured by cluster or by a metadata column.

    Every point carries its row number in `customdata` (read back from a plotly selection with
    `selected_rows`); the hover shows the escaped keyword in context. `star`, when given, is
    {"x", "y", "text"}: your own sentence, drawn as a large star."""
    f = analysis.frame
    hover = [hover_text(a, b, c) for a, b, c in zip(f["left"], f["keyword"], f["right"], strict=True)]
    fig = go.Figure()
    if color == "cluster" or color not in f.columns:
        groups = [(cluster_label(c, names), f.index[f["cluster"] == c]) for c in sorted(f["cluster"].unique())]
        legend_title = "sense cluster"
    else:
        col = f[color]
        if pd.api.types.is_numeric_dtype(col) and col.nunique() > 12:
            fig.add_trace(go.Scattergl(
                x=f["x"], y=f["y"], mode="markers", name=color, customdata=f["row"], hovertext=hover,
                hovertemplate="%{hovertext}<br>" + html.escape(color) + ": %{marker.color}<extra></extra>",
                marker={"color": col, "colorscale": "Viridis", "showscale": True, "size": 8,
                        "colorbar": {"title": {"text": html.escape(color)}}}))
            groups = []
        else:
            values = col.astype("string").fillna("(none)")
            groups = [(str(v), f.index[values == v]) for v in sorted(values.unique())]
        legend_title = color
    for i, (label, idx) in enumerate(groups):
        fig.add_trace(go.Scattergl(
            x=f.loc[idx, "x"], y=f.loc[idx, "y"], mode="markers", name=html.escape(label),
            customdata=f.loc[idx, "row"], hovertext=[hover[j] for j in idx],
            hovertemplate="%{hovertext}<extra>" + html.escape(label[:40]) + "</extra>",
            marker={"size": 8, "color": PALETTE[i % len(PALETTE)], "opacity": 0.85,
                    "line": {"width": 0.5, "color": "white"}}))
    if star is not None:
        fig.add_trace(go.Scatter(
            x=[star["x"]], y=[star["y"]], mode="markers", name="your sentence",
            hovertext=[html.escape(str(star.get("text", "")))], hovertemplate="%{hovertext}<extra>your sentence</extra>",
            marker={"symbol": "star", "size": 22, "color": "gold", "line": {"width": 1.5, "color": "black"}}))
    xt, yt = axis_titles(analysis.projection)
    shown = representation_label(analysis.representation, analysis.layer)
    title = f"“{html.escape(word)}”: {len(f)} occurrences, {html.escape(shown)}, {analysis.projection.method}"
    fig.update_layout(
        title={"text": title}, xaxis_title=xt, yaxis_title=yt, legend_title_text=html.escape(legend_title),
        height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10}, dragmode="lasso", hovermode="closest",
        hoverlabel={"align": "left"},
        # below the plot: long cluster names neither squeeze the plot nor get cut in a narrow window
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "xanchor": "left", "x": 0},
        uirevision=f"{word}|{analysis.projection.method}")
    return fig


def selected_rows(analysis: Analysis, points: Sequence[dict]) -> pd.DataFrame:
    """Occurrences behind the points of a plotly selection (points without our row id are ignored)."""
    rows = []
    for p in points or []:
        cd = p.get("customdata")
        if isinstance(cd, list | tuple):
            cd = cd[0] if cd else None
        if cd is None:
            continue
        try:
            rows.append(int(cd))
        except (TypeError, ValueError):
            continue
    rows = sorted({r for r in rows if 0 <= r < len(analysis.frame)})
    return kwic(analysis.frame.iloc[rows])


def kwic(frame: pd.DataFrame, extra: Sequence[str] = (), left_chars: int | None = KWIC_LEFT_CHARS) -> pd.DataFrame:
    """Keyword-in-context table: left, keyword, right (+ cluster and metadata columns when present). A long
    left context keeps its last `left_chars` characters ("…" before them), so the words next to the keyword
    stay in view; None keeps it whole."""
    cols = ["left", "keyword", "right"]
    cols += [c for c in ("cluster_name",) if c in frame.columns]
    cols += [c for c in extra if c in frame.columns and c not in cols]
    out = frame[cols].reset_index(drop=True)
    if left_chars is not None and len(out):
        out["left"] = [_clip_left(s, left_chars) for s in out["left"]]
    return out


def typicality(analysis: Analysis) -> np.ndarray:
    """Per occurrence, the cosine of its clustered vector to its cluster's centroid (1: at the centre)."""
    if not len(analysis.frame):
        return np.zeros(0, np.float32)
    x = normalize(analysis.vectors)
    cent = normalize(analysis.clustering.centroids(analysis.vectors))
    return np.einsum("ij,ij->i", x, cent[analysis.clustering.labels])


def least_typical_rows(fit: np.ndarray, n: int = ODD_ROWS) -> np.ndarray:
    """Rows of the n lowest typicality values (typicality()), least typical first; ties in row order."""
    return np.argsort(fit, kind="stable")[:n]


def least_typical(analysis: Analysis, n: int = ODD_ROWS) -> pd.DataFrame:
    """The n occurrences farthest from their cluster's centre, least typical first: KWIC (+ cluster name when
    the frame has it) and "fit" (typicality). Rare senses and misplaced uses gather here."""
    fit = typicality(analysis)
    order = least_typical_rows(fit, n)
    table = kwic(analysis.frame.iloc[order])
    table.insert(0, "fit", np.round(fit[order], 2))  # first: the KWIC columns are wide
    return table


def typical_rows(analysis: Analysis) -> dict[int, int]:
    """Per cluster, the row of its most typical occurrence (the highest typicality(); ties: the first)."""
    fit = typicality(analysis)
    labels = analysis.clustering.labels
    return {int(c): int(np.flatnonzero(labels == c)[np.argmax(fit[labels == c])]) for c in np.unique(labels)}


def _squeeze(s: str) -> str:
    """Whitespace runs (line breaks too) as one space, a space kept at either end."""
    s = str(s)
    return (" " if s[:1].isspace() else "") + " ".join(s.split()) + (" " if s[-1:].isspace() and s.strip() else "")


def _clip_words_left(s: str, n: int) -> str:
    """The end of s, at most n characters, starting at a word ("…" before it when cut); whitespace squeezed,
    the space before the keyword kept."""
    s = _squeeze(s)
    if len(s.strip()) <= n:
        return s.lstrip()
    cut = s[-n:]
    return "…" + (cut.split(" ", 1)[1] if " " in cut[1:-1] and s[-n - 1] != " " else cut.lstrip())


def _clip_words_right(s: str, n: int) -> str:
    """The start of s, at most n characters, ending at a word ("…" after it when cut); whitespace squeezed,
    the space after the keyword kept."""
    s = _squeeze(s)
    if len(s.strip()) <= n:
        return s.rstrip()
    cut = s[:n]
    return (cut.rsplit(" ", 1)[0] if " " in cut[1:-1] and s[n] != " " else cut.rstrip()) + "…"


def typical_examples(analysis: Analysis, chars: int = EXAMPLE_CHARS) -> dict[int, tuple[str, str, str]]:
    """Per cluster, its most typical occurrence (typical_rows) as a short keyword in context: (left, keyword,
    right) to be joined as they are (left ends with the space before the keyword, if any; right starts with
    the one after it), each side cut to at most `chars` characters at a word boundary ("…" where cut)."""
    f = analysis.frame
    out = {}
    for c, r in typical_rows(analysis).items():
        left, right = _clip_words_left(f["left"].iat[r], chars), _clip_words_right(f["right"].iat[r], chars)
        left += " " if left[-1:].isalnum() else ""  # contexts joined without their spaces (tokens)
        right = (" " if right[:1].isalnum() else "") + right
        out[c] = (left, " ".join(str(f["keyword"].iat[r]).split()), right)
    return out


def name_senses(analysis: Analysis, model=None, word: str | None = None) -> dict[int, ClusterName]:
    """Automatic names of the analysis' clusters (senses.naming.name_clusters, their words counted over each
    cluster's most typical occurrences): what the Explorer shows."""
    return name_clusters(analysis.frame, analysis.clustering.labels, model=model, word=word,
                         typicality=typicality(analysis))


def cluster_tables(analysis: Analysis, names: dict[int, str] | None = None) -> list[tuple[int, str, pd.DataFrame]]:
    """One KWIC table per cluster, largest first: (cluster, label, table)."""
    f = analysis.frame
    meta = meta_columns(f)
    return [(int(c), cluster_label(c, names), kwic(f[f["cluster"] == c], meta))
            for c in sorted(f["cluster"].unique())]


# ---- your own sentence ----------------------------------------------------------------------------

def find_target(tokens: Sequence[str], word: str, match: str = "lemma") -> int | None:
    """Index of the first token that is the word (any inflected form in lemma mode), or None."""
    w = word.strip().lower()
    if not w:
        return None
    if match == "lemma":
        forms = {f.lower() for f in word_forms(w)}  # the corpus search's own lemma rule
    else:
        forms = {w}
    for i, t in enumerate(tokens):
        if t.lower() in forms:
            return i
    return None


def nearest_cluster(vector: np.ndarray, centroids: np.ndarray) -> tuple[int, float]:
    """(cluster, cosine similarity) of the centroid nearest to a vector."""
    if len(centroids) == 0:
        raise ValueError("no clusters to compare with")
    sims = normalize(np.asarray(centroids, np.float32)) @ normalize(np.asarray(vector, np.float32)[None])[0]
    best = int(np.argmax(sims))
    return best, float(sims[best])


def place_sentence(analysis: Analysis, layers: np.ndarray, weights: Sequence[float] | None = None,
                   tokens: Sequence[str] | None = None, index: int | None = None,
                   substitutes: Sequence[str] | None = None) -> dict:
    """Put one embedded sentence ((L, D) layers of its target token) on the analysis' plot.

    The sentence goes through the analysis' own representation: `tokens` and `index` give its context
    words and form, `substitutes` its LM substitutes (place_tokens computes all of it). Without them
    it is placed by its vectors alone (a representation of words only: where the occurrence nearest by
    the layer mix is). Returns {"x", "y"} (None when the projection cannot place new
    points, i.e. UMAP / t-SNE), "cluster" and "similarity" of the nearest cluster centroid (cosine)."""

    layers = np.asarray(layers, np.float32)[None]
    rep = analysis.representer
    words = tokens is not None and index is not None
    if rep is None or rep.representation_ == LAYER_VECTORS:
        v = mix_layers(layers, analysis.layer, weights if weights is not None else analysis.weights)[0]
    elif not words and not rep.uses_layers:  # no words: the nearest occurrence's place
        v = rep.nearest_fitted(layers)[0]
    else:  # a typed sentence: its own words are its discourse
        inputs, _ = occurrence_inputs(layers, rep.reads, [list(tokens)] if words else None, [int(index)] if words else None,
                                      [list(substitutes or [])])
        v = rep.transform(inputs)[0]
    xy = analysis.projection.transform(v[None])
    c, sim = nearest_cluster(v, analysis.centroids())
    out = {"x": None, "y": None, "cluster": c, "similarity": sim}
    if xy is not None:
        out["x"], out["y"] = float(xy[0, 0]), float(xy[0, 1]) if xy.shape[1] > 1 else 0.0
    return out


def place_tokens(analysis: Analysis, model, tokens: Sequence[str], index: int) -> dict:
    """place_sentence for a tokenised sentence: embeds it (and takes its substitutes) in one pass."""
    occ = pd.DataFrame({"tokens": [list(tokens)], "token_index": [int(index)]})
    layers, subs = embed_occurrences(model, occ)
    return place_sentence(analysis, layers[0], None, tokens, index, subs[0] if subs else None)


# ---- export ---------------------------------------------------------------------------------------

def export_frame(analysis: Analysis, names: dict[int, str] | None = None, view: str | None = None) -> pd.DataFrame:
    """Occurrences with coordinates, cluster number (1-based) and cluster name; tokens joined by spaces; the
    view's representation (as the link's rep=), layer (empty when the representation uses no layer vectors)
    and projection; with `view` (senses.view.ViewConfig.query_string()), a "view" column that holds it
    (senses.view.read_view reads it back)."""
    f = analysis.frame.drop(columns=["row", WIDE_COLUMN], errors="ignore").copy()
    f["cluster_name"] = [(names or {}).get(int(c), f"sense {int(c) + 1}") for c in f["cluster"]]
    f["cluster"] = f["cluster"] + 1
    if "tokens" in f.columns:
        f["tokens"] = [" ".join(map(str, t)) for t in f["tokens"]]
    f["representation"] = analysis.representation
    f["layer"] = layer_label(analysis.layer) if uses_layers(analysis.representation) else ""
    f["projection"] = analysis.projection.method
    if view is not None:
        f[VIEW_COLUMN] = view
    return f


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def to_parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    out = frame.copy()
    for c in out.columns:  # mixed-type metadata (e.g. year as int and "") must not break pyarrow
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    out.to_parquet(buf, index=False)
    return buf.getvalue()


def one_sense_reason(c: Clustering) -> str:
    """Why automatic k said one sense, with the closest split and what a random blob reaches for it."""
    if not c.scores:
        return (f"no group of at least {MIN_SHARE:.0%} of the occurrences (and at least {MIN_GROUP}) stands "
                "apart.")
    near = max(c.scores, key=lambda k: c.scores[k] - c.null_scores.get(k, 0.0))
    text = f"no split separates the occurrences clearly (best: k={near}, silhouette {c.scores[near]:.2f}"
    if near in c.null_scores:
        text += f"; one random blob of the same spread cut into {near} reaches {c.null_scores[near]:.2f}"
    return text + ")."


def form_agreement(analysis: Analysis) -> float:
    """ARI of the clusters vs the lower-cased surface forms (bank / banks / Bank): 0 = clusters cut across
    spellings, 1 = one cluster per spelling (what a sense view must avoid)."""
    from sklearn.metrics import adjusted_rand_score

    forms = [str(f).lower() for f in analysis.frame["keyword"]]
    return float(adjusted_rand_score(forms, analysis.clustering.labels))
