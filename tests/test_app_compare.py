"""AppTest tests of the Explorer's "Compare with" view: two corpora, a metadata split, the shared link."""

from __future__ import annotations

import html
import json

import pytest

from corpora.builtin import Document
from tests.test_app_explorer import BANK, RIVER, bank_corpus, run_explorer, texts, tiny_app, values

OTHER = "riverbank"  # the river sense only


@pytest.fixture
def compare_env(tiny_model_dir, data_dir, monkeypatch):
    corpora = {BANK: bank_corpus(),  # 15 river + 15 money; topic, year
               OTHER: [Document(t + " Again.", {"topic": "river"}) for t in RIVER + RIVER[:5]],
               "tiny": [Document(t) for t in RIVER[:4]]}
    with tiny_app(tiny_model_dir, monkeypatch, corpora) as store:
        yield store


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def scatter(at) -> dict:
    """The plot of the occurrences; its trace names unescaped (plotly names are HTML)."""
    spec = next(c for c in charts(at) if c["data"] and c["data"][0]["type"] == "scattergl")
    for t in spec["data"]:
        t["name"] = html.unescape(t["name"])
    return spec


def shares(at) -> dict:
    return next(c for c in charts(at) if c["data"] and c["data"][0]["type"] == "bar")


def share_table(at):
    return next(d.value for d in at.dataframe if "found" in d.value.columns)


def flat(at, key):
    v = at.query_params.get(key)
    return v[0] if isinstance(v, list) else v


def test_two_corpora_in_one_space(compare_env):
    at = run_explorer(corpus=BANK, word="bank", cmp="corpus", cmp_corpus=OTHER)
    assert at.radio(key="ex_cmp").value == "corpus" and at.selectbox(key="ex_cmp_corpus").value == OTHER
    assert f"“bank”: {BANK} against {OTHER}" in [h.value for h in at.subheader]
    # 30 against 20 occurrences: 20 each, and the page says it sampled
    assert "Sampled evenly" in texts(at, "info") and "20 occurrences from each side" in texts(at, "info")
    assert "occurrences of “bank” in" not in texts(at, "caption")  # the single view's count is not shown
    sc = scatter(at)
    assert {t["name"] for t in sc["data"]} == {BANK, OTHER}
    assert sorted(len(values(t["x"])) for t in sc["data"]) == [20, 20]
    bars = shares(at)["data"]
    assert [b["name"] for b in bars] == [BANK, OTHER]
    table = share_table(at)
    assert list(table.columns) == ["sense", f"{BANK} n", f"{BANK} %", f"{OTHER} n", f"{OTHER} %", "found"]
    assert table[f"{BANK} n"].sum() == 20 and table[f"{OTHER} n"].sum() == 20
    assert table[f"{BANK} %"].sum() == pytest.approx(100, abs=0.3)
    assert [b["text"] for b in bars][0] == [f"{n} ({n / 20:.0%})" for n in table[f"{BANK} n"]]
    # the money sense is in the first corpus only, and the test says so
    assert f"only in {BANK}" in set(table["found"])
    assert any(m.value.startswith(f"**Found only in {BANK}:**") for m in at.markdown)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Jensen–Shannon divergence"].split()[0]) > 0.1
    assert float(metrics["p-value"]) < 0.05
    assert "The senses are used differently on the two sides" in texts(at, "success")
    # colour by sense instead: the sense clusters' names, each point's side in the hover, the link keeps it
    at.toggle(key="ex_cmp_sense").set_value(True).run()
    traces = scatter(at)["data"]
    assert {t["name"] for t in traces} == set(table["sense"])
    assert all(f"side: {BANK}" in h or f"side: {OTHER}" in h for t in traces for h in t["hovertext"])
    assert flat(at, "cmp_sense") == "1"


