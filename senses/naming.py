"""Automatic names for sense clusters: words that are both distinctive and frequent in the cluster's most typical uses.

The name a page shows (ClusterName.label) is the cluster's NAME_WORDS best context words, scored by
sense_words:

* Context words: the lemmas of the content words near each occurrence (stopwords, punctuation, numbers
  and the target's own forms removed), weighted by closeness to the target (1 / (1 + distance) **
  DECAY within WINDOW tokens; "river bank", "neutron star" weigh most), and, when the frame carries
  the occurrence's discourse context (the search's neighbouring sentences, corpora.search.WIDE_COLUMN),
  its content words as weakly as a word WINDOW tokens away.
* Score of a word for a cluster: distinctiveness x log(1 + frequency). Distinctiveness is the weighted
  log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008) of the word in the
  cluster against all other clusters (its z-score, positive only); frequency is the word's weight summed
  over the cluster's most typical half (the occurrences closest to the cluster's centre, when the
  caller gives their typicality), in at least two of them. So a word says the sense when the clearest
  uses of the sense share it and the other senses do not; a word of one or two odd sentences ("card",
  "family" among the uses of the money "bank") does not win.
* Each lemma is shown in its most frequent form in the cluster (located, not locate).
* Fallbacks, so that no cluster goes nameless: any distinctive word of the whole cluster; then its
  most distinctive substitutes (the words the biLM expects in the target's place); then its most
  frequent context words; "sense N" only for a cluster without any content word.

Substitutes: when the frame carries each occurrence's lemmatised substitutes (senses.explore.analyse keeps
them from the one batched pass that also embedded the occurrences), the cluster's most distinctive ones
by the same log-odds; otherwise ``ELMo.cluster_substitutes`` on up to ``per_cluster`` occurrences of
each cluster (a fixed, seeded sample, one batched pass). Skipped (empty) when the model has no LM head.
The bundled biLM's substitutes are mostly generic ("water", "people", "include"), so they only fill in.

Measured by ``python -m benchmarks.evaluate --names`` (benchmarks.name_eval): does the name of each gold sense's
majority cluster hold one of the words a person would expect for that sense.

Plain functions; no streamlit here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from corpora.search import lemma_forms as word_forms  # noqa: F401  (the corpus search's lemma rule: cell -> cell, cells)

# the words the sense representation leaves out of contexts and substitutes (its benchmark was tuned with them)
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "'s", "n't", "also", "used", "use", "known", "called"}
# scikit-learn's list (from the Glasgow IR group) also holds content words that say a sense ("fire", "bill",
# "interest", "system"): what people read (names, word lists, substitutes) keeps them. Leaving them in the
# representation too raised the wiki ARI at gold k (0.464 -> 0.477) but flipped automatic k on some words
# (line 6 -> 1, band 2 -> 4; ARI 0.492 -> 0.434), so the representation keeps STOPWORDS.
CONTENT_WORDS = frozenset({"amount", "bill", "bottom", "call", "cry", "describe", "detail", "empty", "fill", "fire",
                           "front", "full", "interest", "mill", "move", "name", "part", "serious", "show", "side",
                           "sincere", "system", "thick", "thin", "top"})
# hedges and vague qualifiers: frequent beside any sense, they say none ("usually issued", "various species")
VAGUE_WORDS = frozenset({"usually", "typically", "commonly", "generally", "especially", "mainly", "largely",
                         "particularly", "various", "different", "certain", "similar", "specific", "particular"})
FUNCTION_WORDS = (STOPWORDS - CONTENT_WORDS) | {"including"} | VAGUE_WORDS
WINDOW = 8
NAME_WORDS = 3  # words in a cluster's automatic name
DECAY = 0.5  # a context word's weight: 1 / (1 + distance) ** DECAY (the representation's WORD2VEC_DECAY)
MIN_Z = 1.0  # a name word's distinctiveness (log-odds z-score) at least (then any positive one fills in)
TYPICAL_SHARE = 0.5  # the share of a cluster's occurrences, the most typical first, whose words count as frequent
_WORD = re.compile(r"^[^\W\d_][\w'-]*$")


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Lower-cased lemma of a word (lemminflect; noun reading first, then verb, adjective, any)."""
    from lemminflect import getAllLemmas

    w = word.lower()
    found = getAllLemmas(w)
    for pos in ("NOUN", "VERB", "ADJ"):
        if found.get(pos):
            return found[pos][0].lower()
    return next(iter(found.values()), [w])[0].lower()


