"""senses.measured: example words chosen from the gold set and the benchmark results, figures the pages quote."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from senses import measured


def _gold(folder, word: str, senses: dict[str, int]) -> None:
    rows = [s for s, n in senses.items() for _ in range(n)]
    pd.DataFrame({"corpus": "wiki", "doc": range(len(rows)), "sent_id": 0, "sent_no": 0, "token_index": 0,
                  "form": word, "sense": rows}).to_csv(folder / f"{word}.tsv", sep="\t", index=False)


def test_picks_two_sense_words_the_default_view_separates(tmp_path):
    _gold(tmp_path, "bank", {"river": 60, "finance": 40})  # two senses, ARI 0.6
    _gold(tmp_path, "rock", {"stone": 50, "music": 30, "other": 5})  # two senses, ARI 0.9: first
    _gold(tmp_path, "cell", {"biology": 92, "battery": 8})  # two senses but 92 % one of them
    _gold(tmp_path, "plant", {"botany": 97, "factory": 3})  # one sense with >= 8 occurrences
    _gold(tmp_path, "key", {"important": 50, "button": 50})  # the view does not separate it (ARI 0.1)
    _gold(tmp_path, "seal", {"animal": 10, "close": 10, "name": 20})  # name does not count: ARI unknown
    name = measured.DEFAULT_CANDIDATE
    rows = [{"set": "wiki", "candidate": name, "word": w, "k_auto": 2, "ari_auto": a}
            for w, a in (("bank", 0.6), ("rock", 0.9), ("cell", 0.8), ("plant", 0.95), ("key", 0.1))]
    rows.append({"set": "wiki", "candidate": "another view", "word": "key", "k_auto": 2, "ari_auto": 0.99})
    results = tmp_path / "induction.json"
    results.write_text(json.dumps({"rows": rows, "summary": []}))
    table = measured.example_table(tmp_path, results).set_index("word")
    assert table.loc["cell", "majority_share"] == 0.92 and table.loc["plant", "senses"] == 1
    assert table.loc["rock", "senses"] == 2 and round(table.loc["rock", "majority_share"], 3) == round(50 / 85, 3)
    assert pd.isna(table.loc["seal", "ari_auto"]) and table.loc["key", "ari_auto"] == 0.1
    assert measured.pick_examples(table.reset_index()) == ["rock", "bank"]
    assert measured.pick_examples(table.reset_index(), n=1) == ["rock"]


def test_the_shipped_examples_follow_the_measurement():
    table = measured.example_table().set_index("word")
    words = measured.example_words()
    assert 3 <= len(words) <= measured.N_EXAMPLES
    assert "cell" not in words and "plant" not in words  # the default corpus uses them in one sense
    for w in words:
        assert table.loc[w, "senses"] >= 2 and table.loc[w, "majority_share"] <= measured.MAX_MAJORITY
        assert table.loc[w, "ari_auto"] >= measured.MIN_ARI
    assert list(table.loc[list(words), "ari_auto"]) == sorted(table.loc[list(words), "ari_auto"], reverse=True)


def test_misfit_shares_come_from_the_benchmark_summary(tmp_path):
    name = measured.DEFAULT_CANDIDATE
    summary = [{"set": "wiki", "candidate": name, "misfit_least_typical": 0.45, "misfit_all": 0.18},
               {"set": "senseval", "candidate": name, "misfit_least_typical": 0.55, "misfit_all": 0.32},
               {"set": "wiki", "candidate": "another view", "misfit_least_typical": 0.9, "misfit_all": 0.1},
               {"set": "wiki n=30", "candidate": name, "misfit_least_typical": 0.3, "misfit_all": 0.2}]
    results = tmp_path / "induction.json"
    results.write_text(json.dumps({"rows": [], "summary": summary}))
    assert measured.misfit_shares.__wrapped__(results) == {"wiki": (0.45, 0.18), "senseval": (0.55, 0.32)}
    assert measured.misfit_shares.__wrapped__(tmp_path / "missing.json") == {}


def test_number_text_three_decimals_no_negative_zero_dash_for_missing():
    assert [measured.number_text(v) for v in (0.797369, 1.0, -0.00968, -0.0004, np.float32(-0.0001))] == \
        ["0.797", "1.000", "-0.010", "0.000", "0.000"]
    assert [measured.number_text(v) for v in (None, float("nan"), pd.NA, 4333)] == ["–", "–", "–", "4333"]
    assert measured.number_text(-0.004, 2) == "0.00" and measured.number_text(0.056, 2) == "0.06"


def test_text_table_writes_every_figure_as_text():
    df = pd.DataFrame({"word": ["hard"], "n": [50], "knn": [0.79737], "ari": [None]}).astype({"ari": float})
    shown, numeric = measured.text_table(df)
    assert numeric == ["n", "knn", "ari"]
    assert shown.iloc[0].tolist() == ["hard", "50", "0.797", "–"]


def test_results_note_names_the_model_and_the_slice():
    from corpora.senseval import WINDOW, window_text

    note = measured.results_note({"model": "elmo/models/en", "max_per_word": None, "seconds": 12}, "r/e.json")
    assert note == f"Saved results (`r/e.json`): model `en`, all instances per word, biLM input {window_text(WINDOW)}, 12 s."
    assert "100 instances per word" in measured.results_note({"max_per_word": 100}, "e.json")
    assert note.endswith("12 s.") and measured.results_note({}, "e.json").endswith("? s.")
