"""Word-sense induction for the Explorer: form-invariant representations, LM substitutes, and their benchmark.

The Explorer clusters the occurrences of a word. Clustered as they come, the biLM's vectors follow the
word's spelling (layer 0 is the char-CNN encoding of the form itself, and layers 1-2 still carry it), so
"cells" / "cell" / "Cell" become three clusters. The representations here remove what the form explains:

* ``layers``: the layer mix as the page sets it (today's pipeline; the benchmark's baseline row);
* ``no-layer-0``: the mix of layers 1..L-1 only;
* ``form-centred``: ``no-layer-0`` minus the mean vector of the occurrence's surface form (shrunk towards
  the mean of all occurrences for rare forms, FORM_SHRINK pseudo-occurrences);
* ``layer-0-residual``: ``no-layer-0`` minus its ridge regression on layer 0 (the form's own vector);
* ``substitutes``: Amrami & Goldberg (2018): the words the forward head, the backward head and their
  sum put at the target (one batched pass, ELMo.substitute_log_probs; N_SUBSTITUTES content words
  each), lemmatised, the target's own forms dropped, as a TF-IDF bag per occurrence, reduced by
  truncated SVD (LSA);
* ``context``: the same for the lemmatised content words within CONTEXT_WINDOW tokens;
* ``substitutes+context``: one bag of both;
* ``substitutes+context+form-centred``: that LSA vector beside FORM_WEIGHT x the form-centred layer vectors;
* ``context-vectors``: the context words through the shipped Word2Vec vectors (senses.baselines.StaticVectors,
  trained on the model's own training text): the weighted mean of the static vectors of the content
  words within WORD2VEC_WINDOW tokens (weights: SIF-like frequency weight x distance decay), centred over
  the occurrences. Unlike a bag, two contexts with related but different words ("membrane" / "tissue")
  come out close: semantic smoothing;
* ``substitutes+context-vectors`` (the Explorer's default before): the substitutes' LSA vector beside the
  context vector, equal weights;
* ``substitutes+context-vectors+form-centred``: both, plus STATIC_FORM_WEIGHT x the form-centred layer vectors.
* ``substitutes+context-vectors+discourse`` (the Explorer's default):
  ``substitutes+context-vectors`` beside WIDE_WEIGHT x a "one sense per discourse" vector (Gale, Church &
  Yarowsky 1992): the frequency-weighted mean Word2Vec vector of the content words of the occurrence's
  own and nearest sentences of its document (corpora.search.wide_window, at most 300 tokens; the search's
  frame column _wide_tokens), centred. For Senseval the instance's whole context is the document. Chosen
  on the tuning half (radius 1 / 2 / all x weight 0.25-1.5; best all, 0.5: ARI 0.430 -> 0.456); report
  half 0.499 -> 0.528, Senseval auto-k 0.223 -> 0.298; Senseval at gold k 0.350 -> 0.338 (-0.012: the
  only figure that does not improve; the page shows auto-k clusters).

Clusters: senses.cluster.cluster, auto-k "merge small" (over-cluster, fold small clusters into large
ones, tested against Gaussian blobs) or "silhouette" (today's). The substitutes also name the clusters
(senses.naming) without any further LM pass. The symmetric pattern ("target and _") of Amrami &
Goldberg was tried (ELMo.substitute_log_probs(pattern="and")); with this model its substitutes follow
the form (form-ARI ~0.5), so it is not used.

Parameters (WORD2VEC_WINDOW, the weights, OVER_K) were chosen on the tuning half of the wiki gold words (even
positions of the sorted list, wiki_half) and checked on the report half and Senseval. Tried there and not
kept (no gain on the tuning half): probability-weighted or sampled substitute bags (Amrami & Goldberg's
representatives), the substitutes' mean Word2Vec vector, Ward / k-means / spectral clustering, silhouette
and resampling-stability auto-k. NULL_MARGIN = 0 was level on the tuning half (+0.006 ARI) and is kept at 0.02.

Benchmark (``python -m senses.evaluate --induction`` or ``python -m senses.induction``): runs exactly
``senses.explore.analyse`` (the Explorer's function) for every candidate on two gold sets, the wiki gold
set in senses/gold/ (hand-labelled occurrences from the default corpus) and NLTK's ``senseval`` corpus
(the hard / interest / line / serve data in Senseval-2 format; not the Senseval-2 lexical-sample task),
a seeded sample of SAMPLE_LIMIT instances per word. Per word and as a mean: ARI of the automatic
clusters vs gold, ARI at the gold number of senses, k_auto vs gold k, form-ARI (ARI of the clusters vs
the lower-cased surface form: high = the clusters follow spelling) and the 5-NN accuracy of the gold
senses in the plotted 2D coordinates. Writes benchmarks/results/induction.json and induction.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from corpora.search import SAMPLE_LIMIT, WIDE_COLUMN, wide_window

from .baselines import shipped_vectors
from .cluster import MERGE, SILHOUETTE

LAYERS = "layers"
NO_LAYER_0 = "no-layer-0"
FORM_CENTRED = "form-centred"
RESIDUAL = "layer-0-residual"
SUBSTITUTES = "substitutes"
CONTEXT = "context"
SUBS_CONTEXT = "substitutes+context"
SENSE_MIX = "substitutes+context+form-centred"
STATIC_CONTEXT = "context-vectors"
SUBS_STATIC = "substitutes+context-vectors"
SUBS_STATIC_FORM = "substitutes+context-vectors+form-centred"
SUBS_STATIC_DOC = "substitutes+context-vectors+discourse"
REPRESENTATIONS = (SUBS_STATIC, SUBS_STATIC_DOC, SUBS_STATIC_FORM, STATIC_CONTEXT, SENSE_MIX, SUBS_CONTEXT, SUBSTITUTES, CONTEXT,
                   FORM_CENTRED, RESIDUAL, NO_LAYER_0, LAYERS)
LABELS = {  # what the pages call them
    SUBS_STATIC: "senses, sentence only",
    SUBS_STATIC_DOC: "senses: substitutes + context",
    SUBS_STATIC_FORM: "senses + contextual vectors",
    STATIC_CONTEXT: "context meaning (Word2Vec)",
    SENSE_MIX: "substitutes + context words + vectors",
    SUBS_CONTEXT: "substitutes + context words",
    SUBSTITUTES: "LM substitutes",
    CONTEXT: "context words",
    FORM_CENTRED: "form-centred vectors",
    RESIDUAL: "layer-0 residual vectors",
    NO_LAYER_0: "layers 1-2",
    LAYERS: "contextual vectors",
}
NEEDS_SUBSTITUTES = (SUBSTITUTES, SUBS_CONTEXT, SENSE_MIX, SUBS_STATIC, SUBS_STATIC_DOC, SUBS_STATIC_FORM)
NEEDS_CONTEXT = (CONTEXT, SUBS_CONTEXT, SENSE_MIX)
NEEDS_STATIC = (STATIC_CONTEXT, SUBS_STATIC, SUBS_STATIC_DOC, SUBS_STATIC_FORM)
NEEDS_WIDE = (SUBS_STATIC_DOC,)
WORDS_ONLY = (SUBSTITUTES, CONTEXT, SUBS_CONTEXT, STATIC_CONTEXT, SUBS_STATIC, SUBS_STATIC_DOC)  # the layer vectors play no part
FORM_WEIGHT = 0.5  # weight of the form-centred layer vectors beside the unit-length bag-of-words LSA vectors
FORM_SHRINK = 3.0  # pseudo-occurrences pulling a rare form's mean towards the mean of all occurrences
RIDGE_ALPHA = 1.0
N_SUBSTITUTES = 20  # substitutes kept per direction and occurrence
LSA_DIM = 50
SOURCES = ("forward", "backward", "both")
CONTEXT_WINDOW = 10
SUBSTITUTE_STOP = frozenset({"s", "'s", "n't", "unk"})
WORD2VEC_WINDOW = 20  # context words on each side for the Word2Vec context vector
STATIC_SIF = 100.0  # frequency weight (r + 1) / (r + 1 + STATIC_SIF) for the word of frequency rank r (Zipf: ~ SIF a / (a + p))
STATIC_DECAY = 0.5  # distance weight 1 / (1 + distance) ** STATIC_DECAY
STATIC_FORM_WEIGHT = 0.3
WIDE_WEIGHT = 0.5  # weight of the wide-context vector beside the substitutes and the context vector

GOLD_DIR = Path(__file__).parent / "gold"
SENSEVAL_WORDS = ("hard", "interest", "line", "serve")
GOLD_MIN = 8  # a gold sense counts towards k_major with at least this many occurrences (the gold README's rule)
KNN = 5
SMALL_SIZES = (30, 60)  # the default view on small corpora (an upload): seeded subsamples of each gold word
SMALL_REPEATS = 3
DEFAULT_OUT = Path("benchmarks/results")

Progress = Callable[[int, int], None]


# ---- substitutes -----------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Lower-cased lemma of a word (lemminflect; noun reading first, then verb, adjective, any)."""
    from lemminflect import getAllLemmas

    w = word.lower()
    found = getAllLemmas(w)
    for pos in ("NOUN", "VERB", "ADJ"):
        if found.get(pos):
            return found[pos][0].lower()
    return next(iter(found.values()), [w])[0].lower()


