"""Word-sense induction for the Explorer: form-invariant representations and LM substitutes.

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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from elmo.mix import MIX, scalar_mix

from .baselines import shipped_vectors
from .cluster import normalize
from .naming import STOPWORDS, context_positions, context_words, lemma, word_forms

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

Progress = Callable[[int, int], None]


def mix_layers(layers: np.ndarray, layer: int | str = MIX, weights: Sequence[float] | None = None,
               gamma: float = 1.0) -> np.ndarray:
    """(n, L, D) per-layer vectors -> (n, D): one layer, or elmo.mix.scalar_mix(weights, gamma)."""
    layers = np.asarray(layers, dtype=np.float32)
    if layers.ndim != 3:
        raise ValueError(f"expected (n, layers, dim) vectors, got shape {layers.shape}")
    n_layers = layers.shape[1]
    if layer != MIX:
        li = int(layer)
        if not 0 <= li < n_layers:
            raise ValueError(f"layer {li} does not exist; the model has layers 0..{n_layers - 1}")
        return layers[:, li]
    return scalar_mix(layers, weights, gamma, axis=1)




# ---- substitutes -----------------------------------------------------------------------------------


def _is_word(w: str) -> bool:
    return any(c.isalpha() for c in w) and not (w.startswith("<") and w.endswith(">"))


def substitute_lemmas(words: Sequence[str], ids: np.ndarray, exclude: set[str] | frozenset[str],
                      k: int = N_SUBSTITUTES) -> list[str]:
    """The first k lemmatised words among vocabulary ids (best first): no punctuation, stopwords or target forms."""

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

    ids = {"forward": lm.forward_ids, "backward": lm.backward_ids, "both": lm.both_ids}
    subs = []
    for r, (s, i) in enumerate(zip(sentences, indices, strict=True)):
        t = str(s[i]).lower()
        own = word_forms(t) | {lemma(t)}  # both cached
        subs.append([w for src in sources for w in substitute_lemmas(words, ids[src][r], own, k)])
    return subs


def context_lemmas(tokens: Sequence[str], index: int, window: int = CONTEXT_WINDOW) -> list[str]:
    """Lemmatised content words within `window` tokens of the target (its own forms left out)."""

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

