"""elmo: character ids, a numpy bilm-tf reference forward pass, statelessness, model files, ScalarMix, LM head.

Everything runs on the tiny random models of tests/conftest.py; the whole file takes a few seconds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from elmo.characters import batch_to_ids, word_to_ids
from elmo.config import ELMoConfig
from elmo.embedder import ELMo
from elmo.io import ModelFileError, export_bilm_tf, load_bilm_tf, load_dir
from elmo.model import BiLM, ScalarMix
from tests.conftest import make_tiny_model

BOW, EOW, PAD = 259, 260, 261  # shifted ids: begin-of-word, end-of-word, padding inside a token
SENTENCES = [
    "She deposited the cash at the bank .".split(),
    ["He", "sat", "on", "the", "bank", "of", "the", "river", "in", "the", "café", "x" * 60, "!"],
    ["bank"],
    "The cell divides".split(),
]


# ---- character ids ---------------------------------------------------------------------------------


def test_batch_to_ids_conventions():
    ids = batch_to_ids([["café"], ["a", "bb"]]).numpy()
    assert ids.shape == (2, 4, 50) and ids.dtype == np.int64
    # <S> and </S> around each sentence: BOW, BOS/EOS (256/257 shifted), EOW, then padding
    assert ids[0, 0, :4].tolist() == [BOW, 257, EOW, PAD] and (ids[0, 0, 3:] == PAD).all()
    assert ids[1, 3, :4].tolist() == [BOW, 258, EOW, PAD]
    assert (ids[0, 2] == ids[1, 3]).all()  # </S> is the same wherever it falls
    # "café": 4 characters but 5 UTF-8 bytes (é = c3 a9), each byte shifted by +1
    cafe = list("café".encode())
    assert len(cafe) == 5
    assert ids[0, 1, :7].tolist() == [BOW, *(b + 1 for b in cafe), EOW]
    assert (ids[0, 1, 7:] == PAD).all()
    # the shorter sentence is padded with all-zero rows (0 = mask), nothing else is 0
    assert (ids[0, 3] == 0).all()
    assert (ids[1] > 0).all()
    assert ids[1, 1, :3].tolist() == [BOW, ord("a") + 1, EOW]


def test_long_token_truncated_to_max_chars_minus_two_bytes():
    row = word_to_ids("x" * 60)
    assert len(row) == 50
    assert row[0] == BOW and row[-1] == EOW and row[1:-1] == [ord("x") + 1] * 48
    short = word_to_ids("ab" * 10, max_chars=8)
    assert short == [BOW, *(ord(c) + 1 for c in "ababab"), EOW]
    # no boundaries on request; an empty batch is an empty tensor
    assert batch_to_ids([["a"]], add_boundaries=False).shape == (1, 1, 50)
    assert batch_to_ids([]).shape == (0, 0, 50)


# ---- numpy reference of the bilm-tf forward pass (reads only options.json + weights.hdf5) -----------


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _ref_char_ids(word: str, max_chars: int) -> np.ndarray:
    """bilm-tf's UnicodeCharsVocabulary, written independently of elmo.characters."""
    specials = {"<S>": 256, "</S>": 257}
    if word in specials:
        body = [258, specials[word], 259]
    else:
        body = [258, *word.encode("utf-8")[: max_chars - 2], 259]
    row = np.full(max_chars, 260, np.int64)
    row[: len(body)] = body
    return row + 1


