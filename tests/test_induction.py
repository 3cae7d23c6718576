"""Sense induction on small fixtures: senses.represent, the benchmark's candidates
(benchmarks.representations), auto-k and the benchmark (benchmarks.induction)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from benchmarks import gold, induction
from benchmarks import representations as candidates
from senses import cluster, explore, measured, naming, represent

# two senses x two surface forms each: the words around the target and the substitutes follow the sense
RIVER = ("We walked along the {} of the river where the water met the muddy shore",
         ["shore", "coast", "edge", "riverside", "beach", "side"])
MONEY = ("She paid the cash into the {} to open an account for the loan",
         ["lender", "firm", "company", "treasury", "broker", "office"])


def _fixture(n_each: int = 12, seed: int = 0):
    """Frame, layers and substitutes: 4 groups (sense x form), n_each each. The layer vectors hold the
    FORM strongly (layers 0-2) and the sense weakly; substitutes are drawn from the sense's own pool."""
    rng = np.random.default_rng(seed)
    rows, layers, subs = [], [], []
    dim = 16
    form_dir = {"bank": np.eye(dim)[0] * 3, "Banks": np.eye(dim)[1] * 3}
    sense_dir = {"river": np.eye(dim)[2], "money": np.eye(dim)[3]}
    for sense, (text, pool) in (("river", RIVER), ("money", MONEY)):
        for form in ("bank", "Banks"):
            for _ in range(n_each):
                toks = text.format(form).split()
                j = toks.index(form)
                rows.append({"corpus": "t", "doc": len(rows), "sent_id": 0, "token_index": j, "left": " ".join(toks[:j]),
                             "keyword": form, "right": " ".join(toks[j + 1:]), "tokens": toks, "sentence": " ".join(toks),
                             "sense": sense})
                v0 = form_dir[form] + 0.01 * rng.normal(size=dim)
                v = form_dir[form] + 0.6 * sense_dir[sense] + 0.15 * rng.normal(size=dim)
                layers.append(np.stack([np.r_[v0, v0], np.r_[v, v], np.r_[v, v]]))
                subs.append(list(rng.choice(pool, size=4, replace=False)) + list(rng.choice(["time", "world", "way"], 1)))
    return pd.DataFrame(rows), np.asarray(layers, np.float32), subs


def test_form_centring_removes_the_form_and_keeps_the_sense():
    frame, layers, _ = _fixture()
    forms = list(frame["keyword"])
    x = layers[:, 1, :16]
    c = represent.centre_by_form(x, forms, shrink=0.0)
    for f in set(forms):  # each form's mean is gone
        assert np.allclose(c[np.array(forms) == f].mean(0), 0, atol=1e-5)
    raw = cluster.cluster(x, k=2).labels
    centred = cluster.cluster(c, k=2).labels
    assert adjusted_rand_score(forms, raw) == pytest.approx(1.0)  # the raw vectors split by spelling
    assert adjusted_rand_score(frame["sense"], centred) > 0.8  # the centred ones by sense
    assert abs(adjusted_rand_score(forms, centred)) < 0.1
    # shrinkage: a form seen once is pulled towards the overall mean, not zeroed
    one = represent.centre_by_form(x[:3], ["a", "b", "b"], shrink=3.0)
    assert np.linalg.norm(one[0]) > 0.1
    fitted = represent.FormCentring(0.0).fit(x, forms)
    assert np.allclose(fitted.transform(x[:2], forms[:2]), c[:2], atol=1e-5)


def test_layer0_residual_removes_what_layer0_explains():
    frame, layers, _ = _fixture()
    r = candidates.layer0_residual(layers[:, 1], layers[:, 0, :16], alpha=1e-3)
    assert abs(adjusted_rand_score(frame["keyword"], cluster.cluster(r, k=2).labels)) < 0.1