def _is_word(w: str) -> bool:
    return any(c.isalpha() for c in w) and not (w.startswith("<") and w.endswith(">"))


def substitute_lemmas(words: Sequence[str], ids: np.ndarray, exclude: set[str] | frozenset[str],
                      k: int = N_SUBSTITUTES) -> list[str]:
    """The first k lemmatised words among vocabulary ids (best first): no punctuation, stopwords or target forms."""
    from .naming import STOPWORDS

    out: list[str] = []
    for j in ids:
        w = words[int(j)]
        if not _is_word(w):
            continue
        lem = lemma(w)
        if lem in exclude or w.lower() in exclude or lem in STOPWORDS or lem in SUBSTITUTE_STOP:
            continue
        out.append(lem)
        if len(out) >= k:
            break
    return out


def occurrence_substitutes(model, sentences: Sequence[Sequence[str]], indices: Sequence[int],
                           k: int = N_SUBSTITUTES, sources: Sequence[str] = SOURCES,
                           progress: Progress | None = None) -> tuple[np.ndarray, list[list[str]]]:
    """One batched biLM pass: the targets' ELMo layers (n, L, 2P) and each occurrence's lemmatised substitutes.

    Substitutes: the k best words of each source ("forward": from the left context, "backward": from the
    right context, "both": of the summed log-probabilities), lemmatised; the target's own forms,
    stopwords and punctuation dropped."""
    # a weak LM puts many function words first: look 10 k deep to find k content words
    lm = model.substitute_log_probs(sentences, indices, top=10 * k, with_layers=True, progress=progress)
    return lm.layers, lm_substitutes(lm, model.vocab.words, sentences, indices, k, sources)


def lm_substitutes(lm, words: Sequence[str], sentences: Sequence[Sequence[str]], indices: Sequence[int],
                   k: int = N_SUBSTITUTES, sources: Sequence[str] = SOURCES) -> list[list[str]]:
    """Lemmatised substitutes per occurrence from an elmo.embedder.TargetLM (see occurrence_substitutes)."""
    from .naming import word_forms

    ids = {"forward": lm.forward_ids, "backward": lm.backward_ids, "both": lm.both_ids}
    subs = []
    for r, (s, i) in enumerate(zip(sentences, indices, strict=True)):
        t = str(s[i]).lower()
        own = word_forms(t) | {lemma(t)}  # both cached
        subs.append([w for src in sources for w in substitute_lemmas(words, ids[src][r], own, k)])
    return subs


