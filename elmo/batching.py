"""Length bucketing shared by embedding (elmo.embedder) and training (elmo.train)."""

from __future__ import annotations

import random
from collections.abc import Sequence


def length_batches(lengths: Sequence[int], max_tokens: int, max_sentences: int | None = None,
                   rng: random.Random | None = None) -> list[list[int]]:
    """Indices of sentences grouped by similar length; a batch's padded size (sentences x longest) stays
    within max_tokens (a longer sentence gets a batch of its own) and it holds at most max_sentences.

    lengths: the padded length of each sentence (boundary tokens included). Ties are ordered by index, or
    at random with `rng` (one rng.random() per sentence, in index order). Batches come shortest first.
    """
    if rng is None:
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    else:
        order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        full = max_sentences is not None and len(cur) >= max_sentences
        if cur and ((len(cur) + 1) * lengths[i] > max_tokens or full):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out
