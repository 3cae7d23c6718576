"""Token -> character ids, the bilm-tf / AllenNLP way.

Each token becomes its UTF-8 bytes (truncated to max_characters_per_token - 2), wrapped in
begin-of-word / end-of-word ids and padded. All ids are shifted by +1 so 0 is the mask.
"""

from __future__ import annotations

import torch

MAX_CHARS = 50
BOS_CHAR, EOS_CHAR, BOW_CHAR, EOW_CHAR, PAD_CHAR = 256, 257, 258, 259, 260
BOS_TOKEN, EOS_TOKEN = "<S>", "</S>"


def _special(char: int, max_chars: int) -> list[int]:
    ids = [PAD_CHAR] * max_chars
    ids[0], ids[1], ids[2] = BOW_CHAR, char, EOW_CHAR
    return [i + 1 for i in ids]


def word_to_ids(word: str, max_chars: int = MAX_CHARS) -> list[int]:
    """Character ids (shifted, length max_chars) of one token."""
    if word == BOS_TOKEN:
        return _special(BOS_CHAR, max_chars)
    if word == EOS_TOKEN:
        return _special(EOS_CHAR, max_chars)
    b = list(word.encode("utf-8", "ignore")[: max_chars - 2])
    ids = [BOW_CHAR, *b, EOW_CHAR] + [PAD_CHAR] * (max_chars - len(b) - 2)
    return [i + 1 for i in ids]


def batch_to_ids(batch: list[list[str]], max_chars: int = MAX_CHARS, add_boundaries: bool = True) -> torch.Tensor:
    """(batch, tokens, max_chars) LongTensor; <S> and </S> added around each sentence; 0 = padding."""
    seqs = [[BOS_TOKEN, *s, EOS_TOKEN] if add_boundaries else list(s) for s in batch]
    n = max((len(s) for s in seqs), default=0)
    cache: dict[str, list[int]] = {}
    pad = [0] * max_chars
    rows = []
    for s in seqs:
        for w in s:
            ids = cache.get(w)
            if ids is None:
                ids = cache[w] = word_to_ids(w, max_chars)
            rows.append(ids)
        rows.extend([pad] * (n - len(s)))
    return torch.tensor(rows, dtype=torch.long).view(len(seqs), n, max_chars)