def context_lemmas(tokens: Sequence[str], index: int, window: int = CONTEXT_WINDOW) -> list[str]:
    """Lemmatised content words within `window` tokens of the target (its own forms left out)."""
    from .naming import context_words, word_forms

    t = str(tokens[index]).lower()
    ex = word_forms(t) | {lemma(t)}
    return [lem for w in context_words(tokens, index, window) if (lem := lemma(w)) not in ex]


class BagLSA:
    """Sublinear TF-IDF of word bags reduced by truncated SVD (LSA); rows unit length. Fitted on the
    occurrences, it also places a new bag (your own sentence) in the same space."""

    def __init__(self, dim: int = LSA_DIM, seed: int = 0):
        self.dim, self.seed = dim, seed
        self.col: dict[str, int] = {}
        self.tfidf = None
        self.svd = None
        self.fill: np.ndarray | None = None

    def _counts(self, bags: Sequence[Sequence[str]]):
        from scipy import sparse

        rows, cols, vals = [], [], []
        for r, bag in enumerate(bags):
            for w, c in Counter(bag).items():
                if w in self.col:
                    rows.append(r)
                    cols.append(self.col[w])
                    vals.append(c)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(bags), max(1, len(self.col))), dtype=np.float64)

    def fit_transform(self, bags: Sequence[Sequence[str]]) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfTransformer

        self.col = {w: j for j, w in enumerate(sorted({w for bag in bags for w in bag}))}
        counts = self._counts(bags)
        self.tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        x = self.tfidf.transform(counts)
        d = min(self.dim, x.shape[0] - 1, x.shape[1] - 1)
        if d >= 2:
            self.svd = TruncatedSVD(d, random_state=self.seed).fit(x)
        y = self._reduce(x)
        empty = np.linalg.norm(y, axis=1) < 1e-9
        # an occurrence without words sits at the mean of the others (cosine needs a direction)
        self.fill = y[~empty].mean(0) if (~empty).any() else np.ones(y.shape[1], np.float32)
        return self._finish(y)

    def transform(self, bags: Sequence[Sequence[str]]) -> np.ndarray:
        return self._finish(self._reduce(self.tfidf.transform(self._counts(bags))))

    def _reduce(self, x) -> np.ndarray:
        return np.asarray(x.toarray() if self.svd is None else self.svd.transform(x), np.float32)

    def _finish(self, y: np.ndarray) -> np.ndarray:
        from .cluster import normalize

        empty = np.linalg.norm(y, axis=1) < 1e-9
        if empty.any():
            y[empty] = self.fill
        return normalize(y)


# ---- context through static word vectors --------------------------------------------------------------


def static_context_vectors(tokens: Sequence[Sequence[str]], indices: Sequence[int], static=None,
                           window: int = WORD2VEC_WINDOW) -> np.ndarray | None:
    """Per occurrence, the weighted mean static vector of the content words within `window` tokens (the
    target's own forms left out): (n, dim), zero rows where no word is known; None without static vectors.

    Weights: (r + 1) / (r + 1 + STATIC_SIF) for the word of frequency rank r (the vocabulary is stored most
    frequent first; frequent words weigh less) x 1 / (1 + distance) ** STATIC_DECAY."""
    return _static_means(tokens, indices, [t[i] for t, i in zip(tokens, indices, strict=True)], window,
                         STATIC_DECAY, static)


def wide_context_vectors(wide_tokens: Sequence[Sequence[str]], forms: Sequence[str],
                         static=None) -> np.ndarray | None:
    """Per occurrence, the weighted mean static vector of the content words of its wide context
    (corpora.search.wide_window; the target's own forms left out), with the frequency weight of
    static_context_vectors and no distance decay: (n, dim), zero rows where no word is known; None without
    static vectors."""
    # index -1 and no window: every position is context
    return _static_means(wide_tokens, [-1] * len(wide_tokens), forms, None, 0.0, static)


def _static_means(tokens: Sequence[Sequence[str]], indices: Sequence[int], forms: Sequence[str],
                  window: int | None, decay: float, static=None) -> np.ndarray | None:
    """The weighted means of static_context_vectors (window None: the whole token list)."""
    from .naming import context_positions, word_forms

    sv = static if static is not None else shipped_vectors()
    if sv is None:
        return None
    out = np.zeros((len(tokens), sv.dim), np.float32)
    for n, (t, i, f) in enumerate(zip(tokens, indices, forms, strict=True)):
        w = str(f).lower()
        t = [str(x) for x in t]
        own = word_forms(w) | {lemma(w)}
        known = [(sv.row[c], d) for c, d in context_positions(t, i, len(t) + 1 if window is None else window, own)
                 if c in sv.row]
        if known:
            rows = np.array([r for r, _ in known])
            wt = (rows + 1) / (rows + 1 + STATIC_SIF) / (1.0 + np.array([d for _, d in known])) ** decay
            out[n] = (sv.vectors[rows] * wt[:, None]).sum(0) / wt.sum()
    return out


class Centring:
    """Vectors minus their mean over the fitted occurrences, unit length; an empty (zero) row sits at the mean."""

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float32)
        known = np.linalg.norm(x, axis=1) > 1e-9
        self.mean = x[known].mean(0) if known.any() else np.zeros(x.shape[1], np.float32)
        return self.transform(x)

    def transform(self, x: np.ndarray) -> np.ndarray:
        from .cluster import normalize

        x = np.asarray(x, np.float32).copy()
        empty = np.linalg.norm(x, axis=1) <= 1e-9
        x[empty] = self.mean
        return normalize(x - self.mean)


# ---- form-invariant layer vectors ------------------------------------------------------------------


def centre_by_form(x: np.ndarray, forms: Sequence[str], shrink: float = FORM_SHRINK) -> np.ndarray:
    """x minus the mean of each row's form; a form seen n times uses (sum + shrink * overall mean) / (n + shrink)."""
    return FormCentring(shrink).fit(x, forms).transform(x, forms)