def test_substitute_clustering_follows_senses_not_forms():
    frame, layers, subs = _fixture()
    for rep in (candidates.SUBSTITUTES, candidates.SUBSTITUTES_CONTEXT_FORM_CENTRED,
                represent.SUBSTITUTES_CONTEXT_VECTORS, represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED):
        a = explore.analyse(frame, layers, representation=rep, substitutes=subs, catalogue=candidates.CATALOGUE)
        # auto k: every cluster holds one sense (over-splitting a sense is allowed), forms mixed
        assert a.k >= 2 and homogeneity_score(frame["sense"], a.clustering.labels) == pytest.approx(1.0), rep
        assert adjusted_rand_score(frame["keyword"].str.lower(), a.clustering.labels) < 0.1, rep
        two = explore.analyse(frame, layers, representation=rep, substitutes=subs, k=2,
                              catalogue=candidates.CATALOGUE)
        assert adjusted_rand_score(frame["sense"], two.clustering.labels) == pytest.approx(1.0), rep
        # the plot shows the clustered vectors: the 2D coordinates separate the senses too
        assert induction.knn_accuracy(a.frame[["x", "y"]].to_numpy(), frame["sense"].to_numpy()) > 0.95
    # the layer-mix baseline on the same data follows the spelling
    old = explore.analyse(frame, layers, representation=represent.LAYER_VECTORS, auto=cluster.SILHOUETTE)
    assert adjusted_rand_score(frame["keyword"], old.clustering.labels) == pytest.approx(1.0)


def test_names_come_from_the_clusters_own_substitutes():
    frame, layers, subs = _fixture()
    a = explore.analyse(frame, layers, substitutes=subs)
    names = naming.name_clusters(a.frame, a.clustering.labels, model=None, word="bank")
    by_sense = {frame["sense"][int(np.flatnonzero(a.clustering.labels == c)[0])]: n for c, n in names.items()}
    assert set(by_sense["river"].substitutes[:3]) <= set(RIVER[1])
    assert set(by_sense["money"].substitutes[:3]) <= set(MONEY[1])
    assert "time" not in by_sense["river"].substitutes[:3]  # shared by both: not distinctive
    assert "river" in by_sense["river"].context and "·" in by_sense["river"].label


def test_merge_small_auto_k_says_one_for_one_blob_and_finds_real_splits():
    for seed in range(5):  # one Gaussian blob, small and large: one sense
        for n in (20, 200):
            assert cluster.cluster(np.random.default_rng(seed).normal(size=(n, 16)), auto=cluster.MERGE).k == 1
    rng = np.random.default_rng(0)
    a, b = np.zeros(20), np.zeros(20)
    a[0], b[1] = 1.0, 1.0
    skewed = np.vstack([a + 0.2 * rng.normal(size=(170, 20)), b + 0.2 * rng.normal(size=(30, 20))])
    c = cluster.cluster(skewed, auto=cluster.MERGE)
    assert c.k == 2 and adjusted_rand_score([0] * 170 + [1] * 30, c.labels) > 0.9
    assert cluster.cluster(skewed, k=3, auto=cluster.MERGE).k == 3


def test_one_sense_caption_gives_the_closest_split_and_the_blob_it_must_beat():
    blob = np.random.default_rng(1).normal(size=(200, 16))
    for auto in cluster.AUTO_K:
        c = cluster.cluster(blob, auto=auto)
        assert c.k == 1 and c.scores and set(c.null_scores) <= set(c.scores)
        reason = explore.one_sense_reason(c)
        near = max(c.scores, key=lambda k: c.scores[k] - c.null_scores.get(k, 0.0))
        assert f"best: k={near}, silhouette {c.scores[near]:.2f}" in reason
        if near in c.null_scores:
            assert f"random blob of the same spread cut into {near} reaches {c.null_scores[near]:.2f}" in reason
    merged = cluster.cluster(blob, auto=cluster.MERGE)
    assert set(merged.null_scores) == set(merged.scores)  # merge small: one blob figure per tried k
    same = cluster.cluster(np.ones((12, 4)), auto=cluster.MERGE)
    assert explore.one_sense_reason(same) == "no group of at least 10% of the occurrences (and at least 3) stands apart."
    sil = cluster.cluster(blob, auto=cluster.SILHOUETTE)
    assert len(sil.null_scores) > 1 and set(sil.null_scores) <= set(range(2, 9))  # the blob's own score per k
    two = np.vstack([np.eye(6)[0] + 0.01 * np.random.default_rng(0).normal(size=(10, 6)), np.eye(6)[1], np.eye(6)[1]])
    assert cluster.cluster(two, auto=cluster.MERGE).k == 1  # a pair is under 3: folded


