"""Train a biLM (forward + backward word LMs over char-CNN inputs).

    python -m elmo.train --corpus builtin --out runs/en            # wiki summaries + NLTK corpora
    python -m elmo.train --corpus my.txt --out runs/mine --hours 0.5
    python -m elmo.train --out runs/en --resume                    # go on from the last checkpoint

Prints tokens/s, losses, perplexities and ETA; checkpoints every few minutes; early-stops on held-out loss.
The number of threads can be changed while it runs: write a number to OUT/threads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .characters import BOS_TOKEN, EOS_TOKEN, word_to_ids
from .config import ELMoConfig
from .io import save_dir
from .model import BiLM, count_parameters
from .vocab import Vocabulary

TRAIN_CORPORA = ["wiki", "brown", "movie_reviews", "abc", "state_union", "webtext", "inaugural"]
MAX_LEN = 48  # longer sentences are cut into pieces of this many tokens


@dataclass
class TrainConfig:
    vocab_size: int = 40000
    batch_tokens: int = 2048
    lr: float = 2e-3
    warmup_steps: int = 200
    min_lr_ratio: float = 0.05
    clip: float = 1.0
    hours: float = 1.5  # wall-clock budget; the LR schedule is laid out over it
    eval_minutes: float = 6.0
    checkpoint_minutes: float = 5.0
    patience: int = 3  # evaluations without held-out improvement before stopping
    heldout_fraction: float = 0.02
    seed: int = 0
    max_epochs: int = 20
    max_steps: int = 0  # 0 = no limit (tests and smoke runs set it)


# ---- data -------------------------------------------------------------------------------------


def read_sentences(corpus: str, log: Callable[[str], None]) -> tuple[list[list[str]], list[list[str]]]:
    """Tokenised (train, held-out) sentences; held-out = ~2% of documents chosen by a hash of their text."""
    from corpora.builtin import builtin_documents, builtin_names
    from corpora.text import split_many

    if corpus == "builtin":
        names = [n for n in TRAIN_CORPORA if n in builtin_names()]
        docs = [d for n in names for d in builtin_documents(n)]
        log(f"corpora: {', '.join(names)}")
    elif Path(corpus).is_file():
        from corpora.readers import read_upload

        path = Path(corpus)
        docs = read_upload(path.name, path.read_bytes())
    else:
        from corpora.store import Store

        store = Store()
        return _split([list(s) for s in store.sentences(corpus)], [], log)
    texts = [d.text for d in docs]
    held = [int(hashlib.md5(t.encode()).hexdigest()[:8], 16) % 1000 < 20 for t in texts]
    train, heldout = [], []
    pre = [d.sentences for d in docs]
    todo = [t for t, p in zip(texts, pre, strict=True) if p is None]
    split = iter(split_many(todo))
    for i, p in enumerate(pre):
        sents = p if p is not None else [s.tokens for s in next(split)]
        (heldout if held[i] else train).extend(sents)
    return _split(train, heldout, log)


def _split(train: list[list[str]], heldout: list[list[str]], log) -> tuple[list[list[str]], list[list[str]]]:
    if not heldout:  # a store corpus: hold out every 50th sentence
        heldout = train[::50]
        train = [s for i, s in enumerate(train) if i % 50]
    cut = lambda ss: [s[i : i + MAX_LEN] for s in ss for i in range(0, len(s), MAX_LEN) if s]  # noqa: E731
    train, heldout = cut(train), cut(heldout)
    log(f"sentences: {len(train):,} train, {len(heldout):,} held out; "
        f"tokens: {sum(map(len, train)):,} train, {sum(map(len, heldout)):,} held out")
    return train, heldout


class Encoded:
    """Sentences as arrays of type ids, with a char-id table per type and a vocab id per type."""

    def __init__(self, sentences: list[list[str]], vocab: Vocabulary, types: dict[str, int], max_chars: int):
        for w in (BOS_TOKEN, EOS_TOKEN):
            types.setdefault(w, len(types))
        ids = []
        for s in sentences:
            for w in s:
                if w not in types:
                    types[w] = len(types)
            ids.append(np.array([types[BOS_TOKEN], *(types[w] for w in s), types[EOS_TOKEN]], np.int64))
        self.ids = ids
        self.types = types
        words = sorted(types, key=types.get)
        self.chars = torch.tensor([word_to_ids(w, max_chars) for w in words], dtype=torch.int16)
        self.targets = torch.tensor([vocab.id(w) for w in words], dtype=torch.long)
        self.n_tokens = sum(len(x) - 1 for x in ids)  # predictions per direction

    def batches(self, batch_tokens: int, rng: random.Random) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        order = sorted(range(len(self.ids)), key=lambda i: (len(self.ids[i]), rng.random()))
        groups, cur = [], []
        for i in order:
            if cur and (len(cur) + 1) * len(self.ids[i]) > batch_tokens:
                groups.append(cur)
                cur = []
            cur.append(i)
        if cur:
            groups.append(cur)
        rng.shuffle(groups)
        for g in groups:
            yield self.batch(g)

    def batch(self, group: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        n = max(len(self.ids[i]) for i in group)
        t = torch.full((len(group), n), -1, dtype=torch.long)
        for j, i in enumerate(group):
            t[j, : len(self.ids[i])] = torch.from_numpy(self.ids[i])
        pad = t < 0
        chars = self.chars[t.clamp(min=0)].long()
        chars[pad] = 0
        words = self.targets[t.clamp(min=0)]
        words[pad] = -1
        return chars, words


# ---- training ---------------------------------------------------------------------------------


def evaluate(model: BiLM, data: Encoded, batch_tokens: int) -> tuple[float, float]:
    """Mean held-out loss per direction (nats/token)."""
    model.eval()
    tot_f = tot_b = n = 0.0
    with torch.no_grad():
        for chars, words in data.batches(batch_tokens, random.Random(0)):
            k = float((words[:, 1:] >= 0).sum())
            lf, lb = model.lm_loss(chars, words)
            tot_f += lf.item() * k
            tot_b += lb.item() * k
            n += k
    model.train()
    return tot_f / n, tot_b / n


def lr_at(step: int, frac: float, tc: TrainConfig) -> float:
    """Linear warm-up, then cosine decay over the wall-clock budget (frac = share of time used)."""
    if step < tc.warmup_steps:
        return tc.lr * (step + 1) / tc.warmup_steps
    f = min(max(frac, 0.0), 1.0)
    return tc.lr * (tc.min_lr_ratio + (1 - tc.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * f)))


def _threads(out: Path, current: int) -> int:
    try:
        n = int((out / "threads").read_text().strip())
    except (OSError, ValueError):
        return current
    if n != current and n > 0:
        torch.set_num_threads(n)
        return n
    return current


def train(corpus: str, out: Path, cfg: ELMoConfig, tc: TrainConfig, resume: bool = False,
          log: Callable[[str], None] = print) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    random.seed(tc.seed)
    torch.manual_seed(tc.seed)
    t_read = time.time()
    train_s, held_s = read_sentences(corpus, log)
    vocab_path = out / "vocab.txt"
    if resume and vocab_path.exists():
        vocab = Vocabulary.load(vocab_path)
    else:
        vocab = Vocabulary.build(train_s, tc.vocab_size)
        vocab.save(vocab_path)
    cfg.n_tokens_vocab = len(vocab)
    cfg.softmax_cutoffs = [c for c in cfg.softmax_cutoffs if c < len(vocab) - 1]
    types: dict[str, int] = {}
    mc = cfg.char_cnn.max_characters_per_token
    train_d = Encoded(train_s, vocab, types, mc)
    held_d = Encoded(held_s, vocab, types, mc)
    log(f"vocab {len(vocab):,}; {len(types):,} types; data ready in {time.time() - t_read:.0f}s")

    model = BiLM(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=tc.lr)
    state = {"step": 0, "tokens": 0, "elapsed": 0.0, "epoch": 0, "best": float("inf"), "bad_evals": 0,
             "history": []}
    ckpt = out / "checkpoint.pt"
    if resume and ckpt.exists():
        saved = torch.load(ckpt, weights_only=True)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["optim"])
        state = json.loads(saved["state"])
        log(f"resumed at step {state['step']}, {state['tokens']:,} tokens, {state['elapsed'] / 60:.1f} min")
    cfg.save(out / "config.json")
    log(f"parameters: {count_parameters(model):,} "
        f"(body {count_parameters(model) - count_parameters(model.softmax):,})")

    def save_checkpoint() -> None:
        tmp = out / "checkpoint.pt.tmp"
        torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "state": json.dumps(state)}, tmp)
        tmp.replace(ckpt)

    budget = tc.hours * 3600
    threads = _threads(out, torch.get_num_threads())
    model.train()
    t0 = time.time() - state["elapsed"]
    last_log = last_eval = last_ckpt = time.time()
    win_tok, win_t, win_f, win_b, win_n = 0, time.time(), 0.0, 0.0, 0
    stop = False
    rng = random.Random(tc.seed + state["epoch"])
    while not stop and state["epoch"] < tc.max_epochs:
        skip = state.get("batch_in_epoch", 0)
        for bi, (chars, words) in enumerate(train_d.batches(tc.batch_tokens, rng)):
            if bi < skip:
                continue
            frac = (time.time() - t0) / budget
            for g in opt.param_groups:
                g["lr"] = lr_at(state["step"], frac, tc)
            lf, lb = model.lm_loss(chars, words)
            loss = lf + lb
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tc.clip)
            opt.step()
            n = int((words[:, 1:] >= 0).sum())
            state["step"] += 1
            state["tokens"] += n
            state["batch_in_epoch"] = bi + 1
            win_tok += n
            win_f += lf.item()
            win_b += lb.item()
            win_n += 1
            now = time.time()
            state["elapsed"] = now - t0
            if now - last_log > 30:
                rate = win_tok / (now - win_t)
                log(f"step {state['step']} epoch {state['epoch']} tok {state['tokens']:,} "
                    f"{rate:,.0f} tok/s loss fwd {win_f / win_n:.3f} bwd {win_b / win_n:.3f} "
                    f"lr {opt.param_groups[0]['lr']:.2e} threads {threads} "
                    f"elapsed {state['elapsed'] / 60:.1f} min ETA {(budget - state['elapsed']) / 60:.1f} min")
                win_tok, win_t, win_f, win_b, win_n = 0, now, 0.0, 0.0, 0
                last_log = now
                threads = _threads(out, threads)
            out_of_steps = bool(tc.max_steps) and state["step"] >= tc.max_steps
            if now - last_eval > tc.eval_minutes * 60 or state["elapsed"] > budget or out_of_steps:
                hf, hb = evaluate(model, held_d, tc.batch_tokens)
                state["history"].append({"step": state["step"], "tokens": state["tokens"],
                                         "minutes": round(state["elapsed"] / 60, 2),
                                         "heldout_fwd": hf, "heldout_bwd": hb})
                log(f"held-out ppl fwd {math.exp(hf):.1f} bwd {math.exp(hb):.1f}")
                if hf + hb < state["best"] - 1e-3:
                    state["best"] = hf + hb
                    state["bad_evals"] = 0
                    save_dir(model, out / "best", vocab)
                else:
                    state["bad_evals"] += 1
                last_eval = time.time()
                if state["bad_evals"] >= tc.patience:
                    log("early stop: held-out loss stopped improving")
                    stop = True
                if state["elapsed"] > budget or out_of_steps:
                    log("time or step budget reached")
                    stop = True
            if stop or now - last_ckpt > tc.checkpoint_minutes * 60:
                save_checkpoint()
                last_ckpt = time.time()
            if stop:
                break
        else:
            state["epoch"] += 1
            state["batch_in_epoch"] = 0
            rng = random.Random(tc.seed + state["epoch"])
    save_checkpoint()
    (out / "train_log.json").write_text(json.dumps({
        "tokens_trained": state["tokens"], "steps": state["step"], "minutes": round(state["elapsed"] / 60, 1),
        "train_tokens_per_epoch": train_d.n_tokens, "heldout_tokens": held_d.n_tokens,
        "history": state["history"], "train_config": tc.__dict__, "threads": threads,
    }, indent=2))
    if not (out / "best" / "model.safetensors").exists():
        save_dir(model, out / "best", vocab)
    log(f"done: best model in {out / 'best'}")
    return out / "best"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m elmo.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="builtin",
                    help="'builtin' (wiki + NLTK corpora), a text file, or a corpus name from the store")
    ap.add_argument("--config", help="JSON model config (elmo.config.ELMoConfig); default: the bundled shape")
    ap.add_argument("--out", required=True, help="output directory (checkpoints, best/ model)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--hours", type=float, default=TrainConfig.hours)
    ap.add_argument("--vocab-size", type=int, default=TrainConfig.vocab_size)
    ap.add_argument("--batch-tokens", type=int, default=TrainConfig.batch_tokens)
    ap.add_argument("--lr", type=float, default=TrainConfig.lr)
    ap.add_argument("--eval-minutes", type=float, default=TrainConfig.eval_minutes)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: no limit)")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    cfg = ELMoConfig.load(a.config) if a.config else default_config()
    tc = TrainConfig(vocab_size=a.vocab_size, batch_tokens=a.batch_tokens, lr=a.lr, hours=a.hours,
                     eval_minutes=a.eval_minutes, seed=a.seed, max_steps=a.max_steps)
    try:
        train(a.corpus, Path(a.out), cfg, tc, resume=a.resume, log=lambda m: print(m, flush=True))
    except (FileNotFoundError, KeyError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


def default_config() -> ELMoConfig:
    """The shape of the bundled English model: ~3M-parameter body, fast on 2 CPU cores."""
    cfg = ELMoConfig()
    cfg.lstm.cell_clip = None  # no clipping: the fused nn.LSTM kernel runs (3x faster on CPU)
    cfg.lstm.proj_clip = None
    return cfg


if __name__ == "__main__":
    sys.exit(main())
