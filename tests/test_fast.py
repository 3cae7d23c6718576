"""The training-time biLM (elmo.fast) computes exactly our BiLM's numbers, and converts both ways."""

from __future__ import annotations

import pytest
import torch

from elmo.characters import batch_to_ids
from elmo.config import ELMoConfig
from elmo.fast import TrainBiLM, from_bilm, to_bilm
from elmo.model import BiLM

WORDS = "the river bank was muddy after rain ; she deposited cash at a bank".split()


def small_config(clip: float | None) -> ELMoConfig:
    cfg = ELMoConfig(n_tokens_vocab=30, softmax_cutoffs=[10])
    cfg.char_cnn.filters = [[1, 8], [2, 8], [3, 16]]
    cfg.char_cnn.embedding_dim = 8
    cfg.lstm.dim, cfg.lstm.projection_dim = 32, 16
    cfg.lstm.cell_clip = cfg.lstm.proj_clip = clip
    return cfg


def randomise(model: torch.nn.Module) -> None:
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.3)


def fast_inputs(sents: list[list[str]], max_chars: int):
    """Type ids / lengths / char table for TrainBiLM from the same sentences as batch_to_ids."""
    chars = batch_to_ids(sents, max_chars)  # (B, T, C)
    table, ids = torch.unique(chars.view(-1, max_chars), dim=0, return_inverse=True)
    lengths = torch.tensor([len(s) + 2 for s in sents])
    return chars, ids.view(chars.shape[:2]), lengths, table.short()


@pytest.mark.parametrize("clip", [None, 3.0])
def test_converted_module_computes_the_models_numbers(clip):
    """cuDNN-layout training module vs BiLM on random input (CPU nn.LSTM; clip: the exact step loop)."""
    bilm = BiLM(small_config(clip))
    randomise(bilm)
    bilm.eval()
    fast = from_bilm(bilm).eval()
    sents = [WORDS, WORDS[:5], WORDS[3:9]]
    chars, ids, lengths, table = fast_inputs(sents, bilm.cfg.char_cnn.max_characters_per_token)
    with torch.no_grad():
        out = bilm(chars)
        fwd, bwd = fast.top_layers(ids, lengths, table)
    mask = out.mask.unsqueeze(-1)
    assert torch.allclose(fwd * mask, out.forward[-1], atol=1e-5)
    assert torch.allclose(bwd * mask, out.backward[-1], atol=1e-5)
    assert out.forward[-1].abs().max() > 0.05  # random weights give non-trivial states
    # the same LM losses, padded and unpadded
    targets = torch.arange(len(table)) % 30
    lf, lb, n = fast.type_lm_loss(ids, lengths, table, targets)
    ref_f, ref_b = bilm.lm_loss(chars, targets[ids].masked_fill(~out.mask, -1))
    assert int(n) == int((lengths - 1).sum()) and torch.allclose(lf, ref_f, atol=1e-5)
    assert torch.allclose(lb, ref_b, atol=1e-5)
    same = [WORDS[:6], WORDS[6:12]]
    chars, ids, lengths, table = fast_inputs(same, bilm.cfg.char_cnn.max_characters_per_token)
    targets = torch.arange(len(table)) % 30
    lf, lb, _ = fast.type_lm_loss(ids, lengths, table, targets)
    ref_f, ref_b = bilm.lm_loss(chars, targets[ids])
    assert torch.allclose(lf, ref_f, atol=1e-5) and torch.allclose(lb, ref_b, atol=1e-5)


def test_round_trip_is_exact():
    bilm = BiLM(small_config(None))
    randomise(bilm)
    back = to_bilm(from_bilm(bilm))
    a, b = bilm.state_dict(), back.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_fused_lstm_runs_without_clipping_only():
    fast = TrainBiLM(small_config(None))
    layer = fast.forward_layers[0]
    assert isinstance(layer.lstm, torch.nn.LSTM) and layer.lstm.proj_size == 16
    assert not layer.cell_clip and not layer.proj_clip
    assert TrainBiLM(small_config(3.0)).forward_layers[0].cell_clip == 3.0  # the step loop keeps clipping


def test_dropout_only_in_training_mode():
    torch.manual_seed(0)
    fast = TrainBiLM(small_config(None), dropout=0.5)
    _, ids, lengths, table = fast_inputs([WORDS], 50)
    fast.eval()
    a = fast.top_layers(ids, lengths, table)[0]
    assert torch.equal(a, fast.top_layers(ids, lengths, table)[0])
    fast.train()
    assert not torch.allclose(a, fast.top_layers(ids, lengths, table)[0])
