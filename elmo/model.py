"""The ELMo biLM: char-CNN token encoder, forward/backward projected LSTMs, LM head, scalar mix.

Shapes: B batch, T tokens (with <S> and </S>), C characters per token, E char embedding dim,
F total CNN filters, P projection dim, H LSTM cell dim, V word vocabulary.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .config import CharCNNConfig, ELMoConfig, LSTMConfig

# torch says so on every call of nn.LSTM with proj_size on CPU; it falls back to its own kernel, correctly
warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")


class Highway(nn.Module):
    """bilm-tf highway: g = sigmoid(x Wc + bc); y = g * relu(x Wt + bt) + (1 - g) * x."""

    def __init__(self, dim: int, n_layers: int):
        super().__init__()
        self.carry = nn.ModuleList(nn.Linear(dim, dim) for _ in range(n_layers))
        self.transform = nn.ModuleList(nn.Linear(dim, dim) for _ in range(n_layers))
        for c in self.carry:  # start close to the identity, as bilm-tf does
            nn.init.constant_(c.bias, -2.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for carry, transform in zip(self.carry, self.transform, strict=True):
            g = torch.sigmoid(carry(x))
            x = g * F.relu(transform(x)) + (1 - g) * x
        return x


def char_embedding(n_characters: int, dim: int) -> nn.Embedding:
    """nn.Embedding(n_characters, dim, padding_idx=0) with its initialisation (N(0, 1), row 0 zero; the same
    random draw), skipped on the meta device: there torch's normal_ runs its Python reference, whose first
    call imports torch._dynamo (~1 s, on every first model load, which checks shapes on a meta model)."""
    weight = torch.empty(n_characters, dim)
    if not weight.is_meta:
        with torch.no_grad():
            weight.normal_()
            weight[0].zero_()
    return nn.Embedding(n_characters, dim, padding_idx=0, _weight=weight)


class CharCNN(nn.Module):
    """Character ids (B, T, C) -> context-independent token vectors (B, T, P): layer 0."""

    def __init__(self, cfg: CharCNNConfig, projection_dim: int):
        super().__init__()
        self.cfg = cfg
        e = cfg.embedding_dim
        self.char_embed = char_embedding(cfg.n_characters, e)
        # convolution weights stored as (width * E, n_filters), row k*E+e = offset k, dim e (the saved layout)
        self.conv_w = nn.ParameterList(
            nn.Parameter(torch.empty(w * e, n).uniform_(-0.05, 0.05)) for w, n in cfg.filters
        )
        self.conv_b = nn.ParameterList(nn.Parameter(torch.zeros(n)) for _, n in cfg.filters)
        self.highway = Highway(cfg.n_filters, cfg.n_highway)
        self.projection = nn.Linear(cfg.n_filters, projection_dim)
        self.act = torch.tanh if cfg.activation == "tanh" else F.relu

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        b, t, c = chars.shape
        # each distinct token is encoded once (exact: layer 0 does not depend on context)
        uniq, inverse = torch.unique(chars.view(b * t, c), dim=0, return_inverse=True)  # (U, C), (BT,)
        return self.encode(uniq)[inverse].view(b, t, -1)

    def encode(self, chars: torch.Tensor) -> torch.Tensor:
        """(N, C) character ids -> (N, P) token vectors (conv1d per filter width, max over characters)."""
        e = self.cfg.embedding_dim
        x = self.char_embed(chars).transpose(1, 2)  # (N, E, C)
        pooled = []
        for (w, n), weight, bias in zip(self.cfg.filters, self.conv_w, self.conv_b, strict=True):
            kernel = weight.view(w, e, n).permute(2, 1, 0)  # (n, E, w)
            pooled.append(self.act(F.conv1d(x, kernel, bias).amax(dim=2)))  # max over positions, then activation
        h = self.highway(torch.cat(pooled, dim=-1))  # (N, F)
        return self.projection(h)  # (N, P)


class ProjectedLSTM(nn.Module):
    """One LSTM layer with a projection (bilm-tf's LSTMCell with num_proj), cell and projection clip.

    Weights live in torch's nn.LSTM layout (gates i, f, g, o; bilm-tf's forget bias of 1 folded into
    the bias). Without clipping the fused nn.LSTM kernel runs; with clipping a step loop does.
    """

    def __init__(self, input_dim: int, cfg: LSTMConfig):
        super().__init__()
        self.cell_clip, self.proj_clip = cfg.cell_clip, cfg.proj_clip
        self.lstm = nn.LSTM(input_dim, cfg.dim, proj_size=cfg.projection_dim, batch_first=True)
        with torch.no_grad():
            h = cfg.dim
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_hh_l0.zero_()
            self.lstm.bias_ih_l0[h : 2 * h] = 1.0  # forget bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, in) -> (B, T, P)
        if not self.cell_clip and not self.proj_clip:
            return self.lstm(x)[0]
        m = self.lstm
        b, t, _ = x.shape
        xw = F.linear(x, m.weight_ih_l0, m.bias_ih_l0 + m.bias_hh_l0)  # (B, T, 4H)
        h = x.new_zeros(b, m.proj_size)
        c = x.new_zeros(b, m.hidden_size)
        outs = []
        for step in range(t):
            gates = xw[:, step] + F.linear(h, m.weight_hh_l0)
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            if self.cell_clip:
                c = c.clamp(-self.cell_clip, self.cell_clip)
            h = F.linear(torch.sigmoid(o) * torch.tanh(c), m.weight_hr_l0)
            if self.proj_clip:
                h = h.clamp(-self.proj_clip, self.proj_clip)
            outs.append(h)
        return torch.stack(outs, dim=1)


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each sequence of (B, T, D) within its own length; padding stays at the end."""
    t = x.shape[1]
    pos = torch.arange(t, device=x.device).unsqueeze(0)  # (1, T)
    idx = torch.where(pos < lengths.unsqueeze(1), lengths.unsqueeze(1) - 1 - pos, pos)  # (B, T)
    return x.gather(1, idx.unsqueeze(-1).expand_as(x))


