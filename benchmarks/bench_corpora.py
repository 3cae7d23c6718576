"""Benchmark of the corpus store: ingestion speed and search latency.

    NLTK_DATA=/path/to/nltk_data nice python benchmarks/bench_corpora.py [--repeat 50] [--limit 300]

Corpora: the default corpus (wiki) and, when NLTK_DATA holds them, all NLTK corpora indexed together as
one corpus ("nltk_all", ~5M tokens). Each is indexed into a fresh temporary store (ingestion tokens/s,
spaCy tokenisation included), then searched `repeat` times for a common word ("time") and a rare word
(the first word of count 3 in the corpus's frequency list), with corpora.search.occurrences(limit=...)
(the full KWIC table of a sample, as the app asks for it) and with limit=None. Prints a table and writes
benchmarks/results/corpora.json.

    python benchmarks/bench_corpora.py --lines 1 10 100

Ingestion of one-sentence-per-line plain text (no blank line: one document, one paragraph) of each size
in MB, through read_upload and Store.add_corpus into a fresh store: seconds, tokens/s and tokens/s per
MB against the smallest size (a flat figure means linear time). Writes benchmarks/results/corpora_lines.json.

    python benchmarks/bench_corpora.py --index-wiki [--repeat 3]

The first-run index build: Store.ensure_builtin("wiki") into an empty data dir, `repeat` times (a fresh
dir each time), after spaCy is loaded (the app has it loaded by then): wall and CPU seconds (CPU of this
process and of its child processes, i.e. the tokenising worker), best and all runs, and the load average
before and after (the machine's other load skews wall times). Prints one line per run and a summary.
--no-worker tokenises in this process only (no worker process, see corpora.text.split_rows).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpora.builtin import DEFAULT_CORPUS, NLTK_SOURCES, builtin_documents, builtin_names  # noqa: E402
from corpora.readers import read_upload  # noqa: E402
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


def lines_text(mb: float, seed: int = 0) -> bytes:
    """`mb` MB of one sentence per line (5 to 20 words from the wiki corpus's vocabulary), no blank line."""
    rng = random.Random(seed)
    vocab = [w for w, _ in zip(sorted({w.lower() for d in itertools.islice(builtin_documents(DEFAULT_CORPUS), 500)
                                       for w in d.text.split() if w.isalpha()}), range(20_000), strict=False)]
    target, out, size = int(mb * 2**20), [], 0
    while size < target:
        line = " ".join(rng.choices(vocab, k=rng.randint(5, 20))).capitalize() + ".\n"
        out.append(line)
        size += len(line)
    return "".join(out).encode()


def bench_lines(sizes: list[float], out: str) -> None:
    import resource

    from corpora.text import split_sentences

    split_sentences("Warm up.")  # load spaCy (and what it imports) before timing
    rows = []
    for mb in sizes:
        data = lines_text(mb)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            docs = read_upload("lines.txt", data)
            info = Store(Path(tmp) / "s.sqlite3").add_corpus("lines", docs, source="benchmark")
            secs = time.perf_counter() - t
        rows.append({"mb": mb, "lines": data.count(b"\n"), "tokens": info["n_tokens"], "seconds": round(secs, 2),
                     "tokens_per_s": round(info["n_tokens"] / secs),
                     "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})
        r = rows[-1]
        print(f"{mb:>6g} MB {r['lines']:>10,} lines {r['tokens']:>12,} tokens {r['seconds']:>8.1f} s "
              f"{r['tokens_per_s']:>9,} tok/s  (max RSS {r['max_rss_mb']:,} MB)", flush=True)
    base = rows[0]["tokens_per_s"]
    for r in rows:
        r["speed_vs_smallest"] = round(r["tokens_per_s"] / base, 2)
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "format": "one sentence per line, no blank line (one document)", "results": rows,
              "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the tokenising worker)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def bench_index_wiki(repeat: int, worker: bool = True) -> None:
    from corpora import text

    if not worker:
        text.PARALLEL_MIN_CHARS = sys.maxsize
    text.split_sentences("Warm up.")  # load spaCy (and what it imports) before timing
    runs = []
    for i in range(repeat):
        load = os.getloadavg()
        with tempfile.TemporaryDirectory() as tmp:
            t, c = time.perf_counter(), cpu_seconds()
            info = Store(Path(tmp) / "data").ensure_builtin(DEFAULT_CORPUS)
            wall, cpu = time.perf_counter() - t, cpu_seconds() - c
        runs.append((wall, cpu))
        print(f"run {i + 1}: {info['n_docs']:,} documents, {info['n_tokens']:,} tokens: {wall:.2f} s wall, "
              f"{cpu:.2f} s CPU (load average before {load[0]:.2f}, after {os.getloadavg()[0]:.2f})", flush=True)
    print(f"index wiki: best {min(w for w, _ in runs):.2f} s wall, {min(c for _, c in runs):.2f} s CPU "
          f"over {repeat} run(s){'' if worker else ', no worker process'}; {os.cpu_count()} CPUs; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--lines", type=float, nargs="+", metavar="MB",
                    help="only benchmark ingestion of one-sentence-per-line text of these sizes (MB)")
    ap.add_argument("--index-wiki", action="store_true",
                    help="only time the first-run index build of the wiki corpus (ensure_builtin) into an empty "
                         "data dir; --repeat times (default 3)")
    ap.add_argument("--no-worker", action="store_true", help="with --index-wiki: tokenise in this process only")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.index_wiki:
        bench_index_wiki(args.repeat if args.repeat != ap.get_default("repeat") else 3, worker=not args.no_worker)
        return
    if args.lines:
        bench_lines(args.lines, args.out or str(ROOT / "benchmarks" / "results" / "corpora_lines.json"))
        return
    args.out = args.out or str(ROOT / "benchmarks" / "results" / "corpora.json")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        # stored under another name: built-in names are reserved for the built-in corpora
        results.append(bench(store, f"{DEFAULT_CORPUS}_copy", list(builtin_documents(DEFAULT_CORPUS)), args.repeat,
                             args.limit))
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