def test_place_sentence_uses_the_analysis_representation():
    frame, layers, subs = _fixture()
    a = explore.analyse(frame, layers, substitutes=subs)
    i = 40  # a money occurrence written "Banks"
    placed = explore.place_sentence(a, layers[i], tokens=frame["tokens"][i], index=int(frame["token_index"][i]),
                                    substitutes=subs[i])
    assert placed["cluster"] == a.frame["cluster"][i]
    # the new occurrence is mapped exactly like the fitted ones: same vector, same point on the plot
    toks, j = frame["tokens"][i], int(frame["token_index"][i])
    one = represent.Occurrences(layers[i:i + 1], [frame["keyword"][i]], [subs[i]], [represent.context_lemmas(toks, j)],
                                represent.word2vec_context_vectors([toks], [j]),
                                represent.word2vec_discourse_vectors([toks], [frame["keyword"][i]]))  # no document: the sentence
    v = a.representer.transform(one)
    assert np.allclose(v[0], a.vectors[i], atol=1e-5)
    assert placed["x"] == pytest.approx(a.frame["x"][i], abs=1e-4)


def test_analyse_without_substitutes_or_lm_head_says_so():
    frame, layers, _ = _fixture()
    a = explore.analyse(frame, layers)
    assert a.note and "substitutes" in a.note
    with pytest.raises(ValueError, match="substitutes"):
        represent.Representer(represent.SUBSTITUTES_CONTEXT_VECTORS).fit_transform(
            represent.Occurrences(layers, list(frame["keyword"]), context_vectors=np.zeros((len(layers), 4))))
    with pytest.raises(ValueError):
        explore.analyse(frame, layers, representation="nope")


def test_batched_substitutes_match_one_sentence_log_probs(tiny_elmo):
    sents = [["she", "sat", "on", "the", "bank", "of", "the", "river"], ["cash", "in", "the", "bank", "."],
             ["the", "bank"]]
    idx = [4, 3, 1]
    lm = tiny_elmo.substitute_log_probs(sents, idx, top=None, max_sentences=2)
    for r, (s, i) in enumerate(zip(sents, idx, strict=True)):
        f, b = tiny_elmo.lm_log_probs(s, i)
        assert np.allclose(lm.forward[r], f, atol=1e-5) and np.allclose(lm.backward[r], b, atol=1e-5)
    top = tiny_elmo.substitute_log_probs(sents, idx, top=5, with_layers=True)
    assert top.forward_ids.shape == (3, 5) and np.all(np.diff(top.forward, axis=1) <= 1e-6)
    assert np.allclose(top.both[:, 0], (lm.forward + lm.backward).max(1), atol=1e-5)
    assert np.allclose(top.layers, tiny_elmo.embed_targets(sents, idx), atol=1e-5)
    pat = tiny_elmo.substitute_log_probs(sents, idx, top=5, pattern="and")
    f, _ = tiny_elmo.lm_log_probs(["she", "sat", "on", "the", "bank", "and", "and", "bank", "of", "the", "river"], 6)
    assert np.allclose(pat.forward[0], np.sort(f)[::-1][:5], atol=1e-5)
    layers, subs = represent.occurrence_substitutes(tiny_elmo, sents, idx, k=3)
    assert layers.shape == (3, 3, tiny_elmo.dim) and all(len(s) <= 9 for s in subs)
    assert all("bank" not in s for s in subs)


