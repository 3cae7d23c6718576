"""Fuzz the upload readers: random bytes and random zips (seeded, bounded) through corpora.readers.

The only allowed outcomes of read_upload are a list of Documents (non-empty text each) or a
CorpusError with a non-empty message; any other exception is a bug. Whatever was read is then
ingested into a fresh store, which must stay consistent (tests.test_reliability.assert_store_consistent).
Plain seeded random loops (hypothesis is not a dependency); a failure names the case to replay.
"""

from __future__ import annotations

import codecs
import io
import json
import random
import warnings
import zipfile
from pathlib import Path

import pytest

from corpora.builtin import Document
from corpora.errors import CorpusError
from corpora.readers import Limits, read_upload
from tests.test_reliability import assert_store_consistent

SEED = 20240611
N_BYTES_CASES = 200
N_ZIP_CASES = 400
EXTS = (".txt", ".md", ".csv", ".tsv", ".jsonl", ".zip", ".TXT", ".Csv", ".bin", "")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1",
             "shift_jis", "koi8-r", "gb18030", "cp1250", "mac_roman")
WORDS = ("bank", "river", "cell", "café", "naïve", "Straße", "日本語", "привет", "<script>alert(1)</script>",
         "\u200b", "🙂", "x" * 300, "\t", ",", '"', "\\", "text", "{}", "[]", "null")
SMALL = Limits(max_bytes=64 * 1024, max_total_bytes=256 * 1024, max_ratio=20.0, max_entries=8)


def _noise_text(rng: random.Random, n: int) -> str:
    """Random text: words, punctuation, newlines and code points from anywhere (no surrogates)."""
    out = []
    while sum(map(len, out)) < n:
        r = rng.random()
        if r < 0.4:
            out.append(rng.choice(WORDS))
        elif r < 0.6:
            out.append(rng.choice(" \n\n\r\n,;.\"'"))
        else:
            cp = rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x800), rng.randrange(0x800, 0xD800),
                             rng.randrange(0xE000, 0x110000), rng.randrange(0, 32)])
            out.append(chr(cp))
    return "".join(out)[:n]


def _table(rng: random.Random, delim: str) -> str:
    cols = rng.randint(1, 5)
    head = [rng.choice(["text", "TEXT", "sentence", "", "n", "genre", "text", "year", "a,b", '"q"'])
            for _ in range(cols)]
    lines = [delim.join(head)]
    for _ in range(rng.randint(0, 8)):
        cells = [rng.choice([str(rng.randint(-5, 10**20)), _noise_text(rng, rng.randint(0, 40)), "",
                             '"' + _noise_text(rng, 10) + '"', '"unterminated'])
                 for _ in range(rng.randint(0, cols + 2))]
        lines.append(delim.join(cells))
    return "\n".join(lines)


