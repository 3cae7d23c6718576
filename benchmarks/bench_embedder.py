"""Benchmark of the ELMo embedder: tokens/s and the floating-point work actually executed.

    OMP_NUM_THREADS=1 python benchmarks/bench_embedder.py [--threads 1] [--sentences 2000] [--original 120]

Sentences: the first N sentences of the default corpus (Wikipedia summaries, corpora.builtin.wiki_documents,
split and tokenised with corpora.text.split_many, the tokenisation the app uses). Models:

  (a) the bundled model elmo/models/en, the headline figure; the benchmark fails when it is missing
      (--allow-random measures elmo.train.default_config() with random weights instead, labelled so);
  (b) the shape of the original ELMo (Peters et al. 2018; bilm-tf options: 2048 char filters, 2 highway
      layers, LSTM 4096 cells projected to 512, cell/proj clip 3, skip connections) with random weights, on
      the first `--original` sentences only (it is ~25x more work per token).

Executed FLOPs (2 per multiply-add, convolutions and matrix products only), counted over the very batches
the embedder forms (elmo.batching.length_batches): the char-CNN (convolutions, highway, projection) once
per *distinct* token row of a batch (CharCNN.forward dedups; <S>, </S> and the padding row included), the
LSTMs (input, recurrent and projection matrices, both directions) at every position of the padded batch,
<S> and </S> included. tokens/s and MFLOP/token count the sentences' own tokens only, so the boundary and
padding work is charged to them. LM softmax excluded (not used for embeddings).
Peak: the best of several 2048x2048 fp32 matmuls at the same thread count.
The run records what it knows about its context: platform, CPU count, torch threads, OMP_NUM_THREADS and
the 1-minute load average (os.getloadavg) before and after each measurement. Prints a table and writes
benchmarks/results/embedder.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from elmo.batching import length_batches  # noqa: E402
from elmo.config import ELMoConfig  # noqa: E402
from elmo.embedder import ELMo, bundled_model_dir  # noqa: E402
from elmo.model import BiLM  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "embedder.json"
MAX_TOKENS, MAX_SENTENCES = 4096, 128  # ELMo.embed's defaults: the batches measured


def original_config() -> ELMoConfig:
    """bilm-tf's options.json of the original 'Original' ELMo (elmo_2x4096_512_2048cnn_2xhighway)."""
    cfg = ELMoConfig()
    cfg.char_cnn.embedding_dim = 16
    cfg.char_cnn.filters = [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256], [6, 512], [7, 1024]]
    cfg.char_cnn.n_highway = 2
    cfg.char_cnn.activation = "relu"
    cfg.lstm.dim, cfg.lstm.projection_dim, cfg.lstm.n_layers = 4096, 512, 2
    cfg.lstm.cell_clip = cfg.lstm.proj_clip = 3.0
    cfg.lstm.use_skip_connections = True
    return cfg


def flops_per_row(cfg: ELMoConfig) -> dict[str, int]:
    """FLOPs of one char-CNN token row and of one LSTM position (all layers, both directions)."""
    cc, ls = cfg.char_cnn, cfg.lstm
    c, e, nf, p, h = cc.max_characters_per_token, cc.embedding_dim, cc.n_filters, ls.projection_dim, ls.dim
    conv = sum(2 * (c - w + 1) * w * e * n for w, n in cc.filters)
    highway = cc.n_highway * 2 * (2 * nf * nf)  # carry and transform
    projection = 2 * nf * p
    # per cell and step: input (P -> 4H), recurrent (P -> 4H), projection (H -> P); every layer's input is P
    lstm = 2 * ls.n_layers * (2 * p * 4 * h + 2 * p * 4 * h + 2 * h * p)
    return {"char_cnn_row": conv + highway + projection, "lstm_position": lstm}


def executed_work(cfg: ELMoConfig, sentences: list[list[str]]) -> dict:
    """FLOPs the embedder executes on these sentences, counted over its own batches."""
    per = flops_per_row(cfg)
    rows = positions = boundary = 0
    for batch in length_batches([len(s) + 2 for s in sentences], MAX_TOKENS, MAX_SENTENCES):
        seqs = [["<S>", *sentences[i], "</S>"] for i in batch]
        longest = max(map(len, seqs))
        padded = any(len(s) < longest for s in seqs)
        rows += len({w for s in seqs for w in s}) + padded  # distinct rows, the all-zero padding row too
        positions += len(seqs) * longest
        boundary += 2 * len(seqs)
    n_tokens = sum(map(len, sentences))
    cnn, lstm = rows * per["char_cnn_row"], positions * per["lstm_position"]
    return {"tokens": n_tokens, "boundary_tokens": boundary, "padded_positions": positions,
            "char_cnn_rows": rows, "char_cnn_rows_per_token": round(rows / n_tokens, 3),
            "flops_char_cnn": cnn, "flops_lstm": lstm, "flops_total": cnn + lstm,
            "mflops_per_token": round((cnn + lstm) / n_tokens / 1e6, 2)}


