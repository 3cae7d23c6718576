"""Model files: our safetensors directory format and the bilm-tf / AllenNLP options.json + hdf5 format.

Our format: DIR/model.safetensors + DIR/config.json + DIR/vocab.txt (vocab only with LM heads).
Loaders validate the config (types, bounds, total size: ELMoConfig.validate), then every tensor's name,
kind, dtype and shape from the file's header, before allocating the model or reading any weight; every
problem raises ModelFileError (a ValueError) naming the culprit.

Stateless, unlike bilm-tf and AllenNLP: they carry each LSTM's state from one batch to the next (AllenNLP's
_ElmoBiLm keeps it per batch row), so a sentence's vectors depend on what was embedded before it. We start
every sentence from a zero state, so a sentence always gets the same vectors, whatever the batch. Imported
bilm-tf weights therefore give AllenNLP's numbers for a first batch, run from zero state (shown by
tests/test_elmo.py::test_stateless_equals_allennlp_first_batch); later batches differ from AllenNLP's
stateful ones by design.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from .config import ELMoConfig, ModelFileError, read_json
from .model import BiLM
from .vocab import Vocabulary

WEIGHTS, CONFIG, VOCAB = "model.safetensors", "config.json", "vocab.txt"


__all__ = ["ModelFileError", "check_state", "export_bilm_tf", "load_bilm_tf", "load_dir", "save_dir"]


def check_state(expected: Mapping[str, Sequence[int]], found: Mapping[str, Sequence[int]], source: str) -> None:
    """Tensor names and shapes found in a file against the model's ({name: shape}); ModelFileError if not."""
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    if missing:
        raise ModelFileError(f"{source}: missing tensor(s) {', '.join(missing[:5])}")
    if extra:
        raise ModelFileError(f"{source}: unexpected tensor(s) {', '.join(extra[:5])}")
    for k, shape in expected.items():
        if tuple(found[k]) != tuple(shape):
            raise ModelFileError(f"{source}: tensor {k} has shape {tuple(found[k])}, the config needs {tuple(shape)}")


def _shapes(model: torch.nn.Module) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def save_dir(model: BiLM, path: str | Path, vocab: Vocabulary | None = None,
             dtype: torch.dtype | None = None) -> Path:
    """A model directory (safetensors weights, config, vocab); floating-point weights in `dtype` if given."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    state = {k: (v.to(dtype) if dtype is not None and v.is_floating_point() else v).detach().contiguous().clone()
             for k, v in model.state_dict().items()}
    save_file(state, str(path / WEIGHTS), metadata={"format": "pt"})
    model.cfg.save(path / CONFIG)
    if vocab is not None:
        vocab.save(path / VOCAB)
    return path


def load_dir(path: str | Path) -> tuple[BiLM, Vocabulary | None]:
    path = Path(path)
    for name in (WEIGHTS, CONFIG):
        if not (path / name).is_file():
            raise ModelFileError(f"{path}: {name} not found (a model directory holds {WEIGHTS}, {CONFIG}, {VOCAB})")
    data = read_json(path / CONFIG, "config file")
    try:
        cfg = ELMoConfig.from_dict(data)
    except (TypeError, ValueError) as e:
        raise ModelFileError(f"{path / CONFIG}: not a valid config ({e})") from e
    vocab = Vocabulary.load(path / VOCAB) if (path / VOCAB).is_file() else None
    if cfg.n_tokens_vocab and (vocab is None or len(vocab) != cfg.n_tokens_vocab):
        n = "no" if vocab is None else len(vocab)
        raise ModelFileError(f"{path}: config has a {cfg.n_tokens_vocab}-word LM head but {VOCAB} has {n} words")
    try:  # names and shapes from the header first, against a model on the meta device (nothing allocated)
        with safe_open(str(path / WEIGHTS), framework="pt") as f:
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
        with torch.device("meta"):
            check_state(_shapes(BiLM(cfg)), found, str(path / WEIGHTS))
        state = load_file(str(path / WEIGHTS))
    except (SafetensorError, OSError) as e:
        raise ModelFileError(f"{path / WEIGHTS}: not a readable safetensors file ({e})") from e
    model = BiLM(cfg)
    model.load_state_dict(state)
    return model.eval(), vocab


# ---- bilm-tf hdf5 -----------------------------------------------------------------------------


def _swap_gates(w: np.ndarray, h: int) -> np.ndarray:
    """TF's gate order (i, j, f, o) <-> torch's (i, f, g=j, o) along axis 0 (the swap is its own inverse)."""
    return np.concatenate([w[:h], w[2 * h : 3 * h], w[h : 2 * h], w[3 * h :]], axis=0)


def _cell_name(direction: int, layer: int) -> str:
    return f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"


def bilm_tf_shapes(cfg: ELMoConfig) -> dict[str, tuple[int, ...]]:
    """Every dataset of a bilm-tf weights.hdf5 for this config, with its shape (the LM softmax left out)."""
    cc, lc = cfg.char_cnn, cfg.lstm
    e, nf, p, h = cc.embedding_dim, cc.n_filters, lc.projection_dim, lc.dim
    out: dict[str, tuple[int, ...]] = {"char_embed": (cc.n_characters - 1, e)}
    for i, (w, n) in enumerate(cc.filters):
        out[f"CNN/W_cnn_{i}"], out[f"CNN/b_cnn_{i}"] = (1, w, e, n), (n,)
    for k in range(cc.n_highway):
        for part in ("carry", "transform"):
            out[f"CNN_high_{k}/W_{part}"], out[f"CNN_high_{k}/b_{part}"] = (nf, nf), (nf,)
    out["CNN_proj/W_proj"], out["CNN_proj/b_proj"] = (nf, p), (p,)
    for d in range(2):
        for layer in range(lc.n_layers):
            name = _cell_name(d, layer)
            out[f"{name}/W_0"], out[f"{name}/B"], out[f"{name}/W_P_0"] = (p + p, 4 * h), (4 * h,), (h, p)
    return out


def _safe_filters() -> dict[int, str]:
    """Filters built into the HDF5 library, and h5py's own lzf: reading them loads no plugin."""
    from h5py import h5z

    return {h5z.FILTER_DEFLATE: "gzip", h5z.FILTER_SHUFFLE: "shuffle", h5z.FILTER_FLETCHER32: "fletcher32",
            h5z.FILTER_SZIP: "szip", h5z.FILTER_NBIT: "nbit", h5z.FILTER_SCALEOFFSET: "scaleoffset",
            h5z.FILTER_LZF: "lzf"}