def _json_value(rng: random.Random, depth: int = 0):
    r = rng.random()
    if depth > 2 or r < 0.3:
        return rng.choice([None, True, 1, -2.5, 10**30, float("1e308"), "", _noise_text(rng, 20)])
    if r < 0.6:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(["text", "file", "line", "k", ""]): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _jsonl(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.5:
            obj = {"text": _noise_text(rng, rng.randint(0, 60))}
            obj.update({rng.choice(["file", "line", "meta", "n"]): _json_value(rng) for _ in range(rng.randint(0, 2))})
            lines.append(json.dumps(obj, ensure_ascii=rng.random() < 0.5))
        elif r < 0.8:
            lines.append(json.dumps(_json_value(rng)))
        else:
            lines.append(_noise_text(rng, rng.randint(0, 30)))
    return "\n".join(lines)


def random_bytes(rng: random.Random, case: int) -> bytes:
    """One fuzz input; every tenth kind is plain random bytes, the others text-like in some way."""
    n = rng.choice([0, 1, 2, 3, 7, 64, 500, 4000])
    kind = case % 10
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(n))
    if kind == 1:  # random bytes without NUL (so not refused as binary at once)
        return bytes(rng.randrange(1, 256) for _ in range(n))
    if kind == 2:  # valid UTF-8 noise
        return _noise_text(rng, n).encode("utf-8")
    if kind == 3:  # text in a random encoding (lossy where the encoding cannot hold it)
        return _noise_text(rng, n).encode(rng.choice(ENCODINGS), errors="replace")
    if kind == 4:  # a byte-order mark followed by garbage
        bom = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                          codecs.BOM_UTF32_BE])
        return bom + bytes(rng.randrange(256) for _ in range(n))
    if kind == 5:
        return _table(rng, ",").encode(rng.choice(["utf-8", "utf-16", "cp1252"]), errors="replace")
    if kind == 6:
        return _table(rng, "\t").encode()
    if kind == 7:
        return _jsonl(rng).encode()
    if kind == 8:  # mostly text with a few control characters or a NUL somewhere
        b = bytearray(_noise_text(rng, max(n, 1)).encode())
        for _ in range(rng.randint(1, 4)):
            b.insert(rng.randrange(len(b) + 1), rng.choice([0, 1, 7, 27, 127]))
        return bytes(b)
    return rng.choice([b"", b" ", b"\n\n\t ", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"PK\x03\x04", b"PK\x05\x06" + bytes(18)])


SAFE_NAMES = ("a.txt", "b.md", "dir/c.csv", "deep/x/y/d.jsonl", "t.tsv", "ok/./e.txt", ".hidden.txt",
              "__MACOSX/._a.txt", "dir/", "weird name ü.md", "UPPER.TXT", "dup.txt", "dup.txt")
HOSTILE_NAMES = ("../evil.txt", "/abs.txt", "C:/win.txt", "..\\evil.txt", "a/../../b.txt", "inner.zip", "noext",
                 "prog.exe")
COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def random_zip(rng: random.Random, case: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for _ in range(rng.randint(0, 6)):
            name = rng.choice(HOSTILE_NAMES if rng.random() < 0.1 else SAFE_NAMES)
            r = rng.random()
            if r < 0.1:  # highly compressible: a possible bomb, bounded at 2 MB
                data = b"bank " * rng.choice([10, 100_000, 400_000])
            elif r < 0.2 and name.endswith(".zip"):
                data = random_zip(rng, case + 1) if case % 7 else b"PK"
            else:
                data = random_bytes(rng, rng.choice([0, 2, 2, 3, 5, 6, 7, 7, 9]))  # mostly text-like
            compress = rng.choice(COMPRESSIONS)
            if name.endswith("/"):
                zf.writestr(zipfile.ZipInfo(name), b"")
            else:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=compress)
    raw = bytearray(buf.getvalue())
    damage = case % 4
    if damage == 1 and raw:  # truncated
        del raw[rng.randrange(len(raw)):]
    elif damage == 2 and raw:  # a few bytes flipped (headers, sizes, compressed data, CRCs)
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return bytes(raw)


def check_read(filename: str, data: bytes, limits: Limits, where: str) -> list[Document] | None:
    """read_upload's result, None for a refusal; fails the test on anything but a clear CorpusError."""
    try:
        docs = read_upload(filename, data, limits=limits)
    except CorpusError as e:
        assert str(e).strip(), f"{where}: empty error message ({type(e).__name__})"
        assert "Traceback" not in str(e)
        return None
    except Exception as e:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{where}: {filename!r} ({len(data)} bytes) raised {type(e).__name__}: {e}")
    assert isinstance(docs, list) and docs, where
    for d in docs:
        assert isinstance(d, Document) and isinstance(d.text, str) and d.text.strip(), where
        assert isinstance(d.meta, dict), where
        json.dumps(d.meta, ensure_ascii=False, default=str)
    return docs


