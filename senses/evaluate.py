"""Word-sense benchmark on the Senseval-2 lexical sample in NLTK (hard, interest, line, serve).

For every word, with fixed seeds:

* accuracy of 1-nearest-neighbour (cosine; ties broken by the majority among the tied neighbours) and
  logistic-regression classifiers, 5-fold stratified
  cross-validation (StratifiedKFold, shuffle, seed 0), on the target token's vectors from layer 0,
  layer 1, layer 2 and the average of the layers;
* baselines on the same folds: the most frequent sense of the training folds, and the static-context
  baseline, the mean of the layer-0 (type) vectors of the +-5 surrounding words: what static word
  embeddings can do without a contextual model;
* adjusted Rand index of our automatic clustering (senses.cluster.cluster, with k=None and with k =
  the number of gold senses) against the gold senses.

Accuracies are pooled over the folds: every instance is predicted once, by the model trained on the
other four folds, and the accuracy is the fraction predicted right.

Long contexts: a Senseval instance can hold several sentences (up to ~200 tokens). Each context is cut
to a window of +-40 tokens around the target (WINDOW) before embedding; the biLM is stateless, so this
only removes far context that a sentence-level model would not see anyway, and keeps batches small.

    python -m senses.evaluate [--model DIR] [--words hard,interest,line,serve] [--max-per-word N] [--out DIR]

Plain functions returning DataFrames; no streamlit here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .cluster import cluster, normalize

WORDS = ("hard", "interest", "line", "serve")
WINDOW = 40  # tokens kept on each side of the target
STATIC_WINDOW = 5  # words on each side for the static-context baseline
N_FOLDS = 5
SEED = 0
STATIC = "static context ±5"
MFS = "most frequent sense"
AVG = "layer avg"
DEFAULT_OUT = Path("benchmarks/results")
RESULTS_JSON = "evaluation.json"
RESULTS_MD = "evaluation.md"
COLUMNS = ["word", "features", "n", "senses", "knn", "logreg", "ari_auto", "k_auto", "ari_gold_k"]

Progress = Callable[[float, str], None]  # (fraction done 0..1, message)


# ---- data ----------------------------------------------------------------------------------------


def _nltk_paths() -> None:
    import nltk

    env = os.environ.get("NLTK_DATA")
    for p in (env.split(os.pathsep) if env else []):
        if p not in nltk.data.path:
            nltk.data.path.insert(0, p)


def senseval_available() -> bool:
    """True when NLTK's senseval corpus (corpora/senseval.zip) is found under NLTK_DATA or NLTK's paths."""
    from corpora.builtin import nltk_available

    _nltk_paths()
    return nltk_available("senseval")


@dataclass
class WordSample:
    """Senseval instances of one word: windowed token lists, the target index in each, gold senses."""

    word: str
    tokens: list[list[str]]
    index: list[int]
    senses: np.ndarray  # (n,) str

    def __len__(self) -> int:
        return len(self.tokens)


def cut_window(tokens: Sequence[str], index: int, size: int = WINDOW) -> tuple[list[str], int]:
    """tokens[index - size : index + size + 1] and the target's index inside it."""
    start = max(0, index - size)
    return list(tokens[start : index + size + 1]), index - start


def stratified_subsample(labels: Sequence[str], n: int, seed: int = SEED) -> np.ndarray:
    """Indices of n items keeping the label proportions (largest remainder, >= 1 per label when possible)."""
    labels = np.asarray(labels)
    if n >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    values, counts = np.unique(labels, return_counts=True)
    quota = counts * n / len(labels)
    take = np.floor(quota).astype(int)
    if n >= len(values):
        take = np.maximum(take, 1)
    for i in np.argsort(-(quota - np.floor(quota)), kind="stable"):
        if take.sum() >= n:
            break
        if take[i] < counts[i]:
            take[i] += 1
    while take.sum() > n:  # the >= 1 floor can overshoot: trim the largest labels
        take[np.argmax(take)] -= 1
    picked = [rng.choice(np.flatnonzero(labels == v), size=t, replace=False) for v, t in zip(values, take, strict=True)]
    return np.sort(np.concatenate(picked))