def test_the_default_candidate_is_the_explorers_default_view():
    """senses.measured reads the default view's rows by this name; the benchmark must give it to that view."""
    (default,) = [c for c in induction.CANDIDATES if c.name == measured.DEFAULT_CANDIDATE]
    assert (default.representation, default.auto, default.k_max) == (
        explore.DEFAULT_REPRESENTATION, explore.DEFAULT_AUTO_K, 8)


def test_knn_accuracy_leaves_each_point_out_and_breaks_ties_to_the_nearest():
    from sklearn.model_selection import LeaveOneOut, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(3)
    coords = rng.normal(size=(60, 2))
    senses = rng.choice(["a", "b", "c"], 60)
    manual = []  # each point left out: majority of its 4 nearest others, a tie to the nearest tied one
    for i in range(len(coords)):
        d = np.linalg.norm(coords - coords[i], axis=1)
        d[i] = np.inf
        near = np.argsort(d, kind="stable")[:4]
        votes = Counter(senses[near])
        top = max(votes.values())
        manual.append(next(senses[j] for j in near if votes[senses[j]] == top) == senses[i])
    assert sum(Counter(senses[np.argsort(np.linalg.norm(coords - c, axis=1))[1:5]]).most_common(2)[-1][1] == 2
               for c in coords) > 5  # ties happen here
    got = induction.knn_accuracy(coords, senses, k=4)
    assert got == np.mean(manual)
    loo = KNeighborsClassifier(n_neighbors=4, weights=induction.knn_tie_weights(4))
    assert got == cross_val_score(loo, coords, senses, cv=LeaveOneOut()).mean()
    assert induction.knn_accuracy(np.array([[0.0, 0], [0, 1], [9, 9], [9, 8]]), np.array(["a", "a", "b", "b"]),
                                  k=1) == 1.0
    assert np.isnan(induction.knn_accuracy(coords[:1], senses[:1]))


def test_wiki_gold_set_is_well_formed():
    words = gold.gold_words()
    assert len(words) >= 12
    for w in words:
        g = pd.read_csv(measured.GOLD_DIR / f"{w}.tsv", sep="\t")
        assert list(g.columns) == ["corpus", "doc", "sent_id", "sent_no", "token_index", "form", "sense"]
        assert g["sense"].value_counts().iloc[:2].min() >= 8


RIVER_WORDS = ["river", "stream", "shore", "lake", "water", "valley", "creek", "flood", "fish", "boat"]
MONEY_WORDS = ["loan", "cash", "money", "account", "credit", "deposit", "finance", "payment", "debt", "investor"]


def test_static_context_vectors_weigh_near_rare_words_and_skip_the_target():
    from senses.baselines import shipped_vectors

    sv = shipped_vectors()
    assert sv is not None  # shipped in senses/static_vectors
    toks = ["the", "banks", "of", "the", "river", "and", "the", "bank"]
    v = represent.word2vec_context_vectors([toks], [1], window=20)[0]
    assert np.allclose(v, sv.vector("river"), atol=1e-5)  # stopwords and the target's own forms ("bank") left out
    near = represent.word2vec_context_vectors([["loan", "x", "bank", "river"]], [2])[0]
    # river at distance 1 outweighs loan at distance 2
    assert np.linalg.norm(near - sv.vector("river")) < np.linalg.norm(near - sv.vector("loan"))
    assert not represent.word2vec_context_vectors([["the", "bank", "."]], [1]).any()  # nothing known: zero row
    c = represent.Centring()
    x = c.fit_transform(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], np.float32))
    assert np.allclose(x[2], 0) and np.allclose(np.linalg.norm(x[:2], axis=1), 1)


