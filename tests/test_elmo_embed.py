"""elmo.embed: the batch-embedding CLI (word mode, all-tokens shards) with the tiny model and a tiny store."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from elmo import embed as E

TEXTS = [
    ("The cell divides. A prison cell is small.", {"topic": "mixed", "year": 1990}),
    ("She sat in her cell. Cells divide fast. He charged his phone cell.", {"topic": "life", "year": "n/a"}),
    ("The river bank was wet. Nothing here.", {"topic": "river", "year": 2001}),
]
SENTENCES = [["the", "cell", "divides", "."], ["a", "b"], ["x"] * 7, [], ["bank", "of", "the", "river"],
             ["cell"], ["one", "more", "sentence", "here", "."]]


@pytest.fixture
def store(data_dir):
    from corpora.builtin import Document
    from corpora.store import Store

    s = Store()
    s.add_corpus("tiny", [Document(t, m) for t, m in TEXTS])
    return s


def _vectors(table, column: str) -> np.ndarray:
    return np.asarray(table.column(column).to_pylist(), np.float32)


def test_word_mode_writes_occurrences_and_vectors(store, tiny_model_dir, tiny_elmo, tmp_path, capsys):
    out = tmp_path / "out" / "cell.parquet"
    rc = E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--word", "cell", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    t = pq.read_table(out)
    assert t.num_rows == 4  # four times "cell"; "Cells" is another form
    for col in ("corpus", "doc", "sent_id", "token_index", "left", "keyword", "right", "tokens", "sentence",
                "topic", "year", "layer_0", "layer_1", "layer_2"):
        assert col in t.column_names
    df = t.to_pandas()
    assert set(df["keyword"]) == {"cell"}
    assert df["year"].tolist()  # mixed int/str metadata stored as strings
    want = tiny_elmo.embed_targets([list(x) for x in df["tokens"]], df["token_index"].tolist())
    for k in range(3):
        v = _vectors(t, f"layer_{k}")
        assert v.shape == (4, tiny_elmo.dim) and np.allclose(v, want[:, k], atol=1e-6)
    typ = t.schema.field("layer_0").type
    assert pa.types.is_fixed_size_list(typ) and typ.list_size == tiny_elmo.dim and typ.value_type == pa.float32()
    meta = t.schema.metadata
    assert meta[b"word"] == b"cell" and meta[b"layers"] == b"layer_0,layer_1,layer_2"
    assert "wrote" in capsys.readouterr().out

    # lemma matching, the scalar mix, a sample
    out2 = tmp_path / "mix.parquet"
    rc = E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--word", "cell", "--match", "lemma",
                 "--layer", "mix", "--limit", "2", "--out", str(out2)])
    assert rc == 0
    t2 = pq.read_table(out2)
    assert t2.num_rows == 2 and "mix" in t2.column_names and "layer_0" not in t2.column_names
    df2 = t2.to_pandas()
    want2 = tiny_elmo.embed_targets([list(x) for x in df2["tokens"]], df2["token_index"].tolist())
    assert np.allclose(_vectors(t2, "mix"), want2.mean(1), atol=1e-6)
    assert t2.schema.metadata[b"total"] == b"5"  # lemma: Cells too

    out3 = tmp_path / "one.parquet"
    assert E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--word", "cell", "--layer", "2",
                   "--out", str(out3)]) == 0
    assert pq.read_table(out3).column_names[-1] == "layer_2"


@pytest.mark.parametrize("extra, message", [
    (["--corpus", "nope", "--word", "cell"], "nope"),
    (["--corpus", "tiny", "--word", "zebra"], "zebra"),
    (["--corpus", "tiny", "--word", "cell", "--layer", "7"], "layer 7"),
    (["--corpus", "tiny", "--word", "cell", "--limit", "0"], "at least 1"),
])
def test_errors_are_one_line_exit_2(store, tiny_model_dir, tmp_path, capsys, extra, message):
    try:
        rc = E.main(["--model", str(tiny_model_dir), *extra, "--out", str(tmp_path / "x.parquet")])
    except SystemExit as e:  # a bad option value, refused by argparse
        rc = e.code
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.startswith("error: ") and message in err and "\n" not in err
    assert not (tmp_path / "x.parquet").exists()


def test_missing_model_exit_2(store, tmp_path, capsys):
    rc = E.main(["--model", str(tmp_path / "none"), "--corpus", "tiny", "--word", "cell",
                 "--out", str(tmp_path / "x.parquet")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("error: ") and "model.safetensors not found" in err


def test_all_tokens_mode(store, tiny_model_dir, tiny_elmo, tmp_path, capsys):
    out = tmp_path / "shards"
    rc = E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--all-tokens", "--shard-size", "3",
                 "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    sentences = list(store.sentences("tiny"))
    shards = sorted(out.glob("shard-*.parquet"))
    assert len(shards) == -(-len(sentences) // 3)
    t = pq.ParquetDataset([str(p) for p in shards]).read()
    assert t.num_rows == sum(len(s) for s in sentences)
    df = t.to_pandas()
    assert df["sentence"].nunique() == len(sentences)
    emb = tiny_elmo.embed(sentences)
    for k in range(3):
        want = np.concatenate([e[k] for e in emb])
        assert np.allclose(_vectors(t, f"layer_{k}"), want, atol=1e-6)
    assert df["token"].tolist() == [w for s in sentences for w in s]
    err = capsys.readouterr().err
    assert "sentences/s" in err and "ETA" in err
    # a rerun skips every shard
    assert E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--all-tokens", "--shard-size", "3",
                   "--out", str(out)]) == 0
    assert "0 shard(s) written" in capsys.readouterr().out
    # other settings in the same folder: refused
    assert E.main(["--model", str(tiny_model_dir), "--corpus", "tiny", "--all-tokens", "--shard-size", "2",
                   "--out", str(out)]) == 2
    assert "other settings" in capsys.readouterr().err


def test_embed_corpus_shards_resume(tiny_elmo, tmp_path, monkeypatch):
    out = tmp_path / "s"
    seen = []
    summary = E.embed_corpus_shards(tiny_elmo, iter(SENTENCES), out, 2, seen.append)
    names = sorted(p.name for p in out.glob("*.parquet"))
    assert names == [f"shard-{i:05d}.parquet" for i in range(4)]
    assert summary["shards_written"] == 4 and summary["sentences"] == len(SENTENCES)
    assert [p.shard for p in seen] == [0, 1, 2, 3] and not any(p.skipped for p in seen)
    assert not list(out.glob("*.tmp"))
    t = pq.ParquetDataset([str(out / n) for n in names]).read()
    assert t.num_rows == sum(map(len, SENTENCES))  # the empty sentence has no rows
    assert sorted(set(t.column("sentence").to_pylist())) == [i for i, s in enumerate(SENTENCES) if s]
    want = np.concatenate([e[1] for e in tiny_elmo.embed([s for s in SENTENCES if s])])
    assert np.allclose(_vectors(t, "layer_1"), want, atol=1e-6)

    # delete shard 1, leave a stale .tmp: only shard 1 is embedded and rewritten
    before = {n: (out / n).stat().st_mtime_ns for n in names}
    (out / names[1]).unlink()
    (out / "shard-00002.parquet.tmp").write_bytes(b"partial")
    calls = []
    real = type(tiny_elmo).embed
    monkeypatch.setattr(type(tiny_elmo), "embed", lambda self, s, **kw: calls.append(len(s)) or real(self, s, **kw))
    seen.clear()
    summary = E.embed_corpus_shards(tiny_elmo, iter(SENTENCES), out, 2, seen.append)
    assert summary["shards_written"] == 1 and summary["shards_skipped"] == 3
    assert calls == [1] and [p.skipped for p in seen] == [True, False, True, True]  # 1: [x]*7 and []
    assert summary["embedded_sentences"] == 2 and summary["sentences"] == len(SENTENCES)
    for n in names:
        if n != names[1]:
            assert (out / n).stat().st_mtime_ns == before[n]
    t2 = pq.ParquetDataset([str(out / n) for n in names]).read()
    assert t2.equals(t)

    # partitions: a prefix and an offset keep names and sentence ids apart
    E.embed_corpus_shards(tiny_elmo, [["a", "cell"]], out, 2, prefix="part-00001", first_sentence=100,
                          layer="mix")
    p = pq.read_table(out / "part-00001-00000.parquet")
    assert p.column("sentence").to_pylist() == [100, 100] and p.column_names[-1] == "mix"
    with pytest.raises(ValueError, match="other settings"):
        E.embed_corpus_shards(tiny_elmo, SENTENCES, out, 2, layer=0)
    with pytest.raises(ValueError, match="layer 5"):
        E.embed_corpus_shards(tiny_elmo, SENTENCES, tmp_path / "t", 2, layer=5)