class RefBiLM:
    """bilm-tf's graph in numpy, float64: char CNN, highway, projection, LSTMCell(num_proj) stacks."""

    def __init__(self, options_file: Path, weight_file: Path, clip: bool = True):
        o = json.loads(Path(options_file).read_text())
        self.cc, self.lstm = o["char_cnn"], o["lstm"]
        self.clip = clip
        with h5py.File(weight_file, "r") as f:
            self.w = {}
            f.visititems(lambda name, obj: self.w.__setitem__(name, np.asarray(obj[...], np.float64))
                         if isinstance(obj, h5py.Dataset) else None)

    def tokens(self, words: list[str]) -> np.ndarray:  # (T, P)
        cc, w = self.cc, self.w
        ids = np.stack([_ref_char_ids(t, cc["max_characters_per_token"]) for t in words])  # (T, C)
        table = w["char_embed"]
        assert table.shape[0] == 261
        x = np.where((ids > 0)[..., None], table[np.maximum(ids - 1, 0)], 0.0)  # (T, C, E)
        act = np.tanh if cc["activation"] == "tanh" else (lambda v: np.maximum(v, 0.0))
        pooled = []
        for i, (width, _) in enumerate(cc["filters"]):
            kern = w[f"CNN/W_cnn_{i}"]  # (1, w, E, n)
            assert kern.shape[:2] == (1, width)
            n_pos = x.shape[1] - width + 1  # 'VALID' convolution
            conv = sum(np.einsum("tpe,en->tpn", x[:, k : k + n_pos], kern[0, k]) for k in range(width))
            conv = conv + w[f"CNN/b_cnn_{i}"]
            pooled.append(act(conv.max(axis=1)))  # max over positions, then the activation
        h = np.concatenate(pooled, axis=-1)
        for k in range(cc["n_highway"]):
            g = _sigmoid(h @ w[f"CNN_high_{k}/W_carry"] + w[f"CNN_high_{k}/b_carry"])
            t = np.maximum(h @ w[f"CNN_high_{k}/W_transform"] + w[f"CNN_high_{k}/b_transform"], 0.0)
            h = g * t + (1.0 - g) * h
        return h @ w["CNN_proj/W_proj"] + w["CNN_proj/b_proj"]

    def direction(self, x: np.ndarray, d: int, init: list | None = None) -> list[np.ndarray]:
        """One direction's layer outputs. init: per layer (h, c) to start from (None: zeros); the final
        (h, c) of each layer is left in self.final (to carry state on, as bilm-tf / AllenNLP do)."""
        lo = self.lstm
        cell_clip = lo.get("cell_clip") if self.clip else None
        proj_clip = lo.get("proj_clip") if self.clip else None
        outs = []
        self.final = []
        for layer in range(lo["n_layers"]):
            name = f"RNN_{d}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
            W, B, WP = self.w[f"{name}/W_0"], self.w[f"{name}/B"], self.w[f"{name}/W_P_0"]
            hdim = W.shape[1] // 4
            h, c = init[layer] if init else (np.zeros(WP.shape[1]), np.zeros(hdim))
            ys = []
            for t in range(len(x)):
                z = np.concatenate([x[t], h]) @ W + B
                i, j, f, o = np.split(z, 4)  # TF gate order
                c = _sigmoid(f + 1.0) * c + _sigmoid(i) * np.tanh(j)  # forget_bias=1.0 added at run time
                if cell_clip:
                    c = np.clip(c, -cell_clip, cell_clip)
                h = (_sigmoid(o) * np.tanh(c)) @ WP
                if proj_clip:
                    h = np.clip(h, -proj_clip, proj_clip)
                ys.append(h)
            self.final.append((h, c))
            y = np.stack(ys)
            if layer > 0 and lo.get("use_skip_connections"):
                y = y + x  # ResidualWrapper: the output (and the next layer's input) gets the input added
            outs.append(y)
            x = y
        return outs

    def embed(self, sentence: list[str], state: dict | None = None) -> np.ndarray:
        """(L+1, n, 2P) like ELMo.embed: layer 0 duplicated; <S> and </S> dropped. state: None = zero
        initial state (ours); a dict is read as the initial state and updated with the final one."""
        tok = self.tokens(["<S>", *sentence, "</S>"])
        fwd = self.direction(tok, 0, state.get(0) if state else None)
        final_fwd = self.final
        bwd = [y[::-1] for y in self.direction(tok[::-1], 1, state.get(1) if state else None)]
        if state is not None:
            state.update({0: final_fwd, 1: self.final})
        layers = [np.concatenate([tok, tok], -1)] + [np.concatenate(fb, -1) for fb in zip(fwd, bwd, strict=True)]
        return np.stack(layers)[:, 1:-1]


def _plain_model(tmp: Path) -> ELMo:
    return make_tiny_model(tmp / "plain")


def _clipped_model(tmp: Path) -> ELMo:
    """clip=0.5, LSTM weights scaled up so both clips bind often, tanh char-CNN activation."""
    m = make_tiny_model(tmp / "clip", seed=3, clip=0.5)
    with torch.no_grad():
        for stack in (m.bilm.forward_layers, m.bilm.backward_layers):
            for layer in stack:
                for name, p in layer.lstm.named_parameters():
                    if name.startswith("weight"):
                        p.mul_(4.0)
    m.bilm.cfg.char_cnn.activation = "tanh"
    m.bilm.token_encoder.act = torch.tanh
    return m


