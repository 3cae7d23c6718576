"""senses.static: static (type) vectors vs contextual clusters, with the tiny random model."""

from __future__ import annotations

import numpy as np
import pytest

from senses import static as ss
from senses.explore import MIX

RIVER = "he sat on the bank of the river".split()
MONEY = "she deposited money in the bank".split()
SENTENCES = [RIVER, MONEY, "they walked along the bank".split(), "the bank was a cell".split()] * 4
INDICES = [s.index("bank") for s in SENTENCES]


def test_frequent_sentence_words():
    words = ss.frequent_sentence_words([["The", "bank", ",", "the", "river", "3"], ["the", "bank", "!"]], top=10)
    assert words == ["the", "bank", "river"]
    assert ss.frequent_sentence_words([["a", "b", "b"]], top=1) == ["b"]


def test_cosine_distance_range():
    a = np.array([1.0, 0.0])
    assert ss.cosine_distance(a, a) == pytest.approx(0.0)
    assert ss.cosine_distance(a, -a) == pytest.approx(2.0)
    d = ss.cosine_distance(np.array([[1.0, 0.0], [0.0, 1.0]]), a)
    assert d.shape == (2,) and d[1] == pytest.approx(1.0)


def test_static_neighbours(tiny_elmo):
    from tests.conftest import TINY_WORDS

    words = [w for w in TINY_WORDS if w.isalpha()]
    nb = ss.static_neighbours(tiny_elmo, "bank", words, k=5)
    assert list(nb.columns) == ["rank", "word", "similarity", "distance"]
    assert len(nb) == 5 and "bank" not in nb["word"].tolist()
    assert nb["similarity"].is_monotonic_decreasing
    assert nb["distance"].between(0, 2).all()
    assert np.allclose(nb["distance"], 1 - nb["similarity"], atol=1e-6)


def test_alone_vectors_layer0_is_type_vector(tiny_elmo):
    v = ss.alone_vectors(tiny_elmo, ["bank", "river"], 0)
    t = tiny_elmo.type_vectors(["bank", "river"])
    assert np.allclose(v, np.concatenate([t, t], 1), atol=1e-5)
    assert ss.alone_vectors(tiny_elmo, ["bank"], 2).shape == (1, tiny_elmo.dim)


def test_compare_table_per_cluster(tiny_elmo):
    cands = ["river", "money", "cash", "fish", "shore", "boat", "loan", "water"]
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=2, k=2, candidates=cands)
    t = comp.table
    assert list(t.columns) == ["cluster", "name", "size", "share", "substitutes", "nearest words",
                               "distance to alone", "distance to average"]
    assert len(t) == 2 == comp.clustering.k and t["size"].sum() == len(SENTENCES)
    assert t["distance to alone"].between(0, 2).all() and t["distance to average"].between(0, 2).all()
    assert 0 <= comp.alone_to_average <= 2
    assert comp.n_average == len(SENTENCES)  # default: the average of these occurrences
    assert all(isinstance(s, str) for s in t["substitutes"])  # tiny model has an LM head
    assert all(len(n.split(", ")) == 5 and "bank" not in n for n in t["nearest words"])
    assert comp.centroids.shape == (2, tiny_elmo.dim) and comp.alone.shape == (tiny_elmo.dim,)
    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    assert np.allclose(comp.average, layers[:, 2].mean(0), atol=1e-5)
    fig = ss.contextual_figure(comp)
    names = [tr.name for tr in fig.data]
    assert "centroids" in names and "average of meanings (16 occurrences)" in names
    assert "'bank' alone (no context)" in names


def test_compare_names_every_cluster_with_its_own_words(tiny_elmo):
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=2, k=4, n_substitutes=0)
    assert comp.clustering.k == 4
    for j, name in enumerate(comp.table["name"]):
        own = {w for s, c in zip(SENTENCES, comp.clustering.labels, strict=True) if c == j for w in s}
        assert name and not name.startswith("sense ") and set(name.split(" · ")) <= own - {"bank"}
    assert all(f"{j + 1}: {n}" in [tr.name for tr in ss.contextual_figure(comp).data]
               for j, n in enumerate(comp.table["name"]))


def test_compare_with_a_corpus_average(tiny_elmo):
    avg = np.ones((3, tiny_elmo.dim), np.float32)
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=1, k=2, n_substitutes=0, average=avg, n_average=999)
    assert np.allclose(comp.average, 1.0) and comp.n_average == 999
    assert comp.alone_to_average == pytest.approx(ss.cosine_distance(comp.alone, np.ones(tiny_elmo.dim)))


def test_compare_auto_and_mix(tiny_elmo):
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=MIX, n_substitutes=0)
    assert comp.clustering.k >= 1 and len(comp.table) == comp.clustering.k
    with pytest.raises(ValueError):
        ss.compare(tiny_elmo, "bank", [], [])


