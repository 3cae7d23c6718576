"""Guard the published figures: the bundled model, rerun with the project's own code, must give
the model card's held-out perplexity (within +-1) and one Senseval word's accuracy (within +-0.01).

Both read elmo/models/en/MODEL_CARD.md, so a changed model, tokenizer, held-out rule or evaluation that the
card (and docs/benchmarks.md, written from the results) does not follow fails here. They need the NLTK corpora (NLTK_DATA)
and skip with that reason without them. Cost on one core: see each test's docstring.
"""

from __future__ import annotations

import math
import re

import pytest

from elmo.embedder import ELMo, bundled_model_dir
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
    """The card's held-out split (documents with md5(text) % 1000 < 20, today's corpora), tokenised as for
    training (elmo.pack), cut into the card's <= 48-token pieces and scored by elmo.train.evaluate. Only the
    held-out documents are tokenised, so this takes about a minute on one core."""
    import torch

    from corpora.builtin import builtin_documents
    from elmo.characters import BOS_TOKEN, EOS_TOKEN, word_to_ids
    from elmo.fast import from_bilm
    from elmo.pack import BASE_CORPORA, Pack, is_heldout
    from elmo.train import Data, Sequences, TrainConfig, evaluate

    torch.set_num_threads(1)
    want_fwd = card_number(r"^\| forward \| ([\d.]+) \|")
    want_bwd = card_number(r"^\| backward \| ([\d.]+) \|")
    want_tokens = card_number(r"^- held-out tokens: ([\d,]+)")
    sources = [(n, (d for d in builtin_documents(n) if is_heldout(d.text))) for n in BASE_CORPORA]
    pack = Pack.from_documents(sources, log=lambda _: None)
    model = ELMo.load(bundled_model_dir())
    tc = TrainConfig(device="cpu", batch_tokens=4096)
    words = [*pack.types, BOS_TOKEN, EOS_TOKEN]
    max_chars = model.config.char_cnn.max_characters_per_token
    chars = torch.tensor([word_to_ids(w, max_chars) for w in words], dtype=torch.int16)
    targets = torch.tensor([model.vocab.id(w) for w in words])
    cpu = torch.device("cpu")
    seqs = Sequences.from_pack(pack, pack.sentence_mask(True), tc.eval_max_len, 0, len(words) - 2, len(words) - 1, cpu)
    assert seqs.n_tokens == want_tokens
    fwd, bwd = evaluate(from_bilm(model.bilm), seqs, Data(seqs, {}, chars, targets, model.vocab), tc)
    assert math.exp(fwd) == pytest.approx(want_fwd, abs=1.0)
    assert math.exp(bwd) == pytest.approx(want_bwd, abs=1.0)


def test_senseval_word_accuracy_matches_model_card():
    """All Senseval "interest" instances, the card's window, layer 2, both classifiers on the card's folds
    (senses.accuracy): under 30 s on one core; all 2,368 instances, no subset."""
    import torch

    from corpora.senseval import load_senseval
    from elmo.embedder import ELMo
    from senses.accuracy import cv_accuracy, layer_features, make_folds

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
