"""The gold sets the harness scores against, as Explorer occurrence frames with their gold senses: the wiki
gold set (senses/gold: hand-labelled occurrences from the default corpus, found in the corpus store) and
NLTK's `senseval` data (a seeded, stratified sample per word), and the command-line options that pick them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from corpora import settings
from corpora.search import SAMPLE_LIMIT, WIDE_COLUMN, occurrences, wide_window
from corpora.senseval import WORDS as SENSEVAL_WORDS
from corpora.senseval import load_senseval, senseval_available, split_token_sentences
from senses.measured import GOLD_DIR, GOLD_MIN, gold_table

from .common import DEFAULT_OUT


@dataclass
class GoldWord:
    """Occurrences of one word (an Explorer occurrence frame) with their gold senses."""

    source: str  # "wiki" or "senseval"
    word: str
    frame: pd.DataFrame  # corpus, doc, sent_id, token_index, left, keyword, right, tokens, sentence
    senses: np.ndarray  # (n,) str

    def __len__(self) -> int:
        return len(self.frame)


def gold_words(folder: Path = GOLD_DIR, min_count: int = GOLD_MIN) -> list[str]:
    """Words of the wiki gold set that have >= 2 senses (not name / other) with >= min_count occurrences."""
    table = gold_table(folder, min_count)
    return table.loc[table["senses"] >= 2, "word"].tolist()


def load_wiki_gold(store, word: str, folder: Path = GOLD_DIR) -> GoldWord:
    """The labelled occurrences of a word, found in the store by (doc, sent_no, token_index), form checked."""
    g = pd.read_csv(Path(folder) / f"{word}.tsv", sep="\t")
    corpus = str(g["corpus"].iloc[0])
    occ = occurrences(store, corpus, word, match="lemma")
    ids = store.sentence_ids(corpus, zip(g["doc"], g["sent_no"], strict=True))
    want = [ids.get((int(d), int(n))) for d, n in zip(g["doc"], g["sent_no"], strict=True)]
    occ = occ.set_index(["sent_id", "token_index"], drop=False)
    rows = []
    for sid, ti, form in zip(want, g["token_index"], g["form"], strict=True):
        if sid is None or (sid, int(ti)) not in occ.index:
            raise ValueError(f"gold {word}: occurrence {form!r} (sentence {sid}, token {ti}) not found in {corpus}")
        row = occ.loc[(sid, int(ti))]
        if str(row["keyword"]) != str(form):
            raise ValueError(f"gold {word}: expected {form!r} at sentence {sid} token {ti}, found {row['keyword']!r}")
        rows.append(row)
    frame = pd.DataFrame(rows).reset_index(drop=True)  # with the search's discourse context (WIDE_COLUMN)
    return GoldWord("wiki", word, frame, g["sense"].astype(str).to_numpy())


def load_senseval_gold(word: str, n: int = SAMPLE_LIMIT) -> GoldWord:
    """A seeded, stratified sample of n Senseval instances of a word as an occurrence frame (±40-token window)."""
    s = load_senseval(word, n)
    rows = []
    for t, i, full, fi in zip(s.tokens, s.index, s.full, s.full_index, strict=True):
        sents, sent_no = split_token_sentences(full, fi)  # the instance's whole context: its "document"
        rows.append({"corpus": "senseval", "doc": 0, "sent_id": 0, "token_index": i, "left": " ".join(t[:i]),
                     "keyword": t[i], "right": " ".join(t[i + 1:]), "tokens": t, "sentence": " ".join(t),
                     WIDE_COLUMN: wide_window(sents, sent_no)})
    return GoldWord("senseval", word, pd.DataFrame(rows), np.asarray(s.senses).astype(str))


def load_golds(wiki_words: list[str] | None, senseval_words: list[str], store: Any = None) -> list[GoldWord]:
    """The wiki gold words (default: all of gold_words(); the store's wiki corpus indexed on first use, as the
    app does), then the Senseval words."""
    golds: list[GoldWord] = []
    wiki_words = gold_words() if wiki_words is None else wiki_words
    if wiki_words:
        if store is None:
            from corpora.store import Store

            store = Store()
        store.ensure_builtin("wiki")
        golds += [load_wiki_gold(store, w) for w in wiki_words]
    return golds + [load_senseval_gold(w) for w in senseval_words]


def gold_arguments(prog: str, description: str) -> argparse.ArgumentParser:
    """A parser with the options every gold-set benchmark takes: --model, --wiki, --senseval, --out."""
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--wiki", default=None, help="comma-separated wiki gold words (default: all kept words)")
    ap.add_argument("--senseval", default=",".join(SENSEVAL_WORDS), help="comma-separated Senseval words")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    return ap


@dataclass
class GoldRun:
    """What a gold-set benchmark's command line asked for: the loaded model and the words."""

    model: Any  # elmo.embedder.ELMo
    model_dir: Path
    threads: int  # torch threads ($OMP_NUM_THREADS, default 1)
    wiki: list[str] | None  # None: every kept wiki gold word
    senseval: list[str]


def gold_run(args: argparse.Namespace, word_forms: Callable[[str], Iterable[str]] | None = None) -> GoldRun | None:
    """The model of --model (default: elmo.embedder.default_model_dir(); word_forms as ELMo.load takes them,
    None for its default) and the words of --wiki / --senseval; None, said on stderr, when Senseval words
    are asked for and NLTK's senseval corpus is missing."""
    import torch

    from elmo.embedder import ELMo, default_model_dir

    threads = settings.torch_threads()
    torch.set_num_threads(threads)
    model_dir = args.model or default_model_dir()
    model = ELMo.load(model_dir) if word_forms is None else ELMo.load(model_dir, word_forms=word_forms)
    sv = [w for w in args.senseval.split(",") if w.strip()]
    if sv and not senseval_available():
        print("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding corpora/senseval.zip", file=sys.stderr)
        return None
    wiki = [w for w in args.wiki.split(",") if w.strip()] if args.wiki is not None else None
    return GoldRun(model, Path(model_dir), threads, wiki, sv)
