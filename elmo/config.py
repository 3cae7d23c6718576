"""One config dataclass, saved with the weights; mirrors bilm-tf's options.json.

Every config read from a file goes through ELMoConfig.validate(): each field must have the right type and
lie within sane bounds, and the whole model must stay under MAX_PARAMETERS, before anything is allocated.
Problems raise ModelFileError (a ValueError) naming the field. JSON files are read by read_json, which
turns every way a file can fail to parse (not UTF-8, not JSON, a number of more than 4,300 digits, nesting
deeper than MAX_JSON_DEPTH) into a ModelFileError naming the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

MAX_PARAMETERS = 400_000_000  # 1.6 GB of float32; the original ELMo has 93.6M (plus its softmax)
MAX_JSON_DEPTH = 32  # a config nests 3 levels; deeper JSON is refused


class ModelFileError(ValueError):
    """A model file is missing, unreadable, malformed or does not fit the configuration."""


def _too_deep(obj, levels_left: int) -> bool:
    """True when the containers of parsed JSON nest more than `levels_left` levels (stops at the limit)."""
    if isinstance(obj, dict):
        obj = list(obj.values())
    if not isinstance(obj, list):
        return False
    return levels_left == 0 or any(_too_deep(v, levels_left - 1) for v in obj)


def read_json(path: str | Path, what: str = "JSON file"):
    """The parsed content of a JSON file; ModelFileError naming the file when it cannot be read or parsed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ModelFileError(f"{path}: cannot be read ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise ModelFileError(f"{path}: not a {what} (not UTF-8 text: byte {e.start})") from e
    except RecursionError as e:
        raise ModelFileError(f"{path}: not a valid {what} (nested too deeply)") from e
    except ValueError as e:  # not JSON, or a whole number longer than Python's digit limit
        raise ModelFileError(f"{path}: not a valid {what} ({e})") from e
    if _too_deep(data, MAX_JSON_DEPTH):
        raise ModelFileError(f"{path}: not a valid {what} (nested more than {MAX_JSON_DEPTH} levels deep)")
    return data


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
    cell_clip: float | None = None  # no clipping by default (as the bundled model; bilm-tf options may set 3)
    proj_clip: float | None = None
    use_skip_connections: bool = True


# ---- field checks ------------------------------------------------------------------------------------


def _int(where: str, v, lo: int, hi: int) -> int:
    """A whole number in lo..hi (JSON may write it as 16 or 16.0; never a string, bool, inf or nan)."""
    ok = isinstance(v, int) or (isinstance(v, float) and math.isfinite(v) and v.is_integer())
    if isinstance(v, bool) or not ok:
        raise ModelFileError(f"{where}: expected a whole number, got {v!r}")
    v = int(v)
    if not lo <= v <= hi:
        raise ModelFileError(f"{where} = {v} is outside the allowed range {lo}..{hi}")
    return v


def _clip(where: str, v) -> float | None:
    """A clip value: null / absent (no clipping) or a finite number >= 0 (0 = no clipping)."""
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise ModelFileError(f"{where}: expected null or a finite number >= 0, got {v!r}")
    return float(v) or None


def _bool(where: str, v) -> bool:
    if not isinstance(v, bool):
        raise ModelFileError(f"{where}: expected true or false, got {v!r}")
    return v


def _mapping(where: str, v) -> dict:
    if not isinstance(v, dict):
        raise ModelFileError(f"{where}: expected a JSON object, got {type(v).__name__} {_short(v)}")
    return v


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def _known(where: str, d: dict, cls) -> None:
    names = {f.name for f in fields(cls)}
    unknown = sorted(str(k) for k in d if k not in names)
    if unknown:
        raise ModelFileError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})")


