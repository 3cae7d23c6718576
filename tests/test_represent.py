"""senses.represent as scikit-learn composes it: parameters, cloning, the weighted FeatureUnion, the bag LSA."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD
from sklearn.pipeline import FeatureUnion, Pipeline

from benchmarks import representations as candidates
from senses import represent
from senses.represent import Occurrences, Representer

BAGS = [["river", "shore", "river"], ["shore", "water"], ["cash", "loan"], ["loan", "bank", "cash", "cash"],
        [], ["water", "boat"]]


def _occurrences(n: int = 24, seed: int = 0) -> Occurrences:
    rng = np.random.default_rng(seed)
    pools = (["river", "shore", "water", "boat"], ["cash", "loan", "account", "credit"])
    subs = [list(rng.choice(pools[i % 2], 3)) for i in range(n)]
    return Occurrences(rng.normal(size=(n, 3, 8)).astype(np.float32), ["bank" if i % 3 else "Banks" for i in range(n)],
                       subs, [s[:1] for s in subs], rng.normal(size=(n, 5)).astype(np.float32),
                       rng.normal(size=(n, 5)).astype(np.float32))


def _tfidf(bags: list[list[str]]) -> tuple[np.ndarray, list[str]]:
    """Sublinear TF-IDF by hand: (1 + ln tf) x (ln((1 + n) / (1 + df)) + 1), rows unit length, sorted columns."""
    vocab = sorted({w for b in bags for w in b})
    counts = np.array([[b.count(w) for w in vocab] for b in bags], float)
    tf = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0)
    x = tf * (np.log((1 + len(bags)) / (1 + (counts > 0).sum(0))) + 1)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12), vocab


def test_bag_lsa_is_sublinear_tfidf_then_truncated_svd():
    x, vocab = _tfidf(BAGS)
    lsa = represent.bag_lsa(dim=3, seed=0)
    y = lsa.fit_transform(BAGS)
    assert list(lsa.named_steps["counts"].get_feature_names_out()) == vocab  # columns in sorted word order
    svd = TruncatedSVD(3, random_state=0).fit(x)
    want = svd.transform(x).astype(np.float32)
    want[4] = want[[0, 1, 2, 3, 5]].mean(0)  # the empty bag sits at the mean of the others
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    assert y.dtype == np.float32 and y.shape == (6, 3)
    assert np.allclose(y, want, atol=1e-5)
    assert np.allclose(lsa.transform([["river", "shore", "river"], ["unknown"]]), y[[0, 4]], atol=1e-6)


def test_bag_lsa_keeps_its_dimension_rule():
    # d = min(dim, n - 1, vocabulary - 1): 2 bags -> d = 1 < 2 -> no SVD, the TF-IDF rows as they are
    two = [["river", "shore"], ["cash"]]
    x, _ = _tfidf(two)
    assert np.allclose(represent.bag_lsa(dim=50).fit_transform(two), x, atol=1e-6)
    assert represent.bag_lsa(dim=50).fit(BAGS).named_steps["lsa"].svd_.n_components == 5  # n - 1
    assert represent.bag_lsa(dim=2).fit(BAGS).named_steps["lsa"].svd_.n_components == 2
    # no word at all: one constant column
    none = represent.WordBags().fit_transform(Occurrences(np.zeros((3, 3, 4), np.float32), substitutes=[[], [], []]))
    assert none.shape == (3, 1) and np.all(none == 1.0)


def test_representer_keeps_its_parameters_and_clones():
    rep = Representer(represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED, layer=0, weights=(1.0, 0.0, 0.0), seed=3)
    params = rep.get_params(deep=False)
    assert params == {"representation": represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED, "layer": 0,
                      "weights": (1.0, 0.0, 0.0), "seed": 3, "catalogue": None}
    assert Representer(**params).get_params(deep=False) == params
    occ = _occurrences()
    x = rep.fit_transform(occ)
    assert rep.representation == represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED  # not rewritten
    assert rep.representation_ == represent.LAYER_VECTORS  # layer 0 is the form itself: the layer vectors as they are
    assert np.array_equal(x, occ.layers[:, 0])
    twin = clone(rep)
    assert twin.get_params(deep=False) == params and not hasattr(twin, "parts_")
    assert np.array_equal(twin.fit_transform(occ), x)
    bench = candidates.representer(candidates.NO_LAYER_0, seed=1)
    assert clone(bench).get_params(deep=False) == bench.get_params(deep=False)


def test_representation_is_a_weighted_feature_union_of_parts():
    occ = _occurrences()
    rep = Representer(represent.SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE)
    x = rep.fit_transform(occ)
    union = rep.parts_.named_steps["parts"]
    assert isinstance(rep.parts_, Pipeline) and isinstance(union, FeatureUnion)
    assert [n for n, _ in union.transformer_list] == ["context vectors", "substitutes", "discourse"]
    assert union.transformer_weights == {"discourse": represent.DISCOURSE_WEIGHT}
    assert rep.reads == {"substitutes", "context_vectors", "discourse_vectors"} and not rep.uses_layers
    context = represent.ContextVectors().fit_transform(occ)
    bags = represent.WordBags().fit_transform(occ)
    discourse = represent.ContextVectors(represent.DISCOURSE_VECTORS).fit_transform(occ)
    assert x.dtype == np.float32 and x.shape == (len(occ), 5 + bags.shape[1] + 5)
    assert np.array_equal(x, np.hstack([context, bags, represent.DISCOURSE_WEIGHT * discourse]))
    # a new occurrence goes through the same fitted parts
    assert np.array_equal(rep.transform(occ), x)
    heavier = clone(rep.parts_).set_params(parts__transformer_weights={"discourse": 2.0}).fit_transform(occ)
    assert np.allclose(heavier[:, -5:], 2.0 * discourse) and np.array_equal(heavier[:, :-5], x[:, :-5])


def test_a_part_says_which_input_is_missing():
    occ = Occurrences(np.zeros((4, 3, 8), np.float32), ["bank"] * 4, context_vectors=np.ones((4, 5), np.float32))
    with pytest.raises(ValueError, match="substitutes"):
        Representer(represent.SUBSTITUTES_CONTEXT_VECTORS).fit(occ)
    with pytest.raises(ValueError, match="unknown representation 'no-layer-0'"):
        Representer(candidates.NO_LAYER_0).fit(occ)  # a benchmark candidate: not in the library's catalogue
    assert candidates.representer(candidates.NO_LAYER_0).fit_transform(occ).shape == (4, 8)


def test_occurrence_inputs_compute_what_the_representation_reads():
    tokens = [["the", "bank", "of", "the", "river"], ["cash", "in", "the", "bank"]]
    layers = np.zeros((2, 3, 8), np.float32)
    words, missing = represent.occurrence_inputs(layers, {"forms", "context_words"}, tokens, [1, 3])
    assert words.forms == ["bank", "bank"] and words.context_words == [["river"], ["cash"]]
    assert words.context_vectors is None and words.substitutes is None and missing == []
    empty, missing = represent.occurrence_inputs(layers, Representer().reads, tokens, [1, 3])
    assert empty.substitutes == [[], []] and "substitutes" in missing
    assert empty.context_vectors.shape[0] == 2 and empty.discourse_vectors is None
    blind, _ = represent.occurrence_inputs(layers[:1], {"forms", "context_vectors"})  # no words: the mean
    assert blind.forms == [""] and blind.context_vectors.shape == (1, 1) and not blind.context_vectors.any()
