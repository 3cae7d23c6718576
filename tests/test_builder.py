"""The first view without the index: scanning the text (corpora.search.scan_occurrences) gives the index's rows,
and built-in corpora are indexed by a background process (corpora.builder) while the Explorer reads the text."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpora import builder, settings
from corpora.builtin import Document
from corpora.errors import QueryError, WordNotFoundError
from corpora.search import occurrences, scan_occurrences
from corpora.store import Store
from tests.test_app_explorer import APP, TIMEOUT, n_points, occurrence_traces, plot_spec


def _documents() -> list[Document]:
    """Paragraphs, capitals, inflections, a long sentence, pre-split sentences with gold senses, odd metadata."""
    long = " ".join(["word"] * 250) + " cells end."
    return [
        Document("The cell divides. Cells grow fast!\n\nA prison Cell was cold.", {"topic": "bio", "year": 1999}),
        Document("No match here at all.", {"topic": "none"}),
        Document(long, {"topic": "long", "n": 3}),
        Document("cell phone CELL battery", {"kind": "caps"}),
        Document("the bank cell", {"sense": "s1", "position": 2}, sentences=[["the", "bank", "cell"], ["cell", "!"]]),
        Document("cellular cellar excellent", {"topic": "substrings only"}),
    ]


@pytest.mark.parametrize(("word", "match", "case", "limit"), [
    ("cell", "lemma", False, None), ("cells", "form", False, None), ("Cell", "form", True, None),
    ("cell", "lemma", False, 3), ("CELL", "form", False, 2), ("bank", "lemma", False, None),
])
def test_scan_gives_the_index_rows(tmp_path, word, match, case, limit):
    docs = _documents()
    store = Store(tmp_path)
    store.add_corpus("demo", docs)
    indexed = occurrences(store, "demo", word, match=match, case=case, limit=limit, seed=3)
    scanned = scan_occurrences(docs, "demo", word, match=match, case=case, limit=limit, seed=3)
    assert scanned.attrs["total"] == indexed.attrs["total"] and len(indexed) >= 1
    pd.testing.assert_frame_equal(scanned.drop(columns="sent_id"), indexed.drop(columns="sent_id"))
    assert scanned["sent_id"].isna().all() and scanned.attrs["source"] == "scan"
    assert "source" not in indexed.attrs


def test_scan_keeps_gold_senses_and_refuses_what_needs_the_index(tmp_path):
    docs = _documents()
    scanned = scan_occurrences(docs, "demo", "cell", match="lemma")
    assert scanned["gold_sense"].tolist().count("s1") == 1  # position 2 of the first pre-split sentence only
    with pytest.raises(QueryError, match="index"):
        scan_occurrences(docs, "demo", "cel+", match="regex")
    with pytest.raises(WordNotFoundError, match="does not occur"):
        scan_occurrences(docs, "demo", "zebra", match="lemma")
    with pytest.raises(QueryError):
        scan_occurrences(docs, "demo", "cell", limit=0)


def test_failed_build_reports_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.BACKGROUND_INDEX_ENV, "1")
    build = builder.start(Store(tmp_path).path, "no_such_corpus")
    assert builder.start(Store(tmp_path).path, "no_such_corpus") is build  # once per store and corpus
    assert build.wait(60)
    assert not build.running() and build.error is not None and "no_such_corpus" in build.error
    assert not build.claim()


def test_start_if_missing(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.BACKGROUND_INDEX_ENV, "0")
    assert builder.start_if_missing("wiki", tmp_path / "off") is None
    assert builder.get(Store(tmp_path / "off").path, "wiki") is None
    monkeypatch.setenv(settings.BACKGROUND_INDEX_ENV, "1")
    store = Store(tmp_path / "has")
    store.add_corpus("wiki", [Document("a bank")], source="builtin")
    assert builder.start_if_missing("wiki", tmp_path / "has") is None  # stored already: nothing to do


@pytest.fixture
def background_env(tiny_model_dir, data_dir, monkeypatch):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    monkeypatch.setenv(settings.BACKGROUND_INDEX_ENV, "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield Store()
    build = builder.get(Store().path, "wiki")
    if build is not None:
        build.stop()
        build.wait(30)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_explorer_reads_the_text_while_the_index_is_built(background_env, monkeypatch):
    """A fresh store: app.py starts indexing the default corpus; the first view is drawn from the text, with a
    note; once the index is ready the page uses it (ids from the store) without embedding the sentences again."""
    import senses.explore

    calls = []
    embed = senses.explore.embed_occurrences
    monkeypatch.setattr(senses.explore, "embed_occurrences", lambda *a, **k: calls.append(1) or embed(*a, **k))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    build = builder.get(background_env.path, "wiki")
    assert build is not None, "app.py did not start indexing the default corpus"
    first = n_points(occurrence_traces(plot_spec(at)))
    if build.running():  # (a very fast machine may have finished already)
        captions = "\n".join(c.value for c in at.caption)
        assert "being built in the background" in captions
        assert "sent_id column is empty until the search index is ready" in captions  # the export says so
    assert first >= 2 and calls == [1]

    assert build.wait(120) and build.error is None, build.error
    assert "wiki" in background_env.corpus_names()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    captions = "\n".join(c.value for c in at.caption)
    assert "being built in the background" not in captions and "sent_id column is empty" not in captions
    assert n_points(occurrence_traces(plot_spec(at))) == first
    assert calls == [1], "the same sentences were embedded again after the index was built"
    from pages.cache import cached_occurrences

    occ, _ = cached_occurrences("wiki", "bank", "lemma", 300)
    assert occ.attrs.get("source") != "scan" and occ["sent_id"].notna().all()


def test_word_missing_from_the_text_waits_for_the_index_and_suggests(background_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["word"] = "bnak"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    errors = "\n".join(e.value for e in at.error)
    assert "does not occur in wiki" in errors and "Did you mean" in errors and "bank" in errors
    assert "wiki" in background_env.corpus_names()


def test_corpora_page_says_what_is_being_indexed(background_env):
    from tests.test_app_corpora import PAGE

    build = builder.start(background_env.path, "wiki")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if build.running():
        assert "wiki is being indexed in the background" in "\n".join(i.value for i in at.info)
    assert build.wait(120) and build.error is None
    at.run()
    assert "being indexed in the background" not in "\n".join(i.value for i in at.info)
    assert "wiki" in at.selectbox(key="co_detail").options
