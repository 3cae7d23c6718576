"""Compare a word across two corpora, or two parts of one corpus, in one space: sense shares and their shift.

    a = occurrences(store, "brown", "cell", match="lemma", limit=300)
    b = occurrences(store, "wiki", "cell", match="lemma", limit=300)
    pooled = pool(a, b, ("brown", "wiki"), cap=300)          # the same n on each side, seeded
    analysis, names, shift = compare(model, pooled, "cell")  # one space, one clustering, the Explorer's names
    shift.table(); shift.p_value; shift.sentence; shares_figure(shift, "cell")

Sides. Two corpora: the word's occurrences in each. One corpus split by a metadata column (Split): a value
against the rest or against another value ("genre = news" / "genre ≠ news"), or numbers before / from a
threshold ("year < 1900" / "year ≥ 1900"; occurrences without a number fall on neither side).

Even sampling. Both sides get the same number of occurrences, n = min(side A, side B, cap): a seeded random
sample of a side that has more, so that neither side outweighs the other in the clustering.

One space. The pooled occurrences are represented and clustered together by the Explorer's own analysis
(senses.explore.analyse: its default representation and automatic k), without their side labels, and the
clusters are named as on the Explorer (senses.naming).

Shares. Per sense (cluster), its occurrences on each side and their share of the side. A sense is *found on
one side only* when it holds at least ONE_SIDE_OWN (10 %) of that side's occurrences and under ONE_SIDE_OTHER
(5 %) of the other side's: none or a few strays, since any clustering misplaces some occurrences.

Shift. The Jensen–Shannon divergence of the two sense distributions in bits (base 2: 0 = the same shares,
1 = no sense in common), computed directly as H((P + Q) / 2) - (H(P) + H(Q)) / 2; it equals
scipy.spatial.distance.jensenshannon(P, Q, base=2) ** 2. Permutation test: every occurrence keeps its
cluster; the side labels are shuffled (ROUNDS rounds, seeded), the senses recounted per side and the JSD
recomputed; p = (1 + rounds with a JSD at least the observed one) / (1 + rounds). The clustering never sees
the side labels, so under the null hypothesis that the two sides' occurrences are exchangeable (drawn from
the same mixture of senses), shuffling the labels does not change it and the test is exact given the
pooled sample. It treats occurrences as independent: many occurrences from one document (one sense per
discourse) make p smaller than it should be.

    python -m senses.shift CORPUS_A CORPUS_B WORD [--json]
    python -m senses.shift CORPUS WORD --split COLUMN=VALUE [--vs OTHER] [--json]
    python -m senses.shift CORPUS WORD --split 'COLUMN<NUMBER' [--json]

Plain functions returning DataFrames and plotly figures; no streamlit here.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from corpora import settings
from corpora.errors import CorpusError
from corpora.search import SAMPLE_LIMIT, WIDE_COLUMN

from .explore import DEFAULT_REPRESENTATION, PALETTE, Analysis, cluster_label

SIDE = "side"  # the column of the pooled frame (and of the export) that says each occurrence's side
ROUNDS = 1000
SEED = 0
ALPHA = 0.05
MIN_SIDE = 10  # occurrences a side needs at least
DEFAULT_CAP = SAMPLE_LIMIT  # occurrences per side at most (the Explorer's default "Show at most")
SPLIT_SEARCH = 5000  # occurrences read from a corpus to split it (a seeded random sample of its hits above that)
MAX_SPLIT_VALUES = 100  # metadata columns with more values than this (titles, file names) are not offered
ONE_SIDE_OWN = 0.10  # "found on one side only": at least this share of one side's occurrences ...
ONE_SIDE_OTHER = 0.05  # ... and under this share of the other side's
DIFFERENT = "The senses are used differently on the two sides"
SAME = "No difference beyond chance"
_CHUNK = 1000  # permutation rounds counted at once


class ShiftError(CorpusError):
    """A comparison that cannot be made (a side too small, a bad split): the message is for the user."""


# ---- sides ------------------------------------------------------------------------------------------

def meta_text(v) -> str:
    """A metadata value as text ("" for a missing one): 1900 -> "1900"."""
    if v is None or (not isinstance(v, str | list | dict) and pd.isna(v)):
        return ""
    return str(v)


def split_columns(store, corpus: str, max_values: int = MAX_SPLIT_VALUES) -> dict[str, tuple[bool, list[str]]]:
    """Metadata columns of a stored corpus (corpora.store.Store) to split it by, those with 2 to `max_values`
    values: column -> (numeric, its values as text: numbers in order, others most frequent first)."""
    kept = [c for c, n in store.meta_cardinality(corpus).items() if 2 <= n <= max_values]
    meta = store.documents_meta(corpus) if kept else None
    out = {}
    for c in kept:
        col = meta[c if c in meta.columns else f"meta_{c}"].map(meta_text)
        col = col[col != ""]
        if len(col) and pd.to_numeric(col, errors="coerce").notna().all():
            out[c] = (True, sorted(col.unique(), key=float))
        else:
            out[c] = (False, [str(v) for v in col.value_counts().index])
        if len(out[c][1]) < 2:
            del out[c]
    return out


@dataclass(frozen=True)
class Split:
    """One corpus cut into two sides by a metadata column: `value` against `other` (None: the rest), or, with
    before=True, numbers below `value` against numbers from `value` on."""

    column: str
    value: str
    other: str | None = None
    before: bool = False

    @classmethod
    def parse(cls, text: str, other: str | None = None) -> Split:
        """"COLUMN=VALUE" (against `other`, or the rest) or "COLUMN<NUMBER"."""
        at = [i for i in (text.find("<"), text.find("=")) if i > 0]  # the first operator: a value may hold the other
        if at:
            column, op, value = text[: min(at)].strip(), text[min(at)], text[min(at) + 1:].strip()
            if column and value:
                split = cls(column, value, other.strip() if other else None, op == "<")
                split.check()
                return split
        raise ShiftError(f"cannot read the split {text!r}: write COLUMN=VALUE (a value against the rest) or "
                         "COLUMN<NUMBER (before a number against from it on)")

    def check(self) -> None:
        if self.before:
            if self.other is not None:
                raise ShiftError("a split before a number has no second value (--vs): its other side is the rest")
            try:
                float(self.value)
            except ValueError:
                raise ShiftError(f"{self.value!r} is not a number: a split COLUMN<NUMBER needs one") from None
        elif self.other is not None and self.other == self.value:
            raise ShiftError(f"both sides are {self.column} = {self.value}: choose two different values")

    @property
    def sides(self) -> tuple[str, str]:
        """The two sides' names: "genre = news" / "genre ≠ news" (or "genre = religion"), "year < 1900" /
        "year ≥ 1900"."""
        if self.before:
            return f"{self.column} < {self.value}", f"{self.column} ≥ {self.value}"
        return (f"{self.column} = {self.value}",
                f"{self.column} ≠ {self.value}" if self.other is None else f"{self.column} = {self.other}")

    def masks(self, occ: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(side A, side B) as boolean masks over the occurrence frame's rows."""
        self.check()
        if self.column not in occ.columns:
            from .explore import meta_columns

            have = [c for c in meta_columns(occ) if c != SIDE]
            raise ShiftError(f"the occurrences have no metadata column {self.column!r}; they have: "
                             f"{', '.join(have) or 'none'}")
        if self.before:
            numbers = pd.to_numeric(occ[self.column].map(meta_text).replace("", np.nan), errors="coerce").to_numpy()
            known = ~np.isnan(numbers)
            a = known & (numbers < float(self.value))
            return a, known & ~a
        values = occ[self.column].map(meta_text).to_numpy()
        a = values == self.value
        return a, (values == self.other) if self.other is not None else ~a


