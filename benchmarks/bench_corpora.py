"""Benchmark of the corpus store: ingestion speed and search latency.

    NLTK_DATA=/path/to/nltk_data nice python benchmarks/bench_corpora.py [--repeat 50] [--limit 300]

Corpora: the default corpus (wiki) and, when NLTK_DATA holds them, all NLTK corpora indexed together as
one corpus ("nltk_all", ~5M tokens). Each is indexed into a fresh temporary store (ingestion tokens/s,
spaCy tokenisation included), then searched `repeat` times for a common word ("time") and a rare word
(the first word of count 3 in the corpus's frequency list), with corpora.search.occurrences(limit=...)
(the full KWIC table of a sample, as the app asks for it) and with limit=None. Prints a table and writes
benchmarks/results/corpora.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpora.builtin import DEFAULT_CORPUS, NLTK_SOURCES, builtin_documents, builtin_names  # noqa: E402
from corpora.search import occurrences  # noqa: E402
from corpora.store import Store  # noqa: E402

COMMON = "time"


def timed(fn, repeat: int) -> dict:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    out.sort()
    return {"median_ms": round(statistics.median(out), 2),
            "p95_ms": round(out[min(len(out) - 1, int(0.95 * len(out)))], 2)}


def bench(store: Store, name: str, docs, repeat: int, limit: int) -> dict:
    t = time.perf_counter()
    info = store.add_corpus(name, docs, source="benchmark")
    secs = time.perf_counter() - t
    types = store.types(name)
    rare = next(w for w, c in zip(types["word"], types["count"], strict=True) if c == 3 and w.isalpha())
    res = {"corpus": name, "documents": info["n_docs"], "tokens": info["n_tokens"], "ingest_s": round(secs, 1),
           "ingest_tokens_per_s": round(info["n_tokens"] / secs), "queries": {}}
    for word in (COMMON, rare):
        total = occurrences(store, name, word, limit=1).attrs["total"]
        for lim in (limit, None):
            key = f"{word} (limit={lim})"
            res["queries"][key] = {"word": word, "hits": total, "limit": lim,
                                   **timed(lambda w=word, lim=lim: occurrences(store, name, w, limit=lim), repeat)}
        key = f"{word} lemma (limit={limit})"
        res["queries"][key] = {"word": word, "match": "lemma", "limit": limit,
                               **timed(lambda w=word: occurrences(store, name, w, match="lemma", limit=limit), repeat)}
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "corpora.json"))
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        results.append(bench(store, DEFAULT_CORPUS, list(builtin_documents(DEFAULT_CORPUS)), args.repeat, args.limit))
        nltk_names = [n for n in builtin_names() if n in NLTK_SOURCES]
        if nltk_names:
            docs = list(itertools.chain.from_iterable(builtin_documents(n) for n in nltk_names))
            results.append(bench(store, "nltk_all", docs, args.repeat, args.limit))
            results[-1]["sources"] = nltk_names
        else:
            print("NLTK_DATA not set or empty: only the default corpus is measured", file=sys.stderr)
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 2**20
    print(f"{'corpus':<10} {'tokens':>10} {'ingest s':>9} {'tok/s':>8}  {'query':<28} {'hits':>7} "
          f"{'median ms':>9} {'p95 ms':>7}")
    for r in results:
        for i, (q, v) in enumerate(r["queries"].items()):
            head = (f"{r['corpus']:<10} {r['tokens']:>10,} {r['ingest_s']:>9} {r['ingest_tokens_per_s']:>8,}" if i == 0
                    else " " * 40)
            print(f"{head}  {q:<28} {v.get('hits', ''):>7} {v['median_ms']:>9} {v['p95_ms']:>7}")
    out = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
           "repeat": args.repeat, "store_mb": round(db_mb, 1), "results": results,
           "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    print(f"store size {db_mb:.0f} MB; wrote {args.out}")


if __name__ == "__main__":
    main()
