"""Time from a word ("cell") to plot data through the functions the Sense explorer page uses.

    OMP_NUM_THREADS=1 python benchmarks/bench_app.py [--word cell] [--corpus wiki] [--model DIR] [--repeat 5]

Steps timed (pages.cache's cached pipeline, run in streamlit's bare mode, i.e. the same code and caches):
search (corpora.search.occurrences, sampled to 300), embedding of all layers (ELMo.embed_targets),
projection + clustering (senses.explore.analyse: scalar mix, PCA, automatic k) and cluster naming.
"cold_plot_s": first request after the model is loaded and the corpus indexed, until the plot can be
drawn; "cold_names_s": until the cluster names are there too (the page draws the plot first, then the
names). "warm": the same request again (cache hits); "re-view": another layer / k on the same word
(re-mix, re-project, re-cluster; no embedding). Model loading and one-time corpus indexing are
reported separately. Peak RSS from resource.getrusage. Uses the bundled model (elmo/models/en) and
exits with an error when it is missing, unless --model names another. "occurrences" is the number
embedded (a sample of at most --limit), "total_hits" the number found. The browser-side figures
(page open -> plot) are in benchmarks/bench_first_run.py. Writes benchmarks/results/app.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from corpora import settings  # noqa: E402
from corpora.search import SAMPLE_LIMIT  # noqa: E402

TARGETS = {"cold_plot_s": 3.0, "cold_names_s": 5.0, "warm_s": 0.3, "peak_rss_mb": 1024.0}


def repo_path(path: Path) -> str:
    """A path as results files store it: relative to the repository when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--word", default="cell")
    ap.add_argument("--corpus", default="wiki")
    ap.add_argument("--match", default="lemma")
    ap.add_argument("--limit", type=int, default=SAMPLE_LIMIT)
    ap.add_argument("--model", help="model directory (default: the bundled elmo/models/en)")
    ap.add_argument("--repeat", type=int, default=5, help="warm repetitions (median reported)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "app.json"))
    args = ap.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    import torch

    torch.set_num_threads(settings.torch_threads())
    from elmo.embedder import bundled_model_dir

    if args.model:
        model_dir, kind = Path(args.model), "given"
    elif bundled_model_dir() is not None:
        model_dir, kind = bundled_model_dir(), "bundled"
    else:
        sys.exit("The bundled model (elmo/models/en) is missing: this benchmark measures it and nothing else "
                 "(pass --model DIR to time another model).")
    os.environ["SENSE_EXPLORER_MODEL"] = str(model_dir)

    from pages import cache, models, store
    from senses.explore import DEFAULT_REPRESENTATION

    t = time.perf_counter()
    model = models.load_model(str(model_dir))
    load_s = time.perf_counter() - t
    name = next(iter(models.model_dirs()))
    t = time.perf_counter()
    from corpora.builtin import builtin_names

    if args.corpus in builtin_names():
        store.get_store().ensure_builtin(args.corpus)
    index_s = time.perf_counter() - t

    key = (args.corpus, args.word, args.match, args.limit)

    rep = DEFAULT_REPRESENTATION

    def request(layer="mix", k=None) -> tuple[float, float, dict]:
        steps = {}
        t0 = time.perf_counter()
        occ, total = cache.cached_occurrences(*key)
        steps["search_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        cache.cached_embeddings(*key, name, occ.attrs["rows"])
        steps["embed_s"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        a = cache.cached_analysis(*key, name, layer, (0.0, 0.0, 0.0) if layer == "mix" else (), "PCA", k, rep)
        steps["analyse_s"] = time.perf_counter() - t1
        plot_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        cache.cached_names(*key, name, layer, (0.0, 0.0, 0.0) if layer == "mix" else (), "PCA", k, rep)
        steps["names_s"] = time.perf_counter() - t1
        names_s = time.perf_counter() - t0
        steps.update(n=len(occ), total=total, k=a.k, silhouette=round(a.clustering.silhouette, 4))
        return plot_s, names_s, steps

    cold, cold_names, cold_steps = request()
    warm_runs = [request()[1] for _ in range(args.repeat)]
    warm = sorted(warm_runs)[len(warm_runs) // 2]
    reviews = [request(layer=layer, k=k)[0] for layer, k in ((1, None), (2, None), ("mix", 2), (0, 3))]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, torch threads {torch.get_num_threads()}",
        "load_average_1min": round(os.getloadavg()[0], 2),
        "model": repo_path(model_dir), "model_kind": kind, "model_dim": model.dim,
        "word": args.word, "corpus": args.corpus, "match": args.match, "limit": args.limit,
        "occurrences": cold_steps["n"], "total_hits": cold_steps["total"], "k": cold_steps["k"],
        "silhouette": cold_steps["silhouette"],
        "model_load_s": round(load_s, 3), "corpus_index_once_s": round(index_s, 3),
        "cold_plot_s": round(cold, 3), "cold_names_s": round(cold_names, 3),
        "cold_steps_s": {k: round(v, 3) for k, v in cold_steps.items() if k.endswith("_s")},
        "warm_s": round(warm, 4), "warm_runs_s": [round(v, 4) for v in warm_runs],
        "review_s": [round(v, 3) for v in reviews],
        "peak_rss_mb": round(rss_mb, 1),
        "targets": TARGETS,
    }
    result["meets_targets"] = {k: result[k] <= v for k, v in TARGETS.items()}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
