"""CPU embedding speed of candidate model shapes (random weights), and the cost of LSTM clipping.

    OMP_NUM_THREADS=1 nice python benchmarks/bench_shapes.py [--threads 1] [--sentences 300] [shapes/*.json ...]

Sentences: the first held-out sentences of the packed training data (data/pack_en.npz, the app's
tokenisation; no spaCy needed), embedded with elmo.embedder.ELMo as the app does. Speed does not depend
on the weights. Rates are tokens per second of this process's CPU time (time.process_time, one thread):
on a machine shared with other jobs, wall-clock rates vary by 2x between runs, CPU time much less. "clip x" = time of the same model with cell/proj clip 3 (nn.LSTM cannot clip, so the
exact step loop runs) divided by the fused nn.LSTM's time. Writes benchmarks/results/shapes.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from elmo.config import ELMoConfig, LSTMConfig  # noqa: E402
from elmo.embedder import ELMo  # noqa: E402
from elmo.model import BiLM, count_parameters  # noqa: E402
from elmo.pack import Pack  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "shapes.json"


def held_sentences(pack_path: Path, n: int) -> list[list[str]]:
    pack = Pack.load(pack_path)
    idx = pack.sentence_mask(True).nonzero()[0][:n]
    return [pack.sentence(int(i)) for i in idx]


def tokens_per_s(cfg: ELMoConfig, sents: list[list[str]], repeats: int = 2) -> float:
    """Tokens per CPU-second (best of `repeats`)."""
    torch.manual_seed(0)
    model = ELMo(BiLM(cfg).eval())
    model.embed(sents[:16])  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t = time.process_time()
        model.embed(sents)
        best = min(best, time.process_time() - t)
    return sum(map(len, sents)) / best


def shape_parser(doc: str | None) -> argparse.ArgumentParser:
    """The arguments the shape benchmarks share: shape config files and the packed data."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shapes", nargs="*", type=Path)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "pack_en.npz")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = shape_parser(__doc__)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sentences", type=int, default=300)
    ap.add_argument("--clip-sentences", type=int, default=60, help="fewer for the slow clipped step loop")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    shapes = a.shapes or sorted((ROOT / "benchmarks" / "shapes").glob("*.json"))
    sents = held_sentences(a.data, a.sentences)
    rows = []
    print(f"{'shape':<22} {'body params':>12} {'tok/cpu-s':>9} {'clip x':>7}")
    for path in shapes:
        cfg = ELMoConfig.load(path)
        clipped = replace(cfg, lstm=LSTMConfig(**{**cfg.lstm.__dict__, "cell_clip": 3.0, "proj_clip": 3.0}))
        fused = tokens_per_s(cfg, sents)
        few = sents[: a.clip_sentences]
        slow = tokens_per_s(clipped, few, repeats=1)
        ratio = tokens_per_s(cfg, few, repeats=1) / slow
        row = {"shape": path.stem, "body_parameters": count_parameters(BiLM(cfg)), "tokens_per_cpu_s": round(fused),
               "clipped_tokens_per_cpu_s": round(slow), "clip_slowdown": round(ratio, 2)}
        rows.append(row)
        print(f"{path.stem:<22} {row['body_parameters']:>12,} {fused:>9,.0f} {ratio:>7.2f}", flush=True)
    RESULTS.write_text(json.dumps({
        "threads": a.threads, "torch": torch.__version__, "processor": platform.processor() or platform.machine(),
        "sentences": len(sents), "tokens": sum(map(len, sents)), "weights": "random", "results": rows,
    }, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
