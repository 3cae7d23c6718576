"""Hostile and careless input: every bad input gets the project's own clear error, a refused input leaves the
store byte-for-byte as it was, and nothing on the server is read that the user did not send.

Covers lone surrogates, huge JSON numbers, NaN metadata, deep JSON, HDF5 links and filters, binary vocab.txt,
Markdown in user strings on every page, argparse validation, non-regular files, address-bar parameters,
control-only text, read-only stores and look-alike corpus names."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from corpora.builtin import Document
from corpora.errors import CorpusError, QueryError, ReadError, StoreError, escape_markdown
from corpora.readers import Limits, read_upload
from corpora.search import occurrences
from corpora.store import Store
from elmo.io import ModelFileError
from tests.test_app_corpora import page_env, run_with_upload  # noqa: F401 - page_env is a fixture
from tests.test_app_explorer import BANK, app_env, run_explorer  # noqa: F401 - app_env is a fixture

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "![t](x.png)[c](javascript:alert(1))**B**"
DOCS = [Document("The river bank was muddy.", {"topic": "river"}),
        Document("The bank lent money to the farmer.", {"topic": "money"})]


def snapshot(store: Store) -> dict[str, str]:
    """sha256 of the store's database file and of its write-ahead log when that holds anything (an empty or
    absent log are the same state; the -shm file is only SQLite's index of the log, rebuilt from it)."""
    files = [store.path, store.path.with_name(store.path.name + "-wal")]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file() and p.stat().st_size}


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    s.add_corpus("base", DOCS)
    return s


def refused(store: Store, exc: type[Exception], call, match: str) -> Exception:
    """Run call(); it must raise `exc` matching `match` and leave every byte of the store as it was."""
    before = snapshot(store)
    with pytest.raises(exc, match=match) as info:
        call()
    assert snapshot(store) == before
    return info.value


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# ---- lone surrogates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", ['{"text": "a bank \\ud800 here"}', '{"text": "a bank", "k\\udfff": 1}',
                                  '{"text": "a bank", "k": "v\\ud800"}'])
def test_lone_surrogate_in_jsonl_is_refused(store, line):
    def add():
        store.add_corpus("sur", read_upload("s.jsonl", line.encode()))

    refused(store, ReadError, add, "lone surrogate")


@pytest.mark.parametrize("doc", [Document("bank \ud800", {}), Document("bank", {"k\ud800": 1}),
                                 Document("bank", {"k": ["x", "\udbff"]})])
def test_lone_surrogate_in_documents_is_refused_by_the_store(store, doc):
    refused(store, CorpusError, lambda: store.add_corpus("sur", [doc]), "lone surrogate")


@pytest.mark.parametrize("match", ["form", "lemma", "regex"])
def test_lone_surrogate_in_search_is_a_query_error(store, match):
    with pytest.raises(QueryError, match="lone surrogate"):
        occurrences(store, "base", "ba\ud800nk", match=match)
    with pytest.raises(CorpusError, match="lone surrogate"):
        occurrences(store, "ba\ud800se", "bank")


def test_cli_refuses_arguments_that_are_not_utf8(store, tmp_path, capsys):
    from corpora.__main__ import main

    src = tmp_path / "a.txt"
    src.write_text("The bank of the river.")
    before = snapshot(store)
    for argv in (["search", "base", "b\udcffank"], ["add", str(src), "--name", "n\udcff"]):
        with pytest.raises(SystemExit) as e:
            main(["--store", str(store.path), *argv])
        assert e.value.code == 2
        assert "not valid UTF-8 text (byte 0xFF" in one_line(capsys.readouterr().err)
    assert snapshot(store) == before


# ---- huge numbers, NaN, deep nesting ---------------------------------------------------------------------


def test_jsonl_number_over_the_digit_limit_is_refused(store):
    line = '{"text": "a bank", "n": ' + "7" * 5000 + "}"
    refused(store, ReadError, lambda: read_upload("big.jsonl", line.encode()), "more than 4,300 digits")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_metadata_is_refused_at_upload(store, value):
    def add():
        store.add_corpus("nan", read_upload("n.jsonl", f'{{"text": "a bank", "v": {value}}}'.encode()))

    refused(store, ReadError, add, "not a finite number")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [1.0, float("-inf")]])
def test_non_finite_metadata_is_refused_by_the_store(store, value):
    refused(store, CorpusError, lambda: store.add_corpus("nan", [Document("a bank", {"v": value})]),
            "not a finite number")
    assert store.meta_cardinality("base") == {"topic": 2}  # the summary the Corpora page shows still works


