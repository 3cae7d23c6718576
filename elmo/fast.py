"""Training-time biLM: the same cell and weights as elmo.model.BiLM, laid out for fast training.

- one nn.LSTM with proj_size per layer and direction (cuDNN on CUDA, the fused kernel on CPU): it
  is elmo.model.ProjectedLSTM itself, whose weights are already in nn.LSTM layout (gates i, f, g, o;
  bilm-tf's forget bias of 1 folded into bias_ih), so the LSTM weights convert as they are;
- conv1d char-CNN (the same numbers as BiLM's, whose conv weights are stored as conv_w (width*E, n) <->
  conv1d (n, E, width));
- each distinct word *type* of a batch is encoded once (types, not character rows, are made unique);
- dropout on every LSTM input and on the top layer before the softmax, as bilm-tf (ELMo: 0.1).

With cell or projection clipping nn.LSTM cannot run (it has no clip); ProjectedLSTM then falls back to
its step loop (exact, and much slower: benchmarks/bench_lstm_clip.py measures the cost).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ELMoConfig
from .model import BiLM, Highway, ProjectedLSTM, char_embedding, reverse_padded


class ConvCharCNN(nn.Module):
    """Character ids (N, C) -> token vectors (N, P); conv1d version of elmo.model.CharCNN.encode."""

    def __init__(self, cfg: ELMoConfig):
        super().__init__()
        cc = cfg.char_cnn
        self.char_embed = char_embedding(cc.n_characters, cc.embedding_dim)
        self.convs = nn.ModuleList(nn.Conv1d(cc.embedding_dim, n, w) for w, n in cc.filters)
        for c in self.convs:  # BiLM's initialisation
            nn.init.uniform_(c.weight, -0.05, 0.05)
            nn.init.zeros_(c.bias)
        self.highway = Highway(cc.n_filters, cc.n_highway)
        self.projection = nn.Linear(cc.n_filters, cfg.lstm.projection_dim)
        self.act = torch.tanh if cc.activation == "tanh" else F.relu

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        x = self.char_embed(chars).transpose(1, 2)  # (N, E, C)
        pooled = [self.act(conv(x).amax(dim=2)) for conv in self.convs]
        return self.projection(self.highway(torch.cat(pooled, dim=-1)))


class TrainBiLM(nn.Module):
    """BiLM for training: input word-type ids, a char table and a target table; dropout inside."""

    def __init__(self, cfg: ELMoConfig, dropout: float = 0.1):
        super().__init__()
        if not cfg.n_tokens_vocab:
            raise ValueError("training needs an LM head: set n_tokens_vocab")
        self.cfg = cfg
        p = cfg.lstm.projection_dim
        self.token_encoder = ConvCharCNN(cfg)
        self.forward_layers = nn.ModuleList(ProjectedLSTM(p, cfg.lstm) for _ in range(cfg.lstm.n_layers))
        self.backward_layers = nn.ModuleList(ProjectedLSTM(p, cfg.lstm) for _ in range(cfg.lstm.n_layers))
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(p, cfg.n_tokens_vocab, cutoffs=cfg.softmax_cutoffs,
                                                     div_value=4.0)
        self.drop = nn.Dropout(dropout)

    def _stack(self, layers: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(layers):
            # float32 in: under CUDA autocast cuDNN's LSTM then runs in bf16, elsewhere in float32
            y = layer(self.drop(x).float())
            x = y + x if i > 0 and self.cfg.lstm.use_skip_connections else y
        return x

    def top_layers(self, ids: torch.Tensor, lengths: torch.Tensor, chars: torch.Tensor
                   ) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, T) type ids with boundaries, lengths (B,), chars (n_types, C) -> top fwd, bwd (B, T, P)."""
        uniq, inverse = torch.unique(ids, return_inverse=True)
        mask = (torch.arange(ids.shape[1], device=ids.device) < lengths.unsqueeze(1)).unsqueeze(-1)
        token = self.token_encoder(chars[uniq].long())[inverse] * mask
        fwd = self._stack(self.forward_layers, token)
        bwd = reverse_padded(self._stack(self.backward_layers, reverse_padded(token, lengths)), lengths)
        return fwd, bwd

    def lm_loss(self, ids: torch.Tensor, lengths: torch.Tensor, chars: torch.Tensor, targets: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Mean forward and backward losses (nats/token) and the number of predictions per direction.

        targets (n_types,) maps a type id to its vocabulary id; positions past a sequence's length are ignored.
        """
        fwd, bwd = self.top_layers(ids, lengths, chars)
        t = ids.shape[1]
        valid = torch.arange(t, device=ids.device) < lengths.unsqueeze(1)  # (B, T)
        words = targets[ids]
        keep = valid[:, 1:]
        n = keep.sum()
        losses = []
        # forward: state at t predicts word t+1; backward: state at t predicts word t-1
        for h, y in ((fwd[:, :-1], words[:, 1:]), (bwd[:, 1:], words[:, :-1])):
            h, y = self.drop(h)[keep], y[keep]
            losses.append(self.softmax(h.float(), y).loss)
        return losses[0], losses[1], n


# ---- conversion: TrainBiLM <-> BiLM (exact; only the char-CNN convolutions change layout) --------


def _conv_key(i: int) -> tuple[str, str]:
    return f"token_encoder.convs.{i}.weight", f"token_encoder.convs.{i}.bias"


def to_bilm(model: TrainBiLM) -> BiLM:
    """A BiLM (CPU, float32, eval mode) with the trained weights."""
    cfg = model.cfg
    e = cfg.char_cnn.embedding_dim
    state = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
    for i, (w, n) in enumerate(cfg.char_cnn.filters):
        kw, kb = _conv_key(i)
        state[f"token_encoder.conv_w.{i}"] = state.pop(kw).permute(2, 1, 0).reshape(w * e, n).contiguous()
        state[f"token_encoder.conv_b.{i}"] = state.pop(kb)
    with torch.random.fork_rng(devices=[]):  # building BiLM draws initial weights: keep training's RNG as it was
        bilm = BiLM(cfg)
    bilm.load_state_dict(state)
    return bilm.eval()


def from_bilm(bilm: BiLM, dropout: float = 0.1) -> TrainBiLM:
    cfg = bilm.cfg
    e = cfg.char_cnn.embedding_dim
    state = {k: v.detach().clone() for k, v in bilm.state_dict().items()}
    for i, (w, n) in enumerate(cfg.char_cnn.filters):
        kw, kb = _conv_key(i)
        state[kw] = state.pop(f"token_encoder.conv_w.{i}").reshape(w, e, n).permute(2, 1, 0).contiguous()
        state[kb] = state.pop(f"token_encoder.conv_b.{i}")
    model = TrainBiLM(cfg, dropout)
    model.load_state_dict(state)
    return model
