"""Training smoke tests: a tiny biLM learns from a tiny text, checkpoints, resumes, and loads back."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from elmo.config import ELMoConfig
from elmo.embedder import ELMo
from elmo.train import TrainConfig, train

TEXT = (
    "The river bank was muddy after the rain. She deposited the cash at the bank. "
    "The cell divides in two. The prisoner sat in his cell. My phone cell is dead. "
) * 40


def tiny_config() -> ELMoConfig:
    cfg = ELMoConfig(softmax_cutoffs=[20])
    cfg.char_cnn.filters = [[1, 8], [2, 8], [3, 16]]
    cfg.char_cnn.embedding_dim = 8
    cfg.lstm.dim = 32
    cfg.lstm.projection_dim = 16
    cfg.lstm.cell_clip = cfg.lstm.proj_clip = None
    return cfg


@pytest.mark.slow
def test_train_learns_checkpoints_and_resumes(tmp_path):
    corpus = tmp_path / "tiny.txt"
    corpus.write_text(TEXT)
    out = tmp_path / "run"
    logs: list[str] = []
    tc = TrainConfig(vocab_size=100, batch_tokens=256, lr=5e-3, warmup_steps=5, hours=0.05, eval_minutes=10,
                     max_steps=40)
    best = train(str(corpus), out, tiny_config(), tc, log=logs.append)
    log = json.loads((out / "train_log.json").read_text())
    assert log["steps"] == 40
    hist = log["history"]
    assert hist and math.exp(hist[-1]["heldout_fwd"]) < 30  # a 30-word text: far below uniform (~33 types)
    assert any("tok/s" in m or "held-out" in m for m in logs)
    model = ELMo.load(best)
    assert model.embed([["The", "cell", "divides"]])[0].shape == (3, 3, 32)
    subs = [s.word for s in model.substitutes("She deposited the cash at the bank .".split(), 6, k=5)]
    assert "bank" not in subs and len(subs) == 5

    # resume continues from the checkpoint's step count
    tc2 = TrainConfig(**{**tc.__dict__, "max_steps": 50})
    train(str(corpus), out, tiny_config(), tc2, resume=True, log=logs.append)
    assert json.loads((out / "train_log.json").read_text())["steps"] == 50
    assert any("resumed at step 40" in m for m in logs)


def test_train_cli_reports_a_missing_corpus_clearly(tmp_path):
    r = subprocess.run([sys.executable, "-m", "elmo.train", "--corpus", "no-such-corpus", "--out",
                        str(tmp_path / "x")], capture_output=True, text=True,
                       env={"SENSE_EXPLORER_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2
    assert "error:" in r.stderr and "Traceback" not in r.stderr
