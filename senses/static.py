"""Static vs contextual vectors of one word: one vector per word type against its senses in context.

* static views: a real static embedding (Word2Vec trained on the biLM's training text, senses.baselines)
  and the biLM's layer 0 (the character CNN: spelling-based and context-free, so its neighbours are words
  spelled alike), each with the word's nearest neighbours (cosine);
* contextual view: the word's occurrence vectors at one layer, projected and clustered by the Explorer's own
  function, senses.explore.analyse, as the Sense explorer shows them with "contextual vectors" chosen
  (the layer as it is, automatic k by its "merge small" rule; its default view clusters the LM's
  substitutes and the context's Word2Vec meaning instead), with per-cluster centroid, name and substitutes
  (senses.naming.name_clusters, i.e. ELMo.cluster_substitutes), nearest words and the cosine distances
  to the word alone and to the average of meanings; separability (silhouette) per layer; figures.

Two single vectors live in the contextual space: the word *embedded alone* (a one-token sentence: what
the model believes about it before seeing any context), and the *average of meanings*, its mean
contextual vector over its occurrences in a corpus (senses.baselines.average_of_meanings).

Also the page's routing: where occurrences come from (Senseval, a corpus of the store, typed text), which
frequent words are searched for neighbours, and example sentences for the substitutes.

Plain functions returning DataFrames and plotly figures; no streamlit here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from corpora.builtin import DEFAULT_CORPUS
from corpora.search import SAMPLE_LIMIT
from corpora.senseval import WORDS as SENSEVAL_WORDS
from corpora.senseval import load_senseval

from .accuracy import accuracy_table, feature_sets
from .baselines import StaticVectors, average_of_meanings, embedding_neighbours, find_occurrences, neighbours
from .cluster import Clustering, cluster, normalize, project
from .explore import DEFAULT_AUTO_K, MIX, PALETTE, analyse, hover_text, layer_label, mix_layers
from .naming import name_clusters, word_forms
from .represent import LAYER_VECTORS

LayerChoice = int | str  # 0, 1, 2 or "mix" (as in senses.explore)
DEFAULT_LAYER: LayerChoice = MIX
N_FREQUENT = 5000
WORDLIKE = re.compile(r"^[A-Za-z][A-Za-z'-]*$")


SENSEVAL = "NLTK senseval: hard/interest/line/serve (gold senses)"
OWN_TEXT = "Your own text"
EXAMPLES = {
    "line": "Please wait in line until the phone line is free .",
    "interest": "The bank raised the interest on my loan .",
    "hard": "It was a hard decision to make .",
    "serve": "They serve dinner at eight .",
}


# ---- where the occurrences come from -------------------------------------------------------------


@dataclass
class Occurrences:
    tokens: list[list[str]]
    index: list[int]
    gold: list[str] | None = None  # gold senses, when the source has them
    total: int = 0  # occurrences in the source (before `limit` cut them)

    def __len__(self) -> int:
        return len(self.tokens)


def sources(corpus_names: Sequence[str], senseval: bool) -> list[str]:
    """The choices of the page's "Occurrences from": Senseval (when its data is there), the store's corpora,
    typed text."""
    return [*([SENSEVAL] if senseval else []), *corpus_names, OWN_TEXT]


def is_store_corpus(source: str) -> bool:
    """True for a corpus of the store (not Senseval's files, not typed text)."""
    return source not in (SENSEVAL, OWN_TEXT)


def averages_shown(occ: Occurrences, cap: int = SAMPLE_LIMIT) -> bool:
    """Whether the average of meanings is the mean of the shown occurrences: they are all of the word's
    occurrences, or at least `cap` of them (a seeded sample); else a sample of `cap` is averaged."""
    return len(occ) >= min(occ.total, cap)


def source_word(source: str, word: str) -> str:
    """The word as the source is searched for (Senseval's files are lower-case)."""
    return word.lower() if source == SENSEVAL else word


def shown_source(source: str, word: str) -> tuple[str, str, bool]:
    """(source, word as it is searched, moved): a word Senseval has no gold senses for is shown in the
    default corpus instead (moved is True), not as an error."""
    moved = source == SENSEVAL and word.lower() not in SENSEVAL_WORDS
    if moved:
        source = DEFAULT_CORPUS
    return source, source_word(source, word), moved


def typed_words(*typed: str) -> tuple[list[str], list[str]]:
    """(the words typed, blanks left out; those of them that are not single words)."""
    words = [w for w in typed if w]
    return words, [w for w in words if len(w.split()) > 1]


def text_occurrences(text: str, word: str) -> Occurrences:
    """Every occurrence (any inflected form) of `word` in typed text."""
    from corpora.text import split_sentences

    tokens = [s.tokens for s in split_sentences(text)] if text.strip() else []
    sent, idx = find_occurrences(tokens, word_forms(word) | {word.lower()})
    return Occurrences([tokens[n] for n in sent], idx, None, len(idx))


def source_occurrences(source: str, word: str, limit: int, text: str = "",
                       search: Callable[[str, str, int], pd.DataFrame] | None = None) -> Occurrences:
    """Up to `limit` occurrences of `word` in a source: Senseval (a stratified sample, gold senses), typed
    `text`, or a corpus of the store through `search(corpus, word, limit)` (an occurrence DataFrame as
    corpora.search.occurrences gives; a seeded sample). Raises corpora.errors.CorpusError (word not found),
    ValueError (a word Senseval does not cover), OSError (unreadable files)."""
    if source == SENSEVAL:
        if word.lower() not in SENSEVAL_WORDS:
            raise ValueError(f"The senseval corpus has gold senses only for {', '.join(SENSEVAL_WORDS)}; pick "
                             f"another source for “{word}”.")
        sample = load_senseval(word.lower(), limit)
        return Occurrences(sample.tokens, sample.index, list(sample.senses), sample.total)  # total: one read
    if source == OWN_TEXT:
        occ = text_occurrences(text, word)
        return Occurrences(occ.tokens[:limit], occ.index[:limit], None, len(occ))
    if search is None:
        raise ValueError(f"no search for the corpus {source}")
    occ = search(source, word, limit)
    gold = None
    if "gold_sense" in occ.columns and len(occ) and (occ["gold_sense"] != "").all():
        gold = occ["gold_sense"].tolist()  # a Senseval corpus of the store: gold senses per occurrence
    return Occurrences([list(t) for t in occ["tokens"]], [int(i) for i in occ["token_index"]], gold,
                       int(occ.attrs.get("total", len(occ))))


def candidate_words(model, sentences: Iterable[Sequence[str]], n: int, corpus_words: Sequence[str] = ()) -> list[str]:
    """Words searched for neighbours: the corpus's frequent words (`corpus_words`, store corpora) or else
    the frequent words of the occurrences' sentences, topped up from the model's vocabulary when fewer
    than min(n, 1000)."""
    words = [w for w in corpus_words if WORDLIKE.match(w)][:n] or frequent_sentence_words(sentences, n)
    if len(words) < min(n, 1000):
        seen = set(words)
        words += [w for w in vocab_words(model, n) if w not in seen][: n - len(words)]
    return words


def source_candidates(model, occ: Occurrences, source: str, corpus_words: Callable[[str], Sequence[str]],
                      n: int = N_FREQUENT) -> list[str]:
    """candidate_words for the occurrences of a source: a store corpus's frequent words from
    `corpus_words(corpus)` (the sentences' words when it fails), else the sentences' words."""
    words: Sequence[str] = []
    if is_store_corpus(source):
        try:
            words = corpus_words(source)
        except Exception:  # noqa: BLE001 - an unreadable store: fall back to the sentences
            words = []
    return candidate_words(model, occ.tokens, n, words)


def meaning_average(model, occ: Occurrences, layers: np.ndarray,
                    sample: Callable[[], Occurrences]) -> tuple[np.ndarray, int]:
    """(average of meanings (L, 2P), occurrences averaged): the mean of `layers` (the shown occurrences'
    vectors) when they hold all of the word's occurrences (or more than SAMPLE_LIMIT), else
    average_of_meanings over `sample()`, a seeded sample of SAMPLE_LIMIT occurrences of the source."""
    if averages_shown(occ):
        return layers.mean(0), len(layers)
    more = sample()
    return average_of_meanings(model, more.tokens, more.index)


def example_sentence(word: str, sentences: Sequence[Sequence[str]] = (), max_tokens: int = 25) -> str:
    """A sentence using `word` for the substitutes: a fixed example for the Senseval words, else the
    shortest of `sentences` (real occurrences of the word) with 5 to `max_tokens` tokens, else a sentence
    that mentions it (grammatical for any word, "the" included)."""
    w = word.strip()
    if w.lower() in EXAMPLES:
        return EXAMPLES[w.lower()]
    fits = [s for s in sentences if 5 <= len(s) <= max_tokens]
    if fits:
        return " ".join(min(fits, key=len))
    return f'This sentence uses the word "{w}" .'


# ---- vocabularies and vectors --------------------------------------------------------------------


def frequent_sentence_words(sentences: Iterable[Sequence[str]], top: int = N_FREQUENT, lower: bool = True) -> list[str]:
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


def static_neighbours(model, word: str, words: Sequence[str], k: int = 10,
                      vectors: np.ndarray | None = None) -> pd.DataFrame:
    """Nearest neighbours of the word's layer-0 (char-CNN) vector among those of `words` (its forms skipped)."""
    vecs = model.type_vectors(list(words)) if vectors is None else vectors
    return neighbours(type_vector(model, word), words, vecs, k, exclude=word_forms(word) | {word.lower()})


# ---- static vs contextual ------------------------------------------------------------------------


TABLE_COLUMNS = ["cluster", "name", "size", "share", "substitutes", "nearest words", "distance to alone",
                 "distance to average"]


@dataclass
class Comparison:
    word: str
    layer: LayerChoice
    vectors: np.ndarray  # (n, D) occurrence vectors at `layer`
    clustering: Clustering
    centroids: np.ndarray  # (k, D), of the unit-length vectors
    alone: np.ndarray  # (D,) the word alone at `layer` (layer 0: its type vector, duplicated)
    average: np.ndarray  # (D,) the average of meanings: mean contextual vector over its occurrences
    n_average: int  # occurrences averaged
    table: pd.DataFrame  # one row per cluster
    alone_to_average: float  # cosine distance
    labels_text: list[str] = field(default_factory=list)  # hover text per occurrence


def compare(model, word: str, sentences: Sequence[Sequence[str]], indices: Sequence[int],
            layer: LayerChoice = DEFAULT_LAYER, k: int | None = None, candidates: Sequence[str] = (),
            candidate_vectors: np.ndarray | None = None, layers: np.ndarray | None = None,
            n_neighbours: int = 5, n_substitutes: int = 5, per_cluster: int = 20, seed: int = 0,
            average: np.ndarray | None = None, n_average: int = 0) -> Comparison:
    """Static vs contextual for one word's occurrences (sentences[i][indices[i]]).

    The clusters are senses.explore.analyse's with the "layers" representation (the Sense explorer's
    "contextual vectors" at `layer`, its automatic-k rule), named by senses.naming.name_clusters (the
    substitutes: ELMo.cluster_substitutes over a seeded sample of `per_cluster` occurrences; empty for a
    model without an LM head).
    layers: (n, L, 2P) from model.embed_targets, when already computed. candidates: words searched for
    the centroids' nearest words, embedded alone at `layer` (pass candidate_vectors to reuse them).
    average: the average of meanings (L, 2P), over `n_average` occurrences of a corpus
    (senses.baselines.average_of_meanings); default: the mean of these occurrences.
    """
    if len(sentences) == 0:
        raise ValueError(f"no occurrences of {word!r} to compare")
    if layers is None:
        layers = model.embed_targets(sentences, indices)
    frame = pd.DataFrame({"tokens": [list(t) for t in sentences], "token_index": [int(i) for i in indices]})
    view = analyse(frame, layers, layer=layer, k=k, seed=seed, representation=LAYER_VECTORS)
    x, c = view.vectors, view.clustering
    cents = c.centroids(x)
    alone = alone_vectors(model, [word], layer)[0]
    if average is None:
        average, n_average = layers.mean(0), len(x)
    mean = mix_layers(average[None], layer)[0]
    if len(candidates) and candidate_vectors is None:
        candidate_vectors = alone_vectors(model, list(candidates), layer)
    typical = np.einsum("ij,ij->i", normalize(x), normalize(cents)[c.labels]) if len(x) else None
    names = name_clusters(frame, c.labels, model if n_substitutes else None, word, per_cluster=per_cluster,
                          top=n_substitutes or 5, seed=seed, typicality=typical)
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
            "distance to alone": cosine_distance(cents[j], alone),
            "distance to average": cosine_distance(cents[j], mean),
        })
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    text = [_snippet(s, i) for s, i in zip(sentences, indices, strict=True)]
    return Comparison(word, layer, x, c, cents, alone, mean, n_average, table, cosine_distance(mean, alone), text)