def test_static_context_groups_related_words_that_bags_cannot():
    """Each occurrence has ONE context word, never repeated: a bag of words sees no overlap at all, the
    Word2Vec context vectors put related words (river / stream / shore ...) together."""
    rows = []
    for sense, pool in (("river", RIVER_WORDS), ("money", MONEY_WORDS)):
        for w in pool:
            toks = ["the", "bank", "and", "the", w]
            rows.append({"corpus": "t", "doc": len(rows), "sent_id": 0, "token_index": 1, "left": "the",
                         "keyword": "bank", "right": " ".join(toks[2:]), "tokens": toks, "sentence": " ".join(toks),
                         "sense": sense})
    frame = pd.DataFrame(rows)
    layers = np.random.default_rng(0).normal(size=(len(frame), 3, 8)).astype(np.float32)
    subs = [[] for _ in rows]
    vec = explore.analyse(frame, layers, representation=candidates.CONTEXT_VECTORS, substitutes=subs, k=2,
                          catalogue=candidates.CATALOGUE)
    bag = explore.analyse(frame, layers, representation=candidates.CONTEXT, substitutes=subs, k=2,
                          catalogue=candidates.CATALOGUE)
    assert adjusted_rand_score(frame["sense"], vec.clustering.labels) > 0.6
    assert adjusted_rand_score(frame["sense"], bag.clustering.labels) < 0.3


def test_place_sentence_without_words_goes_where_its_nearest_occurrence_is():
    frame, layers, subs = _fixture()
    a = explore.analyse(frame, layers, substitutes=subs)  # the default: words only, no layer vectors
    assert not a.representer.uses_layers and not explore.uses_layers(a.representation)
    i = 30
    placed = explore.place_sentence(a, layers[i] + 1e-4)
    assert placed["cluster"] == a.frame["cluster"][i]
    assert placed["x"] == pytest.approx(a.frame["x"][i], abs=1e-4)


def test_words_only_default_accepts_the_pages_layer_choice():
    frame, layers, subs = _fixture()
    for layer, weights in ((2, []), ("mix", None), ("mix", [0.0, 1.0, 2.0])):  # the page passes [] with one layer
        a = explore.analyse(frame, layers, layer=layer, weights=weights, substitutes=subs)
        assert a.k >= 2 and explore.place_sentence(a, layers[0])["cluster"] == a.frame["cluster"][0]


def test_wide_window_radius_and_cap():
    from corpora.search import wide_window

    sents = [["a"] * 3, ["b"] * 3, ["t"] * 3, ["c"] * 3, ["d"] * 3]
    assert wide_window(sents, 2, radius=1) == ["b"] * 3 + ["t"] * 3 + ["c"] * 3
    assert wide_window(sents, 2, radius=None) == [w for s in sents for w in s]
    # past the cap the farthest sentences go first; the target's own sentence always stays
    assert wide_window(sents, 2, radius=None, max_tokens=9) == ["b"] * 3 + ["t"] * 3 + ["c"] * 3
    assert wide_window(sents, 2, radius=None, max_tokens=1) == ["t"] * 3


def test_split_token_sentences_finds_the_target_sentence():
    from corpora.senseval import split_token_sentences

    sents, n = split_token_sentences("the line was busy . j . p . called the line again .".split(), 12)
    assert sents == [["the", "line", "was", "busy", "."], "j . p . called the line again .".split()]
    assert n == 1


