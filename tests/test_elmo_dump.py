"""python -m elmo.dump: bilm-tf's dump_bilm_embeddings / dump_token_embeddings, checked against
the independent numpy bilm-tf reference of tests/test_elmo.py."""

from __future__ import annotations

import h5py
import numpy as np
import pytest

from elmo.dump import dump_bilm_embeddings, main
from elmo.embedder import ELMo
from elmo.io import export_bilm_tf
from tests.test_elmo import RefBiLM, _clipped_model

LINES = [
    "She deposited the cash at the bank .",
    "",
    "He sat on the  bank\tof the river in the café " + "x" * 60 + " !",
    "   ",
    "bank",
    "<S> is a token here",
]


@pytest.fixture(scope="module")
def tf_model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dump")
    model = _clipped_model(tmp)
    opts, weights = export_bilm_tf(model.bilm, tmp / "tf")
    return model, opts, weights


def test_dump_sentences_matches_bilm_tf_reference(tmp_path, tf_model, capsys):
    model, opts, weights = tf_model
    src = tmp_path / "sentences.txt"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out = tmp_path / "out.hdf5"
    assert main(["--options", str(opts), "--weights", str(weights), "--input", str(src), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2 empty line(s) (0-based: 1, 3)" in err
    ref = RefBiLM(opts, weights)
    p2 = 2 * model.config.lstm.projection_dim
    with h5py.File(out, "r") as f:
        assert sorted(f.keys(), key=int) == [str(i) for i in range(len(LINES))]
        for i, line in enumerate(LINES):
            got = f[str(i)][...]
            tokens = line.split()
            assert got.dtype == np.float32 and got.shape == (3, len(tokens), p2)
            if tokens:
                assert np.allclose(got, ref.embed(tokens), atol=1e-5), (i, np.abs(got - ref.embed(tokens)).max())
    assert not (tmp_path / "out.hdf5.tmp").exists()


def test_small_chunks_give_the_same_file(tmp_path, tf_model):
    model = tf_model[0]
    src = tmp_path / "s.txt"
    src.write_text("\n".join(LINES * 3), encoding="utf-8")  # no newline after the last line
    seen = []
    a = dump_bilm_embeddings(model, src, tmp_path / "a.hdf5", chunk=4, progress=lambda d, n: seen.append((d, n)))
    b = dump_bilm_embeddings(model, src, tmp_path / "b.hdf5")
    assert a["lines"] == b["lines"] == 18 and a["empty_lines"] == [1, 3, 7, 9, 13, 15]
    assert seen[-1] == (18, 18) and [d for d, _ in seen] == [4, 8, 12, 16, 18]
    with h5py.File(tmp_path / "a.hdf5", "r") as fa, h5py.File(tmp_path / "b.hdf5", "r") as fb:
        assert len(fa) == len(fb) == 18
        for k in fa:
            assert np.allclose(fa[k][...], fb[k][...], atol=1e-6)


def test_dump_vocab_is_layer0_of_each_token(tmp_path, tf_model, tiny_model_dir, capsys):
    model, opts, weights = tf_model
    words = ["<S>", "</S>", "<UNK>", "bank", "café", "x" * 70, "Bank"]
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(words) + "\n", encoding="utf-8")
    out = tmp_path / "tok.hdf5"
    assert main(["--options", str(opts), "--weights", str(weights), "--vocab", str(vocab), "--output", str(out)]) == 0
    with h5py.File(out, "r") as f:
        emb = f["embedding"][...]
    assert emb.shape == (len(words), model.config.lstm.projection_dim) and emb.dtype == np.float32
    assert np.allclose(emb, RefBiLM(opts, weights).tokens(words), atol=1e-5)
    # layer 0 of a sentence dump (either half) is the same vector
    src = tmp_path / "s.txt"
    src.write_text("bank café\n", encoding="utf-8")
    dump_bilm_embeddings(model, src, tmp_path / "s.hdf5")
    with h5py.File(tmp_path / "s.hdf5", "r") as f:
        layer0 = f["0"][0]
    p = model.config.lstm.projection_dim
    assert np.allclose(layer0[:, :p], emb[3:5], atol=1e-5) and np.allclose(layer0[:, p:], emb[3:5], atol=1e-5)
    # our model folder works the same way
    out2 = tmp_path / "tok2.hdf5"
    assert main(["--model", str(tiny_model_dir), "--vocab", str(vocab), "--output", str(out2)]) == 0
    with h5py.File(out2, "r") as f:
        assert np.allclose(f["embedding"][...], ELMo.load(tiny_model_dir).type_vectors(words), atol=1e-6)
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("case, match", [
    ("missing", "no such file"),
    ("options only", "give both --options"),
    ("blank vocab line", "line 2 is empty"),
    ("not utf-8", "not UTF-8"),
    ("bad weights", "not a readable HDF5 file"),
])
def test_errors_are_one_line_and_write_nothing(tmp_path, tf_model, capsys, case, match):
    _, opts, weights = tf_model
    src = tmp_path / "in.txt"
    src.write_text("a b\n", encoding="utf-8")
    mode = "--input"
    args = ["--options", str(opts), "--weights", str(weights)]
    if case == "missing":
        src = tmp_path / "nope.txt"
    elif case == "options only":
        args = ["--options", str(opts)]
    elif case == "blank vocab line":
        src.write_text("the\n\nbank\n", encoding="utf-8")
        mode = "--vocab"
    elif case == "not utf-8":
        src.write_bytes(b"caf\xe9\n")
    else:
        bad = tmp_path / "w.hdf5"
        bad.write_bytes(b"junk")
        args = ["--options", str(opts), "--weights", str(bad)]
    out = tmp_path / "out.hdf5"
    assert main([*args, mode, str(src), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "out.hdf5.tmp").exists()