def _filter_pairs(filters, max_chars: int) -> list[list[int]]:
    if not isinstance(filters, list) or not filters or len(filters) > 64:
        raise ModelFileError(f"char_cnn.filters: expected a list of 1..64 [width, n_filters] pairs, got {_short(filters)}")
    pairs = []
    for k, pair in enumerate(filters):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ModelFileError(f"char_cnn.filters[{k}]: expected a [width, n_filters] pair, got {_short(pair)}")
        pairs.append([_int(f"char_cnn.filters[{k}] width", pair[0], 1, max_chars),
                      _int(f"char_cnn.filters[{k}] n_filters", pair[1], 1, 8192)])
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

    def validate(self) -> ELMoConfig:
        """Check every field's type and bounds (ModelFileError otherwise); normalises numbers in place."""
        c, ls = self.char_cnn, self.lstm
        c.max_characters_per_token = _int("char_cnn.max_characters_per_token", c.max_characters_per_token, 3, 1000)
        c.embedding_dim = _int("char_cnn.embedding_dim", c.embedding_dim, 1, 1024)
        c.filters = _filter_pairs(c.filters, c.max_characters_per_token)
        _int("char_cnn total n_filters", c.n_filters, 1, 16384)
        c.n_highway = _int("char_cnn.n_highway", c.n_highway, 0, 16)
        c.n_characters = _int("char_cnn.n_characters", c.n_characters, 262, 262)
        if c.activation not in ("relu", "tanh"):
            raise ModelFileError(f"char_cnn.activation: expected relu or tanh, got {_short(c.activation)}")
        ls.dim = _int("lstm.dim", ls.dim, 1, 16384)
        ls.projection_dim = _int("lstm.projection_dim", ls.projection_dim, 1, 8192)
        ls.n_layers = _int("lstm.n_layers", ls.n_layers, 1, 16)
        ls.cell_clip = _clip("lstm.cell_clip", ls.cell_clip)
        ls.proj_clip = _clip("lstm.proj_clip", ls.proj_clip)
        ls.use_skip_connections = _bool("lstm.use_skip_connections", ls.use_skip_connections)
        self.n_tokens_vocab = _int("n_tokens_vocab", self.n_tokens_vocab, 0, 5_000_000)
        if not isinstance(self.softmax_cutoffs, list) or len(self.softmax_cutoffs) > 16:
            raise ModelFileError(f"softmax_cutoffs: expected a list of at most 16 numbers, got {_short(self.softmax_cutoffs)}")
        if self.n_tokens_vocab:
            cuts = [_int(f"softmax_cutoffs[{k}]", v, 1, self.n_tokens_vocab - 1)
                    for k, v in enumerate(self.softmax_cutoffs)]
            if cuts != sorted(set(cuts)):
                raise ModelFileError(f"softmax_cutoffs: expected increasing numbers, got {cuts}")
            self.softmax_cutoffs = cuts
        n = parameter_count(self)
        if n > MAX_PARAMETERS:
            raise ModelFileError(f"the config describes {n:,} parameters, more than the {MAX_PARAMETERS:,} allowed")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ELMoConfig:
        """Our config.json; unknown keys are an error (a typo must not silently fall back to a default)."""
        d = _mapping("config.json", d)
        _known("config.json", d, cls)
        cc = _mapping("char_cnn", d.get("char_cnn", {}))
        lstm = _mapping("lstm", d.get("lstm", {}))
        _known("char_cnn", cc, CharCNNConfig)
        _known("lstm", lstm, LSTMConfig)
        cfg = cls(char_cnn=CharCNNConfig(**cc), lstm=LSTMConfig(**lstm),
                  n_tokens_vocab=d.get("n_tokens_vocab", 0), softmax_cutoffs=d.get("softmax_cutoffs", [2000, 10000]))
        return cfg.validate()

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> ELMoConfig:
        return cls.from_dict(read_json(path, "config file"))

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
        """bilm-tf's options.json (its training keys such as batch_size are ignored); the LM softmax is not read."""
        o = _mapping("options.json", o)
        try:
            c, lstm = _mapping("char_cnn", o["char_cnn"]), _mapping("lstm", o["lstm"])
            embedding = _mapping("char_cnn.embedding", c["embedding"])
            cc = CharCNNConfig(
                embedding_dim=embedding["dim"],
                filters=c["filters"],
                n_highway=c["n_highway"],
                n_characters=262,  # bilm-tf stores 261 rows; we add the 0 mask row
                max_characters_per_token=c["max_characters_per_token"],
                activation=c.get("activation", "relu"),
            )
            ls = LSTMConfig(
                dim=lstm["dim"],
                projection_dim=lstm["projection_dim"],
                n_layers=lstm["n_layers"],
                cell_clip=lstm.get("cell_clip"),
                proj_clip=lstm.get("proj_clip"),
                use_skip_connections=lstm.get("use_skip_connections", False),
            )
        except KeyError as e:
            raise ModelFileError(f"options.json is not a bilm-tf options file: missing field {e}") from e
        return cls(char_cnn=cc, lstm=ls, n_tokens_vocab=0).validate()


def parameter_count(cfg: ELMoConfig) -> int:
    """Parameters of BiLM(cfg) (elmo.model.count_parameters), from the config alone: nothing is allocated."""
    c, ls = cfg.char_cnn, cfg.lstm
    e, nf, p, h = c.embedding_dim, c.n_filters, ls.projection_dim, ls.dim
    n = c.n_characters * e + sum(w * e * k + k for w, k in c.filters)
    n += c.n_highway * 2 * (nf * nf + nf) + nf * p + p
    n += 2 * ls.n_layers * (4 * h * p + 4 * h * p + 8 * h + h * p)
    if cfg.n_tokens_vocab:
        cuts = [*cfg.softmax_cutoffs, cfg.n_tokens_vocab]
        n += p * (cuts[0] + len(cuts) - 1)  # head: shortlist + one logit per tail cluster
        for i in range(len(cuts) - 1):
            hsz = int(p // (4.0 ** (i + 1)))  # AdaptiveLogSoftmaxWithLoss, div_value 4
            n += p * hsz + hsz * (cuts[i + 1] - cuts[i])
    return n
