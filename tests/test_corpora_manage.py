"""corpora.manage (what the Corpora page does with the store) and senses.frequency (its chart)."""

from __future__ import annotations

import pandas as pd
import pytest

from corpora import manage
from corpora.errors import CorpusError, DuplicateContentError
from corpora.store import Store
from senses.frequency import frequency_figure

CSV = b"text,topic\nThe river bank was muddy.,nature\nThe bank raised its rates.,money\n"


def test_upload_checks_and_choices():
    assert manage.UPLOAD_TYPES == ["txt", "md", "csv", "tsv", "jsonl", "zip"]
    assert manage.is_table("Rivers.CSV") and manage.is_table("a.tsv") and not manage.is_table("notes.txt")
    assert manage.text_column_choices(["id", "text", "topic"], "text") == (["text", "id", "topic"], 0)
    assert manage.text_column_choices(["id", "n"], None) == (["id", "n"], None)  # nothing preselected
    assert manage.upload_problem("", False, None) == "Give the corpus a name."
    assert manage.upload_problem("mine", True, None) == "Choose the text column first."
    assert manage.upload_problem("mine", True, "text") is None and manage.upload_problem("mine", False, None) is None


def test_listing_texts():
    assert manage.plural(1, "document") == "1 document" and manage.plural(2000, "value") == "2,000 values"
    assert manage.top_words_text([("the", 1200), ("of", 800), ("a", 5)], n=2) == "the (1,200), of (800)"
    cols, default = manage.chart_columns({"url": 900, "topic": 3, "empty": 0, "year": 20})
    assert cols == ["topic", "year", "url", "empty"] and default == 0
    assert manage.chart_columns({"url": 900}) == (["url"], None)  # no low-cardinality column: no default


def test_add_upload_stores_the_documents(tmp_path):
    store = Store(tmp_path)
    steps = []
    n = manage.add_upload(store, "rivers", "rivers.csv", CSV, "text", progress=lambda f, msg: steps.append(f))
    assert n == 2 and "rivers" in store.corpus_names()
    assert store.info("rivers")["source"] == "upload" and steps and all(0 <= f <= 1 for f in steps)
    with pytest.raises(DuplicateContentError) as e:
        manage.add_upload(store, "again", "rivers.csv", CSV, "text")
    assert e.value.existing == "rivers"
    with pytest.raises(CorpusError):
        manage.add_upload(store, "empty", "empty.txt", b"")
    assert list(store.corpus_names()) == ["rivers"]


def test_frequency_figure_escapes_every_text():
    freq = pd.DataFrame({"meta_topic": ["<b>x</b>", "y"], "count": [3, 1], "tokens": [100, 50],
                         "per_million": [30000.0, 20000.0]})
    fig = frequency_figure(freq, "<i>bank</i>", "topic")
    assert list(fig.data[0].x) == ["&lt;b&gt;x&lt;/b&gt;", "y"] and list(fig.data[0].y) == [30000.0, 20000.0]
    assert fig.layout.title.text == "“&lt;i&gt;bank&lt;/i&gt;” by topic"
    assert fig.layout.xaxis.type == "category"
