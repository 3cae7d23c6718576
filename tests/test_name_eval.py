"""benchmarks.name_eval: do the cluster names hold the expected keywords of the gold senses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import name_eval
from corpora.senseval import WORDS as SENSEVAL_WORDS
from senses.measured import GOLD_DIR


def test_every_gold_sense_has_two_to_four_keywords():
    kw = name_eval.load_keywords()
    for f in sorted(Path(GOLD_DIR).glob("*.tsv")):
        senses = set(pd.read_csv(f, sep="\t")["sense"]) - set(name_eval.NO_KEYWORDS)
        assert {s for (st, w, s) in kw if (st, w) == ("wiki", f.stem)} == senses, f.stem
    assert {w for (st, w, _) in kw if st == "senseval"} == set(SENSEVAL_WORDS)
    assert all(2 <= len(words) <= 4 and all(w == w.lower() and " " not in w for w in words) for words in kw.values())


def test_keyword_in_compares_lemmas_case_insensitively():
    assert name_eval.keyword_in("Rivers · city · located", ["shore", "river"]) == "river"
    assert name_eval.keyword_in("issued · account · money", ["finance", "loan"]) == ""
    assert name_eval.keyword_in("payments · debt", ["payment"]) == "payment"
    assert name_eval.keyword_in("film-star · cinema", ["film"]) == "film"
    assert name_eval.name_words("roll · music · band") == ["roll", "music", "band"]


def test_keyword_hits_use_each_senses_majority_cluster():
    senses = ["river"] * 5 + ["finance"] * 4 + ["other"] * 2 + ["rare"] * 2
    labels = [0, 0, 0, 0, 1] + [1, 1, 1, 0] + [0, 1] + [0, 1]  # "rare": a tie, the lower cluster
    kw = {"river": ["river", "shore"], "finance": ["money", "loan"], "rare": ["heron"]}
    hits = name_eval.keyword_hits(senses, labels, {0: "shores · water", 1: "issued · account"}, kw)
    assert list(hits["sense"]) == ["river", "finance", "rare"]  # "other" has no keywords
    assert list(hits["cluster"]) == [1, 2, 1] and list(hits["cluster_share"]) == [0.8, 0.75, 0.5]
    assert list(hits["hit"]) == ["shore", "", ""] and list(hits["major"]) == [False, False, False]
    rows = pd.concat([hits.assign(set="wiki", word="bank"), hits.assign(set="senseval", word="x", n=10, major=True)])
    s = {r["set"]: r for r in name_eval.summarise(rows)}
    assert s["wiki"]["senses"] == 3 and s["wiki"]["named"] == 1 and s["wiki"]["share"] == round(1 / 3, 3)
    assert np.isnan(s["wiki"]["major_share"]) and s["senseval"]["major_named"] == 1


def test_score_names_runs_the_explorers_default_view(tiny_elmo):
    from benchmarks.gold import GoldWord

    river = "we sat on the bank of the river and watched the water".split()
    money = "she put the cash in the bank to pay the loan".split()
    rows = []
    for toks in [river] * 8 + [money] * 8:
        j = toks.index("bank")
        rows.append({"corpus": "t", "doc": 0, "sent_id": 0, "token_index": j, "left": " ".join(toks[:j]) + " ",
                     "keyword": "bank", "right": " " + " ".join(toks[j + 1:]), "tokens": toks,
                     "sentence": " ".join(toks)})
    gold = GoldWord("wiki", "bank", pd.DataFrame(rows), np.array(["river"] * 8 + ["finance"] * 8))
    kw = {("wiki", "bank", "river"): ["river", "shore"], ("wiki", "bank", "finance"): ["money", "loan"],
          ("wiki", "cell", "biology"): ["cell"]}
    hits, clusters = name_eval.score_names(gold, tiny_elmo, kw)
    assert list(hits["sense"]) == ["finance", "river"] and set(hits["word"]) == {"bank"}
    assert sum(c["size"] for c in clusters) == 16 and all(c["name"] for c in clusters)
    assert all(c["example"] in (" ".join(river), " ".join(money)) for c in clusters)
    for h in hits.itertuples():  # a hit is a keyword of the name of the sense's cluster
        name = clusters[h.cluster - 1]["name"]
        assert h.name == name and (h.hit == "" or h.hit in h.keywords.split(","))
