"""Train a biLM (forward + backward word LMs over char-CNN inputs), on CUDA when present, else CPU.

    python -m elmo.pack --out data/pack_en.npz                             # once, here (needs spaCy)
    python -m elmo.train --data data/pack_en.npz --out runs/en --steps 8000  # no spaCy needed
    python -m elmo.train --corpus my.txt --out runs/mine --steps 2000        # tokenise a text file first
    python -m elmo.train --data data/pack_en.npz --out runs/en --steps 8000 --resume

Everything is scheduled by steps (LR warm-up and cosine decay, evaluation, checkpoints, early stopping),
so the same command and seed give the same model on the same hardware. --max-minutes only stops early
(with a checkpoint to resume from); it never changes the schedule. On CUDA: bf16 autocast, cuDNN LSTMs,
all training data on the GPU.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from .batching import length_batches
from .characters import BOS_TOKEN, EOS_TOKEN, word_to_ids
from .cli import error_boundary
from .config import ELMoConfig
from .fast import TrainBiLM, to_bilm
from .io import WEIGHTS, save_dir
from .model import count_parameters
from .pack import BASE_CORPORA, Pack, read_parts, write_parts
from .vocab import SPECIALS, Vocabulary

Log = Callable[[str], None]


@dataclass
class TrainConfig:
    vocab_size: int = 40000
    batch_tokens: int = 2048  # padded tokens per batch (GPU: 32768)
    max_len: int = 200  # longest training sequence in tokens (app sentences reach ~200); longer ones are cut
    chunk_tokens: int = 0  # > 0: join consecutive sentences of a document up to this many tokens
    eval_max_len: int = 48  # held-out pieces as the bundled model's card measured them, so perplexities compare
    steps: int = 8000  # the schedule's length: LR decays to min_lr_ratio * lr at this step, training stops
    lr: float = 2e-3
    warmup_steps: int = 200
    min_lr_ratio: float = 0.05
    weight_decay: float = 0.01  # AdamW, decoupled
    dropout: float = 0.1  # ELMo's value: LSTM inputs and the top layer before the softmax
    clip: float = 1.0  # gradient norm
    eval_every: int = 500  # steps
    checkpoint_every: int = 1000  # steps
    patience: int = 3  # evaluations without held-out improvement before stopping
    seed: int = 0
    device: str = "auto"  # auto = cuda when available
    bf16: bool = True  # autocast on CUDA (ignored on CPU)
    max_minutes: float = 0.0  # > 0: stop (resumably) after this much wall-clock time; schedule unchanged
    half_weights: bool = False  # store the exported model in float16 (the loader returns float32)
    checkpoint_moments: str = "float32"  # or "bfloat16": Adam moments at half size (resume then not bit-exact)


# ---- data -------------------------------------------------------------------------------------


def corpus_pack(corpus: str, log: Log) -> Pack:
    """Tokenise a text file or a corpus of the store (needs spaCy); the builtin set comes from elmo.pack."""
    if Path(corpus).is_file():
        from corpora.readers import read_upload

        path = Path(corpus)
        return Pack.from_documents([(path.name, read_upload(path.name, path.read_bytes()))], log)
    from corpora.builtin import Document
    from corpora.store import Store

    sents = [list(s) for s in Store().sentences(corpus)]  # raises KeyError for an unknown corpus
    docs = (Document(text=" ".join(s), sentences=[s]) for s in sents)
    return Pack.from_documents([(corpus, docs)], log, heldout=lambda i, _: i % 50 == 0)


def pack_vocabulary(pack: Pack, size: int) -> Vocabulary:
    """The most frequent training words (types are stored by descending training count)."""
    counts = pack.meta.get("train_counts") or [1] * len(pack.types)
    words = [w for w, c in zip(pack.types, counts, strict=True) if c > 0 and w not in SPECIALS]
    return Vocabulary(SPECIALS + words[: size - len(SPECIALS)])


class Sequences:
    """Training or evaluation sequences as one flat tensor of type ids with <S> ... </S> around each."""

    def __init__(self, flat: torch.Tensor, starts: np.ndarray, lengths: np.ndarray):
        self.flat, self.starts, self.lengths = flat, starts, lengths  # lengths include the boundaries
        self.starts_t = torch.from_numpy(starts).to(flat.device)
        self.lengths_t = torch.from_numpy(lengths).to(flat.device)
        self.n_tokens = int((lengths - 1).sum())  # predictions per direction

    @classmethod
    def from_pack(cls, pack: Pack, mask: np.ndarray, max_len: int, chunk_tokens: int, bos: int, eos: int,
                  device: torch.device) -> Sequences:
        starts, lens = pieces(pack, mask, max_len, chunk_tokens)
        total = lens + 2
        out_start = np.concatenate([[0], np.cumsum(total)[:-1]])
        flat = np.full(int(total.sum()), bos, np.int64)
        flat[out_start + total - 1] = eos
        tok_seq = np.repeat(np.arange(len(lens)), lens)
        offset = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens)
        flat[out_start[tok_seq] + 1 + offset] = pack.tokens[starts[tok_seq] + offset]
        return cls(torch.from_numpy(flat).to(device), out_start, total)

    def batch(self, group: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T) type ids (padding repeats the last id; it is masked by length) and (B,) lengths."""
        g = torch.from_numpy(group).to(self.flat.device)
        lengths = self.lengths_t[g]
        t = int(self.lengths[group].max())
        pos = torch.arange(t, device=g.device).unsqueeze(0)
        idx = self.starts_t[g].unsqueeze(1) + torch.minimum(pos, lengths.unsqueeze(1) - 1)
        return self.flat[idx], lengths

    def groups(self, batch_tokens: int, seed: int | None) -> list[np.ndarray]:
        """Length-bucketed batches of <= batch_tokens padded tokens; shuffled by seed (None: in order)."""
        rng = None if seed is None else random.Random(seed)
        out = [np.asarray(g) for g in length_batches(self.lengths.tolist(), batch_tokens, rng=rng)]
        if seed is not None:
            perm = np.random.default_rng(seed + 1_000_003).permutation(len(out))
            out = [out[k] for k in perm]
        return out


