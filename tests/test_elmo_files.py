"""Model-file validation: bad bilm-tf options / hdf5 files and bad safetensors configs give one
clear error type, ModelFileError (a ValueError), naming what is wrong, before anything big is allocated."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

import elmo.io
from elmo.config import ELMoConfig, ModelFileError, parameter_count
from elmo.io import export_bilm_tf, load_bilm_tf, load_dir
from elmo.model import BiLM, count_parameters
from tests.test_elmo import model_copy  # noqa: F401  (fixture: a copy of the tiny model folder)


@pytest.fixture
def tf_files(tmp_path, tiny_elmo) -> tuple[Path, Path]:
    return export_bilm_tf(tiny_elmo.bilm, tmp_path / "tf")


@pytest.fixture
def no_allocation(monkeypatch):
    """Fail the test if a model would be built (the error must come first)."""
    def refuse(cfg):
        raise AssertionError(f"BiLM allocated for lstm.dim={cfg.lstm.dim}")

    monkeypatch.setattr(elmo.io, "BiLM", refuse)


def _edit_options(opts: Path, section: str, key: str, raw: str) -> None:
    """Set options[section][key] to a raw JSON literal (so 1e999 stays 1e999 in the file)."""
    o = json.loads(opts.read_text())
    o[section][key] = "__RAW__"
    opts.write_text(json.dumps(o).replace('"__RAW__"', raw))


@pytest.mark.parametrize("section, key, raw, match", [
    ("lstm", "projection_dim", "1e9", r"lstm\.projection_dim = 1000000000 is outside"),
    ("lstm", "dim", "-1", r"lstm\.dim = -1 is outside"),
    ("lstm", "dim", "1e999", r"lstm\.dim: expected a whole number, got inf"),
    ("lstm", "dim", '"16"', r"lstm\.dim: expected a whole number, got '16'"),
    ("lstm", "dim", "16.5", r"lstm\.dim: expected a whole number"),
    ("lstm", "n_layers", "true", r"lstm\.n_layers: expected a whole number"),
    ("lstm", "cell_clip", '"abc"', r"lstm\.cell_clip: expected null or a finite number"),
    ("lstm", "proj_clip", "-3", r"lstm\.proj_clip"),
    ("lstm", "use_skip_connections", '"yes"', r"lstm\.use_skip_connections: expected true or false"),
    ("char_cnn", "filters", "[[1, 4], [2, 1e9]]", r"char_cnn\.filters\[1\] n_filters"),
    ("char_cnn", "filters", "[[99, 4]]", r"char_cnn\.filters\[0\] width = 99"),
    ("char_cnn", "filters", '"wide"', r"char_cnn\.filters: expected a list"),
    ("char_cnn", "n_highway", "null", r"char_cnn\.n_highway"),
    ("char_cnn", "embedding", "[4]", r"char_cnn\.embedding: expected a JSON object"),
])
def test_bad_option_values(tf_files, no_allocation, section, key, raw, match):
    opts, weights = tf_files
    _edit_options(opts, section, key, raw)
    with pytest.raises(ModelFileError, match=match):
        load_bilm_tf(opts, weights)


def test_big_options_with_small_hdf5_fail_before_allocating(tf_files, no_allocation):
    """A small options.json of a big model (in bounds: the original ELMo's LSTM) next to small weights is
    checked against the hdf5 shapes first; dim 8192 / projection 4096 is over the size limit (below)."""
    opts, weights = tf_files
    o = json.loads(opts.read_text())
    o["lstm"].update(dim=4096, projection_dim=512)
    opts.write_text(json.dumps(o))
    with pytest.raises(ModelFileError, match=r"CNN_proj/W_proj has shape \(20, 8\), options.json needs \(20, 512\)"):
        load_bilm_tf(opts, weights)


def test_model_over_the_size_limit(tf_files, no_allocation):
    opts, weights = tf_files
    o = json.loads(opts.read_text())
    o["lstm"].update(dim=8192, projection_dim=4096)  # a 304-byte file: each in bounds, 1.2 G parameters
    opts.write_text(json.dumps(o))
    with pytest.raises(ModelFileError, match=r"1,208,309,796 parameters, more than the 400,000,000 allowed"):
        load_bilm_tf(opts, weights)


def _replace(weights: Path, name: str, make) -> None:
    with h5py.File(weights, "a") as f:
        del f[name]
        make(f, name)


@pytest.mark.parametrize("make, match", [
    (lambda f, n: f.create_dataset(n, data=np.array([b"a"] * 8)), r"CNN_proj/b_proj holds \|S1 values, expected numbers"),
    (lambda f, n: f.create_group(n), r"CNN_proj/b_proj is a Group, expected a dataset"),
])
def test_bad_hdf5_datasets(tf_files, no_allocation, make, match):
    opts, weights = tf_files
    _replace(weights, "CNN_proj/b_proj", make)
    with pytest.raises(ModelFileError, match=match):
        load_bilm_tf(opts, weights)


def test_huge_declared_dataset_is_not_read(tf_files, no_allocation):
    """A small file declaring a (261, 2^30) float32 dataset (1 TiB): the shape is checked, nothing read."""
    opts, weights = tf_files
    _replace(weights, "char_embed", lambda f, n: f.create_dataset(n, shape=(261, 2**30), dtype="f4"))
    assert weights.stat().st_size < 1_000_000
    with pytest.raises(ModelFileError, match=r"char_embed has shape \(261, 1073741824\), options.json needs \(261, 4\)"):
        load_bilm_tf(opts, weights)


def test_good_files_still_load(tf_files, tiny_elmo):
    """Real bilm-tf options files carry training keys (and n_characters 261): accepted, not needed."""
    opts, weights = tf_files
    o = json.loads(opts.read_text())
    o.update(dropout=0.1, batch_size=128, unroll_steps=20, n_negative_samples_batch=8192, all_clip_norm_val=10.0,
             n_epochs=10, n_train_tokens=768648884)
    o["char_cnn"]["n_characters"] = 261
    opts.write_text(json.dumps(o))
    a = load_bilm_tf(opts, weights).token_encoder.projection.weight
    assert np.allclose(a.detach().numpy(), tiny_elmo.bilm.token_encoder.projection.weight.detach().numpy())


# ---- our safetensors folders: config.json -------------------------------------------------------------


def _edit_config(d: Path, change) -> None:
    cfg = json.loads((d / "config.json").read_text())
    cfg = change(cfg)
    (d / "config.json").write_text(json.dumps(cfg))


@pytest.mark.parametrize("change, match", [
    (lambda c: [c], r"config.json: expected a JSON object, got list"),
    (lambda c: {**c, "char_cnn": [16, 2]}, r"char_cnn: expected a JSON object, got list"),
    (lambda c: {**c, "lstm": {**c["lstm"], "dim": "16"}}, r"lstm\.dim: expected a whole number, got '16'"),
    (lambda c: {**c, "lstm": {**c["lstm"], "dim": 10**9}}, r"lstm\.dim = 1000000000 is outside"),
    (lambda c: {**c, "dropout": 0.1}, r"config.json: unknown key\(s\) dropout"),
    (lambda c: {**c, "lstm": {**c["lstm"], "hidden": 8}}, r"lstm: unknown key\(s\) hidden"),
    (lambda c: {**c, "softmax_cutoffs": [30, 12]}, r"softmax_cutoffs: expected increasing numbers"),
    (lambda c: {**c, "softmax_cutoffs": [12, 10**6]}, r"softmax_cutoffs\[1\] = 1000000 is outside"),
    (lambda c: {**c, "char_cnn": {**c["char_cnn"], "activation": 3}}, r"char_cnn\.activation: expected relu or tanh"),
])
def test_bad_config_json_values(model_copy, change, match):  # noqa: F811  (the imported fixture)
    _edit_config(model_copy, change)
    with pytest.raises(ModelFileError, match=match) as e:
        load_dir(model_copy)
    assert "config.json" in str(e.value)


def test_big_config_with_small_safetensors_fails_before_allocating(model_copy, monkeypatch):  # noqa: F811
    """config.json of a big model (in bounds) next to small weights: the safetensors header is checked
    against a model built on the meta device; no real model is built."""
    import torch

    real = elmo.io.BiLM

    def meta_only(cfg):
        if torch.empty(0).device.type != "meta":
            raise AssertionError("a real model was allocated before the weights were checked")
        return real(cfg)

    monkeypatch.setattr(elmo.io, "BiLM", meta_only)
    _edit_config(model_copy, lambda c: {**c, "lstm": {**c["lstm"], "dim": 4096, "projection_dim": 512}})
    with pytest.raises(ModelFileError, match=r"token_encoder\.projection\.weight has shape \(8, 20\), the config needs \(512, 20\)"):
        load_dir(model_copy)


def test_from_dict_rejects_unknown_keys_and_round_trips():
    cfg = ELMoConfig()
    assert ELMoConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ModelFileError, match=r"char_cnn: unknown key\(s\) n_filter"):
        ELMoConfig.from_dict({"char_cnn": {"n_filter": 3}})
    assert issubclass(ModelFileError, ValueError) and elmo.io.ModelFileError is ModelFileError


@pytest.mark.parametrize("vocab", [0, 40000])
def test_parameter_count_needs_no_allocation_and_is_exact(vocab):
    cfg = ELMoConfig(n_tokens_vocab=vocab)
    cfg.char_cnn.n_highway = 2
    assert parameter_count(cfg) == count_parameters(BiLM(cfg))
