"""senses.evaluate: the word-sense benchmark on NLTK's senseval corpus (tiny random model: figures are meaningless,
the plumbing is what is tested)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from senses import evaluate as ev


def test_cut_window_keeps_target():
    toks = [f"w{i}" for i in range(200)]
    win, i = ev.cut_window(toks, 150, 40)
    assert len(win) == 81 and win[i] == "w150"
    win, i = ev.cut_window(toks, 3, 40)
    assert win[0] == "w0" and win[i] == "w3" and len(win) == 44


def test_cut_sentence_keeps_the_targets_sentence():
    toks = "j . p . smith said . the phone line was dead ! rates rose 8 . 5 % . he left".split()
    win, i = ev.cut_window(toks, toks.index("line"), ev.SENTENCE)
    assert win == "the phone line was dead !".split() and win[i] == "line"
    win, i = ev.cut_window(toks, 1, ev.SENTENCE)  # "j . p ." is no sentence end
    assert win == "j . p . smith said .".split() and i == 1
    win, _ = ev.cut_window(toks, toks.index("rates"), ev.SENTENCE)  # nor is the "." of 8.5
    assert win == "rates rose 8 . 5 % .".split()
    win, i = ev.cut_window(toks, len(toks) - 1, ev.SENTENCE)  # no final "."
    assert win == ["he", "left"] and i == 1


def test_stratified_subsample_proportional_and_seeded():
    y = np.array(["a"] * 700 + ["b"] * 250 + ["c"] * 50)
    idx = ev.stratified_subsample(y, 100, seed=0)
    assert len(idx) == 100 and len(set(idx)) == 100
    assert Counter(y[idx]) == {"a": 70, "b": 25, "c": 5}
    assert np.array_equal(idx, ev.stratified_subsample(y, 100, seed=0))
    assert not np.array_equal(idx, ev.stratified_subsample(y, 100, seed=1))
    rare = np.array(["a"] * 997 + ["b"] * 3)
    assert "b" in set(rare[ev.stratified_subsample(rare, 20)])  # every sense kept when there is room
    assert len(ev.stratified_subsample(y, 5000)) == 1000


def test_knn_mfs_and_folds():
    rng = np.random.default_rng(0)
    y = np.array(["x"] * 30 + ["y"] * 12)
    x = np.where((y == "x")[:, None], 1.0, -1.0) * np.ones((42, 4)) + 0.1 * rng.standard_normal((42, 4))
    folds = ev.make_folds(y)
    assert len(folds) == 5
    assert sorted(np.concatenate([te for _, te in folds]).tolist()) == list(range(42))
    knn, lr = ev.cv_accuracy(x, y, folds)
    assert knn == 1.0 and lr == 1.0
    assert ev.mfs_accuracy(y, folds) == pytest.approx(30 / 42)
    assert len(ev.make_folds(np.array(["a", "a", "b", "b"]))) == 2  # fewer folds for tiny slices


def test_knn_ties_take_the_majority():
    train = np.array([[1.0, 0.0]] * 5 + [[0.0, 1.0]])
    y = np.array(["b", "a", "a", "b", "a", "c"])  # identical vectors: 3 x a, 2 x b
    assert ev.knn_predict(train, y, np.array([[2.0, 0.1], [0.0, 3.0]])).tolist() == ["a", "c"]


def test_scalar_mix_probe_finds_the_informative_layer():
    rng = np.random.default_rng(0)
    n, d = 240, 6
    y = rng.integers(0, 2, n)
    layers = rng.standard_normal((n, 3, d)).astype(np.float32)
    layers[:, 1, 0] += np.where(y == 1, 3.0, -3.0)  # only layer 1 knows the sense
    out = ev.scalar_mix_probe(layers, y.astype(str), steps=300)
    acc = out["accuracy"]
    assert set(acc) == {"layer 0", "layer 1", "layer 2", "scalar mix"}
    assert all(0.0 <= v <= 1.0 for v in acc.values())
    assert acc["layer 1"] > 0.9 and acc["scalar mix"] > 0.9
    assert sum(out["weights"]) == pytest.approx(1.0, abs=1e-5)
    assert int(np.argmax(out["weights"])) == 1


def test_results_roundtrip(tmp_path):
    import pandas as pd

    df = pd.DataFrame([["hard", "layer 1", 10, 3, 0.5, 0.6, 0.1, 0.9, 2, 0.2, 0.8],
                       ["hard", ev.MFS, 10, 3, 0.8, 0.8, np.nan, np.nan, 1, np.nan, np.nan]], columns=ev.COLUMNS)
    j, m = ev.write_results(df, tmp_path / "out", {"model": "tiny", "words": ["hard"], "seconds": 1.0})
    back, meta = ev.read_results(j)
    assert meta["model"] == "tiny" and list(back.columns) == ev.COLUMNS and len(back) == 2
    assert np.isnan(back.loc[1, "ari_auto"])
    assert json.loads(j.read_text())["rows"][1]["ari_auto"] is None
    text = m.read_text()
    assert "| hard | layer 1 | 10 | 3 | 0.500 | 0.600 | 0.100 | 0.900 | 2 | 0.200 | 0.800 |" in text
    assert "Mean over words" in text and "not the Senseval-2 lexical-sample task" in text
    assert "| ari_auto | ari_forms |" in text


def test_ari_against_gold_and_forms():
    # two well separated groups that follow the word forms, not the senses
    x = np.array([[1.0, 0.0]] * 10 + [[0.0, 1.0]] * 10) + 0.01 * np.random.default_rng(0).standard_normal((20, 2))
    forms = np.array(["line"] * 10 + ["lines"] * 10)
    gold = np.array(["a", "b"] * 10)
    vs_gold, vs_forms, k = ev.ari(x, gold, 2, forms)
    assert k == 2 and vs_forms == pytest.approx(1.0) and vs_gold < 0.1
    assert np.isnan(ev.ari(x, gold, 2)[1])


def test_average_of_meanings_is_one_vector_per_form():
    v = np.arange(8, dtype=np.float32).reshape(4, 2)
    out = ev.average_of_meanings(v, ["a", "b", "a", "b"])
    assert np.allclose(out, [[2, 3], [4, 5], [2, 3], [4, 5]])


def test_sparse_bag_of_words_classifiers():
    from senses.baselines import bow_matrix

    toks = [["the", "phone", "line", "is", "dead"], ["wait", "in", "line", "here"]] * 20
    y = np.array(["cord", "queue"] * 20)
    x = bow_matrix(toks, [2, 2] * 20)
    folds = ev.make_folds(y)
    assert ev.cv_accuracy(x, y, folds) == (1.0, 1.0)


needs_senseval = pytest.mark.skipif(not ev.senseval_available(),
                                    reason="NLTK senseval corpus not found (set NLTK_DATA to a folder with "
                                           "corpora/senseval.zip)")


@needs_senseval
def test_load_senseval_matches_nltk():
    from nltk.corpus import senseval

    full = ev.load_senseval("interest")
    gold = Counter(i.senses[0] for i in senseval.instances("interest.pos"))
    assert Counter(full.senses.tolist()) == gold
    for toks, i, near, j in zip(full.tokens[:50], full.index[:50], full.near[:50], full.near_index[:50], strict=True):
        assert toks[i].lower().startswith("interest") and near[j] == toks[i] and len(near) <= 2 * ev.BASELINE_WINDOW + 1
    ten = ev.load_senseval("interest", window=10)
    assert max(map(len, ten.tokens)) <= 21 and ten.near == full.near
    small = ev.load_senseval("interest", 60)
    assert len(small) == 60 and set(small.senses) <= set(gold)


@needs_senseval
@pytest.mark.slow
def test_evaluate_small_slice(tiny_elmo):
    calls = []
    df = ev.evaluate(tiny_elmo, ["hard", "interest"], max_per_word=50, progress=lambda f, m: calls.append((f, m)))
    assert list(df.columns) == ev.COLUMNS
    feats = ["layer 0", "layer 1", "layer 2", ev.AVG, ev.MEANING, ev.BOW, ev.W2V, ev.STATIC, ev.MFS]
    assert df["features"].tolist() == feats * 2 and df["word"].tolist() == ["hard"] * 9 + ["interest"] * 9
    assert (df["n"] == 50).all()
    for col in ("knn", "logreg"):
        assert df[col].between(0, 1).all()
    dense = df[~df.features.isin([ev.MFS, ev.BOW])]
    assert dense["ari_auto"].between(-1, 1).all() and dense["ari_forms"].between(-1, 1).all()
    assert df.loc[df.features == ev.BOW, "ari_auto"].isna().all()  # no clustering of word counts
    # layer 0 and the average of meanings are one vector per form: both can only learn each form's majority
    row = df[(df.word == "hard") & df.features.isin(["layer 0", ev.MEANING])]
    assert row["logreg"].nunique() == 1
    for word in ("hard", "interest"):
        y = ev.load_senseval(word, 50).senses  # the same seeded slice, majority counted independently
        majority = Counter(y.tolist()).most_common(1)[0][1] / len(y)
        row = df[(df.word == word) & (df.features == ev.MFS)].iloc[0]
        assert row.knn == pytest.approx(majority) and row.logreg == pytest.approx(majority)
        assert row.senses == len(set(y.tolist()))
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


@needs_senseval
@pytest.mark.slow
def test_cli_writes_json_and_markdown(tiny_model_dir, tmp_path, capsys):
    rc = ev.main(["--model", str(tiny_model_dir), "--words", "serve", "--max-per-word", "40",
                  "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "most frequent sense" in out and "Mean over words" in out
    payload = json.loads((tmp_path / ev.RESULTS_JSON).read_text())
    assert payload["words"] == ["serve"] and payload["max_per_word"] == 40 and len(payload["rows"]) == 9
    assert payload["window"] == ev.WINDOW and payload["static_vectors"]["library"].startswith("gensim")
    assert "| serve |" in (tmp_path / ev.RESULTS_MD).read_text()


@needs_senseval
@pytest.mark.slow
def test_compare_windows(tiny_elmo, tiny_model_dir, tmp_path):
    df = ev.compare_windows(tiny_elmo, ["serve"], [ev.SENTENCE, 3], max_per_word=30)
    assert df["window"].tolist() == ["sentence", "3"] and (df["n"] == 30).all()
    assert df.loc[1, "mean tokens"] <= 7 and df[["knn", "logreg"]].apply(lambda c: c.between(0, 1).all()).all()
    assert ev.main(["--model", str(tiny_model_dir), "--words", "serve", "--max-per-word", "30",
                    "--compare-windows", "sentence,3", "--out", str(tmp_path)]) == 0
    assert "| serve | sentence | 30 |" in (tmp_path / ev.WINDOWS_MD).read_text()


def test_number_text_three_decimals_no_negative_zero_dash_for_missing():
    import numpy as np
    import pandas as pd

    from senses.evaluate import number_text

    assert [number_text(v) for v in (0.797369, 1.0, -0.00968, -0.0004, np.float32(-0.0001))] == \
        ["0.797", "1.000", "-0.010", "0.000", "0.000"]
    assert [number_text(v) for v in (None, float("nan"), pd.NA, 4333)] == ["–", "–", "–", "4333"]
    assert number_text(-0.004, 2) == "0.00" and number_text(0.056, 2) == "0.06"