def _snippet(tokens: Sequence[str], index: int, width: int = 10) -> str:
    left = " ".join(tokens[max(0, index - width) : index])
    right = " ".join(tokens[index + 1 : index + 1 + width])
    return hover_text(left, tokens[index], right)


def separability(layers: np.ndarray, gold: Sequence[str] | None = None, k: int | None = None,
                 seed: int = 0) -> pd.DataFrame:
    """Silhouette (cosine) per layer of the gold senses (when given) and of the automatic clusters (the
    Explorer's automatic-k rule, or k).

    Columns: layer, silhouette_gold, k_auto, silhouette_auto. Higher = senses better separated.
    Layer 0 (the char-CNN) is context-free: all occurrences of one form share a vector, so it cannot
    separate senses.
    """
    from sklearn.metrics import silhouette_score

    rows = []
    g = None if gold is None else np.asarray(gold)
    for layer in [*range(layers.shape[1]), MIX]:
        x = normalize(mix_layers(layers, layer))
        sg = np.nan
        if g is not None and 1 < len(np.unique(g)) < len(x):
            sg = float(silhouette_score(x, g, metric="cosine", sample_size=min(len(x), 3000), random_state=seed))
        c = cluster(x, k=k, seed=seed, auto=DEFAULT_AUTO_K)
        rows.append({"layer": layer_label(layer), "silhouette_gold": sg, "k_auto": c.k,
                     "silhouette_auto": c.silhouette})
    return pd.DataFrame(rows, columns=["layer", "silhouette_gold", "k_auto", "silhouette_auto"])


