"""senses.static: static (type) vectors vs contextual clusters, with the tiny random model."""

from __future__ import annotations

import numpy as np
import pytest

from senses import static as ss
from senses.explore import MIX

RIVER = "he sat on the bank of the river".split()
MONEY = "she deposited money in the bank".split()
SENTENCES = [RIVER, MONEY, "they walked along the bank".split(), "the bank was a cell".split()] * 4
INDICES = [s.index("bank") for s in SENTENCES]


def test_frequent_words():
    words = ss.frequent_words([["The", "bank", ",", "the", "river", "3"], ["the", "bank", "!"]], top=10)
    assert words == ["the", "bank", "river"]
    assert ss.frequent_words([["a", "b", "b"]], top=1) == ["b"]


def test_cosine_distance_range():
    a = np.array([1.0, 0.0])
    assert ss.cosine_distance(a, a) == pytest.approx(0.0)
    assert ss.cosine_distance(a, -a) == pytest.approx(2.0)
    d = ss.cosine_distance(np.array([[1.0, 0.0], [0.0, 1.0]]), a)
    assert d.shape == (2,) and d[1] == pytest.approx(1.0)


def test_static_neighbours(tiny_elmo):
    from tests.conftest import TINY_WORDS

    words = [w for w in TINY_WORDS if w.isalpha()]
    nb = ss.static_neighbours(tiny_elmo, "bank", words, k=5)
    assert list(nb.columns) == ["rank", "word", "similarity", "distance"]
    assert len(nb) == 5 and "bank" not in nb["word"].tolist()
    assert nb["similarity"].is_monotonic_decreasing
    assert nb["distance"].between(0, 2).all()
    assert np.allclose(nb["distance"], 1 - nb["similarity"], atol=1e-6)


def test_alone_vectors_layer0_is_type_vector(tiny_elmo):
    v = ss.alone_vectors(tiny_elmo, ["bank", "river"], 0)
    t = tiny_elmo.type_vectors(["bank", "river"])
    assert np.allclose(v, np.concatenate([t, t], 1), atol=1e-5)
    assert ss.alone_vectors(tiny_elmo, ["bank"], 2).shape == (1, tiny_elmo.dim)


def test_compare_table_per_cluster(tiny_elmo):
    cands = ["river", "money", "cash", "fish", "shore", "boat", "loan", "water"]
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=2, k=2, candidates=cands)
    t = comp.table
    assert list(t.columns) == ["cluster", "name", "size", "share", "substitutes", "nearest words",
                               "distance to static", "distance to mean"]
    assert len(t) == 2 == comp.clustering.k and t["size"].sum() == len(SENTENCES)
    assert t["distance to static"].between(0, 2).all() and t["distance to mean"].between(0, 2).all()
    assert 0 <= comp.static_to_mean <= 2
    assert all(isinstance(s, str) for s in t["substitutes"])  # tiny model has an LM head
    assert all(len(n.split(", ")) == 5 and "bank" not in n for n in t["nearest words"])
    assert comp.centroids.shape == (2, tiny_elmo.dim) and comp.static.shape == (tiny_elmo.dim,)
    fig = ss.contextual_figure(comp)
    names = [tr.name for tr in fig.data]
    assert "centroids" in names and any("average of meanings" in (n or "") for n in names)


def test_compare_auto_and_mix(tiny_elmo):
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=MIX, n_substitutes=0)
    assert comp.clustering.k >= 1 and len(comp.table) == comp.clustering.k
    with pytest.raises(ValueError):
        ss.compare(tiny_elmo, "bank", [], [])


def test_separability_per_layer(tiny_elmo):
    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    gold = ["river", "money", "river", "prison"] * 4
    sep = ss.separability(layers, gold)
    assert sep["layer"].tolist() == ["layer 0", "layer 1", "layer 2", "scalar mix"]
    assert sep["silhouette_gold"].between(-1, 1).all()
    assert sep.loc[0, "silhouette_gold"] == pytest.approx(0.0)  # layer 0: one vector for every "bank"
    assert ss.separability(layers)["silhouette_gold"].isna().all()


def test_substitutes_table_and_figures(tiny_elmo):
    subs = tiny_elmo.substitutes(RIVER, RIVER.index("bank"), k=5)
    df = ss.substitutes_table(subs)
    assert list(df.columns) == ["word", "forward", "backward", "combined"] and len(df) == 5
    assert df[["forward", "backward", "combined"]].apply(lambda c: c.between(0, 1).all()).all()
    assert df["combined"].sum() == pytest.approx(1.0)
    assert len(ss.substitutes_figure(df).data) == 3
    words = ["river", "money", "cash"]
    fig = ss.static_figure("bank", words, tiny_elmo.type_vectors(words), ss.type_vector(tiny_elmo, "bank"), ["river"])
    assert [tr.name for tr in fig.data] == ["frequent words", "nearest neighbours", "bank"]
