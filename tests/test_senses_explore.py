"""Unit tests of the explorer pipeline (senses.explore) and the automatic cluster names (senses.naming)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from senses import explore, naming

RIVER = "We sat on the grassy bank of the river and watched the water flow past the shore"
MONEY = "She deposited the cash at the bank to open a savings account for a loan"


def _frame(n_each: int = 10) -> pd.DataFrame:
    rows = []
    for i, s in enumerate([RIVER] * n_each + [MONEY] * n_each):
        toks = s.split()
        j = toks.index("bank")
        rows.append({"corpus": "t", "doc": i, "sent_id": 0, "token_index": j, "left": " ".join(toks[:j]),
                     "keyword": "bank", "right": " ".join(toks[j + 1:]), "tokens": toks, "sentence": s,
                     "genre": "nature" if i < n_each else "finance", "year": 2000 + i})
    return pd.DataFrame(rows)


def _two_blobs(n_each: int = 10, dim: int = 16, seed: int = 0) -> np.ndarray:
    """(2n, 3, dim) layer vectors whose layers 1 and 2 hold two well-separated directions."""
    rng = np.random.default_rng(seed)
    a, b = np.zeros(dim), np.zeros(dim)
    a[0], b[1] = 1.0, 1.0
    centres = np.stack([a] * n_each + [b] * n_each)
    layers = np.stack([rng.normal(size=(2 * n_each, dim)),  # layer 0: noise only
                       centres + 0.05 * rng.normal(size=(2 * n_each, dim)),
                       centres + 0.05 * rng.normal(size=(2 * n_each, dim))], axis=1)
    return layers.astype(np.float32)


def test_mix_layers_single_and_scalar_mix():
    layers = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    assert np.array_equal(explore.mix_layers(layers, 1), layers[:, 1])
    avg = explore.mix_layers(layers, explore.MIX, [0, 0, 0])
    assert np.allclose(avg, layers.mean(1))
    only2 = explore.mix_layers(layers, explore.MIX, [-50, -50, 50])
    assert np.allclose(only2, layers[:, 2], atol=1e-3)
    w = explore.softmax([1.0, 2.0, 3.0])
    assert np.allclose(explore.mix_layers(layers, explore.MIX, [1, 2, 3]), np.tensordot(layers, w, ([1], [0])))
    with pytest.raises(ValueError):
        explore.mix_layers(layers, 3)
    with pytest.raises(ValueError):
        explore.mix_layers(layers, explore.MIX, [0, 0])


def test_analyse_finds_two_senses_and_builds_frame():
    occ = _frame()
    a = explore.analyse(occ, _two_blobs(), layer=2)
    assert a.k == 2 and a.clustering.auto
    assert a.clustering.silhouette > 0.5
    # the two senses are exactly the two halves
    assert len(set(a.frame["cluster"][:10])) == 1 and len(set(a.frame["cluster"][10:])) == 1
    assert a.frame["cluster"][0] != a.frame["cluster"][10]
    assert {"x", "y", "cluster", "row"} <= set(a.frame.columns)
    assert a.projection.method == "PCA" and len(a.projection.explained) == 2
    # layer 0 is pure noise: no sense structure found there
    assert explore.analyse(occ, _two_blobs(), layer=0).k == 1
    # k overridden
    assert explore.analyse(occ, _two_blobs(), layer=0, k=3).k == 3


def test_analyse_single_occurrence_is_not_clustered():
    a = explore.analyse(_frame().iloc[:1], _two_blobs()[:1], layer=1)
    assert a.k == 1 and list(a.frame["cluster"]) == [0]
    fig = explore.scatter_figure(a, word="bank")
    assert sum(len(t.x) for t in fig.data) == 1


@pytest.mark.parametrize("method", ["UMAP", "t-SNE"])
def test_other_projections(method):
    a = explore.analyse(_frame(), _two_blobs(), layer=1, method=method)
    assert a.frame[["x", "y"]].notna().all().all()
    assert explore.axis_titles(a.projection) == (f"{method} 1", f"{method} 2")
    placed = explore.place_sentence(a, _two_blobs()[0])
    assert placed["x"] is None and placed["cluster"] == a.frame["cluster"][0]


def test_scatter_escapes_html_in_hover_and_labels():
    occ = _frame()
    occ.loc[0, "left"] = "<script>alert(1)</script> and <b>bold</b>"
    occ.loc[0, "genre"] = "<i>x</i>"
    a = explore.analyse(occ, _two_blobs(), layer=1)
    fig = explore.scatter_figure(a, names={0: "<img src=x onerror=alert(1)>"}, word="bank")
    texts = [h for t in fig.data for h in (t.hovertext or [])]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in h for h in texts)
    assert not any("<script" in h or "<b>bold" in h for h in texts)
    assert all("<b>bank</b>" in h for h in texts)  # our own markup for the keyword stays
    assert not any("<img" in (t.name or "") for t in fig.data)
    fig2 = explore.scatter_figure(a, color="genre")
    assert "&lt;i&gt;x&lt;/i&gt;" in {t.name for t in fig2.data}
    assert "PC1 (" in fig.layout.xaxis.title.text and "% of variance" in fig.layout.yaxis.title.text


def test_scatter_colour_by_metadata_and_star():
    a = explore.analyse(_frame(), _two_blobs(), layer=1)
    assert {t.name for t in explore.scatter_figure(a, color="genre").data} == {"finance", "nature"}
    cont = explore.scatter_figure(a, color="year")  # numeric with many values: one trace with a colour scale
    assert len(cont.data) == 1 and cont.data[0].marker.showscale
    star = explore.scatter_figure(a, star={"x": 0.1, "y": 0.2, "text": "<b>my</b> bank"})
    assert star.data[-1].name == "your sentence" and star.data[-1].marker.symbol == "star"
    assert star.data[-1].hovertext[0] == "&lt;b&gt;my&lt;/b&gt; bank"
    # every occurrence point carries its row in customdata
    rows = sorted(int(r) for t in star.data[:-1] for r in t.customdata)
    assert rows == list(range(20))


def test_selected_rows_kwic_and_tables():
    a = explore.analyse(_frame(), _two_blobs(), layer=1)
    sel = explore.selected_rows(a, [{"customdata": [3]}, {"customdata": 12}, {"x": 1.0}, {"customdata": [99]}])
    assert list(sel.columns[:3]) == ["left", "keyword", "right"]
    assert len(sel) == 2 and sel["right"][1].startswith("to open")
    tables = explore.cluster_tables(a, {0: "river", 1: "money"})
    assert [len(t) for _, _, t in tables] == [10, 10]
    assert tables[0][1].startswith("1: ") and "genre" in tables[0][2].columns


def test_find_target_forms():
    toks = ["The", "Cells", "divide", "."]
    assert explore.find_target(toks, "cell", "lemma") == 1
    assert explore.find_target(toks, "cell", "form") is None
    assert explore.find_target(toks, "cells", "form") == 1
    assert explore.find_target(["no", "word"], "cell") is None
    assert explore.find_target(toks, "  ") is None


def test_place_sentence_lands_near_its_sense():
    layers = _two_blobs()
    f = _frame()
    a = explore.analyse(f, layers, layer=2)
    # a "money" occurrence, through the analysis' own representation (vectors + context words)
    placed = explore.place_sentence(a, layers[15], tokens=f["tokens"][15], index=int(f["token_index"][15]))
    assert placed["cluster"] == a.frame["cluster"][15] and placed["similarity"] > 0.9
    assert placed["x"] == pytest.approx(a.frame["x"][15], abs=1e-4)
    assert placed["y"] == pytest.approx(a.frame["y"][15], abs=1e-4)
    c, sim = explore.nearest_cluster(np.array([0, 1.0]), np.array([[1.0, 0], [0, 2.0]]))
    assert (c, sim) == (1, pytest.approx(1.0))


def test_export_csv_and_parquet_round_trip():
    a = explore.analyse(_frame(), _two_blobs(), layer=1)
    out = explore.export_frame(a, {0: "river", 1: "money"})
    assert set(out["cluster"]) == {1, 2} and set(out["cluster_name"]) == {"river", "money"}
    assert {"x", "y", "left", "keyword", "right", "sentence", "genre"} <= set(out.columns)
    back = pd.read_csv(io.BytesIO(explore.to_csv(out)))
    assert len(back) == 20 and back["x"].tolist() == pytest.approx(out["x"].tolist())
    pq = pd.read_parquet(io.BytesIO(explore.to_parquet(out)))
    assert len(pq) == 20 and list(pq["cluster_name"]) == list(out["cluster_name"])


def test_meta_columns():
    assert explore.meta_columns(_frame()) == ["genre", "year"]


# ---- naming -------------------------------------------------------------------------------------

def test_context_words_drop_stopwords_target_and_punctuation():
    toks = "The bank of the river , 1999 , was muddy and steep .".split()
    words = naming.context_words(toks, 1, window=20, exclude={"bank"})
    assert words == ["river", "muddy", "steep"]


def test_distinctive_words_separate_the_senses():
    f = _frame()
    labels = np.array([0] * 10 + [1] * 10)
    d = naming.distinctive_words(list(f["tokens"]), list(f["token_index"]), labels, top=5, exclude={"bank"})
    assert set(d[0]) and set(d[1])
    w0, w1 = {w for w, _ in d[0]}, {w for w, _ in d[1]}
    assert w0 <= set(RIVER.lower().split()) and w1 <= set(MONEY.lower().split())
    assert "river" in w0 or "water" in w0 or "shore" in w0
    assert "cash" in w1 or "deposited" in w1 or "account" in w1
    assert all(s > 0 for _, s in d[0] + d[1])


def test_word_forms():
    assert {"cell", "cells"} <= naming.word_forms("cells")
    assert "banks" in naming.word_forms("bank")


def test_name_clusters_with_lm_head(tiny_elmo):
    f = _frame(6)
    labels = np.array([0] * 6 + [1] * 6)
    names = naming.name_clusters(f, labels, model=tiny_elmo, word="bank", per_cluster=4)
    assert set(names) == {0, 1}
    for n in names.values():
        assert n.size == 6 and n.substitutes, "the tiny model has an LM head: substitutes expected"
        assert "bank" not in [s.lower() for s in n.substitutes]
        assert n.label and "·" in n.label
    assert "river" in names[0].context or "water" in names[0].context


def test_name_clusters_without_model_falls_back_to_context():
    names = naming.name_clusters(_frame(), np.array([0] * 10 + [1] * 10), model=None, word="bank")
    assert names[0].substitutes == [] and names[0].context
    empty = naming.ClusterName(2, 1)
    assert empty.label == "sense 3"  # only a cluster without any word


def test_names_lead_with_context_words_and_substitutes_fill_in():
    full = naming.ClusterName(0, 9, ["water", "people"], ["film", "hollywood", "cinema", "actor"])
    assert full.label == "film · hollywood · cinema"  # the generic substitutes stay out
    thin = naming.ClusterName(1, 2, ["shore", "film", "coast"], ["film"])
    assert thin.label == "film · shore · coast"  # fewer than two context words: substitutes fill in
    f = pd.DataFrame({"tokens": [["the", "films", "bank", "film", "star"], ["a", "film", "bank", "films"],
                                 ["the", "river", "bank", "water"], ["river", "bank", "shore", "water"]],
                      "token_index": [2, 2, 2, 1]})
    names = naming.name_clusters(f, np.array([0, 0, 1, 1]), model=None, word="bank")
    assert len({"film", "films"} & set(names[0].context)) == 1  # one form per lemma


def _sentences_frame(sentences: list[str], word: str = "bank") -> pd.DataFrame:
    rows = []
    for s in sentences:
        toks = s.split()
        j = toks.index(word)
        rows.append({"left": " ".join(toks[:j]), "keyword": word, "right": " ".join(toks[j + 1:]), "tokens": toks,
                     "token_index": j})
    return pd.DataFrame(rows)


def test_names_are_frequent_in_the_typical_uses_and_distinctive():
    # cluster 0: "shore" in all its uses, "river" next to the target in its five most typical uses, "heron"
    # in its five least typical; "water" in every use of both clusters (frequent, not distinctive); 1: money
    typical = [f"the river bank water shore {w}" for w in "one two three four five".split()]
    odd = [f"a heron bank water shore {w}" for w in "six seven eight nine ten".split()]
    money = [f"the loan bank water cash {w}" for w in "red blue green gold grey".split()]
    f = _sentences_frame(typical + odd + money)
    labels = np.array([0] * 10 + [1] * 5)
    fit = np.array([0.9] * 5 + [0.2] * 5 + [0.9] * 5)
    names = naming.name_clusters(f, labels, word="bank", typicality=fit)
    assert sorted(names[0].context) == ["river", "shore"] and "heron" not in names[0].label
    assert names[1].context == ["loan", "cash"]  # "water", in every use, says no sense
    # without typicality every use counts: the odd uses' word comes in too
    assert "heron" in naming.name_clusters(f, labels, word="bank")[0].context


def test_names_prefer_words_next_to_the_target_and_show_the_common_form():
    # "rivers" / "river" (one lemma, "river" written more often) next to the target, "muddy" five words away
    near = ["x muddy y z w river bank", "x muddy y z w river bank", "x muddy y z w rivers bank"]
    f = _sentences_frame(near + ["the loan bank account"] * 3)
    names = naming.name_clusters(f, np.array([0, 0, 0, 1, 1, 1]), word="bank")
    assert names[0].context[:2] == ["river", "muddy"]  # one form per lemma, the nearer word first


def test_every_cluster_gets_words_not_a_number():
    # a small cluster whose uses share no word still gets its own words (it was "sense 3" before)
    f = _sentences_frame(["the river bank shore"] * 4 + ["the loan bank cash"] * 4
                         + ["a bank vault", "steep bank slope", "bank holiday monday"])
    names = naming.name_clusters(f, np.array([0] * 4 + [1] * 4 + [2] * 3), word="bank")
    assert names[2].label != "sense 3" and set(names[2].context) <= {"vault", "steep", "slope", "holiday", "monday"}
    assert naming.sense_words([{}, {}], [0, 1]) == {0: [], 1: []}  # no words at all: nothing to name


def test_typical_example_is_the_most_central_use_cut_at_words():
    rng = np.random.default_rng(0)
    sentences = [f"{'very ' * 20}long left side of the river bank {i} and a long right side {'too ' * 20}"
                 for i in range(6)] + [f"money at the bank {i}" for i in range(6)]
    f = _sentences_frame(sentences)
    x = np.vstack([np.eye(8)[0] + 0.1 * rng.normal(size=(6, 8)), np.eye(8)[1] + 0.1 * rng.normal(size=(6, 8))])
    x[4], x[9] = np.eye(8)[0], np.eye(8)[1]  # exactly at each cluster's direction
    a = explore.analyse(f, np.repeat(x[:, None, :], 3, axis=1), representation="layers", k=2)
    fit = explore.typicality(a)
    rows = explore.typical_rows(a)
    assert rows == {0: int(np.argmax(np.where(a.clustering.labels == 0, fit, -9))),
                    1: int(np.argmax(np.where(a.clustering.labels == 1, fit, -9)))}
    assert set(rows.values()) == {4, 9}
    ex = explore.typical_examples(a, chars=30)
    c_river = int(a.clustering.labels[4])
    left, kw, right = ex[c_river]
    assert kw == "bank" and left.startswith("…") and left.endswith("of the river ") and right.startswith(" 4 and")
    assert right.endswith("…") and len(left) <= 32 and len(right) <= 32
    assert all(w in sentences[4].split() for w in (left + right).replace("…", "").split())
    assert ex[1 - c_river] == ("money at the ", "bank", " 3")  # row 9: the fourth money sentence, short: whole
    real = pd.DataFrame({"left": ["On the\n  west "], "keyword": ["bank"], "right": [", of the river."]})
    b = explore.Analysis(real, np.ones((1, 2), np.float32), a.projection, explore.Clustering(np.zeros(1, int), 1, 0.0, {}, True))
    assert explore.typical_examples(b) == {0: ("On the west ", "bank", ", of the river.")}  # spacing as written


def test_names_param_round_trip_escapes_and_caps():
    names = {0: "river side", 1: "money, cash: 100%", 3: "  ", 2: "x" * 60}
    value = explore.names_param(names)
    assert value.startswith("1:river side,2:money%2C cash%3A 100%25,3:")  # 1-based, like "Sense 1"
    assert explore.parse_names_param(value) == {0: "river side", 1: "money, cash: 100%", 2: "x" * explore.NAME_CHARS}
    assert explore.parse_names_param("0:a,2:b,x:c,99:d,3:,4:  e  f ,5") == {1: "b", 3: "e f"}
    assert explore.parse_names_param(None) == {} and explore.parse_names_param("") == {}
    many = explore.names_param({c: "y" * 40 for c in range(16)})
    assert len(many) <= explore.NAMES_PARAM_CHARS < len(many) + 44  # as many whole entries as fit
    assert explore.parse_names_param(many) == {c: "y" * 40 for c in range(9)}


def test_kwic_keeps_the_end_of_a_long_left_context():
    long_left = "word " * 30 + "near the"
    frame = pd.DataFrame({"left": [long_left, "On the"], "keyword": ["bank", "bank"], "right": [" of it.", " side."]})
    table = explore.kwic(frame)
    assert table["left"][0] == "…" + long_left[-explore.KWIC_LEFT_CHARS:] and table["left"][0].endswith("near the")
    assert table["left"][1] == "On the"  # short: as it is
    assert explore.kwic(frame, left_chars=None)["left"][0] == long_left
    assert list(frame["left"]) == [long_left, "On the"]  # the frame itself is left alone


def test_least_typical_uses_are_the_farthest_from_their_centre():
    from benchmarks.induction import misfits

    rng = np.random.default_rng(0)
    f = _frame(10)
    x = np.vstack([np.eye(8)[0] + 0.05 * rng.normal(size=(10, 8)), np.eye(8)[1] + 0.05 * rng.normal(size=(10, 8))])
    x[3] = np.eye(8)[0] + 0.9 * np.eye(8)[1]  # a use between the two, in the first cluster
    a = explore.analyse(f, np.repeat(x[:, None, :], 3, axis=1), representation="layers", k=2)
    table = explore.least_typical(a, n=4)
    assert len(table) == 4 and list(table["fit"]) == sorted(table["fit"])
    fit = explore.typicality(a)
    assert table["left"][0] == explore.kwic(f)["left"][int(np.argmin(fit))] and fit.min() < 0.9 < np.median(fit)
    assert int(np.argmin(fit)) == 3
    assert list(misfits(np.array(["a", "a", "b", "b", "b"]), np.array([0, 0, 0, 1, 1]))) == [0, 0, 1, 0, 0]


def test_sense_table_counts_senses_by_metadata():
    from senses import metadata

    f = pd.DataFrame({"cluster": [0, 0, 1, 1, 1], "genre": ["news", "fiction", "news", "news", None]})
    t = metadata.sense_table(f, "genre", {0: "river", 1: "money"})
    assert list(t.index) == ["1: river", "2: money", "all"]
    assert t.loc["2: money", "news"] == 2 and t.loc["2: money", "(none)"] == 1 and t.loc["all", "all"] == 5
    many = pd.DataFrame({"cluster": [0] * 30, "title": [f"t{i}" for i in range(30)]})
    assert metadata.sense_table(many, "title") is None  # too many values for a table
    years = pd.DataFrame({"cluster": [0, 1] * 25, "year": [1789 + 4 * i for i in range(49)] + [None]})
    by_year = metadata.sense_table(years, "year")
    assert list(by_year.columns)[:2] == ["1789–1813", "1814–1837"] and list(by_year.columns)[-2:] == ["(none)", "all"]
    assert len(by_year.columns) == metadata.BINS + 2 and by_year.loc["all", "all"] == 50
    assert by_year.loc["all"].iloc[:-1].sum() == 50  # every year in one range
    split = metadata.sense_table(pd.DataFrame({"cluster": [0, 1, 1], "split": ["all", "train", "test"]}), "split")
    assert list(split.columns) == ["all", "test", "train", "(all)"] and split.loc["(all)", "(all)"] == 3
