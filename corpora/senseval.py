"""NLTK's `senseval` corpus as the project reads it: the hard / interest / line / serve data in Senseval-2
format (line: Leacock, Towell & Voorhees 1993; hard, serve: Leacock, Chodorow & Miller 1998; interest: Bruce
& Wiebe 1994), *not* the Senseval-2 lexical-sample task.

    sample = load_senseval("interest", 300)   # seeded, stratified; windowed token lists and gold senses

Context given to the biLM (WINDOW): a Senseval instance holds one to several sentences (up to ~200
tokens), and the biLM was trained one sentence per sequence, sentences cut to pieces of at most 48
tokens. Whatever the window keeps goes in as *one* sequence, sentence boundaries included. WINDOW = +-24
tokens (at most 49 tokens, about the length of the training pieces, <= 48) was chosen by measurement
(`python -m benchmarks.evaluate --compare-windows`, benchmarks/results/evaluation.windows.md; line, serve
and interest, all instances, logistic regression on the layer average): the sentence holding the target
0.740 / 0.877 / 0.842, +-10 tokens 0.743 / 0.871 / 0.841, +-24 0.752 / 0.873 / 0.844, +-40 0.756 / 0.877
/ 0.842. The windows differ by less than 0.02 on every word; +-24 is within 0.002 of the best mean (+-40)
and embeds in two thirds of its time.

Reads the corpus zip in place (no copy); numpy only, no torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .builtin import nltk_available, use_nltk_data_env

WORDS = ("hard", "interest", "line", "serve")
CORPUS_NAME = "NLTK senseval (hard/interest/line/serve in Senseval-2 format)"
Window = int | str  # tokens kept on each side of the target, or "sentence"
SENTENCE = "sentence"
WINDOW: Window = 24  # chosen by measurement, see the module docstring
BASELINE_WINDOW = 5  # words on each side for the context baselines (and Word2Vec's training window)
SEED = 0
SENTENCE_END = {".", "!", "?"}


def senseval_available() -> bool:
    """True when NLTK's senseval corpus (corpora/senseval.zip) is found under NLTK_DATA or NLTK's paths."""
    use_nltk_data_env()
    return nltk_available("senseval")


@dataclass
class WordSample:
    """Senseval instances of one word: windowed token lists (the biLM's input), the target index in each,
    gold senses, and the +-BASELINE_WINDOW tokens of the full context (for the context baselines)."""

    word: str
    tokens: list[list[str]]
    index: list[int]
    senses: np.ndarray  # (n,) str
    near: list[list[str]] = field(default_factory=list)  # +-BASELINE_WINDOW tokens of the full context
    near_index: list[int] = field(default_factory=list)  # the target's index in `near`
    full: list[list[str]] = field(default_factory=list)  # the instance's whole context (one to several sentences)
    full_index: list[int] = field(default_factory=list)  # the target's index in `full`
    total: int = 0  # instances of the word before subsampling

    def __len__(self) -> int:
        return len(self.tokens)

    def forms(self) -> np.ndarray:
        """The target's lower-cased word form in each instance (hard, harder, ...)."""
        return np.asarray([t[i].lower() for t, i in zip(self.tokens, self.index, strict=True)])


def _ends_sentence(tokens: Sequence[str], i: int) -> bool:
    """A ".", "!" or "?" token that is not part of an abbreviation like "j . p ." or "83 . 4"."""
    if tokens[i] not in SENTENCE_END:
        return False
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return not (tokens[i] == "." and (len(before) == 1 and before.isalpha() or after[:1].isdigit() and before[-1:].isdigit()))


def cut_sentence(tokens: Sequence[str], index: int) -> tuple[list[str], int]:
    """The sentence holding tokens[index] (split at sentence-final . ! ?) and the target's index inside it."""
    start = index
    while start > 0 and not _ends_sentence(tokens, start - 1):
        start -= 1
    end = index
    while end < len(tokens) - 1 and not _ends_sentence(tokens, end):
        end += 1
    return list(tokens[start : end + 1]), index - start


def split_token_sentences(tokens: Sequence[str], index: int) -> tuple[list[list[str]], int]:
    """tokens split into sentences at sentence-final . ! ? (as cut_sentence) and the number of the
    sentence holding tokens[index]."""
    out: list[list[str]] = [[]]
    sent_no = 0
    for i, t in enumerate(tokens):
        out[-1].append(t)
        if i == index:
            sent_no = len(out) - 1
        if _ends_sentence(tokens, i) and i < len(tokens) - 1:
            out.append([])
    return out, sent_no


def cut_window(tokens: Sequence[str], index: int, size: Window = WINDOW) -> tuple[list[str], int]:
    """tokens[index - size : index + size + 1] (or the target's sentence) and the target's index inside it."""
    if size == SENTENCE:
        return cut_sentence(tokens, index)
    start = max(0, index - int(size))
    return list(tokens[start : index + int(size) + 1]), index - start


def window_text(window: Window) -> str:
    """The window in words, as pages and results say it ("±24 tokens around the target")."""
    return "the sentence holding the target" if window == SENTENCE else f"±{window} tokens around the target"


def stratified_subsample(labels: Sequence[str], n: int, seed: int = SEED) -> np.ndarray:
    """Indices of n items keeping the label proportions (largest remainder, >= 1 per label when possible)."""
    labels = np.asarray(labels)
    if n >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    values, counts = np.unique(labels, return_counts=True)
    quota = counts * n / len(labels)
    take = np.floor(quota).astype(int)
    if n >= len(values):
        take = np.maximum(take, 1)
    for i in np.argsort(-(quota - np.floor(quota)), kind="stable"):
        if take.sum() >= n:
            break
        if take[i] < counts[i]:
            take[i] += 1
    while take.sum() > n:  # the >= 1 floor can overshoot: trim the largest labels
        take[np.argmax(take)] -= 1
    picked = [rng.choice(np.flatnonzero(labels == v), size=t, replace=False) for v, t in zip(values, take, strict=True)]
    return np.sort(np.concatenate(picked))


def load_senseval(word: str, max_per_word: int | None = None, seed: int = SEED, window: Window = WINDOW) -> WordSample:
    """The instances of `word` in NLTK's senseval corpus (read from its zip in place), windowed, optionally
    subsampled."""
    if word not in WORDS:
        raise ValueError(f"NLTK's senseval corpus has no data for {word!r}; choose from {', '.join(WORDS)}")
    if not senseval_available():
        raise FileNotFoundError("NLTK corpus 'senseval' not found; set NLTK_DATA to a folder holding "
                                "corpora/senseval.zip")
    from nltk.corpus import senseval

    tokens, near, full, senses = [], [], [], []
    for inst in senseval.instances(f"{word}.pos"):
        words = [w[0] if isinstance(w, tuple) else w for w in inst.context]
        full.append((words, int(inst.position)))
        tokens.append(cut_window(words, int(inst.position), window))
        near.append(cut_window(words, int(inst.position), BASELINE_WINDOW))
        senses.append(inst.senses[0] if inst.senses else "")
    y = np.asarray(senses)
    keep = np.arange(len(y)) if max_per_word is None else stratified_subsample(y, max_per_word, seed)
    return WordSample(word, [tokens[i][0] for i in keep], [tokens[i][1] for i in keep], y[keep],
                      [near[i][0] for i in keep], [near[i][1] for i in keep], [full[i][0] for i in keep],
                      [full[i][1] for i in keep], total=len(y))