# ---- even sampling -----------------------------------------------------------------------------------

@dataclass
class Pooled:
    """Both sides' occurrences in one frame (side A's rows first), SIDE saying each one's side."""

    frame: pd.DataFrame
    sides: tuple[str, str]
    available: tuple[int, int]  # occurrences found per side, before the even sampling
    n: int  # occurrences kept per side
    totals: tuple[int | None, int | None] = (None, None)  # hits per side in the corpus, when known (search capped)
    seed: int = SEED

    @property
    def sampled(self) -> bool:
        """True when some occurrence of a side was left out (by the even sampling or by the search's cap)."""
        return self.n < max(self.available) or any(t is not None and t > a for t, a in
                                                   zip(self.totals, self.available, strict=True))

    def note(self) -> str:
        """What was compared, in one sentence for the page and the command line."""
        def have(i: int) -> str:
            t = self.totals[i]
            return f"{t:,}" if t is not None else f"{self.available[i]:,} found"

        a, b = self.sides
        if not self.sampled:
            return f"All occurrences: {self.n:,} on each side ({a} and {b})."
        return (f"Sampled evenly: {self.n:,} occurrences from each side (a seeded random sample, seed {self.seed}; "
                f"{a} has {have(0)}, {b} {have(1)}).")


def pool(a: pd.DataFrame, b: pd.DataFrame, sides: tuple[str, str], cap: int | None = DEFAULT_CAP,
         seed: int = SEED, totals: tuple[int | None, int | None] = (None, None), word: str | None = None) -> Pooled:
    """The two sides' occurrence frames evened out (n = min(len(a), len(b), cap) each, a seeded sample of the
    larger) and stacked with a SIDE column; ShiftError when a side has fewer than MIN_SIDE occurrences."""
    sides = (str(sides[0]), str(sides[1]))
    if sides[0] == sides[1]:
        raise ShiftError(f"both sides are {sides[0]}: choose two different corpora or values")
    word = word or str(a.attrs.get("word") or b.attrs.get("word") or "the word")
    for side, occ in zip(sides, (a, b), strict=True):
        if len(occ) < MIN_SIDE:
            raise ShiftError(f"only {len(occ)} occurrence{'s' if len(occ) != 1 else ''} of “{word}” in {side}: "
                             f"comparing needs at least {MIN_SIDE} on each side")
    n = min(len(a), len(b), *([int(cap)] if cap else []))
    rng = np.random.default_rng(seed)
    parts = []
    for side, occ in zip(sides, (a, b), strict=True):
        rows = np.arange(len(occ)) if len(occ) == n else np.sort(rng.choice(len(occ), n, replace=False))
        part = occ.iloc[rows].reset_index(drop=True)
        if SIDE in part.columns:  # a metadata column of that name keeps its values under another
            part = part.rename(columns={SIDE: f"meta_{SIDE}"})
        parts.append(part.assign(**{SIDE: side}))
    for i, part in enumerate(parts):  # metadata of one side only: "" on the other, as the search fills gaps
        for c in parts[1 - i].columns:
            if c not in part.columns:
                parts[i] = parts[i].assign(**{c: ""})
    order = [c for c in parts[0].columns if c != WIDE_COLUMN]
    order += [c for c in parts[1].columns if c not in order and c != WIDE_COLUMN]
    order += [WIDE_COLUMN] if WIDE_COLUMN in parts[0].columns else []
    frame = pd.concat([p[order] for p in parts], ignore_index=True)
    frame.attrs = {"word": word, "sides": list(sides)}
    return Pooled(frame, sides, (len(a), len(b)), n, totals, seed)