def _storage_problem(ds) -> str | None:
    """Why a dataset's values would not be read from this file by built-in code alone, or None."""
    import h5py

    dcpl = ds.id.get_create_plist()
    if dcpl.get_layout() == h5py.h5d.VIRTUAL:
        return "a virtual dataset (its values lie in other files)"
    if dcpl.get_external_count():
        return "stored in external files"
    safe = _safe_filters()
    for i in range(dcpl.get_nfilters()):
        code, _flags, _values, name = dcpl.get_filter(i)
        if code not in safe:
            shown = name.decode("utf-8", "replace") if isinstance(name, bytes) else str(name)
            return (f"compressed with filter {code} ({shown!r}), which is not built into HDF5 "
                    f"(allowed: {', '.join(sorted(safe.values()))})")
    return None


def check_self_contained(f, source: str) -> None:
    """ModelFileError unless every link of the open HDF5 file `f` is a hard link (no soft, external or
    user-defined link, which could point to another file on this machine or loop) and every dataset keeps
    its values in this file, read by built-in filters only. Nothing is followed and no value is read."""
    import h5py

    kinds = {h5py.h5l.TYPE_SOFT: "a soft link", h5py.h5l.TYPE_EXTERNAL: "an external link (to another file)"}
    found: list[str] = []

    def link(name: bytes, info) -> int | None:
        if info.type != h5py.h5l.TYPE_HARD:
            found.append(f"{name.decode('utf-8', 'replace')} is {kinds.get(info.type, 'a user-defined link')}")
            return 1  # stop
        return None

    def dataset(name: str, obj) -> int | None:
        problem = _storage_problem(obj) if isinstance(obj, h5py.Dataset) else None
        if problem:
            found.append(f"{name} is {problem}")
            return 1
        return None

    f.id.links.visit(link, info=True)
    if not found:
        f.visititems(dataset)
    if found:
        raise ModelFileError(f"{source}: {found[0]}; a weights file must be self-contained (plain groups and "
                             "datasets only)")


def _check_hdf5(f, shapes: dict[str, tuple[int, ...]], source: str) -> None:
    """Each dataset exists, is a dataset (not a group), holds numbers and has the shape; nothing is read."""
    import h5py

    for name, shape in shapes.items():
        obj = f.get(name)
        if obj is None:
            raise ModelFileError(f"{source}: tensor {name} not found")
        if not isinstance(obj, h5py.Dataset):
            raise ModelFileError(f"{source}: {name} is a {type(obj).__name__}, expected a dataset of numbers")
        if obj.dtype.kind not in "fiu":
            raise ModelFileError(f"{source}: tensor {name} holds {obj.dtype} values, expected numbers")
        if tuple(obj.shape) != shape:
            raise ModelFileError(f"{source}: tensor {name} has shape {tuple(obj.shape)}, options.json needs {shape}")