def test_separability_per_layer(tiny_elmo):
    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    gold = ["river", "money", "river", "prison"] * 4
    sep = ss.separability(layers, gold)
    assert sep["layer"].tolist() == ["layer 0", "layer 1", "layer 2", "scalar mix"]
    assert sep["silhouette_gold"].between(-1, 1).all()
    assert sep.loc[0, "silhouette_gold"] == pytest.approx(0.0)  # layer 0: one vector for every "bank"
    assert ss.separability(layers)["silhouette_gold"].isna().all()


def test_substitutes_table_and_figures(tiny_elmo):
    subs = tiny_elmo.substitutes(RIVER, RIVER.index("bank"), k=5)
    df = ss.substitutes_table(subs)
    assert list(df.columns) == ["word", "forward", "backward", "combined"] and len(df) == 5
    assert df[["forward", "backward", "combined"]].apply(lambda c: c.between(0, 1).all()).all()
    assert df["combined"].sum() == pytest.approx(1.0)
    assert len(ss.substitutes_figure(df).data) == 3
    words = ["river", "money", "cash"]
    fig = ss.static_figure("bank", words, tiny_elmo.type_vectors(words), ss.type_vector(tiny_elmo, "bank"), ["river"])
    assert [tr.name for tr in fig.data] == ["frequent words", "nearest neighbours", "bank"]


# ---- sources, candidate words, example sentences -------------------------------------------------


def test_sources_and_text_occurrences():
    assert ss.sources(["wiki", "mine"], senseval=True) == [ss.SENSEVAL, "wiki", "mine", ss.OWN_TEXT]
    assert ss.sources([], senseval=False) == [ss.OWN_TEXT]
    occ = ss.source_occurrences(ss.OWN_TEXT, "cell", 10, "The cells divide. A prison cell. No match here.")
    assert [t[i] for t, i in zip(occ.tokens, occ.index, strict=True)] == ["cells", "cell"] and occ.total == 2
    assert ss.source_occurrences(ss.OWN_TEXT, "cell", 1, "A cell. Two cells.").total == 2
    assert len(ss.source_occurrences(ss.OWN_TEXT, "cell", 10, "")) == 0
    assert ss.is_store_corpus("wiki") and not ss.is_store_corpus(ss.OWN_TEXT) and not ss.is_store_corpus(ss.SENSEVAL)
    assert ss.averages_shown(ss.Occurrences([["a"]] * 5, [0] * 5, None, 5), cap=300)  # all of them
    assert not ss.averages_shown(ss.Occurrences([["a"]] * 5, [0] * 5, None, 500), cap=300)  # 5 of 500
    assert ss.averages_shown(ss.Occurrences([["a"]] * 300, [0] * 300, None, 5000), cap=300)  # a big sample
    with pytest.raises(ValueError, match="gold senses only for"):
        ss.source_occurrences(ss.SENSEVAL, "bank", 10)


def test_store_source_goes_through_the_search():
    import pandas as pd

    calls = []

    def search(corpus, word, limit):
        calls.append((corpus, word, limit))
        df = pd.DataFrame({"tokens": [["a", "cell"], ["cells", "!"]], "token_index": [1, 0],
                           "gold_sense": ["x", "y"]})
        df.attrs["total"] = 7
        return df

    occ = ss.source_occurrences("wiki", "cell", 2, search=search)
    assert calls == [("wiki", "cell", 2)] and occ.gold == ["x", "y"] and occ.total == 7 and occ.index == [1, 0]


def test_candidate_words_policy(tiny_elmo):
    # corpus words first (word-like only), else the sentences' frequent words; topped up from the LM vocabulary
    words = ss.candidate_words(tiny_elmo, [["x"]], 5, ["river", "3", "bank", ",", "money", "cash", "fish", "boat"])
    assert words[:5] == ["river", "bank", "money", "cash", "fish"]
    words = ss.candidate_words(tiny_elmo, [["zebra", "zebra", "ant"]], 20)
    assert words[:2] == ["zebra", "ant"] and "river" in words and len(words) == len(set(words)) <= 20


def test_shown_source_and_typed_words():
    from corpora.builtin import DEFAULT_CORPUS

    assert ss.shown_source(ss.SENSEVAL, "Line") == (ss.SENSEVAL, "line", False)  # Senseval is lower-case
    assert ss.shown_source(ss.SENSEVAL, "Bank") == (DEFAULT_CORPUS, "Bank", True)  # no gold senses: moved
    assert ss.shown_source("wiki", "Bank") == ("wiki", "Bank", False)
    assert ss.typed_words("cell", "") == (["cell"], [])
    assert ss.typed_words("", "") == ([], [])
    assert ss.typed_words("cell", "prison cell") == (["cell", "prison cell"], ["prison cell"])