def _deep_model(tmp: Path) -> ELMo:
    """3 LSTM layers, 2 highway layers, no skip connections, no clipping."""
    torch.manual_seed(5)
    cfg = ELMoConfig()
    cfg.char_cnn.filters = [[1, 4], [2, 6], [4, 6]]
    cfg.char_cnn.embedding_dim = 3
    cfg.char_cnn.n_highway = 2
    cfg.lstm.dim, cfg.lstm.projection_dim, cfg.lstm.n_layers = 12, 6, 3
    cfg.lstm.cell_clip = cfg.lstm.proj_clip = None
    cfg.lstm.use_skip_connections = False
    bilm = BiLM(cfg)
    with torch.no_grad():
        for p in bilm.token_encoder.highway.parameters():
            p.normal_(0, 0.5)  # make the highway actually transform
    return ELMo(bilm)


@pytest.mark.parametrize("build", [_plain_model, _clipped_model, _deep_model], ids=["plain", "clipped", "deep"])
def test_matches_numpy_bilm_tf_reference(tmp_path, build):
    model = build(tmp_path)
    opts, weights = export_bilm_tf(model.bilm, tmp_path / "tf")
    with h5py.File(weights, "r") as f:
        assert f["char_embed"].shape == (261, model.config.char_cnn.embedding_dim)
    loaded = ELMo.from_bilm_tf(opts, weights)
    ref = RefBiLM(opts, weights)
    got = loaded.embed(SENTENCES)
    for sent, g in zip(SENTENCES, got, strict=True):
        want = ref.embed(sent)
        assert g.shape == want.shape == (model.n_layers, len(sent), model.dim)
        assert np.allclose(g, want, atol=1e-5), np.abs(g - want).max()
    # the exported/re-imported model is the same model
    for a, b in zip(model.embed(SENTENCES), got, strict=True):
        assert np.allclose(a, b, atol=1e-6)
    if model.config.lstm.cell_clip:
        # the clips bind: without them the reference gives different vectors
        unclipped = RefBiLM(opts, weights, clip=False)
        diff = max(np.abs(unclipped.embed(s) - g).max() for s, g in zip(SENTENCES, got, strict=True))
        assert diff > 0.05


def test_clipped_step_loop_equals_fused_lstm_when_clips_do_not_bind(tiny_elmo):
    """The step loop (with clipping) and the fused nn.LSTM kernel compute the same function."""
    bilm = BiLM(tiny_elmo.config)
    bilm.load_state_dict(tiny_elmo.bilm.state_dict())
    for layer in [*bilm.forward_layers, *bilm.backward_layers]:
        layer.cell_clip = layer.proj_clip = 1e6
    chars = batch_to_ids(SENTENCES)
    with torch.no_grad():
        a, _ = tiny_elmo.bilm.layers(chars)
        b, _ = bilm.layers(chars)
    assert torch.allclose(a, b, atol=1e-6)


# ---- statelessness -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clipped_elmo(tmp_path_factory) -> ELMo:
    return _clipped_model(tmp_path_factory.mktemp("clipped"))


@pytest.mark.parametrize("which", ["tiny", "clipped"])
def test_stateless_batching(which, tiny_elmo, clipped_elmo):
    model = tiny_elmo if which == "tiny" else clipped_elmo
    target = SENTENCES[0]
    alone = model.embed([target])[0]
    others = [["a"], SENTENCES[1], SENTENCES[3], "the river the river the river the bank".split()]
    rng = np.random.default_rng(0)
    for _ in range(4):
        batch = [target, *others]
        order = rng.permutation(len(batch))
        shuffled = [batch[i] for i in order]
        pos = int(np.where(order == 0)[0][0])
        for kw in ({}, {"max_sentences": 2}, {"max_tokens": 12}):
            out = model.embed(shuffled, **kw)
            assert np.allclose(out[pos], alone, atol=1e-6)
            for i, s in enumerate(shuffled):
                assert out[i].shape == (3, len(s), model.dim)
    # embedding twice gives the same numbers (no state carried over)
    assert np.array_equal(model.embed([target])[0], alone)


