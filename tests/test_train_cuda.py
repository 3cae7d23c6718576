"""Training on CUDA (bf16 autocast, cuDNN LSTMs, data on the GPU). Skipped without a GPU; run on the lent device
with `python -m pytest tests/test_train_cuda.py -q` (benchmarks/gpu_train.sh does)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from elmo.embedder import ELMo
from elmo.fast import TrainBiLM
from elmo.train import evaluate_all, load_checkpoint, prepare_data, train
from tests.test_train import TC, tiny_config, tiny_pack

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="CUDA is not available on this machine (CI and the CPU box have no GPU)")


def test_cuda_training_learns_and_its_checkpoint_round_trips(tmp_path):
    tc = replace(TC, device="cuda", steps=60, eval_every=20)
    out = tmp_path / "run"
    best = train(tiny_pack(), out, tiny_config(), tc, log=print)
    log = json.loads((out / "train_log.json").read_text())
    assert log["device"] == "cuda" and log["steps"] == 60
    losses = [h["heldout_fwd"] + h["heldout_bwd"] for h in log["history"]]
    assert losses[-1] < losses[0] - 0.1, losses
    # the checkpoint loads into a fresh model on the GPU and gives the last evaluation's numbers
    pack = tiny_pack()
    data = prepare_data(pack, tc, 50, torch.device("cuda"), log=print)
    cfg = replace(tiny_config(), n_tokens_vocab=len(data.vocab))
    model = TrainBiLM(cfg).cuda()
    state = load_checkpoint(out / "checkpoint", model, torch.optim.AdamW(model.parameters()))
    assert state["step"] == 60
    ev = evaluate_all(model, data, tc)
    assert ev["heldout_fwd"] == pytest.approx(log["history"][-1]["heldout_fwd"], abs=1e-3)
    # the exported model is our CPU model directory
    assert ELMo.load(best).embed([["The", "cell"]])[0].shape == (3, 2, 32)
