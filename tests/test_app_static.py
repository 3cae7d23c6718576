"""AppTest of pages/static.py ("Static vs contextual") with the tiny random model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corpora.senseval import senseval_available
from senses.static import SENSEVAL

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


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]


def test_static_neighbours_and_distances(app):
    at = own_text(app)
    assert not at.exception and not at.error
    titles = [h.value for h in at.title]
    assert titles == ["Static vs contextual"]
    dfs = [d.value for d in at.dataframe]
    w2v, char = [d for d in dfs if "similarity" in d.columns]  # Word2Vec, then layer 0 (char-CNN)
    assert len(w2v) == 10 == len(char) and "bank" not in w2v["word"].tolist() + char["word"].tolist()
    assert "banks" not in w2v["word"].tolist()  # forms of the word are skipped
    text = " ".join(m.value for m in at.markdown)
    assert "Word2Vec" in text and "character CNN" in text and "every meaning averaged" not in text
    assert [s.value for s in at.selectbox if s.key == "layer"] == ["scalar mix (average)"]
    assert "layer 0 (char-CNN, context-free)" in next(s for s in at.selectbox if s.key == "layer").options
    assert any(c.value.startswith("Clustered as the Sense explorer does with “contextual vectors”") for c in at.caption)
    table = next(d for d in dfs if "distance to alone" in d.columns)
    assert table["size"].sum() == 6 and table["distance to alone"].between(0, 2).all()
    sep = next(d for d in dfs if "silhouette_auto" in d.columns)
    assert sep["layer"].tolist() == ["layer 0", "layer 1", "layer 2", "scalar mix"]
    assert "silhouette_gold" not in sep.columns  # typed text has no gold senses
    assert not any("logreg" in d.columns for d in dfs)  # nor a sense accuracy
    assert len(at.metric) == 1 and 0 <= float(at.metric[0].value) <= 2
    assert "average of meanings" in at.metric[0].label
    assert any("mean contextual vector over 6 of its 6 occurrences" in c.value for c in at.caption)


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
    from senses.naming import FUNCTION_WORDS

    assert not set(subs["word"].str.lower()) & FUNCTION_WORDS  # content words only, by default
    at.checkbox(key="sub_content").uncheck().run()
    everything = next(d.value for d in at.dataframe if "combined" in d.value.columns)
    assert len(everything) == 10 and list(everything["word"]) != list(subs["word"])


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
    table = next(d.value for d in at.dataframe if "distance to alone" in d.value.columns)
    assert (table["substitutes"] == "").all()  # vectors still work, substitutes are empty


@pytest.mark.skipif(not senseval_available(), reason="NLTK senseval corpus not found (set NLTK_DATA)")
def test_senseval_gold_separability(app):
    at = app.run()
    at.selectbox(key="source").set_value(SENSEVAL)
    at.text_input(key="word").set_value("line")
    at.slider(key="limit").set_value(60)
    at.run()
    assert not at.exception and not at.error
    sep = next(d.value for d in at.dataframe if "silhouette_auto" in d.value.columns)
    assert sep["silhouette_gold"].between(-1, 1).all()
    acc = next(d.value for d in at.dataframe if "logreg" in d.value.columns)
    from senses import accuracy

    assert acc["features"].tolist() == ["layer 0", "layer 1", "layer 2", accuracy.AVG, accuracy.MEANING, accuracy.BOW, accuracy.W2V,
                                        accuracy.STATIC, accuracy.MFS]
    assert acc[["knn", "logreg"]].apply(lambda c: c.between(0, 1).all()).all()
    assert any("over 300 of its 4146 occurrences" in c.value.replace(",", "") for c in at.caption)
    at.text_input(key="word").set_value("bank").run()  # not a Senseval word: shown in the default corpus
    assert not at.exception and not at.warning
    assert any("gold senses only for" in i.value and "shown in wiki" in i.value for i in at.info)
    assert any("occurrences in wiki" in c.value for c in at.caption)


def test_store_corpus_source(app):
    from corpora.builtin import Document
    from corpora.store import Store
    from pages.store import get_store

    Store().add_corpus("mini", [Document(text=TEXT)])  # in this test's SENSE_EXPLORER_DATA
    get_store.clear()  # the cached store of an earlier test points to another folder
    at = app.run()
    at.selectbox(key="source").set_value("mini")
    at.text_input(key="word").set_value("bank").run()
    assert not at.exception and not at.error
    table = next(d.value for d in at.dataframe if "distance to alone" in d.value.columns)
    assert table["size"].sum() == 6
    at.text_input(key="word").set_value("zebra").run()
    assert not at.exception and any("zebra" in w.value for w in at.warning)


def test_substitutes_follow_a_changed_word(app):
    """After "line" -> "cell" the substitutes kept the "line" sentence, warned that the sentence
    does not contain "cell" and titled the chart "Substitutes for “line”"."""
    at = app
    at.session_state["word"] = "line"
    at.run()
    assert "line" in at.text_input(key="sub_sentence").value.split()
    at.text_input(key="word").set_value("cell").run()
    assert not at.exception
    sentence = at.text_input(key="sub_sentence").value
    assert "cell" in sentence.split() and "line" not in sentence.split()
    assert not any("does not contain" in w.value for w in at.warning)
    assert chart_titles(at)[-1] == "Substitutes for “cell”"


@pytest.mark.parametrize("word", ["the", "zebra"])
def test_example_sentence_for_any_word(app, word):
    """The example sentence once read "... his the all night." for "the"."""
    at = app
    at.session_state["word"] = word
    at.run()
    assert not at.exception
    sentence = at.text_input(key="sub_sentence").value
    from corpora.text import tokenize

    assert word in [t.lower() for t in tokenize(sentence)] and "the the" not in sentence.lower() and "his the" not in sentence.lower()
    assert not any("does not contain" in w.value for w in at.warning)
    if word == "the":  # a real sentence of the source that uses it
        assert sentence.replace(" .", ".") in TEXT