def test_stateless_equals_allennlp_first_batch(tmp_path):
    """bilm-tf / AllenNLP carry the LSTM state from one batch to the next; we start every sentence from zero.
    So imported weights give exactly their numbers on a first batch (zero state), and a later batch differs
    from their stateful run only in the LSTM layers, while ours does not depend on what came before."""
    model = _clipped_model(tmp_path)
    opts, weights = export_bilm_tf(model.bilm, tmp_path / "tf")
    ours = ELMo.from_bilm_tf(opts, weights)
    ref = RefBiLM(opts, weights)
    first, second = SENTENCES[0], SENTENCES[3]
    state: dict = {}  # AllenNLP's stateful run: empty = zero state for the first batch
    allen_first = ref.embed(first, state)
    allen_second = ref.embed(second, state)  # starts from the state the first batch left
    got_first, got_second = ours.embed([first])[0], ours.embed([second])[0]
    assert np.allclose(got_first, allen_first, atol=1e-5)  # first batch: the same numbers
    assert np.allclose(got_second, ref.embed(second), atol=1e-5)  # ours = their run from zero state
    assert np.allclose(got_second[0], allen_second[0], atol=1e-5)  # layer 0 has no state
    assert np.abs(got_second[1:] - allen_second[1:]).max() > 1e-2  # their carried state changes the LSTM layers
    assert np.array_equal(ours.embed([second])[0], got_second)  # and ours never carries any


def test_embed_targets_equals_embed(tiny_elmo):
    indices = [6, 4, 0, 1]
    targets = tiny_elmo.embed_targets(SENTENCES, indices, max_sentences=3)
    full = tiny_elmo.embed(SENTENCES)
    assert targets.shape == (len(SENTENCES), 3, tiny_elmo.dim) and targets.dtype == np.float32
    for i, (layers, j) in enumerate(zip(full, indices, strict=True)):
        assert np.allclose(targets[i], layers[:, j], atol=1e-6)
    with pytest.raises(IndexError):
        tiny_elmo.embed_targets([["a", "b"]], [2])
    with pytest.raises(ValueError):
        tiny_elmo.embed_targets([["a", "b"]], [0, 1])
    with pytest.raises(ValueError, match="empty"):
        tiny_elmo.embed([["a"], []])


def test_layer0_is_context_independent_and_matches_type_vectors(tiny_elmo):
    out = tiny_elmo.embed([["the", "bank"], ["bank", "of", "the", "river"]])
    p = tiny_elmo.config.lstm.projection_dim
    assert np.allclose(out[0][0, 1], out[1][0, 0], atol=1e-6)
    assert np.allclose(out[0][0, :, :p], out[0][0, :, p:])  # layer 0 duplicated for both directions
    tv = tiny_elmo.type_vectors(["bank", "the"])
    assert np.allclose(tv[0], out[0][0, 1, :p], atol=1e-6) and np.allclose(tv[1], out[0][0, 0, :p], atol=1e-6)
    # context matters from layer 1 on
    assert not np.allclose(out[0][1, 1], out[1][1, 0], atol=1e-4)


def test_length_batches():
    import random

    from elmo.batching import length_batches

    rng = np.random.default_rng(0)
    lengths = [int(n) for n in rng.integers(3, 60, 500)] + [200]
    for max_sentences in (None, 16):
        batches = length_batches(lengths, 256, max_sentences)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # each sentence once
        for b in batches:
            assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 256  # padded size within budget
            assert max_sentences is None or len(b) <= max_sentences
        flat = [lengths[i] for b in batches for i in b]
        assert flat == sorted(flat)  # shortest first, similar lengths together
    assert [200] in [[lengths[i] for i in b] for b in length_batches(lengths, 256)]  # too long: alone
    # with an rng, ties are shuffled reproducibly; the lengths per batch stay the same
    a = length_batches(lengths, 256, rng=random.Random(1))
    assert a == length_batches(lengths, 256, rng=random.Random(1)) != length_batches(lengths, 256)
    assert [[lengths[i] for i in b] for b in a] == [[lengths[i] for i in b] for b in length_batches(lengths, 256)]
    assert length_batches([], 10) == []


