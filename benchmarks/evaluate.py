"""Word-sense benchmark on NLTK's `senseval` corpus: the hard / interest / line / serve data in
Senseval-2 format (line: Leacock, Towell & Voorhees 1993; hard, serve: Leacock, Chodorow & Miller 1998;
interest: Bruce & Wiebe 1994), *not* the Senseval-2 lexical-sample task, so these figures must not be
compared with published Senseval-2 scores.

For every word, with fixed seeds:

* accuracy of 1-nearest-neighbour (cosine; ties broken by the majority among the tied neighbours) and
  logistic-regression classifiers, 5-fold stratified cross-validation (StratifiedKFold, shuffle, seed 0),
  on the target token's vectors from layer 0 (the character CNN: spelling-based, context-free), layer 1,
  layer 2 and the average of the layers;
* baselines on the same folds (senses.baselines):
  - the most frequent sense of the training folds;
  - bag of words: a logistic regression over the +-5 context words plus the target form (binary);
  - word2vec: [mean Word2Vec vector of the +-5 context words, Word2Vec vector of the target form], the
    static embedding trained on the biLM's own training text (senses/static_vectors);
  - char-CNN context: the mean layer-0 vector of the +-5 context words (target left out);
  - average of meanings: one vector per word form, its mean contextual vector (layer average) over all
    its occurrences in this corpus (no labels used);
* adjusted Rand index of our automatic clustering (senses.cluster.cluster, k=None and k = the number of
  gold senses) against the gold senses *and* against the word-form partition (hard / harder / hardest...),
  side by side: a clustering that only splits the forms scores ARI vs forms ~1.

Accuracies are pooled over the folds: every instance is predicted once, by the model trained on the
other four folds, and the accuracy is the fraction predicted right.

Context given to the biLM (WINDOW): a Senseval instance holds one to several sentences (up to ~200
tokens), and the biLM was trained one sentence per sequence, sentences cut to pieces of at most 48
tokens. Whatever the window keeps goes in as *one* sequence, sentence boundaries included. WINDOW = +-24
tokens (at most 49 tokens, about the length of the training pieces, <= 48) was chosen by measurement
(`--compare-windows`, benchmarks/results/evaluation.windows.md; line, serve and interest, all
instances, logistic regression on the layer average): the sentence holding the target 0.740 / 0.877 /
0.842, +-10 tokens 0.743 / 0.871 / 0.841, +-24 0.752 / 0.873 / 0.844, +-40 0.756 / 0.877 / 0.842.
The windows differ by less than 0.02 on every word; +-24 is within 0.002 of the best mean (+-40) and
embeds in two thirds of its time.

    python -m senses.evaluate [--model DIR] [--words hard,interest,line,serve] [--max-per-word N] [--out DIR]
    python -m senses.evaluate --compare-windows sentence,10,24,40 --words line,serve --max-per-word 600

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from corpora import settings

from .baselines import BASELINE_WINDOW, StaticVectors, bow_matrix, shipped_vectors
from .cluster import cluster, normalize

WORDS = ("hard", "interest", "line", "serve")
CORPUS_NAME = "NLTK senseval (hard/interest/line/serve in Senseval-2 format)"
Window = int | str  # tokens kept on each side of the target, or "sentence"
SENTENCE = "sentence"
WINDOW: Window = 24  # chosen by measurement, see the module docstring and WINDOWS_MD
N_FOLDS = 5
SEED = 0
AVG = "layer avg"
STATIC = "char-CNN context ±5"
BOW = "bag of words ±5 + target"
W2V = "word2vec ±5 + target"
MEANING = "average of meanings"
MFS = "most frequent sense"
DEFAULT_OUT = Path("benchmarks/results")
RESULTS_JSON = "evaluation.json"
RESULTS_MD = "evaluation.md"
WINDOWS_MD = "evaluation.windows.md"
COLUMNS = ["word", "features", "n", "senses", "knn", "logreg", "ari_auto", "ari_forms", "k_auto", "ari_gold_k",
           "ari_forms_k"]

Progress = Callable[[float, str], None]  # (fraction done 0..1, message)


# ---- data ----------------------------------------------------------------------------------------


def senseval_available() -> bool:
    """True when NLTK's senseval corpus (corpora/senseval.zip) is found under NLTK_DATA or NLTK's paths."""
    from corpora.builtin import nltk_available, use_nltk_data_env

    use_nltk_data_env()
    return nltk_available("senseval")


@dataclass
class WordSample:
    """Senseval instances of one word: windowed token lists (the biLM's input), the target index in each,
    gold senses, and the +-BASELINE_WINDOW tokens of the full context (for the context baselines)."""

    word: str
    tokens: list[list[str]]
    index: list[int]
    senses: np.ndarray  # (n,) str
    near: list[list[str]] = field(default_factory=list)  # +-BASELINE_WINDOW tokens of the full context
    near_index: list[int] = field(default_factory=list)  # the target's index in `near`
    full: list[list[str]] = field(default_factory=list)  # the instance's whole context (one to several sentences)
    full_index: list[int] = field(default_factory=list)  # the target's index in `full`
    total: int = 0  # instances of the word before subsampling

    def __len__(self) -> int:
        return len(self.tokens)

    def forms(self) -> np.ndarray:
        """The target's lower-cased word form in each instance (hard, harder, ...)."""
        return np.asarray([t[i].lower() for t, i in zip(self.tokens, self.index, strict=True)])


SENTENCE_END = {".", "!", "?"}


def _ends_sentence(tokens: Sequence[str], i: int) -> bool:
    """A ".", "!" or "?" token that is not part of an abbreviation like "j . p ." or "83 . 4"."""
    if tokens[i] not in SENTENCE_END:
        return False
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return not (tokens[i] == "." and (len(before) == 1 and before.isalpha() or after[:1].isdigit() and before[-1:].isdigit()))


def cut_sentence(tokens: Sequence[str], index: int) -> tuple[list[str], int]:
    """The sentence holding tokens[index] (split at sentence-final . ! ?) and the target's index inside it."""
    start = index
    while start > 0 and not _ends_sentence(tokens, start - 1):
        start -= 1
    end = index
    while end < len(tokens) - 1 and not _ends_sentence(tokens, end):
        end += 1
    return list(tokens[start : end + 1]), index - start


def split_token_sentences(tokens: Sequence[str], index: int) -> tuple[list[list[str]], int]:
    """tokens split into sentences at sentence-final . ! ? (as cut_sentence) and the number of the
    sentence holding tokens[index]."""
    out: list[list[str]] = [[]]
    sent_no = 0
    for i, t in enumerate(tokens):
        out[-1].append(t)
        if i == index:
            sent_no = len(out) - 1
        if _ends_sentence(tokens, i) and i < len(tokens) - 1:
            out.append([])
    return out, sent_no


def cut_window(tokens: Sequence[str], index: int, size: Window = WINDOW) -> tuple[list[str], int]:
    """tokens[index - size : index + size + 1] (or the target's sentence) and the target's index inside it."""
    if size == SENTENCE:
        return cut_sentence(tokens, index)
    start = max(0, index - int(size))
    return list(tokens[start : index + int(size) + 1]), index - start


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


def load_senseval(word: str, max_per_word: int | None = None, seed: int = SEED, window: Window = WINDOW) -> WordSample:
    """The instances of `word` in NLTK's senseval corpus (read from its zip in place), windowed, optionally
    subsampled."""
    if word not in WORDS:
        raise ValueError(f"NLTK's senseval corpus has no data for {word!r}; choose from {', '.join(WORDS)}")
    if not senseval_available():
        raise FileNotFoundError("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding "
                                "corpora/senseval.zip")
    from nltk.corpus import senseval

    tokens, near, full, senses = [], [], [], []
    for inst in senseval.instances(f"{word}.pos"):
        words = [w[0] if isinstance(w, tuple) else w for w in inst.context]
        full.append((words, int(inst.position)))
        tokens.append(cut_window(words, int(inst.position), window))
        near.append(cut_window(words, int(inst.position), BASELINE_WINDOW))
        senses.append(inst.senses[0] if inst.senses else "")
    y = np.asarray(senses)
    keep = np.arange(len(y)) if max_per_word is None else stratified_subsample(y, max_per_word, seed)
    return WordSample(word, [tokens[i][0] for i in keep], [tokens[i][1] for i in keep], y[keep],
                      [near[i][0] for i in keep], [near[i][1] for i in keep], [full[i][0] for i in keep],
                      [full[i][1] for i in keep], total=len(y))


# ---- features ------------------------------------------------------------------------------------


def layer_features(layers: np.ndarray) -> dict[str, np.ndarray]:
    """(n, L, D) target vectors -> {"layer 0": (n, D), ..., "layer avg": (n, D)}."""
    out = {f"layer {k}": layers[:, k] for k in range(layers.shape[1])}
    out[AVG] = layers.mean(1)
    return out


def static_context(model, tokens: Sequence[Sequence[str]], index: Sequence[int], size: int = BASELINE_WINDOW) -> np.ndarray:
    """Mean layer-0 (char-CNN) vector of the `size` words on each side of the target, target excluded: (n, P)."""
    contexts = [[*s[max(0, i - size) : i], *s[i + 1 : i + size + 1]] for s, i in zip(tokens, index, strict=True)]
    types = sorted({w for c in contexts for w in c})
    vecs = model.type_vectors(types) if types else np.zeros((0, model.config.lstm.projection_dim), np.float32)
    row = {w: j for j, w in enumerate(types)}
    out = np.zeros((len(contexts), vecs.shape[1]), np.float32)
    for n, c in enumerate(contexts):
        if c:
            out[n] = vecs[[row[w] for w in c]].mean(0)
    return out


def average_of_meanings(vectors: np.ndarray, forms: Sequence[str]) -> np.ndarray:
    """Each occurrence replaced by its form's mean vector over all occurrences of that form: (n, D)."""
    forms = np.asarray(forms)
    out = np.empty_like(vectors)
    for f in np.unique(forms):
        out[forms == f] = vectors[forms == f].mean(0)
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
    if sparse.issparse(train):
        from sklearn.preprocessing import normalize as l2

        sim = (l2(test) @ l2(train).T).toarray()
    else:
        sim = normalize(test) @ normalize(train).T
    tied = sim >= sim.max(axis=1, keepdims=True) - tol
    out = []
    for row in tied:
        values, counts = np.unique(y_train[row], return_counts=True)
        out.append(values[np.argmax(counts)])
    return np.asarray(out, dtype=y_train.dtype)


def logreg_predict(train, y_train: np.ndarray, test, seed: int = SEED) -> np.ndarray:
    """Logistic regression; dense features are standardised first, sparse (binary) ones are used as they are."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(np.unique(y_train)) < 2:
        return np.full(test.shape[0], y_train[0])
    steps = [] if sparse.issparse(train) else [StandardScaler()]
    clf = make_pipeline(*steps, LogisticRegression(max_iter=1000, random_state=seed))
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


def ari(x: np.ndarray, y: np.ndarray, k: int | None, forms: np.ndarray | None = None,
        seed: int = SEED) -> tuple[float, float, int]:
    """Adjusted Rand index of senses.cluster.cluster(x, k) against the gold labels and against the word
    forms (nan without forms), and the k used."""
    from sklearn.metrics import adjusted_rand_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KMeans on layer 0: "fewer distinct clusters" (duplicate points), expected
        c = cluster(x, k=k, seed=seed)
    vs_forms = np.nan if forms is None else float(adjusted_rand_score(forms, c.labels))
    return float(adjusted_rand_score(y, c.labels)), vs_forms, int(c.k)


# ---- the benchmark -------------------------------------------------------------------------------


def embed_sample(model, sample: WordSample, progress: Progress | None = None) -> np.ndarray:
    """(n, L, D) target vectors of the sample's windows."""
    say = progress or (lambda f, m: None)
    say(0.0, f"{sample.word}: embedding {len(sample)} contexts")
    return model.embed_targets(sample.tokens, sample.index,
                               progress=lambda d, t: say(d / max(t, 1), f"{sample.word}: embedded {d}/{t}"))


def feature_sets(model, layers: np.ndarray, tokens: Sequence[Sequence[str]], index: Sequence[int],
                 static: StaticVectors | None = None,
                 context: tuple[Sequence[Sequence[str]], Sequence[int]] | None = None) -> dict:
    """The benchmark's feature sets for occurrences tokens[i][index[i]] with target vectors `layers` (n, L, D):
    the layers, their average, and the baselines (MEANING, BOW, W2V when `static` is given, STATIC).
    The context baselines read the +-BASELINE_WINDOW tokens of `context` (tokens, index), default the same."""
    ctoks, cidx = context if context is not None else (tokens, index)
    forms = [t[i].lower() for t, i in zip(tokens, index, strict=True)]
    feats = layer_features(layers)
    feats[MEANING] = average_of_meanings(feats[AVG], forms)
    feats[BOW] = bow_matrix(ctoks, cidx)
    if static is not None:
        feats[W2V] = static.context_features(ctoks, cidx)
    feats[STATIC] = static_context(model, ctoks, cidx)
    return feats


def accuracy_table(feats: dict, y: Sequence[str]) -> pd.DataFrame:
    """Pooled cross-validated accuracy (1-NN, logistic regression) of each feature set, plus the MFS row."""
    y = np.asarray(y)
    folds = make_folds(y)
    rows = [(name, *cv_accuracy(x, y, folds)) for name, x in feats.items()]
    mfs = mfs_accuracy(y, folds)
    return pd.DataFrame([*rows, (MFS, mfs, mfs)], columns=["features", "knn", "logreg"])


def evaluate_sample(model, sample: WordSample, progress: Progress | None = None,
                    static: StaticVectors | None = None) -> pd.DataFrame:
    """Rows for one word: one per feature set (layers, layer average, baselines) plus the MFS baseline.

    static: the Word2Vec vectors for the word2vec row (no such row when None)."""
    say = progress or (lambda f, m: None)
    y = sample.senses
    n_gold = len(np.unique(y))
    forms = sample.forms()
    layers = embed_sample(model, sample, lambda f, m: say(0.6 * f, m))
    feats = feature_sets(model, layers, sample.tokens, sample.index, static, (sample.near, sample.near_index))
    folds = make_folds(y)
    rows = []
    for j, (name, x) in enumerate(feats.items()):
        say(0.6 + 0.4 * j / (len(feats) + 1), f"{sample.word}: classifiers and clustering on {name}")
        knn, lr = cv_accuracy(x, y, folds)
        clustered = [np.nan] * 5
        if not sparse.issparse(x):  # no clustering of the bag-of-words counts
            a_auto, f_auto, k_auto = ari(x, y, None, forms)
            a_gold, f_gold, _ = ari(x, y, n_gold, forms)
            clustered = [a_auto, f_auto, k_auto, a_gold, f_gold]
        rows.append([sample.word, name, len(y), n_gold, knn, lr, *clustered])
    mfs = mfs_accuracy(y, folds)
    rows.append([sample.word, MFS, len(y), n_gold, mfs, mfs, np.nan, np.nan, 1, np.nan, np.nan])
    say(1.0, f"{sample.word}: done")
    return pd.DataFrame(rows, columns=COLUMNS)


def evaluate(model, words: Sequence[str] = WORDS, max_per_word: int | None = None,
             progress: Progress | None = None, static: StaticVectors | None = None,
             window: Window = WINDOW) -> pd.DataFrame:
    """The benchmark table: one row per (word, features); columns COLUMNS.

    knn / logreg: pooled 5-fold accuracy in [0, 1] (the MFS row holds the majority-sense accuracy in both);
    ari_auto / ari_forms: ARI of the automatic clustering (k_auto clusters) against the gold senses / the
    word forms; ari_gold_k / ari_forms_k: the same with k = number of senses. static: Word2Vec vectors
    (default: the shipped ones, when present).
    """
    static = static if static is not None else shipped_vectors()
    words = list(words)
    frames = []
    for w, word in enumerate(words):
        def sub(f: float, msg: str, w: int = w) -> None:
            if progress:
                progress((w + f) / len(words), msg)

        sub(0.0, f"{word}: loading Senseval instances")
        sample = load_senseval(word, max_per_word, window=window)
        frames.append(evaluate_sample(model, sample, sub, static))
    return _typed(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """k_auto as a nullable integer (no clustering for the bag of words)."""
    return df.astype({"k_auto": "Int64"})


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Mean over words per feature set (macro average), in the table's feature order."""
    order = list(dict.fromkeys(df["features"]))
    m = df.groupby("features", sort=False)[["knn", "logreg", "ari_auto", "ari_forms", "ari_gold_k", "ari_forms_k"]].mean()
    return m.reindex(order).reset_index()


# ---- output --------------------------------------------------------------------------------------


def repo_path(path: str | Path) -> str:
    """A path as results files store it: relative to the repository when inside it."""
    root = Path(__file__).resolve().parents[1]
    path = Path(path).resolve()
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def number_text(v, digits: int = 3) -> str:
    """A table cell as text: floats with `digits` decimals and no negative zero ("-0.000" is "0.000"),
    "–" for a missing value (NaN, None, pd.NA), anything else as str."""
    if v is None or v is pd.NA or (isinstance(v, float | np.floating) and np.isnan(v)):
        return "–"
    if isinstance(v, float | np.floating):
        text = f"{v:.{digits}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return str(v)


def _fmt(v) -> str:
    return number_text(v)


def markdown_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def window_text(window: Window) -> str:
    return "the sentence holding the target" if window == SENTENCE else f"±{window} tokens around the target"


def to_markdown(df: pd.DataFrame, meta: dict) -> str:
    static = meta.get("static_vectors") or {}
    lines = [
        f"# Word-sense benchmark: {CORPUS_NAME}",
        "",
        "NLTK's `senseval` corpus is the hard / interest / line / serve data in Senseval-2 format, not the "
        "Senseval-2 lexical-sample task: do not compare these figures with published Senseval-2 scores.",
        "",
        f"Model: `{meta.get('model', '?')}`; words: {', '.join(meta.get('words', []))}; "
        f"instances per word: {meta.get('max_per_word') or 'all'} (stratified, seed {SEED}); "
        f"biLM input: {window_text(meta.get('window', WINDOW))}, as one sequence; "
        f"{N_FOLDS}-fold stratified CV (shuffle, seed {SEED}); {meta.get('seconds', 0):.0f} s.",
        "",
        "knn = 1-nearest-neighbour (cosine), logreg = logistic regression (dense features standardised), pooled "
        "cross-validated accuracy. ari_auto / ari_forms = adjusted Rand index of the automatic clustering "
        "(senses.cluster, k_auto clusters) against the gold senses / against the word forms (hard, harder, "
        "...); ari_gold_k / ari_forms_k = the same with k = number of gold senses. A clustering that only "
        "separates the word forms has ari_forms ≈ 1, whatever its ari_auto.",
        "",
        "Features: `layer 0` = the character CNN (spelling-based, context-free: one vector per form); "
        "`layer 1`, `layer 2`, `layer avg` = the biLM's contextual vectors of the target. Baselines: "
        f"`{MEANING}` = each form's mean contextual vector (layer avg) over all its occurrences here, one "
        f"vector per form; `{BOW}` = binary bag of the ±{BASELINE_WINDOW} context words plus the target form; "
        f"`{W2V}` = [mean Word2Vec vector of the ±{BASELINE_WINDOW} words, Word2Vec vector of the target] "
        f"({static.get('library', 'gensim')} {static.get('model', '')}, {static.get('dim', '?')} d, trained "
        f"on the biLM's training text: `{static.get('command', 'python -m senses.baselines --build')}`); "
        f"`{STATIC}` = mean layer-0 vector of the ±{BASELINE_WINDOW} words; `{MFS}` = majority sense of the "
        "training folds.",
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
    rows = [{k: (None if v is pd.NA or isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
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
    return _typed(pd.DataFrame(rows, columns=cols)), payload


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


def default_model_dir() -> Path:
    """$SENSE_EXPLORER_MODEL, else the bundled model; SystemExit when neither is there (the CLIs' default)."""
    from elmo.embedder import bundled_model_dir

    env = settings.model_dir()
    if env:
        return env
    d = bundled_model_dir()
    if d is None:
        raise SystemExit("no model: the bundled elmo/models/en is missing; pass --model DIR")
    return d


def compare_windows(model, words: Sequence[str], windows: Sequence[Window], max_per_word: int | None = 600,
                    progress: Progress | None = None) -> pd.DataFrame:
    """Accuracy of the layer average (1-NN and logistic regression, the benchmark's folds) per biLM input
    window: one row per (word, window) with the mean input length and the embedding time."""
    say = progress or (lambda f, m: None)
    rows = []
    for w, word in enumerate(words):
        for j, window in enumerate(windows):
            say((w * len(windows) + j) / (len(words) * len(windows)), f"{word}: window {window}")
            sample = load_senseval(word, max_per_word, window=window)
            t0 = time.time()
            x = model.embed_targets(sample.tokens, sample.index).mean(1)
            seconds = time.time() - t0
            knn, lr = cv_accuracy(x, sample.senses, make_folds(sample.senses))
            rows.append({"word": word, "window": str(window), "n": len(sample),
                         "mean tokens": float(np.mean([len(t) for t in sample.tokens])),
                         "knn": knn, "logreg": lr, "embed s": seconds})
    say(1.0, "done")
    return pd.DataFrame(rows)


def _window(value: str) -> Window:
    return SENTENCE if value == SENTENCE else int(value)


def main(argv: Sequence[str] | None = None) -> int:
    if "--induction" in (sys.argv[1:] if argv is None else argv):  # the sense-induction benchmark
        return __import__("senses.induction", fromlist=["main"]).main(argv)
    if "--names" in (sys.argv[1:] if argv is None else argv):  # do the cluster names say the gold senses?
        return __import__("senses.name_eval", fromlist=["main"]).main(argv)
    ap = argparse.ArgumentParser(prog="python -m senses.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--words", default=",".join(WORDS), help="comma-separated Senseval words")
    ap.add_argument("--max-per-word", type=int, default=None, help="stratified, seeded subsample per word")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--window", type=_window, default=WINDOW,
                    help=f"biLM input: 'sentence' or N tokens on each side (default {WINDOW})")
    ap.add_argument("--compare-windows", default=None, metavar="W1,W2,..",
                    help=f"instead of the benchmark, measure the windows (e.g. sentence,10,24,40); writes {WINDOWS_MD}")
    args = ap.parse_args(argv)

    import torch

    from elmo.embedder import ELMo

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    words = [w.strip() for w in args.words.split(",") if w.strip()]
    if not senseval_available():
        print("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding corpora/senseval.zip",
              file=sys.stderr)
        return 2
    model_dir = args.model or default_model_dir()
    model = ELMo.load(model_dir)
    t0 = time.time()
    last = [""]

    def progress(f: float, msg: str) -> None:
        if msg != last[0] and "embedded" not in msg or f >= 1.0:
            print(f"[{100 * f:5.1f}% {time.time() - t0:6.0f}s] {msg}", file=sys.stderr, flush=True)
        last[0] = msg

    fmt = {"display.width": 160, "display.max_rows": 200, "display.float_format": "{:.3f}".format}
    if args.compare_windows:
        windows = [_window(v.strip()) for v in args.compare_windows.split(",") if v.strip()]
        df = compare_windows(model, words, windows, args.max_per_word, progress)
        with pd.option_context(*[x for kv in fmt.items() for x in kv]):
            print(df.to_string(index=False))
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / WINDOWS_MD
        cap = f" --max-per-word {args.max_per_word}" if args.max_per_word else ""
        path.write_text(f"# biLM input window on {CORPUS_NAME}\n\n`python -m senses.evaluate --compare-windows "
                        f"{args.compare_windows} --words {args.words}{cap}`; model `{repo_path(model_dir)}`; features: layer "
                        f"avg of the target; {N_FOLDS}-fold stratified CV (seed {SEED}); embed s = wall-clock "
                        f"seconds with {torch.get_num_threads()} torch thread(s).\n\n{markdown_table(df)}\n")
        print(f"\nwrote {path}")
        return 0
    static = shipped_vectors()
    if static is None:
        print("note: senses/static_vectors is missing, so no word2vec row (python -m senses.baselines --build)",
              file=sys.stderr)
    df = evaluate(model, words, args.max_per_word, progress, static, args.window)
    seconds = time.time() - t0
    meta = {"model": repo_path(model_dir), "corpus": CORPUS_NAME, "words": words, "max_per_word": args.max_per_word,
            "window": args.window, "folds": N_FOLDS, "seed": SEED, "seconds": round(seconds, 1),
            "static_vectors": static.meta if static is not None else None,
            "created": datetime.now(UTC).isoformat(timespec="seconds")}
    with pd.option_context(*[x for kv in fmt.items() for x in kv]):
        print(df.to_string(index=False))
        print("\nMean over words:")
        print(summary(df).to_string(index=False))
    j, m = write_results(df, args.out, meta)
    print(f"\nwrote {j} and {m} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
