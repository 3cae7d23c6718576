"""senses.evaluate: the Senseval-2 word-sense benchmark (tiny random model: figures are meaningless,
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

    df = pd.DataFrame([["hard", "layer 1", 10, 3, 0.5, 0.6, 0.1, 2, 0.2],
                       ["hard", ev.MFS, 10, 3, 0.8, 0.8, np.nan, 1, np.nan]], columns=ev.COLUMNS)
    j, m = ev.write_results(df, tmp_path / "out", {"model": "tiny", "words": ["hard"], "seconds": 1.0})
    back, meta = ev.read_results(j)
    assert meta["model"] == "tiny" and list(back.columns) == ev.COLUMNS and len(back) == 2
    assert np.isnan(back.loc[1, "ari_auto"])
    assert json.loads(j.read_text())["rows"][1]["ari_auto"] is None
    text = m.read_text()
    assert "| hard | layer 1 | 10 | 3 | 0.500 | 0.600 |" in text and "Mean over words" in text


needs_senseval = pytest.mark.skipif(not ev.senseval_available(),
                                    reason="NLTK senseval corpus not found (set NLTK_DATA to a folder with "
                                           "corpora/senseval.zip)")


@needs_senseval
def test_load_senseval_matches_nltk():
    from nltk.corpus import senseval

    full = ev.load_senseval("interest")
    gold = Counter(i.senses[0] for i in senseval.instances("interest.pos"))
    assert Counter(full.senses.tolist()) == gold
    for toks, i in zip(full.tokens[:50], full.index[:50], strict=True):
        assert toks[i].lower().startswith("interest") and len(toks) <= 2 * ev.WINDOW + 1
    small = ev.load_senseval("interest", 60)
    assert len(small) == 60 and set(small.senses) <= set(gold)


@needs_senseval
@pytest.mark.slow
def test_evaluate_small_slice(tiny_elmo):
    calls = []
    df = ev.evaluate(tiny_elmo, ["hard", "interest"], max_per_word=50, progress=lambda f, m: calls.append((f, m)))
    assert list(df.columns) == ev.COLUMNS
    feats = ["layer 0", "layer 1", "layer 2", ev.AVG, ev.STATIC, ev.MFS]
    assert df["features"].tolist() == feats * 2 and df["word"].tolist() == ["hard"] * 6 + ["interest"] * 6
    assert (df["n"] == 50).all()
    for col in ("knn", "logreg"):
        assert df[col].between(0, 1).all()
    assert df.loc[df.features != ev.MFS, "ari_auto"].between(-1, 1).all()
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
    assert payload["words"] == ["serve"] and payload["max_per_word"] == 40 and len(payload["rows"]) == 6
    assert "| serve |" in (tmp_path / ev.RESULTS_MD).read_text()