def test_progress_reports_every_sentence(tiny_elmo):
    seen = []
    tiny_elmo.embed(SENTENCES * 3, max_sentences=4, progress=lambda d, n: seen.append((d, n)))
    assert seen[-1] == (12, 12) and [d for d, _ in seen] == sorted(d for d, _ in seen)


# ---- model files ---------------------------------------------------------------------------------


@pytest.fixture
def model_copy(tmp_path, tiny_model_dir) -> Path:
    d = tmp_path / "copy"
    shutil.copytree(tiny_model_dir, d)
    return d


def test_safetensors_round_trip(tmp_path, tiny_elmo):
    d = tiny_elmo.save(tmp_path / "rt")
    assert sorted(p.name for p in d.iterdir()) == ["config.json", "model.safetensors", "vocab.txt"]
    back = ELMo.load(d)
    a, b = tiny_elmo.bilm.state_dict(), back.bilm.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert back.config.to_dict() == tiny_elmo.config.to_dict()
    assert back.vocab.words == tiny_elmo.vocab.words
    for x, y in zip(tiny_elmo.embed(SENTENCES), back.embed(SENTENCES), strict=True):
        assert np.array_equal(x, y)
    # a model without LM head needs no vocab.txt
    bare = ELMo(BiLM(ELMoConfig()))
    d2 = bare.save(tmp_path / "bare")
    assert not (d2 / "vocab.txt").exists()
    assert ELMo.load(d2).vocab is None


def _rewrite(d: Path, change) -> None:
    state = load_file(str(d / "model.safetensors"))
    change(state)
    save_file(state, str(d / "model.safetensors"))


def test_missing_tensor(model_copy):
    _rewrite(model_copy, lambda s: s.pop("token_encoder.projection.bias"))
    with pytest.raises(ModelFileError, match=r"missing tensor.*token_encoder\.projection\.bias"):
        load_dir(model_copy)


def test_unexpected_tensor(model_copy):
    _rewrite(model_copy, lambda s: s.__setitem__("extra.weight", torch.zeros(2)))
    with pytest.raises(ModelFileError, match=r"unexpected tensor.*extra\.weight"):
        load_dir(model_copy)


def test_wrong_shape_names_tensor_and_both_shapes(model_copy):
    _rewrite(model_copy, lambda s: s.__setitem__("token_encoder.projection.weight", torch.zeros(8, 19)))
    with pytest.raises(ModelFileError) as e:
        load_dir(model_copy)
    msg = str(e.value)
    assert "token_encoder.projection.weight" in msg and "(8, 19)" in msg and "(8, 20)" in msg


@pytest.mark.parametrize("content", [b"", b"not a safetensors file at all", b"\xff" * 64])
def test_corrupt_safetensors(model_copy, content):
    (model_copy / "model.safetensors").write_bytes(content)
    with pytest.raises(ModelFileError, match="model.safetensors"):
        load_dir(model_copy)


def test_truncated_safetensors(model_copy):
    p = model_copy / "model.safetensors"
    p.write_bytes(p.read_bytes()[:-100])
    with pytest.raises(ModelFileError, match="model.safetensors"):
        load_dir(model_copy)


@pytest.mark.parametrize("name", ["config.json", "model.safetensors"])
def test_missing_file(model_copy, name):
    (model_copy / name).unlink()
    with pytest.raises(ModelFileError, match=f"{name} not found"):
        ELMo.load(model_copy)
    with pytest.raises(ModelFileError, match="not found"):
        load_dir(model_copy.parent / "no-such-model")


def test_bad_config_json(model_copy):
    (model_copy / "config.json").write_text("{not json")
    with pytest.raises(ModelFileError, match="config.json"):
        load_dir(model_copy)


def test_vocab_size_mismatch(model_copy):
    words = (model_copy / "vocab.txt").read_text().split("\n")
    (model_copy / "vocab.txt").write_text("\n".join(words[:-3]))
    with pytest.raises(ModelFileError, match=r"\d+-word LM head but vocab.txt has \d+ words"):
        load_dir(model_copy)
    (model_copy / "vocab.txt").unlink()
    with pytest.raises(ModelFileError, match="vocab.txt has no words"):
        load_dir(model_copy)