class FormCentring:
    """Per-form means of vectors (shrunk towards the overall mean), subtracted from each vector of that form."""

    def __init__(self, shrink: float = FORM_SHRINK):
        self.shrink = shrink
        self.means: dict[str, np.ndarray] = {}
        self.overall: np.ndarray | None = None

    def fit(self, x: np.ndarray, forms: Sequence[str]) -> FormCentring:
        x = np.asarray(x, np.float32)
        forms_a = np.asarray([str(f) for f in forms])
        if len(x) != len(forms_a):
            raise ValueError(f"{len(x)} vectors but {len(forms_a)} forms")
        self.overall = x.mean(0) if len(x) else np.zeros(x.shape[1], np.float32)
        for f in np.unique(forms_a):
            m = forms_a == f
            self.means[str(f)] = (x[m].sum(0) + self.shrink * self.overall) / (m.sum() + self.shrink)
        return self

    def transform(self, x: np.ndarray, forms: Sequence[str]) -> np.ndarray:
        x = np.asarray(x, np.float32)
        return x - np.stack([self.means.get(str(f), self.overall) for f in forms]) if len(x) else x.copy()


def layer0_residual(x: np.ndarray, layer0: np.ndarray, alpha: float = RIDGE_ALPHA) -> np.ndarray:
    """x minus its ridge regression on the layer-0 (form) vectors, fitted over these occurrences."""
    from sklearn.linear_model import Ridge

    x = np.asarray(x, np.float32)
    if len(x) < 2:
        return x - x.mean(0) if len(x) else x.copy()
    return (x - Ridge(alpha=alpha).fit(layer0, x).predict(layer0)).astype(np.float32)


def upper_mix(layers: np.ndarray, weights: Sequence[float] | None = None) -> np.ndarray:
    """Scalar mix of layers 1..L-1 (layer 0, the form's own vector, left out); weights as for all L layers."""
    from .explore import mix_layers

    w = list(weights) if weights else [0.0] * layers.shape[1]
    return mix_layers(layers[:, 1:], "mix", w[1:] if len(w) == layers.shape[1] else w)