def split_pool(occ: pd.DataFrame, split: Split, cap: int | None = DEFAULT_CAP, seed: int = SEED) -> Pooled:
    """pool() of one corpus's occurrences cut by a Split; the side totals are exact unless the search
    itself was a sample (attrs["total"] above the rows)."""
    ma, mb = split.masks(occ)
    complete = int(occ.attrs.get("total", len(occ))) <= len(occ)
    totals = (int(ma.sum()), int(mb.sum())) if complete else (None, None)
    return pool(occ[ma], occ[mb], split.sides, cap, seed, totals, word=occ.attrs.get("word"))


# ---- divergence and test ------------------------------------------------------------------------------

def _entropy_rows(p: np.ndarray) -> np.ndarray:
    """Entropy in bits of each row of a (r, k) array of distributions (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return -terms.sum(axis=1)


def jsd_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence (bits) between the rows of two (r, k) count (or probability) arrays."""
    a = np.atleast_2d(np.asarray(a, np.float64))
    b = np.atleast_2d(np.asarray(b, np.float64))
    sa, sb = a.sum(1, keepdims=True), b.sum(1, keepdims=True)
    if (sa <= 0).any() or (sb <= 0).any():
        raise ValueError("a distribution with nothing in it has no divergence")
    p, q = a / sa, b / sb
    out = _entropy_rows((p + q) / 2) - (_entropy_rows(p) + _entropy_rows(q)) / 2
    return np.clip(out, 0.0, 1.0)


