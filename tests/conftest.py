"""Shared fixtures: a tiny random ELMo model (with LM head) and an isolated data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)  # tests share the 2 cores with other processes
# built-in corpora are indexed in the page, not by a background process (tests of corpora.builder and the
# browser tests turn it on)
os.environ.setdefault("SENSE_EXPLORER_BACKGROUND_INDEX", "0")

TINY_WORDS = (
    "the a of and to in is was he she it they bank river money cash deposited sat on cell prison "
    "phone battery biology divides water loan account fish shore boat walked along . , !"
).split()


def make_tiny_model(path: Path, seed: int = 0, clip: float | None = None):
    from elmo.config import ELMoConfig
    from elmo.embedder import ELMo
    from elmo.model import BiLM
    from elmo.vocab import Vocabulary

    torch.manual_seed(seed)
    vocab = Vocabulary(TINY_WORDS)
    cfg = ELMoConfig(n_tokens_vocab=len(vocab), softmax_cutoffs=[12])
    cfg.char_cnn.filters = [[1, 4], [2, 8], [3, 8]]
    cfg.char_cnn.embedding_dim = 4
    cfg.char_cnn.n_highway = 1
    cfg.lstm.dim = 16
    cfg.lstm.projection_dim = 8
    cfg.lstm.cell_clip = clip
    cfg.lstm.proj_clip = clip
    model = ELMo(BiLM(cfg), vocab, name=path.name)
    model.save(path)
    return model


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("models") / "tiny"
    make_tiny_model(path)
    return path


@pytest.fixture(scope="session")
def tiny_elmo(tiny_model_dir):
    from elmo.embedder import ELMo

    return ELMo.load(tiny_model_dir)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty store directory for this test (SENSE_EXPLORER_DATA)."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("SENSE_EXPLORER_DATA", str(d))
    return d


def nltk_data_present() -> bool:
    p = os.environ.get("NLTK_DATA")
    return bool(p) and (Path(p) / "corpora").is_dir()
