"""Word-to-plot latency for several words on the default corpus and on all NLTK corpora together.

    NLTK_DATA=../shared/nltk_data python benchmarks/bench_words.py [--words cell,bank,line] [--threads 2]

Each (corpus, word) runs benchmarks/bench_app.py in a fresh process, so "cold" is really cold (model
loaded, corpus indexed, nothing cached): word -> plot, and word -> names (what the user waits for in
all). "shown" is the number of occurrences embedded (a sample of at most --limit), "hits" the number found. The NLTK corpora (brown, movie_reviews, abc, state_union,
webtext, inaugural, senseval) are indexed once as one corpus, "nltk_all", in a benchmark store
(benchmarks/.store, not in the repo). Writes benchmarks/results/app_words.json and prints a table.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def ensure_nltk_all(store_dir: Path) -> bool:
    from corpora.builtin import NLTK_SOURCES, builtin_documents, builtin_names
    from corpora.store import Store

    store = Store(store_dir)
    if "nltk_all" in store.corpus_names():
        return True
    names = [n for n in NLTK_SOURCES if n in builtin_names()]
    if not names:
        return False
    print(f"indexing nltk_all ({', '.join(names)}) once…", flush=True)
    store.add_corpus("nltk_all", itertools.chain.from_iterable(builtin_documents(n) for n in names),
                     source="benchmark")
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--words", default="cell,bank,line")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=300)
    a = ap.parse_args()
    store_dir = ROOT / "benchmarks" / ".store"
    store_dir.mkdir(exist_ok=True)
    corpora = ["wiki"] + (["nltk_all"] if ensure_nltk_all(store_dir) else [])
    env = {**os.environ, "SENSE_EXPLORER_DATA": str(store_dir), "OMP_NUM_THREADS": str(a.threads)}
    rows = []
    for corpus, word in itertools.product(corpora, a.words.split(",")):
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_app.py"), "--word", word,
                            "--corpus", corpus, "--limit", str(a.limit), "--out", f.name],
                           env=env, check=True, capture_output=True)
            r = json.loads(Path(f.name).read_text())
        rows.append({k: r[k] for k in ("corpus", "word", "total_hits", "occurrences", "k", "cold_plot_s", "cold_names_s", "warm_s",
                                       "peak_rss_mb", "model_load_s")} | {"cold_steps_s": r["cold_steps_s"]})
        print(f"{corpus:9} {word:6} hits {r['total_hits']:6} shown {r['occurrences']:4} k {r['k']} "
              f"plot {r['cold_plot_s']:.2f}s (embed {r['cold_steps_s']['embed_s']:.2f}s) names {r['cold_names_s']:.2f}s warm {r['warm_s'] * 1000:.1f}ms "
              f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    out = ROOT / "benchmarks" / "results" / "app_words.json"
    out.write_text(json.dumps({"threads": a.threads, "limit": a.limit, "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
