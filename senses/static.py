"""Static vs contextual vectors of one word: the "average of meanings" against its senses.

* static view: the word's type vector (layer 0, context-independent, the char-CNN output) and its
  nearest neighbours (cosine) among the type vectors of a corpus's frequent words;
* contextual view: the word's occurrence vectors at one layer, clustered exactly as the explorer does
  (senses.explore.mix_layers + senses.cluster.cluster), with per-cluster centroid, name and substitutes
  (senses.naming.name_clusters, i.e. ELMo.cluster_substitutes), nearest words and the cosine distance
  to the static vector; separability (silhouette) of gold / automatic clusters per layer; figures.

Comparing in one space. Layer 0 is the type space, where the static vector is the type vector itself.
Layers 1 and 2 live in another space (the LSTM states), so there the static vector is the word *embedded
alone*, as a one-token sentence: its contextual vector with no context, which is what the model believes
about the word before seeing a sentence, i.e. the "average of meanings". The frequent words are embedded
alone the same way to find the nearest words of each cluster centroid in the contextual space. The mean
contextual vector (the centroid of all occurrences) is reported next to it.

Plain functions returning DataFrames and plotly figures; no streamlit here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .cluster import Clustering, cluster, normalize, project
from .explore import MIX, hover_text, layer_label, mix_layers
from .naming import name_clusters, word_forms

LayerChoice = int | str  # 0, 1, 2 or "mix" (as in senses.explore)
DEFAULT_LAYER: LayerChoice = MIX
N_FREQUENT = 5000
WORDLIKE = re.compile(r"^[A-Za-z][A-Za-z'-]*$")


# ---- vocabularies and vectors --------------------------------------------------------------------


def frequent_words(sentences: Iterable[Sequence[str]], top: int = N_FREQUENT, lower: bool = True) -> list[str]:
    """The `top` most frequent word-like tokens (letters, ' and -) of token lists, most frequent first."""
    counts: Counter[str] = Counter()
    for s in sentences:
        counts.update((w.lower() if lower else w) for w in s if WORDLIKE.match(w))
    return [w for w, _ in counts.most_common(top)]


def vocab_words(model, top: int = N_FREQUENT) -> list[str]:
    """Frequent words of the model's own LM vocabulary (ordered by training frequency); [] without one."""
    if model.vocab is None:
        return []
    return [w for w in model.vocab.words[3:] if WORDLIKE.match(w)][:top]


def type_vector(model, word: str) -> np.ndarray:
    """Layer-0 (type) vector of a word, (P,)."""
    return model.type_vectors([word])[0]


def alone_vectors(model, words: Sequence[str], layer: LayerChoice) -> np.ndarray:
    """Each word embedded alone (a one-token sentence) at `layer`: (n, 2P). Layer 0 = [type, type]."""
    if not words:
        return np.zeros((0, model.dim), np.float32)
    return mix_layers(model.embed_targets([[w] for w in words], [0] * len(words)), layer)


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray | float:
    """1 - cosine similarity, in [0, 2]; a (D,) or (n, D) against b (D,)."""
    na = normalize(np.atleast_2d(a))
    nb = normalize(np.atleast_2d(b))
    d = np.clip(1.0 - na @ nb[0], 0.0, 2.0)
    return float(d[0]) if np.ndim(a) == 1 else d


def neighbours(query: np.ndarray, words: Sequence[str], vectors: np.ndarray, k: int = 10,
               exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Nearest words to `query` by cosine: DataFrame(rank, word, similarity, distance), excluded forms skipped."""
    skip = {w.lower() for w in exclude}
    if len(words) == 0:
        return pd.DataFrame(columns=["rank", "word", "similarity", "distance"])
    sim = normalize(vectors) @ normalize(query[None])[0]
    rows = []
    for i in np.argsort(-sim, kind="stable"):
        if words[i].lower() in skip:
            continue
        rows.append((len(rows) + 1, words[i], float(sim[i]), float(np.clip(1 - sim[i], 0, 2))))
        if len(rows) >= k:
            break
    return pd.DataFrame(rows, columns=["rank", "word", "similarity", "distance"])


def static_neighbours(model, word: str, words: Sequence[str], k: int = 10,
                      vectors: np.ndarray | None = None) -> pd.DataFrame:
    """Nearest neighbours of the word's type vector among the type vectors of `words` (forms of the word skipped)."""
    vecs = model.type_vectors(list(words)) if vectors is None else vectors
    return neighbours(type_vector(model, word), words, vecs, k, exclude=word_forms(word) | {word.lower()})


# ---- static vs contextual ------------------------------------------------------------------------


@dataclass
class Comparison:
    word: str
    layer: LayerChoice
    vectors: np.ndarray  # (n, D) occurrence vectors at `layer`
    clustering: Clustering
    centroids: np.ndarray  # (k, D), of the unit-length vectors
    static: np.ndarray  # (D,) the word alone at `layer` (layer 0: its type vector, duplicated)
    mean: np.ndarray  # (D,) mean contextual vector
    table: pd.DataFrame  # one row per cluster
    static_to_mean: float  # cosine distance
    labels_text: list[str] = field(default_factory=list)  # hover text per occurrence


def compare(model, word: str, sentences: Sequence[Sequence[str]], indices: Sequence[int],
            layer: LayerChoice = DEFAULT_LAYER, k: int | None = None, candidates: Sequence[str] = (),
            candidate_vectors: np.ndarray | None = None, layers: np.ndarray | None = None,
            n_neighbours: int = 5, n_substitutes: int = 5, per_cluster: int = 20, seed: int = 0) -> Comparison:
    """Static vs contextual for one word's occurrences (sentences[i][indices[i]]).

    Same pipeline as the explorer: senses.explore.mix_layers at `layer`, senses.cluster.cluster, and
    senses.naming.name_clusters for the names and the substitutes (ELMo.cluster_substitutes over a
    seeded sample of `per_cluster` occurrences; empty for a model without an LM head).
    layers: (n, L, 2P) from model.embed_targets, when already computed. candidates: words searched for
    the centroids' nearest words, embedded alone at `layer` (pass candidate_vectors to reuse them).
    """
    if len(sentences) == 0:
        raise ValueError(f"no occurrences of {word!r} to compare")
    if layers is None:
        layers = model.embed_targets(sentences, indices)
    x = mix_layers(layers, layer)
    c = cluster(x, k=k, seed=seed) if len(x) > 1 else Clustering(np.zeros(len(x), int), 1, 0.0, {}, k is None)
    cents = c.centroids(x)
    static = alone_vectors(model, [word], layer)[0]
    mean = normalize(x).mean(0)
    if len(candidates) and candidate_vectors is None:
        candidate_vectors = alone_vectors(model, list(candidates), layer)
    frame = pd.DataFrame({"tokens": [list(t) for t in sentences], "token_index": [int(i) for i in indices]})
    names = name_clusters(frame, c.labels, model if n_substitutes else None, word, per_cluster=per_cluster,
                          top=n_substitutes or 5, seed=seed)
    skip = word_forms(word) | {word.lower()}
    rows = []
    for j in range(c.k):
        nm = names.get(j)
        near = (neighbours(cents[j], list(candidates), candidate_vectors, n_neighbours, exclude=skip)["word"].tolist()
                if len(candidates) else [])
        rows.append({
            "cluster": j + 1,
            "name": nm.label if nm else f"sense {j + 1}",
            "size": int((c.labels == j).sum()),
            "share": float((c.labels == j).mean()),
            "substitutes": ", ".join(nm.substitutes if nm else []),
            "nearest words": ", ".join(near),
            "distance to static": cosine_distance(cents[j], static),
            "distance to mean": cosine_distance(cents[j], mean),
        })
    table = pd.DataFrame(rows, columns=["cluster", "name", "size", "share", "substitutes", "nearest words",
                                        "distance to static", "distance to mean"])
    text = [_snippet(s, i) for s, i in zip(sentences, indices, strict=True)]
    return Comparison(word, layer, x, c, cents, static, mean, table, cosine_distance(mean, static), text)


def _snippet(tokens: Sequence[str], index: int, width: int = 10) -> str:
    left = " ".join(tokens[max(0, index - width) : index])
    right = " ".join(tokens[index + 1 : index + 1 + width])
    return hover_text(left, tokens[index], right)


def separability(layers: np.ndarray, gold: Sequence[str] | None = None, k: int | None = None,
                 seed: int = 0) -> pd.DataFrame:
    """Silhouette (cosine) per layer of the gold senses (when given) and of the automatic clusters.

    Columns: layer, silhouette_gold, k_auto, silhouette_auto. Higher = senses better separated.
    Layer 0 is context-free: all occurrences of one form share a vector, so it cannot separate senses.
    """
    from sklearn.metrics import silhouette_score

    rows = []
    g = None if gold is None else np.asarray(gold)
    for layer in [*range(layers.shape[1]), MIX]:
        x = normalize(mix_layers(layers, layer))
        sg = np.nan
        if g is not None and 1 < len(np.unique(g)) < len(x):
            sg = float(silhouette_score(x, g, metric="cosine", sample_size=min(len(x), 3000), random_state=seed))
        c = cluster(x, k=k, seed=seed)
        rows.append({"layer": layer_label(layer), "silhouette_gold": sg, "k_auto": c.k,
                     "silhouette_auto": c.silhouette})
    return pd.DataFrame(rows, columns=["layer", "silhouette_gold", "k_auto", "silhouette_auto"])


# ---- figures -------------------------------------------------------------------------------------

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


def contextual_figure(comp: Comparison) -> go.Figure:
    """Occurrences, cluster centroids, the static vector and the mean vector in one PCA space."""
    proj = project(comp.vectors, "PCA")
    fig = go.Figure()
    names = comp.table["name"].tolist()
    for j in range(comp.clustering.k):
        m = comp.clustering.labels == j
        fig.add_trace(go.Scatter(
            x=proj.coords[m, 0], y=proj.coords[m, 1], mode="markers", name=f"{j + 1}: {names[j]}",
            marker={"size": 7, "opacity": 0.6, "color": PALETTE[j % len(PALETTE)]},
            text=[t for t, keep in zip(comp.labels_text, m, strict=True) if keep], hoverinfo="text"))
    extra = [
        (comp.centroids, "centroids", "diamond", 14, [f"centroid {j + 1}: {n}" for j, n in enumerate(names)]),
        (comp.static[None], f"static: '{comp.word}' alone (average of meanings)", "star", 20,
         [f"{comp.word} embedded alone"]),
        (comp.mean[None], "mean contextual vector", "x", 14, ["mean of all occurrences"]),
    ]
    for vecs, label, symbol, size, text in extra:
        xy = proj.transform(vecs)
        if xy is None or xy.shape[1] < 2:
            continue
        color = ([PALETTE[j % len(PALETTE)] for j in range(len(vecs))] if symbol == "diamond" else "black")
        fig.add_trace(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers", name=label, text=text, hoverinfo="text",
                                 marker={"symbol": symbol, "size": size, "color": color,
                                         "line": {"width": 1.5, "color": "black"}}))
    ev = proj.explained
    fig.update_layout(
        title=f"'{comp.word}' in context ({layer_label(comp.layer)}), PCA",
        xaxis_title=f"PC1 ({ev[0]:.0%})" if ev else "PC1", yaxis_title=f"PC2 ({ev[1]:.0%})" if len(ev) > 1 else "PC2",
        legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=480)
    return fig


def static_figure(word: str, words: Sequence[str], vectors: np.ndarray, query: np.ndarray,
                  highlight: Sequence[str] = ()) -> go.Figure:
    """PCA of the type vectors of frequent words (grey), the word (star) and its neighbours (labelled)."""
    allv = np.vstack([vectors, query[None]]) if len(vectors) else query[None]
    proj = project(allv, "PCA")
    xy, q = proj.coords[:-1], proj.coords[-1]
    hl = {w for w in highlight}
    is_hl = np.array([w in hl for w in words], dtype=bool) if len(words) else np.zeros(0, bool)
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=xy[~is_hl, 0], y=xy[~is_hl, 1], mode="markers", name="frequent words",
                             text=[w for w, h in zip(words, is_hl, strict=True) if not h], hoverinfo="text",
                             marker={"size": 4, "color": "lightgrey"}))
    if is_hl.any():
        fig.add_trace(go.Scatter(x=xy[is_hl, 0], y=xy[is_hl, 1], mode="markers+text", name="nearest neighbours",
                                 text=[w for w, h in zip(words, is_hl, strict=True) if h], textposition="top center",
                                 marker={"size": 8, "color": "#1f77b4"}))
    fig.add_trace(go.Scatter(x=[q[0]], y=[q[1]], mode="markers+text", name=word, text=[word],
                             textposition="bottom center", marker={"symbol": "star", "size": 18, "color": "#d62728"}))
    fig.update_layout(title=f"Static (layer 0) space: '{word}' among {len(words)} frequent words, PCA",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=420, legend={"orientation": "h", "y": -0.15})
    return fig


def substitutes_table(subs) -> pd.DataFrame:
    """Substitutes (ELMo.substitutes) as probabilities: forward LM, backward LM, combined (renormalised)."""
    if not subs:
        return pd.DataFrame(columns=["word", "forward", "backward", "combined"])
    df = pd.DataFrame({"word": [s.word for s in subs], "forward": [np.exp(s.forward) for s in subs],
                       "backward": [np.exp(s.backward) for s in subs], "score": [s.score for s in subs]})
    # combined: product of experts p_f * p_b, renormalised over the shown words
    w = np.exp(df["score"] - df["score"].max())
    df["combined"] = w / w.sum()
    return df.drop(columns="score")


def substitutes_figure(df: pd.DataFrame, title: str = "Substitutes") -> go.Figure:
    fig = go.Figure()
    for col, color in (("forward", "#1f77b4"), ("backward", "#ff7f0e"), ("combined", "#2ca02c")):
        fig.add_trace(go.Bar(y=df["word"], x=df[col], name=col, orientation="h", marker_color=color))
    fig.update_layout(title=title, barmode="group", yaxis={"autorange": "reversed"}, xaxis_title="probability",
                      height=max(300, 40 * len(df) + 120), margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig
