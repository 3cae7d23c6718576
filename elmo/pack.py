"""Packed training text: token ids + word-type list in one compressed .npz, read without spaCy.

    python -m elmo.pack --out data/pack_en.npz          # today's corpora + the new NLTK ones
    python -m elmo.pack --join OUT_DIR                   # glue files that came back split in parts

Tokenisation and held-out split are exactly those of the earlier `elmo.train --corpus builtin`:
the project's tokenizer (corpora.text, spaCy rules), and a document is held out when
md5(text) % 1000 < 20 (2 %). Type ids are ordered by training frequency, so the LM vocabulary
is a prefix of the type list. Building needs spaCy and NLTK_DATA; loading needs numpy only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .cli import error_boundary

# today's training corpora (the bundled model's); main() adds corpora.builtin.EXTRA_NLTK_SOURCES
BASE_CORPORA = ["wiki", "brown", "movie_reviews", "abc", "state_union", "webtext", "inaugural"]
HELDOUT_PER_MILLE = 20
SEP = "\x00"  # separates words in the stored type list (tokens never hold it)
PART_BYTES = 15 * 2**20  # files that travel back from the device stay under this size


def is_heldout(text: str) -> bool:
    return int(hashlib.md5(text.encode()).hexdigest()[:8], 16) % 1000 < HELDOUT_PER_MILLE


@dataclass
class Pack:
    """Tokenised documents. tokens: type ids of all sentences, one after another."""

    types: list[str]
    tokens: np.ndarray  # (N,) uint32
    sent_len: np.ndarray  # (S,) int32
    sent_doc: np.ndarray  # (S,) int32
    doc_corpus: np.ndarray  # (D,) uint8, index into corpora
    doc_heldout: np.ndarray  # (D,) bool
    corpora: list[str]
    meta: dict = field(default_factory=dict)

    @cached_property
    def sent_start(self) -> np.ndarray:  # sent_len is never changed after construction
        return np.concatenate([[0], np.cumsum(self.sent_len, dtype=np.int64)[:-1]])

    def sentence(self, i: int) -> list[str]:
        s = int(self.sent_start[i])
        return [self.types[t] for t in self.tokens[s : s + int(self.sent_len[i])]]

    def sentence_mask(self, heldout: bool, corpora: Iterable[str] | None = None) -> np.ndarray:
        """(S,) bool: sentences of held-out (or training) documents, optionally of some corpora only."""
        keep = self.doc_heldout == heldout
        if corpora is not None:
            ids = [i for i, c in enumerate(self.corpora) if c in set(corpora)]
            keep &= np.isin(self.doc_corpus, ids)
        return keep[self.sent_doc]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per corpus: documents, sentences and tokens in training and held-out."""
        out = {}
        lens = self.sent_len.astype(np.int64)
        for ci, name in enumerate(self.corpora):
            row = {}
            for part, held in (("train", False), ("heldout", True)):
                docs = (self.doc_corpus == ci) & (self.doc_heldout == held)
                sents = docs[self.sent_doc]
                row[f"{part}_docs"] = int(docs.sum())
                row[f"{part}_sentences"] = int(sents.sum())
                row[f"{part}_tokens"] = int(lens[sents].sum())
            out[name] = row
        return out

    # ---- building ----------------------------------------------------------------------------

    @classmethod
    def from_documents(cls, sources: Iterable[tuple[str, Iterable]], log: Callable[[str], None] = print,
                       heldout: Callable[[int, str], bool] | None = None) -> Pack:
        """Tokenise documents (corpora.builtin.Document) of named sources; held out by `is_heldout(text)`."""
        from corpora.text import split_many

        ids: dict[str, int] = {}
        toks: list[int] = []
        sent_len: list[int] = []
        sent_doc: list[int] = []
        doc_corpus: list[int] = []
        doc_held: list[bool] = []
        corpora: list[str] = []
        for name, docs in sources:
            t0 = time.time()
            docs = list(docs)
            corpora.append(name)
            pre = [d.sentences for d in docs]
            split = iter(split_many(d.text for d, p in zip(docs, pre, strict=True) if p is None))
            n0 = len(toks)
            for k, (d, p) in enumerate(zip(docs, pre, strict=True)):
                sents = p if p is not None else [s.tokens for s in next(split)]
                di = len(doc_corpus)
                doc_corpus.append(len(corpora) - 1)
                doc_held.append(heldout(di, d.text) if heldout else is_heldout(d.text))
                for s in sents:
                    if not s:
                        continue
                    toks.extend(ids.setdefault(w.replace(SEP, " "), len(ids)) for w in s)
                    sent_len.append(len(s))
                    sent_doc.append(di)
                if (k + 1) % 5000 == 0:
                    log(f"  {name}: {k + 1:,}/{len(docs):,} documents")
            log(f"{name}: {len(docs):,} documents, {len(toks) - n0:,} tokens ({time.time() - t0:.0f} s)")
        pack = cls(types=list(ids), tokens=np.asarray(toks, np.uint32), sent_len=np.asarray(sent_len, np.int32),
                   sent_doc=np.asarray(sent_doc, np.int32), doc_corpus=np.asarray(doc_corpus, np.uint8),
                   doc_heldout=np.asarray(doc_held, bool), corpora=corpora)
        return pack.by_frequency()

    def by_frequency(self) -> Pack:
        """Renumber types by descending training count (ties: first occurrence)."""
        train_tok = np.repeat(self.sentence_mask(False), self.sent_len)
        counts = np.bincount(self.tokens[train_tok], minlength=len(self.types))
        order = np.lexsort((np.arange(len(self.types)), -counts))  # new id -> old id
        new_id = np.empty_like(order)
        new_id[order] = np.arange(len(order))
        self.types = [self.types[i] for i in order]
        self.tokens = new_id[self.tokens].astype(np.uint32)
        self.meta["train_counts"] = counts[order].tolist()
        return self

    # ---- files -------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        words = np.frombuffer(SEP.join(self.types).encode("utf-8"), np.uint8)
        meta = {**self.meta, "corpora": self.corpora}
        counts = np.asarray(meta.pop("train_counts", []), np.int64)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, types=words, tokens=self.tokens, sent_len=self.sent_len, sent_doc=self.sent_doc,
                            doc_corpus=self.doc_corpus, doc_heldout=self.doc_heldout, train_counts=counts,
                            meta=np.frombuffer(json.dumps(meta).encode(), np.uint8))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Pack:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no packed training data here (build it with python -m elmo.pack)")
        with np.load(path) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            pack = cls(types=z["types"].tobytes().decode("utf-8").split(SEP), tokens=z["tokens"],
                       sent_len=z["sent_len"], sent_doc=z["sent_doc"], doc_corpus=z["doc_corpus"],
                       doc_heldout=z["doc_heldout"], corpora=meta.pop("corpora"), meta=meta)
            pack.meta["train_counts"] = z["train_counts"].tolist()
        return pack


def builtin_pack(names: list[str], log: Callable[[str], None] = print) -> Pack:
    from corpora.builtin import builtin_documents

    pack = Pack.from_documents(((n, builtin_documents(n)) for n in names), log)
    import spacy

    pack.meta.update({"tokenizer": f"corpora.text (spaCy {spacy.__version__} blank en + sentencizer)",
                      "heldout": f"md5(document text) % 1000 < {HELDOUT_PER_MILLE}", "base_corpora": BASE_CORPORA})
    return pack


# ---- files in parts (what comes back from the device is at most 16 MiB per file) ------------


def write_parts(path: Path, data: bytes | None = None, part_bytes: int | None = None) -> list[Path]:
    """Split a file (or `data`, the file's would-be bytes) into PATH.part000, PATH.part001, ... (each
    <= part_bytes, default PART_BYTES) with a manifest PATH.parts.json (size, sha256); the original file
    is removed."""
    part_bytes = part_bytes or PART_BYTES
    if data is None:
        data = path.read_bytes()
    parts = []
    for k, i in enumerate(range(0, max(len(data), 1), part_bytes)):
        p = path.with_name(f"{path.name}.part{k:03d}")
        p.write_bytes(data[i : i + part_bytes])
        parts.append(p)
    path.with_name(path.name + ".parts.json").write_text(json.dumps(
        {"file": path.name, "parts": [p.name for p in parts], "bytes": len(data),
         "sha256": hashlib.sha256(data).hexdigest()}))
    path.unlink(missing_ok=True)
    return parts


def read_parts(manifest: Path) -> bytes:
    """The bytes of a split file (write_parts), checked against its manifest's size and sha256."""
    m = json.loads(manifest.read_text())
    data = b"".join((manifest.parent / p).read_bytes() for p in m["parts"])
    if len(data) != m["bytes"] or hashlib.sha256(data).hexdigest() != m["sha256"]:
        raise ValueError(f"{manifest}: parts are incomplete or corrupt")
    return data


def join_parts(folder: Path) -> list[Path]:
    """Reassemble every split file in a folder (checked against its sha256); the parts are removed."""
    done = []
    for manifest in sorted(folder.glob("*.parts.json")):
        m = json.loads(manifest.read_text())
        data = read_parts(manifest)
        (folder / m["file"]).write_bytes(data)
        for p in m["parts"]:
            (folder / p).unlink()
        manifest.unlink()
        done.append(folder / m["file"])
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m elmo.pack", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("data/pack_en.npz"))
    ap.add_argument("--corpora", nargs="+", help="built-in corpora to pack (default: the bundled model's, then "
                    "the extra NLTK ones of corpora.builtin.EXTRA_NLTK_SOURCES)")
    ap.add_argument("--join", type=Path, metavar="DIR", help="reassemble split files in DIR and exit")
    a = ap.parse_args(argv)
    if a.join:
        def join() -> int:
            for p in join_parts(a.join):
                print(f"joined {p}")
            return 0

        return error_boundary(join, (ValueError, OSError), "interrupted")
    corpora = a.corpora or default_corpora()
    return error_boundary(lambda: _build(corpora, a.out), (FileNotFoundError, KeyError, ValueError, OSError),
                          "interrupted; nothing was written")


def default_corpora() -> list[str]:
    """The bundled model's corpora, then the extra NLTK ones (corpora.builtin.EXTRA_NLTK_SOURCES)."""
    from corpora.builtin import EXTRA_NLTK_SOURCES

    return BASE_CORPORA + list(EXTRA_NLTK_SOURCES)


def write_pack(corpora: list[str], out: Path, log: Callable[[str], None] = print) -> tuple[Pack, dict]:
    """Pack built-in corpora into `out` (.npz) with a summary beside it (.json); the pack and its counts."""
    t0 = time.time()
    pack = builtin_pack(corpora, log)
    pack.save(out)
    counts = pack.counts()
    (out.with_suffix(".json")).write_text(json.dumps(
        {"file": out.name, "bytes": out.stat().st_size, "types": len(pack.types), "seconds": round(time.time() - t0),
         **{k: v for k, v in pack.meta.items() if k != "train_counts"}, "counts": counts}, indent=1))
    return pack, counts


def _build(corpora: list[str], out: Path) -> int:
    t0 = time.time()
    pack, counts = write_pack(corpora, out, log=lambda m: print(m, flush=True))
    for name, c in counts.items():
        print(f"{name:>18}: train {c['train_tokens']:>10,} tokens ({c['train_docs']:,} docs), "
              f"held out {c['heldout_tokens']:>8,} ({c['heldout_docs']:,} docs)")
    print(f"wrote {out}: {out.stat().st_size / 2**20:.1f} MiB, {len(pack.tokens):,} tokens, "
          f"{len(pack.types):,} types, {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
