"""The representations the Explorer offers: scikit-learn transformers composed with Pipeline / FeatureUnion.

The Explorer clusters the occurrences of a word. Clustered as they come, the biLM's vectors follow the
word's spelling (layer 0 is the char-CNN encoding of the form itself, and layers 1-2 still carry it), so
"cells" / "cell" / "Cell" become three clusters. The representations here follow the meaning:

* ``substitutes+context-vectors+discourse`` (the default): the substitutes beside the context vectors, beside
  DISCOURSE_WEIGHT x a "one sense per discourse" vector (Gale, Church & Yarowsky 1992);
* ``substitutes+context-vectors``: the substitutes beside the context vectors, equal weights;
* ``substitutes+context-vectors+form-centred``: both, plus FORM_CENTRED_WEIGHT x the form-centred layer vectors;
* ``layers``: the layer mix as the page sets it (the vectors as they are; they follow the spelling).

The parts (each a transformer reading one field of an Occurrences object):

* substitutes (SubstituteBags): Amrami & Goldberg (2018): the words the forward head, the backward head and their
  sum put at the target (one batched pass, ELMo.substitute_log_probs; N_SUBSTITUTES content words each),
  lemmatised, the target's own forms dropped, as a sublinear TF-IDF bag per occurrence reduced by truncated
  SVD (LSA, bag_lsa);
* context vectors (ContextVectors): the context words through the shipped Word2Vec vectors
  (senses.baselines.StaticVectors, trained on the model's own training text): the weighted mean of the static
  vectors of the content words within WORD2VEC_WINDOW tokens (weights: SIF-like frequency weight x distance
  decay), centred over the occurrences. Unlike a bag, two contexts with related but different words
  ("membrane" / "tissue") come out close: semantic smoothing;
* discourse (ContextVectors of the discourse vectors): the frequency-weighted mean Word2Vec vector of the
  content words of the occurrence's own and nearest sentences of its document (corpora.search.wide_window,
  at most 300 tokens; the search's frame column _wide_tokens), centred. For Senseval the instance's whole
  context is the document. Chosen on the tuning half (radius 1 / 2 / all x weight 0.25-1.5; best all, 0.5:
  ARI 0.430 -> 0.456); report half 0.499 -> 0.528, Senseval auto-k 0.223 -> 0.298; Senseval at gold k
  0.350 -> 0.338 (-0.012: the only figure that does not improve; the page shows auto-k clusters);
* form-centred layers (FormCentred): the mix of layers 1..L-1 minus the mean vector of the occurrence's
  surface form (shrunk towards the mean of all occurrences for rare forms, FORM_SHRINK pseudo-occurrences);
* layers (LayerMix): one layer or the scalar mix.

The benchmark's other candidates (bags of context words, layer-0 residual, ...) are built from these parts
in benchmarks/representations.py. Clusters: senses.cluster.cluster. The substitutes also name the clusters
(senses.naming) without any further LM pass. The symmetric pattern ("target and _") of Amrami & Goldberg was
tried (ELMo.substitute_log_probs(pattern="and")); with this model its substitutes follow the form (form-ARI
~0.5), so it is not used.

Parameters (WORD2VEC_WINDOW, the weights, OVER_K) were chosen on the tuning half of the wiki gold words (even
positions of the sorted list, wiki_half) and checked on the report half and Senseval. Tried there and not
kept (no gain on the tuning half): probability-weighted or sampled substitute bags (Amrami & Goldberg's
representatives), the substitutes' mean Word2Vec vector, Ward / k-means / spectral clustering, silhouette
and resampling-stability auto-k. NULL_MARGIN = 0 was level on the tuning half (+0.006 ARI) and is kept at 0.02.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted

from elmo.mix import MIX, scalar_mix

from .baselines import shipped_vectors
from .cluster import normalize
from .naming import STOPWORDS, context_positions, context_words, lemma, word_forms

SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE = "substitutes+context-vectors+discourse"
SUBSTITUTES_CONTEXT_VECTORS = "substitutes+context-vectors"
SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED = "substitutes+context-vectors+form-centred"
LAYER_VECTORS = "layers"
LABELS = {  # what the pages call them: the parts the id names (the layer mix: the app's "contextual vectors")
    SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE: "substitutes + context vectors + discourse",
    SUBSTITUTES_CONTEXT_VECTORS: "substitutes + context vectors",
    SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED: "substitutes + context vectors + form-centred",
    LAYER_VECTORS: "contextual vectors",
}
# the fields of Occurrences a part reads
LAYER_FIELD, FORMS, SUBSTITUTES_FIELD, CONTEXT_WORDS, CONTEXT_VECTORS, DISCOURSE_VECTORS = (
    "layers", "forms", "substitutes", "context_words", "context_vectors", "discourse_vectors")
FORM_CENTRED_WEIGHT = 0.3  # weight of the form-centred layer vectors beside the substitutes and context vectors
DISCOURSE_WEIGHT = 0.5  # weight of the discourse vector beside the substitutes and the context vector
FORM_SHRINK = 3.0  # pseudo-occurrences pulling a rare form's mean towards the mean of all occurrences
N_SUBSTITUTES = 20  # substitutes kept per direction and occurrence
LSA_DIM = 50
SOURCES = ("forward", "backward", "both")
CONTEXT_WINDOW = 10
SUBSTITUTE_STOP = frozenset({"s", "'s", "n't", "unk"})
WORD2VEC_WINDOW = 20  # context words on each side for the Word2Vec context vector
WORD2VEC_SIF = 100.0  # frequency weight (r + 1) / (r + 1 + WORD2VEC_SIF) for the word of frequency rank r (Zipf: ~ SIF a / (a + p))
WORD2VEC_DECAY = 0.5  # distance weight 1 / (1 + distance) ** WORD2VEC_DECAY

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


# ---- word bags: sublinear TF-IDF, LSA -----------------------------------------------------------------


def _words(bag: Sequence[str]) -> Sequence[str]:
    """CountVectorizer's analyzer: a bag is already its words."""
    return bag


