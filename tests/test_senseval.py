"""corpora.senseval: NLTK's senseval data as the project reads it (windows, sentences, seeded samples)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from corpora import senseval as sv
from corpora.senseval import senseval_available

needs_senseval = pytest.mark.skipif(not senseval_available(),
                                    reason="NLTK senseval corpus not found (set NLTK_DATA to a folder with "
                                           "corpora/senseval.zip)")


def test_cut_window_keeps_target():
    toks = [f"w{i}" for i in range(200)]
    win, i = sv.cut_window(toks, 150, 40)
    assert len(win) == 81 and win[i] == "w150"
    win, i = sv.cut_window(toks, 3, 40)
    assert win[0] == "w0" and win[i] == "w3" and len(win) == 44


def test_cut_sentence_keeps_the_targets_sentence():
    toks = "j . p . smith said . the phone line was dead ! rates rose 8 . 5 % . he left".split()
    win, i = sv.cut_window(toks, toks.index("line"), sv.SENTENCE)
    assert win == "the phone line was dead !".split() and win[i] == "line"
    win, i = sv.cut_window(toks, 1, sv.SENTENCE)  # "j . p ." is no sentence end
    assert win == "j . p . smith said .".split() and i == 1
    win, _ = sv.cut_window(toks, toks.index("rates"), sv.SENTENCE)  # nor is the "." of 8.5
    assert win == "rates rose 8 . 5 % .".split()
    win, i = sv.cut_window(toks, len(toks) - 1, sv.SENTENCE)  # no final "."
    assert win == ["he", "left"] and i == 1


def test_stratified_subsample_proportional_and_seeded():
    y = np.array(["a"] * 700 + ["b"] * 250 + ["c"] * 50)
    idx = sv.stratified_subsample(y, 100, seed=0)
    assert len(idx) == 100 and len(set(idx)) == 100
    assert Counter(y[idx]) == {"a": 70, "b": 25, "c": 5}
    assert np.array_equal(idx, sv.stratified_subsample(y, 100, seed=0))
    assert not np.array_equal(idx, sv.stratified_subsample(y, 100, seed=1))
    rare = np.array(["a"] * 997 + ["b"] * 3)
    assert "b" in set(rare[sv.stratified_subsample(rare, 20)])  # every sense kept when there is room
    assert len(sv.stratified_subsample(y, 5000)) == 1000


@needs_senseval
def test_load_senseval_matches_nltk():
    from nltk.corpus import senseval

    full = sv.load_senseval("interest")
    gold = Counter(i.senses[0] for i in senseval.instances("interest.pos"))
    assert Counter(full.senses.tolist()) == gold
    for toks, i, near, j in zip(full.tokens[:50], full.index[:50], full.near[:50], full.near_index[:50], strict=True):
        assert toks[i].lower().startswith("interest") and near[j] == toks[i] and len(near) <= 2 * sv.BASELINE_WINDOW + 1
    ten = sv.load_senseval("interest", window=10)
    assert max(map(len, ten.tokens)) <= 21 and ten.near == full.near
    small = sv.load_senseval("interest", 60)
    assert len(small) == 60 and set(small.senses) <= set(gold)
