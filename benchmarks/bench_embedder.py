"""Benchmark of the ELMo embedder: tokens/s, analytic FLOPs, fraction of the machine's matmul peak.

    OMP_NUM_THREADS=1 nice python benchmarks/bench_embedder.py [--threads 1] [--sentences 2000] [--original 120]

Sentences: the first N sentences of the default corpus (Wikipedia summaries, corpora.builtin.wiki_documents,
split and tokenised with corpora.text.split_many, the tokenisation the app uses). Models:

  (a) "bundled": elmo/models/en if present, else elmo.train.default_config() with random weights
      (speed does not depend on the weights);
  (b) "original": the shape of the original ELMo (Peters et al. 2018; bilm-tf options: 2048 char filters,
      2 highway layers, LSTM 4096 cells projected to 512, cell/proj clip 3, skip connections) with random
      weights, on the first `--original` sentences only (it is ~40x more work per token).

FLOPs per token are analytic (multiply-add = 2 FLOPs) from the config: the char-CNN convolutions over all
max_characters_per_token positions, highway, projection, and the 2 x n_layers LSTM cells incl. projection;
LM softmax excluded. The char CNN runs once per *distinct* token of a batch (CharCNN.forward dedups), so
the nominal count overstates the work done; `unique_token_fraction` says by how much for the CNN part.
Peak: the best of several 2048x2048 fp32 matmuls at the same thread count. Also compares the char CNN's
im2col (unfold + matmul) implementation with an equivalent torch.nn.functional.conv1d loop (same weights).
Prints a table and writes benchmarks/results/embedder.json.
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
import torch.nn.functional as F  # noqa: E402

from elmo.characters import batch_to_ids  # noqa: E402
from elmo.config import ELMoConfig  # noqa: E402
from elmo.embedder import ELMo, bundled_model_dir  # noqa: E402
from elmo.model import BiLM, CharCNN  # noqa: E402
from elmo.train import default_config  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "embedder.json"


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


def flops_per_token(cfg: ELMoConfig) -> dict[str, int]:
    """Analytic forward FLOPs per token (2 per multiply-add), by part."""
    cc, ls = cfg.char_cnn, cfg.lstm
    c, e, nf, p, h = cc.max_characters_per_token, cc.embedding_dim, cc.n_filters, ls.projection_dim, ls.dim
    conv = sum(2 * (c - w + 1) * w * e * n for w, n in cc.filters)
    highway = cc.n_highway * 2 * (2 * nf * nf)  # carry and transform matmuls
    projection = 2 * nf * p
    # per cell and step: input (P -> 4H), recurrent (P -> 4H), projection (H -> P); every layer's input is P
    lstm = 2 * ls.n_layers * (2 * p * 4 * h + 2 * p * 4 * h + 2 * h * p)
    return {"char_cnn": conv, "highway": highway, "projection": projection, "lstm": lstm,
            "total": conv + highway + projection + lstm}


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


def unique_fraction(model: ELMo, sentences: list[list[str]], max_tokens: int = 4096) -> float:
    """Distinct tokens / tokens over the batches the embedder forms (boundaries included)."""
    from elmo.embedder import _batches

    total = uniq = 0
    for batch in _batches([len(s) for s in sentences], max_tokens, 128):
        toks = [w for i in batch for w in ["<S>", *sentences[i], "</S>"]]
        total += len(toks)
        uniq += len(set(toks))
    return uniq / total


def bench_model(name: str, model: ELMo, sentences: list[list[str]], peak_gflops: float) -> dict:
    model.embed(sentences[:8])  # warm-up
    n_tokens = sum(len(s) for s in sentences)
    t = time.perf_counter()
    model.embed(sentences)
    dt = time.perf_counter() - t
    fl = flops_per_token(model.config)
    tps = n_tokens / dt
    # boundaries are computed too: count them in the work done
    work = fl["total"] * (n_tokens + 2 * len(sentences)) / dt / 1e9
    return {
        "model": name,
        "lstm_path": "step loop (clipping)" if model.config.lstm.cell_clip or model.config.lstm.proj_clip
        else "fused nn.LSTM",
        "parameters": sum(p.numel() for n_, p in model.bilm.named_parameters() if not n_.startswith("softmax")),
        "sentences": len(sentences),
        "tokens": n_tokens,
        "seconds": round(dt, 2),
        "tokens_per_s": round(tps, 1),
        "sentences_per_s": round(len(sentences) / dt, 2),
        "flops_per_token": fl,
        "mflops_per_token": round(fl["total"] / 1e6, 2),
        "achieved_gflops": round(work, 2),
        "fraction_of_peak": round(work / peak_gflops, 3),
        "unique_token_fraction": round(unique_fraction(model, sentences), 3),
    }


def conv1d_encode(cnn: CharCNN, chars: torch.Tensor) -> torch.Tensor:
    """CharCNN.encode with torch.nn.functional.conv1d in place of unfold + matmul (same weights)."""
    e = cnn.cfg.embedding_dim
    x = cnn.char_embed(chars).transpose(1, 2)  # (N, E, C)
    pooled = []
    for (w, n), weight, bias in zip(cnn.cfg.filters, cnn.conv_w, cnn.conv_b, strict=True):
        kernel = weight.view(w, e, n).permute(2, 1, 0)  # (n, E, w): row k*E+e of weight = offset k, dim e
        pooled.append(cnn.act(F.conv1d(x, kernel, bias).amax(dim=2)))
    return cnn.projection(cnn.highway(torch.cat(pooled, dim=-1)))


@torch.no_grad()
def bench_char_cnn(name: str, cfg: ELMoConfig, words: list[str], repeat: int = 3) -> dict:
    torch.manual_seed(0)
    cnn = BiLM(cfg).token_encoder.eval()
    chars = batch_to_ids([[w] for w in words], cfg.char_cnn.max_characters_per_token, add_boundaries=False)[:, 0]
    a, b = cnn.encode(chars), conv1d_encode(cnn, chars)
    same = bool(torch.allclose(a, b, atol=1e-4, rtol=1e-4))

    def best(fn) -> float:
        out = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            fn(chars)
            out = min(out, time.perf_counter() - t)
        return out

    t_im2col, t_conv = best(cnn.encode), best(lambda c: conv1d_encode(cnn, c))
    return {"model": name, "tokens": len(words), "allclose": same, "max_abs_diff": float((a - b).abs().max()),
            "im2col_tokens_per_s": round(len(words) / t_im2col), "conv1d_tokens_per_s": round(len(words) / t_conv),
            "im2col_speedup": round(t_conv / t_im2col, 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    ap.add_argument("--sentences", type=int, default=2000, help="sentences for the bundled/default model")
    ap.add_argument("--original", type=int, default=120, help="sentences for the original ELMo shape")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    peak = matmul_peak(args.threads)
    print(f"matmul peak ({peak['n']}x{peak['n']} fp32, {args.threads} thread(s)): {peak['gflops']} GFLOP/s")
    t = time.perf_counter()
    sentences = wiki_sentences(args.sentences)
    print(f"{len(sentences)} wiki sentences, {sum(map(len, sentences))} tokens "
          f"(split in {time.perf_counter() - t:.1f}s)")

    bundled = bundled_model_dir()
    if bundled is not None:
        a_name, a_model = f"bundled ({bundled.relative_to(ROOT)})", ELMo.load(bundled)
    else:
        torch.manual_seed(0)
        a_name, a_model = "default_config (random weights)", ELMo(BiLM(default_config()))
    torch.manual_seed(0)
    b_model = ELMo(BiLM(original_config()))
    results = [bench_model(a_name, a_model, sentences, peak["gflops"])]
    print(f"  {a_name}: {results[-1]['tokens_per_s']} tokens/s")
    results.append(bench_model("original ELMo shape (random weights)", b_model, sentences[: args.original],
                               peak["gflops"]))
    print(f"  original: {results[-1]['tokens_per_s']} tokens/s")
    ratio = results[0]["tokens_per_s"] / results[1]["tokens_per_s"]

    words = sorted({w for s in sentences for w in s})
    cnn = [bench_char_cnn("default", a_model.config, words[:4000]),
           bench_char_cnn("original", original_config(), words[:1000])]

    print()
    print(f"{'model':40} {'LSTM':>20} {'sent':>5} {'tokens':>7} {'tok/s':>8} {'MFLOP/tok':>9} "
          f"{'GFLOP/s':>8} {'% peak':>7}")
    for r in results:
        print(f"{r['model']:40} {r['lstm_path']:>20} {r['sentences']:>5} {r['tokens']:>7} {r['tokens_per_s']:>8} "
              f"{r['mflops_per_token']:>9} {r['achieved_gflops']:>8} {100 * r['fraction_of_peak']:>6.1f}%")
    print(f"speed ratio default / original: {ratio:.1f}x")
    print()
    print(f"{'char CNN':10} {'tokens':>7} {'im2col tok/s':>13} {'conv1d tok/s':>13} {'speedup':>8} {'allclose':>9}")
    for r in cnn:
        print(f"{r['model']:10} {r['tokens']:>7} {r['im2col_tokens_per_s']:>13} {r['conv1d_tokens_per_s']:>13} "
              f"{r['im2col_speedup']:>7}x {r['allclose']!s:>9}")

    out = {
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
                    "platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "threads": args.threads,
        "note": (f"run with torch.set_num_threads({args.threads}), OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
                 "under nice while another CPU-bound job held the other core; random weights; "
                 "FLOPs nominal (char CNN counted for every token, although it runs once per distinct token "
                 "of a batch)"),
        "corpus": "wiki (corpora.builtin.wiki_documents, corpora.text.split_many)",
        "matmul_peak": peak,
        "results": results,
        "speed_ratio_bundled_over_original": round(ratio, 2),
        "char_cnn_im2col_vs_conv1d": cnn,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
