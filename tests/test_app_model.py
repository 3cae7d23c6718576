"""AppTest of pages/model.py: model card, evaluation slice, scalar-mix probe, bilm-tf upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpora.senseval import senseval_available

PAGE = Path(__file__).resolve().parents[1] / "pages" / "model.py"

needs_senseval = pytest.mark.skipif(not senseval_available(), reason="NLTK senseval corpus not found (set NLTK_DATA)")


@pytest.fixture
def app(tiny_model_dir, data_dir, monkeypatch):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    return AppTest.from_file(str(PAGE), default_timeout=60)


@pytest.fixture(scope="module")
def bilm_tf_pair(tmp_path_factory):
    """(options.json bytes, weights.hdf5 bytes) of a tiny model, and weights of a differently shaped one."""
    from elmo.io import export_bilm_tf
    from tests.conftest import make_tiny_model

    d = tmp_path_factory.mktemp("tf")
    opts, weights = export_bilm_tf(make_tiny_model(d / "a").bilm, d / "a_tf")
    other = make_tiny_model(d / "b")
    other_cfg = other.bilm.cfg
    other_cfg.lstm.projection_dim = 4  # a different shape, same option names
    from elmo.embedder import ELMo
    from elmo.model import BiLM

    _, wrong = export_bilm_tf(ELMo(BiLM(other_cfg)).bilm, d / "b_tf")
    return opts.read_bytes(), weights.read_bytes(), wrong.read_bytes()


def test_model_card_summary(app):
    at = app.run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Model"]
    assert "Model card" in [h.value for h in at.header]
    card = at.table[0].value
    rows = dict(zip(card.iloc[:, 0], card.iloc[:, 1], strict=True))
    assert int(rows["parameters"].replace(",", "")) > 0 and rows["vector size per layer (2P)"] == "16"
    if not senseval_available():  # no NLTK data: clear messages instead of the benchmark and the demo
        assert sum("Senseval corpus is not available" in i.value for i in at.info) == 2


@needs_senseval
def test_evaluation_table_on_a_slice(app):
    at = app.run()
    at.multiselect(key="eval_words").set_value(["hard"])
    at.slider(key="eval_n").set_value(30)
    at.button(key="eval_run").click().run()
    assert not at.exception and not at.error
    tables = [d.value for d in at.dataframe if "logreg" in d.value.columns]
    df = tables[-1]  # the run's table comes after any stored benchmark table
    # the page shows the figures as text (3 decimals, "–" where one does not apply)
    assert df["word"].unique().tolist() == ["hard"] and (df["n"] == "30").all()
    assert df["knn"].astype(float).between(0, 1).all() and df["logreg"].astype(float).between(0, 1).all()
    assert any("**hard**, 30 instances per word" in m.value for m in at.markdown)
    at.button(key="eval_run").click().run()  # a cache hit replays the progress bar cleanly
    assert not at.exception and any("logreg" in d.value.columns for d in at.dataframe)


@needs_senseval
def test_scalar_mix_probe(app):
    at = app.run()
    at.slider(key="probe_n").set_value(60)
    at.slider(key="probe_steps").set_value(50)
    at.button(key="probe_run").click().run()
    assert not at.exception and not at.error
    w = next(d.value for d in at.dataframe if "learned weight" in d.value.columns)
    assert len(w) == 3 and w["learned weight"].sum() == pytest.approx(1.0, abs=2e-3)
    assert any("frozen" in m.value for m in at.markdown)


def _upload(app: AppTest, options: bytes, weights: bytes) -> AppTest:
    at = app.run()
    at.file_uploader(key="upload_options").set_value(("options.json", options, "application/json"))
    at.file_uploader(key="upload_weights").set_value(("weights.hdf5", weights, "application/octet-stream"))
    at.run()
    return next(b for b in at.button if b.label == "Load uploaded model").click().run()


def test_upload_bilm_tf_pair(app, bilm_tf_pair):
    opts, weights, _ = bilm_tf_pair
    at = _upload(app, opts, weights)
    assert not at.exception and not at.error
    assert any("it is now the active model" in s.value for s in at.success)
    rows = dict(zip(at.table[0].value.iloc[:, 0], at.table[0].value.iloc[:, 1], strict=True))
    assert rows["LM vocabulary"] == "none (no LM head)"
    assert any(n.endswith("(uploaded)") for n in at.selectbox(key="model_choice").options)
    # kept as a safetensors model directory in the data dir, so the explorer can choose it too
    from pages.models import model_dirs

    saved = [n for n in model_dirs() if n.endswith("(uploaded)")]
    assert len(saved) == 1 and (model_dirs()[saved[0]] / "model.safetensors").is_file()
    assert at.selectbox(key="model_choice").value == saved[0]
    # another browser session of the same server lists it too
    other = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert saved[0] in other.selectbox(key="model_choice").options


@pytest.mark.parametrize("case", ["wrong shapes", "not hdf5"])
def test_upload_wrong_weights_shows_error(app, bilm_tf_pair, case):
    opts, _, wrong = bilm_tf_pair
    at = _upload(app, opts, wrong if case == "wrong shapes" else b"this is not an HDF5 file")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith("Could not load the uploaded model")
    assert ("has shape" in errors[0]) if case == "wrong shapes" else ("not a readable HDF5" in errors[0])


CARD = """# Model card: tiny test model

