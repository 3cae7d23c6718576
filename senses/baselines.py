"""Static baselines for the static-vs-contextual comparison.

* `StaticVectors`: a real static embedding, gensim Word2Vec (skip-gram) trained on the training split
  of the packed training text of the biLM (`python -m elmo.pack`, lower-cased), shipped in
  `senses/static_vectors/` (float16 safetensors + vocabulary + build record). Rebuild with

      python -m senses.baselines --build [--pack data/pack_en.npz] [--out senses/static_vectors] [--dim 100]

* `average_of_meanings`: "the average of meanings" taken literally, a word's mean contextual vector
  over its occurrences in a corpus (a seeded sample when there are many);
* `bow_matrix`: the bag-of-words features of the honest baseline, the +-5 context words plus the
  target form (for a logistic regression).

Plain functions; no streamlit here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from corpora.search import SAMPLE_LIMIT, lemma_forms
from corpora.senseval import BASELINE_WINDOW

from .cluster import normalize

STATIC_DIR = Path(__file__).with_name("static_vectors")
VECTORS_FILE = "vectors.safetensors"
VOCAB_FILE = "vocab.txt"
META_FILE = "build.json"
DEFAULT_PACK = Path("data/pack_en.npz")  # python -m elmo.pack's default output
SEED = 0


def context_window(tokens: Sequence[str], index: int, size: int = BASELINE_WINDOW) -> list[str]:
    """The lower-cased tokens within `size` of tokens[index], the target excluded."""
    return [t.lower() for t in (*tokens[max(0, index - size) : index], *tokens[index + 1 : index + size + 1])]


# ---- word2vec ------------------------------------------------------------------------------------


@dataclass
class StaticVectors:
    """One vector per (lower-cased) word type: a static embedding."""

    words: list[str]
    vectors: np.ndarray  # (n, dim) float32
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row = {w: i for i, w in enumerate(self.words)}

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.row

    def vector(self, word: str) -> np.ndarray | None:
        """The word's vector (lower-cased lookup), None when it is not in the vocabulary."""
        i = self.row.get(word.lower())
        return None if i is None else self.vectors[i]

    def mean(self, words: Sequence[str]) -> np.ndarray:
        """Mean vector of the known words (zeros when none is known)."""
        rows = [self.row[w.lower()] for w in words if w.lower() in self.row]
        return self.vectors[rows].mean(0) if rows else np.zeros(self.dim, np.float32)

    def context_features(self, tokens: Sequence[Sequence[str]], index: Sequence[int],
                         size: int = BASELINE_WINDOW) -> np.ndarray:
        """Per occurrence: [mean vector of the +-size context words, vector of the target form]: (n, 2 dim)."""
        zero = np.zeros(self.dim, np.float32)
        out = [np.concatenate([self.mean(context_window(s, i, size)), _or(self.vector(s[i]), zero)])
               for s, i in zip(tokens, index, strict=True)]
        return np.asarray(out, np.float32).reshape(len(out), 2 * self.dim)

    def save(self, path: str | Path) -> Path:
        from safetensors.numpy import save_file

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        save_file({"vectors": self.vectors.astype(np.float16)}, str(path / VECTORS_FILE))
        (path / VOCAB_FILE).write_text("\n".join(self.words) + "\n", encoding="utf-8")
        (path / META_FILE).write_text(json.dumps(self.meta, indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path = STATIC_DIR) -> StaticVectors:
        from safetensors.numpy import load_file

        path = Path(path)
        if not (path / VECTORS_FILE).is_file():
            raise FileNotFoundError(f"no static vectors in {path}; build them with python -m senses.baselines --build")
        vectors = load_file(str(path / VECTORS_FILE))["vectors"].astype(np.float32)
        words = (path / VOCAB_FILE).read_text(encoding="utf-8").split("\n")[: len(vectors)]
        meta = json.loads((path / META_FILE).read_text()) if (path / META_FILE).is_file() else {}
        return cls(words, vectors, meta)


@lru_cache(maxsize=1)
def shipped_vectors() -> StaticVectors | None:
    """The shipped Word2Vec vectors (senses/static_vectors), loaded once per process; None when they are
    missing or unreadable (the one loader of the app, the induction and the evaluation)."""
    try:
        return StaticVectors.load()
    except (OSError, ValueError):
        return None


def _or(v: np.ndarray | None, default: np.ndarray) -> np.ndarray:
    return default if v is None else v


def train_word2vec(sentences: Sequence[Sequence[str]], dim: int = 100, window: int = BASELINE_WINDOW, min_count: int = 5,
                   epochs: int = 5, max_vocab: int = 30000, seed: int = SEED,
                   log: Callable[[str], None] = print) -> StaticVectors:
    """gensim Word2Vec (skip-gram, negative sampling) on lower-cased sentences; one worker, so it is reproducible."""
    import gensim
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    class Progress(CallbackAny2Vec):
        def __init__(self) -> None:
            self.epoch, self.t0 = 0, time.time()

        def on_epoch_end(self, model) -> None:
            self.epoch += 1
            log(f"epoch {self.epoch}/{epochs} done, {time.time() - self.t0:.0f} s")

    lower = [[w.lower() for w in s] for s in sentences]
    t0 = time.time()
    model = Word2Vec(lower, vector_size=dim, window=window, min_count=min_count, max_final_vocab=max_vocab,
                     sg=1, negative=5, epochs=epochs, workers=1, seed=seed, callbacks=[Progress()])
    kv = model.wv
    meta = {"library": f"gensim {gensim.__version__}", "model": "Word2Vec skip-gram, negative sampling 5",
            "dim": dim, "window": window, "min_count": min_count, "max_vocab": max_vocab, "epochs": epochs,
            "seed": seed, "workers": 1, "sentences": len(lower), "tokens": int(sum(map(len, lower))),
            "vocabulary": len(kv.index_to_key), "seconds": round(time.time() - t0, 1)}
    return StaticVectors(list(kv.index_to_key), np.asarray(kv.vectors, np.float32), meta)


def pack_sentences(pack, corpora: Sequence[str] | None = None) -> list[list[str]]:
    """The training split's sentences of an elmo.pack.Pack (held-out documents left out), of some corpora only
    when `corpora` is given."""
    mask = pack.sentence_mask(False, corpora)
    return [pack.sentence(i) for i in np.flatnonzero(mask)]


def build(out: Path = STATIC_DIR, dim: int = 100, epochs: int = 5, max_vocab: int = 30000, window: int = BASELINE_WINDOW,
          pack_path: Path = DEFAULT_PACK, log: Callable[[str], None] = print) -> StaticVectors:
    """Word2Vec on the training split of the bundled biLM's corpora (elmo.pack.BASE_CORPORA; a pack of other
    corpora: all of them) in a packed text (python -m elmo.pack); the pack is built first when `pack_path`
    does not exist (needs spaCy and NLTK_DATA)."""
    from elmo.pack import BASE_CORPORA, Pack, default_corpora, write_pack

    if not Path(pack_path).is_file():
        log(f"{pack_path} not found: packing {', '.join(default_corpora())} first")
        write_pack(default_corpora(), Path(pack_path), log)
    pack = Pack.load(pack_path)
    corpora = [c for c in pack.corpora if c in BASE_CORPORA] or list(pack.corpora)  # the bundled biLM's text
    sv = train_word2vec(pack_sentences(pack, corpora), dim=dim, window=window, epochs=epochs, max_vocab=max_vocab,
                        log=log)
    sv.meta["text"] = f"training split of {', '.join(corpora)} (elmo.pack), lower-cased"
    sv.meta["command"] = f"python -m senses.baselines --build --pack {_relative(pack_path)} --out {_relative(out)} " \
                         f"--dim {dim} --window {window} --epochs {epochs} --max-vocab {max_vocab}"
    sv.save(out)
    log(f"wrote {out}: {len(sv.words):,} words x {sv.dim} ({sv.meta['seconds']:.0f} s of training)")
    return sv


def _relative(path: Path) -> str:
    """The path relative to the working directory when it is inside it (for the recorded command)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---- the average of meanings ----------------------------------------------------------------------


def average_of_meanings(model, sentences: Sequence[Sequence[str]], indices: Sequence[int], cap: int = SAMPLE_LIMIT,
                        seed: int = SEED) -> tuple[np.ndarray, int]:
    """(mean of the occurrences' contextual vectors (L, D), occurrences averaged); a seeded sample of `cap`."""
    if not len(sentences):
        raise ValueError("no occurrences to average")
    keep = np.arange(len(sentences))
    if len(keep) > cap:
        keep = np.sort(np.random.default_rng(seed).choice(keep, cap, replace=False))
    layers = model.embed_targets([sentences[i] for i in keep], [int(indices[i]) for i in keep])
    return layers.mean(0), len(keep)


def find_occurrences(sentences: Sequence[Sequence[str]], forms: set[str] | frozenset[str]) -> tuple[list[int], list[int]]:
    """(sentence number, token index) of every token whose lower-cased text is one of `forms`."""
    where_s, where_i = [], []
    for n, s in enumerate(sentences):
        for i, t in enumerate(s):
            if t.lower() in forms:
                where_s.append(n)
                where_i.append(i)
    return where_s, where_i


# ---- bag of words ---------------------------------------------------------------------------------


def bow_matrix(tokens: Sequence[Sequence[str]], index: Sequence[int], size: int = BASELINE_WINDOW):
    """Sparse binary features: the +-size context words ("c=word") and the target form ("t=form")."""
    from sklearn.feature_extraction import DictVectorizer

    rows = [{**{f"c={w}": 1 for w in context_window(s, i, size)}, f"t={s[i].lower()}": 1}
            for s, i in zip(tokens, index, strict=True)]
    return DictVectorizer().fit_transform(rows)


# ---- command line --------------------------------------------------------------------------------


def neighbours(query: np.ndarray, words: Sequence[str], vectors: np.ndarray, k: int = 10,
               exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Nearest words to `query` by cosine: DataFrame(rank, word, similarity, distance), excluded forms skipped."""
    skip = {w.lower() for w in exclude}
    if len(words) == 0:
        return pd.DataFrame(columns=["rank", "word", "similarity", "distance"])
    sim = normalize(vectors) @ normalize(query[None])[0]
    rows = []
    for i in np.argsort(-sim, kind="stable"):
        if words[i].lower() in skip:
            continue
        rows.append((len(rows) + 1, words[i], float(sim[i]), float(np.clip(1 - sim[i], 0, 2))))
        if len(rows) >= k:
            break
    return pd.DataFrame(rows, columns=["rank", "word", "similarity", "distance"])


def embedding_neighbours(vectors: StaticVectors, word: str, k: int = 10) -> pd.DataFrame | None:
    """Nearest neighbours of the word in a static embedding (its forms skipped); None when it is not known."""
    v = vectors.vector(word)
    if v is None:
        return None
    return neighbours(v, vectors.words, vectors.vectors, k, exclude=lemma_forms(word) | {word.lower()})


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m senses.baselines", description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", action="store_true", help="train the Word2Vec vectors and write them")
    ap.add_argument("--out", type=Path, default=STATIC_DIR, help=f"output folder (default {STATIC_DIR})")
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--max-vocab", type=int, default=30000)
    ap.add_argument("--window", type=int, default=BASELINE_WINDOW, help=f"context words on each side (default {BASELINE_WINDOW})")
    ap.add_argument("--pack", type=Path, default=DEFAULT_PACK,
                    help=f"packed training text (default {DEFAULT_PACK}; built when missing)")
    ap.add_argument("--neighbours", default="cell,bank,plant", help="words whose neighbours are printed")
    args = ap.parse_args(argv)
    if args.build:
        sv = build(args.out, args.dim, args.epochs, args.max_vocab, args.window, args.pack,
                   log=lambda m: print(m, file=sys.stderr, flush=True))
    else:
        sv = StaticVectors.load(args.out)
    for w in [w.strip() for w in args.neighbours.split(",") if w.strip()]:
        nb = embedding_neighbours(sv, w, 10)
        print(f"{w}: " + ("not in the vocabulary" if nb is None else
                          ", ".join(f"{r.word} {r.similarity:.2f}" for r in nb.itertuples())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
