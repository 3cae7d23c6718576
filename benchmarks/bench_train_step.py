"""Training throughput of model shapes on this device (CUDA: bf16 autocast, cuDNN LSTMs), with and without
LSTM clipping (nn.LSTM cannot clip: with clipping the exact step loop runs instead of cuDNN).

    python benchmarks/bench_train_step.py [--steps 20] [--batch-tokens 32768] [--clip] [shapes/*.json ...]

Batches are real training batches of data/pack_en.npz (length-bucketed, max_len 200). Prints tokens/s
per shape after 3 warm-up steps; writes benchmarks/results/train_step.json (or --json PATH).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from benchmarks.bench_shapes import shape_parser  # noqa: E402
from elmo.config import ELMoConfig, LSTMConfig  # noqa: E402
from elmo.fast import TrainBiLM  # noqa: E402
from elmo.model import count_parameters  # noqa: E402
from elmo.pack import Pack  # noqa: E402
from elmo.train import TrainConfig, device_of, hardware, prepare_data, training_autocast  # noqa: E402


def throughput(cfg: ELMoConfig, data, tc: TrainConfig, steps: int) -> float:
    torch.manual_seed(0)
    cfg = replace(cfg, n_tokens_vocab=len(data.vocab))
    device = data.chars.device
    model = TrainBiLM(cfg, tc.dropout).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    groups = data.train.groups(tc.batch_tokens, 0)
    tokens, t0 = 0, 0.0
    for i in range(steps + 3):
        if i == 3:
            if device.type == "cuda":
                torch.cuda.synchronize()
            t0, tokens = time.perf_counter(), 0
        ids, lengths = data.train.batch(groups[i % len(groups)])
        with training_autocast(device, tc):
            lf, lb, _ = model.type_lm_loss(ids, lengths, data.chars, data.targets)
        opt.zero_grad(set_to_none=True)
        (lf + lb).backward()
        opt.step()
        tokens += int(data.train.lengths[groups[i % len(groups)]].sum())
    if device.type == "cuda":
        torch.cuda.synchronize()
    return tokens / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    ap = shape_parser(__doc__)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch-tokens", type=int, default=32768)
    ap.add_argument("--clip", action="store_true", help="also time each shape with cell/proj clip 3")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "train_step.json")
    a = ap.parse_args(argv)
    tc = TrainConfig(batch_tokens=a.batch_tokens, device=a.device)
    device = device_of(tc)
    data = prepare_data(Pack.load(a.data), tc, 50, device, log=print)
    rows = []
    for path in a.shapes or sorted((ROOT / "benchmarks" / "shapes").glob("*.json")):
        cfg = ELMoConfig.load(path)
        row = {"shape": path.stem, "parameters": count_parameters(TrainBiLM(replace(cfg, n_tokens_vocab=len(data.vocab)))),
               "tokens_per_s": round(throughput(cfg, data, tc, a.steps))}
        if a.clip:
            clipped = replace(cfg, lstm=LSTMConfig(**{**cfg.lstm.__dict__, "cell_clip": 3.0, "proj_clip": 3.0}))
            row["clipped_tokens_per_s"] = round(throughput(clipped, data, tc, max(a.steps // 4, 2)))
        rows.append(row)
        print(json.dumps(row), flush=True)
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps({"hardware": hardware(device), "torch": torch.__version__,
                                  "batch_tokens": a.batch_tokens, "steps": a.steps, "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
