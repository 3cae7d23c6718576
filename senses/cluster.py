"""Projection to 2D and sense clustering with an automatic number of senses.

Plain functions over numpy arrays (scikit-learn / umap-learn underneath); no streamlit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

ONE_SENSE_SILHOUETTE = 0.05  # below this best silhouette, the occurrences are called one sense
NULL_MARGIN = 0.02  # ... and also when it does not beat a single Gaussian blob by this much
PROJECTIONS = ("PCA", "UMAP", "t-SNE")
SILHOUETTE = "silhouette"  # auto-k: best silhouette of average-linkage cuts, tested against a one-blob null
MERGE = "merge small"  # auto-k: over-cluster, fold clusters under MIN_SHARE into the nearest large one, refine
AUTO_K = (MERGE, SILHOUETTE)
OVER_K = 8  # clusters of the first, deliberate over-clustering (at most k_max)
MIN_OVER_SIZE = 6  # few occurrences: over-cluster into at most n / MIN_OVER_SIZE clusters
MIN_SHARE = 0.1  # a cluster with fewer occurrences than this share is folded into its nearest large neighbour
MIN_GROUP = 3  # ... and one with fewer than this many
NULL_SAMPLES = 2  # merge-small's null: the best of this many blobs, so one lucky blob does not decide
REFINE = 3  # spherical k-means steps from the kept clusters' centroids


def normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (cosine geometry)."""
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


@dataclass
class Projection:
    coords: np.ndarray  # (n, 2)
    explained: list[float] = field(default_factory=list)  # PCA: variance ratio per axis
    method: str = "PCA"
    pca: PCA | None = None  # fitted PCA, to place new points (your own sentence) on the same plot

    def transform(self, x: np.ndarray) -> np.ndarray | None:
        return None if self.pca is None else self.pca.transform(normalize(x))


def _numba_cache() -> None:
    """numba (under umap) keeps its compiled functions beside umap, or in the data folder (corpora.settings)."""
    from importlib.util import find_spec

    from corpora import settings

    spec = find_spec("umap")
    settings.keep_numba_cache(Path(spec.origin).parent if spec and spec.origin else None)


class UmapWarmUp:
    """Compiles UMAP's numba functions (~10-20 s) in a daemon thread, once its user has been idle for
    `idle_s` (touch(busy) says when work starts and ends: the compilation slows whatever runs beside it)."""

    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self.last_activity = time.monotonic()
        self.busy = True
        self.done = threading.Event()
        threading.Thread(target=self._run, name="umap-warm-up", daemon=True).start()

    def touch(self, busy: bool) -> None:
        self.busy, self.last_activity = busy, time.monotonic()

    def _run(self) -> None:
        while self.busy or time.monotonic() - self.last_activity < self.idle_s:
            time.sleep(0.5)
        try:
            project(np.random.default_rng(0).standard_normal((40, 16)).astype(np.float32), method="UMAP")
        except Exception:  # noqa: BLE001 - a failed warm-up only means the first UMAP view compiles
            pass
        self.done.set()


def project(x: np.ndarray, method: str = "PCA", seed: int = 0) -> Projection:
    """2D coordinates of (n, d) vectors, cosine-normalised first."""
    x = normalize(np.asarray(x, dtype=np.float32))
    n = len(x)
    if n < 2:
        return Projection(np.zeros((n, 2), np.float32), [0.0, 0.0], method)
    if method == "PCA":
        pca = PCA(n_components=min(2, n, x.shape[1]), random_state=seed).fit(x)
        c = pca.transform(x)
        if c.shape[1] < 2:
            c = np.pad(c, ((0, 0), (0, 2 - c.shape[1])))
        return Projection(c, [float(v) for v in pca.explained_variance_ratio_], method, pca)
    if method == "UMAP":
        _numba_cache()
        import umap

        nn = max(2, min(15, n - 1))
        c = umap.UMAP(n_neighbors=nn, random_state=seed, metric="cosine", init="random" if n < 5 else "spectral",
                      n_jobs=1).fit_transform(x)
        return Projection(np.asarray(c), [], method)
    if method == "t-SNE":
        from sklearn.manifold import TSNE

        c = TSNE(perplexity=max(1.0, min(30.0, (n - 1) / 3)), random_state=seed, init="pca",
                 metric="cosine").fit_transform(x)
        return Projection(np.asarray(c), [], method)
    raise ValueError(f"unknown projection {method!r}; choose one of {', '.join(PROJECTIONS)}")


