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