def pieces(pack: Pack, mask: np.ndarray, max_len: int, chunk_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) in pack.tokens of each sequence: sentences of masked documents (or runs of
    consecutive sentences up to chunk_tokens), cut into pieces of at most max_len tokens."""
    starts, lens = pack.sent_start[mask], pack.sent_len[mask].astype(np.int64)
    if chunk_tokens > 0:  # sentences are contiguous in pack.tokens within a document
        docs = pack.sent_doc[mask]
        s_out, l_out, last_doc = [], [], -1
        for s, n, d in zip(starts.tolist(), lens.tolist(), docs.tolist(), strict=True):
            if s_out and d == last_doc and l_out[-1] + n <= chunk_tokens and s_out[-1] + l_out[-1] == s:
                l_out[-1] += n
            else:
                s_out.append(s)
                l_out.append(n)
            last_doc = d
        starts, lens = np.asarray(s_out, np.int64), np.asarray(l_out, np.int64)
    n_pieces = (lens + max_len - 1) // max_len
    first = np.repeat(starts, n_pieces)
    k = np.arange(int(n_pieces.sum())) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    piece_len = np.minimum(max_len, np.repeat(lens, n_pieces) - k * max_len)
    return first + k * max_len, piece_len


@dataclass
class Data:
    train: Sequences
    heldout: dict[str, Sequences]  # "base" (today's corpora, comparable) and "new" (added corpora)
    chars: torch.Tensor  # (n_types, C) int16
    targets: torch.Tensor  # (n_types,) vocabulary id per type
    vocab: Vocabulary
    counts: dict = field(default_factory=dict)


def prepare_data(pack: Pack, tc: TrainConfig, max_chars: int, device: torch.device, log: Log) -> Data:
    t0 = time.time()
    vocab = pack_vocabulary(pack, tc.vocab_size)
    bos, eos = len(pack.types), len(pack.types) + 1
    words = [*pack.types, BOS_TOKEN, EOS_TOKEN]
    chars = torch.tensor([word_to_ids(w, max_chars) for w in words], dtype=torch.int16, device=device)
    targets = torch.tensor([vocab.id(w) for w in words], dtype=torch.long, device=device)
    base = [c for c in pack.corpora if c in BASE_CORPORA] or pack.corpora
    new = [c for c in pack.corpora if c not in base]
    train_mask, base_mask = pack.sentence_mask(False), pack.sentence_mask(True, base)
    if not pack.sentence_mask(True).any():  # e.g. a one-document text file: hold out every 50th sentence
        base_mask = np.arange(len(pack.sent_len)) % 50 == 0
        train_mask = ~base_mask
    train = Sequences.from_pack(pack, train_mask, tc.max_len, tc.chunk_tokens, bos, eos, device)
    held = {"base": Sequences.from_pack(pack, base_mask, tc.eval_max_len, 0, bos, eos, device)}
    if new and pack.sentence_mask(True, new).any():
        held["new"] = Sequences.from_pack(pack, pack.sentence_mask(True, new), tc.eval_max_len, 0, bos, eos, device)
    log(f"data: {train.n_tokens:,} training predictions per direction in {len(train.lengths):,} sequences "
        f"(<= {tc.max_len} tokens); held out: "
        + ", ".join(f"{k} {v.n_tokens:,}" for k, v in held.items())
        + f"; {len(words):,} types, vocab {len(vocab):,}; ready in {time.time() - t0:.1f} s on {device}")
    return Data(train, held, chars, targets, vocab, pack.counts())


# ---- schedule, evaluation ---------------------------------------------------------------------


def lr_at(step: int, tc: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to min_lr_ratio * lr at tc.steps."""
    if step < tc.warmup_steps:
        return tc.lr * (step + 1) / tc.warmup_steps
    f = min(max((step - tc.warmup_steps) / max(tc.steps - tc.warmup_steps, 1), 0.0), 1.0)
    return tc.lr * (tc.min_lr_ratio + (1 - tc.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * f)))


