"""AppTest of pages/static.py ("Static vs contextual") with the tiny random model."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from senses.evaluate import senseval_available

PAGE = Path(__file__).resolve().parents[1] / "pages" / "static.py"

TEXT = ("He sat on the bank of the river. She deposited money in the bank. They walked along the bank. "
        "The bank was a cell. The river bank was wet. The bank gave her a loan.")


def page(word: str = "bank") -> AppTest:
    """The page on typed text (so that no test indexes the default corpus by accident)."""
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["source"] = "Your own text"
    at.session_state["own_text"] = TEXT
    at.session_state["word"] = word
    return at


@pytest.fixture
def app(tiny_model_dir, data_dir, monkeypatch):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    return page()


def own_text(at: AppTest) -> AppTest:
    return at.run()


def frames(at: AppTest) -> dict:
    return {d.proto.id: d.value for d in at.dataframe}


def test_static_neighbours_and_distances(app):
    at = own_text(app)
    assert not at.exception and not at.error
    titles = [h.value for h in at.title]
    assert titles == ["Static vs contextual"]
    dfs = [d.value for d in at.dataframe]
    nb = next(d for d in dfs if "similarity" in d.columns)
    assert len(nb) == 10 and "bank" not in nb["word"].tolist()
    table = next(d for d in dfs if "distance to static" in d.columns)
    assert table["size"].sum() == 6 and table["distance to static"].between(0, 2).all()
    sep = next(d for d in dfs if "silhouette_auto" in d.columns)
    assert sep["layer"].tolist() == ["layer 0", "layer 1", "layer 2", "scalar mix"]
    assert "silhouette_gold" not in sep.columns  # typed text has no gold senses
    assert len(at.metric) == 1 and 0 <= float(at.metric[0].value) <= 2


def test_two_words_side_by_side(app):
    at = own_text(app)
    at.text_input(key="word2").set_value("river").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["“bank”", "“river”"]
    assert len(at.metric) == 2
    at.text_input(key="word2").set_value("bank").run()  # the same word twice: no duplicate widget keys
    assert not at.exception and len(at.metric) == 2


def test_substitutes_for_typed_sentence(app):
    at = app.run()
    at.text_input(key="word").set_value("bank").run()
    at.text_input(key="sub_sentence").set_value("She deposited money in the bank .").run()
    assert not at.exception and not any("does not contain" in w.value for w in at.warning)
    subs = next(d.value for d in at.dataframe if "combined" in d.value.columns)
    assert len(subs) == 10 and subs["combined"].sum() == pytest.approx(1.0)
    assert subs[["forward", "backward"]].apply(lambda c: c.between(0, 1).all()).all()
    specs = [str(c.proto.spec) for c in at.get("plotly_chart")]
    assert any("Substitutes for" in sp and "bank" in sp for sp in specs)  # the bar chart


def test_bad_inputs(app):
    at = app.run()
    at.text_input(key="word").set_value("bank").run()
    at.text_input(key="sub_sentence").set_value("").run()
    assert any("Type a sentence" in w.value for w in at.warning)
    at.text_input(key="sub_sentence").set_value("The cat sat on the mat .").run()
    assert any("does not contain “bank”" in w.value for w in at.warning)
    assert any("combined" in d.value.columns for d in at.dataframe)  # still usable: the first token is picked
    at.text_input(key="word").set_value("two words").run()
    assert any("single words" in w.value for w in at.warning)
    at.text_area(key="own_text").set_value("Nothing to see here.")
    at.text_input(key="word").set_value("bank").run()
    assert any("No occurrences of “bank”" in w.value for w in at.warning)


@pytest.mark.slow
def test_model_without_lm_head(tmp_path, tiny_elmo, data_dir, monkeypatch):
    from elmo.embedder import ELMo
    from elmo.io import export_bilm_tf

    opts, weights = export_bilm_tf(tiny_elmo.bilm, tmp_path / "tf")
    ELMo.from_bilm_tf(opts, weights).save(tmp_path / "nohead")
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tmp_path / "nohead"))
    at = page().run()
    assert not at.exception
    assert any("language-model head" in e.value for e in at.error)
    table = next(d.value for d in at.dataframe if "distance to static" in d.value.columns)
    assert (table["substitutes"] == "").all()  # vectors still work, substitutes are empty


@pytest.mark.skipif(not senseval_available(), reason="NLTK senseval corpus not found (set NLTK_DATA)")
def test_senseval_gold_separability(app):
    at = app.run()
    at.selectbox(key="source").set_value("Senseval-2 (gold senses)")
    at.text_input(key="word").set_value("line")
    at.slider(key="limit").set_value(60)
    at.run()
    assert not at.exception and not at.error
    sep = next(d.value for d in at.dataframe if "silhouette_auto" in d.value.columns)
    assert sep["silhouette_gold"].between(-1, 1).all()
    at.text_input(key="word").set_value("bank").run()
    assert any("gold senses only for" in w.value for w in at.warning)


def test_store_corpus_source(app):
    from corpora.builtin import Document
    from corpora.store import Store
    from pages.common import get_store

    Store().add_corpus("mini", [Document(text=TEXT)])  # in this test's SENSE_EXPLORER_DATA
    get_store.clear()  # the cached store of an earlier test points to another folder
    at = app.run()
    at.selectbox(key="source").set_value("mini")
    at.text_input(key="word").set_value("bank").run()
    assert not at.exception and not at.error
    table = next(d.value for d in at.dataframe if "distance to static" in d.value.columns)
    assert table["size"].sum() == 6
    at.text_input(key="word").set_value("zebra").run()
    assert not at.exception and any("zebra" in w.value for w in at.warning)