class TruncatedLSA(TransformerMixin, BaseEstimator):
    """TruncatedSVD to d = min(dim, n - 1, vocabulary - 1) dimensions, fitted on the TF-IDF rows; below 2
    dimensions no SVD (the TF-IDF rows as they are). Dense float32 rows."""

    def __init__(self, dim: int = LSA_DIM, seed: int = 0):
        self.dim = dim
        self.seed = seed

    def fit(self, x, y=None) -> TruncatedLSA:
        d = min(self.dim, x.shape[0] - 1, x.shape[1] - 1)
        self.svd_ = TruncatedSVD(d, random_state=self.seed).fit(x) if d >= 2 else None
        return self

    def transform(self, x) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(x.toarray() if self.svd_ is None else self.svd_.transform(x), np.float32)


class FillEmpty(TransformerMixin, BaseEstimator):
    """A zero row (an occurrence without words) set to the mean of the fitted non-zero rows: cosine needs a
    direction."""

    def fit(self, y: np.ndarray, _=None) -> FillEmpty:
        empty = np.linalg.norm(y, axis=1) < 1e-9
        self.fill_ = y[~empty].mean(0) if (~empty).any() else np.ones(y.shape[1], np.float32)
        return self

    def transform(self, y: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        y = np.array(y, np.float32)
        y[np.linalg.norm(y, axis=1) < 1e-9] = self.fill_
        return y


def bag_lsa(dim: int = LSA_DIM, seed: int = 0) -> Pipeline:
    """Word bags (lists of words) -> counts (columns in sorted word order) -> sublinear TF-IDF -> LSA
    (TruncatedLSA) -> empty rows filled -> unit length. Fitted on the occurrences, it also places a new bag
    (your own sentence) in the same space."""
    return Pipeline([("counts", CountVectorizer(analyzer=_words, lowercase=False)),
                     ("tfidf", TfidfTransformer(sublinear_tf=True)),
                     ("lsa", TruncatedLSA(dim, seed)),
                     ("fill", FillEmpty()),
                     ("unit", FunctionTransformer(normalize))])


# ---- the occurrences and the parts reading them ----------------------------------------------------


@dataclass(frozen=True)
class Occurrences:
    """What the representations read of n occurrences of a word (occurrence_inputs computes what one needs)."""

    layers: np.ndarray  # (n, L, D) the target's biLM layers
    forms: Sequence[str] = ()  # the target's surface form
    substitutes: Sequence[Sequence[str]] | None = None  # lemmatised LM substitutes (occurrence_substitutes)
    context_words: Sequence[Sequence[str]] | None = None  # lemmatised context words (context_lemmas)
    context_vectors: np.ndarray | None = None  # (n, dim) word2vec_context_vectors
    discourse_vectors: np.ndarray | None = None  # (n, dim) word2vec_discourse_vectors

    def __len__(self) -> int:
        return len(self.layers)


class Part(TransformerMixin, BaseEstimator):
    """A transformer of Occurrences; `reads` names the fields it uses."""

    reads: tuple[str, ...] = ()

    def _field(self, occ: Occurrences, field: str):
        v = getattr(occ, field)
        if v is None:
            raise ValueError(f"{type(self).__name__} needs the occurrences' {field.replace('_', ' ')}")
        return v

    def fit(self, occ: Occurrences, y=None):
        return self


def upper_mix(layers: np.ndarray, weights: Sequence[float] | None = None) -> np.ndarray:
    """Scalar mix of layers 1..L-1 (layer 0, the form's own vector, left out); weights as for all L layers."""

    w = list(weights) if weights else [0.0] * layers.shape[1]
    return mix_layers(layers[:, 1:], "mix", w[1:] if len(w) == layers.shape[1] else w)


def upper_layers(layers: np.ndarray, layer: int | str = MIX, weights: Sequence[float] | None = None) -> np.ndarray:
    """The mix of layers 1..L-1 (layer "mix"), or one layer."""
    layers = np.asarray(layers, np.float32)
    return upper_mix(layers, weights) if layer == MIX else mix_layers(layers, layer)


class LayerMix(Part):
    """The layer mix as the page sets it: one layer, or elmo.mix.scalar_mix of all of them (layer "mix")."""

    reads = (LAYER_FIELD,)

    def __init__(self, layer: int | str = MIX, weights: Sequence[float] | None = None):
        self.layer = layer
        self.weights = weights

    def transform(self, occ: Occurrences) -> np.ndarray:
        return mix_layers(self._field(occ, LAYER_FIELD), self.layer, self.weights)


class FormCentred(Part):
    """Unit-length upper_layers minus the (shrunk) mean of the occurrence's form (FormCentring), unit length."""

    reads = (LAYER_FIELD, FORMS)

    def __init__(self, layer: int | str = MIX, weights: Sequence[float] | None = None, shrink: float = FORM_SHRINK):
        self.layer = layer
        self.weights = weights
        self.shrink = shrink

    def _unit(self, occ: Occurrences) -> np.ndarray:
        return normalize(upper_layers(self._field(occ, LAYER_FIELD), self.layer, self.weights))

    def fit(self, occ: Occurrences, y=None) -> FormCentred:
        self.centring_ = FormCentring(self.shrink).fit(self._unit(occ), occ.forms)
        return self

    def transform(self, occ: Occurrences) -> np.ndarray:
        check_is_fitted(self)
        return normalize(self.centring_.transform(self._unit(occ), occ.forms))


class ContextVectors(Part):
    """A field of static vectors (the context vectors, or the discourse vectors) centred over the fitted
    occurrences, unit length (Centring). A new occurrence whose vectors have another width (no static
    vectors) sits at the mean."""

    def __init__(self, field: str = CONTEXT_VECTORS):
        self.field = field

    @property
    def reads(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def fit(self, occ: Occurrences, y=None) -> ContextVectors:
        self.centring_ = Centring().fit(self._field(occ, self.field))
        return self

    def transform(self, occ: Occurrences) -> np.ndarray:
        check_is_fitted(self)
        x = np.asarray(self._field(occ, self.field), np.float32)
        width = len(self.centring_.mean_)
        return self.centring_.transform(x if x.shape[1] == width else np.zeros((len(x), width), np.float32))


class WordBags(Part):
    """The bags of some word fields (the substitutes, the context words), joined per occurrence, through
    bag_lsa. Without any word at all: one constant column."""

    def __init__(self, fields: tuple[str, ...] = (SUBSTITUTES_FIELD,), dim: int = LSA_DIM, seed: int = 0):
        self.fields = fields
        self.dim = dim
        self.seed = seed

    @property
    def reads(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.fields)

    def _bags(self, occ: Occurrences) -> list[list[str]]:
        parts = [self._field(occ, f) for f in self.fields]
        return [[w for p in parts for w in p[i]] for i in range(len(parts[0]))]

    def fit(self, occ: Occurrences, y=None) -> WordBags:
        self.fit_transform(occ)
        return self

    def fit_transform(self, occ: Occurrences, y=None) -> np.ndarray:
        bags = self._bags(occ)
        self.lsa_ = bag_lsa(self.dim, self.seed) if any(bags) else None
        return self.lsa_.fit_transform(bags) if self.lsa_ is not None else np.ones((len(bags), 1), np.float32)

    def transform(self, occ: Occurrences) -> np.ndarray:
        check_is_fitted(self)
        bags = self._bags(occ)
        return self.lsa_.transform(bags) if self.lsa_ is not None else np.ones((len(bags), 1), np.float32)


def _float32(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, np.float32)


def weighted(*parts: tuple[str, Part, float | None]) -> Pipeline:
    """Parts side by side (FeatureUnion), each (name, part, weight; None: 1), as float32."""
    return Pipeline([("parts", FeatureUnion([(n, p) for n, p, _ in parts],
                                            transformer_weights={n: w for n, _, w in parts if w is not None} or None)),
                     ("float32", FunctionTransformer(_float32))])


def substitutes_context_vectors(*parts: tuple[str, Part, float], seed: int = 0) -> Pipeline:
    """The context vectors beside the substitutes, equal weights, and any further (name, part, weight)."""
    return weighted(("context vectors", ContextVectors(), None), ("substitutes", WordBags(seed=seed), None), *parts)


# A representation: (layer, weights, seed) -> its parts: one Part, or Parts side by side (weighted)
Build = Callable[[int | str, Sequence[float] | None, int], TransformerMixin]


def _discourse(layer: int | str, weights: Sequence[float] | None, seed: int) -> Pipeline:
    return substitutes_context_vectors(("discourse", ContextVectors(DISCOURSE_VECTORS), DISCOURSE_WEIGHT), seed=seed)


def _sentence(layer: int | str, weights: Sequence[float] | None, seed: int) -> Pipeline:
    return substitutes_context_vectors(seed=seed)


def _form_centred(layer: int | str, weights: Sequence[float] | None, seed: int) -> Pipeline:
    return substitutes_context_vectors(("form-centred", FormCentred(layer, weights), FORM_CENTRED_WEIGHT), seed=seed)


def _layers(layer: int | str, weights: Sequence[float] | None, seed: int) -> LayerMix:
    return LayerMix(layer, weights)


REPRESENTATIONS: dict[str, Build] = {
    SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE: _discourse,
    SUBSTITUTES_CONTEXT_VECTORS: _sentence,
    SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED: _form_centred,
    LAYER_VECTORS: _layers,
}


def reads(estimator) -> frozenset[str]:
    """The Occurrences fields a representation's parts read (a Part, a FeatureUnion or Pipeline of them)."""
    if isinstance(estimator, Pipeline):
        return reads(estimator.steps[0][1])
    if isinstance(estimator, FeatureUnion):
        return frozenset(f for _, part in estimator.transformer_list for f in reads(part))
    return frozenset(estimator.reads)


class Representer(TransformerMixin, BaseEstimator):
    """One representation (an id of `catalogue`, default REPRESENTATIONS), fitted on a word's occurrences:
    the vectors the Explorer clusters and plots, and the same map for new occurrences (your own sentence).
    An explicit layer 0 is the form itself: then the representation is LAYER_VECTORS (representation_ says so)."""

    def __init__(self, representation: str = SUBSTITUTES_CONTEXT_VECTORS, layer: int | str = MIX,
                 weights: Sequence[float] | None = None, seed: int = 0,
                 catalogue: Mapping[str, Build] | None = None):
        self.representation = representation
        self.layer = layer
        self.weights = weights
        self.seed = seed
        self.catalogue = catalogue

    def parts(self) -> TransformerMixin:
        """The unfitted parts of the representation (a Part, or Parts side by side: weighted)."""
        catalogue = REPRESENTATIONS if self.catalogue is None else self.catalogue
        r = self._id()
        if r not in catalogue:
            raise ValueError(f"unknown representation {r!r}; choose one of {', '.join(catalogue)}")
        return catalogue[r](self.layer, self.weights, self.seed)

    def _id(self) -> str:
        return LAYER_VECTORS if self.layer in (0, "0") else self.representation

    @property
    def reads(self) -> frozenset[str]:
        """The Occurrences fields the representation reads (occurrence_inputs computes them)."""
        return reads(self.parts())

    @property
    def uses_layers(self) -> bool:
        return LAYER_FIELD in self.reads

    def fit(self, occ: Occurrences, y=None) -> Representer:
        self.fit_transform(occ)
        return self

    def fit_transform(self, occ: Occurrences, y=None) -> np.ndarray:
        """The (n, d) vectors of the occurrences (float32; the benchmark's form-centred alone: float64)."""
        self.representation_ = self._id()
        self.parts_ = self.parts()
        self.nearest_ = None  # (layer mixes, vectors) of the fitted occurrences, for a representation of words only
        if len(occ) == 0:
            return np.zeros((0, np.asarray(occ.layers).shape[-1]), np.float32)
        x = self.parts_.fit_transform(occ)
        if not self.uses_layers:
            self.nearest_ = (self._layer_mix(occ.layers), x)
        return x

    def transform(self, occ: Occurrences) -> np.ndarray:
        """Map new occurrences like the fitted ones."""
        check_is_fitted(self)
        return self.parts_.transform(occ)

    def _layer_mix(self, layers: np.ndarray) -> np.ndarray:
        return normalize(upper_layers(layers, self.layer, self.weights))

    def nearest_fitted(self, layers: np.ndarray) -> np.ndarray:
        """For new occurrences known only by their (m, L, D) layers (no words): the vectors of the fitted
        occurrences nearest to them by the layer mix (cosine). Only for representations of words only."""
        check_is_fitted(self)
        if self.nearest_ is None:
            raise ValueError(f"the {self.representation_!r} representation places new occurrences by their words")
        mixes, vectors = self.nearest_
        return vectors[np.argmax(self._layer_mix(layers) @ mixes.T, axis=1)]


def occurrence_inputs(layers: np.ndarray, fields: frozenset[str] | set[str],
                      tokens: Sequence[Sequence[str]] | None = None, index: Sequence[int] | None = None,
                      substitutes: Sequence[Sequence[str]] | None = None,
                      discourse_tokens: Sequence[Sequence[str]] | None = None) -> tuple[Occurrences, list[str]]:
    """The Occurrences of n targets ((n, L, D) layers, the tokens of their sentences and their positions) with
    the fields a representation reads (Representer.reads), and what had to be left out: "substitutes" (none
    given: empty bags) and "Word2Vec vectors" (senses/static_vectors missing: one zero column, the mean).

    Without tokens (a sentence known by its vectors alone) the forms are "" and the word fields empty. The
    discourse is `discourse_tokens` (corpora.search's _wide_tokens), else the sentence itself."""
    n = len(layers)
    words = tokens is not None and index is not None
    if substitutes is not None and len(substitutes) != n:
        raise ValueError(f"{n} occurrences but {len(substitutes)} substitute lists")
    forms = [str(t[i]) for t, i in zip(tokens, index, strict=True)] if words else [""] * n
    missing = []
    if substitutes is None and SUBSTITUTES_FIELD in fields and n:
        substitutes = [[] for _ in range(n)]
        missing.append("substitutes")
    context = None
    if CONTEXT_WORDS in fields:
        context = [context_lemmas(t, i) for t, i in zip(tokens, index, strict=True)] if words else [[]] * n
    vectors: dict[str, np.ndarray | None] = {}
    if CONTEXT_VECTORS in fields:
        vectors[CONTEXT_VECTORS] = word2vec_context_vectors(tokens, index) if words else None
    if DISCOURSE_VECTORS in fields:
        vectors[DISCOURSE_VECTORS] = word2vec_discourse_vectors(
            discourse_tokens if discourse_tokens is not None else tokens, forms) if words else None
    if words and any(v is None for v in vectors.values()):
        missing.append("Word2Vec vectors")
    vectors = {f: np.zeros((n, 1), np.float32) if v is None else v for f, v in vectors.items()}
    return Occurrences(np.asarray(layers, np.float32), forms, substitutes, context,
                       vectors.get(CONTEXT_VECTORS), vectors.get(DISCOURSE_VECTORS)), missing


# ---- context through Word2Vec word vectors -----------------------------------------------------------


def word2vec_context_vectors(tokens: Sequence[Sequence[str]], indices: Sequence[int], word2vec=None,
                             window: int = WORD2VEC_WINDOW) -> np.ndarray | None:
    """Per occurrence, the weighted mean Word2Vec vector (senses.baselines.StaticVectors; default the shipped
    ones) of the content words within `window` tokens (the target's own forms left out): (n, dim), zero rows
    where no word is known; None without Word2Vec vectors.

    Weights: (r + 1) / (r + 1 + WORD2VEC_SIF) for the word of frequency rank r (the vocabulary is stored most
    frequent first; frequent words weigh less) x 1 / (1 + distance) ** WORD2VEC_DECAY."""
    return _word2vec_means(tokens, indices, [t[i] for t, i in zip(tokens, indices, strict=True)], window,
                           WORD2VEC_DECAY, word2vec)


def word2vec_discourse_vectors(wide_tokens: Sequence[Sequence[str]], forms: Sequence[str],
                               word2vec=None) -> np.ndarray | None:
    """Per occurrence, the weighted mean Word2Vec vector of the content words of its wide context
    (corpora.search.wide_window; the target's own forms left out), with the frequency weight of
    word2vec_context_vectors and no distance decay: (n, dim), zero rows where no word is known; None without
    Word2Vec vectors."""
    # index -1 and no window: every position is context
    return _word2vec_means(wide_tokens, [-1] * len(wide_tokens), forms, None, 0.0, word2vec)


def _word2vec_means(tokens: Sequence[Sequence[str]], indices: Sequence[int], forms: Sequence[str],
                    window: int | None, decay: float, word2vec=None) -> np.ndarray | None:
    """The weighted means of word2vec_context_vectors (window None: the whole token list)."""

    sv = word2vec if word2vec is not None else shipped_vectors()
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
            wt = (rows + 1) / (rows + 1 + WORD2VEC_SIF) / (1.0 + np.array([d for _, d in known])) ** decay
            out[n] = (sv.vectors[rows] * wt[:, None]).sum(0) / wt.sum()
    return out


class Centring(TransformerMixin, BaseEstimator):
    """Vectors minus their mean over the fitted occurrences (zero rows left out of it), unit length; an empty
    (zero) row sits at the mean."""

    def fit(self, x: np.ndarray, y=None) -> Centring:
        x = np.asarray(x, np.float32)
        known = np.linalg.norm(x, axis=1) > 1e-9
        self.mean_ = x[known].mean(0) if known.any() else np.zeros(x.shape[1], np.float32)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        x = np.asarray(x, np.float32).copy()
        empty = np.linalg.norm(x, axis=1) <= 1e-9
        x[empty] = self.mean_
        return normalize(x - self.mean_)


# ---- form-invariant layer vectors ------------------------------------------------------------------


def centre_by_form(x: np.ndarray, forms: Sequence[str], shrink: float = FORM_SHRINK) -> np.ndarray:
    """x minus the mean of each row's form; a form seen n times uses (sum + shrink * overall mean) / (n + shrink)."""
    return FormCentring(shrink).fit(x, forms).transform(x, forms)


class FormCentring:
    """Per-form means of vectors (shrunk towards the overall mean), subtracted from each vector of that form."""

    def __init__(self, shrink: float = FORM_SHRINK):
        self.shrink = shrink

    def fit(self, x: np.ndarray, forms: Sequence[str]) -> FormCentring:
        x = np.asarray(x, np.float32)
        forms_a = np.asarray([str(f) for f in forms])
        if len(x) != len(forms_a):
            raise ValueError(f"{len(x)} vectors but {len(forms_a)} forms")
        self.overall_ = x.mean(0) if len(x) else np.zeros(x.shape[1], np.float32)
        self.means_ = {}
        for f in np.unique(forms_a):
            m = forms_a == f
            self.means_[str(f)] = (x[m].sum(0) + self.shrink * self.overall_) / (m.sum() + self.shrink)
        return self

    def transform(self, x: np.ndarray, forms: Sequence[str]) -> np.ndarray:
        x = np.asarray(x, np.float32)
        return x - np.stack([self.means_.get(str(f), self.overall_) for f in forms]) if len(x) else x.copy()


