"""The benchmark's candidate representations beyond those the Explorer offers, built from senses.represent's parts.

* ``no-layer-0``: the mix of layers 1..L-1 only;
* ``form-centred``: ``no-layer-0`` minus the mean vector of the occurrence's surface form (FormCentred);
* ``layer-0-residual``: ``no-layer-0`` minus its ridge regression on layer 0 (the form's own vector);
* ``substitutes``: the substitutes' TF-IDF bags reduced by LSA (WordBags);
* ``context``: the same for the lemmatised content words within CONTEXT_WINDOW tokens;
* ``substitutes+context``: one bag of both;
* ``substitutes+context+form-centred``: that LSA vector beside FORM_WEIGHT x the form-centred layer vectors;
* ``context-vectors``: the Word2Vec context vectors alone (ContextVectors; occurrences without a known context
  word share one direction).

CATALOGUE holds these and the Explorer's own (senses.represent.REPRESENTATIONS), by id; representer(id)
builds any of them: senses.explore.analyse(..., catalogue=CATALOGUE) runs it as the Explorer would.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline

from senses.cluster import normalize
from senses.represent import (
    CONTEXT_WORDS,
    LAYER_FIELD,
    MIX,
    REPRESENTATIONS,
    SUBSTITUTES_FIELD,
    Build,
    ContextVectors,
    FormCentred,
    LayerMix,
    Occurrences,
    Part,
    Representer,
    WordBags,
    upper_layers,
    weighted,
)

NO_LAYER_0 = "no-layer-0"
FORM_CENTRED = "form-centred"
LAYER_0_RESIDUAL = "layer-0-residual"
SUBSTITUTES = "substitutes"
CONTEXT = "context"
SUBSTITUTES_CONTEXT = "substitutes+context"
SUBSTITUTES_CONTEXT_FORM_CENTRED = "substitutes+context+form-centred"
CONTEXT_VECTORS = "context-vectors"
FORM_WEIGHT = 0.5  # weight of the form-centred layer vectors beside the unit-length bag-of-words LSA vectors
RIDGE_ALPHA = 1.0


def layer0_residual(x: np.ndarray, layer0: np.ndarray, alpha: float = RIDGE_ALPHA) -> np.ndarray:
    """x minus its ridge regression on the layer-0 (form) vectors, fitted over these occurrences."""
    x = np.asarray(x, np.float32)
    if len(x) < 2:
        return x - x.mean(0) if len(x) else x.copy()
    return (x - Ridge(alpha=alpha).fit(layer0, x).predict(layer0)).astype(np.float32)


class UpperLayers(LayerMix):
    """The mix of layers 1..L-1 (layer 0, the form itself, left out), or one layer."""

    def transform(self, occ: Occurrences) -> np.ndarray:
        return upper_layers(self._field(occ, LAYER_FIELD), self.layer, self.weights)


class Layer0Residual(UpperLayers):
    """Unit-length UpperLayers minus their ridge regression on layer 0 (its forward half), fitted on the
    occurrences it maps: it cannot place new ones."""

    def fit(self, occ: Occurrences, y=None) -> Layer0Residual:
        self.fitted_ = True
        return self

    def fit_transform(self, occ: Occurrences, y=None) -> np.ndarray:
        self.fit(occ)
        layers = np.asarray(self._field(occ, LAYER_FIELD), np.float32)
        return layer0_residual(normalize(super().transform(occ)), layers[:, 0, : layers.shape[2] // 2])

    def transform(self, occ: Occurrences) -> np.ndarray:
        raise ValueError("the layer-0 residual cannot place new occurrences")


class ContextVectorsAlone(ContextVectors):
    """ContextVectors on their own: an occurrence without known context words (a zero row) gets one shared
    direction."""

    def transform(self, occ: Occurrences) -> np.ndarray:
        c = super().transform(occ)
        c[np.linalg.norm(c, axis=1) < 1e-9] = 1.0 / np.sqrt(c.shape[1])
        return c


def _no_layer_0(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return UpperLayers(layer, weights)


def _form_centred(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return FormCentred(layer, weights)


def _residual(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return Layer0Residual(layer, weights)


def _substitutes(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return WordBags((SUBSTITUTES_FIELD,), seed=seed)


def _context(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return WordBags((CONTEXT_WORDS,), seed=seed)


def _substitutes_context(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return WordBags((SUBSTITUTES_FIELD, CONTEXT_WORDS), seed=seed)


def _substitutes_context_form_centred(layer: int | str, weights: Sequence[float] | None, seed: int) -> Pipeline:
    return weighted(("substitutes + context words", WordBags((SUBSTITUTES_FIELD, CONTEXT_WORDS), seed=seed), None),
                    ("form-centred", FormCentred(layer, weights), FORM_WEIGHT))


def _context_vectors(layer: int | str, weights: Sequence[float] | None, seed: int) -> Part:
    return ContextVectorsAlone()


CATALOGUE: dict[str, Build] = {
    **REPRESENTATIONS,
    CONTEXT_VECTORS: _context_vectors,
    SUBSTITUTES_CONTEXT_FORM_CENTRED: _substitutes_context_form_centred,
    SUBSTITUTES_CONTEXT: _substitutes_context,
    SUBSTITUTES: _substitutes,
    CONTEXT: _context,
    FORM_CENTRED: _form_centred,
    LAYER_0_RESIDUAL: _residual,
    NO_LAYER_0: _no_layer_0,
}


def representer(representation: str, layer: int | str = MIX, weights: Sequence[float] | None = None,
                seed: int = 0) -> Representer:
    """The unfitted Representer of any candidate id of CATALOGUE."""
    return Representer(representation, layer, weights, seed, CATALOGUE)