def test_metadata_split_by_value_and_by_number(compare_env):
    at = run_explorer(corpus=BANK, word="bank", cmp="split", cmp_col="topic", cmp_val="money")
    assert at.selectbox(key="ex_cmp_col").value == "topic" and at.selectbox(key="ex_cmp_val").value == "money"
    assert at.selectbox(key="ex_cmp_vs").value == ""  # the rest
    assert "All occurrences: 15 on each side" in texts(at, "caption").replace("\\", "")
    assert {t["name"] for t in scatter(at)["data"]} == {"topic = money", "topic ≠ money"}
    table = share_table(at)
    assert table["topic = money n"].sum() == 15 and table["topic ≠ money n"].sum() == 15
    # years: 2000-2014 (river) and 2010-2024 (money); before 2010: 10, from 2010 on: 20 -> 10 each
    at.selectbox(key="ex_cmp_col").select("year").run()
    slider = at.select_slider(key="ex_cmp_val")
    assert slider.options[0] == "2001" and slider.options[-1] == "2024"
    slider.set_value("2010").run()
    assert not at.exception
    assert {t["name"] for t in scatter(at)["data"]} == {"year < 2010", "year ≥ 2010"}
    assert "Sampled evenly: 10 occurrences from each side" in texts(at, "info").replace("\\", "")
    assert "year < 2010 has 10, year ≥ 2010 20" in texts(at, "info").replace("\\", "")
    assert flat(at, "cmp_col") == "year" and flat(at, "cmp_val") == "2010"


def test_link_round_trip(compare_env):
    at = run_explorer(corpus=BANK, word="bank")
    assert at.radio(key="ex_cmp").value == "none"
    assert not any(k.startswith("cmp") for k in at.query_params)  # nothing compared: no parameters
    at.radio(key="ex_cmp").set_value("split").run()
    at.selectbox(key="ex_cmp_col").select("topic").run()
    at.selectbox(key="ex_cmp_val").select("river").run()
    at.selectbox(key="ex_cmp_vs").select("money").run()
    link = {k: flat(at, k) for k in at.query_params}
    assert {k: v for k, v in link.items() if k.startswith("cmp")} == {
        "cmp": "split", "cmp_col": "topic", "cmp_val": "river", "cmp_vs": "money"}
    sides = {t["name"] for t in scatter(at)["data"]}
    assert sides == {"topic = river", "topic = money"}
    # the link opens the same view
    again = run_explorer(**link)
    assert {t["name"] for t in scatter(again)["data"]} == sides
    assert share_table(again).equals(share_table(at))
    assert again.selectbox(key="ex_cmp_vs").value == "money"
    # back to nothing: the compare parameters leave the link, the single-corpus view returns
    again.radio(key="ex_cmp").set_value("none").run()
    assert not any(k.startswith("cmp") for k in again.query_params)
    assert "Occurrences by sense" in [h.value for h in again.subheader] and not any(
        d.value.columns.tolist()[-1:] == ["found"] for d in again.dataframe)


def test_compare_says_why_it_cannot(compare_env):
    at = run_explorer(corpus=BANK, word="bank", cmp="corpus", cmp_corpus="tiny")
    assert not at.exception
    warning = texts(at, "warning").replace("\\", "")
    assert "Nothing to compare: only 4 occurrences of “bank” in tiny" in warning and "at least 10" in warning
    at = run_explorer(corpus=BANK, word="loan", cmp="corpus", cmp_corpus=OTHER)
    assert '"loan" does not occur in riverbank' in texts(at, "warning").replace("\\", "")
    # a link to a corpus that is not there falls back to one that is
    at = run_explorer(corpus=BANK, word="bank", cmp="corpus", cmp_corpus="gone")
    assert at.selectbox(key="ex_cmp_corpus").value != "gone" and not at.exception


def test_one_cluster_says_there_is_nothing_to_compare(compare_env):
    at = run_explorer(corpus=BANK, word="bank", cmp="corpus", cmp_corpus=OTHER, k=1)
    assert "One sense cluster (k chosen by you) over the 40 occurrences" in texts(at, "warning")
    assert "No difference beyond chance: p = 1.000" in texts(at, "info").replace("\\", "")
    assert "“Show at most” caps each side" not in texts(at, "info")  # 20 each, under the cap of 300
    assert share_table(at)[f"{BANK} %"].tolist() == [100.0]