@pytest.fixture(scope="module")
def tf_pair(tmp_path_factory) -> tuple[Path, Path]:
    """options.json and weights.hdf5 of the tiny model, in bilm-tf layout."""
    from elmo.io import export_bilm_tf
    from tests.conftest import make_tiny_model

    d = tmp_path_factory.mktemp("tf")
    return export_bilm_tf(make_tiny_model(d / "m").bilm, d / "tf")


def _pair_with_options(tmp_path: Path, tf_pair, options_text: str) -> tuple[Path, Path]:
    opts = tmp_path / "options.json"
    opts.write_text(options_text)
    return opts, tf_pair[1]


@pytest.mark.parametrize("case", ["big int", "deep"])
def test_options_json_that_cannot_be_parsed_is_a_model_file_error(tmp_path, tf_pair, case):
    from elmo.io import load_bilm_tf

    opts = json.loads(tf_pair[0].read_text())
    text = (json.dumps(opts).replace('"n_highway": 1', '"n_highway": ' + "1" * 5000) if case == "big int"
            else "[" * 100_000 + "]" * 100_000)
    assert text != json.dumps(opts)
    path, weights = _pair_with_options(tmp_path, tf_pair, text)
    with pytest.raises(ModelFileError, match="digits" if case == "big int" else "nested too deeply"):
        load_bilm_tf(path, weights)


@pytest.mark.parametrize("case", ["big int", "deep", "deep object"])
def test_config_json_that_cannot_be_parsed_is_a_model_file_error(tmp_path, tiny_model_dir, case):
    from elmo.embedder import ELMo

    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model)
    cfg = json.loads((model / "config.json").read_text())
    if case == "big int":
        text = json.dumps(cfg).replace('"n_highway": 1', '"n_highway": ' + "9" * 5000)
    elif case == "deep":
        text = "[" * 100_000 + "]" * 100_000
    else:  # parses, but nests deeper than any config
        cfg["lstm"]["cell_clip"] = json.loads("[" * 500 + "]" * 500)
        text = json.dumps(cfg)
    (model / "config.json").write_text(text)
    with pytest.raises(ModelFileError, match=r"config\.json: not a valid config file"):
        ELMo.load(model)


def test_dump_with_a_deep_config_prints_one_line(tmp_path, tiny_model_dir, capsys):
    from elmo.dump import main

    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model)
    (model / "config.json").write_text("{" + '"a": {' * 50_000 + "}" * 50_001)
    (tmp_path / "in.txt").write_text("the bank\n")
    rc = main(["--model", str(model), "--input", str(tmp_path / "in.txt"), "--output", str(tmp_path / "o.hdf5")])
    assert rc == 2
    assert "config.json: not a valid config file" in one_line(capsys.readouterr().err)
    assert not (tmp_path / "o.hdf5").exists()


# ---- HDF5: self-contained only --------------------------------------------------------------------------


def _weights_with(tmp_path: Path, tf_pair, change) -> Path:
    path = tmp_path / "weights.hdf5"
    shutil.copy(tf_pair[1], path)
    with h5py.File(path, "r+") as f:
        change(f)
    return path


def _soft_loop(f) -> None:
    del f["char_embed"]
    f["char_embed"] = h5py.SoftLink("/loop")
    f["loop"] = h5py.SoftLink("/char_embed")


def _external(other: Path):
    def change(f) -> None:
        data = f["char_embed"][...]
        with h5py.File(other, "w") as g:  # a valid tensor, in another file of the server
            g["secret"] = data
        del f["char_embed"]
        f["char_embed"] = h5py.ExternalLink(str(other), "/secret")
    return change


def _user_filter(f) -> None:
    data = f["char_embed"][...]
    del f["char_embed"]
    f.create_dataset("char_embed", data=data, chunks=data.shape, compression=32004, allow_unknown_filter=True)


def _raw_file(other: Path):
    def change(f) -> None:
        data = f["char_embed"][...].astype(np.float32)
        data.tofile(other)
        del f["char_embed"]
        f.create_dataset("char_embed", shape=data.shape, dtype="f4", external=[(str(other), 0, data.nbytes)])
    return change


@pytest.mark.parametrize("case,match", [("soft link loop", "char_embed is a soft link"),
                                        ("external link", "char_embed is an external link"),
                                        ("user filter", "filter 32004"),
                                        ("external raw file", "stored in external files")])
