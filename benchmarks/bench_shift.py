"""Planted sense shifts: does the compare view (senses.shift) find the shares it was given, and does its
permutation test say "shift" when there is one, and only then?

    python benchmarks/bench_shift.py [--words bank,rock] [--repeats 40] [--sizes 30,60,150] [--rounds 1000]

Data: the hand-labelled wiki gold words (senses/gold, loaded as the induction benchmark does) whose two most
frequent senses (name / other left out) have at least MIN_SENSE labelled occurrences each. For every word,
design and size n, `--repeats` seeded pairs of samples with planted sense proportions:

* 80/20 vs 20/80, 90/10 vs 60/40: real shifts (power);
* 50/50 vs 50/50, exact: each side holds exactly n/2 of each sense (the planted shares);
* 50/50 vs 50/50, drawn: each occurrence of either side is of the first sense with probability 1/2, so
  the sides are exchangeable, the null hypothesis of the test (the false-alarm rate of a valid test is then
  at most 5 %; with exact halves it can only be lower).

Sampling: for each sense, the occurrences both sides need are drawn without replacement (the sides never share
one) when the word has that many labelled occurrences of the sense, else with replacement (then an occurrence
can appear more than once, also on both sides); `with_replacement` is the share of pairs that needed it.
The biLM pass (vectors and substitutes) is computed once per word; every pair is analysed afresh with the
Explorer's own senses.explore.analyse (representation, LSA, projection and automatic k fitted on the pair's
pooled 2n occurrences) and measured with senses.shift.measure (JSD, permutation test, ROUNDS rounds).

Estimated shares: every cluster is mapped to the gold sense of most of its occurrences; the estimated share of a
sense on a side is the share of the side's occurrences in clusters mapped to it. mae: mean absolute error of
the first sense's estimated share against the planted one, over both sides (with two senses the second sense's
error is the same); mae_sample: the same against the sample's own shares (for the drawn design they vary around
the planted 1/2; elsewhere they are the planted ones), the clustering's part of the error. jsd: the JSD of the clusters' shares (what the page shows) against planted_jsd, that of the
planted proportions. shift_rate: share of pairs with p < 0.05. k1_rate: share of pairs clustered into a single
sense (the test can then never say "shift").

Cost: seconds from occurrences to the named clusters for one side of COST_N occurrences (the Explorer's view:
biLM pass, analyse, names) and for two sides of COST_N each (the same for 2 x COST_N, plus the permutation
test), best of COST_REPEATS, alternating, same process; the ratio of the two.

Writes benchmarks/results/shift.json (paths relative to the repository) and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import md_table  # noqa: E402
from senses import shift  # noqa: E402

MIN_SENSE = 30  # labelled occurrences each of the two main senses needs (the n = 30 pairs without replacement)
SIZES = (30, 60, 150)
REPEATS = 40
# name, first sense's share on side A, on side B, exact counts (False: each occurrence drawn)
DESIGNS = (("80/20 vs 20/80", 0.8, 0.2, True), ("90/10 vs 60/40", 0.9, 0.6, True),
           ("50/50 vs 50/50, exact", 0.5, 0.5, True), ("50/50 vs 50/50, drawn", 0.5, 0.5, False))
SIDES = ("A", "B")
COST_WORD = "state"  # a wiki word with more than 2 x COST_N occurrences
COST_N = 300
COST_REPEATS = 3
OUT = Path("benchmarks/results/shift.json")


def main_senses(senses: np.ndarray) -> tuple[str, str] | None:
    counts = Counter(s for s in senses if s not in ("name", "other"))
    top = counts.most_common(2)
    return (top[0][0], top[1][0]) if len(top) == 2 and top[1][1] >= MIN_SENSE else None


def plant(senses: np.ndarray, pair: tuple[str, str], n: int, share_a: float, share_b: float, exact: bool,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, bool]:
    """Rows of side A and of side B with the planted proportions of the two senses; and whether a sense
    had to be drawn with replacement."""
    if exact:
        first = [round(n * share_a), round(n * share_b)]
    else:
        first = [int(rng.binomial(n, share_a)), int(rng.binomial(n, share_b))]
    want = {pair[0]: first, pair[1]: [n - first[0], n - first[1]]}
    sides: list[list[int]] = [[], []]
    replaced = False
    for sense, (na, nb) in want.items():
        pool = np.flatnonzero(senses == sense)
        again = na + nb > len(pool)
        replaced |= again
        rows = rng.choice(pool, na + nb, replace=again)
        sides[0] += rows[:na].tolist()
        sides[1] += rows[na:].tolist()
    return np.asarray(sides[0]), np.asarray(sides[1]), replaced


def score_pair(gold, layers, subs, rows_a, rows_b, pair, share_a, share_b, rounds: int, seed: int) -> dict:
    from corpora.search import WIDE_COLUMN
    from senses.explore import analyse

    rows = np.concatenate([rows_a, rows_b])
    frame = gold.frame.iloc[rows].reset_index(drop=True)
    frame[shift.SIDE] = [SIDES[0]] * len(rows_a) + [SIDES[1]] * len(rows_b)
    frame = frame[[c for c in frame.columns if c != WIDE_COLUMN] + [WIDE_COLUMN]]
    t0 = time.perf_counter()
    a = analyse(frame, layers[rows], substitutes=[subs[i] for i in rows])
    result = shift.measure(a.frame, SIDES, rounds=rounds, seed=seed)
    seconds = time.perf_counter() - t0
    senses = gold.senses[rows]
    labels = a.clustering.labels
    major = {c: Counter(senses[labels == c]).most_common(1)[0][0] for c in np.unique(labels)}
    mapped = np.array([major[c] for c in labels])
    b = np.arange(len(rows)) >= len(rows_a)
    est = [float(np.mean(mapped[~b] == pair[0])), float(np.mean(mapped[b] == pair[0]))]
    gold_counts = np.array([[np.sum(senses[~b] == s) for s in pair], [np.sum(senses[b] == s) for s in pair]])
    drawn = gold_counts[:, 0] / gold_counts.sum(1)  # the sample's own shares (the planted ones unless drawn)
    return {"mae": (abs(est[0] - share_a) + abs(est[1] - share_b)) / 2,
            "mae_sample": (abs(est[0] - drawn[0]) + abs(est[1] - drawn[1])) / 2, "est_a": est[0], "est_b": est[1],
            "jsd": result.jsd, "jsd_sample": shift.jsd(gold_counts[0], gold_counts[1]), "p": result.p_value,
            "shift": result.different, "k": a.k, "seconds": seconds}


def planted(word_data: list, sizes, repeats: int, rounds: int, log) -> pd.DataFrame:
    rows = []
    for gold, layers, subs, pair in word_data:
        t0 = time.perf_counter()
        for d, (design, share_a, share_b, exact) in enumerate(DESIGNS):
            for n in sizes:
                for r in range(repeats):
                    seed = 1000 * d + 10 * n + r
                    rng = np.random.default_rng([seed, len(gold.word), sum(map(ord, gold.word))])
                    ra, rb, replaced = plant(gold.senses, pair, n, share_a, share_b, exact, rng)
                    out = score_pair(gold, layers, subs, ra, rb, pair, share_a, share_b, rounds, seed)
                    rows.append({"word": gold.word, "senses": "/".join(pair), "design": design, "n": n,
                                 "repeat": r, "planted_a": share_a, "planted_b": share_b, "exact": exact,
                                 "with_replacement": replaced} | out)
        log(f"{gold.word} ({'/'.join(pair)}): {time.perf_counter() - t0:.0f} s")
    return pd.DataFrame(rows)


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    out = []
    for (design, n), g in df.groupby(["design", "n"], sort=False):
        pa, pb = float(g["planted_a"].iloc[0]), float(g["planted_b"].iloc[0])
        out.append({"design": design, "n": int(n), "pairs": len(g), "words": g["word"].nunique(),
                    "planted_a": pa, "planted_b": pb, "est_a": g["est_a"].mean(), "est_b": g["est_b"].mean(),
                    "mae": g["mae"].mean(), "mae_sample": g["mae_sample"].mean(), "planted_jsd": shift.jsd([pa, 1 - pa], [pb, 1 - pb]),
                    "jsd": g["jsd"].mean(), "jsd_sample": g["jsd_sample"].mean(), "shift_rate": g["shift"].mean(),
                    "k_mean": g["k"].mean(), "k1_rate": (g["k"] == 1).mean(),
                    "with_replacement": g["with_replacement"].mean(), "seconds_per_pair": g["seconds"].mean()})
    return pd.DataFrame(out)


def cost(model, store, word: str = COST_WORD, n: int = COST_N, repeats: int = COST_REPEATS,
         rounds: int = shift.ROUNDS) -> dict:
    """Seconds for one side of n occurrences (the Explorer's view) and for two sides of n each (the compare
    view), best of `repeats`, alternating."""
    from corpora.search import occurrences
    from senses.explore import analyse, embed_occurrences
    from senses.naming import name_clusters

    occ = occurrences(store, "wiki", word, match="lemma", limit=2 * n, seed=0)
    if len(occ) < 2 * n:
        raise SystemExit(f"{word} has only {len(occ)} occurrences in wiki; the cost needs {2 * n}")
    halves = np.random.default_rng(0).permutation(len(occ))
    a, b = occ.iloc[np.sort(halves[:n])], occ.iloc[np.sort(halves[n:])]
    pooled = shift.pool(a, b, ("first half", "second half"), cap=n, word=word)

    def one() -> None:
        layers, subs = embed_occurrences(model, a)
        x = analyse(a, layers, substitutes=subs)
        name_clusters(x.frame, x.clustering.labels, model=model, word=word)

    def two() -> None:
        shift.compare(model, pooled, word, rounds=rounds)

    best = {"one": float("inf"), "two": float("inf")}
    for _ in range(repeats):
        for name, f in (("one", one), ("two", two)):
            t0 = time.perf_counter()
            f()
            best[name] = min(best[name], time.perf_counter() - t0)
    return {"word": word, "corpus": "wiki", "n_per_side": n, "one_side_s": round(best["one"], 2),
            "two_sides_s": round(best["two"], 2), "ratio": round(best["two"] / best["one"], 2),
            "repeats": repeats, "rounds": rounds}



def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", default=None, help="comma-separated gold words (default: all with two main senses "
                                                  f"of >= {MIN_SENSE} occurrences)")
    ap.add_argument("--repeats", type=int, default=REPEATS)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--rounds", type=int, default=shift.ROUNDS)
    ap.add_argument("--no-cost", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    import torch

    from benchmarks.gold import gold_words, load_wiki_gold
    from corpora.search import lemma_forms
    from corpora.store import Store
    from elmo.embedder import ELMo, default_model_dir
    from senses.represent import occurrence_substitutes

    os.chdir(ROOT)  # relative paths in and out
    torch.set_num_threads(1)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    model_dir = default_model_dir()
    model = ELMo.load(model_dir, word_forms=lemma_forms)
    store = Store()
    store.ensure_builtin("wiki")
    t_start = time.time()
    words = args.words.split(",") if args.words else gold_words()
    data = []
    for w in words:
        gold = load_wiki_gold(store, w)
        pair = main_senses(gold.senses)
        if pair is None:
            log(f"{w}: skipped (its second sense has fewer than {MIN_SENSE} labelled occurrences)")
            continue
        layers, subs = occurrence_substitutes(model, list(gold.frame["tokens"]),
                                              [int(i) for i in gold.frame["token_index"]])
        data.append((gold, layers, subs, pair))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    df = planted(data, sizes, args.repeats, args.rounds, log)
    summary = summarise(df)
    per_word = (df.groupby(["word", "senses", "design", "n"], sort=False)
                .agg(pairs=("p", "size"), mae=("mae", "mean"), jsd=("jsd", "mean"), shift_rate=("shift", "mean"),
                     k_mean=("k", "mean"), with_replacement=("with_replacement", "mean")).reset_index())
    meta = {"script": "benchmarks/bench_shift.py", "model": os.path.relpath(Path(model_dir).resolve(), ROOT),
            "words": [d[0].word for d in data], "min_sense": MIN_SENSE, "sizes": sizes, "repeats": args.repeats,
            "rounds": args.rounds, "alpha": shift.ALPHA, "threads": torch.get_num_threads(),
            "seconds": round(time.time() - t_start, 1), "created": datetime.now(UTC).isoformat(timespec="seconds")}
    if not args.no_cost:
        meta["cost"] = cost(model, store, rounds=args.rounds)
        log(f"cost: {meta['cost']}")
    with pd.option_context("display.width", 220, "display.max_columns", 30, "display.float_format", "{:.3f}".format):
        print(summary.to_string(index=False))
    print("\n" + md_table(summary[["design", "n", "pairs", "planted_a", "planted_b", "est_a", "est_b", "mae", "mae_sample",
                              "planted_jsd", "jsd", "shift_rate", "k1_rate", "with_replacement"]]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "summary": summary.to_dict("records"),
                                    "per_word": per_word.to_dict("records")}, indent=1, default=float) + "\n",
                        encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
