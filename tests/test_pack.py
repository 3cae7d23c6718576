"""Packed training data: round trip, held-out rule, frequency order, sequences and files in parts."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from corpora.builtin import Document
from elmo.pack import Pack, is_heldout, join_parts, write_parts
from elmo.train import Sequences, pack_vocabulary, pieces

DOCS = [
    Document(text="a b", sentences=[["the", "cat", "sat"], ["the", "dog"]]),
    Document(text="c d", sentences=[["a", "cat", "ran", "the", "end"]]),
    Document(text="e f", sentences=[["dogs", "bark"], ["cats", "too"], ["the", "end"]]),
]


def small_pack() -> Pack:
    return Pack.from_documents([("brown", DOCS[:2]), ("switchboard", DOCS[2:])], log=lambda m: None,
                               heldout=lambda i, _: i == 1)


def test_round_trip_keeps_everything(tmp_path):
    pack = small_pack()
    path = pack.save(tmp_path / "p.npz")
    back = Pack.load(path)
    assert back.types == pack.types and back.corpora == ["brown", "switchboard"]
    for name in ("tokens", "sent_len", "sent_doc", "doc_corpus", "doc_heldout"):
        assert np.array_equal(getattr(back, name), getattr(pack, name)), name
    assert [back.sentence(i) for i in range(len(back.sent_len))] == [s for d in DOCS for s in d.sentences]
    assert back.counts()["brown"] == {"train_docs": 1, "train_sentences": 2, "train_tokens": 5,
                                      "heldout_docs": 1, "heldout_sentences": 1, "heldout_tokens": 5}


def test_types_by_training_frequency_and_vocab_prefix():
    pack = small_pack()
    assert pack.types[0] == "the"  # 3 times in training documents ("the" in held-out doc 1 not counted)
    counts = pack.meta["train_counts"]
    assert counts == sorted(counts, reverse=True) and counts[pack.types.index("ran")] == 0
    vocab = pack_vocabulary(pack, 6)
    assert vocab.words[3:] == pack.types[:3] and "ran" not in vocab  # held-out-only words never enter


def test_heldout_rule_is_the_md5_share():
    texts = [f"document {i}" for i in range(2000)]
    held = [is_heldout(t) for t in texts]
    assert held == [int(hashlib.md5(t.encode()).hexdigest()[:8], 16) % 1000 < 20 for t in texts]
    assert 20 < sum(held) < 60  # ~2 %
    pack = Pack.from_documents([("x", [Document(text=t, sentences=[["w"]]) for t in texts])], log=lambda m: None)
    assert pack.doc_heldout.tolist() == held


def test_pieces_and_sequences():
    pack = small_pack()
    starts, lens = pieces(pack, pack.sentence_mask(False), 2, 0)
    assert lens.max() <= 2 and lens.sum() == 5 + 6
    _, joined = pieces(pack, pack.sentence_mask(False), 100, 4)
    assert joined.tolist() == [3, 2, 4, 2]  # runs of sentences within a document, up to 4 tokens
    seqs = Sequences.from_pack(pack, pack.sentence_mask(False), 100, 0, bos=100, eos=101, device=torch.device("cpu"))
    ids, lengths = seqs.batch(np.array([0, 1]))
    assert lengths.tolist() == [5, 4]
    assert [pack.types[i] for i in ids[0, 1:4].tolist()] == ["the", "cat", "sat"]
    assert ids[0, 0] == 100 and ids[0, 4] == 101 and ids[1, 3] == 101
    groups = seqs.groups(8, seed=0)
    assert sorted(np.concatenate(groups).tolist()) == list(range(len(seqs.lengths)))
    assert all(len(g) * seqs.lengths[g].max() <= 8 for g in groups if len(g) > 1)


def test_files_in_parts_round_trip(tmp_path):
    data = np.random.default_rng(0).bytes(50_000)
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    parts = write_parts(f, part_bytes=20_000)
    assert [p.stat().st_size for p in parts] == [20_000, 20_000, 10_000] and not f.exists()
    assert join_parts(tmp_path) == [f] and f.read_bytes() == data
    write_parts(f, part_bytes=20_000)
    (tmp_path / "big.bin.part001").write_bytes(b"x")
    with pytest.raises(ValueError, match="corrupt"):
        join_parts(tmp_path)


def test_missing_pack_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="elmo.pack"):
        Pack.load(tmp_path / "none.npz")


@pytest.mark.parametrize("name", ["switchboard", "shakespeare", "sentence_polarity"])
def test_new_nltk_corpora_read(name):
    from corpora.builtin import builtin_documents, builtin_names, nltk_available

    builtin_names()  # sets NLTK paths from NLTK_DATA
    if not nltk_available(name):
        pytest.skip(f"NLTK corpus {name} not under NLTK_DATA")
    docs = list(builtin_documents(name))
    assert len(docs) > 30 and all(d.text.strip() for d in docs)
    if docs[0].sentences is not None:  # sentence-per-line corpora: re-tokenised with our tokenizer
        assert docs[0].sentences[0] and all(" " not in w for s in docs[0].sentences for w in s)