def training_autocast(device: torch.device, tc: TrainConfig):
    """bf16 autocast on CUDA when tc.bf16 asks for it; a no-op context elsewhere."""
    return torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda" and tc.bf16)


def evaluate(model: TrainBiLM, seqs: Sequences, data: Data, tc: TrainConfig) -> tuple[float, float]:
    """Mean held-out loss per direction (nats/token), without dropout."""
    model.eval()
    tot_f = tot_b = n = 0.0
    with torch.no_grad(), training_autocast(seqs.flat.device, tc):
        for g in seqs.groups(tc.batch_tokens, None):
            ids, lengths = seqs.batch(g)
            lf, lb, k = model.type_lm_loss(ids, lengths, data.chars, data.targets)
            k = float(k)
            tot_f += float(lf) * k
            tot_b += float(lb) * k
            n += k
    model.train()
    return tot_f / n, tot_b / n


def evaluate_all(model: TrainBiLM, data: Data, tc: TrainConfig) -> dict[str, float]:
    out = {}
    for name, seqs in data.heldout.items():
        f, b = evaluate(model, seqs, data, tc)
        pre = "heldout" if name == "base" else f"heldout_{name}"
        out[f"{pre}_fwd"], out[f"{pre}_bwd"] = f, b
    return out


# ---- checkpoints (weights + optimizer in safetensors, split into parts < 15 MiB) ---------------


