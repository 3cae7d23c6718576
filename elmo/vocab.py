"""Word vocabulary of the LM heads: one word per line in vocab.txt, <S> </S> <UNK> first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .characters import BOS_TOKEN, EOS_TOKEN
from .config import ModelFileError

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
        """One word per line (UTF-8 text); ModelFileError naming the file when it is not text."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise ModelFileError(f"{path}: not a vocabulary file (not UTF-8 text: byte {e.start})") from e
        except OSError as e:
            raise ModelFileError(f"{path}: cannot be read ({e.strerror or e})") from e
        if "\x00" in text:
            raise ModelFileError(f"{path}: not a vocabulary file (it contains NUL characters: a binary file)")
        return cls([w for w in text.split("\n") if w])