class BiLMOutput(NamedTuple):
    """BiLM.forward's result; every tensor is zero at padding positions."""

    token: torch.Tensor  # (B, T, P) layer 0, the char-CNN token vectors
    forward: list[torch.Tensor]  # per LSTM layer (B, T, P), left-to-right
    backward: list[torch.Tensor]  # per LSTM layer (B, T, P), right-to-left (aligned with the tokens)
    mask: torch.Tensor  # (B, T) bool, True at real tokens (boundaries included)


class BiLM(nn.Module):
    """Char-CNN + forward and backward stacks of projected LSTMs; every sentence starts from zero state.

    dropout (0 here; elmo.fast.TrainBiLM trains with it) applies to every LSTM input and to the top layer
    before the softmax, as bilm-tf, and only in training mode."""

    def __init__(self, cfg: ELMoConfig, dropout: float = 0.0):
        super().__init__()
        self.cfg = cfg
        p = cfg.lstm.projection_dim
        self.token_encoder = CharCNN(cfg.char_cnn, p)
        self.forward_layers = nn.ModuleList(ProjectedLSTM(p, cfg.lstm) for _ in range(cfg.lstm.n_layers))
        self.backward_layers = nn.ModuleList(ProjectedLSTM(p, cfg.lstm) for _ in range(cfg.lstm.n_layers))
        self.softmax = (
            nn.AdaptiveLogSoftmaxWithLoss(p, cfg.n_tokens_vocab, cutoffs=cfg.softmax_cutoffs, div_value=4.0)
            if cfg.n_tokens_vocab
            else None
        )
        self.drop = nn.Dropout(dropout)

    def _stack(self, layers: nn.ModuleList, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's output (B, T, P) of one direction's LSTM stack over x (B, T, P)."""
        outs = []
        for i, layer in enumerate(layers):
            # in the weights' dtype: float32 under CUDA autocast, where cuDNN's LSTM then runs in bf16
            y = layer(self.drop(x).to(layer.lstm.weight_ih_l0.dtype))
            if i > 0 and self.cfg.lstm.use_skip_connections:
                y = y + x
            outs.append(y)
            x = y
        return outs

    def forward(self, chars: torch.Tensor) -> BiLMOutput:
        """chars (B, T, C) with boundaries -> token (B, T, P), forward/backward layer lists of (B, T, P)."""
        mask = (chars > 0).any(-1)  # (B, T)
        lengths = mask.sum(1)
        token = self.token_encoder(chars) * mask.unsqueeze(-1)
        fwd = self._stack(self.forward_layers, token)
        bwd = [reverse_padded(y, lengths) for y in self._stack(self.backward_layers, reverse_padded(token, lengths))]
        m = mask.unsqueeze(-1)
        return BiLMOutput(token, [y * m for y in fwd], [y * m for y in bwd], mask)

    def layers(self, chars: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(L+1, B, T, 2P) stacked ELMo layers (layer 0 duplicated for both directions) and the mask."""
        out = self.forward(chars)
        stacked = [torch.cat([out.token, out.token], -1)] + [
            torch.cat([f, b], -1) for f, b in zip(out.forward, out.backward, strict=True)
        ]
        return torch.stack(stacked), out.mask

    def lm_loss(self, chars: torch.Tensor, word_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean forward and backward LM losses (nats/token). word_ids (B, T) with boundaries, -1 = padding."""
        if self.softmax is None:
            raise ValueError("this model has no language-model head (n_tokens_vocab is 0)")
        out = self.forward(chars)
        # a pair counts when both the state's token and the predicted token are real (not padding)
        keep = (word_ids[:, 1:] >= 0) & (word_ids[:, :-1] >= 0)
        return self.pair_losses(out.forward[-1], out.backward[-1], word_ids, keep)

    def pair_losses(self, fwd: torch.Tensor, bwd: torch.Tensor, words: torch.Tensor, keep: torch.Tensor
                    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The LM losses of both directions: the one loss of every input layout (lm_loss, TrainBiLM).

        fwd, bwd (B, T, P) top layers, words (B, T) vocabulary ids, keep (B, T-1) bool: the pairs (t, t+1)
        that count. Forward: the state at t predicts word t+1; backward: the state at t+1 predicts word t.
        Returns the mean forward and backward losses (nats/token)."""
        dtype = self.softmax.head.weight.dtype
        losses = [self.softmax(self.drop(h)[keep].to(dtype), y[keep]).loss
                  for h, y in ((fwd[:, :-1], words[:, 1:]), (bwd[:, 1:], words[:, :-1]))]
        return losses[0], losses[1]


class ScalarMix(nn.Module):
    """gamma * sum_k softmax(s)_k * layer_k (Peters et al. 2018), optional layer norm per layer."""

    def __init__(self, n_layers: int = 3, layer_norm: bool = False, weights: list[float] | None = None,
                 gamma: float = 1.0, trainable: bool = True):
        super().__init__()
        init = torch.tensor(weights if weights is not None else [0.0] * n_layers, dtype=torch.float)
        if init.numel() != n_layers:
            raise ValueError(f"ScalarMix: {init.numel()} weights for {n_layers} layers")
        self.scalars = nn.Parameter(init, requires_grad=trainable)
        self.gamma = nn.Parameter(torch.tensor(float(gamma)), requires_grad=trainable)
        self.layer_norm = layer_norm

    @property
    def normed_weights(self) -> torch.Tensor:
        return torch.softmax(self.scalars, 0)

    def forward(self, layers: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """layers (L, ..., D) -> (..., D)."""
        if layers.shape[0] != self.scalars.numel():
            raise ValueError(f"ScalarMix: got {layers.shape[0]} layers, expected {self.scalars.numel()}")
        if self.layer_norm:
            # AllenNLP's _do_layer_norm: each layer normalised by the mean and variance of all its
            # unmasked values (no mask = all positions count, the same as an all-True mask)
            if mask is None:
                mask = torch.ones(layers.shape[1:-1], dtype=torch.bool, device=layers.device)
            m = mask.unsqueeze(-1).to(layers.dtype)
            n = m.sum() * layers.shape[-1]
            mean = (layers * m).sum(dim=tuple(range(1, layers.dim())), keepdim=True) / n
            var = (((layers - mean) * m) ** 2).sum(dim=tuple(range(1, layers.dim())), keepdim=True) / n
            layers = (layers - mean) / torch.sqrt(var + 1e-12)
        w = self.normed_weights.view(-1, *([1] * (layers.dim() - 1)))
        return self.gamma * (w * layers).sum(0)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