def save_checkpoint(folder: Path, model: TrainBiLM, opt: torch.optim.Optimizer, state: dict,
                    moments: str = "float32") -> None:
    """Weights (float32), Adam state (moments in `moments` dtype), RNG states and the loop state."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().float().cpu().contiguous() for k, v in model.state_dict().items()}
    osd = opt.state_dict()
    for i, s in osd["state"].items():
        for k, v in s.items():
            dtype = getattr(torch, moments) if k.startswith("exp_avg") else torch.float32
            tensors[f"optim.{i}.{k}"] = v.detach().to(dtype).cpu().contiguous()
    tensors["rng.cpu"] = torch.get_rng_state()
    if torch.cuda.is_available():
        tensors["rng.cuda"] = torch.cuda.get_rng_state()
    for old in folder.glob("checkpoint.safetensors*"):
        old.unlink()
    write_parts(folder / "checkpoint.safetensors", save_safetensors(tensors))
    (folder / "checkpoint.json").write_text(json.dumps({"state": state, "param_groups": osd["param_groups"]}))


def load_checkpoint(folder: Path, model: TrainBiLM, opt: torch.optim.Optimizer) -> dict:
    tensors = load_safetensors(read_parts(folder / "checkpoint.safetensors.parts.json"))  # sha256-checked
    meta = json.loads((folder / "checkpoint.json").read_text())
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    ostate: dict[int, dict] = {}
    for k, v in tensors.items():
        if k.startswith("optim."):
            _, i, name = k.split(".", 2)
            ostate.setdefault(int(i), {})[name] = v
    opt.load_state_dict({"state": ostate, "param_groups": meta["param_groups"]})
    torch.set_rng_state(tensors["rng.cpu"])
    if "rng.cuda" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["rng.cuda"])
    return meta["state"]


def export_model(model: TrainBiLM, vocab: Vocabulary, path: Path, half: bool) -> Path:
    """Our model directory (safetensors + config + vocab); float16 weights when `half`."""
    return save_dir(to_bilm(model), path, vocab, dtype=torch.float16 if half else None)


# ---- the loop ---------------------------------------------------------------------------------


def batch_stream(data: Data, tc: TrainConfig, epoch: int, skip: int) -> Iterator[tuple[int, int, np.ndarray]]:
    """(epoch, index in epoch, group) forever; epoch e's order depends only on seed and e."""
    while True:
        groups = data.train.groups(tc.batch_tokens, tc.seed * 7919 + epoch)
        for bi in range(skip, len(groups)):
            yield epoch, bi, groups[bi]
        epoch, skip = epoch + 1, 0


def device_of(tc: TrainConfig) -> torch.device:
    if tc.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(tc.device)


