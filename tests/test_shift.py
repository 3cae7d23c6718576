"""senses.shift: Jensen–Shannon divergence, the permutation test, sides, even sampling, shares, export, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from corpora.builtin import Document
from senses import shift
from senses.shift import ShiftError, Split, jsd, permutation_test

ROOT = Path(__file__).resolve().parents[1]

# ---- divergence ---------------------------------------------------------------------------------------


def test_jsd_known_distributions():
    assert jsd([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.0, abs=1e-12)
    assert jsd([1, 0], [0, 1]) == pytest.approx(1.0)  # no sense in common: 1 bit
    # (0.8, 0.2) vs (0.2, 0.8): H(0.5, 0.5) - H(0.8, 0.2) = 1 - 0.7219...
    assert jsd([0.8, 0.2], [0.2, 0.8]) == pytest.approx(1 - (-(0.8 * np.log2(0.8) + 0.2 * np.log2(0.2))))
    for p, q in (([0.8, 0.2], [0.2, 0.8]), ([0.7, 0.2, 0.1], [0.1, 0.3, 0.6]), ([1, 0, 0], [0.2, 0.3, 0.5])):
        assert jsd(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2)
    assert jsd([8, 2], [20, 80]) == pytest.approx(jsd([0.8, 0.2], [0.2, 0.8]))  # counts or shares alike
    assert jsd([3, 1], [1, 3]) == pytest.approx(jsd([1, 3], [3, 1]))  # symmetric


def test_jsd_rejects_what_has_no_divergence():
    with pytest.raises(ValueError):
        jsd([0, 0], [1, 1])
    with pytest.raises(ValueError):
        jsd([1, 2, 3], [1, 2])


def test_jsd_rows_match_jsd():
    rng = np.random.default_rng(0)
    a, b = rng.integers(1, 20, (5, 4)), rng.integers(1, 20, (5, 4))
    assert shift.jsd_rows(a, b) == pytest.approx([jsd(x, y) for x, y in zip(a, b, strict=True)])


def test_sense_counts():
    counts = shift.sense_counts([0, 1, 1, 2, 0, 0], [False, False, True, True, True, True])
    assert counts.tolist() == [[1, 1, 0], [2, 1, 1]]


# ---- permutation test ------------------------------------------------------------------------------------


def _sides(n: int) -> np.ndarray:
    return np.r_[np.zeros(n, bool), np.ones(n, bool)]


def test_permutation_identical_sides_give_p_one():
    clusters = np.tile([0, 1, 2], 20)  # every side 10 of each
    side_b = np.tile([False] * 3 + [True] * 3, 10)
    observed, p = permutation_test(clusters, side_b, rounds=500)
    assert observed == pytest.approx(0.0, abs=1e-12)
    assert p == 1.0


def test_permutation_very_different_sides_give_the_smallest_p():
    clusters = np.r_[np.zeros(40, int), np.ones(40, int)]
    observed, p = permutation_test(clusters, _sides(40), rounds=1000)
    assert observed == pytest.approx(1.0)
    assert p == pytest.approx(1 / 1001)


def test_permutation_is_seeded_and_p_is_in_range():
    rng = np.random.default_rng(3)
    clusters = rng.integers(0, 3, 100)
    side_b = _sides(50)
    first = permutation_test(clusters, side_b, rounds=300, seed=7)
    assert permutation_test(clusters, side_b, rounds=300, seed=7) == first
    other = [permutation_test(clusters, side_b, rounds=300, seed=s)[1] for s in range(5)]
    assert len(set(other)) > 1  # the seed matters
    assert all(1 / 301 <= p <= 1 for p in other)
    with pytest.raises(ValueError):
        permutation_test(clusters, side_b, rounds=0)


def test_permutation_false_alarms_near_five_percent_under_the_null():
    """Both sides drawn from one mixture: p < 0.05 in about 5 % of the data sets (a valid test)."""
    rng = np.random.default_rng(11)
    ps = [permutation_test(rng.choice(3, 60, p=[0.5, 0.3, 0.2]), _sides(30), rounds=200, seed=i)[1]
          for i in range(300)]
    rate = float(np.mean(np.array(ps) < 0.05))
    assert 0.01 <= rate <= 0.09, rate
    shifted = [permutation_test(np.r_[rng.choice(2, 60, p=[0.8, 0.2]), rng.choice(2, 60, p=[0.2, 0.8])],
                                _sides(60), rounds=200, seed=i)[1] for i in range(20)]
    assert np.mean(np.array(shifted) < 0.05) == 1.0  # 80/20 against 20/80 at n = 60: always found


# ---- sides ------------------------------------------------------------------------------------------


def test_split_parse_and_sides():
    assert Split.parse("genre=news").sides == ("genre = news", "genre ≠ news")
    assert Split.parse("genre = news", "religion").sides == ("genre = news", "genre = religion")
    assert Split.parse("year<1900").sides == ("year < 1900", "year ≥ 1900")
    assert Split.parse("title=a<b").value == "a<b"  # the first operator splits
    for bad, other in (("genre", None), ("=news", None), ("year<soon", None), ("genre=news", "news"),
                       ("year<1900", "1950")):
        with pytest.raises(ShiftError):
            Split.parse(bad, other)


def test_split_masks():
    occ = pd.DataFrame({"genre": ["news", "fiction", "news", "lore", ""], "year": [1850, 1950, "", 1899, 1900]})
    a, b = Split("genre", "news").masks(occ)
    assert a.tolist() == [True, False, True, False, False] and b.tolist() == [False, True, False, True, True]
    a, b = Split("genre", "news", "lore").masks(occ)
    assert b.tolist() == [False, False, False, True, False]
    a, b = Split("year", "1900", before=True).masks(occ)  # no number: on neither side
    assert a.tolist() == [True, False, False, True, False] and b.tolist() == [False, True, False, False, True]
    with pytest.raises(ShiftError, match="no metadata column 'topic'"):
        Split("topic", "x").masks(occ)


def _occ(n: int, corpus: str, **meta) -> pd.DataFrame:
    f = pd.DataFrame({"corpus": corpus, "doc": range(n), "sent_id": range(n), "token_index": 0, "left": "",
                      "keyword": "bank", "right": "", "tokens": [["bank", str(i)] for i in range(n)],
                      "sentence": [f"bank {i}" for i in range(n)], **meta})
    f["_wide_tokens"] = f["tokens"]
    f.attrs["word"] = "bank"
    return f


def test_pool_samples_evenly_and_seeded():
    a, b = _occ(40, "one", genre="news"), _occ(25, "two", year=1900)
    pooled = shift.pool(a, b, ("one", "two"), cap=300, seed=0, totals=(40, 25))
    f = pooled.frame
    assert pooled.n == 25 and (f[shift.SIDE] == "one").sum() == 25 and (f[shift.SIDE] == "two").sum() == 25
    assert pooled.sampled and "Sampled evenly: 25 occurrences from each side" in pooled.note()
    assert "one has 40, two 25" in pooled.note()
    assert list(f.columns)[-1] == "_wide_tokens"
    assert set(f.loc[f[shift.SIDE] == "two", "genre"]) == {""} and set(f.loc[f[shift.SIDE] == "one", "year"]) == {""}
    again = shift.pool(a, b, ("one", "two"), cap=300, seed=0)
    assert again.frame["doc"].tolist() == f["doc"].tolist()
    other = shift.pool(a, b, ("one", "two"), cap=300, seed=1)
    assert other.frame["doc"].tolist() != f["doc"].tolist()
    capped = shift.pool(a, b, ("one", "two"), cap=12)
    assert capped.n == 12 and len(capped.frame) == 24 and capped.sampled
    full = shift.pool(_occ(15, "one"), _occ(15, "two"), ("one", "two"))
    assert not full.sampled and full.note() == "All occurrences: 15 on each side (one and two)."
    # the search's own sample counts as sampling
    assert shift.pool(_occ(15, "one"), _occ(15, "two"), ("one", "two"), totals=(15, 90)).sampled


def test_pool_refuses_small_or_equal_sides_and_keeps_a_side_column():
    with pytest.raises(ShiftError, match="only 9 occurrences of “bank” in two: comparing needs at least 10"):
        shift.pool(_occ(30, "one"), _occ(9, "two"), ("one", "two"))
    with pytest.raises(ShiftError, match="both sides are one"):
        shift.pool(_occ(30, "one"), _occ(30, "one"), ("one", "one"))
    pooled = shift.pool(_occ(10, "one", side="left"), _occ(10, "two"), ("one", "two"))
    assert set(pooled.frame["meta_side"]) == {"left", ""} and set(pooled.frame[shift.SIDE]) == {"one", "two"}


def test_split_pool_totals():
    occ = _occ(30, "c", genre=["news"] * 12 + ["lore"] * 18)
    occ.attrs["total"] = 30
    pooled = shift.split_pool(occ, Split("genre", "news"))
    assert pooled.sides == ("genre = news", "genre ≠ news") and pooled.n == 12 and pooled.totals == (12, 18)
    occ.attrs["total"] = 3000  # the search was a sample: the side totals are not known
    assert shift.split_pool(occ, Split("genre", "news")).totals == (None, None)


# ---- shares -------------------------------------------------------------------------------------------


def _shift(counts) -> shift.Shift:
    counts = np.asarray(counts)
    return shift.Shift(("brown", "wiki"), [f"{c + 1}: s{c}" for c in range(counts.shape[1])], counts,
                       jsd(counts[0], counts[1]), 0.001, 1000, 0)


def test_shares_table_and_one_side_senses():
    s = _shift([[50, 20, 0, 30], [50, 0, 30, 1]])  # 2: brown only; 3: wiki only; 4: 30 % vs 1.2 %
    assert s.shares.sum(1) == pytest.approx([1, 1])
    assert s.only_on == {1: 0, 2: 1, 3: 0}
    table = s.table()
    assert list(table.columns) == ["sense", "brown n", "brown %", "wiki n", "wiki %", "found"]
    assert table["brown n"].tolist() == [50, 20, 0, 30] and table["wiki %"].tolist() == [61.7, 0.0, 37.0, 1.2]
    assert table["found"].tolist() == ["", "only in brown", "only in wiki", "only in brown"]
    # a stray 5 % is not "only": 12 % vs 6 % is on both sides
    assert _shift([[88, 12], [94, 6]]).only_on == {}
    d = json.loads(json.dumps(s.to_dict()))
    assert d["senses"][1] == {"cluster": 2, "sense": "2: s1", "counts": {"brown": 20, "wiki": 0},
                              "shares": {"brown": 0.2, "wiki": 0.0}, "only_in": "brown"}
    assert d["jsd"] == pytest.approx(s.jsd, abs=1e-6) and d["p_value"] == 0.001 and d["different"]


def test_sentence_follows_the_p_value():
    s = _shift([[10, 10], [12, 8]])
    s.p_value = 0.049
    assert s.sentence == "The senses are used differently on the two sides: p = 0.049 < 0.05."
    s.p_value = 0.05
    assert s.sentence == "No difference beyond chance: p = 0.050 ≥ 0.05."


def test_shares_figure_bars_with_counts():
    s = _shift([[50, 20, 0], [50, 0, 30]])
    fig = shift.shares_figure(s, "cell")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["brown", "wiki"] and fig.layout.barmode == "group"
    assert list(bars[0].text) == ["50 (71%)", "20 (29%)", "0 (0%)"]
    assert list(bars[1].y) == pytest.approx([62.5, 0.0, 37.5])
    assert "only in brown" in bars[0].x[1] and "only in wiki" in bars[0].x[2] and "only" not in bars[0].x[0]
    assert bars[0].marker.color != bars[1].marker.color


def test_measure_and_export_side_column(tiny_elmo):
    from senses.explore import analyse, embed_occurrences, to_csv

    words = ["river water shore", "money cash loan"]
    a = _occ(12, "one")
    a["tokens"] = [["the", "bank", *words[0].split()] for _ in range(12)]
    b = _occ(12, "two")
    b["tokens"] = [["the", "bank", *words[i % 2].split()] for i in range(12)]
    for f in (a, b):
        f["token_index"] = 1
        f["_wide_tokens"] = f["tokens"]
    pooled = shift.pool(a, b, ("one", "two"))
    layers, subs = embed_occurrences(tiny_elmo, pooled.frame)
    an = analyse(pooled.frame, layers, substitutes=subs, k=2)
    result = shift.measure(an.frame, pooled.sides, rounds=200)
    assert result.counts.sum(1).tolist() == [12, 12] and result.counts.shape == (2, 2)
    out = shift.export_frame(an, {0: "first", 1: "second"})
    assert out[shift.SIDE].tolist() == ["one"] * 12 + ["two"] * 12
    assert list(out.columns).index(shift.SIDE) == list(out.columns).index("cluster") - 1
    assert to_csv(out).decode().splitlines()[0].split(",").count("side") == 1


# ---- command line -------------------------------------------------------------------------------------

RIVER = "They sat on the bank of the river and watched the water {}."
MONEY = "She deposited the cash at the bank on day {}."


@pytest.fixture
def cli_store(data_dir, tiny_model_dir, monkeypatch):
    from corpora.store import Store

    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    store = Store()
    store.add_corpus("older", [Document(RIVER.format(i), {"era": "old", "year": 1900 + i}) for i in range(14)]
                     + [Document(MONEY.format(i), {"era": "new", "year": 1990 + i}) for i in range(16)])
    store.add_corpus("newer", [Document(MONEY.format(i) + " Again.") for i in range(20)])
    store.add_corpus("few", [Document(RIVER.format(i) + " Few.") for i in range(6)])
    return store


def _run(capsys, *argv) -> tuple[int, str, str]:
    try:
        rc = shift.main(list(argv))
    except SystemExit as e:  # argparse's own errors
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize(("argv", "says"), [
    (("nowhere", "newer", "bank"), 'There is no corpus named "nowhere"'),
    (("older", "newer", "otter"), '"otter" does not occur in older'),
    (("older", "few", "bank"), "only 6 occurrences of “bank” in few: comparing needs at least 10"),
    (("older", "bank", "--split", "era=old", "--vs", "ancient"), "only 0 occurrences of “bank” in era = ancient"),
    (("older", "bank", "--split", "topic=x"), "no metadata column 'topic'"),
    (("older", "bank", "--split", "era"), "cannot read the split 'era'"),
    (("older", "bank", "--split", "year<soon"), "'soon' is not a number"),
    (("older", "newer"), "expected CORPUS_A CORPUS_B WORD, got 2 arguments"),
    (("older", "newer", "bank", "--split", "era=old"), "expected CORPUS WORD --split ..., got 3 arguments"),
    (("older", "older", "bank"), "both sides are older"),
    (("older", "newer", "bank", "--limit", "5"), "--limit must be at least 10"),
    (("older", "newer", "bank", "--rounds", "x"), "argument --rounds: invalid int value"),
])
def test_cli_errors_are_one_line_with_status_2(cli_store, capsys, argv, says):
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert says in err, err


def test_cli_table_and_json(cli_store, capsys):
    rc, out, err = _run(capsys, "older", "newer", "bank", "--rounds", "200")
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("“bank”: older against newer. Sampled evenly: 20 occurrences from each side")
    assert "older n" in lines[1] and "newer %" in lines[1]
    assert "Jensen–Shannon divergence" in out and ("used differently" in out or "No difference" in out)
    rc, out, _ = _run(capsys, "older", "newer", "bank", "--json", "--rounds", "200")
    d = json.loads(out)
    assert rc == 0 and len(out.strip().splitlines()) == 1
    assert {"jsd", "p_value", "senses", "sides"} <= set(d) and 0 <= d["jsd"] <= 1 and 1 / 201 - 1e-6 <= d["p_value"] <= 1
    assert [s["name"] for s in d["sides"]] == ["older", "newer"] and d["sides"][0]["n"] == 20 and d["sampled"]
    for side in ("older", "newer"):
        assert sum(s["shares"][side] for s in d["senses"]) == pytest.approx(1, abs=1e-3)
        assert sum(s["counts"][side] for s in d["senses"]) == 20
    rc, out, _ = _run(capsys, "older", "bank", "--split", "year<1950", "--json", "--rounds", "200")
    d = json.loads(out)
    assert rc == 0 and [s["name"] for s in d["sides"]] == ["year < 1950", "year ≥ 1950"]
    assert [s["total"] for s in d["sides"]] == [14, 16] and d["sides"][0]["n"] == 14


def test_cli_as_a_program(cli_store):
    """The real entry point: status 2 and one line on stderr; --help documents both forms."""
    run = subprocess.run([sys.executable, "-m", "senses.shift", "older", "nowhere", "bank"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [run.stderr.strip()] and "nowhere" in run.stderr
    helped = subprocess.run([sys.executable, "-m", "senses.shift", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert helped.returncode == 0
    assert "CORPUS_A CORPUS_B WORD" in helped.stdout and "--split COLUMN=VALUE" in helped.stdout
    assert "'COLUMN<NUMBER'" in helped.stdout and "--json" in helped.stdout
