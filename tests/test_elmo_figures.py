"""Guard the published figures (issue 15): the bundled model, rerun with the project's own code, must give
the model card's held-out perplexity (within +-1) and one Senseval word's accuracy (within +-0.01).

Both read elmo/models/en/MODEL_CARD.md, so a changed model, tokenizer, held-out rule or evaluation that the
card (and the README, which quotes it) does not follow fails here. They need the NLTK corpora (NLTK_DATA)
and skip with that reason without them. Cost on one core: see each test's docstring.
"""

from __future__ import annotations

import math
import re

import pytest

from elmo.embedder import bundled_model_dir
from tests.conftest import nltk_data_present

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not nltk_data_present(), reason="NLTK_DATA is not set to a folder with corpora/*.zip "
                       "(the held-out text and Senseval need the NLTK corpora)"),
]

WORD, FEATURES = "interest", "layer 2"  # the smallest Senseval word: the cheapest full-size check


def _card() -> str:
    model_dir = bundled_model_dir()
    assert model_dir is not None, "the bundled model elmo/models/en is missing: the figures cannot be checked"
    return (model_dir / "MODEL_CARD.md").read_text(encoding="utf-8")


def card_number(pattern: str) -> float:
    m = re.search(pattern, _card(), flags=re.MULTILINE)
    assert m, f"MODEL_CARD.md has no line matching {pattern!r}"
    return float(m.group(1).replace(",", ""))


def test_heldout_perplexity_matches_model_card():
    """Reads and tokenises the whole training text (elmo.train.read_sentences, as training did) to get its
    held-out part, then elmo.train.evaluate on it: 71 s of CPU on one core (3 min wall on the shared
    2-core machine at load average 7), most of it tokenising; the full held-out set, no subset."""
    import torch

    from elmo.io import load_dir
    from elmo.train import Encoded, TrainConfig, evaluate, read_sentences

    torch.set_num_threads(1)
    want_fwd = card_number(r"^\| forward \| ([\d.]+) \|")
    want_bwd = card_number(r"^\| backward \| ([\d.]+) \|")
    want_tokens = card_number(r"^- held-out tokens: ([\d,]+)")
    _, heldout = read_sentences("builtin", log=lambda _: None)
    model, vocab = load_dir(bundled_model_dir())
    data = Encoded(heldout, vocab, {}, model.cfg.char_cnn.max_characters_per_token)
    assert data.n_tokens == want_tokens
    fwd, bwd = evaluate(model, data, TrainConfig().batch_tokens)
    assert math.exp(fwd) == pytest.approx(want_fwd, abs=1.0)
    assert math.exp(bwd) == pytest.approx(want_bwd, abs=1.0)


def test_senseval_word_accuracy_matches_model_card():
    """All Senseval "interest" instances, the card's window, layer 2, both classifiers on the card's folds
    (senses.evaluate): under 30 s on one core; all 2,368 instances, no subset."""
    import torch

    from elmo.embedder import ELMo
    from senses.evaluate import cv_accuracy, layer_features, load_senseval, make_folds

    torch.set_num_threads(1)
    row = rf"^\| {WORD} \| {FEATURES} \| \d+ \| \d+ \| ([\d.]+) \| ([\d.]+) \|"
    m = re.search(row, _card(), flags=re.MULTILINE)
    assert m, f"MODEL_CARD.md has no row for {WORD} / {FEATURES}"
    want_knn, want_lr = float(m.group(1)), float(m.group(2))
    sample = load_senseval(WORD)
    model = ELMo.load(bundled_model_dir())
    x = layer_features(model.embed_targets(sample.tokens, sample.index))[FEATURES]
    knn, lr = cv_accuracy(x, sample.senses, make_folds(sample.senses))
    assert lr == pytest.approx(want_lr, abs=0.01)
    assert knn == pytest.approx(want_knn, abs=0.01)
