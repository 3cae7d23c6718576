"""Typed public API: load a model and turn tokenised sentences into ELMo vectors, statelessly.

    elmo = ELMo.load("elmo/models/en")
    layers = elmo.embed([["The", "cell", "divides", "."]])[0]   # (3, 4, 2P) numpy
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .batching import length_batches
from .characters import batch_to_ids
from .config import ELMoConfig
from .io import ModelFileError, load_bilm_tf, load_dir, save_dir
from .model import BiLM
from .vocab import Vocabulary

Progress = Callable[[int, int], None]  # (done, total) sentences
WordForms = Callable[[str], Iterable[str]]  # a word -> its lower-cased inflected forms
BUNDLED = Path(__file__).parent / "models" / "en"


def bundled_model_dir() -> Path | None:
    """The English model shipped in the package, or None when its files are absent."""
    return BUNDLED if (BUNDLED / "model.safetensors").is_file() else None


def default_model_dir() -> Path:
    """$SENSE_EXPLORER_MODEL, else the bundled model; SystemExit when neither is there (the CLIs' default)."""
    from corpora import settings

    env = settings.model_dir()
    if env:
        return env
    d = bundled_model_dir()
    if d is None:
        raise SystemExit("no model: the bundled elmo/models/en is missing; pass --model DIR")
    return d


@dataclass
class Substitute:
    word: str
    score: float  # combined log-probability (forward + backward)
    forward: float  # log p from the left context
    backward: float  # log p from the right context


@dataclass
class TargetLM:
    """LM predictions at each target (see ELMo.substitute_log_probs): log-probabilities per direction."""

    forward: np.ndarray  # (n, top) log p from the left context, best first; (n, V) when top is None
    backward: np.ndarray  # (n, top) log p from the right context
    forward_ids: np.ndarray | None  # (n, top) vocabulary ids; None when top is None (the columns are the ids)
    backward_ids: np.ndarray | None
    layers: np.ndarray | None = None  # (n, L, 2P) the target's ELMo layers from the same pass
    both: np.ndarray | None = None  # (n, top) best forward + backward log p (words fitting both sides), if top
    both_ids: np.ndarray | None = None


def lower_form(word: str) -> set[str]:
    """The default WordForms: only the word itself, lower-cased."""
    return {word.lower()}


class ELMo:
    """A biLM with its vocabulary; stateless: each sentence starts from a zero LSTM state.

    word_forms gives the forms of a target word that are never offered as its substitutes; elmo knows no
    morphology, so the caller passes the rule (the app passes corpora.search.lemma_forms)."""

    def __init__(self, bilm: BiLM, vocab: Vocabulary | None = None, name: str = "model",
                 word_forms: WordForms = lower_form):
        self.bilm = bilm.eval()
        self.vocab = vocab
        self.name = name
        self.word_forms = word_forms

    @property
    def config(self) -> ELMoConfig:
        return self.bilm.cfg

    @property
    def dim(self) -> int:
        return self.config.output_dim

    @property
    def n_layers(self) -> int:
        return self.config.lstm.n_layers + 1

    @classmethod
    def load(cls, path: str | Path, word_forms: WordForms = lower_form) -> ELMo:
        bilm, vocab = load_dir(path)
        return cls(bilm, vocab, name=Path(path).name, word_forms=word_forms)

    @classmethod
    def from_bilm_tf(cls, options_file: str | Path, weight_file: str | Path) -> ELMo:
        return cls(load_bilm_tf(options_file, weight_file), None, name=Path(weight_file).stem)

    def save(self, path: str | Path) -> Path:
        return save_dir(self.bilm, path, self.vocab)

    @torch.no_grad()
    def embed(self, sentences: Sequence[Sequence[str]], max_tokens: int = 4096, max_sentences: int = 128,
              progress: Progress | None = None) -> list[np.ndarray]:
        """One float32 array (n_layers, n_tokens, 2P) per sentence; boundaries removed."""
        out: list[np.ndarray | None] = [None] * len(sentences)

        def keep(batch: list[int], layers: torch.Tensor) -> None:
            for j, i in enumerate(batch):
                out[i] = layers[:, j, 1 : len(sentences[i]) + 1].numpy().copy()

        self._run(sentences, max_tokens, max_sentences, progress, keep)
        return out  # type: ignore[return-value]

    @torch.no_grad()
    def embed_targets(self, sentences: Sequence[Sequence[str]], indices: Sequence[int], max_tokens: int = 4096,
                      max_sentences: int = 128, progress: Progress | None = None) -> np.ndarray:
        """Vectors of one token per sentence: (n_sentences, n_layers, 2P)."""
        if len(indices) != len(sentences):
            raise ValueError("embed_targets: one index per sentence is needed")
        for s, i in zip(sentences, indices, strict=True):
            if not 0 <= i < len(s):
                raise IndexError(f"token index {i} outside a sentence of {len(s)} tokens")
        out = np.zeros((len(sentences), self.n_layers, self.dim), np.float32)

        def keep(batch: list[int], layers: torch.Tensor) -> None:
            t = torch.tensor([indices[i] + 1 for i in batch])
            out[batch] = layers[:, torch.arange(len(batch)), t].permute(1, 0, 2).numpy()

        self._run(sentences, max_tokens, max_sentences, progress, keep)
        return out

    def _run(self, sentences: Sequence[Sequence[str]], max_tokens: int, max_sentences: int,
             progress: Progress | None, sink: Callable[[list[int], torch.Tensor], None]) -> None:
        """The one batching loop: length-bucketed batches through the biLM; sink(batch, layers) gets the
        sentence numbers of each batch and its layers (L, B, T, 2P), boundaries included (token i at i + 1)."""
        lengths = [len(s) for s in sentences]
        if any(n == 0 for n in lengths):
            raise ValueError("cannot embed an empty sentence")
        done = 0
        max_chars = self.config.char_cnn.max_characters_per_token
        for batch in length_batches([n + 2 for n in lengths], max_tokens, max_sentences):  # + <S>, </S>
            chars = batch_to_ids([list(sentences[i]) for i in batch], max_chars)
            layers, _ = self.bilm.layers(chars)  # (L, B, T, 2P)
            sink(batch, layers)
            done += len(batch)
            if progress:
                progress(done, len(sentences))

    @torch.no_grad()
    def type_vectors(self, words: Sequence[str], batch: int = 2048) -> np.ndarray:
        """Context-independent layer-0 vectors of word types: (n_words, P)."""
        max_chars = self.config.char_cnn.max_characters_per_token
        out = []
        for i in range(0, len(words), batch):
            chars = batch_to_ids([[w] for w in words[i : i + batch]], max_chars, add_boundaries=False)
            out.append(self.bilm.token_encoder.encode(chars[:, 0]).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.config.lstm.projection_dim), np.float32)

    # ---- language model -------------------------------------------------------------------
    def _require_lm(self) -> tuple[BiLM, Vocabulary]:
        if self.bilm.softmax is None or self.vocab is None:
            raise ModelFileError(f"model {self.name} has no language-model head (needed for substitutes)")
        return self.bilm, self.vocab

    @torch.no_grad()
    def lm_log_probs(self, tokens: Sequence[str], index: int) -> tuple[np.ndarray, np.ndarray]:
        """log p(word at index | left context) and | right context, each (V,)."""
        lm = self.substitute_log_probs([tokens], [index], top=None)
        return lm.forward[0], lm.backward[0]

    def substitutes(self, tokens: Sequence[str], index: int, k: int = 10, exclude: set[str] | None = None,
                    words_only: bool = True) -> list[Substitute]:
        """Words that fit at tokens[index]: forward + backward log-probabilities, target's forms excluded.

        words_only drops candidates without a letter (punctuation, numbers)."""
        fwd, bwd = self.lm_log_probs(tokens, index)
        return self._top(fwd[None], bwd[None], tokens[index], k, exclude, words_only)

    @torch.no_grad()
    def substitute_log_probs(self, sentences: Sequence[Sequence[str]], indices: Sequence[int], top: int | None = 50,
                             pattern: str | None = None, with_layers: bool = False, max_tokens: int = 4096,
                             max_sentences: int = 64, progress: Progress | None = None) -> TargetLM:
        """What the forward and backward LM heads predict at each target, in length-bucketed batches, one pass.

        top=None keeps the full (n, V) log-probabilities, else the `top` best ids and log-probabilities per
        direction and of their sum (words that fit both sides). pattern (e.g. "and", Amrami & Goldberg 2018's symmetric pattern) asks instead what
        follows "target and" (forward) and precedes "and target" (backward): the sentence is fed once as
        left + [target, pattern, pattern, target] + right. with_layers also returns the target's ELMo
        layers (n, L, 2P) from the same pass (plain sentences only)."""
        bilm, _ = self._require_lm()
        if len(indices) != len(sentences):
            raise ValueError("substitute_log_probs: one index per sentence is needed")
        if with_layers and pattern:
            raise ValueError("with_layers needs the plain sentences (no pattern)")
        feed = []
        for s, i in zip(sentences, indices, strict=True):
            if not 0 <= i < len(s):
                raise IndexError(f"token index {i} outside a sentence of {len(s)} tokens")
            s = list(s)
            feed.append(s if not pattern else s[:i] + [s[i], pattern, pattern, s[i]] + s[i + 1:])
        n, p = len(feed), self.config.lstm.projection_dim
        width = len(self.vocab) if top is None else min(top, len(self.vocab))  # type: ignore[arg-type]
        out = [np.zeros((n, width), np.float32) for _ in range(2)]
        ids = [np.zeros((n, width), np.int64) for _ in range(3)] if top is not None else None
        if top is not None:
            out.append(np.zeros((n, width), np.float32))
        layers_out = np.zeros((n, self.n_layers, self.dim), np.float32) if with_layers else None

        def keep(batch: list[int], layers: torch.Tensor) -> None:  # the target sits at index + 1
            rows = torch.arange(len(batch))
            t = torch.tensor([indices[i] + 1 for i in batch])
            # plain: forward state before the target, backward state after it predict the target;
            # pattern: forward state at the first pattern token, backward state at the second
            f_pos, b_pos = (t - 1, t + 1) if not pattern else (t + 1, t + 2)
            logps = [bilm.softmax.log_prob(layers[-1, rows, pos, half])
                     for pos, half in ((f_pos, slice(0, p)), (b_pos, slice(p, 2 * p)))]
            if top is not None:
                logps.append(logps[0] + logps[1])
            for d, logp in enumerate(logps):
                if top is None:
                    out[d][batch] = logp.numpy()
                else:
                    v, j = logp.topk(width, dim=-1)
                    out[d][batch], ids[d][batch] = v.numpy(), j.numpy()  # type: ignore[index]
            if layers_out is not None:
                layers_out[batch] = layers[:, rows, t].permute(1, 0, 2).numpy()

        self._run(feed, max_tokens, max_sentences, progress, keep)
        if ids is None:
            return TargetLM(out[0], out[1], None, None, layers_out)
        return TargetLM(out[0], out[1], ids[0], ids[1], layers_out, out[2], ids[2])

    def cluster_substitutes(self, sentences: Sequence[Sequence[str]], indices: Sequence[int], k: int = 10,
                            exclude: set[str] | None = None, words_only: bool = True) -> list[Substitute]:
        """Substitutes for a group of occurrences: log-probabilities averaged over the occurrences (one batched pass)."""
        if not sentences:
            return []
        lm = self.substitute_log_probs(sentences, indices, top=None)
        return self._top(lm.forward, lm.backward, sentences[0][indices[0]], k, exclude, words_only)

    def _top(self, fwd: np.ndarray, bwd: np.ndarray, target: str, k: int, exclude: set[str] | None,
             words_only: bool) -> list[Substitute]:
        _, vocab = self._require_lm()
        f, b = fwd.mean(0), bwd.mean(0)
        score = f + b
        skip = {w.lower() for w in (exclude or set())} | {f.lower() for f in self.word_forms(target)}
        out: list[Substitute] = []
        for i in np.argsort(-score):
            w = vocab.words[int(i)]
            if w.startswith("<") and w.endswith(">") or w.lower() in skip:
                continue
            if words_only and not any(c.isalpha() for c in w):
                continue
            out.append(Substitute(w, float(score[i]), float(f[i]), float(b[i])))
            if len(out) >= k:
                break
        return out

