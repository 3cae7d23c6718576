"""AppTest tests of the Sense explorer page (tiny random model, isolated store with made-up corpora)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpora.builtin import Document

APP = str(Path(__file__).resolve().parents[1] / "app.py")

TIMEOUT = 60
BANK = "bankdemo"
SPLIT = "splitdemo"

RIVER = [
    "They sat on the bank of the river and watched the water.",
    "The boat drifted along the muddy bank near the shore.",
    "Fish gathered where the river bank was shaded by trees.",
    "He walked along the grassy bank of the stream at dawn.",
    "The flood washed away part of the river bank last spring.",
    "Ducks nested on the far bank of the lake.",
    "She sat on the bank and dipped her feet in the cool water.",
    "Reeds grew thick along the east bank of the river.",
    "The fisherman cast his line from the steep bank.",
    "Erosion slowly ate into the sandy bank of the creek.",
    "Children played on the bank while the river flowed past.",
    "A heron stood still on the bank, watching the water.",
    "The path follows the north bank of the river for miles.",
    "Willows lean over the bank where the water runs deep.",
    "They pulled the canoe up onto the bank for the night.",
]
MONEY = [
    "She deposited the cash at the bank on Monday.",
    "The bank approved his loan for a new house.",
    "He opened a savings account at the local bank.",
    "The central bank raised interest rates again.",
    "Customers queued at the bank to withdraw money.",
    "The bank charged a fee for the international transfer.",
    "Her salary is paid straight into the bank account.",
    "The bank lent millions to the struggling company.",
    "Robbers broke into the bank and stole the money.",
    "The bank manager reviewed the mortgage application.",
    "Investors worried that the bank would fail.",
    "He asked the bank for a statement of his account.",
    "The bank moved its headquarters to the city centre.",
    "A new bank branch opened next to the post office.",
    "The bank froze the account after the fraud.",
]


def split_corpus() -> list[Document]:
    """Two senses whose contexts differ completely: each sense repeats one frame, only far words vary."""
    a = [f"the boat sat on the river bank by the water , {w} ." for w in "red blue green gold grey pink tan".split()]
    b = [f"she deposited money cash in the bank account for a loan ! {w}" for w in "one two six ten five".split()]
    return [Document(t, {"sense": "river"}) for t in a] + [Document(t, {"sense": "money"}) for t in b]


def bank_corpus() -> list[Document]:
    return ([Document(t, {"topic": "river", "year": 2000 + i}) for i, t in enumerate(RIVER)]
            + [Document(t, {"topic": "money", "year": 2010 + i}) for i, t in enumerate(MONEY)])


@pytest.fixture
def app_env(tiny_model_dir, data_dir, monkeypatch):
    """Tiny model, a fresh store with the made-up corpora, and no cached state from other tests."""
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    monkeypatch.delenv("SENSE_EXPLORER_MODELS", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    from corpora.store import Store

    store = Store()
    store.add_corpus(BANK, bank_corpus(), source="upload")
    store.add_corpus(SPLIT, split_corpus(), source="upload")
    yield store
    st.cache_data.clear()
    st.cache_resource.clear()


def run_explorer(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = str(v)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plot_spec(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart rendered"
    return json.loads(charts[0].proto.spec)


def occurrence_traces(spec: dict) -> list[dict]:
    return [t for t in spec["data"] if t.get("name") != "your sentence"]


def values(arr) -> list:
    """A plotly JSON array: a plain list, or a typed array {"dtype", "bdata"} (base64) in plotly >= 6."""
    if isinstance(arr, dict) and "bdata" in arr:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=np.dtype(arr["dtype"])).tolist()
    return list(arr)


def n_points(traces: list[dict]) -> int:
    return sum(len(values(t["x"])) for t in traces)


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(e.value for e in getattr(at, kind))


def test_default_view_renders_the_plot_for_cell(app_env):
    at = run_explorer()
    assert at.text_input(key="ex_word").value == "cell"
    assert at.selectbox(key="ex_corpus").value == "wiki"
    assert at.selectbox(key="ex_match").value == "lemma"
    spec = plot_spec(at)
    n = n_points(occurrence_traces(spec))
    assert 2 <= n <= 300
    assert "% of variance" in spec["layout"]["xaxis"]["title"]["text"]
    assert at.query_params["word"] == ["cell"] or at.query_params["word"] == "cell"


def test_bank_corpus_two_clusters_with_k_override(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    assert at.selectbox(key="ex_corpus").value == BANK
    traces = occurrence_traces(plot_spec(at))
    assert len(traces) == 2
    assert n_points(traces) == 30
    assert "k = 2 chosen by you" in texts(at, "caption")
    # one KWIC table per cluster + rename boxes; renaming changes the legend
    assert len(at.dataframe) == 2
    box = next(t for t in at.text_input if t.key.startswith("ex_rename_"))
    box.input("money sense").run()
    names = [t["name"] for t in occurrence_traces(plot_spec(at))]
    assert any(n.endswith("money sense") for n in names)
    # colour by metadata: one trace per topic
    at.selectbox(key="ex_color").select("topic").run()
    assert {t["name"] for t in occurrence_traces(plot_spec(at))} == {"money", "river"}


def test_automatic_k_separates_contexts_that_differ(app_env):
    at = run_explorer(corpus=SPLIT, word="bank", layer=2)
    traces = occurrence_traces(plot_spec(at))
    assert len(traces) >= 2, texts(at, "caption")
    assert "Automatic k = 2" in texts(at, "caption")
    # the clusters are exactly the two senses
    sizes = sorted(len(values(t["x"])) for t in traces)
    assert sizes == [5, 7]


def test_changing_layer_or_k_does_not_reembed(app_env, monkeypatch):
    from elmo.embedder import ELMo

    calls = []
    real = ELMo.embed_targets
    monkeypatch.setattr(ELMo, "embed_targets", lambda self, s, i, **kw: calls.append(len(s)) or real(self, s, i, **kw))
    at = run_explorer(corpus=BANK, word="bank")
    assert calls == [30]
    at.selectbox(key="ex_layer").select(1).run()
    at.selectbox(key="ex_k").select(3).run()
    at.selectbox(key="ex_proj").select("UMAP").run()
    assert not at.exception
    assert calls == [30], "changing layer, k or projection must not embed again"
    assert len(occurrence_traces(plot_spec(at))) == 3


def test_bad_word_shows_error_with_suggestion(app_env):
    at = run_explorer(corpus=BANK, word="bnak")
    assert not at.get("plotly_chart")
    err = texts(at, "error")
    assert "bnak" in err and "bank" in err


def test_empty_word_and_sampling_messages(app_env):
    at = run_explorer(corpus=BANK, word="bank", limit=10)
    assert "Showing 10 of 30 occurrences" in texts(at, "info")
    assert n_points(occurrence_traces(plot_spec(at))) == 10
    at.text_input(key="ex_word").input("").run()
    assert "Type a word" in texts(at, "info")
    assert not at.get("plotly_chart")


def test_single_occurrence_is_shown_without_clustering(app_env):
    at = run_explorer(corpus=BANK, word="mortgage")
    assert "Only one occurrence" in texts(at, "info")
    assert n_points(occurrence_traces(plot_spec(at))) == 1


def test_own_sentence(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    at.text_input(key="ex_own").input("We had a picnic by the lake.").run()
    assert "does not contain" in texts(at, "warning")
    at.text_input(key="ex_own").input("The fish swam near the river banks.").run()
    assert "Nearest sense" in texts(at, "success")
    star = [t for t in plot_spec(at)["data"] if t.get("name") == "your sentence"]
    assert len(star) == 1 and star[0]["marker"]["symbol"] == "star"


def test_no_model_says_so(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tmp_path / "nowhere"))
    monkeypatch.setattr("elmo.embedder.BUNDLED", tmp_path / "nowhere")
    at = run_explorer(corpus=BANK, word="bank")
    assert "No model found" in texts(at, "error")
    assert not at.get("plotly_chart")


def test_broken_model_says_so(app_env, monkeypatch, tmp_path):
    bad = tmp_path / "broken"
    bad.mkdir()
    (bad / "model.safetensors").write_bytes(b"not a model")
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(bad))
    monkeypatch.setattr("elmo.embedder.BUNDLED", tmp_path / "nowhere")
    at = run_explorer(corpus=BANK, word="bank")
    assert "could not be loaded" in texts(at, "error")


def test_query_params_reflect_the_view(app_env):
    at = run_explorer(corpus=BANK, word="bank", layer=1, k=2)
    assert at.selectbox(key="ex_layer").value == 1
    assert at.selectbox(key="ex_k").value == 2
    at.text_input(key="ex_word").input("banks").run()
    qp = {k: at.query_params[k] for k in ("corpus", "word", "layer", "k")}
    flat = {k: v[0] if isinstance(v, list) else v for k, v in qp.items()}
    assert flat == {"corpus": BANK, "word": "banks", "layer": "1", "k": "2"}