def test_hdf5_must_be_self_contained(tmp_path, tf_pair, case, match):
    from elmo.io import load_bilm_tf

    other = tmp_path / "elsewhere.bin"
    change = {"soft link loop": _soft_loop, "external link": _external(other), "user filter": _user_filter,
              "external raw file": _raw_file(other)}[case]
    weights = _weights_with(tmp_path, tf_pair, change)
    with pytest.raises(ModelFileError, match=match) as e:
        load_bilm_tf(tf_pair[0], weights)
    assert "self-contained" in str(e.value)


def test_uploaded_pair_errors_name_the_file_not_the_server_folder(tmp_path, tf_pair):
    from elmo.uploads import load_upload

    weights = _weights_with(tmp_path, tf_pair, _soft_loop)
    with pytest.raises(ModelFileError) as e:
        load_upload(tf_pair[0].read_bytes(), weights.read_bytes())
    assert str(e.value).startswith("weights.hdf5: char_embed is a soft link"), str(e.value)
    assert tempfile.gettempdir() not in str(e.value)


@pytest.mark.parametrize("data", [b"\xff\xfe\x00\x01binary\x80", b"<S>\n</S>\n<UNK>\x00\x00\n"])
def test_binary_vocab_is_a_model_file_error_naming_the_file(tmp_path, tiny_model_dir, data):
    from elmo.embedder import ELMo

    model = tmp_path / "m"
    shutil.copytree(tiny_model_dir, model)
    (model / "vocab.txt").write_bytes(data)
    with pytest.raises(ModelFileError, match=r"vocab\.txt: not a vocabulary file"):
        ELMo.load(model)


# ---- Markdown in user strings, on every page -------------------------------------------------------------

_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success")


_LABELLED = ("expander", "checkbox", "button", "toggle", "selectbox", "text_input", "slider", "number_input")


def markdown_sources(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: messages, headings, captions and widget labels."""
    return ([e.value for kind in _KINDS for e in getattr(at, kind)]
            + [str(e.label) for kind in _LABELLED for e in getattr(at, kind)])


def assert_escaped(at: AppTest) -> None:
    """No Markdown source holds the hostile string's link, image or bold unescaped, and it is shown escaped."""
    assert not at.exception, [e.message for e in at.exception]
    sources = markdown_sources(at)
    for src in sources:
        bare = re.sub(r"\\.", "", src)  # what is left once every escaped character is taken out
        for markup in ("](x.png)", "javascript:", "**B**", "![t]", "[c]("):
            assert markup not in bare, src
    assert any(escape_markdown(HOSTILE) in s for s in sources), sources


@pytest.fixture
def hostile_model(tiny_model_dir, tmp_path, monkeypatch) -> Path:
    """The tiny model in a folder named HOSTILE, as the active model."""
    d = tmp_path / HOSTILE
    shutil.copytree(tiny_model_dir, d)
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(d))
    monkeypatch.delenv("SENSE_EXPLORER_MODELS", raising=False)
    return d


def test_model_page_escapes_the_model_name(data_dir, hostile_model):
    at = AppTest.from_file(str(ROOT / "pages" / "model.py"), default_timeout=60).run()
    assert_escaped(at)


def _upload_model(options: bytes, weights: bytes, weights_name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "model.py"), default_timeout=60).run()
    at.file_uploader(key="upload_options").set_value(("options.json", options, "application/json"))
    at.file_uploader(key="upload_weights").set_value((weights_name, weights, "application/octet-stream"))
    at.run()
    return next(b for b in at.button if b.label == "Load uploaded model").click().run()


def test_model_page_escapes_an_uploaded_file_name_and_quoted_json(data_dir, tiny_model_dir, monkeypatch, tf_pair):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    at = _upload_model(tf_pair[0].read_bytes(), tf_pair[1].read_bytes(), HOSTILE + ".hdf5")
    assert any(s.value.startswith("Loaded") for s in at.success)
    assert_escaped(at)  # "Loaded {name}" and the card's caption of the new active model
    options = json.loads(tf_pair[0].read_text())
    options["char_cnn"]["activation"] = HOSTILE
    at = _upload_model(json.dumps(options).encode(), tf_pair[1].read_bytes(), "w.hdf5")
    assert any("activation" in e.value for e in at.error)
    assert_escaped(at)