def hardware(device: torch.device) -> str:
    """GPU name, or the CPU model (from /proc/cpuinfo where there is one)."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        name = next(ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name"))
    except (OSError, StopIteration):
        name = platform.processor() or platform.machine()
    return f"CPU {name}"


def new_state() -> dict:
    return {"step": 0, "tokens": 0, "elapsed": 0.0, "epoch": 0, "batch_in_epoch": 0, "best": float("inf"),
            "best_step": 0, "bad_evals": 0, "history": [], "stopped_by": ""}


def train_loop(model: TrainBiLM, opt: torch.optim.Optimizer, data: Data, tc: TrainConfig, state: dict,
               out: Path, log: Log) -> dict:
    """Run steps until tc.steps, early stop or max_minutes; evaluate, keep the best model, checkpoint."""
    device = data.chars.device
    t0 = time.time() - state["elapsed"]
    wall0, win = time.time(), {"tok": 0, "f": 0.0, "b": 0.0, "n": 0, "t": time.time()}
    stream = batch_stream(data, tc, state["epoch"], state["batch_in_epoch"])
    model.train()
    while state["step"] < tc.steps and not state["stopped_by"]:
        epoch, bi, group = next(stream)
        for g in opt.param_groups:
            g["lr"] = lr_at(state["step"], tc)
        ids, lengths = data.train.batch(group)
        with training_autocast(device, tc):
            lf, lb, n = model.type_lm_loss(ids, lengths, data.chars, data.targets)
        opt.zero_grad(set_to_none=True)
        (lf + lb).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tc.clip)
        opt.step()
        state.update(step=state["step"] + 1, epoch=epoch, batch_in_epoch=bi + 1, elapsed=time.time() - t0)
        k = int(data.train.lengths[group].sum()) - len(group)  # counted on the host: no device sync
        state["tokens"] += k
        win["tok"] += k
        win["n"] += 1
        if state["step"] % 50 == 0 or state["step"] == tc.steps:
            win["f"], win["b"] = float(lf.detach()), float(lb.detach())
            now = time.time()
            log(f"step {state['step']}/{tc.steps} epoch {epoch} tok {state['tokens']:,} "
                f"{win['tok'] / max(now - win['t'], 1e-9):,.0f} tok/s loss fwd {win['f']:.3f} bwd {win['b']:.3f} "
                f"lr {opt.param_groups[0]['lr']:.2e} elapsed {state['elapsed'] / 60:.1f} min")
            win.update(tok=0, t=now)
        if tc.max_minutes and time.time() - wall0 > tc.max_minutes * 60:
            state["stopped_by"] = f"max_minutes {tc.max_minutes} (resumable)"
        if state["step"] % tc.eval_every == 0 or state["step"] >= tc.steps or state["stopped_by"]:
            evaluation_step(model, data, tc, state, out, log)
        if state["step"] % tc.checkpoint_every == 0 or state["step"] >= tc.steps or state["stopped_by"]:
            save_checkpoint(out / "checkpoint", model, opt, state, tc.checkpoint_moments)
    if not state["stopped_by"]:
        state["stopped_by"] = f"steps {tc.steps}"
    return state


def evaluation_step(model: TrainBiLM, data: Data, tc: TrainConfig, state: dict, out: Path, log: Log) -> None:
    ev = evaluate_all(model, data, tc)
    state["history"].append({"step": state["step"], "tokens": state["tokens"],
                             "minutes": round(state["elapsed"] / 60, 2), **ev})
    log("held-out ppl " + ", ".join(f"{k} {math.exp(v):.1f}" for k, v in ev.items()))
    score = ev["heldout_fwd"] + ev["heldout_bwd"]
    if score < state["best"] - 1e-3:
        state.update(best=score, best_step=state["step"], bad_evals=0)
        export_model(model, data.vocab, out / "best", tc.half_weights)
    else:
        state["bad_evals"] += 1
        if state["bad_evals"] >= tc.patience:
            log(f"early stop: held-out loss has not improved for {tc.patience} evaluations")
            state["stopped_by"] = f"early stop (patience {tc.patience})"


def write_log(out: Path, cfg: ELMoConfig, tc: TrainConfig, data: Data, state: dict, device: torch.device,
              source: dict, n_params: int) -> None:
    (out / "train_log.json").write_text(json.dumps({
        "tokens_trained": state["tokens"], "steps": state["step"], "minutes": round(state["elapsed"] / 60, 1),
        "epochs": round(state["tokens"] / max(data.train.n_tokens, 1), 2),
        "train_tokens_per_epoch": data.train.n_tokens,
        "heldout_tokens": data.heldout["base"].n_tokens,
        "heldout_new_tokens": data.heldout["new"].n_tokens if "new" in data.heldout else 0,
        "best_step": state["best_step"], "stopped_by": state["stopped_by"], "history": state["history"],
        "train_config": asdict(tc), "model_config": cfg.to_dict(), "parameters": n_params,
        "hardware": hardware(device), "device": device.type, "torch": torch.__version__,
        "threads": torch.get_num_threads(), "data": source, "corpus_counts": data.counts,
    }, indent=2))


def train(source: Pack | str, out: Path, cfg: ELMoConfig, tc: TrainConfig, resume: bool = False,
          log: Log = print) -> Path:
    """Train and return the best model's directory (out/best). `source`: a Pack, a pack file (.npz),
    a text file or a store corpus name. The caller's cfg is not changed."""
    out.mkdir(parents=True, exist_ok=True)
    device = device_of(tc)
    if isinstance(source, Pack):
        pack, info = source, {"source": "in-memory pack"}
    elif str(source).endswith(".npz"):
        pack, info = Pack.load(source), {"source": str(source)}
        info.update({k: v for k, v in pack.meta.items() if k != "train_counts"})
    else:
        pack, info = corpus_pack(str(source), log), {"source": str(source)}
    torch.manual_seed(tc.seed)
    data = prepare_data(pack, tc, cfg.char_cnn.max_characters_per_token, device, log)
    cfg = replace(cfg, n_tokens_vocab=len(data.vocab),
                  softmax_cutoffs=[c for c in cfg.softmax_cutoffs if c < len(data.vocab) - 1])
    model = TrainBiLM(cfg, tc.dropout).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    state = new_state()
    if resume and (out / "checkpoint" / "checkpoint.json").exists():
        state = load_checkpoint(out / "checkpoint", model, opt)
        state["stopped_by"] = ""
        log(f"resumed at step {state['step']}, {state['tokens']:,} tokens")
    elif resume:
        log(f"no checkpoint in {out / 'checkpoint'}: starting from step 0")
    n_params = count_parameters(model)
    log(f"parameters: {n_params:,} (body {n_params - count_parameters(model.softmax):,}); {hardware(device)}")
    state = train_loop(model, opt, data, tc, state, out, log)
    write_log(out, cfg, tc, data, state, device, info, n_params)
    if not (out / "best" / WEIGHTS).exists():
        export_model(model, data.vocab, out / "best", tc.half_weights)
    log(f"done ({state['stopped_by']}): best model (step {state['best_step']}) in {out / 'best'}")
    return out / "best"