def test_hdf5_wrong_shape_and_missing_tensor(tmp_path, tiny_elmo):
    opts, weights = export_bilm_tf(tiny_elmo.bilm, tmp_path / "tf")
    name = "RNN_1/RNN/MultiRNNCell/Cell1/LSTMCell/W_P_0"
    with h5py.File(weights, "a") as f:
        del f[name]
        f[name] = np.zeros((16, 9), np.float32)
    with pytest.raises(ModelFileError) as e:
        load_bilm_tf(opts, weights)
    assert name in str(e.value) and "(16, 9)" in str(e.value) and "(16, 8)" in str(e.value)
    with h5py.File(weights, "a") as f:
        del f["CNN_proj/b_proj"]
    with pytest.raises(ModelFileError, match="CNN_proj/b_proj not found"):
        load_bilm_tf(opts, weights)
    (tmp_path / "junk.hdf5").write_bytes(b"junk")
    with pytest.raises(ModelFileError, match="HDF5"):
        load_bilm_tf(opts, tmp_path / "junk.hdf5")


@pytest.mark.parametrize("text, match", [
    ("{broken", "JSON"),
    ('{"lstm": {}}', "char_cnn"),
    ('[1, 2]', "expected a JSON object"),
    (None, "filters"),
    (None, "activation"),
])
def test_bad_options_json(tmp_path, tiny_elmo, text, match):
    opts, weights = export_bilm_tf(tiny_elmo.bilm, tmp_path / "tf")
    if text is None:
        o = json.loads(opts.read_text())
        if match == "filters":
            o["char_cnn"]["filters"] = [[1]]
        else:
            o["char_cnn"]["activation"] = "gelu"
        text = json.dumps(o)
    opts.write_text(text)
    with pytest.raises(ModelFileError, match=match):
        load_bilm_tf(opts, weights)


# ---- ScalarMix -----------------------------------------------------------------------------------


def test_scalar_mix_is_softmax_weighted_sum():
    torch.manual_seed(0)
    layers = torch.randn(3, 2, 5, 4)
    mix = ScalarMix(3, weights=[0.5, -1.0, 2.0], gamma=1.7)
    w = mix.normed_weights
    assert w.sum().item() == pytest.approx(1.0)
    assert torch.allclose(w, torch.softmax(torch.tensor([0.5, -1.0, 2.0]), 0))
    manual = 1.7 * sum(w[k] * layers[k] for k in range(3))
    assert torch.allclose(mix(layers), manual, atol=1e-6)
    # equal weights = the mean of the layers
    assert torch.allclose(ScalarMix(3)(layers), layers.mean(0), atol=1e-6)
    with pytest.raises(ValueError):
        mix(layers[:2])
    with pytest.raises(ValueError):
        ScalarMix(3, weights=[1.0])


def test_numpy_scalar_mix_equals_torch_scalar_mix():
    from elmo.mix import scalar_mix, softmax

    torch.manual_seed(0)
    layers = torch.randn(3, 2, 5, 4)
    w, gamma = [0.5, -1.0, 2.0], 1.7
    want = ScalarMix(3, weights=w, gamma=gamma)(layers).detach().numpy()
    got = scalar_mix(layers.numpy(), w, gamma)  # (L, ..., D) like ScalarMix
    assert got.dtype == np.float32 and got.shape == (2, 5, 4) and np.allclose(got, want, atol=1e-6)
    per_item = layers.numpy().transpose(1, 0, 2, 3)  # (n, L, ...): the app's (n, layers, dim) layout
    assert np.allclose(scalar_mix(per_item, w, gamma, axis=1), want, atol=1e-6)
    assert np.allclose(scalar_mix(layers.numpy()), layers.mean(0).numpy(), atol=1e-6)  # equal weights: mean
    assert np.allclose(softmax(w), ScalarMix(3, weights=w).normed_weights.detach().numpy())
    with pytest.raises(ValueError, match="2 mix weights for 3 layers"):
        scalar_mix(layers.numpy(), [1.0, 2.0])


def test_scalar_mix_trainable_gradients():
    torch.manual_seed(0)
    layers = torch.randn(3, 4, 6)
    mix = ScalarMix(3)
    mix(layers).pow(2).sum().backward()
    assert mix.scalars.grad is not None and mix.scalars.grad.abs().sum() > 0
    assert mix.gamma.grad is not None and mix.gamma.grad.abs() > 0
    # an optimiser step moves the weights towards the layer that lowers the loss
    mix = ScalarMix(3)
    target = layers[2]
    opt = torch.optim.SGD(mix.parameters(), lr=0.5)
    for _ in range(50):
        opt.zero_grad()
        (mix(layers) - target).pow(2).mean().backward()
        opt.step()
    assert int(mix.normed_weights.argmax()) == 2
    frozen = ScalarMix(3, trainable=False)
    assert not any(p.requires_grad for p in frozen.parameters())


