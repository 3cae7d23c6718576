"""Unit tests of the Explorer's view (senses.view): the link round trip, bad link parameters, and the view
an export carries."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from senses import explore, shift
from senses.view import (
    CORPUS,
    DEFAULTS,
    MIX,
    REST,
    SPLIT,
    VIEW_COLUMN,
    Spec,
    ViewConfig,
    ignored_text,
    parse_params,
    read_view,
)

VIEWS = [
    ViewConfig(),
    ViewConfig("bankdemo", "bank", "form", 120, None, 2, (), "UMAP", 3, "layers"),
    ViewConfig("wiki", "cell", "lemma", 300, None, MIX, (1.0, 0.0, -1.25), "t-SNE", "auto", "layers"),
    ViewConfig("wiki", "cell", compare=Spec(CORPUS, corpus="brown", by_sense=True)),
    ViewConfig("wiki", "cell", compare=Spec(SPLIT, column="genre", value="news", vs="fiction")),
    ViewConfig("wiki", "cell", compare=Spec(SPLIT, column="topic", value="a, b & c=d", vs=REST)),
]


@pytest.mark.parametrize("view", VIEWS)
def test_link_round_trip(view):
    query = view.to_query()
    assert all(isinstance(v, str) for v in query.values())
    back, ignored = ViewConfig.from_query(query)
    assert back == view and ignored == {}


def test_link_parameters_keep_their_names_and_values():
    view = ViewConfig("bankdemo", "bank", "lemma", 300, "tiny", MIX, (1.0, 2.0, -1.0), "PCA", 2, "layers",
                      Spec(SPLIT, column="topic", value="river", vs="money", by_sense=True))
    assert view.to_query() == {
        "corpus": "bankdemo", "word": "bank", "match": "lemma", "limit": "300", "layer": "mix", "k": "2",
        "proj": "PCA", "rep": "layers", "w": "1,2,-1", "cmp": "split", "cmp_col": "topic", "cmp_val": "river",
        "cmp_vs": "money", "cmp_sense": "1"}
    assert "model" not in view.to_query() and view.to_query(full=True)["model"] == "tiny"
    # weights only where the view uses them; nothing compared: no cmp parameters
    assert "w" not in ViewConfig(layer=1, representation="layers").to_query()
    assert "w" not in ViewConfig(weights=()).to_query()
    assert not any(k.startswith("cmp") for k in ViewConfig().to_query())


def test_link_values_are_read_as_today():
    view, ignored = ViewConfig.from_query({"limit": "99999", "layer": "scalar mix", "w": "9,0.1,-1.1",
                                           "rep": "layers", "k": "8", "cmp": "corpus", "cmp_corpus": "brown",
                                           "cmp_sense": "0"})
    assert ignored == {}
    assert view.limit == 5000 and view.layer == MIX and view.weights == (3.0, 0.0, -1.0) and view.k == 8
    assert view.compare == Spec(CORPUS, corpus="brown")
    assert ViewConfig.from_query({"limit": "0", "layer": "1"})[0].analysis[3:5] == (1, None)
    # a representation without layer vectors: the weights are not part of the view
    assert ViewConfig.from_query({"w": "1,1,1"})[0].weights == ()
    # the page's defaults, or others
    assert ViewConfig.from_query({})[0] == ViewConfig()
    assert ViewConfig.from_query({}, {"word": "cell"})[0].word == "cell"


def test_bad_parameters_are_ignored_with_the_reason():
    bad = {"match": "stem", "limit": "many", "layer": "7", "k": "9", "proj": "MDS", "w": "1,2", "rep": "bert",
           "cmp": "both"}
    view, ignored = ViewConfig.from_query({"word": "bank", **bad})
    assert view == ViewConfig(word="bank")
    assert set(ignored) == set(bad)
    for name, (given, used, why) in ignored.items():
        assert given == bad[name] and used == DEFAULTS[name] and why.startswith("expected ")
    assert ignored["k"][2] == "expected auto or 1 to 8"
    assert ViewConfig.from_query({"w": "nan,0,0"})[1]["w"][1] == (0.0, 0.0, 0.0)
    text = ignored_text({n: ignored[n] for n in ("layer", "w")})
    assert text == ("Ignored in the link: layer=7 (expected 0, 1, 2 or mix; scalar mix is used); "
                    "w=1,2 (expected 3 finite numbers; 0, 0, 0 is used).")
    assert ignored_text({}) == ""
    values, _ = parse_params({"w": "1,0,-1", "color": "topic"})  # the widgets' values, used or not
    assert values["w"] == (1.0, 0.0, -1.0) and values["color"] == "topic"


RIVER = "We sat on the grassy bank of the river and watched the water flow past the shore"
MONEY = "She deposited the cash at the bank to open a savings account for a loan"


def _analysis() -> explore.Analysis:
    rows = []
    for i, s in enumerate([RIVER] * 6 + [MONEY] * 6):
        toks = s.split()
        j = toks.index("bank")
        rows.append({"corpus": "t", "doc": i, "sent_id": 0, "token_index": j, "left": " ".join(toks[:j]),
                     "keyword": "bank", "right": " ".join(toks[j + 1:]), "tokens": toks, "sentence": s,
                     shift.SIDE: "a" if i % 2 else "b"})
    rng = np.random.default_rng(0)
    layers = rng.normal(size=(len(rows), 3, 8)).astype(np.float32)
    layers[:6, 1:, 0] += 5.0
    return explore.analyse(pd.DataFrame(rows), layers, layer=1, representation="layers")


@pytest.mark.parametrize("view", [
    ViewConfig("t", "bank", "lemma", 300, "tiny", 1, (), "PCA", 2, "layers"),
    ViewConfig("t", "bank", model="tiny", compare=Spec(SPLIT, column="year", value="2010", numeric=True)),
    ViewConfig("t", "bank", compare=Spec(SPLIT, column="genre", value="news", vs="fiction", by_sense=True)),
])
def test_export_carries_the_view(view, tmp_path):
    a = _analysis()
    frame = explore.export_frame(a, {0: "river"}, view.query_string())
    assert set(frame[VIEW_COLUMN]) == {view.query_string()} and frame.columns[-1] == VIEW_COLUMN
    assert read_view(frame) == view
    csv, parquet = explore.to_csv(frame), explore.to_parquet(frame)
    assert read_view(io.BytesIO(csv)) == view and read_view(io.BytesIO(parquet)) == view
    (tmp_path / "bank.csv").write_bytes(csv)
    (tmp_path / "bank.parquet").write_bytes(parquet)
    assert read_view(tmp_path / "bank.csv") == view and read_view(str(tmp_path / "bank.parquet")) == view
    compared = shift.export_frame(a, None, view.query_string())  # the compare view's export too
    assert read_view(compared) == view and shift.SIDE in compared.columns


def test_export_without_a_view_is_not_read():
    a = _analysis()
    frame = explore.export_frame(a)
    assert VIEW_COLUMN not in frame.columns
    with pytest.raises(ValueError, match="no view column"):
        read_view(frame)
    with pytest.raises(ValueError):
        read_view(io.BytesIO(explore.to_csv(frame)))
    with pytest.raises(ValueError, match="Ignored"):
        read_view(frame.assign(view="word=bank&k=99"))