def frequent_content_words(types: pd.DataFrame, n: int = 8) -> list[str]:
    """The n most frequent content words of a corpus's type counts (corpora.store.Store.types: word, count,
    most frequent first): letters only, 3+ characters, no stopword, one form per lemma (bank, not banks too)."""
    content = (w for w in map(str, types["word"]) if len(w) >= 3 and w.isalpha() and w not in FUNCTION_WORDS)
    return list(islice(one_per_lemma(content), n))


def one_per_lemma(words: Iterable[str]) -> Iterator[str]:
    """The words, leaving out a later form of an earlier word's lemma (film, films -> film); lazily."""

    seen: set[str] = set()
    for w in words:
        lem = lemma(w)
        if lem not in seen:
            seen.add(lem)
            yield w


def context_words(tokens: Sequence[str], index: int, window: int = WINDOW,
                  exclude: set[str] | frozenset[str] = frozenset(), stop: frozenset[str] = STOPWORDS) -> list[str]:
    """Content words (lower-cased, not in `stop`) within `window` tokens of tokens[index], the target excluded."""
    return [w for w, _ in context_positions(tokens, index, window, exclude, stop)]


def context_positions(tokens: Sequence[str], index: int, window: int = WINDOW,
                      exclude: set[str] | frozenset[str] = frozenset(),
                      stop: frozenset[str] = STOPWORDS) -> list[tuple[str, int]]:
    """context_words with each word's distance (1 = next to the target)."""
    lo, hi = max(0, index - window), min(len(tokens), index + window + 1)
    out = []
    for i in range(lo, hi):
        if i == index:
            continue
        w = tokens[i].lower()
        if len(w) > 1 and _WORD.match(w) and w not in stop and w not in exclude:
            out.append((w, abs(i - index)))
    return out


def distinctive_words(tokens: Sequence[Sequence[str]], indices: Sequence[int], labels: Sequence[int],
                      top: int = 5, window: int = WINDOW, exclude: set[str] | frozenset[str] = frozenset(),
                      min_count: int = 2) -> dict[int, list[tuple[str, float]]]:
    """Per cluster, the `top` context words (FUNCTION_WORDS left out) with the highest log-odds z-score against
    the other clusters."""
    bags = [context_words(t, i, window, exclude, FUNCTION_WORDS) for t, i in zip(tokens, indices, strict=True)]
    return distinctive(bags, labels, top=top, min_count=min_count)


def bag_matrix(bags: Sequence[Mapping[str, float]]) -> tuple[list[str], np.ndarray]:
    """The sorted vocabulary of the bags ({word: count or weight}) and their (n, vocabulary) float64 matrix."""
    vocab = sorted({w for b in bags for w in b})
    col = {w: j for j, w in enumerate(vocab)}
    x = np.zeros((len(bags), len(vocab)), np.float64)
    for r, b in enumerate(bags):
        for w, v in b.items():
            x[r, col[w]] = v
    return vocab, x