def ingest_all(tmp_path, results: list[tuple[str, list[Document]]]) -> None:
    """Add every successful read to a fresh store; each add succeeds or is refused with a CorpusError."""
    from corpora.store import Store

    store = Store(tmp_path / "fuzzstore")
    added: dict[str, int] = {}
    for i, (where, docs) in enumerate(results):
        name = f"fuzz{i:03d}"
        try:
            info = store.add_corpus(name, docs)
        except CorpusError as e:  # no words to index, or the same content again
            assert str(e).strip(), where
            continue
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"{where}: ingestion raised {type(e).__name__}: {e}")
        assert info["n_docs"] == len(docs)
        added[name] = len(docs)
    stored = assert_store_consistent(store.path)
    assert {k: v["n_docs"] for k, v in stored.items()} == added


def test_random_bytes_with_every_extension(tmp_path):
    rng = random.Random(SEED)
    results, outcomes = [], {"docs": 0, "refused": 0}
    for case in range(N_BYTES_CASES):
        data = random_bytes(rng, case)
        limits = SMALL if case % 5 == 0 else Limits()
        for ext in EXTS:
            where = f"bytes case {case} (seed {SEED}) ext {ext!r}"
            docs = check_read(f"upload{ext}", data, limits, where)
            outcomes["docs" if docs else "refused"] += 1
            if docs and ext in (".txt", ".csv", ".jsonl") and len(results) < 60:
                results.append((where, docs))
    # the generator must reach both outcomes, or it tests little
    assert outcomes["docs"] > 50 and outcomes["refused"] > 50, outcomes
    ingest_all(tmp_path, results)


def test_random_zips(tmp_path):
    rng = random.Random(SEED + 1)
    results, outcomes = [], {"docs": 0, "refused": 0}
    for case in range(N_ZIP_CASES):
        data = random_zip(rng, case)
        limits = SMALL if case % 3 == 0 else Limits()
        where = f"zip case {case} (seed {SEED + 1})"
        docs = check_read("upload.zip", data, limits, where)
        outcomes["docs" if docs else "refused"] += 1
        if docs:
            assert not any(d.meta.get("file", "").startswith(("/", "..")) for d in docs), where
            if len(results) < 40:
                results.append((where, docs))
        # the same bytes under a text extension are read as text or refused, never crash
        check_read("upload.txt", data, limits, where + " as .txt")
    assert outcomes["docs"] > 40 and outcomes["refused"] > 40, outcomes
    ingest_all(tmp_path, results)


