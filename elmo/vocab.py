"""Word vocabulary of the LM heads: one word per line in vocab.txt, <S> </S> <UNK> first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .characters import BOS_TOKEN, EOS_TOKEN

UNK = "<UNK>"
SPECIALS = [BOS_TOKEN, EOS_TOKEN, UNK]


class Vocabulary:
    def __init__(self, words: list[str]):
        if words[:3] != SPECIALS:
            words = SPECIALS + [w for w in words if w not in SPECIALS]
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        self.unk = self.index[UNK]

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def id(self, word: str) -> int:
        return self.index.get(word, self.unk)

    @classmethod
    def build(cls, sentences: Iterable[list[str]], size: int) -> Vocabulary:
        counts = Counter(w for s in sentences for w in s)
        return cls(SPECIALS + [w for w, _ in counts.most_common(size - len(SPECIALS))])

    def save(self, path: str | Path) -> None:
        Path(path).write_text("\n".join(self.words) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocabulary:
        words = Path(path).read_text(encoding="utf-8").split("\n")
        return cls([w for w in words if w])