def load_senseval(word: str, max_per_word: int | None = None, seed: int = SEED, window: int = WINDOW) -> WordSample:
    """The Senseval-2 instances of `word` (read from NLTK's zip in place), windowed, optionally subsampled."""
    if word not in WORDS:
        raise ValueError(f"Senseval has no lexical sample for {word!r}; choose from {', '.join(WORDS)}")
    if not senseval_available():
        raise FileNotFoundError("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding "
                                "corpora/senseval.zip")
    from nltk.corpus import senseval

    tokens, index, senses = [], [], []
    for inst in senseval.instances(f"{word}.pos"):
        words = [w[0] if isinstance(w, tuple) else w for w in inst.context]
        toks, i = cut_window(words, int(inst.position), window)
        tokens.append(toks)
        index.append(i)
        senses.append(inst.senses[0] if inst.senses else "")
    y = np.asarray(senses)
    keep = np.arange(len(y)) if max_per_word is None else stratified_subsample(y, max_per_word, seed)
    return WordSample(word, [tokens[i] for i in keep], [index[i] for i in keep], y[keep])


# ---- features ------------------------------------------------------------------------------------


def layer_features(layers: np.ndarray) -> dict[str, np.ndarray]:
    """(n, L, D) target vectors -> {"layer 0": (n, D), ..., "layer avg": (n, D)}."""
    out = {f"layer {k}": layers[:, k] for k in range(layers.shape[1])}
    out[AVG] = layers.mean(1)
    return out


def static_context(model, tokens: Sequence[Sequence[str]], index: Sequence[int], size: int = STATIC_WINDOW) -> np.ndarray:
    """Mean layer-0 (type) vector of the `size` words on each side of the target, target excluded: (n, P)."""
    contexts = [[*s[max(0, i - size) : i], *s[i + 1 : i + size + 1]] for s, i in zip(tokens, index, strict=True)]
    types = sorted({w for c in contexts for w in c})
    vecs = model.type_vectors(types) if types else np.zeros((0, model.config.lstm.projection_dim), np.float32)
    row = {w: j for j, w in enumerate(types)}
    out = np.zeros((len(contexts), vecs.shape[1]), np.float32)
    for n, c in enumerate(contexts):
        if c:
            out[n] = vecs[[row[w] for w in c]].mean(0)
    return out


# ---- classifiers ---------------------------------------------------------------------------------