def test_unsafe_and_bomb_zips_are_refused():
    """The specific hostile archives the random ones may or may not hit."""
    def make(entries: list[tuple[str, bytes]]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
        return buf.getvalue()

    good = b"The river bank."
    for entries, message in [
        ([("../evil.txt", good)], "unsafe path"),
        ([("/etc/evil.txt", good)], "unsafe path"),
        ([("C:\\evil.txt", good)], "unsafe path"),
        ([("a/../../evil.txt", good)], "unsafe path"),
        ([("inner.zip", make([("a.txt", good)]))], "nested"),
        ([("big.txt", b"bank " * 1_000_000)], "zip bomb"),
        ([("prog.exe", good)], "unsupported"),
        ([("dir/", b"")], "contains no"),
    ]:
        with pytest.raises(CorpusError, match=message):
            read_upload("x.zip", make(entries))


def test_every_damaged_byte_of_a_small_zip():
    """Each byte of a small archive (one entry per compression method) corrupted in turn: headers,
    sizes, offsets, names, versions, compressed data and CRCs. Found: corrupt deflate / lzma data,
    bad offsets, unknown versions and undecodable names escaped as zlib.error, LZMAError, ValueError,
    EOFError or NotImplementedError instead of a ReadError."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, method in enumerate(COMPRESSIONS):
            zf.writestr(f"d{i}/e{i}.txt", f"The river bank number {i} was steep and muddy. " * 3, compress_type=method)
    raw = buf.getvalue()
    assert len(read_upload("x.zip", raw)) == len(COMPRESSIONS)
    outcomes = {"docs": 0, "refused": 0}
    for pos in range(len(raw)):
        for flip in (0xFF, 0x01, 0x80):
            bad = bytearray(raw)
            bad[pos] ^= flip
            docs = check_read("x.zip", bytes(bad), Limits(), f"byte {pos} ^ {flip:#x}")
            outcomes["docs" if docs else "refused"] += 1
        check_read("x.zip", raw[:pos], Limits(), f"truncated at {pos}")
    assert outcomes["refused"] > len(raw), outcomes


# ---- input classes that each failed (hang, traceback or silent damage) before ---------------

def _zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def nested_json(depth: int) -> bytes:
    return b'{"text": "The bank.", "meta": ' + b"[" * depth + b"]" * depth + b"}\n"


def one_sentence_per_line(rng: random.Random, n_lines: int) -> bytes:
    words = ("bank", "river", "cell", "the", "a", "money", "water", "café", "naïve", "prison")
    return "".join(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))).capitalize() + ".\n"
                   for _ in range(n_lines)).encode()


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_jsonl_is_a_clear_error(depth):
    """RecursionError escaped from json.loads before."""
    with pytest.raises(CorpusError, match="nested"):
        read_upload("deep.jsonl", nested_json(depth))
    assert read_upload("ok.jsonl", nested_json(50))[0].text == "The bank."


def test_many_small_zip_entries_are_a_bomb():
    """1000 entries of 1 MiB each, ~1.6 MB zipped: accepted as 1000 MiB of text before, since the ratio
    check skipped entries of 1 MiB or less."""
    bomb = _zip_of([(f"e{i}.txt", b"bank " * (2**20 // 5)) for i in range(1000)])
    assert len(bomb) < 2 * 2**20
    with pytest.raises(CorpusError, match="zip bomb"):
        read_upload("bomb.zip", bomb)
    # many small entries of ordinary text are fine
    rng = random.Random(SEED)
    fine = _zip_of([(f"d{i}.txt", one_sentence_per_line(rng, 3)) for i in range(300)])
    assert len(read_upload("fine.zip", fine)) == 300


def test_unclosed_csv_quote_is_refused_with_its_line():
    """A CSV with an unclosed quote was silently merged into one document: now refused, naming the line."""
    for data in (b'text,n\n"The river bank.",1\n"The money bank,2\nThe cell.,3\nAnother row.,4\n',
                 b'text,n\n"The river bank.",1\n"The money bank,2\n"The cell.",3\n"Another row.",4\n'):
        with pytest.raises(CorpusError, match=r"opened on line 3 is never closed"):
            read_upload("q.csv", data)
        assert len(read_upload("ok.csv", data.replace(b"bank,2", b'bank",2'))) == 4
    assert read_upload("lenient.csv", b'text\n"a"b c\n')[0].text == "ab c"  # a quoting slip on one line


def test_long_lines_and_one_sentence_per_line_ingest(tmp_path):
    """Random one-sentence-per-line files and files of very long lines (no break at all, or spaces only)
    read, ingest and index completely (paragraphs over the piece size, 200k characters, are tokenised in
    pieces). A coverage test: the regressions are in test_reliability (linear time, spaCy's E088)."""
    from corpora.store import Store
    from corpora.text import tokenize

    rng = random.Random(SEED + 2)
    store = Store(tmp_path / "s")
    lines = one_sentence_per_line(rng, 3000)
    expected = sum(len(tokenize(ln)) for ln in lines.decode().splitlines())
    cases = [("lines.txt", lines), ("long.txt", lines.replace(b"\n", b" ")),
             ("word.txt", b"x" * 400_017)]
    for i, (filename, data) in enumerate(cases):
        docs = check_read(filename, data, Limits(), filename)
        info = store.add_corpus(f"c{i}", docs)
        if filename != "word.txt":  # the same tokens as one line at a time
            assert info["n_tokens"] == expected, filename
        else:  # one 400k-character "word": cut into pieces, nothing lost
            assert "".join(t for toks in store.sentences(f"c{i}") for t in toks) == data.decode()
    assert_store_consistent(store.path)


# ---- the pages through app.py and its error boundary: no traceback for any input ---------------------

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_env(tiny_model_dir, data_dir, monkeypatch, tmp_path):
    """Tiny model, a store holding the small corpus "mine", and app_main.py: app.py run from a folder
    without pages/. (AppTest resets Streamlit's "uses a pages/ folder" flag before every run, so next to
    our pages/ it would run a page file by itself, around app.py; a server runs app.py, as here.)"""
    import streamlit as st

    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    monkeypatch.delenv("SENSE_EXPLORER_MODELS", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    from corpora.store import Store

    Store().add_corpus("mine", [Document("The river bank. The money bank.", {"k": "v"})])
    main = tmp_path / "app_main" / "app_main.py"
    main.parent.mkdir()
    main.write_text(f"import runpy\nrunpy.run_path({APP!r}, run_name='__main__')\n")
    yield main
    st.cache_data.clear()
    st.cache_resource.clear()


def app_page(main: Path, page: str, **state):
    """app.py run as the server runs it (st.navigation, the error boundary), showing `page`.

    The first run shows the default page (the explorer, on the small corpus "mine" unless `state` says
    otherwise); AppTest can only switch to a page st.navigation registered after that run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(main), default_timeout=120)
    for k, v in {"ex_corpus": "mine", "ex_word": "bank", **state}.items():
        at.session_state[k] = v
    at.run()
    if page != "explorer.py":
        at.switch_page(str(Path(APP).parent / "pages" / page)).run()
    return at


def page_texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "error", "warning", "success", "info", "text", "code", "exception"):
        out += [str(getattr(e, "value", "")) + str(getattr(e, "message", "")) for e in at.get(kind)]
    return out


def assert_no_traceback(at, where: str) -> None:
    assert not at.exception, (where, [e.message for e in at.exception])
    assert not [t for t in page_texts(at) if "Traceback" in t or 'File "' in t], where


def upload(at, filename: str, data: bytes, name: str | None = None):
    at.file_uploader(key="co_file").set_value((filename, data, "application/octet-stream"))
    at.run()
    if name is not None:
        at.text_input(key=f"co_name_{filename}").input(name)
    if not [b for b in at.button if b.key == "co_add"]:  # refused before (a table's columns are read first)
        return at
    return at.button(key="co_add").click().run()


BAD_UPLOADS = [
    ("deep.jsonl", nested_json(100_000), "nested"),
    ("bomb.zip", _zip_of([(f"e{i}.txt", b"bank " * (2**20 // 5)) for i in range(200)]), "zip bomb"),
    ("q.csv", b'text\n"The open quote.\nx\ny\n', "never closed"),
    ("bin.txt", bytes(range(256)) * 4, "binary"),
    ("u.jsonl", b"[1, 2]\n", "JSON object"),
]


@pytest.mark.slow
def test_pages_show_messages_never_tracebacks(app_env, monkeypatch, caplog):
    from corpora.store import Store

    rng = random.Random(SEED + 3)
    at = app_page(app_env, "corpora.py")
    assert_no_traceback(at, "corpora page")
    for filename, data, message in BAD_UPLOADS:
        at = upload(at, filename, data, name="bad upload")
        assert_no_traceback(at, filename)
        assert any(message in e.value for e in at.error), (filename, [e.value for e in at.error])
    for name in ("wiki", "evil\u202etxt.exe", "x" * 200):  # reserved, bidi, too long
        at = upload(at, "ok.txt", one_sentence_per_line(rng, 5), name=name)
        assert_no_traceback(at, name)
        assert at.error, name
    for filename, data in [("lines.txt", one_sentence_per_line(rng, 2000)),
                           ("fuzz.csv", _table(rng, ",").encode()), ("fuzz.jsonl", _jsonl(rng).encode()),
                           ("fuzz.zip", random_zip(rng, 5))]:
        at = upload(at, filename, data, name=f"fuzz {filename}")
        assert_no_traceback(at, filename)
    assert set(Store().corpus_names()) >= {"mine", "fuzz lines.txt"}
    assert_store_consistent(Store().path)

    # the explorer with hostile searches: clear messages
    for word, match in [("(x+x+)+y", "regex"), (r"(a)\1", "regex"), ("[", "regex"), ("x" * 500, "form"),
                        ("two words", "form"), ("<script>", "form")]:
        ex = app_page(app_env, "explorer.py", ex_word=word, ex_match=match)
        assert_no_traceback(ex, word)

    # an unexpected error (a bug) in a page: a short message, a log line, no traceback
    def broken(self):
        raise TypeError("boom")

    monkeypatch.setattr(Store, "list_corpora", broken)
    with caplog.at_level("ERROR", logger="sense_explorer"):
        at = app_page(app_env, "corpora.py")
    assert_no_traceback(at, "broken page")
    assert any("Something went wrong (TypeError)" in e.value for e in at.error), [e.value for e in at.error]
    assert any("unexpected error on page" in r.message for r in caplog.records)


def _bad_options(opts: bytes) -> list[tuple[str, bytes]]:
    base = json.loads(opts)
    cases = [("a list", b"[]"), ("not json", b"{nope"), ("lstm a string", json.dumps({**base, "lstm": "x"}).encode()),
             ("char_cnn a list", json.dumps({**base, "char_cnn": []}).encode())]
    for key, value in (("dim", -1), ("dim", "abc"), ("cell_clip", "abc"), ("projection_dim", 1e999)):
        bad = json.loads(opts)
        bad["lstm"][key] = value
        cases.append((f"lstm.{key}={value}", json.dumps(bad).encode()))
    return cases


@pytest.mark.slow
def test_model_page_bad_configs_show_messages(app_env, tmp_path, monkeypatch):
    """Bad bilm-tf options and a damaged safetensors model folder: a message on the Model page, never a
    traceback (the checks themselves live in elmo/; the page boundary catches what they miss)."""
    from elmo.io import export_bilm_tf
    from tests.conftest import make_tiny_model

    opts_path, weights_path = export_bilm_tf(make_tiny_model(tmp_path / "m").bilm, tmp_path / "tf")
    opts, weights = opts_path.read_bytes(), weights_path.read_bytes()
    for what, bad in [*_bad_options(opts), ("weights not hdf5", None)]:
        at = app_page(app_env, "model.py")
        at.file_uploader(key="upload_options").set_value(("options.json", bad or opts, "application/json"))
        at.file_uploader(key="upload_weights").set_value(
            ("weights.hdf5", weights if bad else b"not an hdf5 file", "application/octet-stream"))
        at.run()
        next(b for b in at.button if b.label == "Load uploaded model").click().run()
        assert_no_traceback(at, what)

    for what, mutate in [("config a list", lambda cfg: []), ("config char_cnn a list", lambda cfg: {**cfg, "char_cnn": []}),
                         ("config lstm.dim a string", lambda cfg: {**cfg, "lstm": {**cfg["lstm"], "dim": "sixteen"}})]:
        d = tmp_path / what.replace(" ", "_")
        make_tiny_model(d)
        (d / "config.json").write_text(json.dumps(mutate(json.loads((d / "config.json").read_text()))))
        monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(d))
        for page in ("model.py", "explorer.py"):
            at = app_page(app_env, page)
            assert_no_traceback(at, f"{what} on {page}")


# ---- injection and spoofing on the Corpora page -------------------------------------------------------

CORPORA_PAGE = str(Path(APP).parent / "pages" / "corpora.py")
HOSTILE_NAME = "![t](http://127.0.0.1:9/t.png) :red[x] $x$"


def corpora_page(monkeypatch, tiny_model_dir):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SENSE_EXPLORER_MODEL", str(tiny_model_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(CORPORA_PAGE, default_timeout=120)


def test_corpus_names_are_plain_text_and_counts_read_well(data_dir, tiny_model_dir, monkeypatch):
    """A corpus name rendered as Markdown made the browser fetch an image URL; "(1 documents)"."""
    at = corpora_page(monkeypatch, tiny_model_dir).run()
    at = upload(at, "one.txt", b"The river bank was steep.", name=HOSTILE_NAME)
    assert_no_traceback(at, "hostile name")
    msgs = [s.value for s in at.success]
    assert msgs and "1 document)" in msgs[0], msgs
    everything = "\n".join(page_texts(at) + [e.label for e in at.expander] + [c.label for c in at.checkbox])
    assert "![t](" not in everything and ":red[" not in everything, everything
    assert "\\!\\[t\\]\\(http" in msgs[0]
    # the message of a duplicate upload names the stored corpus (and points to it): escaped too
    at = upload(at, "one.txt", b"The river bank was steep.", name="again")
    assert at.info and "![t](" not in at.info[0].value and "already stored" in at.info[0].value
    assert "![t](" not in "\n".join(page_texts(at))


def test_builtin_corpus_has_no_delete_control(data_dir, tiny_model_dir, monkeypatch):
    from corpora.builtin import Document
    from corpora.store import BUILTIN_SOURCE, Store

    store = Store()
    store.add_corpus("wiki", [Document("The built-in bank.", {"topic": "t"})], source=BUILTIN_SOURCE)
    store.add_corpus("mine", [Document("My bank.", {"topic": "t"})])
    at = corpora_page(monkeypatch, tiny_model_dir).run()
    at.selectbox(key="co_detail").select("wiki").run()
    assert not [b for b in at.button if b.key.startswith("co_delete_")]
    assert not [c for c in at.checkbox if c.key.startswith("co_sure_")]
    assert any("cannot be deleted" in c.value for c in at.caption)
    at.selectbox(key="co_detail").select("mine").run()
    assert at.button(key="co_delete_mine")
    assert any("shared" in c.value for c in at.caption)  # the page says uploads are shared


def test_frequency_chart_escapes_metadata_and_defaults_to_a_low_cardinality_column(
        data_dir, tiny_model_dir, monkeypatch):
    """Metadata values and column names went into the chart unescaped (<a href> became a live link); the
    chart's default column was the first one, often a title with a value per document."""
    from corpora.builtin import Document
    from corpora.store import Store

    link = '<a href="http://127.0.0.1:9/x">click</a>'
    docs = [Document(f"The cell number {i} divides.", {"title": f"Doc {i}", "<b>kind</b>": link if i % 2 else "plain"})
            for i in range(30)]
    Store().add_corpus("meta", docs)
    at = corpora_page(monkeypatch, tiny_model_dir)
    at.session_state["co_fcorpus"] = "meta"
    at.run()
    assert at.selectbox(key="co_fcol").value == "<b>kind</b>"  # 2 values, not title (30 values)
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))
    assert "<a href" not in spec and "<b>kind" not in spec, spec[:500]
    assert "&lt;a href=&quot;http://127.0.0.1:9/x&quot;&gt;click&lt;/a&gt;" in spec
    assert "&lt;b&gt;kind&lt;/b&gt;" in spec

    Store().add_corpus("titles", [Document(f"A cell {i}.", {"title": f"T{i}"}) for i in range(30)])
    at.run()
    at.selectbox(key="co_fcorpus").select("titles").run()
    assert at.selectbox(key="co_fcol").value is None  # only a high-cardinality column: no default chart
    assert not at.get("plotly_chart")
    assert_no_traceback(at, "titles")