def test_source_candidates_fall_back_to_the_sentences(tiny_elmo):
    occ = ss.Occurrences([["zebra", "zebra", "ant"]], [0], None, 1)
    asked = []

    def corpus_words(corpus):
        asked.append(corpus)
        return ["river", "bank", "money"]

    def broken(corpus):
        raise OSError("unreadable store")

    assert ss.source_candidates(tiny_elmo, occ, "wiki", corpus_words, n=3) == ["river", "bank", "money"]
    assert asked == ["wiki"]
    from_sentences = ss.candidate_words(tiny_elmo, occ.tokens, 20)
    assert ss.source_candidates(tiny_elmo, occ, "wiki", broken, n=20) == from_sentences
    assert ss.source_candidates(tiny_elmo, occ, ss.OWN_TEXT, corpus_words, n=20) == from_sentences
    assert asked == ["wiki"]  # typed text: the store is not asked


def test_meaning_average_of_the_shown_or_of_a_sample(tiny_elmo):
    from corpora.search import SAMPLE_LIMIT

    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    every = ss.Occurrences(SENTENCES, INDICES, None, len(SENTENCES))

    def no_sample():
        raise AssertionError("all occurrences are shown: no sample")

    avg, n = ss.meaning_average(tiny_elmo, every, layers, no_sample)
    assert n == len(SENTENCES) and np.allclose(avg, layers.mean(0))
    few = ss.Occurrences(SENTENCES[:2], INDICES[:2], None, SAMPLE_LIMIT + 1)  # 2 of more than the cap shown
    avg, n = ss.meaning_average(tiny_elmo, few, layers[:2], lambda: every)
    assert n == len(SENTENCES) and np.allclose(avg, layers.mean(0), atol=1e-5)


def test_word2vec_view():
    from senses.baselines import StaticVectors

    rng = np.random.default_rng(0)
    sv = StaticVectors(["bank", "river", "money", "fish", "boat"], rng.normal(size=(5, 4)).astype(np.float32))
    fig, nb = ss.word2vec_view(sv, "Bank", n=4, k=2)
    assert len(nb) == 2 and "bank" not in nb["word"].tolist()
    assert "Word2Vec space: 'Bank' among 4 frequent words" in fig.layout.title.text
    assert ss.word2vec_view(sv, "zebra") is None


@pytest.mark.parametrize("word", ["the", "a", "of", "and", "cell", "running", "Paris"])
def test_example_sentence_uses_the_word_sensibly(word):
    from corpora.text import tokenize
    from senses.explore import find_target

    s = ss.example_sentence(word)
    tokens = tokenize(s)
    assert find_target(tokens, word) is not None
    assert f"his {word} " not in s and "the the" not in s.lower()  # "The prisoner paced his the all night."


def test_example_sentence_prefers_real_occurrences():
    long = ["w"] * 40 + ["cell"]
    short = "The prisoner paced his cell all night .".split()
    assert ss.example_sentence("cell", [long, short, ["cell", "."]]) == " ".join(short)
    assert ss.example_sentence("line") == ss.EXAMPLES["line"]


# ---- the Word2Vec baseline -----------------------------------------------------------------------


def test_shipped_word2vec_neighbours_are_about_meaning():
    from senses.baselines import STATIC_DIR, StaticVectors, embedding_neighbours

    sv = StaticVectors.load()
    assert (STATIC_DIR / "vectors.safetensors").stat().st_size < 10_000_000
    assert len(sv.words) == sv.vectors.shape[0] > 20000 and sv.dim == 100
    assert sv.meta["library"].startswith("gensim") and "--build" in sv.meta["command"]
    nb = embedding_neighbours(sv, "cell", 10)["word"].tolist()
    assert "cells" not in nb and {"stem", "gland", "zygote", "bladder"} & set(nb)
    hard = embedding_neighbours(sv, "hard", 10)["word"].tolist()
    assert "difficult" in hard and "tough" in hard
    assert embedding_neighbours(sv, "qwzxv", 10) is None


def test_word2vec_training_is_seeded(tmp_path):
    from senses.baselines import StaticVectors, train_word2vec

    text = [("the cell divides and the cell grows " * 3).split(), ("the bank lends money to the bank " * 3).split()] * 30
    a = train_word2vec(text, dim=8, min_count=1, epochs=2, log=lambda m: None)
    b = train_word2vec(text, dim=8, min_count=1, epochs=2, log=lambda m: None)
    assert a.words == b.words and np.array_equal(a.vectors, b.vectors)
    back = StaticVectors.load(a.save(tmp_path / "sv"))
    assert back.words == a.words and np.allclose(back.vectors, a.vectors, atol=1e-2)  # float16 on disk
    feats = back.context_features([["the", "cell", "divides"], ["zzz"]], [1, 0], size=1)
    assert feats.shape == (2, 16)
    assert np.allclose(feats[0, :8], (back.vector("the") + back.vector("divides")) / 2, atol=1e-6)
    assert np.allclose(feats[1], 0)  # nothing known: zeros


