"""Projection to 2D and sense clustering with an automatic number of senses.

Plain functions over numpy arrays (scikit-learn / umap-learn underneath); no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

ONE_SENSE_SILHOUETTE = 0.05  # below this best silhouette, the occurrences are called one sense
NULL_MARGIN = 0.02  # ... and also when it does not beat a single Gaussian blob by this much
PROJECTIONS = ("PCA", "UMAP", "t-SNE")


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
            min_silhouette: float = ONE_SENSE_SILHOUETTE) -> Clustering:
    """Cluster occurrence vectors by cosine; k=None picks k in 1..k_max by silhouette.

    Rule for one sense: k = 1 when the best silhouette over k >= 2 is below `min_silhouette` or does
    not beat, by NULL_MARGIN, the best silhouette of the same sweep on a single Gaussian blob with the
    data's mean and covariance. Splits leaving a cluster under 2 % of the points (and < 3) are skipped.
    """
    x = normalize(np.asarray(x, dtype=np.float32))
    n = len(x)
    if n == 0:
        return Clustering(np.zeros(0, int), 0, 0.0, {}, k is None)
    if k is not None:
        k = max(1, min(int(k), n))
        labels = _relabel(_fit(x, k, seed))
        sil = float(silhouette_score(x, labels, metric="cosine")) if 1 < k < n else 0.0
        return Clustering(labels, k, sil, {k: sil} if k > 1 else {}, False)
    scores, fits = _sweep(x, k_max, seed)
    best = max(scores, key=scores.get) if scores else 1
    if best == 1 or scores[best] < max(min_silhouette, _null_silhouette(x, k_max, seed) + NULL_MARGIN):
        return Clustering(np.zeros(n, dtype=int), 1, 0.0, scores, True)
    return Clustering(_relabel(fits[best]), best, scores[best], scores, True)


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


def _null_silhouette(x: np.ndarray, k_max: int, seed: int) -> float:
    """Best silhouette the same sweep reaches on one Gaussian blob with x's mean and covariance."""
    rng = np.random.default_rng(seed)
    centred = x - x.mean(0)
    # sample from N(mean, cov) through the data's own principal directions
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    z = rng.standard_normal((len(x), len(s))) * (s / np.sqrt(max(len(x) - 1, 1)))
    null = normalize(x.mean(0) + z @ vt)
    scores, _ = _sweep(null, k_max, seed)
    return max(scores.values(), default=0.0)
