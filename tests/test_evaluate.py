"""benchmarks.evaluate: the word-sense benchmark's command line and results files (tiny random model: figures
are meaningless, the plumbing is what is tested)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks import evaluate as ev
from corpora import senseval as sv
from corpora.senseval import senseval_available
from senses import accuracy as acc

needs_senseval = pytest.mark.skipif(not senseval_available(),
                                    reason="NLTK senseval corpus not found (set NLTK_DATA to a folder with "
                                           "corpora/senseval.zip)")


def test_results_roundtrip(tmp_path):
    import pandas as pd

    df = pd.DataFrame([["hard", "layer 1", 10, 3, 0.5, 0.6, 0.1, 0.9, 2, 0.2, 0.8],
                       ["hard", acc.MFS, 10, 3, 0.8, 0.8, np.nan, np.nan, 1, np.nan, np.nan]], columns=acc.COLUMNS)
    j, m = ev.write_results(df, tmp_path / "out", {"model": "tiny", "words": ["hard"], "seconds": 1.0})
    back, meta = acc.read_results(j)
    assert meta["model"] == "tiny" and list(back.columns) == acc.COLUMNS and len(back) == 2
    assert np.isnan(back.loc[1, "ari_auto"])
    assert json.loads(j.read_text())["rows"][1]["ari_auto"] is None
    text = m.read_text()
    assert "| hard | layer 1 | 10 | 3 | 0.500 | 0.600 | 0.100 | 0.900 | 2 | 0.200 | 0.800 |" in text
    assert "Mean over words" in text and "not the Senseval-2 lexical-sample task" in text
    assert "| ari_auto | ari_forms |" in text


@needs_senseval
@pytest.mark.slow
def test_cli_writes_json_and_markdown(tiny_model_dir, tmp_path, capsys):
    rc = ev.main(["--model", str(tiny_model_dir), "--words", "serve", "--max-per-word", "40",
                  "--out", str(tmp_path)])
    assert rc == 0
    out = capsys.readouterr().out
    assert "most frequent sense" in out and "Mean over words" in out
    payload = json.loads((tmp_path / acc.RESULTS_JSON).read_text())
    assert payload["words"] == ["serve"] and payload["max_per_word"] == 40 and len(payload["rows"]) == 9
    assert payload["window"] == sv.WINDOW and payload["static_vectors"]["library"].startswith("gensim")
    assert "| serve |" in (tmp_path / ev.RESULTS_MD).read_text()


@needs_senseval
@pytest.mark.slow
def test_compare_windows(tiny_elmo, tiny_model_dir, tmp_path):
    df = ev.compare_windows(tiny_elmo, ["serve"], [sv.SENTENCE, 3], max_per_word=30)
    assert df["window"].tolist() == ["sentence", "3"] and (df["n"] == 30).all()
    assert df.loc[1, "mean tokens"] <= 7 and df[["knn", "logreg"]].apply(lambda c: c.between(0, 1).all()).all()
    assert ev.main(["--model", str(tiny_model_dir), "--words", "serve", "--max-per-word", "30",
                    "--compare-windows", "sentence,3", "--out", str(tmp_path)]) == 0
    assert "| serve | sentence | 30 |" in (tmp_path / ev.WINDOWS_MD).read_text()
