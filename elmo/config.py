"""One config dataclass, saved with the weights; mirrors bilm-tf's options.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class CharCNNConfig:
    embedding_dim: int = 16
    filters: list[list[int]] = field(default_factory=lambda: [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256]])
    n_highway: int = 1
    n_characters: int = 262  # 261 byte/symbol ids + the 0 mask id
    max_characters_per_token: int = 50
    activation: str = "relu"  # or "tanh"

    @property
    def n_filters(self) -> int:
        return sum(n for _, n in self.filters)


@dataclass
class LSTMConfig:
    dim: int = 512  # memory cell size
    projection_dim: int = 128
    n_layers: int = 2
    cell_clip: float | None = 3.0
    proj_clip: float | None = 3.0
    use_skip_connections: bool = True


def _filter_pairs(filters) -> list[list[int]]:
    try:
        pairs = [[int(w), int(n)] for w, n in filters]
    except (TypeError, ValueError) as e:
        raise ValueError(f"char_cnn.filters: expected [width, n_filters] pairs, got {filters!r}") from e
    if not pairs or any(w < 1 or n < 1 for w, n in pairs):
        raise ValueError(f"char_cnn.filters: expected positive [width, n_filters] pairs, got {filters!r}")
    return pairs


@dataclass
class ELMoConfig:
    char_cnn: CharCNNConfig = field(default_factory=CharCNNConfig)
    lstm: LSTMConfig = field(default_factory=LSTMConfig)
    n_tokens_vocab: int = 0  # word vocabulary of the LM heads; 0 = no heads
    softmax_cutoffs: list[int] = field(default_factory=lambda: [2000, 10000])

    @property
    def output_dim(self) -> int:
        return 2 * self.lstm.projection_dim

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ELMoConfig:
        known_cc = CharCNNConfig.__dataclass_fields__
        known_lstm = LSTMConfig.__dataclass_fields__
        cc = CharCNNConfig(**{k: v for k, v in d.get("char_cnn", {}).items() if k in known_cc})
        lstm = LSTMConfig(**{k: v for k, v in d.get("lstm", {}).items() if k in known_lstm})
        return cls(
            char_cnn=cc,
            lstm=lstm,
            n_tokens_vocab=int(d.get("n_tokens_vocab", 0)),
            softmax_cutoffs=list(d.get("softmax_cutoffs", [2000, 10000])),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> ELMoConfig:
        return cls.from_dict(json.loads(Path(path).read_text()))

    # bilm-tf options.json
    def to_options(self) -> dict:
        c, lstm = self.char_cnn, self.lstm
        opts = {
            "char_cnn": {
                "activation": c.activation,
                "embedding": {"dim": c.embedding_dim},
                "filters": c.filters,
                "max_characters_per_token": c.max_characters_per_token,
                "n_characters": c.n_characters,
                "n_highway": c.n_highway,
            },
            "lstm": {
                "dim": lstm.dim,
                "n_layers": lstm.n_layers,
                "projection_dim": lstm.projection_dim,
                "use_skip_connections": lstm.use_skip_connections,
            },
            "n_tokens_vocab": self.n_tokens_vocab,
            "bidirectional": True,
        }
        if lstm.cell_clip:
            opts["lstm"]["cell_clip"] = lstm.cell_clip
        if lstm.proj_clip:
            opts["lstm"]["proj_clip"] = lstm.proj_clip
        return opts

    @classmethod
    def from_options(cls, o: dict) -> ELMoConfig:
        try:
            c, lstm = o["char_cnn"], o["lstm"]
            cc = CharCNNConfig(
                embedding_dim=int(c["embedding"]["dim"]),
                filters=_filter_pairs(c["filters"]),
                n_highway=int(c["n_highway"]),
                n_characters=262,  # bilm-tf stores 261 rows; we add the 0 mask row
                max_characters_per_token=int(c["max_characters_per_token"]),
                activation=c.get("activation", "relu"),
            )
            ls = LSTMConfig(
                dim=int(lstm["dim"]),
                projection_dim=int(lstm["projection_dim"]),
                n_layers=int(lstm["n_layers"]),
                cell_clip=lstm.get("cell_clip"),
                proj_clip=lstm.get("proj_clip"),
                use_skip_connections=bool(lstm.get("use_skip_connections", False)),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"options.json is not a bilm-tf options file: missing or bad field {e}") from e
        if cc.activation not in ("relu", "tanh"):
            raise ValueError(f"options.json: unknown char_cnn activation {cc.activation!r}")
        return cls(char_cnn=cc, lstm=ls, n_tokens_vocab=0)
