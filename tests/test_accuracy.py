"""senses.accuracy: word-sense accuracy of target vectors on NLTK's senseval data (tiny random model: figures
are meaningless, the plumbing is what is tested)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from corpora import senseval as sv
from corpora.senseval import senseval_available
from senses import accuracy as acc

needs_senseval = pytest.mark.skipif(not senseval_available(),
                                    reason="NLTK senseval corpus not found (set NLTK_DATA to a folder with "
                                           "corpora/senseval.zip)")


def test_knn_mfs_and_folds():
    rng = np.random.default_rng(0)
    y = np.array(["x"] * 30 + ["y"] * 12)
    x = np.where((y == "x")[:, None], 1.0, -1.0) * np.ones((42, 4)) + 0.1 * rng.standard_normal((42, 4))
    folds = acc.make_folds(y)
    assert len(folds) == 5
    assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(42))
    knn, lr = acc.cv_accuracy(x, y, folds)
    assert knn == 1.0 and lr == 1.0
    assert acc.mfs_accuracy(y, folds) == pytest.approx(30 / 42)
    assert len(acc.make_folds(np.array(["a", "a", "b", "b"]))) == 2  # fewer folds for tiny slices


def test_knn_ties_take_the_majority():
    train = np.array([[1.0, 0.0]] * 5 + [[0.0, 1.0]])
    y = np.array(["b", "a", "a", "b", "a", "c"])  # identical vectors: 3 x a, 2 x b
    assert acc.knn_predict(train, y, np.array([[2.0, 0.1], [0.0, 3.0]])).tolist() == ["a", "c"]


def test_scalar_mix_probe_finds_the_informative_layer():
    rng = np.random.default_rng(0)
    n, d = 240, 6
    y = rng.integers(0, 2, n)
    layers = rng.standard_normal((n, 3, d)).astype(np.float32)
    layers[:, 1, 0] += np.where(y == 1, 3.0, -3.0)  # only layer 1 knows the sense
    out = acc.scalar_mix_probe(layers, y.astype(str), steps=300)
    shares = out["accuracy"]
    assert set(shares) == {"layer 0", "layer 1", "layer 2", "scalar mix"}
    assert all(0.0 <= v <= 1.0 for v in shares.values())
    assert shares["layer 1"] > 0.9 and shares["scalar mix"] > 0.9
    assert sum(out["weights"]) == pytest.approx(1.0, abs=1e-5)
    assert int(np.argmax(out["weights"])) == 1


def test_probe_figure_and_weights():
    out = {"accuracy": {"layer 0": 0.5, "layer 1": 0.75, "scalar mix": 0.8}, "weights": [0.2, 0.3333, 0.4667],
           "gamma": 1.2, "n_train": 70, "n_test": 30}
    fig = acc.probe_figure(out, "line")
    assert fig.layout.title.text == "'line': test accuracy (30 held out)"
    assert list(fig.data[0].x) == ["layer 0", "layer 1", "scalar mix"] and list(fig.data[0].text) == ["0.50", "0.75", "0.80"]
    w = acc.probe_weights(out)
    assert w["layer"].tolist() == ["layer 0", "layer 1", "layer 2"] and w["learned weight"].tolist() == [0.2, 0.333, 0.467]


@needs_senseval
def test_probe_word_trains_on_a_senseval_slice(tiny_elmo):
    out = acc.probe_word(tiny_elmo, "line", 60, steps=5)
    assert set(out["accuracy"]) == {"layer 0", "layer 1", "layer 2", "scalar mix"}
    assert out["n_train"] + out["n_test"] == 60


def test_summary_figure_is_the_mean_over_words():
    import pandas as pd

    df = pd.DataFrame({"word": ["a", "b", "a", "b"], "features": ["layer 1", "layer 1", acc.MFS, acc.MFS],
                       "knn": [0.5, 0.7, 0.4, 0.4], "logreg": [0.6, 0.8, 0.4, 0.4], "ari_auto": 0.0,
                       "ari_forms": 0.0, "ari_gold_k": 0.0, "ari_forms_k": 0.0})
    fig = acc.summary_figure(df)
    assert [t.name for t in fig.data] == ["knn", "logreg"] and list(fig.data[0].x) == ["layer 1", acc.MFS]
    assert list(fig.data[0].y) == pytest.approx([0.6, 0.4]) and list(fig.data[1].y) == pytest.approx([0.7, 0.4])


def test_ari_against_gold_and_forms():
    # two well separated groups that follow the word forms, not the senses
    x = np.array([[1.0, 0.0]] * 10 + [[0.0, 1.0]] * 10) + 0.01 * np.random.default_rng(0).standard_normal((20, 2))
    forms = np.array(["line"] * 10 + ["lines"] * 10)
    gold = np.array(["a", "b"] * 10)
    vs_gold, vs_forms, k = acc.ari(x, gold, 2, forms)
    assert k == 2 and vs_forms == pytest.approx(1.0) and vs_gold < 0.1
    assert np.isnan(acc.ari(x, gold, 2)[1])


def test_form_mean_vectors_are_one_vector_per_form():
    v = np.arange(8, dtype=np.float32).reshape(4, 2)
    out = acc.form_mean_vectors(v, ["a", "b", "a", "b"])
    assert np.allclose(out, [[2, 3], [4, 5], [2, 3], [4, 5]])


def test_sparse_bag_of_words_classifiers():
    from senses.baselines import bow_matrix

    toks = [["the", "phone", "line", "is", "dead"], ["wait", "in", "line", "here"]] * 20
    y = np.array(["cord", "queue"] * 20)
    x = bow_matrix(toks, [2, 2] * 20)
    folds = acc.make_folds(y)
    assert acc.cv_accuracy(x, y, folds) == (1.0, 1.0)


@needs_senseval
@pytest.mark.slow
def test_evaluate_small_slice(tiny_elmo):
    calls = []
    df = acc.evaluate(tiny_elmo, ["hard", "interest"], max_per_word=50, progress=lambda f, m: calls.append((f, m)))
    assert list(df.columns) == acc.COLUMNS
    feats = ["layer 0", "layer 1", "layer 2", acc.AVG, acc.MEANING, acc.BOW, acc.W2V, acc.STATIC, acc.MFS]
    assert df["features"].tolist() == feats * 2 and df["word"].tolist() == ["hard"] * 9 + ["interest"] * 9
    assert (df["n"] == 50).all()
    for col in ("knn", "logreg"):
        assert df[col].between(0, 1).all()
    dense = df[~df.features.isin([acc.MFS, acc.BOW])]
    assert dense["ari_auto"].between(-1, 1).all() and dense["ari_forms"].between(-1, 1).all()
    assert df.loc[df.features == acc.BOW, "ari_auto"].isna().all()  # no clustering of word counts
    # layer 0 and the average of meanings are one vector per form: both can only learn each form's majority
    row = df[(df.word == "hard") & df.features.isin(["layer 0", acc.MEANING])]
    assert row["logreg"].nunique() == 1
    for word in ("hard", "interest"):
        y = sv.load_senseval(word, 50).senses  # the same seeded slice, majority counted independently
        majority = Counter(y.tolist()).most_common(1)[0][1] / len(y)
        row = df[(df.word == word) & (df.features == acc.MFS)].iloc[0]
        assert row.knn == pytest.approx(majority) and row.logreg == pytest.approx(majority)
        assert row.senses == len(set(y.tolist()))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
