"""Do the automatic cluster names say the sense? A benchmark against expected keywords per gold sense.

senses/gold/keywords/keywords.tsv holds 2-4 words per gold sense that a person would expect in a name of
that sense (written from the sense labels before any name was looked at; see senses/gold/README.md).
For every gold word, the Explorer's default view is computed exactly as the page does it (one biLM pass
for vectors and substitutes, senses.explore.analyse with the default representation and automatic k,
senses.explore.name_senses); for every gold sense, its majority cluster (the cluster holding most of its
occurrences) is found, and the sense counts as named when that cluster's name (ClusterName.label) holds
one of its keywords, compared as lemmas (senses.naming.lemma), case-insensitive.

    python -m benchmarks.name_eval [--wiki bank,star] [--senseval hard,interest] [--out benchmarks/results]
    python -m benchmarks.evaluate --names          (the same)

Writes benchmarks/results/names.json: per gold set, the share of senses whose majority cluster's name holds
a keyword (all senses, and the "major" ones with >= GOLD_MIN occurrences), one row per sense, and each
word's cluster names with their example sentences. The `name`/`other` labels have no keywords.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from corpora.senseval import WORDS as SENSEVAL_WORDS
from senses.explore import analyse, embed_occurrences, name_senses, typical_examples
from senses.measured import GOLD_DIR, GOLD_MIN
from senses.naming import lemma

from .common import repo_path
from .gold import GoldWord, gold_arguments, gold_run, load_golds

KEYWORDS = GOLD_DIR / "keywords" / "keywords.tsv"
RESULTS = "names.json"
NO_KEYWORDS = ("name", "other")  # gold labels that are not senses of the word


def load_keywords(path: Path = KEYWORDS) -> dict[tuple[str, str, str], list[str]]:
    """(set, word, sense) -> the sense's expected keywords (lower case)."""
    t = pd.read_csv(path, sep="\t", dtype=str)
    return {(r.set, r.word, r.sense): [k.strip().lower() for k in r.keywords.split(",") if k.strip()]
            for r in t.itertuples()}


def name_words(label: str) -> list[str]:
    """The words of a shown name ("river · shore · water", "film-star" -> film, star), lower case."""
    return [w for w in re.split(r"[^\w']+", label.lower()) if w]


def keyword_in(label: str, keywords: Sequence[str]) -> str:
    """The first keyword whose lemma is the lemma (or the form) of a word of the name; "" when none."""
    shown = set()
    for w in name_words(label):
        shown |= {w, lemma(w)}
    return next((k for k in keywords if k in shown or lemma(k) in shown), "")


def keyword_hits(senses: Sequence[str], labels: Sequence[int], names: dict[int, str],
                 keywords: dict[str, list[str]]) -> pd.DataFrame:
    """One row per gold sense with keywords: its occurrences, majority cluster (ties: the lower number),
    that cluster's share of the sense, the cluster's name and the keyword it holds ("" when none)."""
    senses, labels = np.asarray(senses).astype(str), np.asarray(labels)
    rows = []
    for sense, n in sorted(Counter(senses).items(), key=lambda kv: (-kv[1], kv[0])):
        if sense in NO_KEYWORDS or sense not in keywords:
            continue
        counts = Counter(labels[senses == sense].tolist())
        top = max(counts.values())
        c = min(k for k, v in counts.items() if v == top)
        name = names.get(int(c), "")
        rows.append({"sense": sense, "n": int(n), "major": bool(n >= GOLD_MIN), "cluster": int(c) + 1,
                     "cluster_share": round(top / n, 3), "name": name, "keywords": ",".join(keywords[sense]),
                     "hit": keyword_in(name, keywords[sense])})
    return pd.DataFrame(rows, columns=["sense", "n", "major", "cluster", "cluster_share", "name", "keywords", "hit"])


def score_names(gold: GoldWord, model, keywords: dict[tuple[str, str, str], list[str]],
                layers: np.ndarray | None = None, subs: list[list[str]] | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """The default view of one gold word as the Explorer computes it: (keyword_hits rows with set and word,
    [{cluster, size, name, example}] of its clusters)."""
    if layers is None:
        layers, subs = embed_occurrences(model, gold.frame)
    a = analyse(gold.frame, layers, substitutes=subs)
    named = name_senses(a, model=model, word=gold.word)
    names = {c: n.label for c, n in named.items()}
    examples = typical_examples(a)
    own = {s: k for (st, w, s), k in keywords.items() if (st, w) == (gold.source, gold.word)}
    hits = keyword_hits(gold.senses, a.clustering.labels, names, own)
    hits.insert(0, "word", gold.word)
    hits.insert(0, "set", gold.source)
    clusters = [{"cluster": c + 1, "size": int((a.clustering.labels == c).sum()), "name": names.get(c, ""),
                 "example": "".join(examples.get(c, ("", "", "")))} for c in range(a.k)]
    return hits, clusters


def summarise(rows: pd.DataFrame) -> list[dict]:
    """Per gold set: senses, named (a keyword in the name), share; the same for the major senses."""
    out = []
    for name, g in rows.groupby("set", sort=False):
        major = g[g["major"]]
        out.append({"set": name, "words": int(g["word"].nunique()), "senses": len(g),
                    "named": int((g["hit"] != "").sum()), "share": round(float((g["hit"] != "").mean()), 3),
                    "major_senses": len(major), "major_named": int((major["hit"] != "").sum()),
                    "major_share": round(float((major["hit"] != "").mean()), 3) if len(major) else float("nan")})
    return out


def run(model, wiki_words: Sequence[str] | None = None, senseval_words: Sequence[str] = SENSEVAL_WORDS,
        store=None, log: Callable[[str], None] = print) -> tuple[pd.DataFrame, dict[str, list[dict]]]:
    """score_names over the gold words: (one row per sense, {"set:word": its clusters})."""
    keywords = load_keywords()
    golds = load_golds(wiki_words, list(senseval_words), store)
    frames, clusters = [], {}
    for g in golds:
        t0 = time.perf_counter()
        hits, named = score_names(g, model, keywords)
        frames.append(hits)
        clusters[f"{g.source}:{g.word}"] = named
        log(f"{g.source}:{g.word} {time.perf_counter() - t0:.1f}s  " + " | ".join(c["name"] for c in named))
    return pd.concat(frames, ignore_index=True), clusters


def main(argv: Sequence[str] | None = None) -> int:
    ap = gold_arguments("python -m benchmarks.name_eval", __doc__.split("\n\n")[0])
    args = ap.parse_args([a for a in (argv if argv is not None else sys.argv[1:]) if a != "--names"])

    from corpora.search import lemma_forms

    setup = gold_run(args, word_forms=lemma_forms)  # the model as the app loads it
    if setup is None:
        return 2
    t0 = time.time()
    rows, clusters = run(setup.model, setup.wiki, setup.senseval, log=lambda s: print(s, file=sys.stderr, flush=True))
    seconds = round(time.time() - t0, 1)
    summary = summarise(rows)
    meta = {"model": repo_path(setup.model_dir), "keywords": repo_path(KEYWORDS), "seconds": seconds,
            "threads": setup.threads,
            "created": datetime.now(UTC).isoformat(timespec="seconds")}
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / RESULTS
    path.write_text(json.dumps({"meta": meta, "summary": summary, "rows": rows.to_dict("records"),
                                "clusters": clusters}, indent=1, ensure_ascii=False), encoding="utf-8")
    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 50):
        print(rows.to_string(index=False))
        print(pd.DataFrame(summary).to_string(index=False))
    print(f"\nwrote {path} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
