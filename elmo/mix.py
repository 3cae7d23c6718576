"""The scalar mix of ELMo layers in numpy (the one numpy definition; elmo.model.ScalarMix is the torch one).

    mixed = scalar_mix(vectors, weights=[0, 0, 0], gamma=1.0, axis=1)   # (n, L, D) -> (n, D)

gamma * sum_k softmax(weights)_k * layer_k (Peters et al. 2018); equal weights give the mean of the layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIX = "mix"  # the layer choice that means "the scalar mix" (elmo.embed --layer, senses.explore)


def softmax(weights: Sequence[float]) -> np.ndarray:
    """Normalised mix weights (float64), as ScalarMix.normed_weights."""
    w = np.asarray(weights, dtype=np.float64)
    e = np.exp(w - w.max())
    return e / e.sum()


def scalar_mix(layers: np.ndarray, weights: Sequence[float] | None = None, gamma: float = 1.0,
               axis: int = 0) -> np.ndarray:
    """Mix the layers along `axis` (default 0, as ScalarMix: (L, ..., D)) -> float32, `axis` removed.

    weights: one unnormalised scalar per layer (None = equal weights)."""
    layers = np.asarray(layers, dtype=np.float32)
    n_layers = layers.shape[axis]
    w = softmax(weights if weights is not None else [0.0] * n_layers)
    if w.shape != (n_layers,):
        raise ValueError(f"{w.size} mix weights for {n_layers} layers")
    mixed = np.tensordot(layers, w.astype(np.float32), axes=([axis], [0]))
    return (np.float32(gamma) * mixed).astype(np.float32, copy=False)
