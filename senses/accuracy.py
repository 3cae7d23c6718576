"""How well target vectors tell gold senses apart, on NLTK's `senseval` data (corpora.senseval): the
word-sense accuracy that the Model and Static pages compute and `python -m benchmarks.evaluate` writes to
benchmarks/results/evaluation.json.

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
other four folds, and the accuracy is the fraction predicted right. scalar_mix_probe: the biLM as a frozen
feature extractor (the Model page's probe, probe_figure / probe_weights); summary_figure: the mean over
words.

Plain functions returning DataFrames and plotly figures; no streamlit here.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import sparse

from corpora.senseval import BASELINE_WINDOW, SEED, WINDOW, WORDS, Window, WordSample, load_senseval

from .baselines import StaticVectors, bow_matrix, shipped_vectors
from .cluster import cluster, normalize
from .measured import RESULTS_DIR

N_FOLDS = 5
AVG = "layer avg"
STATIC = "char-CNN context ±5"
BOW = "bag of words ±5 + target"
W2V = "word2vec ±5 + target"
MEANING = "average of meanings"
MFS = "most frequent sense"
RESULTS_JSON = "evaluation.json"  # in benchmarks/results (senses.measured.RESULTS_DIR)
RESULTS = RESULTS_DIR / RESULTS_JSON
COLUMNS = ["word", "features", "n", "senses", "knn", "logreg", "ari_auto", "ari_forms", "k_auto", "ari_gold_k",
           "ari_forms_k"]

Progress = Callable[[float, str], None]  # (fraction done 0..1, message)


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


def form_mean_vectors(vectors: np.ndarray, forms: Sequence[str]) -> np.ndarray:
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


# ---- the per-word table --------------------------------------------------------------------------


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
    feats[MEANING] = form_mean_vectors(feats[AVG], forms)
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



def read_results(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """The table and metadata of an evaluation.json written by write_results."""
    payload = json.loads(Path(path).read_text())
    rows = payload.pop("rows")
    cols = payload.pop("columns", COLUMNS)
    return _typed(pd.DataFrame(rows, columns=cols)), payload


def summary_figure(df: pd.DataFrame) -> go.Figure:
    """Bar chart of the 1-NN and logistic-regression accuracy per feature set, mean over words (summary)."""
    s = summary(df)
    fig = go.Figure([go.Bar(x=s["features"], y=s[c], name=c) for c in ("knn", "logreg")])
    fig.update_layout(title="Accuracy, mean over words", yaxis={"range": [0, 1]}, barmode="group", height=340,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


# ---- the biLM as a frozen feature extractor: scalar mix probe -------------------------------------


def probe_word(model, word: str, n: int, steps: int = 300) -> dict:
    """scalar_mix_probe on the model's vectors of a stratified sample of `n` Senseval instances of `word`."""
    sample = load_senseval(word, n)
    return scalar_mix_probe(model.embed_targets(sample.tokens, sample.index), sample.senses, steps=steps)


def probe_figure(out: dict, word: str) -> go.Figure:
    """Bar chart of a scalar_mix_probe result's test accuracy per layer and of the scalar mix."""
    acc = out["accuracy"]
    fig = go.Figure(go.Bar(x=list(acc), y=list(acc.values()), text=[f"{v:.2f}" for v in acc.values()]))
    fig.update_layout(title=f"'{word}': test accuracy ({out['n_test']} held out)", yaxis={"range": [0, 1]},
                      height=320, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def probe_weights(out: dict) -> pd.DataFrame:
    """A scalar_mix_probe result's learned layer weights (softmax-normalised), to 3 decimals."""
    return pd.DataFrame({"layer": [f"layer {i}" for i in range(len(out["weights"]))],
                         "learned weight": np.round(out["weights"], 3)})


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