def test_scalar_mix_layer_norm_with_mask():
    torch.manual_seed(0)
    layers = torch.randn(3, 2, 5, 4) * 3 + 1
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    garbage = layers.clone()
    garbage[:, 0, 3:] = 1000.0  # padding must not influence the result
    mix = ScalarMix(3, layer_norm=True, weights=[0.1, 0.2, 0.3])
    out = mix(garbage, mask)
    ref = mix(layers, mask)
    assert torch.allclose(out[mask], ref[mask], atol=1e-5)
    # manual: every layer normalised by the mean/std over all its unmasked values
    w = mix.normed_weights
    manual = 0
    for k in range(3):
        vals = layers[k][mask]
        mean, std = vals.mean(), vals.std(unbiased=False)
        manual = manual + w[k] * (layers[k] - mean) / std
    assert torch.allclose(out[mask], manual[mask], atol=1e-5)
    normed = (layers[0][mask] - layers[0][mask].mean()) / layers[0][mask].std(unbiased=False)
    assert normed.mean().abs() < 1e-5
    # no mask = every position counts
    full = torch.ones(2, 5, dtype=torch.bool)
    assert torch.allclose(mix(layers), mix(layers, full), atol=1e-5)


# ---- language-model head -------------------------------------------------------------------------


def test_lm_log_probs_are_normalised(tiny_elmo):
    sent = "she deposited money in the bank".split()
    for i in range(len(sent)):
        fwd, bwd = tiny_elmo.lm_log_probs(sent, i)
        assert fwd.shape == bwd.shape == (len(tiny_elmo.vocab),)
        assert abs(float(torch.logsumexp(torch.from_numpy(fwd), 0))) < 1e-4
        assert abs(float(torch.logsumexp(torch.from_numpy(bwd), 0))) < 1e-4
    with pytest.raises(IndexError):
        tiny_elmo.lm_log_probs(sent, len(sent))


def test_lm_log_probs_use_only_their_own_side(tiny_elmo):
    a = "she deposited money in the bank".split()
    b = "she deposited money in the river".split()
    c = "he sat money in the bank".split()
    fa, ba = tiny_elmo.lm_log_probs(a, 2)
    fb, bb = tiny_elmo.lm_log_probs(b, 2)  # right context differs
    fc, bc = tiny_elmo.lm_log_probs(c, 2)  # left context differs
    assert np.allclose(fa, fb, atol=1e-6) and not np.allclose(ba, bb, atol=1e-4)
    assert np.allclose(ba, bc, atol=1e-6) and not np.allclose(fa, fc, atol=1e-4)
    # the target word itself is never seen by its own prediction
    fd, bd = tiny_elmo.lm_log_probs("she deposited cash in the bank".split(), 2)
    assert np.allclose(fa, fd, atol=1e-6) and np.allclose(ba, bd, atol=1e-6)