def sense_accuracy(model, occ: Occurrences, layers: np.ndarray, static: StaticVectors | None = None) -> pd.DataFrame | None:
    """Cross-validated sense accuracy on these occurrences (senses.accuracy's features and baselines:
    layers, average of meanings, bag of words, Word2Vec, char-CNN context, MFS); None without 2+ gold senses."""
    if occ.gold is None or len(set(occ.gold)) < 2:
        return None
    return accuracy_table(feature_sets(model, layers, occ.tokens, occ.index, static), occ.gold)


# ---- figures -------------------------------------------------------------------------------------



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
        (comp.alone[None], f"'{comp.word}' alone (no context)", "star", 20, [f"{comp.word} embedded alone"]),
        (comp.average[None], f"average of meanings ({comp.n_average} occurrences)", "x", 14,
         [f"mean contextual vector of {comp.n_average} occurrences"]),
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
                  highlight: Sequence[str] = (), space: str = "Layer 0 (char-CNN)") -> go.Figure:
    """PCA of the static vectors of frequent words (grey), the word (star) and its neighbours (labelled)."""
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
    fig.update_layout(title=f"{space} space: '{word}' among {len(words)} frequent words, PCA",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, height=420, legend={"orientation": "h", "y": -0.15})
    return fig


def word2vec_view(vectors: StaticVectors, word: str, n: int = N_FREQUENT,
                  k: int = 10) -> tuple[go.Figure, pd.DataFrame] | None:
    """(the word among the `n` most frequent words of a static embedding (static_figure), its `k` nearest
    words), or None when the embedding does not know the word."""
    nb = embedding_neighbours(vectors, word, k)
    if nb is None:
        return None
    fig = static_figure(word, vectors.words[:n], vectors.vectors[:n], vectors.vector(word), nb["word"].tolist(),
                        space="Word2Vec")
    return fig, nb


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
