"""Word-sense benchmark on NLTK's `senseval` corpus (corpora.senseval): the hard / interest / line / serve
data in Senseval-2 format, *not* the Senseval-2 lexical-sample task, so these figures must not be compared
with published Senseval-2 scores. What is measured (1-NN and logistic-regression accuracy per layer and
baselines, ARI of the clustering against the gold senses and the word forms) is senses.accuracy's, the same
the Model page computes on a slice; this module writes it to benchmarks/results/evaluation.json and
evaluation.md, and measures the biLM's input window (`--compare-windows`, evaluation.windows.md).

    python -m benchmarks.evaluate [--model DIR] [--words hard,interest,line,serve] [--max-per-word N] [--out DIR]
    python -m benchmarks.evaluate --compare-windows sentence,10,24,40 --words line,serve --max-per-word 600
    python -m benchmarks.evaluate --induction     (benchmarks.induction: sense clusters vs hand-labelled senses)
    python -m benchmarks.evaluate --names         (benchmarks.name_eval: do the cluster names say the senses?)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from corpora import settings
from corpora.senseval import (
    BASELINE_WINDOW,
    CORPUS_NAME,
    SEED,
    SENTENCE,
    WINDOW,
    WORDS,
    Window,
    load_senseval,
    senseval_available,
    window_text,
)
from senses.accuracy import (
    BOW,
    COLUMNS,
    MEANING,
    MFS,
    N_FOLDS,
    RESULTS_JSON,
    STATIC,
    W2V,
    Progress,
    cv_accuracy,
    evaluate,
    make_folds,
    summary,
)
from senses.baselines import shipped_vectors
from senses.measured import number_text

from . import induction, name_eval
from .common import DEFAULT_OUT, repo_path

RESULTS_MD = "evaluation.md"
WINDOWS_MD = "evaluation.windows.md"


# ---- output --------------------------------------------------------------------------------------


def markdown_table(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(df.columns) + " |"
    sep = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(number_text(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def to_markdown(df: pd.DataFrame, meta: dict) -> str:
    static = meta.get("static_vectors") or {}
    lines = [
        f"# Word-sense benchmark: {CORPUS_NAME}",
        "",
        "NLTK's `senseval` corpus is the hard / interest / line / serve data in Senseval-2 format, not the "
        "Senseval-2 lexical-sample task: do not compare these figures with published Senseval-2 scores.",
        "",
        f"Model: `{meta.get('model', '?')}`; words: {', '.join(meta.get('words', []))}; "
        f"instances per word: {meta.get('max_per_word') or 'all'} (stratified, seed {SEED}); "
        f"biLM input: {window_text(meta.get('window', WINDOW))}, as one sequence; "
        f"{N_FOLDS}-fold stratified CV (shuffle, seed {SEED}); {meta.get('seconds', 0):.0f} s.",
        "",
        "knn = 1-nearest-neighbour (cosine), logreg = logistic regression (dense features standardised), pooled "
        "cross-validated accuracy. ari_auto / ari_forms = adjusted Rand index of the automatic clustering "
        "(senses.cluster, k_auto clusters) against the gold senses / against the word forms (hard, harder, "
        "...); ari_gold_k / ari_forms_k = the same with k = number of gold senses. A clustering that only "
        "separates the word forms has ari_forms ≈ 1, whatever its ari_auto.",
        "",
        "Features: `layer 0` = the character CNN (spelling-based, context-free: one vector per form); "
        "`layer 1`, `layer 2`, `layer avg` = the biLM's contextual vectors of the target. Baselines: "
        f"`{MEANING}` = each form's mean contextual vector (layer avg) over all its occurrences here, one "
        f"vector per form; `{BOW}` = binary bag of the ±{BASELINE_WINDOW} context words plus the target form; "
        f"`{W2V}` = [mean Word2Vec vector of the ±{BASELINE_WINDOW} words, Word2Vec vector of the target] "
        f"({static.get('library', 'gensim')} {static.get('model', '')}, {static.get('dim', '?')} d, trained "
        f"on the biLM's training text: `{static.get('command', 'python -m senses.baselines --build')}`); "
        f"`{STATIC}` = mean layer-0 vector of the ±{BASELINE_WINDOW} words; `{MFS}` = majority sense of the "
        "training folds.",
        "",
        markdown_table(df),
        "",
        "## Mean over words",
        "",
        markdown_table(summary(df)),
        "",
    ]
    return "\n".join(lines)


def write_results(df: pd.DataFrame, out: str | Path, meta: dict) -> tuple[Path, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [{k: (None if v is pd.NA or isinstance(v, float) and np.isnan(v) else v) for k, v in r.items()}
            for r in df.to_dict("records")]
    payload = {**meta, "columns": COLUMNS, "rows": rows}
    j, m = out / RESULTS_JSON, out / RESULTS_MD
    j.write_text(json.dumps(payload, indent=2, default=lambda o: o.item() if hasattr(o, "item") else str(o)) + "\n")
    m.write_text(to_markdown(df, meta))
    return j, m




# ---- command line --------------------------------------------------------------------------------


def compare_windows(model, words: Sequence[str], windows: Sequence[Window], max_per_word: int | None = 600,
                    progress: Progress | None = None) -> pd.DataFrame:
    """Accuracy of the layer average (1-NN and logistic regression, the benchmark's folds) per biLM input
    window: one row per (word, window) with the mean input length and the embedding time."""
    say = progress or (lambda f, m: None)
    rows = []
    for w, word in enumerate(words):
        for j, window in enumerate(windows):
            say((w * len(windows) + j) / (len(words) * len(windows)), f"{word}: window {window}")
            sample = load_senseval(word, max_per_word, window=window)
            t0 = time.time()
            x = model.embed_targets(sample.tokens, sample.index).mean(1)
            seconds = time.time() - t0
            knn, lr = cv_accuracy(x, sample.senses, make_folds(sample.senses))
            rows.append({"word": word, "window": str(window), "n": len(sample),
                         "mean tokens": float(np.mean([len(t) for t in sample.tokens])),
                         "knn": knn, "logreg": lr, "embed s": seconds})
    say(1.0, "done")
    return pd.DataFrame(rows)


def _window(value: str) -> Window:
    return SENTENCE if value == SENTENCE else int(value)


def main(argv: Sequence[str] | None = None) -> int:
    if "--induction" in (sys.argv[1:] if argv is None else argv):  # the sense-induction benchmark
        return induction.main(argv)
    if "--names" in (sys.argv[1:] if argv is None else argv):  # do the cluster names say the gold senses?
        return name_eval.main(argv)
    ap = argparse.ArgumentParser(prog="python -m benchmarks.evaluate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--words", default=",".join(WORDS), help="comma-separated Senseval words")
    ap.add_argument("--max-per-word", type=int, default=None, help="stratified, seeded subsample per word")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    ap.add_argument("--window", type=_window, default=WINDOW,
                    help=f"biLM input: 'sentence' or N tokens on each side (default {WINDOW})")
    ap.add_argument("--compare-windows", default=None, metavar="W1,W2,..",
                    help=f"instead of the benchmark, measure the windows (e.g. sentence,10,24,40); writes {WINDOWS_MD}")
    args = ap.parse_args(argv)

    import torch

    from elmo.embedder import ELMo, default_model_dir

    torch.set_num_threads(settings.torch_threads())
    words = [w.strip() for w in args.words.split(",") if w.strip()]
    if not senseval_available():
        print("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding corpora/senseval.zip",
              file=sys.stderr)
        return 2
    model_dir = args.model or default_model_dir()
    model = ELMo.load(model_dir)
    t0 = time.time()
    last = [""]

    def progress(f: float, msg: str) -> None:
        if msg != last[0] and "embedded" not in msg or f >= 1.0:
            print(f"[{100 * f:5.1f}% {time.time() - t0:6.0f}s] {msg}", file=sys.stderr, flush=True)
        last[0] = msg

    fmt = {"display.width": 160, "display.max_rows": 200, "display.float_format": "{:.3f}".format}
    if args.compare_windows:
        windows = [_window(v.strip()) for v in args.compare_windows.split(",") if v.strip()]
        df = compare_windows(model, words, windows, args.max_per_word, progress)
        with pd.option_context(*[x for kv in fmt.items() for x in kv]):
            print(df.to_string(index=False))
        args.out.mkdir(parents=True, exist_ok=True)
        path = args.out / WINDOWS_MD
        cap = f" --max-per-word {args.max_per_word}" if args.max_per_word else ""
        path.write_text(f"# biLM input window on {CORPUS_NAME}\n\n`python -m benchmarks.evaluate --compare-windows "
                        f"{args.compare_windows} --words {args.words}{cap}`; model `{repo_path(model_dir)}`; features: layer "
                        f"avg of the target; {N_FOLDS}-fold stratified CV (seed {SEED}); embed s = wall-clock "
                        f"seconds with {torch.get_num_threads()} torch thread(s).\n\n{markdown_table(df)}\n")
        print(f"\nwrote {path}")
        return 0
    static = shipped_vectors()
    if static is None:
        print("note: senses/static_vectors is missing, so no word2vec row (python -m senses.baselines --build)",
              file=sys.stderr)
    df = evaluate(model, words, args.max_per_word, progress, static, args.window)
    seconds = time.time() - t0
    meta = {"model": repo_path(model_dir), "corpus": CORPUS_NAME, "words": words, "max_per_word": args.max_per_word,
            "window": args.window, "folds": N_FOLDS, "seed": SEED, "seconds": round(seconds, 1),
            "static_vectors": static.meta if static is not None else None,
            "created": datetime.now(UTC).isoformat(timespec="seconds")}
    with pd.option_context(*[x for kv in fmt.items() for x in kv]):
        print(df.to_string(index=False))
        print("\nMean over words:")
        print(summary(df).to_string(index=False))
    j, m = write_results(df, args.out, meta)
    print(f"\nwrote {j} and {m} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