def test_average_of_meanings_and_bow(tiny_elmo):
    from senses.baselines import average_of_meanings, bow_matrix, find_occurrences

    sent, idx = find_occurrences(SENTENCES, {"bank"})
    assert len(sent) == len(SENTENCES) and idx == INDICES
    avg, n = average_of_meanings(tiny_elmo, SENTENCES, INDICES, cap=5)
    assert n == 5 and avg.shape == (3, tiny_elmo.dim)
    full, n = average_of_meanings(tiny_elmo, SENTENCES, INDICES)
    assert n == len(SENTENCES)
    assert np.allclose(full, tiny_elmo.embed_targets(SENTENCES, INDICES).mean(0), atol=1e-5)
    x = bow_matrix([["a", "b", "Bank", "c"], ["d", "banks"]], [2, 1], size=1)
    assert x.shape == (2, 5) and x.sum() == 5  # c=b, c=c, t=bank | c=d, t=banks


def test_sense_accuracy_needs_gold(tiny_elmo):
    from senses import accuracy

    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    occ = ss.Occurrences(SENTENCES, INDICES, ["river", "money", "river", "prison"] * 4, 16)
    acc = ss.sense_accuracy(tiny_elmo, occ, layers)
    assert acc["features"].tolist() == ["layer 0", "layer 1", "layer 2", accuracy.AVG, accuracy.MEANING, accuracy.BOW, accuracy.STATIC, accuracy.MFS]
    # the bag of words sees "river" / "money" / "cell" next to "bank": perfect on these toy sentences
    assert acc.set_index("features").loc[accuracy.BOW, "logreg"] == 1.0
    assert acc.set_index("features").loc[accuracy.MFS, "logreg"] == pytest.approx(0.5)
    assert ss.sense_accuracy(tiny_elmo, ss.Occurrences(SENTENCES, INDICES, None, 16), layers) is None


def test_word2vec_build_command_reads_a_pack(tmp_path, capsys):
    """`python -m senses.baselines --build` trains on the training split of a packed text (elmo.pack);
    it called a reader that no longer existed (elmo.train.read_sentences)."""
    from corpora.builtin import Document
    from elmo.pack import Pack
    from senses.baselines import StaticVectors, main, pack_sentences

    docs = [Document(text=f"doc {i}", sentences=[("the cell divides and grows " * 2).split(),
                                                 ["the", "bank", "lends", "money", str(i)]]) for i in range(40)]
    extra = [Document(text=f"x {i}", sentences=[["zebra", "crossing"] * 3]) for i in range(10)]  # not the biLM's
    pack = Pack.from_documents([("wiki", docs), ("switchboard", extra)], log=lambda m: None,
                               heldout=lambda i, _: i % 10 == 0)
    path = pack.save(tmp_path / "pack.npz")
    train = pack_sentences(Pack.load(path), ["wiki"])
    assert len(train) == 2 * 36 and ["the", "bank", "lends", "money", "0"] not in train  # doc 0 is held out
    assert main(["--build", "--pack", str(path), "--out", str(tmp_path / "sv"), "--dim", "8", "--epochs", "1",
                 "--window", "2", "--neighbours", "cell"]) == 0
    sv = StaticVectors.load(tmp_path / "sv")
    assert sv.dim == 8 and "cell" in sv.words and "0" not in sv.words and "zebra" not in sv.words
    assert sv.meta["window"] == 2 and sv.meta["tokens"] == 36 * 15 and "--pack" in sv.meta["command"]
    assert capsys.readouterr().out.startswith("cell: ")


@pytest.mark.parametrize("layer,k", [(2, None), (MIX, None), (1, 3)])
def test_compare_clusters_as_the_explorer_with_contextual_vectors(tiny_elmo, layer, k):
    import pandas as pd

    from senses import explore

    layers = tiny_elmo.embed_targets(SENTENCES, INDICES)
    comp = ss.compare(tiny_elmo, "bank", SENTENCES, INDICES, layer=layer, k=k, n_substitutes=0, layers=layers)
    view = explore.analyse(pd.DataFrame({"tokens": SENTENCES, "token_index": INDICES}), layers, layer=layer, k=k,
                           representation="layers")
    assert comp.clustering.k == view.k and (comp.clustering.labels == view.clustering.labels).all()
    assert np.allclose(comp.vectors, view.vectors)