@dataclass
class Clustering:
    labels: np.ndarray  # (n,) cluster index per occurrence, 0..k-1, largest cluster first
    k: int
    silhouette: float  # of the chosen k (0 when k == 1)
    scores: dict[int, float]  # silhouette per tried k >= 2
    auto: bool  # k chosen automatically
    null_scores: dict[int, float] = field(default_factory=dict)  # auto-k: what one random blob reaches, per k

    def centroids(self, x: np.ndarray) -> np.ndarray:
        x = normalize(x)
        return np.stack([x[self.labels == c].mean(0) for c in range(self.k)])


def _fit(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    if k == 1:
        return np.zeros(len(x), dtype=int)
    if len(x) <= 2000:
        return AgglomerativeClustering(n_clusters=k, linkage="average", metric="cosine").fit_predict(x)
    return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(x)


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Renumber clusters by size, largest first (stable names across runs)."""
    sizes = np.bincount(labels)
    order = np.argsort(-sizes, kind="stable")
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    return remap[labels]


def cluster(x: np.ndarray, k: int | None = None, k_max: int = 8, seed: int = 0,
            min_silhouette: float = ONE_SENSE_SILHOUETTE, auto: str = SILHOUETTE) -> Clustering:
    """Cluster occurrence vectors by cosine; k=None picks the number of senses with the `auto` rule.

    SILHOUETTE: k in 1..k_max by silhouette of average-linkage cuts; k = 1 when the best silhouette over
    k >= 2 is below `min_silhouette` or does not beat, by NULL_MARGIN, the best silhouette of the same
    sweep on a single Gaussian blob with the data's mean and covariance. Splits leaving a cluster under
    2 % of the points (and < 3) are skipped.
    MERGE: see merge_small; k = 1 when a single cluster is kept, or when the silhouette of the result does
    not beat, by NULL_MARGIN, that of a single Gaussian blob (as above) cut into as many clusters.
    """
    if auto not in AUTO_K:
        raise ValueError(f"unknown auto-k rule {auto!r}; choose one of {', '.join(AUTO_K)}")
    x = normalize(np.asarray(x, dtype=np.float32))
    n = len(x)
    if n == 0:
        return Clustering(np.zeros(0, int), 0, 0.0, {}, k is None)
    if k is not None:
        k = max(1, min(int(k), n))
        labels = _relabel(_fit(x, k, seed) if auto == SILHOUETTE else merge_small(x, k=k))
        k = int(labels.max()) + 1
        sil = float(silhouette_score(x, labels, metric="cosine")) if 1 < k < n else 0.0
        return Clustering(labels, k, sil, {k: sil} if k > 1 else {}, False)
    if auto == MERGE:
        return _merge_auto(x, min(OVER_K, k_max), seed, min_silhouette)
    scores, fits = _sweep(x, k_max, seed)
    best = max(scores, key=scores.get) if scores else 1
    null = _null_scores(x, k_max, seed) if best > 1 else {}
    if best == 1 or scores[best] < max(min_silhouette, max(null.values(), default=0.0) + NULL_MARGIN):
        return Clustering(np.zeros(n, dtype=int), 1, 0.0, scores, True, null)
    return Clustering(_relabel(fits[best]), best, scores[best], scores, True, null)


def merge_small(x: np.ndarray, k: int | None = None, over_k: int = OVER_K, min_share: float = MIN_SHARE,
                refine: int = REFINE) -> np.ndarray:
    """Labels from average-linkage (cosine) clustering with small clusters folded into large ones.

    k=None: cut the tree into `over_k` clusters (at most n / MIN_OVER_SIZE), keep those holding >= min_share of the points (and >= 3),
    assign every point to the nearest kept centroid and run `refine` spherical k-means steps; one kept
    cluster means one sense. With k: cut into k clusters and refine them the same way."""
    x = normalize(np.asarray(x, dtype=np.float32))
    n = len(x)
    if n < 3 or k == 1:
        return np.zeros(n, dtype=int)
    cut = min(k or min(over_k, max(2, n // MIN_OVER_SIZE)), n - 1)
    labels = AgglomerativeClustering(n_clusters=cut, linkage="average", metric="cosine").fit_predict(x)
    sizes = np.bincount(labels, minlength=cut)
    keep = list(range(cut)) if k else [c for c in range(cut) if sizes[c] >= max(MIN_GROUP, min_share * n)]
    if len(keep) <= 1:
        return np.zeros(n, dtype=int)
    cent = normalize(np.stack([x[labels == c].mean(0) for c in keep]))
    out = np.argmax(x @ cent.T, 1)
    for _ in range(refine):
        cent = normalize(np.stack([x[out == c].mean(0) if (out == c).any() else cent[c] for c in range(len(keep))]))
        out = np.argmax(x @ cent.T, 1)
    return np.unique(out, return_inverse=True)[1]


def _merge_auto(x: np.ndarray, over_k: int, seed: int, min_silhouette: float) -> Clustering:
    """merge_small, then the merges of the two closest centroids down to 2 clusters; of these partitions,
    the one whose silhouette beats most that of single Gaussian blobs like x cut into as many clusters
    (the best of NULL_SAMPLES blobs).
    One sense when none beats it by NULL_MARGIN (or reaches min_silhouette)."""
    n = len(x)
    labels = merge_small(x, over_k=over_k)
    k = int(labels.max()) + 1 if n else 0
    one = Clustering(np.zeros(n, dtype=int), 1, 0.0, {}, True)
    if k < 2 or k >= n:
        return one
    nulls = [_null_sample(x, seed + i) for i in range(NULL_SAMPLES)]
    scores: dict[int, float] = {}
    null_scores: dict[int, float] = {}
    best: tuple[float, np.ndarray, float] | None = None
    while True:
        sil = float(silhouette_score(x, labels, metric="cosine"))
        null_sil = max(_silhouette(null, merge_small(null, k=k)) for null in nulls)
        scores[k], null_scores[k] = sil, null_sil
        if sil >= min_silhouette and sil - null_sil >= NULL_MARGIN and (best is None or sil - null_sil > best[0]):
            best = (sil - null_sil, labels, sil)
        if k <= 2:
            break
        cent = normalize(np.stack([x[labels == c].mean(0) for c in range(k)]))
        a, b = np.unravel_index(np.argmax(cent @ cent.T - 2 * np.eye(k)), (k, k))
        labels = np.unique(np.where(labels == b, a, labels), return_inverse=True)[1]
        k -= 1
    if best is None:
        return Clustering(one.labels, 1, 0.0, scores, True, null_scores)
    return Clustering(_relabel(best[1]), int(best[1].max()) + 1, best[2], scores, True, null_scores)


def _silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    return float(silhouette_score(x, labels, metric="cosine")) if 1 < labels.max() + 1 < len(x) else 0.0


def _sweep(x: np.ndarray, k_max: int, seed: int) -> tuple[dict[int, float], dict[int, np.ndarray]]:
    n = len(x)
    scores: dict[int, float] = {}
    fits: dict[int, np.ndarray] = {}
    for kk in range(2, min(k_max, n - 1) + 1):
        labels = _fit(x, kk, seed)
        sizes = np.bincount(labels, minlength=kk)
        if sizes.min() < max(3, 0.02 * n) and n >= 20:
            continue  # a split that only peels off outliers is not a sense
        scores[kk] = float(silhouette_score(x, labels, metric="cosine", sample_size=min(n, 3000), random_state=seed))
        fits[kk] = labels
    return scores, fits


def _null_sample(x: np.ndarray, seed: int) -> np.ndarray:
    """As many points from one Gaussian blob with x's mean and covariance (unit length, like x)."""
    rng = np.random.default_rng(seed)
    centred = x - x.mean(0)
    # sample from N(mean, cov) through the data's own principal directions
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    z = rng.standard_normal((len(x), len(s))) * (s / np.sqrt(max(len(x) - 1, 1)))
    return normalize(x.mean(0) + z @ vt)


def _null_scores(x: np.ndarray, k_max: int, seed: int) -> dict[int, float]:
    """Silhouette per k of the same sweep on one Gaussian blob with x's mean and covariance (the split must
    beat the best of them)."""
    scores, _ = _sweep(_null_sample(x, seed), k_max, seed)
    return scores
