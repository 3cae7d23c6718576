"""AppTest tests of the Sense explorer page (tiny random model, isolated store with made-up corpora)."""

from __future__ import annotations

import json
from contextlib import contextmanager
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


@contextmanager
def tiny_app(model_dir, monkeypatch, corpora: dict[str, list[Document]]):
    """The tiny model, a fresh store holding `corpora` (uploads), and no cached state before or after."""
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(model_dir))
    monkeypatch.delenv("SENSE_EXPLORER_MODELS", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    from corpora.store import Store

    store = Store()
    for name, docs in corpora.items():
        store.add_corpus(name, docs, source="upload")
    try:
        yield store
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


@pytest.fixture
def app_env(tiny_model_dir, data_dir, monkeypatch):
    """Tiny model, a fresh store with the made-up corpora, and no cached state from other tests."""
    with tiny_app(tiny_model_dir, monkeypatch, {BANK: bank_corpus(), SPLIT: split_corpus()}) as store:
        yield store


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


def sense_tables(at: AppTest) -> list:
    """The per-cluster KWIC tables (the least-typical table has a "fit" column)."""
    return [d.value for d in at.dataframe if "keyword" in d.value.columns and "fit" not in d.value.columns]


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(e.value for e in getattr(at, kind))


def test_default_view_renders_the_plot_of_the_first_example(app_env):
    from senses.measured import example_words

    first = example_words()[0]
    at = run_explorer()
    assert at.text_input(key="ex_word").value == first
    assert at.selectbox(key="ex_corpus").value == "wiki"
    assert at.selectbox(key="ex_match").value == "lemma"
    spec = plot_spec(at)
    n = n_points(occurrence_traces(spec))
    assert 2 <= n <= 300
    assert "% of variance" in spec["layout"]["xaxis"]["title"]["text"]
    assert _flat(at.query_params["word"]) == first
    assert at.pills(key="ex_try").value == first  # the current word's pill is the selected one


def test_example_pills_set_the_word(app_env):
    from senses.measured import example_words

    second = example_words()[1]
    at = run_explorer()
    at.pills(key="ex_try").select(second).run()
    assert not at.exception
    assert at.text_input(key="ex_word").value == second
    assert f"“{second}”" in plot_spec(at)["layout"]["title"]["text"]
    at.pills(key="ex_try").unselect(second).run()  # a click on the selected pill keeps the word
    assert at.text_input(key="ex_word").value == second and at.pills(key="ex_try").value == second
    at.text_input(key="ex_word").input("water").run()  # not an example: no pill selected
    assert at.pills(key="ex_try").value is None


def test_other_corpora_offer_their_own_frequent_words(app_env):
    from senses.naming import frequent_content_words

    at = run_explorer(corpus=BANK, word="bank")
    words = frequent_content_words(app_env.types(BANK), 8)
    assert words[0] == "bank" and "the" not in words and "a" not in words
    pills = at.pills(key="ex_try")
    assert pills.options == words and pills.label == "Frequent words:"
    pills.select(words[1]).run()
    assert at.text_input(key="ex_word").value == words[1]
    from senses.measured import example_words

    wiki = run_explorer()
    assert wiki.pills(key="ex_try").options == list(example_words()) and wiki.pills(key="ex_try").label == "Try:"
    from pages.cache import frequent_corpus_words

    assert frequent_corpus_words("later") == []  # not indexed yet: not cached either
    app_env.add_corpus("later", [Document("The otter swam past the otter den.")], source="upload")
    assert frequent_corpus_words("later")[0] == "otter" and {"swam", "past", "den"} <= set(frequent_corpus_words("later"))


def test_representation_choice_and_form_agreement_caption(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    from senses.explore import DEFAULT_REPRESENTATION

    assert at.selectbox(key="ex_rep").value == DEFAULT_REPRESENTATION
    assert "form-ARI" in texts(at, "caption")
    assert at.selectbox(key="ex_layer").disabled  # the default does not use the layer vectors
    at.selectbox(key="ex_rep").select("layers").run()
    assert not at.selectbox(key="ex_layer").disabled
    assert not at.exception
    assert at.query_params["rep"] in ("layers", ["layers"])
    assert len(occurrence_traces(plot_spec(at))) == 2


def test_bank_corpus_two_clusters_with_k_override(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    assert at.selectbox(key="ex_corpus").value == BANK
    traces = occurrence_traces(plot_spec(at))
    assert len(traces) == 2
    assert n_points(traces) == 30
    assert "k = 2 chosen by you" in texts(at, "caption")
    # one KWIC table per cluster + rename boxes; renaming changes the legend
    assert len(sense_tables(at)) == 2
    box = next(t for t in at.text_input if t.key.startswith("ex_rename_"))
    box.input("money sense").run()
    names = [t["name"] for t in occurrence_traces(plot_spec(at))]
    assert any(n.endswith("money sense") for n in names)
    # colour by metadata: one trace per topic
    at.selectbox(key="ex_color").select("topic").run()
    assert {t["name"] for t in occurrence_traces(plot_spec(at))} == {"money", "river"}
    # ... and a table of senses by topic, with totals
    assert "**Senses by topic** (occurrences)" in [m.value for m in at.markdown]
    by_topic = next(d.value for d in at.dataframe if "all" in d.value.columns)
    assert list(by_topic.columns) == ["money", "river", "all"] and len(by_topic) == 3
    assert by_topic.loc["all", "all"] == 30 and by_topic["all"].iloc[:2].sum() == 30
    assert any(i.endswith("money sense") for i in by_topic.index)
    at.selectbox(key="ex_color").select("year").run()  # 25 different years: 8 ranges
    by_year = next(d.value for d in at.dataframe if "all" in d.value.columns)
    assert list(by_year.columns)[0] == "2000–2003" and len(by_year.columns) == 9 and by_year.loc["all", "all"] == 30


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
    for method in ("embed_targets", "substitute_log_probs"):  # vectors alone, or vectors + substitutes
        real = getattr(ELMo, method)
        monkeypatch.setattr(ELMo, method, lambda self, s, i, _real=real, **kw: calls.append(len(s)) or _real(self, s, i, **kw))
    at = run_explorer(corpus=BANK, word="bank", rep="substitutes+context-vectors+form-centred")
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


def test_sense_tables_show_twenty_rows_then_all(app_env):
    at = run_explorer(word="cell", k=2)
    sizes = [len(t) for t in sense_tables(at)]
    assert len(sizes) == 2 and max(sizes) == 20, sizes
    toggle = at.toggle[0]
    n = int(toggle.label.removeprefix("Show all "))
    assert n > 20
    toggle.set_value(True).run()
    assert sorted(len(t) for t in sense_tables(at))[-1] == n


def _titled_corpus() -> list[Document]:
    """30 documents, each with its own title (high cardinality) and one of two topics."""
    return [Document(t, {"title": f"Document number {i}", "topic": topic})
            for i, (t, topic) in enumerate([(t, "river") for t in RIVER] + [(t, "money") for t in MONEY])]


def test_colour_offers_only_low_cardinality_metadata(app_env):
    app_env.add_corpus("titled", _titled_corpus(), source="upload")
    at = run_explorer(corpus="titled", word="bank", k=2)
    options = at.selectbox(key="ex_color").options
    assert "topic" in options and "title" not in options
    # the title is in the hover instead
    hovers = [h for t in occurrence_traces(plot_spec(at)) for h in t["hovertext"]]
    assert len(hovers) == 30 and all("title: Document number " in h for h in hovers)


def _senseval_like() -> list[Document]:
    """Pre-tokenised instances: 'interest' instances with gold senses, and 'line' instances (sense
    'cord') whose context also contains 'interest' away from the target position."""
    docs = []
    for i, sense in enumerate(["interest_1"] * 6 + ["interest_5"] * 6):
        words = f"the bank paid {i} % interest on the loan".split() if sense == "interest_1" else \
            f"she took an interest in music number {i}".split()
        docs.append(Document(" ".join(words), {"target": "interest", "sense": sense,
                                                 "position": words.index("interest")}, sentences=[words]))
    for i in range(4):
        words = f"he pulled the line tight with interest {i}".split()
        docs.append(Document(" ".join(words), {"target": "line", "sense": "cord", "position": 3},
                             sentences=[words]))
    return docs


def test_gold_sense_colour_shows_only_the_words_own_senses(app_env):
    from senses.metadata import NOT_GOLD

    app_env.add_corpus("sensevalish", _senseval_like(), source="upload")
    at = run_explorer(corpus="sensevalish", word="interest", match="form", k=2)
    options = at.selectbox(key="ex_color").options
    assert "gold_sense" in options and "sense" not in options and "position" not in options
    at.selectbox(key="ex_color").select("gold_sense").run()
    legend = {t["name"] for t in occurrence_traces(plot_spec(at))}
    assert legend == {"interest_1", "interest_5", NOT_GOLD}


def _flat(v):
    return v[0] if isinstance(v, list) else v


def test_shared_url_keeps_mix_weights_and_colour(app_env):
    at = run_explorer(corpus=BANK, word="bank", w="1,0,-1", color="topic", rep="layers")
    assert [at.slider(key=f"ex_w{i}").value for i in range(3)] == [1.0, 0.0, -1.0]
    assert at.selectbox(key="ex_color").value == "topic"
    assert {t["name"] for t in occurrence_traces(plot_spec(at))} == {"money", "river"}
    assert _flat(at.query_params["w"]) == "1,0,-1" and _flat(at.query_params["color"]) == "topic"
    # the weights are applied with the form's button, and the link follows
    at.slider(key="ex_w1").set_value(2.0)
    next(b for b in at.button if b.label == "Apply weights").click().run()
    assert _flat(at.query_params["w"]) == "1,2,-1"
    assert "Mix after softmax: 0.26 / 0.71 / 0.04" in texts(at, "caption")


def test_one_active_model_for_all_pages(app_env, tiny_model_dir, tmp_path, monkeypatch):
    from tests.conftest import make_tiny_model

    extra = tmp_path / "models"
    make_tiny_model(extra / "second", seed=1)
    monkeypatch.setenv("SENSE_EXPLORER_MODELS", str(extra))
    at = run_explorer(corpus=BANK, word="bank")
    assert at.selectbox(key="ex_model").value == tiny_model_dir.name
    at.selectbox(key="ex_model").select("second").run()
    at.switch_page("pages/model.py").run()
    assert not at.exception
    assert at.selectbox(key="model_choice").value == "second"
    at.selectbox(key="model_choice").select(tiny_model_dir.name).run()
    at.switch_page("pages/explorer.py").run()
    assert at.selectbox(key="ex_model").value == tiny_model_dir.name


def test_least_typical_uses_table(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    assert "Least typical uses" in [h.value for h in at.subheader]
    odd = [d.value for d in at.dataframe if "fit" in d.value.columns]
    assert len(odd) == 1 and len(odd[0]) == 10
    table = odd[0]
    assert list(table["fit"]) == sorted(table["fit"]) and {"left", "keyword", "right", "cluster_name"} <= set(table)
    assert table.columns[0] == "fit"
    assert set(table["keyword"].str.lower()) <= {"bank", "banks"}


def _title(at: AppTest) -> str:
    return plot_spec(at)["layout"]["title"]["text"]


def test_plot_title_names_the_representation(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    assert "substitutes + context vectors + discourse" in _title(at)
    at.selectbox(key="ex_rep").select("layers").run()  # "contextual vectors"
    assert "contextual vectors (scalar mix)" in _title(at) and "substitutes" not in _title(at)
    at.selectbox(key="ex_layer").select(2).run()
    assert "contextual vectors (layer 2)" in _title(at)
    at.selectbox(key="ex_color").select("topic").run()  # another colouring keeps the view's title
    assert "contextual vectors (layer 2)" in _title(at)
    linked = run_explorer(corpus=BANK, word="bank", rep="layers", layer=1)  # from a shared link
    assert "contextual vectors (layer 1)" in _title(linked)


def _downloads(monkeypatch) -> dict:
    """File name -> the bytes a download button's deferred callable makes (recorded as the page registers it)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made = {}
    real = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def test_export_names_representation_and_layer(app_env, monkeypatch):
    import io

    import pandas as pd

    made = _downloads(monkeypatch)
    at = run_explorer(corpus=BANK, word="bank", k=2)
    csv = pd.read_csv(io.BytesIO(made["bank_occurrences.csv"]()), keep_default_na=False)
    assert {"representation", "layer", "projection", "cluster", "cluster_name", "x", "y"} <= set(csv.columns)
    assert len(csv) == 30 and set(csv["representation"]) == {"substitutes+context-vectors+discourse"}
    assert set(csv["layer"]) == {""}  # the default view uses no layer vectors
    at.selectbox(key="ex_rep").select("layers").run()
    at.selectbox(key="ex_layer").select(2).run()
    parquet = pd.read_parquet(io.BytesIO(made["bank_occurrences.parquet"]()))
    assert set(parquet["representation"]) == {"layers"} and set(parquet["layer"]) == {"layer 2"}


def test_builtin_corpora_without_their_data_are_listed_with_how_to_get_them(app_env, monkeypatch, tmp_path):
    import nltk

    from corpora.builtin import NLTK_SOURCES

    empty = tmp_path / "nltk_data"
    empty.mkdir()
    monkeypatch.setenv("NLTK_DATA", str(empty))
    monkeypatch.setattr(nltk.data, "path", [str(empty)])
    at = run_explorer(corpus=BANK, word="bank")
    assert at.selectbox(key="ex_corpus").options == ["wiki", BANK, SPLIT]
    note = next(c.value for c in at.caption if c.value.startswith("Built in but not installed here:"))
    assert all(name in note for name in NLTK_SOURCES)
    assert "python -m nltk.downloader" in note and "NLTK_DATA" in note


def test_builtin_note_is_gone_when_nltk_finds_the_corpora(app_env, monkeypatch, tmp_path):
    import nltk

    from corpora.builtin import NLTK_SOURCES

    folder = tmp_path / "nltk_data"
    (folder / "corpora").mkdir(parents=True)
    for name in NLTK_SOURCES:  # found by name (the corpora are read only when picked)
        (folder / "corpora" / f"{name}.zip").write_bytes(b"")
    monkeypatch.setenv("NLTK_DATA", str(folder))
    monkeypatch.setattr(nltk.data, "path", [str(folder)])
    at = run_explorer(corpus=BANK, word="bank")
    assert set(NLTK_SOURCES) <= set(at.selectbox(key="ex_corpus").options)
    assert not any(c.value.startswith("Built in but not installed") for c in at.caption)


def test_least_typical_caption_quotes_the_benchmark(app_env):
    from senses.measured import misfit_shares

    odd, everything = misfit_shares()["wiki"]
    at = run_explorer(corpus=BANK, word="bank", k=2)
    caption = next(c.value for c in at.caption if c.value.startswith("The 10 occurrences farthest"))
    assert f"{odd:.0%} of them are of another sense" in caption and f"against {everything:.0%}" in caption
    assert "twice" not in caption


def test_chosen_k_says_how_it_differs_from_automatic_k(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    assert "automatic k over-clusters into 8" in texts(at, "caption")


def rename_boxes(at: AppTest) -> list:
    return sorted((t for t in at.text_input if t.key.startswith("ex_rename_")), key=lambda t: t.key)


def test_shared_link_keeps_renamed_clusters(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2, names="1:river side,2:money%2C cash,7:none,x:bad")
    assert [b.value for b in rename_boxes(at)] == ["river side", "money, cash"]
    assert {t["name"] for t in occurrence_traces(plot_spec(at))} == {"1: river side", "2: money, cash"}
    headers = [m.value for m in at.markdown if m.value.startswith("**Sense ")]
    assert headers[0].startswith("**Sense 1: river side**") and headers[1].startswith("**Sense 2: money, cash**")
    assert _flat(at.query_params["names"]) == "1:river side,2:money%2C cash"  # the cluster 7 that is not: gone
    # renaming changes the link; clearing every name removes it
    rename_boxes(at)[1].input("finance").run()
    assert _flat(at.query_params["names"]) == "1:river side,2:finance"
    assert "2: finance" in {t["name"] for t in occurrence_traces(plot_spec(at))}
    for box in rename_boxes(at):
        box.input("")
    at.run()
    assert "names" not in at.query_params


def test_link_names_belong_to_the_links_view(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    rename_boxes(at)[0].input("river").run()
    assert _flat(at.query_params["names"]) == "1:river"
    at.selectbox(key="ex_k").select(3).run()  # another view: its own (no) names, and none in the link
    assert "names" not in at.query_params and not any(b.value for b in rename_boxes(at))
    at.selectbox(key="ex_k").select(2).run()  # back: the name typed for that view, in the link again
    assert rename_boxes(at)[0].value == "river" and _flat(at.query_params["names"]) == "1:river"
    # a link's names are for its own view: opened on a word that is not found, then another word, none
    other = run_explorer(corpus=BANK, word="nosuchword", k=2, names="1:river")
    other.text_input(key="ex_word").input("bank").run()
    assert not any(b.value for b in rename_boxes(other)) and "names" not in other.query_params


def test_sense_boxes_show_the_most_typical_use(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=2)
    examples = [c.value for c in at.caption if c.value.startswith("Most typical use: ")]
    tables = sense_tables(at)
    assert len(examples) == len(tables) == 2
    for text, table in zip(examples, tables, strict=True):
        assert "**bank**" in text
        right = text.split("**bank**", 1)[1].replace("\\", "")
        assert any(r.startswith(right.rstrip("…")) for r in table["right"])  # one of this sense's own uses


def test_export_carries_the_view(app_env, tiny_model_dir, monkeypatch):
    import io

    from senses.view import ViewConfig, read_view

    made = _downloads(monkeypatch)
    run_explorer(corpus=BANK, word="bank", k=2, proj="UMAP")
    view = read_view(io.BytesIO(made["bank_occurrences.csv"]()))
    assert view == ViewConfig(BANK, "bank", "lemma", 300, tiny_model_dir.name, "mix", (), "UMAP", 2)
    assert read_view(io.BytesIO(made["bank_occurrences.parquet"]())) == view


def test_bad_link_parameters_are_named(app_env):
    at = run_explorer(corpus=BANK, word="bank", k=9, layer="top", cmp="both")
    warning = texts(at, "warning").replace("\\", "")
    assert "k=9 (expected auto or 1 to 8; auto is used)" in warning
    assert "layer=top (expected 0, 1, 2 or mix; scalar mix is used)" in warning
    assert "cmp=both (expected none, corpus or split; none is used)" in warning
    assert _flat(at.query_params["k"]) == "auto" and "cmp" not in at.query_params
    assert "w" not in at.query_params  # the default representation uses no mix weights
    at.selectbox(key="ex_k").select(2).run()  # changed since: no longer named
    assert "k=9" not in texts(at, "warning")
