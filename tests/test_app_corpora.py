"""AppTest tests of the Corpora page: upload (good and bad files), listing, statistics, delete, frequency chart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpora.builtin import Document

TIMEOUT = 60
PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "corpora.py")

GOOD_TXT = (b"The cell divides in two. A prison cell is small.\n\n"
            b"Charge the phone battery cell overnight. The cell wall is rigid.\n")
GOOD_CSV = (b"text,genre,year\n"
            b"\"The cell divides quickly.\",biology,2001\n"
            b"\"The prisoner left his cell.\",news,2002\n"
            b"\"A battery cell stores charge.\",tech,2003\n")


@pytest.fixture
def page_env(tiny_model_dir, data_dir, monkeypatch):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    from corpora.store import Store

    store = Store()
    store.add_corpus("existing", [Document("The river bank was muddy.", {"topic": "river"}),
                                  Document("The bank lent money.", {"topic": "money"}),
                                  Document("Another bank account.", {"topic": "money"})], source="upload")
    yield store
    st.cache_data.clear()
    st.cache_resource.clear()


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def listed(at: AppTest) -> list[str]:
    """Corpus names in the listing table."""
    frames = [d.value for d in at.dataframe]
    assert frames, "no corpus table"
    table = frames[0]
    col = "name" if "name" in table.columns else table.columns[0]
    return sorted(map(str, table[col]))


def run_with_upload(monkeypatch, filename: str, data: bytes, name: str | None = None,
                    text_column: str | None = None) -> AppTest:
    """Run the page with a file in the uploader and press "Add corpus".

    AppTest has no file-uploader driver, so st.file_uploader is wrapped to return an UploadedFile."""
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    rec = UploadedFileRec(file_id="f1", name=filename, type="application/octet-stream", data=data)
    fake = UploadedFile(rec, None)
    real = st.file_uploader

    def patched(label, *a, **kw):
        real(label, *a, **kw)
        return fake

    monkeypatch.setattr(st, "file_uploader", patched)
    at = page()
    if name is not None:
        next(t for t in at.text_input if t.key.startswith("co_name_")).input(name)
    if text_column is not None:
        next(s for s in at.selectbox if s.key.startswith("co_textcol_")).select(text_column)
    at.button(key="co_add").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_listing_and_statistics(page_env):
    at = page()
    assert listed(at) == ["existing"]
    assert at.selectbox(key="co_detail").value == "existing"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics.get("Documents") == "3"
    content = next(c.value for c in at.caption if c.value.startswith("Top content words"))
    words = content.split(": ", 1)[1].split(", ")
    assert words[0] == "bank" and "the" not in words and "river" in words


@pytest.mark.parametrize("filename,data", [("empty.txt", b""), ("blank.txt", b"  \n\n "),
                                           ("binary.txt", bytes(range(256)) * 8),
                                           ("broken.zip", b"PK\x03\x04 not really a zip")])
def test_bad_upload_shows_error_and_stores_nothing(page_env, monkeypatch, filename, data):
    before = sorted(page_env.corpus_names())
    at = run_with_upload(monkeypatch, filename, data, name="bad")
    assert at.error, "a bad file must give st.error"
    assert "Traceback" not in at.error[0].value
    assert listed(at) == before
    from corpora.store import Store

    assert sorted(Store().corpus_names()) == before


def test_good_txt_upload_appears_in_list(page_env, monkeypatch):
    at = run_with_upload(monkeypatch, "notes.txt", GOOD_TXT, name="mynotes")
    assert not at.error, [e.value for e in at.error]
    assert "mynotes" in at.success[0].value
    assert listed(at) == ["existing", "mynotes"]
    # the details and the frequency chart switch to the new corpus
    assert at.selectbox(key="co_detail").value == "mynotes" and at.selectbox(key="co_fcorpus").value == "mynotes"
    assert "Pick it on the Sense explorer page" in "\n".join(c.value for c in at.caption)  # (no navigation here)


def test_good_csv_upload_with_text_column_and_metadata(page_env, monkeypatch):
    at = run_with_upload(monkeypatch, "table.csv", GOOD_CSV, name="tab", text_column="text")
    assert not at.error, [e.value for e in at.error]
    assert "tab" in listed(at)
    from corpora.store import Store

    assert "genre" in Store().meta_columns("tab")


def test_delete_needs_confirmation(page_env):
    at = page()
    assert at.button(key="co_delete_existing").disabled
    at.checkbox(key="co_sure_existing").check().run()
    at.button(key="co_delete_existing").click().run()
    assert not at.exception
    assert "existing" not in page_env.__class__().corpus_names()
    assert "Deleted" in "".join(s.value for s in at.success)


def test_frequency_by_metadata_chart(page_env):
    at = page()
    at.selectbox(key="co_fcorpus").select("existing").run()
    at.text_input(key="co_fword").input("bank").run()
    at.selectbox(key="co_fcol").select("topic").run()
    charts = at.get("plotly_chart")
    assert charts, [e.value for e in at.error]
    spec = json.loads(charts[0].proto.spec)
    assert spec["data"][0]["type"] == "bar"


RIVER_CSV = (b"text,topic\n"
             b"\"The river flooded the valley.\",water\n"
             b"\"A river boat sailed past the river mill.\",water\n"
             b"\"The old mill stood by the road.\",land\n")


def test_upload_switches_the_frequency_box_to_a_word_of_the_new_corpus(page_env, monkeypatch):
    at = run_with_upload(monkeypatch, "rivers.csv", RIVER_CSV, name="rivers", text_column="text")
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="co_fcorpus").value == "rivers"
    assert at.text_input(key="co_fword").value == "river"  # its most frequent content word, not the old "cell"
    assert not at.warning, [w.value for w in at.warning]  # no "does not occur"
    assert at.get("plotly_chart")


def test_upload_already_stored_points_to_the_stored_corpus(page_env, monkeypatch):
    at = run_with_upload(monkeypatch, "rivers.csv", RIVER_CSV, name="rivers", text_column="text")
    assert listed(at) == ["existing", "rivers"]
    monkeypatch.undo()  # a second upload of the same file under another name
    at = run_with_upload(monkeypatch, "rivers.csv", RIVER_CSV, name="again", text_column="text")
    assert not at.error, [e.value for e in at.error]
    assert any('already stored as the corpus \\"rivers\\"' in i.value for i in at.info)  # escaped Markdown
    assert listed(at) == ["existing", "rivers"]
    assert at.selectbox(key="co_detail").value == "rivers" and at.selectbox(key="co_fcorpus").value == "rivers"
    assert "Pick it on the Sense explorer page" in "\n".join(c.value for c in at.caption)  # (no navigation here)


def test_explore_link_of_a_stored_upload_in_the_app(page_env, monkeypatch):
    """Through app.py (with navigation): the link to the Sense explorer is there for an upload already stored."""
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    from corpora.readers import read_upload

    data = b"The river flooded the valley.\n\nA river boat.\n"
    page_env.add_corpus("rivers", read_upload("rivers.txt", data), source="upload")
    fake = UploadedFile(UploadedFileRec(file_id="f1", name="rivers.txt", type="text/plain", data=data), None)
    real = st.file_uploader

    def patched(label, *a, **kw):
        real(label, *a, **kw)
        return fake

    monkeypatch.setattr(st, "file_uploader", patched)
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/corpora.py").run()
    next(t for t in at.text_input if t.key.startswith("co_name_")).input("copy")
    at.button(key="co_add").click().run()
    assert not at.exception, [e.message for e in at.exception]
    links = at.get("page_link")
    assert links, "no link to the explorer"
    assert "rivers" in links[0].proto.label and "corpus=rivers" in links[0].proto.query_string


def test_listing_names_the_builtin_corpora_that_are_not_installed(page_env, monkeypatch, tmp_path):
    import nltk

    from corpora.builtin import NLTK_SOURCES

    monkeypatch.setenv("NLTK_DATA", str(tmp_path))
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    at = page()
    note = next(c.value for c in at.caption if c.value.startswith("Built in but not installed here:"))
    assert all(n in note for n in NLTK_SOURCES) and "NLTK_DATA" in note