def test_model_page_shows_a_big_number_in_options_as_an_error(data_dir, tiny_model_dir, monkeypatch, tf_pair):
    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    text = tf_pair[0].read_text().replace('"n_highway": 1', '"n_highway": ' + "1" * 5000)
    at = _upload_model(text.encode(), tf_pair[1].read_bytes(), "w.hdf5")
    assert not at.exception, [e.message for e in at.exception]
    assert any("Could not load the uploaded model" in e.value and "digits" in e.value for e in at.error)


def test_static_page_escapes_the_model_name(data_dir, hostile_model):
    from tests.test_app_static import page

    assert_escaped(page().run())


def test_corpora_page_escapes_corpus_names_and_metadata(page_env):  # noqa: F811 - the fixture
    page_env.add_corpus(HOSTILE, [Document("A bank by the river.", {HOSTILE: HOSTILE}),
                                  Document("The bank lent money.", {HOSTILE: "x"})])
    at = AppTest.from_file(str(ROOT / "pages" / "corpora.py"), default_timeout=60)
    at.session_state["co_detail"] = at.session_state["co_fcorpus"] = HOSTILE
    assert_escaped(at.run())


def test_explorer_escapes_corpus_and_model_names(app_env, hostile_model):  # noqa: F811 - the fixture
    app_env.add_corpus(HOSTILE, [Document(t, {}) for t in ("The bank of the river.", "The bank lent money.")])
    at = run_explorer(corpus=HOSTILE, word="bank")
    assert_escaped(at)


# ---- command lines: argparse validates every option ------------------------------------------------------


@pytest.mark.parametrize("argv,match", [(["search", "base", "bank", "--seed", "-1"], "--seed: -1 is out of range"),
                                        (["search", "base", "bank", "--limit", "0"], "--limit: 0 is out of range"),
                                        (["search", "base", "bank", "--limit", "nan"], "is not a whole number")])
def test_corpora_cli_options_are_checked_by_argparse(store, capsys, argv, match):
    from corpora.__main__ import main

    with pytest.raises(SystemExit) as e:
        main(["--store", str(store.path), *argv])
    assert e.value.code == 2
    assert match in one_line(capsys.readouterr().err)


def test_negative_seed_in_the_library_is_a_query_error(store):
    with pytest.raises(QueryError, match="seed"):
        occurrences(store, "base", "bank", limit=1, seed=-1)


@pytest.mark.parametrize("threads", ["-1", "0", "x", "99999999"])
def test_dump_threads_are_checked_by_argparse(tmp_path, tiny_model_dir, capsys, threads):
    from elmo.dump import main

    (tmp_path / "in.txt").write_text("the bank\n")
    with pytest.raises(SystemExit) as e:
        main(["--model", str(tiny_model_dir), "--input", str(tmp_path / "in.txt"), "--output",
              str(tmp_path / "o.hdf5"), "--threads", threads])
    assert e.value.code == 2
    assert "argument --threads" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("extra", [["--threads", "-2"], ["--limit", "-1"], ["--shard-size", "0"],
                                   ["--layer", "-1"]])
def test_embed_options_are_checked_by_argparse(tmp_path, tiny_model_dir, capsys, extra):
    from elmo.embed import main

    with pytest.raises(SystemExit) as e:
        main(["--model", str(tiny_model_dir), "--corpus", "base", "--word", "bank", "--out",
              str(tmp_path / "o.parquet"), "--data", str(tmp_path), *extra])
    assert e.value.code == 2
    assert f"argument {extra[0]}" in one_line(capsys.readouterr().err)