class Representer:
    """One representation (REPRESENTATIONS), fitted on a word's occurrences: the vectors the Explorer
    clusters and plots, and the same map for a new occurrence (your own sentence)."""

    def __init__(self, representation: str = SUBS_STATIC, layer: int | str = "mix",
                 weights: Sequence[float] | None = None, seed: int = 0):
        if representation not in REPRESENTATIONS:
            raise ValueError(f"unknown representation {representation!r}; choose one of {', '.join(REPRESENTATIONS)}")
        self.representation, self.layer, self.seed = representation, layer, seed
        self.weights = None if weights is None else list(weights)
        if layer in (0, "0"):  # layer 0 is the form itself: nothing else to represent
            self.representation = LAYERS
        self.bags = BagLSA(seed=seed)
        self.centring = FormCentring()
        self.static = Centring()
        self.wide = Centring()
        self.fitted: tuple[np.ndarray, np.ndarray] | None = None  # (layer mixes, vectors) of the fitted occurrences

    def _bags(self, substitutes, contexts) -> list[list[str]]:
        r = self.representation
        if r in NEEDS_SUBSTITUTES and substitutes is None:
            raise ValueError(f"the {r!r} representation needs the occurrences' substitutes")
        if r in NEEDS_CONTEXT and contexts is None:
            raise ValueError(f"the {r!r} representation needs the occurrences' context words")
        subs = substitutes if r in NEEDS_SUBSTITUTES else None
        ctx = contexts if r in NEEDS_CONTEXT else None  # NEEDS_STATIC: the context goes in as vectors
        n = len(subs if subs is not None else ctx)  # type: ignore[arg-type]
        return [[*(subs[i] if subs is not None else []), *(ctx[i] if ctx is not None else [])] for i in range(n)]

    def _vectors(self, layers: np.ndarray, forms: Sequence[str], fit: bool) -> np.ndarray:
        from .cluster import normalize
        from .explore import mix_layers

        if self.representation == LAYERS:
            return mix_layers(layers, self.layer, self.weights)
        x = upper_mix(layers, self.weights) if self.layer == "mix" else mix_layers(layers, self.layer)
        if self.representation == NO_LAYER_0:
            return x
        if self.representation == RESIDUAL:
            return layer0_residual(normalize(x), layers[:, 0, : layers.shape[2] // 2])
        if fit:
            self.centring.fit(normalize(x), forms)
        return normalize(self.centring.transform(normalize(x), forms))

    def _join(self, layers, forms, substitutes, contexts, static_contexts, fit: bool,
              wide_contexts: np.ndarray | None = None) -> np.ndarray:
        r = self.representation
        if r in NEEDS_STATIC:
            if static_contexts is None:
                raise ValueError(f"the {r!r} representation needs the occurrences' static context vectors")
            c = self.static.fit_transform(static_contexts) if fit else self.static.transform(static_contexts)
            if r == STATIC_CONTEXT:  # alone, occurrences without known context words share one direction
                c[np.linalg.norm(c, axis=1) < 1e-9] = 1.0 / np.sqrt(c.shape[1])
                return c
            bags = self._bags(substitutes, None)
            parts = [c, self.bags.fit_transform(bags) if fit else self.bags.transform(bags)]
            if r == SUBS_STATIC_FORM:
                parts.append(STATIC_FORM_WEIGHT * self._vectors(np.asarray(layers, np.float32), forms, fit))
            if r in NEEDS_WIDE:
                if wide_contexts is None:
                    raise ValueError(f"the {r!r} representation needs the occurrences' wide context vectors")
                w = self.wide.fit_transform(wide_contexts) if fit else self.wide.transform(wide_contexts)
                parts.append(WIDE_WEIGHT * w)
            return np.hstack(parts).astype(np.float32)
        if r in (SUBSTITUTES, CONTEXT, SUBS_CONTEXT):
            bags = self._bags(substitutes, contexts)
            return self.bags.fit_transform(bags) if fit else self.bags.transform(bags)
        x = self._vectors(np.asarray(layers, np.float32), forms, fit)
        if r != SENSE_MIX:
            return x
        bags = self._bags(substitutes, contexts)
        b = self.bags.fit_transform(bags) if fit else self.bags.transform(bags)
        return np.hstack([b, FORM_WEIGHT * x]).astype(np.float32)

    def fit_transform(self, layers: np.ndarray, forms: Sequence[str], substitutes=None, contexts=None,
                      static_contexts: np.ndarray | None = None,
                      wide_contexts: np.ndarray | None = None) -> np.ndarray:
        """The vectors of the occurrences from (n, L, D) layers, forms, substitutes, context words (lemma
        bags), static context vectors (static_context_vectors) and wide context vectors
        (wide_context_vectors); each representation uses what it needs."""
        if len(layers) == 0:
            return np.zeros((0, np.asarray(layers).shape[-1]), np.float32)
        x = self._join(layers, forms, substitutes, contexts, static_contexts, fit=True, wide_contexts=wide_contexts)
        if self.representation in WORDS_ONLY:
            self.fitted = (self._layer_mix(layers), x)
        return x

    def _layer_mix(self, layers: np.ndarray) -> np.ndarray:
        from .cluster import normalize
        from .explore import mix_layers

        layers = np.asarray(layers, np.float32)
        return normalize(upper_mix(layers, self.weights) if self.layer == "mix" else mix_layers(layers, self.layer))

    def nearest_fitted(self, layers: np.ndarray) -> np.ndarray:
        """For new occurrences known only by their (m, L, D) layers (no words): the vectors of the fitted
        occurrences nearest to them by the layer mix (cosine). Only for WORDS_ONLY representations."""
        if self.fitted is None:
            raise ValueError(f"the {self.representation!r} representation places new occurrences by their words")
        mixes, vectors = self.fitted
        return vectors[np.argmax(self._layer_mix(layers) @ mixes.T, axis=1)]

    def transform(self, layers: np.ndarray, forms: Sequence[str], substitutes=None, contexts=None,
                  static_contexts: np.ndarray | None = None,
                  wide_contexts: np.ndarray | None = None) -> np.ndarray:
        """Map new occurrences (arguments as fit_transform) like the fitted ones."""
        if self.representation == RESIDUAL:
            raise ValueError("the layer-0 residual cannot place new occurrences")
        return self._join(layers, forms, substitutes, contexts, static_contexts, fit=False, wide_contexts=wide_contexts)


def represent(layers: np.ndarray, forms: Sequence[str], representation: str = SUBS_STATIC,
              layer: int | str = "mix", weights: Sequence[float] | None = None,
              substitutes: Sequence[Sequence[str]] | None = None, seed: int = 0,
              contexts: Sequence[Sequence[str]] | None = None,
              static_contexts: np.ndarray | None = None, wide_contexts: np.ndarray | None = None) -> np.ndarray:
    """The (n, d) vectors the Explorer clusters and plots for one representation (see Representer).

    An explicit `layer` (0, 1, 2) replaces the mix; layer 0 is the form itself, so it is used as it is."""
    return Representer(representation, layer, weights, seed).fit_transform(layers, forms, substitutes, contexts,
                                                                            static_contexts, wide_contexts)


# ---- gold sets -------------------------------------------------------------------------------------


@dataclass
class GoldWord:
    """Occurrences of one word (an Explorer occurrence frame) with their gold senses."""

    source: str  # "wiki" or "senseval"
    word: str
    frame: pd.DataFrame  # corpus, doc, sent_id, token_index, left, keyword, right, tokens, sentence
    senses: np.ndarray  # (n,) str

    def __len__(self) -> int:
        return len(self.frame)


def gold_words(folder: Path = GOLD_DIR, min_count: int = GOLD_MIN) -> list[str]:
    """Words of the wiki gold set that have >= 2 senses (not name / other) with >= min_count occurrences."""
    out = []
    for f in sorted(Path(folder).glob("*.tsv")):
        counts = pd.read_csv(f, sep="\t")["sense"].value_counts()
        counts = counts[[s not in ("name", "other") for s in counts.index]]
        if (counts >= min_count).sum() >= 2:
            out.append(f.stem)
    return out


def load_wiki_gold(store, word: str, folder: Path = GOLD_DIR) -> GoldWord:
    """The labelled occurrences of a word, found in the store by (doc, sent_no, token_index), form checked."""
    from corpora.search import occurrences

    g = pd.read_csv(Path(folder) / f"{word}.tsv", sep="\t")
    corpus = str(g["corpus"].iloc[0])
    occ = occurrences(store, corpus, word, match="lemma")
    with store.reader(corpus) as reader:
        ids = reader.sentence_ids(zip(g["doc"], g["sent_no"], strict=True))
    want = [ids.get((int(d), int(n))) for d, n in zip(g["doc"], g["sent_no"], strict=True)]
    occ = occ.set_index(["sent_id", "token_index"], drop=False)
    rows = []
    for sid, ti, form in zip(want, g["token_index"], g["form"], strict=True):
        if sid is None or (sid, int(ti)) not in occ.index:
            raise ValueError(f"gold {word}: occurrence {form!r} (sentence {sid}, token {ti}) not found in {corpus}")
        row = occ.loc[(sid, int(ti))]
        if str(row["keyword"]) != str(form):
            raise ValueError(f"gold {word}: expected {form!r} at sentence {sid} token {ti}, found {row['keyword']!r}")
        rows.append(row)
    frame = pd.DataFrame(rows).reset_index(drop=True)  # with the search's discourse context (_wide_tokens)
    return GoldWord("wiki", word, frame, g["sense"].astype(str).to_numpy())


def load_senseval_gold(word: str, n: int = SAMPLE_LIMIT) -> GoldWord:
    """A seeded, stratified sample of n Senseval instances of a word as an occurrence frame (±40-token window)."""
    from .evaluate import load_senseval, split_token_sentences

    s = load_senseval(word, n)
    rows = []
    for t, i, full, fi in zip(s.tokens, s.index, s.full, s.full_index, strict=True):
        sents, sent_no = split_token_sentences(full, fi)  # the instance's whole context: its "document"
        rows.append({"corpus": "senseval", "doc": 0, "sent_id": 0, "token_index": i, "left": " ".join(t[:i]),
                     "keyword": t[i], "right": " ".join(t[i + 1:]), "tokens": t, "sentence": " ".join(t),
                     WIDE_COLUMN: wide_window(sents, sent_no)})
    return GoldWord("senseval", word, pd.DataFrame(rows), np.asarray(s.senses).astype(str))


# ---- benchmark -------------------------------------------------------------------------------------


@dataclass
class Candidate:
    name: str
    representation: str
    auto: str = MERGE
    k_max: int = 8  # merge small: over-clusters at first (senses.cluster.OVER_K, at most k_max)


CANDIDATES = (
    Candidate("today: mix of layers 0-2, silhouette k (baseline)", LAYERS, SILHOUETTE),
    Candidate("no layer 0, silhouette k", NO_LAYER_0, SILHOUETTE),
    Candidate("layer-0 residual, silhouette k", RESIDUAL, SILHOUETTE),
    Candidate("form-centred, silhouette k", FORM_CENTRED, SILHOUETTE),
    Candidate("form-centred", FORM_CENTRED),
    Candidate("substitutes", SUBSTITUTES),
    Candidate("context words", CONTEXT),
    Candidate("substitutes + context words", SUBS_CONTEXT),
    Candidate("substitutes + context + form-centred, silhouette k", SENSE_MIX, SILHOUETTE),
    Candidate("substitutes + context + form-centred (previous default)", SENSE_MIX, k_max=6),
    Candidate("Word2Vec context", STATIC_CONTEXT),
    Candidate("substitutes + Word2Vec context + form-centred", SUBS_STATIC_FORM),
    Candidate("substitutes + Word2Vec context, 6 over-clusters", SUBS_STATIC, k_max=6),
    Candidate("substitutes + Word2Vec context (previous default)", SUBS_STATIC),
    Candidate("substitutes + Word2Vec context + neighbouring sentences (default)", SUBS_STATIC_DOC),
)


def knn_accuracy(coords: np.ndarray, senses: np.ndarray, k: int = KNN) -> float:
    """Leave-one-out k-NN accuracy (Euclidean, majority vote, ties to the nearest) of gold senses in 2D."""
    from sklearn.neighbors import NearestNeighbors

    n = len(coords)
    if n < 2:
        return float("nan")
    kk = min(k, n - 1)
    _, idx = NearestNeighbors(n_neighbors=kk + 1).fit(coords).kneighbors(coords)
    right = 0
    for i in range(n):
        nb = [j for j in idx[i] if j != i][:kk]
        votes = Counter(senses[j] for j in nb)
        top = max(votes.values())
        pred = next(senses[j] for j in nb if votes[senses[j]] == top)
        right += pred == senses[i]
    return right / n


def score_word(gold: GoldWord, layers: np.ndarray, subs: list[list[str]], cand: Candidate, seed: int = 0) -> dict:
    from sklearn.metrics import adjusted_rand_score as ari

    from .explore import analyse, form_agreement, least_typical_rows, typicality

    occ = gold.frame.assign(_substitutes=subs)
    k_gold = len(set(gold.senses))
    counts = Counter(gold.senses)
    k_major = sum(1 for s, c in counts.items() if c >= GOLD_MIN and s not in ("name", "other"))
    t0 = time.perf_counter()
    a = analyse(occ, layers, representation=cand.representation, substitutes=subs, seed=seed, auto=cand.auto,
                k_max=cand.k_max)
    seconds = time.perf_counter() - t0
    at_k = analyse(occ, layers, representation=cand.representation, substitutes=subs, seed=seed, k=k_gold,
                   auto=cand.auto, k_max=cand.k_max)
    odd = misfits(gold.senses, a.clustering.labels)
    least = least_typical_rows(typicality(a))
    return {"set": gold.source, "word": gold.word, "candidate": cand.name, "n": len(occ), "k_gold": k_gold,
            "k_major": k_major, "k_auto": a.k, "ari_auto": ari(gold.senses, a.clustering.labels),
            "ari_gold_k": ari(gold.senses, at_k.clustering.labels), "form_ari": form_agreement(a),
            "form_ari_gold_k": form_agreement(at_k),
            "knn_2d": knn_accuracy(a.frame[["x", "y"]].to_numpy(), gold.senses),
            "misfit_all": float(odd.mean()), "misfit_least_typical": float(odd[least].mean()), "seconds": seconds}


def misfits(senses: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(n,) bool: the occurrence's gold sense is not the most frequent gold sense of its cluster."""
    senses, labels = np.asarray(senses), np.asarray(labels)
    major = {c: Counter(senses[labels == c]).most_common(1)[0][0] for c in np.unique(labels)}
    return np.array([s != major[c] for s, c in zip(senses, labels, strict=True)], bool)


def subsample(gold: GoldWord, n: int, seed: int) -> tuple[GoldWord, np.ndarray]:
    """A seeded sample of n occurrences (in corpus order), as a gold set of its own ("wiki n=30"), and its rows."""
    rows = np.sort(np.random.default_rng(seed).choice(len(gold), n, replace=False))
    return GoldWord(f"{gold.source} n={n}", gold.word, gold.frame.iloc[rows].reset_index(drop=True),
                    gold.senses[rows]), rows


def small_rows(gold: GoldWord, layers: np.ndarray, subs: list[list[str]], cand: Candidate,
               sizes: Sequence[int] = SMALL_SIZES, repeats: int = SMALL_REPEATS) -> list[dict]:
    """score_word on `repeats` seeded subsamples of each size smaller than the gold word's occurrences: how the
    view does on a small corpus, where every fit (LSA, centring, auto-k) sees only those occurrences."""
    out = []
    for n in sizes:
        for r in range(repeats if n < len(gold) else 0):
            sub, rows = subsample(gold, n, r)
            out.append(score_word(sub, layers[rows], [subs[i] for i in rows], cand) | {"sample": r})
    return out


def wiki_half(word: str, words: Sequence[str]) -> str:
    """"tuning" for the words at even positions (0, 2, ...) of the sorted wiki gold words, else "report":
    parameters are chosen on the tuning half and checked on the other."""
    return "tuning" if sorted(words).index(word) % 2 == 0 else "report"


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    """Per gold set and candidate: means, and how many words have k_auto within ±1 of gold k (all / major);
    the wiki set also split into its tuning and report halves (wiki_half)."""
    wiki = df[df["set"] == "wiki"]
    words = sorted(set(wiki["word"]))
    halves = wiki.assign(set=[f"wiki {wiki_half(w, words)} half" for w in wiki["word"]])
    df = pd.concat([df, halves], ignore_index=True)
    g = df.assign(k_ok=(df["k_auto"] - df["k_gold"]).abs() <= 1, k_ok_major=(df["k_auto"] - df["k_major"]).abs() <= 1)
    out = g.groupby(["set", "candidate"], sort=False).agg(
        words=("word", "nunique"), rows=("word", "count"), ari_auto=("ari_auto", "mean"), ari_gold_k=("ari_gold_k", "mean"),
        form_ari=("form_ari", "mean"), form_ari_gold_k=("form_ari_gold_k", "mean"), knn_2d=("knn_2d", "mean"),
        misfit_all=("misfit_all", "mean"), misfit_least_typical=("misfit_least_typical", "mean"),
        k_within_1=("k_ok", "sum"), k_within_1_major=("k_ok_major", "sum"), seconds=("seconds", "sum"))
    # sets of several samples per word (small_rows): counts and seconds per word, averaged over the samples
    per_sample = out["rows"] / out["words"]
    for col in ("k_within_1", "k_within_1_major", "seconds"):
        out[col] = out[col] / per_sample
    return out.drop(columns="rows").reset_index()


def run_benchmark(model, store=None, wiki_words: Sequence[str] | None = None,
                  senseval_words: Sequence[str] = SENSEVAL_WORDS, candidates: Sequence[Candidate] = CANDIDATES,
                  small: Sequence[int] = SMALL_SIZES, log: Callable[[str], None] = print) -> pd.DataFrame:
    """Score every candidate on every gold word; one row per (set, word, candidate). The default candidate
    (the Explorer's representation and auto-k) is also scored on subsamples of the `small` sizes (small_rows)."""
    from .explore import DEFAULT_AUTO_K, DEFAULT_REPRESENTATION

    default = [c for c in candidates if (c.representation, c.auto) == (DEFAULT_REPRESENTATION, DEFAULT_AUTO_K)]
    golds: list[GoldWord] = []
    if wiki_words is None:
        wiki_words = gold_words()
    if wiki_words:
        if store is None:
            from corpora.store import Store

            store = Store()
        store.ensure_builtin("wiki")  # the gold set's corpus: indexed on first use, like the app does
        golds += [load_wiki_gold(store, w) for w in wiki_words]
    golds += [load_senseval_gold(w) for w in senseval_words]
    rows = []
    for g in golds:
        t0 = time.perf_counter()
        layers, subs = occurrence_substitutes(model, list(g.frame["tokens"]), [int(i) for i in g.frame["token_index"]])
        t_lm = time.perf_counter() - t0
        for c in candidates:
            rows.append(score_word(g, layers, subs, c) | {"lm_seconds": t_lm})
        best = max((r for r in rows[-len(candidates):]), key=lambda r: r["ari_gold_k"])
        for c in default[:1]:
            rows += small_rows(g, layers, subs, c, small)
        log(f"{g.source}:{g.word} n={len(g)} lm {t_lm:.1f}s; best at gold k: {best['candidate']} {best['ari_gold_k']:.2f}")
    return pd.DataFrame(rows)


def cold_view_seconds(model, store, word: str = "cell", corpus: str = "wiki", limit: int = SAMPLE_LIMIT,
                      repeats: int = 2) -> dict:
    """Seconds from search result to named clusters for the Explorer's default view, today's pipeline
    (embed_targets, layer mix + silhouette k, names from per-cluster LM passes), the previous default
    (one pass for vectors + substitutes, SENSE_MIX + merge-small k, names from the substitutes) and the
    default (the same with SUBS_STATIC); best of `repeats`, alternating."""
    from corpora.search import occurrences

    from .explore import analyse, embed_occurrences
    from .naming import name_clusters

    occ = occurrences(store, corpus, word, match="lemma", limit=limit, seed=0)
    tokens, index = [list(t) for t in occ["tokens"]], [int(i) for i in occ["token_index"]]

    def today() -> None:
        layers = model.embed_targets(tokens, index, max_sentences=64)
        a = analyse(occ, layers, representation=LAYERS, auto=SILHOUETTE)
        name_clusters(a.frame, a.clustering.labels, model=model, word=word)

    def previous() -> None:
        layers, subs = embed_occurrences(model, occ)
        a = analyse(occ, layers, substitutes=subs, representation=SENSE_MIX, k_max=6)
        name_clusters(a.frame, a.clustering.labels, model=model, word=word)

    def default() -> None:
        layers, subs = embed_occurrences(model, occ)
        a = analyse(occ, layers, substitutes=subs)
        name_clusters(a.frame, a.clustering.labels, model=model, word=word)

    shipped_vectors()  # loaded once per process (the page uses the same)
    best = {"today": float("inf"), "previous": float("inf"), "default": float("inf")}
    for _ in range(repeats):
        for name, f in (("today", today), ("previous", previous), ("default", default)):
            t0 = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return {"word": word, "corpus": corpus, "occurrences": len(occ), "today_s": round(best["today"], 2),
            "previous_s": round(best["previous"], 2), "default_s": round(best["default"], 2),
            "growth": round(best["default"] / best["today"] - 1, 3),
            "growth_vs_previous": round(best["default"] / best["previous"] - 1, 3)}


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def write_results(df: pd.DataFrame, meta: dict, out: Path = DEFAULT_OUT) -> tuple[Path, Path]:
    from .explore import ODD_ROWS

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summ = summarise(df)
    j = out / "induction.json"
    j.write_text(json.dumps({"meta": meta, "summary": summ.to_dict("records"), "rows": df.to_dict("records")},
                            indent=1, default=float), encoding="utf-8")
    m = out / "induction.md"
    per_word = df.loc[~df["set"].str.contains(" n="), ["set", "word", "candidate", "n", "k_gold", "k_major", "k_auto",
                                                      "ari_auto", "ari_gold_k", "form_ari", "knn_2d"]]
    cold = meta.get("cold_view")
    timing = (f"Cold default view (search result to named clusters, {cold['occurrences']} occurrences of "
              f"\"{cold['word']}\", best of 2): today's pipeline {cold['today_s']} s, previous default "
              f"{cold.get('previous_s', '-')} s, default {cold['default_s']} s ({100 * cold['growth']:+.0f} % vs today's, "
              f"{100 * cold.get('growth_vs_previous', 0):+.0f} % vs the previous default).\n\n") if cold else ""
    m.write_text(
        "# Sense induction benchmark (`python -m senses.evaluate --induction`)\n\n"
        f"Model: {meta['model']}; default: {meta['default']}; created {meta['created']}; "
        f"{meta['seconds']} s on {meta['threads']} thread(s).\n\n" + timing +
        "Gold sets: wiki = senses/gold (hand-labelled occurrences from the default corpus); senseval = NLTK's "
        "`senseval` corpus (hard / interest / line / serve in Senseval-2 format, not the Senseval-2 lexical-sample "
        f"task), a seeded sample of {SAMPLE_LIMIT} instances per word. The wiki words at even positions of the "
        "sorted list are the tuning half (parameters were chosen on it), the others the report half. Every row runs senses.explore.analyse, the "
        "Explorer's own function. k_gold counts every gold label (name / other included); k_major the senses with "
        f">= {GOLD_MIN} occurrences. form_ari: ARI of the clusters vs the lower-cased form (high = clusters follow "
        "spelling). knn_2d: leave-one-out 5-NN accuracy of the gold senses in the plotted 2D coordinates. "
        "misfit_all: share of the occurrences whose gold sense is not the most frequent one of their cluster; "
        f"misfit_least_typical: the same share among the {ODD_ROWS} occurrences farthest from their cluster's centre "
        "(the Explorer's \"Least typical uses\"). "
        f"Sets \"wiki n=30\" etc.: the default view on small corpora, {SMALL_REPEATS} seeded samples of n occurrences "
        "of each gold word (every fit sees only those; k_gold counts the senses in the sample); their k_within_1 "
        "and seconds are averaged over the samples.\n\n"
        "## Means per gold set\n\n" + _md_table(summ) + "\n\n## Per word\n\n" + _md_table(per_word) + "\n",
        encoding="utf-8")
    return j, m


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m senses.evaluate --induction", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--wiki", default=None, help="comma-separated wiki gold words (default: all kept words)")
    ap.add_argument("--senseval", default=",".join(SENSEVAL_WORDS), help="comma-separated Senseval words")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--no-timing", action="store_true", help="skip the cold-view timing of the default word")
    ap.add_argument("--small", default=",".join(map(str, SMALL_SIZES)),
                    help="comma-separated sample sizes for the small-corpus rows ('' for none)")
    args = ap.parse_args([a for a in (argv if argv is not None else sys.argv[1:]) if a != "--induction"])

    import torch

    from elmo.embedder import ELMo

    from .evaluate import default_model_dir, senseval_available
    from .explore import DEFAULT_AUTO_K, DEFAULT_REPRESENTATION

    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    torch.set_num_threads(threads)
    model_dir = args.model or default_model_dir()
    model = ELMo.load(model_dir)
    sv = [w for w in args.senseval.split(",") if w.strip()]
    if sv and not senseval_available():
        print("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding corpora/senseval.zip", file=sys.stderr)
        return 2
    wiki = [w for w in args.wiki.split(",") if w.strip()] if args.wiki is not None else None
    t0 = time.time()
    small = [int(n) for n in args.small.split(",") if n.strip()]
    df = run_benchmark(model, wiki_words=wiki, senseval_words=sv, small=small,
                       log=lambda s: print(s, file=sys.stderr, flush=True))
    seconds = round(time.time() - t0, 1)
    root = Path(__file__).resolve().parents[1]
    shown = Path(model_dir).resolve()
    meta = {"model": str(shown.relative_to(root) if shown.is_relative_to(root) else shown), "default": f"{DEFAULT_REPRESENTATION}, auto-k {DEFAULT_AUTO_K}",
            "seconds": seconds, "threads": threads, "created": datetime.now(UTC).isoformat(timespec="seconds")}
    if not args.no_timing:
        from corpora.store import Store

        meta["cold_view"] = cold_view_seconds(model, Store())
        print(f"cold default view: {meta['cold_view']}", file=sys.stderr)
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.float_format", "{:.3f}".format):
        print(summarise(df).to_string(index=False))
    j, m = write_results(df, meta, args.out)
    print(f"\nwrote {j} and {m} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