def make_folds(y: np.ndarray, n_folds: int = N_FOLDS, seed: int = SEED) -> list[tuple[np.ndarray, np.ndarray]]:
    """StratifiedKFold(shuffle=True, random_state=seed); fewer folds when the largest sense is smaller."""
    from sklearn.model_selection import StratifiedKFold

    _, counts = np.unique(y, return_counts=True)
    k = max(2, min(n_folds, int(counts.max()) if len(counts) else 2, len(y)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "least populated class has only m members": expected for rare senses
        return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def knn_predict(train: np.ndarray, y_train: np.ndarray, test: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """1-nearest neighbour by cosine similarity.

    Ties (several training vectors equally near, e.g. layer 0, where every occurrence of one word form
    has the same vector) are broken by the majority sense among the tied neighbours, not by their order.
    """
    sim = normalize(test) @ normalize(train).T
    tied = sim >= sim.max(axis=1, keepdims=True) - tol
    out = []
    for row in tied:
        values, counts = np.unique(y_train[row], return_counts=True)
        out.append(values[np.argmax(counts)])
    return np.asarray(out, dtype=y_train.dtype)


def logreg_predict(train: np.ndarray, y_train: np.ndarray, test: np.ndarray, seed: int = SEED) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(np.unique(y_train)) < 2:
        return np.full(len(test), y_train[0])
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on tiny slices
        clf.fit(train, y_train)
    return clf.predict(test)


def mfs_predict(y_train: np.ndarray, n_test: int) -> np.ndarray:
    values, counts = np.unique(y_train, return_counts=True)
    return np.full(n_test, values[np.argmax(counts)])


def cv_accuracy(x: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
    """Pooled cross-validated accuracy of (1-NN cosine, logistic regression)."""
    right_knn = right_lr = 0
    for tr, te in folds:
        right_knn += int((knn_predict(x[tr], y[tr], x[te]) == y[te]).sum())
        right_lr += int((logreg_predict(x[tr], y[tr], x[te]) == y[te]).sum())
    n = sum(len(te) for _, te in folds)
    return right_knn / n, right_lr / n


def mfs_accuracy(y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]) -> float:
    right = sum(int((mfs_predict(y[tr], len(te)) == y[te]).sum()) for tr, te in folds)
    return right / sum(len(te) for _, te in folds)


def ari(x: np.ndarray, y: np.ndarray, k: int | None, seed: int = SEED) -> tuple[float, int]:
    """Adjusted Rand index of senses.cluster.cluster(x, k) against the gold labels, and the k used."""
    from sklearn.metrics import adjusted_rand_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KMeans on layer 0: "fewer distinct clusters" (duplicate points), expected
        c = cluster(x, k=k, seed=seed)
    return float(adjusted_rand_score(y, c.labels)), int(c.k)


# ---- the benchmark -------------------------------------------------------------------------------


def evaluate_sample(model, sample: WordSample, progress: Progress | None = None) -> pd.DataFrame:
    """Rows for one word: one per feature set (layers, layer average, static context) plus the MFS baseline."""
    say = progress or (lambda f, m: None)
    y = sample.senses
    n_gold = len(np.unique(y))
    say(0.0, f"{sample.word}: embedding {len(sample)} contexts")
    layers = model.embed_targets(sample.tokens, sample.index,
                                 progress=lambda d, t: say(0.6 * d / max(t, 1), f"{sample.word}: embedded {d}/{t}"))
    feats = layer_features(layers)
    feats[STATIC] = static_context(model, sample.tokens, sample.index)
    folds = make_folds(y)
    rows = []
    for j, (name, x) in enumerate(feats.items()):
        say(0.6 + 0.4 * j / (len(feats) + 1), f"{sample.word}: classifiers and clustering on {name}")
        knn, lr = cv_accuracy(x, y, folds)
        a_auto, k_auto = ari(x, y, None)
        a_gold, _ = ari(x, y, n_gold)
        rows.append([sample.word, name, len(y), n_gold, knn, lr, a_auto, k_auto, a_gold])
    mfs = mfs_accuracy(y, folds)
    rows.append([sample.word, MFS, len(y), n_gold, mfs, mfs, np.nan, 1, np.nan])
    say(1.0, f"{sample.word}: done")
    return pd.DataFrame(rows, columns=COLUMNS)


def evaluate(model, words: Sequence[str] = WORDS, max_per_word: int | None = None,
             progress: Progress | None = None) -> pd.DataFrame:
    """The benchmark table: one row per (word, features); columns COLUMNS.

    knn / logreg: pooled 5-fold accuracy in [0, 1] (the MFS row holds the majority-sense accuracy in both);
    ari_auto: ARI of the automatic clustering (k_auto clusters); ari_gold_k: ARI with k = number of senses.
    """
    words = list(words)
    frames = []
    for w, word in enumerate(words):
        def sub(f: float, msg: str, w: int = w) -> None:
            if progress:
                progress((w + f) / len(words), msg)

        sub(0.0, f"{word}: loading Senseval instances")
        sample = load_senseval(word, max_per_word)
        frames.append(evaluate_sample(model, sample, sub))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Mean over words per feature set (macro average), in the table's feature order."""
    order = list(dict.fromkeys(df["features"]))
    m = df.groupby("features", sort=False)[["knn", "logreg", "ari_auto", "ari_gold_k"]].mean()
    return m.reindex(order).reset_index()


# ---- output --------------------------------------------------------------------------------------


def _fmt(v) -> str:
    if isinstance(v, float | np.floating):
        return "–" if np.isnan(v) else f"{v:.3f}"
    return str(v)


def markdown_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def to_markdown(df: pd.DataFrame, meta: dict) -> str:
    lines = [
        "# Word-sense benchmark: Senseval-2 lexical sample (NLTK)",
        "",
        f"Model: `{meta.get('model', '?')}`; words: {', '.join(meta.get('words', []))}; "
        f"instances per word: {meta.get('max_per_word') or 'all'} (stratified, seed {SEED}); "
        f"context window ±{WINDOW} tokens; {N_FOLDS}-fold stratified CV (shuffle, seed {SEED}); "
        f"{meta.get('seconds', 0):.0f} s.",
        "",
        "knn = 1-nearest-neighbour (cosine), logreg = logistic regression (standardised features), pooled "
        "cross-validated accuracy. ari_auto = adjusted Rand index of the automatic clustering "
        "(senses.cluster, k_auto clusters) against gold senses; ari_gold_k = same with k = number of gold "
        f"senses. Baselines: `{STATIC}` = mean layer-0 vector of the ±{STATIC_WINDOW} surrounding words; "
        f"`{MFS}` = majority sense of the training folds.",
        "",
        markdown_table(df),
        "",
        "## Mean over words",
        "",
        markdown_table(summary(df)),
        "",
    ]
    return "\n".join(lines)


def write_results(df: pd.DataFrame, out: str | Path, meta: dict) -> tuple[Path, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]
    payload = {**meta, "columns": COLUMNS, "rows": rows}
    j, m = out / RESULTS_JSON, out / RESULTS_MD
    j.write_text(json.dumps(payload, indent=2, default=lambda o: o.item() if hasattr(o, "item") else str(o)) + "\n")
    m.write_text(to_markdown(df, meta))
    return j, m


def read_results(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """The table and metadata of an evaluation.json written by write_results."""
    payload = json.loads(Path(path).read_text())
    rows = payload.pop("rows")
    cols = payload.pop("columns", COLUMNS)
    return pd.DataFrame(rows, columns=cols), payload


# ---- the biLM as a frozen feature extractor: scalar mix probe -------------------------------------


def scalar_mix_probe(layers: np.ndarray, y: np.ndarray, steps: int = 300, test_fraction: float = 0.3,
                     seed: int = SEED, lr: float = 0.05) -> dict:
    """Frozen features: logistic regression per layer vs a learned ScalarMix + linear classifier.

    layers (n, L, D) from ELMo.embed_targets. One stratified train/test split (seeded). Each layer is
    standardised with the training mean/std first so the learned weights reflect usefulness, not scale.
    Returns {"accuracy": {"layer 0": .., ..., "scalar mix": ..}, "weights": [L floats], "gamma": float,
    "n_train": int, "n_test": int}.
    """
    import torch
    from sklearn.model_selection import train_test_split

    from elmo.model import ScalarMix

    y = np.asarray(y)
    idx = np.arange(len(y))
    _, counts = np.unique(y, return_counts=True)
    strat = y if counts.min() >= 2 else None
    tr, te = train_test_split(idx, test_size=test_fraction, random_state=seed, stratify=strat)
    acc = {}
    for k in range(layers.shape[1]):
        acc[f"layer {k}"] = float((logreg_predict(layers[tr, k], y[tr], layers[te, k]) == y[te]).mean())

    mean = layers[tr].mean(0, keepdims=True)
    std = layers[tr].std(0, keepdims=True) + 1e-6
    x = torch.from_numpy(((layers - mean) / std).astype(np.float32)).transpose(0, 1)  # (L, n, D)
    classes, codes = np.unique(y, return_inverse=True)
    target = torch.from_numpy(codes.astype(np.int64))
    torch.manual_seed(seed)
    mix = ScalarMix(layers.shape[1])
    head = torch.nn.Linear(layers.shape[2], len(classes))
    opt = torch.optim.Adam([*mix.parameters(), *head.parameters()], lr=lr, weight_decay=1e-3)
    trt, tet = torch.from_numpy(tr), torch.from_numpy(te)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(head(mix(x[:, trt])), target[trt])
        loss.backward()
        opt.step()
    with torch.no_grad():
        pred = head(mix(x[:, tet])).argmax(1).numpy()
    acc["scalar mix"] = float((pred == codes[te]).mean())
    return {"accuracy": acc, "weights": [float(w) for w in mix.normed_weights.detach()],
            "gamma": float(mix.gamma.detach()), "n_train": len(tr), "n_test": len(te)}


# ---- command line --------------------------------------------------------------------------------


def _default_model() -> Path:
    from elmo.embedder import bundled_model_dir

    env = os.environ.get("SENSE_EXPLORER_MODEL")
    if env:
        return Path(env)
    d = bundled_model_dir()
    if d is None:
        raise SystemExit("no model: the bundled elmo/models/en is missing; pass --model DIR")
    return d


def main(argv: Sequence[str] | None = None) -> int:
    if "--induction" in (sys.argv[1:] if argv is None else argv):  # the sense-induction benchmark
        return __import__("senses.induction", fromlist=["main"]).main(argv)
    ap = argparse.ArgumentParser(prog="python -m senses.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--words", default=",".join(WORDS), help="comma-separated Senseval words")
    ap.add_argument("--max-per-word", type=int, default=None, help="stratified, seeded subsample per word")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = ap.parse_args(argv)

    import torch

    from elmo.embedder import ELMo

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    words = [w.strip() for w in args.words.split(",") if w.strip()]
    if not senseval_available():
        print("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding corpora/senseval.zip",
              file=sys.stderr)
        return 2
    model_dir = args.model or _default_model()
    model = ELMo.load(model_dir)
    t0 = time.time()
    last = [""]

    def progress(f: float, msg: str) -> None:
        if msg != last[0] and "embedded" not in msg or f >= 1.0:
            print(f"[{100 * f:5.1f}% {time.time() - t0:6.0f}s] {msg}", file=sys.stderr, flush=True)
        last[0] = msg

    df = evaluate(model, words, args.max_per_word, progress)
    seconds = time.time() - t0
    meta = {"model": str(model_dir), "words": words, "max_per_word": args.max_per_word, "window": WINDOW,
            "folds": N_FOLDS, "seed": SEED, "seconds": round(seconds, 1),
            "created": datetime.now(UTC).isoformat(timespec="seconds")}
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.float_format", "{:.3f}".format):
        print(df.to_string(index=False))
        print("\nMean over words:")
        print(summary(df).to_string(index=False))
    j, m = write_results(df, args.out, meta)
    print(f"\nwrote {j} and {m} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