def test_neighbouring_sentences_separate_identical_sentences(tmp_path):
    """One sense per discourse: the same sentence in river documents and in money documents is split by the
    default representation (its neighbouring sentences), and cannot be by the sentence alone."""
    from sklearn.metrics import adjusted_rand_score

    from corpora.builtin import Document
    from corpora.search import WIDE_COLUMN, occurrences
    from corpora.store import Store

    river = "The river flooded the valley. Fish swam near the muddy shore and the boats. Water covered the fields."
    money = "The loan was approved at last. Cash and savings went into the account. Interest rates rose again."
    docs = [Document(f"{(river if i % 2 else money)} They walked to the bank that morning. "
                     f"{'The stream ran fast.' if i % 2 else 'The deposit was large.'}", {"kind": "river" if i % 2 else "money"})
            for i in range(24)]
    store = Store(tmp_path)
    store.add_corpus("discourse", docs)
    occ = occurrences(store, "discourse", "bank", match="form")
    assert len(occ) == 24 and all("river" in w or "loan" in w for w in map(" ".join, occ[WIDE_COLUMN]))
    gold = list(occ["kind"])
    layers = np.zeros((len(occ), 3, 8), np.float32)
    subs = [["money"]] * len(occ)  # the same substitutes everywhere: only the context can tell
    doc = explore.analyse(occ, layers, substitutes=subs, k=2)
    alone = explore.analyse(occ, layers, substitutes=subs, k=2, representation=represent.SUBSTITUTES_CONTEXT_VECTORS)
    assert explore.DEFAULT_REPRESENTATION == represent.SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE
    assert adjusted_rand_score(gold, doc.frame["cluster"]) == pytest.approx(1.0)
    assert adjusted_rand_score(gold, alone.frame["cluster"]) < 0.2


def test_small_corpus_rows_score_seeded_subsamples():
    """The benchmark's small-corpus rows: seeded subsamples of a gold word, each analysed on its own."""
    frame, layers, subs = _fixture()
    bank = gold.GoldWord("t", "bank", frame, frame["sense"].to_numpy())
    cand = induction.Candidate("default", represent.SUBSTITUTES_CONTEXT_VECTORS_DISCOURSE)
    rows = induction.small_rows(bank, layers, subs, cand, sizes=(20, 30, 48), repeats=2)
    assert [(r["set"], r["n"], r["sample"]) for r in rows] == [("t n=20", 20, 0), ("t n=20", 20, 1),
                                                               ("t n=30", 30, 0), ("t n=30", 30, 1)]
    again = induction.small_rows(bank, layers, subs, cand, sizes=(20,), repeats=2)
    assert [r["ari_auto"] for r in again] == [r["ari_auto"] for r in rows[:2]]  # seeded
    sub, picked = induction.subsample(bank, 20, 1)
    assert list(sub.frame["doc"]) == sorted(frame["doc"].iloc[picked]) and len(set(picked)) == 20
    assert rows[1]["k_gold"] == len(set(sub.senses))
    summary = induction.summarise(pd.DataFrame(rows))
    assert list(summary["set"]) == ["t n=20", "t n=30"] and list(summary["words"]) == [1, 1]
    assert summary["k_within_1"].between(0, 1).all()  # per word, averaged over its 2 samples
    assert "rows" not in summary.columns


def test_frequent_content_words_skip_stopwords_numbers_and_other_forms():
    types = pd.DataFrame({"word": ["the", "banks", "of", "1999", "bank", "go", "river", "rivers", "x-ray", "loan"],
                          "count": [50, 20, 19, 18, 17, 16, 15, 14, 13, 12]})
    assert naming.frequent_content_words(types, 8) == ["banks", "river", "loan"]
    assert naming.frequent_content_words(types, 2) == ["banks", "river"]


def test_content_words_of_sklearns_stopword_list_stay_in_what_people_read():
    types = pd.DataFrame({"word": ["the", "interest", "fire", "of", "system"], "count": [9, 8, 7, 6, 5]})
    assert naming.frequent_content_words(types) == ["interest", "fire", "system"]
    toks = "the fire spread to the bank".split()
    assert naming.context_words(toks, 5) == ["spread"]  # the representation's list leaves "fire" out
    assert naming.context_words(toks, 5, stop=naming.FUNCTION_WORDS) == ["fire", "spread"]
