"""Held-out perplexity of model directories on the packed data's held-out split, each with its own vocabulary.

    OMP_NUM_THREADS=1 python benchmarks/bench_heldout.py [elmo/models/en runs/gpu/best ...]

The split and the <= 48-token pieces are those of the bundled model's card ("original" corpora); "added" is the
held-out share of the corpora added later (elmo.pack's extra NLTK corpora). The loss is elmo.train's evaluation (elmo.fast), which scores
exactly the predictions inside each sequence, as elmo.model.BiLM.lm_loss now does too (it used to also score
the backward state at one padded position per shorter sequence: the bundled card's first backward figure,
155.1, is 147.5 scored correctly).
Writes benchmarks/results/heldout.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from elmo.characters import BOS_TOKEN, EOS_TOKEN  # noqa: E402
from elmo.embedder import ELMo  # noqa: E402
from elmo.fast import from_bilm  # noqa: E402
from elmo.pack import Pack  # noqa: E402
from elmo.train import TrainConfig, evaluate_all, prepare_data  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", type=Path, default=[ROOT / "elmo" / "models" / "en"])
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "pack_en.npz")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    pack = Pack.load(a.data)
    tc = TrainConfig(batch_tokens=4096, device="cpu")
    rows = []
    for path in a.models:
        model = ELMo.load(path)
        data = prepare_data(pack, tc, model.config.char_cnn.max_characters_per_token, torch.device("cpu"), print)
        data.targets = torch.tensor([model.vocab.id(w) for w in [*pack.types, BOS_TOKEN, EOS_TOKEN]])
        t = time.time()
        ev = evaluate_all(from_bilm(model.bilm).eval(), data, tc)
        name = str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)
        row = {"model": name, **{k.replace("heldout", "ppl"): round(math.exp(v), 2) for k, v in ev.items()},
               "seconds": round(time.time() - t)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = ROOT / "benchmarks" / "results" / "heldout.json"
    out.write_text(json.dumps({"data": str(a.data.name), "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