def jsd(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen–Shannon divergence in bits (0..1) of two distributions given as counts or probabilities."""
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"two distributions over the same senses are needed, got shapes {p.shape} and {q.shape}")
    return float(jsd_rows(p[None], q[None])[0])


def sense_counts(clusters: Sequence[int], side_b: Sequence[bool], k: int | None = None) -> np.ndarray:
    """(2, k) occurrences per side (row 0: side A, row 1: side B) and cluster."""
    clusters = np.asarray(clusters, int)
    side_b = np.asarray(side_b, bool)
    k = int(k if k is not None else (clusters.max() + 1 if len(clusters) else 0))
    return np.stack([np.bincount(clusters[~side_b], minlength=k), np.bincount(clusters[side_b], minlength=k)])


def permutation_test(clusters: Sequence[int], side_b: Sequence[bool], rounds: int = ROUNDS,
                     seed: int = SEED) -> tuple[float, float]:
    """(observed JSD, p-value): the side labels shuffled `rounds` times over the fixed clusters (seeded),
    p = (1 + rounds whose JSD >= the observed one) / (1 + rounds)."""
    clusters = np.asarray(clusters, int)
    side_b = np.asarray(side_b, bool)
    if rounds < 1:
        raise ValueError("the permutation test needs at least one round")
    counts = sense_counts(clusters, side_b)
    observed = float(jsd_rows(counts[:1], counts[1:])[0])
    onehot = np.eye(counts.shape[1])[clusters]
    total = onehot.sum(0)
    rng = np.random.default_rng(seed)
    reached = 0
    for start in range(0, rounds, _CHUNK):
        r = min(_CHUNK, rounds - start)
        shuffled = rng.permuted(np.tile(side_b, (r, 1)), axis=1)
        cb = shuffled.astype(np.float64) @ onehot
        reached += int((jsd_rows(total - cb, cb) >= observed - 1e-12).sum())
    return observed, (1 + reached) / (1 + rounds)


# ---- the shift ------------------------------------------------------------------------------------------

@dataclass
class Shift:
    """Per sense, the occurrences on each side; their divergence and its permutation p-value."""

    sides: tuple[str, str]
    labels: list[str]  # per cluster, its label on the Explorer ("1: prison · guard")
    counts: np.ndarray  # (2, k)
    jsd: float
    p_value: float
    rounds: int = ROUNDS
    seed: int = SEED

    @property
    def shares(self) -> np.ndarray:
        """(2, k) share of each side's occurrences per sense."""
        return self.counts / np.maximum(self.counts.sum(1, keepdims=True), 1)

    @property
    def only_on(self) -> dict[int, int]:
        """Senses found on one side only: cluster -> side (0: A, 1: B); see the module docstring."""
        s = self.shares
        out = {}
        for c in range(s.shape[1]):
            for side in (0, 1):
                if s[side, c] >= ONE_SIDE_OWN and s[1 - side, c] < ONE_SIDE_OTHER:
                    out[c] = side
        return out

    @property
    def different(self) -> bool:
        return self.p_value < ALPHA

    @property
    def sentence(self) -> str:
        """The plain verdict: DIFFERENT when p < ALPHA, else SAME, with p ("...: p = 0.001 < 0.05.")."""
        verdict, sign = (DIFFERENT, "<") if self.different else (SAME, "≥")
        return f"{verdict}: p = {self.p_value:.3f} {sign} {ALPHA:g}."

    def only_text(self, c: int) -> str:
        side = self.only_on.get(c)
        return "" if side is None else f"only in {self.sides[side]}"

    def table(self) -> pd.DataFrame:
        """One row per sense: its label, occurrences and share (%) on each side, and where it is found only."""
        a, b = self.sides
        s = self.shares * 100
        return pd.DataFrame({
            "sense": self.labels,
            f"{a} n": self.counts[0].astype(int), f"{a} %": np.round(s[0], 1),
            f"{b} n": self.counts[1].astype(int), f"{b} %": np.round(s[1], 1),
            "found": [self.only_text(c) for c in range(len(self.labels))]})

    def summary(self) -> str:
        """The JSD and the test, in one line."""
        return (f"Jensen–Shannon divergence {self.jsd:.3f} bits (0: the same shares, 1: no sense in common); "
                f"permutation test ({self.rounds:,} shuffles of the side labels, seed {self.seed}): "
                f"p = {self.p_value:.3f}.")

    def to_dict(self) -> dict:
        a, b = self.sides
        only = self.only_on
        return {
            "senses": [{"cluster": c + 1, "sense": label,
                        "counts": {a: int(self.counts[0, c]), b: int(self.counts[1, c])},
                        "shares": {a: round(float(self.shares[0, c]), 4), b: round(float(self.shares[1, c]), 4)},
                        "only_in": self.sides[only[c]] if c in only else None}
                       for c, label in enumerate(self.labels)],
            "jsd": round(self.jsd, 6), "p_value": round(self.p_value, 6), "rounds": self.rounds, "seed": self.seed,
            "different": self.different, "sentence": self.sentence}


def measure(frame: pd.DataFrame, sides: tuple[str, str], names: dict[int, str] | None = None,
            rounds: int = ROUNDS, seed: int = SEED) -> Shift:
    """The Shift of an analysed pooled frame (its "cluster" and SIDE columns)."""
    clusters = frame["cluster"].to_numpy(int)
    side_b = (frame[SIDE] == sides[1]).to_numpy()
    k = int(clusters.max()) + 1 if len(clusters) else 0
    observed, p = permutation_test(clusters, side_b, rounds, seed)
    return Shift(tuple(sides), [cluster_label(c, names) for c in range(k)], sense_counts(clusters, side_b, k),
                 observed, p, rounds, seed)


def analyse_pooled(pooled: Pooled, layers: np.ndarray, substitutes, model, word: str, rounds: int = ROUNDS,
                   seed: int = SEED, **view) -> tuple[Analysis, dict[int, str], Shift]:
    """Analyse the embedded pooled occurrences as the Explorer does (`view`: senses.explore.analyse's layer,
    weights, method, k, representation), name the clusters and measure the shift: (analysis, names, shift)."""
    from .explore import analyse
    from .naming import name_clusters

    a = analyse(pooled.frame, layers, substitutes=substitutes, **view)
    names = {c: n.label for c, n in name_clusters(a.frame, a.clustering.labels, model=model, word=word).items()}
    return a, names, measure(a.frame, pooled.sides, names, rounds, seed)


def compare(model, pooled: Pooled, word: str, k: int | None = None,
            representation: str = DEFAULT_REPRESENTATION, rounds: int = ROUNDS, seed: int = SEED,
            progress: Callable[[int, int], None] | None = None) -> tuple[Analysis, dict[int, str], Shift]:
    """Embed the pooled occurrences (one biLM pass), analyse them as the Explorer does, name the clusters and
    measure the shift: (analysis, names, shift)."""
    from .explore import embed_occurrences

    layers, subs = embed_occurrences(model, pooled.frame, progress=progress)
    return analyse_pooled(pooled, layers, subs, model, word, rounds, seed, k=k, representation=representation)


# ---- figure ---------------------------------------------------------------------------------------------

def side_colours(sides: Sequence[str]) -> dict[str, str]:
    """The sides' colours as on the Explorer's scatter coloured by side (its legend is sorted by name)."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sorted(sides))}


def shares_figure(shift: Shift, word: str = "", height: int = 420) -> go.Figure:
    """Bars side by side: each sense's share of each side's occurrences, with the counts on the bars; the
    senses found on one side only say so under their name."""
    colours = side_colours(shift.sides)
    x = [html.escape(label) + (f"<br><i>{html.escape(shift.only_text(c))}</i>" if c in shift.only_on else "")
         for c, label in enumerate(shift.labels)]
    fig = go.Figure()
    for side in (0, 1):
        name = shift.sides[side]
        counts, shares = shift.counts[side], shift.shares[side]
        fig.add_trace(go.Bar(
            x=x, y=shares * 100, name=html.escape(name), marker_color=colours[name],
            text=[f"{int(n)} ({s:.0%})" for n, s in zip(counts, shares, strict=True)], textposition="outside",
            customdata=counts, hovertemplate="%{x}<br>%{customdata} occurrences, %{y:.1f} %<extra>"
                                             + html.escape(name[:40]) + "</extra>"))
    n = int(shift.counts.sum(1).max()) if shift.counts.size else 0
    fig.update_layout(
        barmode="group", height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        title={"text": f"“{html.escape(word)}”: share of each sense per side ({n:,} occurrences each)"},
        # headroom above the tallest bar for its count
        yaxis_title="% of the side's occurrences", yaxis_range=[0, max(float(shift.shares.max(initial=0.0)), 0.05) * 118 + 5],
        legend_title_text="side")
    return fig


def export_frame(analysis: Analysis, names: dict[int, str] | None = None, view: str | None = None) -> pd.DataFrame:
    """The Explorer's export (senses.explore.export_frame, with its view) of a pooled analysis: it keeps the
    SIDE column, moved next to the cluster columns."""
    from .explore import export_frame as explore_export

    f = explore_export(analysis, names, view)
    cols = [c for c in f.columns if c != SIDE]
    at = cols.index("cluster") if "cluster" in cols else len(cols)
    return f[cols[:at] + [SIDE] + cols[at:]]


# ---- command line -------------------------------------------------------------------------------------

USAGE = """python -m senses.shift CORPUS_A CORPUS_B WORD [options]
       python -m senses.shift CORPUS WORD --split COLUMN=VALUE [--vs OTHER] [options]
       python -m senses.shift CORPUS WORD --split 'COLUMN<NUMBER' [options]"""
EPILOG = f"""Two corpora: the word's occurrences in CORPUS_A against those in CORPUS_B. One corpus: --split
COLUMN=VALUE compares the documents whose metadata COLUMN is VALUE with the rest (or with --vs OTHER);
--split 'COLUMN<NUMBER' those before a number with those from it on (quote it for the shell). Both sides
are sampled evenly (the same n, at most --limit), clustered together as on the Explorer, and the senses'
shares compared: Jensen-Shannon divergence in bits and a permutation test ({ROUNDS:,} rounds by default).
--json prints one JSON object (per-sense counts and shares per side, jsd, p_value). Bad input (an unknown
corpus, a word missing on a side, fewer than {MIN_SIDE} occurrences on a side) prints one line and exits
with status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, status 2
        print(f"error: {message} (see --help)", file=sys.stderr)
        raise SystemExit(2)


def _open_corpus(store, name: str) -> None:
    """A stored corpus, or a built-in one indexed on first use; UnknownCorpusError otherwise."""
    from corpora.builtin import BUILTIN_NAMES
    from corpora.errors import UnknownCorpusError

    if name in store.corpus_names():
        return
    if name not in BUILTIN_NAMES:
        store.corpus_id(name)  # raises the store's own message (the known corpora)
        raise UnknownCorpusError(f'There is no corpus named "{name}".')
    progress = ((lambda f, msg="": print(f"\r{f:6.1%} indexing {name} (once) {msg[:50]:<50}", end="",
                                         file=sys.stderr, flush=True)) if sys.stderr.isatty() else None)
    store.ensure_builtin(name, progress=progress)
    if progress:
        print(file=sys.stderr)


def sides_from_args(store, names: Sequence[str], split: str | None, vs: str | None, match: str,
                    limit: int) -> tuple[Pooled, str]:
    """(pooled occurrences, word) from the command line's positional arguments and split."""
    from corpora.search import occurrences

    if split is None and vs is not None:
        raise ShiftError("--vs goes with --split")
    want = 2 if split is not None else 3
    if len(names) != want:
        shape = "CORPUS WORD --split ..." if split is not None else "CORPUS_A CORPUS_B WORD"
        raise ShiftError(f"expected {shape}, got {len(names)} argument{'s' if len(names) != 1 else ''}")
    *corpora, word = names
    if split is not None:
        cut = Split.parse(split, vs)
    for name in corpora:
        _open_corpus(store, name)
    if split is not None:
        occ = occurrences(store, corpora[0], word, match=match, limit=SPLIT_SEARCH, seed=SEED)
        return split_pool(occ, cut, limit), word
    if corpora[0] == corpora[1]:
        raise ShiftError(f"both sides are {corpora[0]}: choose two different corpora (or --split one)")
    found = [occurrences(store, c, word, match=match, limit=limit, seed=SEED) for c in corpora]
    totals = tuple(int(o.attrs.get("total", len(o))) for o in found)
    return pool(found[0], found[1], tuple(corpora), limit, SEED, totals, word=word), word


def _load_model(path: str | None):
    import torch

    from corpora.search import lemma_forms
    from elmo.embedder import ELMo, default_model_dir

    torch.set_num_threads(settings.torch_threads())
    return ELMo.load(path or default_model_dir(), word_forms=lemma_forms)


def main(argv: Sequence[str] | None = None) -> int:
    ap = _Parser(prog="python -m senses.shift", usage=USAGE, epilog=EPILOG,
                 description="Compare a word's senses across two corpora, or two parts of one corpus.")
    ap.add_argument("names", nargs="+", metavar="CORPUS_A CORPUS_B WORD | CORPUS WORD",
                    help="two corpora and a word, or (with --split) one corpus and a word")
    ap.add_argument("--split", metavar="COLUMN=VALUE | 'COLUMN<NUMBER'", help="split one corpus by a metadata column")
    ap.add_argument("--vs", metavar="OTHER", help="with --split COLUMN=VALUE: the other side's value (default: the rest)")
    ap.add_argument("--match", choices=("lemma", "form"), default="lemma", help="lemma (default): all forms of the word")
    ap.add_argument("--limit", type=int, default=DEFAULT_CAP, help=f"occurrences per side at most (default {DEFAULT_CAP})")
    ap.add_argument("--k", type=int, default=None, help="number of senses (default: automatic, as on the Explorer)")
    ap.add_argument("--rounds", type=int, default=ROUNDS, help=f"permutation rounds (default {ROUNDS:,})")
    ap.add_argument("--seed", type=int, default=SEED, help=f"seed of the permutation test (default {SEED})")
    ap.add_argument("--model", default=None, help="model directory (default: the bundled model)")
    ap.add_argument("--store", default=None, help="store file or folder (default: $SENSE_EXPLORER_DATA)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = ap.parse_args(argv)
    from corpora.store import Store

    try:
        if args.limit < MIN_SIDE:
            raise ShiftError(f"--limit must be at least {MIN_SIDE} (occurrences per side)")
        if args.rounds < 1 or (args.k is not None and not 1 <= args.k <= 8):
            raise ShiftError("--rounds must be at least 1 and --k between 1 and 8")
        pooled, word = sides_from_args(Store(args.store), args.names, args.split, args.vs, args.match, args.limit)
        model = _load_model(args.model)
        _, _, shift = compare(model, pooled, word, k=args.k, rounds=args.rounds, seed=args.seed)
    except (CorpusError, OSError, KeyError, LookupError) as e:
        print(f"error: {' '.join(str(e.args[0] if isinstance(e, KeyError) and e.args else e).split())}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    if args.json:
        out = {"word": word, "sides": [{"name": s, "n": pooled.n, "found": pooled.available[i],
                                        "total": pooled.totals[i]} for i, s in enumerate(pooled.sides)],
               "sampled": pooled.sampled, **shift.to_dict()}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"“{word}”: {pooled.sides[0]} against {pooled.sides[1]}. {pooled.note()}")
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(shift.table().to_string(index=False))
    print(shift.summary())
    print(shift.sentence)
    return 0


if __name__ == "__main__":
    sys.exit(main())
