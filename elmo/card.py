"""Write MODEL_CARD.md for a trained model directory from its training log, config and evaluation table.

    python -m elmo.card --run runs/en --model elmo/models/en [--evaluation benchmarks/results/evaluation.md]
        [--speed benchmarks/results/embedder.json] [--baseline OLD_MODEL_DIR_WITH_CARD]

Everything the card states comes from the run's train_log.json (hardware, schedule, regularisation, data
counts), the model directory, and the files named on the command line; what a log does not record is
written as "not recorded". read_card and config_rows give what the Model page shows of a model.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import numpy as np

from .embedder import ELMo
from .model import count_parameters

NEIGHBOUR_WORDS = ["cell", "bank", "plant"]
NOT_RECORDED = "not recorded"
CARD = "MODEL_CARD.md"
CARD_SECTIONS_SHOWN_ELSEWHERE = ("Word-sense evaluation", "Mean over words")  # the Model page's benchmark


def vocabulary_neighbours(model: ELMo, words: list[str], k: int = 8, pool: int = 20000) -> dict[str, list[str]]:
    """Nearest words (cosine of layer-0 vectors) among the `pool` most frequent words of the LM vocabulary."""
    cands = [w for w in (model.vocab.words[3 : 3 + pool] if model.vocab else []) if w.isalpha()]
    if not cands:
        return {}
    vec = model.type_vectors(cands + words)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
    out = {}
    for i, w in enumerate(words):
        sims = vec[: len(cands)] @ vec[len(cands) + i]
        order = [j for j in np.argsort(-sims) if cands[j].lower() != w.lower()]
        out[w] = [cands[j] for j in order[:k]]
    return out


def _ppl(h: dict, key: str) -> str:
    return f"{math.exp(h[key]):.1f}" if key in h else "–"


def data_lines(log: dict) -> list[str]:
    counts = log.get("corpus_counts") or {}
    base = (log.get("data") or {}).get("base_corpora") or list(counts)
    tok = (log.get("data") or {}).get("tokenizer", "the project's tokenizer (corpora.text, spaCy rules)")
    rule = (log.get("data") or {}).get("heldout", "2 % of documents by a hash of their text")
    tc = log.get("train_config", {})
    lines = [f"Tokenised with {tok}. Held out: documents with {rule}. Training sequences are sentences of up to "
             f"{tc.get('max_len', 48)} tokens"
             + (f", runs of consecutive sentences up to {tc['chunk_tokens']} tokens" if tc.get("chunk_tokens") else "")
             + f"; held-out perplexity is measured on pieces of up to {tc.get('eval_max_len', 48)} tokens.", ""]
    if counts:
        lines += ["| corpus | set | training tokens | held-out tokens | held-out documents |", "|---|---|---|---|---|"]
        for name, c in counts.items():
            lines.append(f"| {name} | {'original' if name in base else 'added'} | {c['train_tokens']:,} | "
                         f"{c['heldout_tokens']:,} | {c['heldout_docs']:,} |")
        lines.append("")
    lines += [f"- training predictions per epoch (per direction): {log['train_tokens_per_epoch']:,}",
              f"- held-out predictions: {log['heldout_tokens']:,} (original corpora)"
              + (f", {log['heldout_new_tokens']:,} (added corpora)" if log.get("heldout_new_tokens") else "")]
    return lines


def training_lines(log: dict) -> list[str]:
    tc = log.get("train_config", {})
    g = tc.get
    epochs = log.get("epochs") or log["tokens_trained"] / max(log["train_tokens_per_epoch"], 1)
    sched = (f"{g('steps')} steps, linear warm-up over {g('warmup_steps')} steps, cosine decay to "
             f"{g('min_lr_ratio')} x lr" if "steps" in tc else "schedule over wall-clock time (older trainer)")
    return [
        f"- {log['tokens_trained']:,} tokens ({epochs:.2f} epochs), {log['steps']:,} steps, {log['minutes']} minutes;"
        f" stopped by: {log.get('stopped_by') or NOT_RECORDED}; best evaluation at step "
        f"{log.get('best_step', NOT_RECORDED)}",
        f"- hardware: {log.get('hardware') or NOT_RECORDED}; {log.get('threads', NOT_RECORDED)} CPU thread(s); "
        f"torch {log.get('torch', NOT_RECORDED)}",
        f"- optimiser: {'AdamW' if 'weight_decay' in tc else 'Adam'}, lr {g('lr')}, {sched}; "
        f"~{g('batch_tokens')} padded tokens per batch; "
        f"{'bf16 autocast' if log.get('device') == 'cuda' and g('bf16') else 'float32'}",
        f"- regularisation: dropout {g('dropout', 0.0)}, weight decay {g('weight_decay', 0.0)}, gradient-norm "
        f"clipping {g('clip')}, early stopping after {g('patience', NOT_RECORDED)} evaluations without held-out "
        f"improvement (evaluated every {g('eval_every', NOT_RECORDED)} steps)",
        f"- seed {g('seed', NOT_RECORDED)}",
    ]


def reproduce_lines(log: dict, model_dir: Path) -> list[str]:
    tc = log.get("train_config", {})
    src = (log.get("data") or {}).get("source", "data/pack_en.npz")
    flags = " ".join(f"--{k.replace('_', '-')} {tc[k]}" for k in
                     ("steps", "batch_tokens", "max_len", "chunk_tokens", "lr", "warmup_steps", "dropout",
                      "weight_decay", "eval_every", "patience", "seed") if k in tc)
    return ["```bash", "NLTK_DATA=../shared/nltk_data python -m elmo.pack --out data/pack_en.npz   # here, once",
            f"python -m elmo.train --data {src} --out runs/en --config {model_dir}/config.json {flags}"
            + (" --half-weights" if tc.get("half_weights") else ""),
            "python -m benchmarks.evaluate --model runs/en/best", "```",
            "", "The same command and seed give the same model on the same hardware (CUDA kernels may differ "
            "between GPU types)."]


def model_card(run: Path, model_dir: Path, evaluation_md: str | None = None, speed: dict | None = None,
               baseline: str | None = None) -> str:
    log = json.loads((run / "train_log.json").read_text())
    model = ELMo.load(model_dir)
    cfg = model.config
    total = count_parameters(model.bilm)
    head = count_parameters(model.bilm.softmax) if model.bilm.softmax is not None else 0
    best = min(log["history"], key=lambda h: h["heldout_fwd"] + h["heldout_bwd"]) if log["history"] else None
    size_mb = (model_dir / "model.safetensors").stat().st_size / 1e6
    dtype = "float16, loaded as float32" if log.get("train_config", {}).get("half_weights") else "float32"
    lines = [
        f"# Model card: English biLM (`{model_dir}`)",
        "",
        "An ELMo-style bidirectional language model trained from scratch with `elmo.train`.",
        "Layer 0 is the context-independent char-CNN token vector; layers 1 and 2 are the forward and",
        "backward LSTM states concatenated. Use it as a frozen feature extractor (`elmo.embedder.ELMo`).",
        "",
        "## Data",
        "",
        *data_lines(log),
        f"- word vocabulary of the LM head: {len(model.vocab or []):,} (most frequent training words; inputs are "
        "characters, so every word gets vectors)",
        "",
        "## Model",
        "",
        f"- parameters: {total:,} ({total - head:,} in the body, {head:,} in the adaptive softmax head)",
        f"- char-CNN: {cfg.char_cnn.embedding_dim}-d byte embeddings, filters {cfg.char_cnn.filters}, "
        f"{cfg.char_cnn.n_highway} highway layer(s), {cfg.char_cnn.activation}, max "
        f"{cfg.char_cnn.max_characters_per_token} characters",
        f"- LSTM: {cfg.lstm.n_layers} layers per direction, {cfg.lstm.dim} cells, projection "
        f"{cfg.lstm.projection_dim}, skip connections {cfg.lstm.use_skip_connections}, cell/projection clipping "
        f"{cfg.lstm.cell_clip or 'none'}/{cfg.lstm.proj_clip or 'none'}",
        f"- output: 3 layers x {cfg.output_dim} dimensions; weights file {size_mb:.1f} MB (safetensors, {dtype})",
        "",
        "## Training",
        "",
        *training_lines(log),
    ]
    if best:
        lines += ["", "## Held-out perplexity", "", "| model | direction | original corpora | added corpora |",
                  "|---|---|---|---|",
                  f"| this | forward | {_ppl(best, 'heldout_fwd')} | {_ppl(best, 'heldout_new_fwd')} |",
                  f"| this | backward | {_ppl(best, 'heldout_bwd')} | {_ppl(best, 'heldout_new_bwd')} |"]
        if baseline:
            lines += [baseline.strip()]
        lines += ["", f"(best evaluation, step {best['step']}, after {best['tokens']:,} tokens; OOV words count as "
                  "the `<UNK>` class)"]
    nn = vocabulary_neighbours(model, NEIGHBOUR_WORDS)
    if nn:
        lines += ["", "## Static nearest neighbours (layer 0, cosine, among the 20k most frequent words)", ""]
        lines += [f"- **{w}**: {', '.join(ns)}" for w, ns in nn.items()]
    if speed:
        lines += ["", "## CPU embedding speed", ""]
        lines += [f"- {r['model']}: {r['tokens_per_s']:,.0f} tokens/s ({speed.get('threads', '?')} threads, "
                  f"{(speed.get('machine') or {}).get('processor', '')})" for r in speed.get("results", [])]
    if evaluation_md:
        lines += ["", "## Word-sense evaluation", "", evaluation_md.strip()]
    lines += ["", "## Reproduce", "", *reproduce_lines(log, model_dir), ""]
    return "\n".join(lines)


def card_sections(text: str, drop: tuple[str, ...] = CARD_SECTIONS_SHOWN_ELSEWHERE) -> tuple[str, str]:
    """(title, body) of a MODEL_CARD.md: its first "# " line, and the rest without the `drop` sections
    (the benchmark table, which the Model page shows once, below)."""
    title, body = "", []
    skipping = False
    for line in text.splitlines():
        heading = re.match(r"^(#+)\s+(.*)", line)
        if heading and len(heading.group(1)) == 1 and not title:
            title = heading.group(2).strip()
            continue
        if heading and len(heading.group(1)) == 1:
            continue  # an embedded document's title (e.g. the benchmark file's)
        if heading:
            skipping = any(heading.group(2).startswith(d) for d in drop)
        if not skipping:
            body.append(line)
    return title, "\n".join(body).strip()


def read_card(model_dir: str | Path) -> tuple[str, str] | None:
    """card_sections of the model directory's MODEL_CARD.md; None when it has none."""
    card = Path(model_dir) / CARD
    return card_sections(card.read_text(encoding="utf-8")) if card.is_file() else None