def load_bilm_tf(options_file: str | Path, weight_file: str | Path) -> BiLM:
    """Build a BiLM from bilm-tf's options.json and weights.hdf5 (as AllenNLP's Elmo reads them).

    Order: options validated (ELMoConfig.from_options), the file checked to be self-contained
    (check_self_contained: hard links only, values in the file, built-in filters), every dataset's kind, dtype
    and shape checked in the hdf5 header, then the model allocated and the weights read."""
    import h5py

    options = read_json(options_file, "JSON options file")
    try:
        cfg = ELMoConfig.from_options(options)
    except ValueError as e:
        raise ModelFileError(f"{Path(options_file).name}: {e}") from e
    shapes = bilm_tf_shapes(cfg)
    try:
        f = h5py.File(weight_file, "r")
    except OSError as e:
        raise ModelFileError(f"{weight_file}: not a readable HDF5 file ({e})") from e
    state: dict[str, torch.Tensor] = {}

    def get(name: str) -> np.ndarray:
        try:
            return np.asarray(f[name][...], dtype=np.float32)
        except (OSError, ValueError, TypeError) as e:  # a damaged dataset
            raise ModelFileError(f"{weight_file}: tensor {name} cannot be read ({e})") from e

    def put(key: str, a: np.ndarray) -> None:
        state[key] = torch.from_numpy(np.ascontiguousarray(a))

    with f:
        check_self_contained(f, str(weight_file))
        _check_hdf5(f, shapes, str(weight_file))
        model = BiLM(cfg)
        cc, lc = cfg.char_cnn, cfg.lstm
        e, p, h = cc.embedding_dim, lc.projection_dim, lc.dim
        put("token_encoder.char_embed.weight", np.concatenate([np.zeros((1, e), np.float32), get("char_embed")]))
        for i, (w, n) in enumerate(cc.filters):
            put(f"token_encoder.conv_w.{i}", get(f"CNN/W_cnn_{i}")[0].reshape(w * e, n))
            put(f"token_encoder.conv_b.{i}", get(f"CNN/b_cnn_{i}"))
        for k in range(cc.n_highway):
            for part in ("carry", "transform"):
                put(f"token_encoder.highway.{part}.{k}.weight", get(f"CNN_high_{k}/W_{part}").T)
                put(f"token_encoder.highway.{part}.{k}.bias", get(f"CNN_high_{k}/b_{part}"))
        put("token_encoder.projection.weight", get("CNN_proj/W_proj").T)
        put("token_encoder.projection.bias", get("CNN_proj/b_proj"))
        for d, stack in enumerate(("forward_layers", "backward_layers")):
            for layer in range(lc.n_layers):
                name = _cell_name(d, layer)
                w = get(f"{name}/W_0").T  # (4H, in + P); every layer's input is P wide
                b = get(f"{name}/B").copy()
                b[2 * h : 3 * h] += 1.0  # TF adds forget_bias=1 at run time
                pre = f"{stack}.{layer}.lstm"
                put(f"{pre}.weight_ih_l0", _swap_gates(w[:, :p], h))
                put(f"{pre}.weight_hh_l0", _swap_gates(w[:, p:], h))
                put(f"{pre}.bias_ih_l0", _swap_gates(b, h))
                put(f"{pre}.bias_hh_l0", np.zeros(4 * h, np.float32))
                put(f"{pre}.weight_hr_l0", get(f"{name}/W_P_0").T)
    expected = model.state_dict()
    for k in expected:  # softmax of bilm-tf is not used for embeddings; keep ours empty
        state.setdefault(k, expected[k])
    check_state(_shapes(model), {k: tuple(v.shape) for k, v in state.items()}, str(weight_file))
    model.load_state_dict(state)
    return model.eval()


def export_bilm_tf(model: BiLM, out_dir: str | Path) -> tuple[Path, Path]:
    """Write options.json + weights.hdf5 in bilm-tf layout (LM softmax not included)."""
    import h5py

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = model.cfg
    sd = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    opts, weights = out / "options.json", out / "weights.hdf5"
    opts.write_text(json.dumps(cfg.to_options(), indent=2) + "\n")
    e, h = cfg.char_cnn.embedding_dim, cfg.lstm.dim
    with h5py.File(weights, "w") as f:
        f["char_embed"] = sd["token_encoder.char_embed.weight"][1:]
        for i, (w, n) in enumerate(cfg.char_cnn.filters):
            f[f"CNN/W_cnn_{i}"] = sd[f"token_encoder.conv_w.{i}"].reshape(1, w, e, n)
            f[f"CNN/b_cnn_{i}"] = sd[f"token_encoder.conv_b.{i}"]
        for k in range(cfg.char_cnn.n_highway):
            for part in ("carry", "transform"):
                f[f"CNN_high_{k}/W_{part}"] = sd[f"token_encoder.highway.{part}.{k}.weight"].T
                f[f"CNN_high_{k}/b_{part}"] = sd[f"token_encoder.highway.{part}.{k}.bias"]
        f["CNN_proj/W_proj"] = sd["token_encoder.projection.weight"].T
        f["CNN_proj/b_proj"] = sd["token_encoder.projection.bias"]
        for d, stack in enumerate(("forward_layers", "backward_layers")):
            for layer in range(cfg.lstm.n_layers):
                pre, name = f"{stack}.{layer}.lstm", _cell_name(d, layer)
                w = np.concatenate([sd[f"{pre}.weight_ih_l0"], sd[f"{pre}.weight_hh_l0"]], axis=1)
                b = sd[f"{pre}.bias_ih_l0"] + sd[f"{pre}.bias_hh_l0"]
                b = _swap_gates(b, h)
                b[2 * h : 3 * h] -= 1.0
                f[f"{name}/W_0"] = _swap_gates(w, h).T
                f[f"{name}/B"] = b
                f[f"{name}/W_P_0"] = sd[f"{pre}.weight_hr_l0"].T
    return opts, weights
