"""corpora: readers, store, search and CLI on small made-up corpora (NLTK tests skip without NLTK_DATA)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from corpora import settings
from corpora.builtin import Document
from corpora.errors import (
    CorpusError,
    CorpusExistsError,
    DuplicateContentError,
    QueryError,
    ReadError,
    UnknownCorpusError,
    WordNotFoundError,
)
from corpora.readers import Limits, csv_columns, decode, read_upload
from corpora.search import lemma_forms, occurrences
from corpora.store import Store
from tests.conftest import nltk_data_present

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("corpora", "documents", "sentences", "types", "postings")

DOCS = [
    Document("The cell divides. Prison cells are small.\n\nA phone Cell battery died.", {"topic": "bio", "year": 2001}),
    Document("Banks lend money. He was banking on it. The bank of the river was wet.", {"topic": "money", "year": 2002}),
    Document("Nothing to see here, really.", {"topic": "other", "year": 2001}),
]


def counts(store: Store) -> dict[str, int]:
    con = sqlite3.connect(store.path)
    try:
        return {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("store"))
    store.add_corpus("small", DOCS)
    return store


# ---- readers ------------------------------------------------------------------------------------------

def test_txt_and_md_one_document_per_file():
    docs = read_upload("notes.txt", b"First para.\r\n\r\nSecond para.\n")
    assert len(docs) == 1 and docs[0].text == "First para.\n\nSecond para." and docs[0].meta == {"file": "notes.txt"}
    md = read_upload("README.MD", b"# Title\n\nSome *text*.")
    assert md[0].text == "# Title\n\nSome *text*."


def test_csv_picks_text_column_and_keeps_metadata():
    data = b"id,year,body,label\n1,1999,The cell divides quickly here,bio\n2,2000,Prison cell doors,law\n3,2001,,x\n"
    docs = read_upload("t.csv", data)
    assert [d.text for d in docs] == ["The cell divides quickly here", "Prison cell doors"]
    assert docs[0].meta == {"file": "t.csv", "row": 1, "id": 1, "year": 1999, "label": "bio"}
    assert csv_columns("t.csv", data) == ["body", "id", "year", "label"]
    named = read_upload("t.csv", b"sentence,note\nshort,a much longer note than the sentence\n")
    assert named[0].text == "short" and named[0].meta["note"].startswith("a much")
    chosen = read_upload("t.csv", b"sentence,note\nshort,a much longer note\n", text_column="note")
    assert chosen[0].text == "a much longer note"
    with pytest.raises(ReadError, match='no column "nope"'):
        read_upload("t.csv", b"a,b\nx,y\n", text_column="nope")


def test_tsv_and_quoted_csv():
    docs = read_upload("t.tsv", b"text\tsource\nHello, world\tweb\n")
    assert docs[0].text == "Hello, world" and docs[0].meta["source"] == "web"
    docs = read_upload("q.csv", b'text,n\n"A ""quoted"", multi\nline text",3\n')
    assert docs[0].text == 'A "quoted", multi\nline text' and docs[0].meta["n"] == 3


def test_jsonl():
    data = b'{"text": "One cell.", "lang": "en", "tags": ["a"]}\n\n{"text": "Two cells.", "n": 2}\n'
    docs = read_upload("d.jsonl", data)
    assert [d.text for d in docs] == ["One cell.", "Two cells."]
    assert docs[0].meta == {"file": "d.jsonl", "line": 1, "lang": "en", "tags": '["a"]'}
    with pytest.raises(ReadError, match="line 2.*text"):
        read_upload("d.jsonl", b'{"text": "ok"}\n{"body": "no text"}\n')
    with pytest.raises(ReadError, match="line 1: not valid JSON"):
        read_upload("d.jsonl", b"{oops\n")


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_walks_entries():
    data = _zip({"a/one.txt": b"Cell one.", "b.csv": b"text,k\nCell two,v\n", "c.jsonl": b'{"text": "Cell 3"}\n',
                 "__MACOSX/._one.txt": b"\x00\x01", ".hidden.txt": b"x", "dir/": b""})
    docs = read_upload("all.zip", data)
    assert [(d.text, d.meta["file"]) for d in docs] == [("Cell one.", "a/one.txt"), ("Cell two", "b.csv"),
                                                         ("Cell 3", "c.jsonl")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_encodings(encoding):
    text = "Café au lait – it’s “naïve”, déjà vu."
    assert read_upload("e.txt", text.encode(encoding))[0].text == text


def test_cp1252_and_latin1_in_csv():
    data = "text,who\nL’été à Paris,Zoë\n".encode("cp1252")
    docs = read_upload("e.csv", data)
    assert docs[0].text == "L’été à Paris" and docs[0].meta["who"] == "Zoë"
    assert decode("l.txt", "garçon".encode("latin-1")) == "garçon"


# ---- bad input leaves the store unchanged --------------------------------------------------------------

BAD = [
    ("empty.txt", b"", {}, "is empty"),
    ("blank.txt", b"  \n\n ", {}, "is empty"),
    ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", {}, "binary"),
    ("bom.txt", b"\xef\xbb\xbfok \xff\xfe bad", {}, "byte-order mark"),
    ("big.txt", b"x" * 2000, {"limits": Limits(max_bytes=1000)}, "at most"),
    ("img.png", b"text", {}, "unsupported file type .png"),
    ("noext", b"text", {}, "unsupported file type"),
    ("nums.csv", b"a,b\n1,2\n3,4\n", {}, "no text column"),
    ("hdr.csv", b"text,b\n", {}, "no data rows"),
    ("bomb.zip", _zip({"z.txt": b"a" * 3_000_000}), {}, "zip bomb"),
    ("huge.zip", _zip({"a.txt": b"word " * 500, "b.txt": b"more " * 500}), {"limits": Limits(max_total_bytes=3000)},
     "zip bomb"),
    ("evil.zip", _zip({"../../etc/x.txt": b"hi"}), {}, "unsafe path"),
    ("abs.zip", _zip({"/etc/x.txt": b"hi"}), {}, "unsafe path"),
    ("mixed.zip", _zip({"a.txt": b"fine", "b.exe": b"MZ"}), {}, "unsupported file type .exe"),
    ("nested.zip", _zip({"inner.zip": _zip({"a.txt": b"x"})}), {}, "nested"),
    ("broken.zip", b"PK\x03\x04 not really a zip", {}, "not a valid zip"),
    ("nul.jsonl", b'{"text": "a\x00b"}', {}, "binary"),
]


@pytest.mark.parametrize(("name", "data", "kw", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_and_store_unchanged(tmp_path, name, data, kw, message):
    store = Store(tmp_path)
    store.add_corpus("keep", [Document("A cell.", {})])
    before = counts(store)
    with pytest.raises(ReadError, match=message) as err:
        store.add_corpus("new", read_upload(name, data, **kw))
    assert isinstance(err.value, CorpusError) and isinstance(err.value, ValueError)
    assert counts(store) == before and store.corpus_names() == ["keep"]


def test_html_is_stored_as_plain_text(tmp_path):
    store = Store(tmp_path)
    text = '<script>alert("x")</script> <b>cell</b> &amp; more'
    store.add_corpus("h", read_upload("h.txt", text.encode()))
    occ = occurrences(store, "h", "script")
    assert occ["sentence"][0] == text and occ["keyword"][0] == "script"


# ---- store ----------------------------------------------------------------------------------------------

def test_store_default_path_from_env(data_dir):
    store = Store()
    assert store.path == data_dir / "corpora.sqlite3"
    assert sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_add_list_stats_remove(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    seen = []
    info = store.add_corpus("small", DOCS, progress=lambda f, m: seen.append((f, m)))
    assert info["n_docs"] == 3 and info["n_tokens"] == 40 and seen[-1][0] == 1.0
    assert all(0 <= f <= 1 for f, _ in seen)
    table = store.list_corpora()
    assert list(table["name"]) == ["small"] and table["tokens"][0] == 40 and table["source"][0] == "upload"
    st = store.stats("small")
    assert (st["documents"], st["tokens"]) == (3, 40) and st["top_words"][0] == ("the", 3)
    assert isinstance(st["top_table"], pd.DataFrame) and "." not in set(st["top_table"]["word"])
    assert store.meta_columns("small") == ["topic", "year"]
    sents = list(store.sentences("small"))
    assert sents[0] == ["The", "cell", "divides", "."] and len(sents) == 7
    store.add_corpus("other", [Document("Another cell.", {})])
    store.remove_corpus("small")
    assert store.corpus_names() == ["other"]
    assert counts(store) == {"corpora": 1, "documents": 1, "sentences": 1, "types": 3, "postings": 3}
    store.remove_corpus("other")
    assert set(counts(store).values()) == {0}
    with pytest.raises(UnknownCorpusError, match='no corpus named "other"'):
        store.remove_corpus("other")


def test_reupload_and_name_clash(tmp_path):
    store = Store(tmp_path)
    store.add_corpus("first", DOCS)
    before = counts(store)
    with pytest.raises(DuplicateContentError, match='already stored as the corpus "first"') as err:
        store.add_corpus("second", list(DOCS))
    assert err.value.existing == "first"
    with pytest.raises(CorpusExistsError, match='named "first" already exists'):
        store.add_corpus("first", [Document("different text", {})])
    with pytest.raises(CorpusError, match="name"):
        store.add_corpus("  ", DOCS)
    with pytest.raises(CorpusError, match="no documents"):
        store.add_corpus("none", [])
    with pytest.raises(CorpusError, match="no words"):
        store.add_corpus("blank", [Document("   ", {})])
    assert counts(store) == before


def test_frequency_by_meta(small):
    f = small.frequency_by_meta("small", "cell", "topic")
    assert list(f.columns) == ["topic", "count", "tokens", "per_million"]
    row = f[f["topic"] == "bio"].iloc[0]
    assert row["count"] == 2 and row["per_million"] == pytest.approx(2e6 / row["tokens"])
    by_year = small.frequency_by_meta("small", "cells", "year", match="lemma")
    assert list(by_year["year"]) == [2001, 2002] and list(by_year["count"]) == [3, 0]
    with pytest.raises(CorpusError, match="no metadata column"):
        small.frequency_by_meta("small", "cell", "colour")


def test_concurrent_readers_while_ingesting(tmp_path):
    store = Store(tmp_path)
    store.add_corpus("small", DOCS)
    inside, readers_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    results: list[int] = []

    def progress(fraction, message):
        if message.startswith("Tokenising"):  # inside the write transaction
            inside.set()
            readers_done.wait(20)

    def ingest():
        try:
            store.add_corpus("big", [Document(f"Cell number {i} divides. The end.", {"i": i}) for i in range(300)],
                             progress=progress)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    def read():
        try:
            assert inside.wait(20)
            for _ in range(5):
                results.append(len(occurrences(store, "small", "cell")))
                assert "big" not in store.corpus_names()  # not visible before its commit
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    writer = threading.Thread(target=ingest)
    readers = [threading.Thread(target=read) for _ in range(3)]
    writer.start()
    for r in readers:
        r.start()
    for r in readers:
        r.join(30)
    readers_done.set()
    writer.join(60)
    assert not errors, errors
    assert results == [2] * 15
    assert len(occurrences(store, "big", "cell")) == 300


# ---- search ---------------------------------------------------------------------------------------------

def test_search_positions_and_kwic(small):
    occ = occurrences(small, "small", "cell")
    assert occ.attrs["total"] == 2
    assert list(occ.columns[:9]) == ["corpus", "doc", "sent_id", "token_index", "left", "keyword", "right",
                                     "tokens", "sentence"]
    assert list(occ["doc"]) == [0, 0] and list(occ["token_index"]) == [1, 2]
    assert list(occ["keyword"]) == ["cell", "Cell"]
    assert (occ["left"][1], occ["right"][1]) == ("A phone ", " battery died.")
    assert occ["sentence"][0] == "The cell divides."
    assert occ["tokens"][1] == ["A", "phone", "Cell", "battery", "died", "."]
    assert list(occ["topic"]) == ["bio", "bio"] and list(occ["year"]) == [2001, 2001]
    for _, r in occ.iterrows():
        assert r["tokens"][r["token_index"]] == r["keyword"]
        assert r["left"] + r["keyword"] + r["right"] == r["sentence"]


def test_sentence_ids_find_the_search_results_sentences(small):
    """Store.sentence_ids: (doc, sentence number) -> the sent_id the search's rows carry; unknown positions left out."""
    occ = occurrences(small, "small", "cell")
    positions = [(0, 0), (0, 2), (99, 0), (0, 999)]
    ids = small.sentence_ids("small", positions)
    assert set(ids) == {(0, 0), (0, 2)} and ids[(0, 0)] != ids[(0, 2)]
    assert sorted(occ["sent_id"]) == sorted(ids.values())
    with pytest.raises(UnknownCorpusError):
        small.sentence_ids("nope", positions)


def test_case_and_regex(small):
    assert list(occurrences(small, "small", "Cell", case=True)["keyword"]) == ["Cell"]
    assert len(occurrences(small, "small", "CELL")) == 2
    with pytest.raises(WordNotFoundError, match="exact capitalisation"):
        occurrences(small, "small", "CELL", case=True)
    rx = occurrences(small, "small", r"cells?", match="regex")
    assert list(rx["keyword"]) == ["cell", "cells", "Cell"]
    assert list(occurrences(small, "small", r"c\w+", match="regex", case=True)["keyword"]) == ["cell", "cells"]
    with pytest.raises(QueryError, match="not a valid regular expression"):
        occurrences(small, "small", "ce(ll", match="regex")
    with pytest.raises(WordNotFoundError, match="matches the regular expression"):
        occurrences(small, "small", "zz+", match="regex")


def test_lemma_matching(small):
    assert {"cell", "cells"} <= lemma_forms("cell") and "cellular" not in lemma_forms("cell")
    assert list(occurrences(small, "small", "cell", match="lemma")["keyword"]) == ["cell", "cells", "Cell"]
    assert list(occurrences(small, "small", "cells", match="lemma")["keyword"]) == ["cell", "cells", "Cell"]
    # lemminflect knows "bank" as a verb too, so banking is an inflection of it (documented)
    assert list(occurrences(small, "small", "bank", match="lemma")["keyword"]) == ["Banks", "banking", "bank"]
    assert list(occurrences(small, "small", "bank")["keyword"]) == ["bank"]


def test_sampling_is_reproducible(tmp_path):
    store = Store(tmp_path)
    store.add_corpus("many", [Document(f"The cell {i} grows.", {"i": i}) for i in range(60)])
    a = occurrences(store, "many", "cell", limit=10, seed=1)
    b = occurrences(store, "many", "cell", limit=10, seed=1)
    c = occurrences(store, "many", "cell", limit=10, seed=2)
    assert a.attrs["total"] == 60 and len(a) == 10
    pd.testing.assert_frame_equal(a, b)
    assert list(a["sent_id"]) != list(c["sent_id"])
    assert list(a["sent_id"]) == sorted(a["sent_id"])  # corpus order
    full = occurrences(store, "many", "cell", limit=100)
    assert len(full) == 60 and full.attrs["total"] == 60


def test_query_validation_and_suggestions(small):
    for word, msg in [("", "Type a word"), ("   ", "Type a word"), ("x" * 101, "too long"),
                      ("two words", "more than one word")]:
        with pytest.raises(QueryError, match=msg):
            occurrences(small, "small", word)
    with pytest.raises(UnknownCorpusError, match='no corpus named "nope"'):
        occurrences(small, "nope", "cell")
    with pytest.raises(WordNotFoundError) as err:
        occurrences(small, "small", "cel")
    assert str(err.value) == '"cel" does not occur in small. Did you mean: cell, cells?'
    assert err.value.suggestions == ["cell", "cells"]
    with pytest.raises(QueryError, match="match mode"):
        occurrences(small, "small", "cell", match="fuzzy")


def test_pretokenised_gold_sense(tmp_path):
    store = Store(tmp_path)
    docs = [Document("he sat on the bank of the bank", {"target": "bank", "sense": "shore", "position": 4},
                     sentences=[["he", "sat", "on", "the", "bank", "of", "the", "bank"]]),
            Document("the bank lent money", {"target": "bank", "sense": "finance", "position": 1},
                     sentences=[["the", "bank", "lent", "money"]])]
    store.add_corpus("sv", docs)
    occ = occurrences(store, "sv", "bank")
    assert list(occ["token_index"]) == [4, 7, 1]
    assert list(occ["gold_sense"]) == ["shore", "", "finance"]
    assert list(occ["right"]) == [" of the bank", "", " lent money"]


# ---- CLI ------------------------------------------------------------------------------------------------

def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "corpora", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.slow  # ~10 s: every call starts Python, pandas and spaCy
def test_cli_smoke(tmp_path):
    env = {**os.environ, "SENSE_EXPLORER_DATA": str(tmp_path / "d"), "OMP_NUM_THREADS": "1"}
    f = tmp_path / "c.jsonl"
    f.write_text("\n".join(json.dumps({"text": t, "src": "x"}) for t in ["The cell divides.", "Two cells here."]))
    r = _cli("add", str(f), "--name", "c", env=env)
    assert r.returncode == 0 and "2 documents" in r.stdout, r.stderr
    r = _cli("search", "c", "cell", "--match", "lemma", "--limit", "5", env=env)
    assert r.returncode == 0 and "[cell] divides." in r.stdout and "Two [cells] here." in r.stdout
    assert "c " in _cli("list", env=env).stdout
    for args, msg in [(("search", "c", "cel"), "Did you mean: cell"), (("add", str(f), "--name", "d"), "already"),
                      (("add", str(tmp_path / "missing.txt"), "--name", "m"), "No such file"),
                      (("builtin", "nope"), "unknown built-in corpus")]:
        r = _cli(*args, env=env)
        assert r.returncode == 2 and r.stderr.startswith("error:") and msg in r.stderr, r.stderr
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert _cli("remove", "c", env=env).returncode == 0
    assert "(no corpora)" in _cli("list", env=env).stdout


# ---- NLTK ------------------------------------------------------------------------------------------------

needs_nltk = pytest.mark.skipif(not nltk_data_present(), reason="NLTK_DATA with corpora/*.zip not set")


@needs_nltk
@pytest.mark.slow
def test_senseval_gold_sense_positions(tmp_path):
    from itertools import islice

    from corpora.builtin import builtin_documents

    docs = list(islice(builtin_documents("senseval"), 40))
    store = Store(tmp_path)
    store.add_corpus("sv", docs, source="builtin")
    target = docs[0].meta["target"]
    occ = occurrences(store, "sv", target, match="lemma")
    gold = occ[occ["gold_sense"] != ""]
    assert len(gold) == 40
    for _, r in gold.iterrows():
        assert r["token_index"] == r["position"] and r["gold_sense"] == r["sense"]


@needs_nltk
@pytest.mark.slow
def test_ensure_builtin_once(tmp_path):
    store = Store(tmp_path)
    info = store.ensure_builtin("inaugural")
    assert info["n_docs"] > 100 and store.ensure_builtin("inaugural")["created"] == info["created"]
    assert "year" in store.meta_columns("inaugural")
    assert occurrences(store, "inaugural", "freedom", limit=5).attrs["total"] > 100


def test_corpora_never_imports_torch_or_streamlit():
    """Every corpora module but corpora.text: spaCy, which it loads, imports torch through thinc when torch is
    installed (tests/test_imports.py checks that no corpora module imports torch itself)."""
    code = ("import importlib, pkgutil, sys, corpora\n"
            "names = [m.name for m in pkgutil.iter_modules(corpora.__path__) if m.name != 'text']\n"
            "for n in names:\n"
            "    importlib.import_module('corpora.' + n)\n"
            "print(len(names), sorted(m for m in ('torch', 'streamlit', 'spacy') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    n, found = r.stdout.strip().split(" ", 1)
    assert int(n) >= 10 and found == "[]"


# ---- the fast tokenising path (corpora.text) against spaCy's sentencizer ------------------------------------

def _tricky_texts(n: int = 300, seed: int = 7) -> list[str]:
    """Texts mixing quotes, abbreviations, ellipses, newlines, blank lines, long lines, tabs and Unicode."""
    import random

    rng = random.Random(seed)
    parts = ['He said "Stop." Then left.', "“Curly quotes!” she said… ‘Really?’", "Mr. Smith vs. Dr. Who, e.g. this.",
             "Wait...what?! No!!", "Price: $3.14 (approx.) — see p. 5.", "Line one\nline two.\r\nLine three",
             "\n\n", "\n \t\n", "   ", "\t", "Ünïcödé façade naïve café. Ελληνικά κείμενα; Русский текст.",
             "日本語の文。二つ目の文！", "مرحبا بالعالم. שלום.", "Emoji 😀👍🏽 test. 🇫🇷 flag!", "e\u0301 combining.",
             "x" * 300, "word " * 120 + ".", "http://example.com/a?b=c. Next one", "(Parens.) [Brackets!]",
             "'Single' quotes. ''Double single''", "A-B c--d e—f.", "U.S.A. and U.K. are here.", "3 km. 5 kg? ok",
             "?", ".", "!?!", "…", "-", "\u00a0nbsp\u00a0here.", "zero\u200bwidth. Next", "Tab\tseparated\tvalues.",
             "CAPS LOCK SENTENCE. another one", "ends with spaces.   ", "  starts with spaces."]
    texts = ["", " ", "\n\n\n", "One.", "Long " * 2000 + "line without stop"]
    while len(texts) < n:
        texts.append(rng.choice(["", " ", "\n", "\n\n", "  "]).join(rng.choice(parts) for _ in range(rng.randint(1, 12))))
    return texts


def _spacy_reference(text: str, paragraphs: bool) -> list[tuple[str, list[str], list[int]]]:
    """The plain path: spaCy's blank English pipeline with its sentencizer, and doc.sents."""
    import spacy

    from corpora import text as text_module

    nlp = _spacy_reference.__dict__.get("nlp")
    if nlp is None:
        nlp = _spacy_reference.nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    out = []
    for para in text_module.PARAGRAPH_BREAK.split(text) if paragraphs else [text]:
        if paragraphs and not para.strip():
            continue
        for piece in text_module.chunks(para):
            doc = nlp(piece)
            for sent in doc.sents:
                toks = [t for t in sent if not t.is_space]
                if toks:
                    start = toks[0].idx
                    out.append((doc.text[start:toks[-1].idx + len(toks[-1].text)], [t.text for t in toks],
                                [t.idx - start for t in toks]))
    return out


@pytest.mark.parametrize("parallel", [False, True])
def test_fast_split_is_identical_to_spacy_sentencizer(parallel, monkeypatch):
    """Same sentences, tokens and offsets as spaCy's sentencizer, in process and with the worker process
    (pieces made small so long texts are cut and both processes get many)."""
    from corpora import text as text_module

    monkeypatch.setattr(text_module, "CHUNK_CHARS", 700)
    texts = _tricky_texts()
    for paragraphs in (True, False):
        expected = [_spacy_reference(t, paragraphs) for t in texts]
        done = []
        got = list(text_module.split_rows(texts, paragraphs=paragraphs, parallel=parallel, on_piece=done.append))
        assert got == expected
        assert sum(done) == sum(len(p) for t in texts for p in text_module._pieces(t, paragraphs))
    assert [[(s.text, s.tokens, s.offsets) for s in sents] for sents in text_module.split_many(texts[:50])] \
        == [_spacy_reference(t, False) for t in texts[:50]]


def test_parallel_progress_comes_in_the_calling_thread(monkeypatch):
    from corpora import text as text_module

    monkeypatch.setattr(text_module, "FRAME_CHARS", 1000)
    texts = _tricky_texts(400, seed=3)
    threads = set()
    list(text_module.split_rows(texts, paragraphs=True, parallel=True,
                                on_piece=lambda n: threads.add(threading.get_ident())))
    assert threads == {threading.get_ident()}


def test_failed_worker_falls_back_to_this_process(monkeypatch, caplog):
    from corpora import text as text_module

    monkeypatch.setattr(text_module, "_WORKER_CODE", "import sys; sys.stderr.write('boom'); sys.exit(3)  # {root}")
    texts = _tricky_texts(120, seed=5)
    got = list(text_module.split_rows(texts, paragraphs=True, parallel=True))
    assert got == list(text_module.split_rows(texts, paragraphs=True, parallel=False))
    assert "tokenising worker failed" in caplog.text and "boom" in caplog.text


def test_store_rows_same_with_and_without_worker(tmp_path, monkeypatch):
    """A corpus indexed with the worker process (above PARALLEL_MIN_CHARS) has exactly the rows of one indexed
    in process: sentences, tokens, offsets, types and postings."""
    from corpora import text as text_module

    monkeypatch.setattr(text_module, "_cpus", lambda: 2)
    monkeypatch.setattr(text_module, "_load", lambda: 0.5)  # the worker is used even on a busy machine
    started = []
    monkeypatch.setattr(text_module._Worker, "start", lambda self, p, f=text_module._Worker.start: (started.append(1),
                                                                                                     f(self, p)))
    docs = [Document(t, {"i": i}) for i, t in enumerate(_tricky_texts(300, seed=11)) if t.strip()]
    tables = {}
    for name, limit in (("serial", 10**12), ("parallel", 0)):
        monkeypatch.setattr(text_module, "PARALLEL_MIN_CHARS", limit)
        store = Store(tmp_path / name)
        seen = []
        store.add_corpus("c", docs, progress=lambda f, msg, seen=seen: seen.append(f))
        assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3
        con = sqlite3.connect(store.path)
        tables[name] = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in ("documents", "sentences", "types",
                                                                                     "postings")}
        con.close()
    assert started == [1] and tables["serial"] == tables["parallel"]
    assert len(tables["serial"]["postings"]) > 10_000


def test_worker_env_zero_keeps_tokenising_in_process(monkeypatch):
    from corpora import text as text_module

    def no_worker():
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(text_module, "_Worker", no_worker)
    monkeypatch.setattr(text_module, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(text_module, "_cpus", lambda: 2)
    monkeypatch.setattr(text_module, "_load", lambda: 0.5)
    monkeypatch.setenv(settings.TOKENISE_WORKER_ENV, "0")
    texts = _tricky_texts(20)
    assert list(text_module.split_rows(texts)) == [_spacy_reference(t, False) for t in texts]
    monkeypatch.delenv(settings.TOKENISE_WORKER_ENV)
    with pytest.raises(AssertionError, match="worker process was started"):
        list(text_module.split_rows(texts))


def test_metadata_with_int_and_str_keys_is_stored(tmp_path):
    """Keys 1 and "b" in one metadata dict made content_hash raise TypeError (json sort_keys); they are
    stored as JSON stores them, as str keys, by both search paths."""
    from corpora.search import scan_occurrences
    from corpora.store import content_hash

    docs = [Document("The river bank was steep.", meta={1: "a", "b": 2})]
    assert content_hash(docs) == content_hash([Document("The river bank was steep.", meta={"1": "a", "b": 2})])
    store = Store(tmp_path / "s")
    assert store.add_corpus("x", docs)["meta_keys"] == ["1", "b"]
    row = occurrences(store, "x", "bank").iloc[0]
    assert (row["1"], row["b"]) == ("a", 2)
    scanned = scan_occurrences(docs, "x", "bank").iloc[0]
    assert (scanned["1"], scanned["b"]) == ("a", 2)
    nested = [Document("A bank.", meta={"m": {1: "x", "b": [{2: "y"}]}})]
    assert content_hash(nested) == content_hash([Document("A bank.", meta={"m": {"1": "x", "b": [{"2": "y"}]}})])
    from corpora.errors import CorpusError

    with pytest.raises(CorpusError, match="collide"):  # 1 and "1" would silently become one key
        store.add_corpus("clash", [Document("A bank.", meta={1: "x", "1": "y"})])
    assert "clash" not in store.corpus_names()
