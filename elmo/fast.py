"""Training-time biLM: elmo.model.BiLM itself, fed in the layout that trains fast.

- one nn.LSTM with proj_size per layer and direction (cuDNN on CUDA, the fused kernel on CPU): it
  is elmo.model.ProjectedLSTM itself, whose weights are already in nn.LSTM layout (gates i, f, g, o;
  bilm-tf's forget bias of 1 folded into bias_ih), so the LSTM weights convert as they are;
- BiLM's own char-CNN (conv1d), run on the distinct word types of a batch;
- each distinct word *type* of a batch is encoded once (types, not character rows, are made unique);
- dropout on every LSTM input and on the top layer before the softmax, as bilm-tf (ELMo: 0.1).

With cell or projection clipping nn.LSTM cannot run (it has no clip); ProjectedLSTM then falls back to
its step loop (exact, and much slower: benchmarks/bench_lstm_clip.py measures the cost).
"""

from __future__ import annotations

import torch

from .config import ELMoConfig
from .model import BiLM, reverse_padded


class TrainBiLM(BiLM):
    """BiLM for training: input word-type ids, a char table and a target table; dropout inside.

    The same modules, parameters, LSTM stacks and loss (BiLM.pair_losses) as BiLM; only the input layout
    differs: each distinct word type of a batch is encoded once by the char-CNN."""

    def __init__(self, cfg: ELMoConfig, dropout: float = 0.1):
        if not cfg.n_tokens_vocab:
            raise ValueError("training needs an LM head: set n_tokens_vocab")
        super().__init__(cfg, dropout)

    def top_layers(self, ids: torch.Tensor, lengths: torch.Tensor, chars: torch.Tensor
                   ) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, T) type ids with boundaries, lengths (B,), chars (n_types, C) -> top fwd, bwd (B, T, P)."""
        uniq, inverse = torch.unique(ids, return_inverse=True)
        mask = (torch.arange(ids.shape[1], device=ids.device) < lengths.unsqueeze(1)).unsqueeze(-1)
        token = self.token_encoder.encode(chars[uniq].long())[inverse] * mask
        fwd = self._stack(self.forward_layers, token)[-1]
        bwd = reverse_padded(self._stack(self.backward_layers, reverse_padded(token, lengths))[-1], lengths)
        return fwd, bwd

    def type_lm_loss(self, ids: torch.Tensor, lengths: torch.Tensor, chars: torch.Tensor, targets: torch.Tensor
                     ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Mean forward and backward losses (nats/token) and the number of predictions per direction.

        targets (n_types,) maps a type id to its vocabulary id; positions past a sequence's length are ignored.
        """
        fwd, bwd = self.top_layers(ids, lengths, chars)
        valid = torch.arange(ids.shape[1], device=ids.device) < lengths.unsqueeze(1)  # (B, T)
        keep = valid[:, 1:]  # t+1 inside the sequence, so t too
        lf, lb = self.pair_losses(fwd, bwd, targets[ids], keep)
        return lf, lb, keep.sum()


# ---- conversion: TrainBiLM <-> BiLM (exact: the same modules and parameter names) ----------------


def to_bilm(model: TrainBiLM) -> BiLM:
    """A BiLM (CPU, float32, eval mode) with the trained weights."""
    state = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    with torch.random.fork_rng(devices=[]):  # building BiLM draws initial weights: keep training's RNG as it was
        bilm = BiLM(model.cfg)
    bilm.load_state_dict(state)
    return bilm.eval()


def from_bilm(bilm: BiLM, dropout: float = 0.1) -> TrainBiLM:
    model = TrainBiLM(bilm.cfg, dropout)
    model.load_state_dict({k: v.detach().clone() for k, v in bilm.state_dict().items()})
    return model