# ---- files that are not regular files -------------------------------------------------------------------


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """python -m corpora in a child process with at most 4 GB of address space (reading a device until memory
    runs out must not take the test machine with it)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "corpora", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, preexec_fn=limit, env=env)


def test_cli_add_refuses_a_link_to_a_device(store, tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    before = snapshot(store)
    out = _cli("--store", str(store.path), "add", str(link), "--name", "zero")
    assert out.returncode == 2, out.stderr
    assert "zero.txt is not a regular file" in one_line(out.stderr)
    assert snapshot(store) == before


def test_read_file_refuses_pipes_and_folders_and_reads_at_most_the_limit_plus_one(tmp_path):
    from corpora.readers import read_file

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReadError, match="not a regular file"):
        read_file(fifo)  # refused at once: opening does not wait for a writer
    with pytest.raises(ReadError, match=r"not a regular file \(a folder\)"):
        read_file(tmp_path)
    # /proc files say they are empty but are not: the limit holds on what is read
    with pytest.raises(ReadError, match="at most"):
        read_file("/proc/self/status", Limits(max_bytes=10))
    small = tmp_path / "ok.txt"
    small.write_bytes(b"0123456789")
    assert read_file(small, Limits(max_bytes=10)) == b"0123456789"
    with pytest.raises(ReadError, match="at most"):
        read_file(small, Limits(max_bytes=9))


# ---- address-bar parameters ------------------------------------------------------------------------------


def _param(at: AppTest, name: str) -> str:
    v = at.query_params[name]
    return v[0] if isinstance(v, list) else v


@pytest.mark.parametrize("w", ["inf,0,0", "-inf,1,0", "1e308,0,0", "nan,0,0"])
def test_mix_weights_out_of_range_in_the_link_do_not_break_the_page(app_env, w):  # noqa: F811
    at = run_explorer(corpus=BANK, word="bank", w=w, rep="layers")
    assert not at.error, [e.value for e in at.error]
    sliders = [at.slider(key=f"ex_w{i}").value for i in range(3)]
    if w.startswith("1e308"):
        assert sliders == [3.0, 0.0, 0.0]  # finite: clamped to the sliders' range
    else:
        assert sliders == [0.0, 0.0, 0.0]
        assert any(f"w={w}" in x.value.replace("\\", "") for x in at.warning)
    assert [float(x) for x in _param(at, "w").split(",")] == sliders  # the link is mended


def test_invalid_link_parameters_are_named_on_the_page(app_env, monkeypatch):  # noqa: F811
    import corpora.builtin

    monkeypatch.setattr(corpora.builtin, "builtin_names", lambda: [])  # no built-in corpus is indexed here
    at = run_explorer(corpus="nope", word="bank", k="-1", layer="7", limit="abc")
    assert not at.error, [e.value for e in at.error]
    notes = [x.value.replace("\\", "") for x in at.warning if "Ignored in the link" in x.value]
    assert len(notes) == 1
    for part in ("corpus=nope (no such corpus; bankdemo is used)", "k=-1 (expected auto or 1 to 8; auto is used)",
                 "layer=7 (expected 0, 1, 2 or mix", "limit=abc (expected a whole number; 300 is used)"):
        assert part in notes[0], notes[0]
    assert at.selectbox(key="ex_corpus").value == BANK
    assert _param(at, "corpus") == BANK


def test_a_valid_link_gets_no_note(app_env):  # noqa: F811
    at = run_explorer(corpus=BANK, word="bank", k="2", layer="1", limit="50")
    assert not [x for x in at.warning if "Ignored" in x.value]


# ---- control characters, BOM + NUL, tables without a text column -----------------------------------------


@pytest.mark.parametrize("filename,data", [("c.txt", b"\x01\x02\x03\x7f"),
                                           ("c.txt", "\x1b\x07\r\n\x0b\x0c\u200b\ufeff".encode()),
                                           ("c.csv", b"text,n\n\x01\x02,1\n\x03,2\n"),
                                           ("c.jsonl", b'{"text": "\\u0001\\u0002"}\n'),
                                           ("b.txt", codecs.BOM_UTF8 + b"\x00\x00\x00\x00"),
                                           ("b.txt", codecs.BOM_UTF8 + b"bank\x00river"),
                                           ("b.txt", codecs.BOM_UTF16_LE + "bank\x00".encode("utf-16-le"))])
def test_control_only_text_and_nul_after_a_bom_are_refused(store, filename, data):
    refused(store, ReadError, lambda: store.add_corpus("ctl", read_upload(filename, data)),
            "holds no text|binary file|no text column")


def test_store_refuses_documents_of_control_characters_only(store):
    refused(store, CorpusError, lambda: store.add_corpus("ctl", [Document("\x01\x02\x03", {})]), "no words")


def test_corpora_page_makes_the_user_choose_when_no_column_holds_words(page_env, monkeypatch):  # noqa: F811
    before = snapshot(page_env)
    at = run_with_upload(monkeypatch, "numbers.csv", b"id,score\n1,10\n2,20\n", name="numbers")
    select = next(s for s in at.selectbox if s.key.startswith("co_textcol_"))
    assert select.value is None
    assert any("No column of this file holds words" in w.value for w in at.warning)
    assert any("Choose the text column" in e.value for e in at.error)
    assert "numbers" not in Store().corpus_names() and snapshot(page_env) == before


# ---- read-only store -------------------------------------------------------------------------------------


def _read_only_checks(ro: Store) -> None:
    assert ro.read_only
    assert list(ro.list_corpora()["name"]) == ["base"]
    assert len(occurrences(ro, "base", "bank")) == 2
    with pytest.raises(StoreError, match="read-only"):
        ro.add_corpus("more", DOCS[:1])
    with pytest.raises(StoreError, match="read-only"):
        ro.remove_corpus("base")


def test_read_only_store_when_asked(store):
    before = snapshot(store)
    _read_only_checks(Store(store.path, read_only=True))
    assert snapshot(store) == before


def test_store_that_is_not_writable_opens_read_only(store, monkeypatch):
    """Running as root, chmod does not stop writes: the check that the file is writable is made to say no."""
    import corpora.store

    real = os.access
    monkeypatch.setattr(corpora.store.os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real(p, mode))
    before = snapshot(store)
    _read_only_checks(Store(store.path))
    assert snapshot(store) == before


def test_corpora_page_on_a_read_only_store_lists_and_refuses_uploads(page_env, monkeypatch):  # noqa: F811
    import corpora.store

    real = os.access
    monkeypatch.setattr(corpora.store.os, "access", lambda p, mode, **kw: False if mode & os.W_OK else real(p, mode))
    before = snapshot(page_env)
    at = run_with_upload(monkeypatch, "notes.txt", b"The bank of the river was muddy.", name="notes")
    assert any("read-only" in i.value for i in at.info)
    assert any("read-only" in e.value.replace("\\", "") and "needs write access" in e.value for e in at.error)
    assert [d.value for d in at.dataframe][0]["name"].tolist() == ["existing"]
    assert snapshot(page_env) == before


_AS_OTHER_USER = """
import sys
from corpora.store import Store
from corpora.search import occurrences
from corpora.builtin import Document
s = Store(sys.argv[1])
print(s.read_only, list(s.list_corpora()["name"]), len(occurrences(s, "base", "bank")))
try:
    s.add_corpus("more", [Document("a bank", {})])