def test_substitutes(tmp_path):
    from tests.conftest import TINY_WORDS

    base = make_tiny_model(tmp_path / "base")
    from elmo.vocab import Vocabulary

    vocab = Vocabulary([*TINY_WORDS, "banks", "Bank", "banking", "banker"])
    cfg = ELMoConfig.from_dict(base.config.to_dict())
    cfg.n_tokens_vocab = len(vocab)
    torch.manual_seed(1)
    from corpora.search import lemma_forms

    model = ELMo(BiLM(cfg), vocab, word_forms=lemma_forms)  # the app's rule, passed in
    sent = "he sat on the bank of the river".split()
    subs = model.substitutes(sent, 4, k=5)
    assert len(subs) == 5
    fwd, bwd = model.lm_log_probs(sent, 4)
    for s in subs:
        i = vocab.id(s.word)
        assert s.forward == pytest.approx(float(fwd[i])) and s.backward == pytest.approx(float(bwd[i]))
        assert s.score == pytest.approx(s.forward + s.backward, abs=1e-5)
    assert [s.score for s in subs] == sorted((s.score for s in subs), reverse=True)
    everything = {s.word for s in model.substitutes(sent, 4, k=len(vocab), words_only=False)}
    assert not everything & {"bank", "banks", "Bank", "banking", "<S>", "</S>", "<UNK>"}  # lemminflect forms
    assert "banker" in everything and "river" in everything
    assert len(everything) == len(vocab) - 7
    words = {s.word for s in model.substitutes(sent, 4, k=len(vocab))}  # words_only: no punctuation
    assert words == everything - {".", ",", "!"}
    assert "river" not in {s.word for s in model.substitutes(sent, 4, k=len(vocab), exclude={"River"})}
    # averaged over occurrences
    group = model.cluster_substitutes([sent, "she deposited money in the bank".split()], [4, 5], k=3)
    assert len(group) == 3 and not {s.word for s in group} & {"bank", "banks"}
    assert model.cluster_substitutes([], [], k=3) == []
    # elmo knows no morphology: by default only the target itself (any case) is left out
    plain = ELMo(model.bilm, vocab)
    offered = {s.word for s in plain.substitutes(sent, 4, k=len(vocab), words_only=False)}
    assert {"banks", "banking"} <= offered and not offered & {"bank", "Bank"}


def test_no_lm_head_raises(tiny_elmo):
    cfg = ELMoConfig.from_dict(tiny_elmo.config.to_dict())
    cfg.n_tokens_vocab = 0
    model = ELMo(BiLM(cfg))
    with pytest.raises(ModelFileError, match="no language-model head"):
        model.substitutes(["the", "bank"], 1)
    with pytest.raises(ModelFileError):
        model.lm_log_probs(["the", "bank"], 1)
    assert model.embed([["the", "bank"]])[0].shape == (3, 2, model.dim)  # embeddings still work
    chars = batch_to_ids([["the", "bank"]])
    with pytest.raises(ValueError, match="no language-model head"):  # a real error, not an assert
        model.bilm.lm_loss(chars, torch.zeros(chars.shape[:2], dtype=torch.long))


def test_bilm_forward_returns_named_fields(tiny_elmo):
    from elmo.model import BiLMOutput

    chars = batch_to_ids([["the", "bank"], ["a"]])
    with torch.no_grad():
        out = tiny_elmo.bilm(chars)
    assert isinstance(out, BiLMOutput) and out._fields == ("token", "forward", "backward", "mask")
    p, n = tiny_elmo.config.lstm.projection_dim, tiny_elmo.config.lstm.n_layers
    assert out.token.shape == (2, 4, p) and len(out.forward) == len(out.backward) == n
    assert out.mask.tolist() == [[True] * 4, [True] * 3 + [False]]
    assert (out.forward[-1][1, 3] == 0).all() and (out.backward[0][1, 3] == 0).all()  # padding is zero


def test_lm_loss_decreases_when_training(tmp_path):
    torch.manual_seed(0)
    model = make_tiny_model(tmp_path / "train")
    bilm, vocab = model.bilm, model.vocab
    sents = ["she deposited money in the bank .".split(), "he sat on the bank of the river .".split()]
    chars = batch_to_ids(sents)
    words = torch.full(chars.shape[:2], -1, dtype=torch.long)
    for j, s in enumerate(sents):
        words[j, : len(s) + 2] = torch.tensor([vocab.id(w) for w in ["<S>", *s, "</S>"]])
    bilm.train()
    opt = torch.optim.Adam(bilm.parameters(), lr=0.05)
    with torch.no_grad():
        f0, b0 = bilm.lm_loss(chars, words)
    for _ in range(30):
        opt.zero_grad()
        f, b = bilm.lm_loss(chars, words)
        (f + b).backward()
        opt.step()
    with torch.no_grad():
        f1, b1 = bilm.lm_loss(chars, words)
    assert float(f0) > np.log(len(vocab)) * 0.8  # random start: about uniform
    assert float(f1) < 0.6 * float(f0) and float(b1) < 0.6 * float(b0)
    # the trained model has learnt the toy sentences: the next word is top-1 from the left context
    model.bilm.eval()
    fwd, _ = model.lm_log_probs(sents[0], 4)
    assert model.vocab.words[int(fwd.argmax())] == "the"