def log_odds_z(inside: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """Per word, the z-score of the log-odds ratio of one cluster's counts (`inside`) against the rest of the
    pooled counts, with an informative Dirichlet prior: the pooled counts scaled to 0.1 x their total
    (Monroe, Colaresi & Quinn 2008)."""
    alpha0 = max(1.0, 0.1 * pooled.sum())
    alpha = pooled / pooled.sum() * alpha0
    rest = pooled - inside
    lo_in = np.log((inside + alpha) / (inside.sum() + alpha0 - inside - alpha))
    lo_rest = np.log((rest + alpha) / (rest.sum() + alpha0 - rest - alpha))
    return (lo_in - lo_rest) / np.sqrt(1.0 / (inside + alpha) + 1.0 / (rest + alpha))


def distinctive(bags: Sequence[Sequence[str]], labels: Sequence[int], top: int = 5,
                min_count: int = 2) -> dict[int, list[tuple[str, float]]]:
    """Per cluster, the `top` words of the occurrences' bags with the highest log-odds z-score against the
    other clusters (frequent in this cluster, rare in the others).

    Informative Dirichlet prior: the pooled counts of all occurrences (scaled to `alpha0` = 0.1 * N
    pseudo-counts). Words seen fewer than `min_count` times in the cluster are skipped, so a single
    sentence cannot name a cluster (unless the cluster itself has fewer than 3 occurrences). With one
    cluster, the pooled counts rank the words (the most frequent)."""
    labels = np.asarray(labels)
    vocab, counts = bag_matrix([Counter(b) for b in bags])
    if not vocab:
        return {int(c): [] for c in np.unique(labels)}
    pooled = counts.sum(0)
    out: dict[int, list[tuple[str, float]]] = {}
    clusters = sorted(int(v) for v in np.unique(labels))
    for c in clusters:
        inside = counts[labels == c].sum(0)
        floor = min_count if (labels == c).sum() >= 3 else 1
        if len(clusters) == 1:
            order = [j for j in np.argsort(-inside, kind="stable") if inside[j] >= floor]
            out[c] = [(vocab[j], float(inside[j])) for j in order[:top]]
            continue
        z = log_odds_z(inside, pooled)
        order = [j for j in np.argsort(-z, kind="stable") if inside[j] >= floor and z[j] > 0]
        out[c] = [(vocab[j], float(z[j])) for j in order[:top]]
    return out


def substitute_words(model, tokens: Sequence[Sequence[str]], indices: Sequence[int], labels: Sequence[int],
                     per_cluster: int = 20, top: int = 5, seed: int = 0) -> dict[int, list[str]]:
    """Per cluster, the model's top substitutes for the target, over a seeded sample of its occurrences.

    Empty dict when the model has no language-model head (or no vocabulary)."""
    if model is None or getattr(model.bilm, "softmax", None) is None or model.vocab is None:
        return {}
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    out: dict[int, list[str]] = {}
    for c in sorted(int(v) for v in np.unique(labels)):
        rows = np.flatnonzero(labels == c)
        if len(rows) > per_cluster:
            rows = np.sort(rng.choice(rows, per_cluster, replace=False))
        subs = model.cluster_substitutes([list(tokens[r]) for r in rows], [int(indices[r]) for r in rows], k=top * 3)
        words = [s.word for s in subs if _WORD.match(s.word) and s.word.lower() not in FUNCTION_WORDS]
        out[c] = words[:top]
    return out


def context_bags(tokens: Sequence[Sequence[str]], indices: Sequence[int],
                 exclude: set[str] | frozenset[str] = frozenset(), window: int = WINDOW, decay: float = DECAY,
                 wide: Sequence[Sequence[str]] | None = None) -> tuple[list[dict[str, float]], list[dict[str, str]]]:
    """Per occurrence, its context words as {lemma: weight} and {lemma: the form written nearest the target}.

    Weight: 1 / (1 + distance) ** decay for the content words (not FUNCTION_WORDS) within `window` tokens;
    the words of `wide` (the occurrence's discourse context, its own sentence included) weigh as a word
    `window` tokens away. A lemma keeps its largest weight; lemmas and forms in `exclude` are left out."""

    far = 1.0 / (1.0 + window) ** decay
    bags: list[dict[str, float]] = []
    forms: list[dict[str, str]] = []
    for n, (t, i) in enumerate(zip(tokens, indices, strict=True)):
        bag: dict[str, float] = {}
        form: dict[str, str] = {}
        near = [(w, 1.0 / (1.0 + d) ** decay) for w, d in context_positions(t, int(i), window, exclude, FUNCTION_WORDS)]
        if wide is not None:
            near += [(w, far) for w, _ in context_positions(list(wide[n]), -1, len(wide[n]) + 1, exclude, FUNCTION_WORDS)]
        for w, weight in near:
            lem = lemma(w)
            if lem in exclude:
                continue
            if weight > bag.get(lem, 0.0):
                bag[lem], form[lem] = weight, w
        bags.append(bag)
        forms.append(form)
    return bags, forms


def _typical(rows: np.ndarray, typicality: np.ndarray | None, share: float) -> np.ndarray:
    """The `share` of `rows` with the highest typicality (all of them without typicality), at least one."""
    if typicality is None:
        return rows
    order = rows[np.argsort(-np.asarray(typicality)[rows], kind="stable")]
    return order[: max(1, int(np.ceil(share * len(rows))))]


def sense_words(bags: Sequence[dict[str, float]], labels: Sequence[int], typicality: Sequence[float] | None = None,
                top: int = 5, share: float = TYPICAL_SHARE) -> dict[int, list[tuple[str, float]]]:
    """Per cluster, the `top` words of the occurrences' weighted bags (context_bags) by distinctiveness x
    log(1 + frequency), best first, with their scores.

    Distinctiveness: z-score of the weighted log-odds ratio, informative Dirichlet prior (the pooled weights
    of all occurrences, scaled to 0.1 x their total), of the cluster against all other clusters (with one
    cluster: 1). Frequency: the word's summed weight over the cluster's most typical `share` of occurrences
    (by `typicality`, e.g. the cosine to the cluster's centre; without it, all of them), where it must occur
    at least twice (once when that part has fewer than 3 occurrences). A cluster with fewer than two such
    words takes in any distinctive word of the whole cluster, then its most frequent words."""
    labels = np.asarray(labels)
    vocab, x = bag_matrix(bags)
    clusters = sorted(int(v) for v in np.unique(labels))
    if not vocab:
        return {c: [] for c in clusters}
    pooled = x.sum(0)
    typ = None if typicality is None else np.asarray(typicality, np.float64)
    out: dict[int, list[tuple[str, float]]] = {}
    for c in clusters:
        rows = np.flatnonzero(labels == c)
        inside = x[rows].sum(0)
        z = np.ones(len(vocab)) if len(clusters) == 1 else log_odds_z(inside, pooled)
        best = _typical(rows, typ, share)
        seen = (x[best] > 0).sum(0)
        score = np.maximum(z, 0.0) * np.log1p(x[best].sum(0))
        ok = (seen >= (2 if len(best) >= 3 else 1)) & (z > MIN_Z)
        order = [j for j in np.argsort(-score, kind="stable") if ok[j]][:top]
        if len(order) < 2:  # a small or diffuse cluster: any distinctive word of it, then its most frequent
            wide_score = np.maximum(z, 0.0) * np.log1p(inside)
            order += [j for j in np.argsort(-wide_score, kind="stable") if inside[j] > 0 and z[j] > 0
                      and j not in order][: top - len(order)]
            score = np.where(np.isin(np.arange(len(vocab)), order), np.maximum(score, wide_score), score)
        if len(order) < 2:
            order += [j for j in np.argsort(-inside, kind="stable") if inside[j] > 0 and j not in order][: 2 - len(order)]
        out[c] = [(vocab[j], float(score[j])) for j in order]
    return out


@dataclass
class ClusterName:
    cluster: int
    size: int
    substitutes: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Short automatic name: the NAME_WORDS best context words (sense_words), e.g. "film · hollywood ·
        cinema"; substitutes fill in when a cluster has fewer than two (the bundled biLM's substitutes are
        mostly generic, "water", "people", "include", while the context words say the sense)."""
        words = self.context[:NAME_WORDS]
        if len(words) < 2:
            words += [w for w in self.substitutes if w not in words][: NAME_WORDS - len(words)]
        return " · ".join(words) if words else f"sense {self.cluster + 1}"


def name_clusters(frame: pd.DataFrame, labels: Sequence[int], model=None, word: str | None = None,
                  per_cluster: int = 20, top: int = 5, window: int = WINDOW, seed: int = 0,
                  typicality: Sequence[float] | None = None) -> dict[int, ClusterName]:
    """Names for every cluster of an occurrence frame (needs its `tokens` and `token_index` columns; uses
    the discourse context column corpora.search.WIDE_COLUMN when present).

    Context words: sense_words over context_bags, the frequency taken over each cluster's most typical half
    by `typicality` (per occurrence, e.g. senses.explore.typicality: the cosine to its cluster's centre;
    None: all occurrences count); each lemma in its most frequent form in the cluster.
    Substitutes: when the frame carries the occurrences' own substitutes (the hidden "_substitutes" column
    that senses.explore.analyse keeps), the cluster's most distinctive ones, with no further LM pass;
    otherwise the model's averaged substitutes over up to `per_cluster` occurrences (one batched pass)."""
    from corpora.search import WIDE_COLUMN

    labels = np.asarray(labels)
    tokens = list(frame["tokens"])
    indices = [int(i) for i in frame["token_index"]]
    exclude: set[str] = set()
    for t, i in zip(tokens, indices, strict=True):
        exclude.add(str(t[i]).lower())
    if word:
        exclude |= word_forms(word)
    for w in list(exclude):
        exclude |= word_forms(w)
    wide = list(frame[WIDE_COLUMN]) if WIDE_COLUMN in frame.columns else None
    bags, forms = context_bags(tokens, indices, exclude, window, wide=wide)
    ctx = sense_words(bags, labels, typicality, top=top)
    if "_substitutes" in frame.columns:
        subs_bags = [[w for w in b if w not in exclude] for b in frame["_substitutes"]]
        subs = {c: [w for w, _ in ws] for c, ws in distinctive(subs_bags, labels, top=top).items()}
    else:
        subs = substitute_words(model, tokens, indices, labels, per_cluster=per_cluster, top=top, seed=seed)
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, int)
    out = {}
    for c in sorted(int(v) for v in np.unique(labels)):
        rows = np.flatnonzero(labels == c)
        shown = [Counter(forms[r][w] for r in rows if w in forms[r]).most_common(1)[0][0] for w, _ in ctx.get(c, [])]
        out[c] = ClusterName(c, int(sizes[c]), subs.get(c, []), shown)
    return out