def matmul_peak(threads: int, n: int = 2048, repeat: int = 5) -> dict:
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return {"n": n, "threads": threads, "best_s": round(best, 4), "gflops": round(2 * n**3 / best / 1e9, 1)}


def wiki_sentences(n: int) -> list[list[str]]:
    from corpora.builtin import wiki_documents
    from corpora.text import split_many

    texts = (d.text for d in wiki_documents())
    sents = (s.tokens for doc in split_many(texts) for s in doc)
    return list(itertools.islice(sents, n))


def load1() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not available on this platform
        return None


def bench_model(name: str, weights: str, model: ELMo, sentences: list[list[str]], peak_gflops: float) -> dict:
    model.embed(sentences[:8])  # warm-up
    load_before = load1()
    t = time.perf_counter()
    model.embed(sentences, max_tokens=MAX_TOKENS, max_sentences=MAX_SENTENCES)
    dt = time.perf_counter() - t
    work = executed_work(model.config, sentences)
    gflops = work["flops_total"] / dt / 1e9
    return {
        "model": name,
        "weights": weights,
        "lstm_path": "step loop (clipping)" if model.config.lstm.cell_clip or model.config.lstm.proj_clip
        else "fused nn.LSTM",
        "parameters": sum(p.numel() for n_, p in model.bilm.named_parameters() if not n_.startswith("softmax")),
        "sentences": len(sentences),
        "seconds": round(dt, 2),
        "tokens_per_s": round(work["tokens"] / dt, 1),
        "sentences_per_s": round(len(sentences) / dt, 2),
        **work,
        "executed_gflops_per_s": round(gflops, 2),
        "fraction_of_peak": round(gflops / peak_gflops, 3),
        "load_avg_1min_before": load_before,
        "load_avg_1min_after": load1(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--sentences", type=int, default=2000, help="sentences for the bundled model")
    ap.add_argument("--original", type=int, default=120, help="sentences for the original ELMo shape")
    ap.add_argument("--allow-random", action="store_true",
                    help="without the bundled model, measure a random default_config model (labelled so)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    bundled = bundled_model_dir()
    if bundled is not None:
        a_name, a_weights, a_model = str(bundled.relative_to(ROOT)), "trained (bundled)", ELMo.load(bundled)
    elif args.allow_random:
        from elmo.train import default_config

        torch.manual_seed(0)
        a_name, a_weights, a_model = "default_config", "random", ELMo(BiLM(default_config()))
    else:
        print("error: the headline model elmo/models/en is missing (model.safetensors not found); "
              "nothing measured. Restore it, or pass --allow-random to time a random model of its shape.",
              file=sys.stderr)
        return 1

    peak = matmul_peak(args.threads)
    print(f"matmul peak ({peak['n']}x{peak['n']} fp32, {args.threads} thread(s)): {peak['gflops']} GFLOP/s")
    t = time.perf_counter()
    sentences = wiki_sentences(args.sentences)
    print(f"{len(sentences)} wiki sentences, {sum(map(len, sentences))} tokens "
          f"(split in {time.perf_counter() - t:.1f}s)")

    torch.manual_seed(0)
    b_model = ELMo(BiLM(original_config()))
    results = [bench_model(a_name, a_weights, a_model, sentences, peak["gflops"])]
    print(f"  {a_name}: {results[-1]['tokens_per_s']} tokens/s")
    results.append(bench_model("original ELMo shape", "random", b_model, sentences[: args.original], peak["gflops"]))
    print(f"  original: {results[-1]['tokens_per_s']} tokens/s")
    ratio = results[0]["tokens_per_s"] / results[1]["tokens_per_s"]

    print()
    print(f"{'model':22} {'weights':>17} {'LSTM':>20} {'sent':>5} {'tokens':>7} {'tok/s':>8} {'MFLOP/tok':>9} "
          f"{'GFLOP/s':>8} {'% peak':>7} {'load':>5}")
    for r in results:
        print(f"{r['model']:22} {r['weights']:>17} {r['lstm_path']:>20} {r['sentences']:>5} {r['tokens']:>7} "
              f"{r['tokens_per_s']:>8} {r['mflops_per_token']:>9} {r['executed_gflops_per_s']:>8} "
              f"{100 * r['fraction_of_peak']:>6.1f}% {r['load_avg_1min_before']!s:>5}")
    print(f"speed ratio bundled / original: {ratio:.1f}x")

    out = {
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
                    "platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "torch_threads": torch.get_num_threads(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "corpus": "wiki (corpora.builtin.wiki_documents, corpora.text.split_many)",
        "batches": {"max_tokens": MAX_TOKENS, "max_sentences": MAX_SENTENCES},
        "matmul_peak": peak,
        "results": results,
        "speed_ratio_bundled_over_original": round(ratio, 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