Trained for tests.

## Data

Made-up sentences.

## Word-sense evaluation (Senseval-2 lexical sample)

# Word-sense benchmark: Senseval-2 lexical sample (NLTK)

| word | features | knn |
|---|---|---|
| hard | layer 0 | 0.797 |

## Mean over words

| features | knn |
|---|---|
| layer 0 | 0.598 |

## Reproduce

Run the trainer.
"""


def test_model_card_headings_and_results_shown_once(tiny_model_dir, data_dir, monkeypatch, tmp_path):
    import shutil

    model = tmp_path / "carded"
    shutil.copytree(tiny_model_dir, model)
    (model / "MODEL_CARD.md").write_text(CARD, encoding="utf-8")
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(model))
    at = AppTest.from_file(str(PAGE), default_timeout=60).run()
    assert not at.exception
    headings = [h.value for h in at.header] + [m.value for m in at.markdown if m.value.lstrip().startswith("#")]
    assert sum("Model card" in h for h in headings) == 1, headings
    assert "Model card: tiny test model" in [h.value for h in at.header]
    card = "\n".join(m.value for m in at.markdown)
    assert "Made-up sentences." in card and "Run the trainer." in card
    # the benchmark table is the page's own section, not repeated inside the card
    assert "| hard | layer 0" not in card and "Mean over words" not in card and "Word-sense benchmark:" not in card


def test_benchmark_section_names_its_data_and_formats_its_table(app):
    import re

    from corpora.senseval import WINDOW

    at = app.run()
    headers = [h.value for h in at.header]
    assert "Word-sense benchmark (NLTK senseval: hard, interest, line, serve)" in headers
    assert not any("(Senseval-2)" in h for h in headers)
    caption = next(c.value for c in at.caption if c.value.startswith("Data: NLTK's `senseval` corpus"))
    assert "not the Senseval-2 lexical-sample task" in caption
    assert f"reads ±{WINDOW} tokens around the target" in caption and "±40" not in caption
    saved = next(d for d in at.dataframe if "logreg" in d.value.columns)  # the shipped results
    texts = [str(v) for v in saved.value.drop(columns=["word", "features"]).to_numpy().ravel()]
    numbers = [t for t in texts if re.fullmatch(r"-?\d+\.\d+", t)]
    assert numbers and all(re.fullmatch(r"-?\d+\.\d{3}", t) for t in numbers)  # 3 decimals, never 1.000000
    assert "-0.000" not in texts and "None" not in texts and "<NA>" not in texts and "nan" not in texts
    assert "–" in texts  # the bag of words has no clusters