except Exception as e:
    print(type(e).__name__, e)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="file permissions as on Linux")
def test_store_in_a_read_only_folder_is_listed_and_searched(store, tmp_path):
    """A real read-only folder and file: as another user when the tests run as root (root may write anyway)."""
    folder = Path(tempfile.mkdtemp(prefix="ro-store-"))
    try:
        db = folder / store.path.name
        shutil.copy(store.path, db)
        db.chmod(0o444)
        folder.chmod(0o555)
        cmd = [sys.executable, "-c", _AS_OTHER_USER, str(db)]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: cannot drop to another user")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env={**os.environ, "OMP_NUM_THREADS": "1"})
        assert out.returncode == 0, out.stderr
        first, second = out.stdout.strip().splitlines()
        assert first == "True ['base'] 2"
        assert second.startswith("StoreError") and "read-only" in second
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# ---- look-alike corpus names -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wіki", "brοwn", "ｗｉｋｉ", "WIKI", "sеnseval", "bank\u0430"])
def test_names_that_pass_for_others_are_refused(store, name):
    refused(store, CorpusError, lambda: store.add_corpus(name, [Document("a bank of fish", {})]),
            "built-in corpus|mixes letters of different scripts")


def test_whole_script_look_alike_of_a_built_in_name_is_refused(store, monkeypatch):
    import corpora.names

    monkeypatch.setattr(corpora.names, "BUILTIN_NAMES", ("wiki", "cope"))
    refused(store, CorpusError, lambda: store.add_corpus("соре", [Document("a bank of fish", {})]),  # Cyrillic
            'looks like the name of the built-in corpus "cope"')


@pytest.mark.parametrize("name", ["Корпус банка", "日本語コーパス", "Ελληνικά", "my corpus 2", "wiki-notes"])
def test_names_in_one_script_are_accepted(store, name):
    assert store.add_corpus(name, [Document(f"a bank of fish {name}", {})])["name"] == name


def test_cli_refuses_a_look_alike_name_in_one_line(store, tmp_path, capsys):
    from corpora.__main__ import main

    src = tmp_path / "a.txt"
    src.write_text("The bank of the river.")
    before = snapshot(store)
    assert main(["--store", str(store.path), "add", str(src), "--name", "wіki"]) == 2
    assert "mixes letters of different scripts (Cyrillic, Latin)" in one_line(capsys.readouterr().err)
    assert snapshot(store) == before


@pytest.fixture(autouse=True)
def _clean_streamlit_caches():
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
