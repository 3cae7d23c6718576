"""What the pages take from the benchmark results: the Explorer's example words and first word, chosen by
measurement, and the figures its texts quote.

    table = example_table()          # every gold word: senses, majority share, the default view's ARI
    words = pick_examples(table)     # ["rock", "table", ...]: the first is the Explorer's first word

A word is offered when the default corpus really uses it in two senses and the default view separates
them: it is kept by the gold set's rule (senses/gold/README.md: at least 2 senses, `name` and `other` not
counted, with GOLD_MIN occurrences each), its most frequent gold sense holds at most MAX_MAJORITY of its
labelled occurrences, and the Explorer's default view (representation and automatic k) reaches an ARI of
at least MIN_ARI against the gold senses in the sense-induction benchmark
(benchmarks/results/induction.json, `python -m benchmarks.evaluate --induction`). Best ARI first.
misfit_shares() gives the "Least typical uses" figures of the same benchmark, number_text the text of a
figure, text_table a table of them, results_note the line on saved word-sense results (the Model page).
Reads the results files only (the harness in benchmarks/ writes them). Plain pandas; no streamlit.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
INDUCTION_RESULTS = RESULTS_DIR / "induction.json"
GOLD_DIR = Path(__file__).parent / "gold"  # hand-labelled occurrences of the default corpus (gold/README.md)
GOLD_MIN = 8  # a gold sense counts (k_major, a word's senses) with at least this many occurrences (gold/README.md)
# the induction benchmark's name of the Explorer's default view (its representation and automatic-k rule);
# benchmarks/induction.py names its candidate so, and a test checks that it is the Explorer's default
DEFAULT_CANDIDATE = "substitutes + Word2Vec context + neighbouring sentences (default)"
N_EXAMPLES = 8
MAX_MAJORITY = 0.8  # the other senses hold at least a fifth of the occurrences
MIN_ARI = 0.5
NOT_SENSES = ("name", "other")
COLUMNS = ["word", "occurrences", "senses", "majority_sense", "majority_share", "k_auto", "ari_auto"]


def gold_table(folder: Path = GOLD_DIR, min_count: int = GOLD_MIN) -> pd.DataFrame:
    """Per gold word: labelled occurrences, senses with >= min_count occurrences (name / other not counted),
    the most frequent sense and its share of all labelled occurrences."""
    rows = []
    for f in sorted(Path(folder).glob("*.tsv")):
        counts = pd.read_csv(f, sep="\t")["sense"].value_counts()
        major = counts[[s not in NOT_SENSES for s in counts.index]]
        rows.append({"word": f.stem, "occurrences": int(counts.sum()), "senses": int((major >= min_count).sum()),
                     "majority_sense": str(counts.index[0]), "majority_share": float(counts.iloc[0] / counts.sum())})
    return pd.DataFrame(rows, columns=COLUMNS[:5])


def example_table(folder: Path = GOLD_DIR, results: Path = INDUCTION_RESULTS) -> pd.DataFrame:
    """gold_table() with the default view's automatic k and ARI per word (NaN where the benchmark has no row,
    or when its results file is missing)."""
    table = gold_table(folder)
    scores = pd.DataFrame(columns=["word", "k_auto", "ari_auto"])
    if Path(results).is_file():
        rows = json.loads(Path(results).read_text(encoding="utf-8"))["rows"]
        scores = pd.DataFrame([{"word": r["word"], "k_auto": r["k_auto"], "ari_auto": r["ari_auto"]} for r in rows
                               if r["set"] == "wiki" and r["candidate"] == DEFAULT_CANDIDATE])
    return table.merge(scores, on="word", how="left")[COLUMNS]


def pick_examples(table: pd.DataFrame, n: int = N_EXAMPLES, min_ari: float = MIN_ARI,
                  max_majority: float = MAX_MAJORITY) -> list[str]:
    """Words with >= 2 senses, majority share <= max_majority and ARI >= min_ari; best ARI first (n at most)."""
    ok = table[(table["senses"] >= 2) & (table["majority_share"] <= max_majority)
               & (pd.to_numeric(table["ari_auto"]) >= min_ari)]
    return ok.sort_values(["ari_auto", "word"], ascending=[False, True], kind="stable")["word"].head(n).tolist()


@lru_cache(maxsize=1)
def example_words() -> tuple[str, ...]:
    """The Explorer's example words (pick_examples of example_table()); without benchmark results, the gold
    words with two senses, the most balanced first."""
    table = example_table()
    words = pick_examples(table)
    if not words:
        two = table[table["senses"] >= 2].sort_values(["majority_share", "word"], kind="stable")
        words = two["word"].head(N_EXAMPLES).tolist()
    return tuple(words)


@lru_cache(maxsize=1)
def misfit_shares(results: Path = INDUCTION_RESULTS) -> dict[str, tuple[float, float]]:
    """Per gold set ("wiki", "senseval"), for the default view: (share of the least typical occurrences whose
    gold sense is not their cluster's majority sense, the same share over all occurrences); {} without
    results."""
    if not Path(results).is_file():
        return {}
    summary = json.loads(Path(results).read_text(encoding="utf-8"))["summary"]
    return {r["set"]: (float(r["misfit_least_typical"]), float(r["misfit_all"])) for r in summary
            if r["candidate"] == DEFAULT_CANDIDATE and r["set"] in ("wiki", "senseval")}


def number_text(v, digits: int = 3) -> str:
    """A figure as text: floats with `digits` decimals and no negative zero ("-0.000" is "0.000"), "–" for a
    missing value (NaN, None, pd.NA), anything else as str."""
    if v is None or v is pd.NA or (isinstance(v, float | np.floating) and np.isnan(v)):
        return "–"
    if isinstance(v, float | np.floating):
        text = f"{v:.{digits}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return str(v)


def text_table(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(the table with every numeric column as number_text, those columns): "–" where a figure does not
    apply, as text (a table would show a missing number as "None")."""
    numeric = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
    return df.assign(**{c: df[c].map(number_text) for c in numeric}), numeric


def results_note(meta: dict, shown_path: str) -> str:
    """The line on saved word-sense results (senses.accuracy.read_results' metadata) at `shown_path`."""
    from corpora import senseval

    return (f"Saved results (`{shown_path}`): model `{Path(str(meta.get('model'))).name}`, "
            f"{meta.get('max_per_word') or 'all'} instances per word, biLM input "
            f"{senseval.window_text(meta.get('window', senseval.WINDOW))}, {meta.get('seconds', '?')} s.")