def config_rows(model: ELMo) -> list[tuple[str, str]]:
    """(setting, value) pairs summarising a model's configuration, every value as text."""
    cfg = model.config
    rows = [
        ("parameters", f"{count_parameters(model.bilm):,}"),
        ("layers (incl. char-CNN layer 0)", model.n_layers),
        ("vector size per layer (2P)", model.dim),
        ("LSTM cell / projection", f"{cfg.lstm.dim} / {cfg.lstm.projection_dim}"),
        ("char-CNN filters", ", ".join(f"{w}×{n}" for w, n in cfg.char_cnn.filters)),
        ("highway layers", cfg.char_cnn.n_highway),
        ("LM vocabulary", f"{len(model.vocab):,} words" if model.vocab is not None else "none (no LM head)"),
    ]
    return [(name, str(value)) for name, value in rows]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m elmo.card", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--evaluation", type=Path)
    ap.add_argument("--speed", type=Path, help="benchmarks/results/embedder.json")
    ap.add_argument("--baseline", help="extra perplexity table rows, e.g. '| previous | forward | 145.7 | – |'")
    a = ap.parse_args(argv)
    md = a.evaluation.read_text() if a.evaluation and a.evaluation.exists() else None
    speed = json.loads(a.speed.read_text()) if a.speed and a.speed.exists() else None
    (a.model / CARD).write_text(model_card(a.run, a.model, md, speed, a.baseline))
    print(f"wrote {a.model / CARD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