def default_config() -> ELMoConfig:
    """The bundled model's shape: ~3M-parameter body, fast on 2 CPU cores; no clipping, so nn.LSTM runs."""
    cfg = ELMoConfig()
    cfg.lstm.cell_clip = None
    cfg.lstm.proj_clip = None
    return cfg


def main(argv: list[str] | None = None) -> int:
    d = TrainConfig()
    ap = argparse.ArgumentParser(prog="python -m elmo.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--data", help="packed training data (.npz from python -m elmo.pack)")
    src.add_argument("--corpus", help="a text file or a corpus name from the store (needs spaCy)")
    ap.add_argument("--config", help="JSON model config (elmo.config.ELMoConfig); default: the bundled shape")
    ap.add_argument("--out", required=True, help="output directory (checkpoint/, best/, train_log.json)")
    ap.add_argument("--resume", action="store_true", help="go on from OUT/checkpoint")
    for name in ("steps", "batch_tokens", "max_len", "chunk_tokens", "vocab_size", "warmup_steps", "eval_every",
                 "checkpoint_every", "patience", "seed"):
        ap.add_argument("--" + name.replace("_", "-"), type=int, default=getattr(d, name))
    for name in ("lr", "dropout", "weight_decay", "clip", "max_minutes"):
        ap.add_argument("--" + name.replace("_", "-"), type=float, default=getattr(d, name))
    ap.add_argument("--device", default=d.device)
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--half-weights", action="store_true", help="export the model in float16")
    ap.add_argument("--checkpoint-moments", choices=["float32", "bfloat16"], default=d.checkpoint_moments)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    cfg = ELMoConfig.load(a.config) if a.config else default_config()
    tc = TrainConfig(**{k: getattr(a, k) for k in TrainConfig.__dataclass_fields__ if hasattr(a, k)})
    tc = replace(tc, bf16=not a.no_bf16)
    source = a.data or a.corpus or "data/pack_en.npz"

    def run() -> int:
        train(source, Path(a.out), cfg, tc, resume=a.resume, log=lambda m: print(m, flush=True))
        return 0

    return error_boundary(run, (FileNotFoundError, KeyError, ValueError),
                          f"interrupted; the last checkpoint is in {Path(a.out) / 'checkpoint'} (--resume goes on)")


if __name__ == "__main__":
    sys.exit(main())
