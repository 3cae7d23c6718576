"""bilm-tf's dump commands: ELMo vectors of every line of a text file, or layer-0 vectors of a vocabulary.

    python -m elmo.dump --options OPTIONS.json --weights WEIGHTS.hdf5 --input SENTENCES.txt --output OUT.hdf5
    python -m elmo.dump --model DIR --vocab VOCAB.txt --output OUT.hdf5

--input (bilm-tf's dump_bilm_embeddings): one dataset per input line, named by its 0-based line number
("0", "1", ...), float32 of shape (n_layers, n_tokens, 2 * projection_dim) = (3, n, 1024) for the original
ELMo; tokens are the line split on whitespace; <S> and </S> are added and not written. An empty (or
whitespace-only) line gets an empty (n_layers, 0, 2P) dataset, as bilm-tf writes, so dataset names stay
line numbers; the command names those lines on stderr.

--vocab (bilm-tf's dump_token_embeddings): one token per line (special tokens such as <S>, </S>, <UNK>
included as they are); dataset "embedding" of shape (n_vocab, projection_dim), the context-independent
layer-0 (char-CNN) vector of each token in file order. An empty line in the vocabulary is an error.

The model: bilm-tf files (--options and --weights), our model folder (--model), or by default the bundled
elmo/models/en. Vectors are stateless (each line from a zero LSTM state; see elmo.io). The output is
written to OUT.hdf5.tmp and renamed when complete. Errors print one line and exit with status 2, bad
arguments too (checked by argparse: --threads is a whole number from 1 to MAX_THREADS).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .cli import error_boundary
from .embedder import ELMo, bundled_model_dir
from .io import ModelFileError

Progress = Callable[[int, int], None]  # (lines done, total lines)
CHUNK = 1024  # lines embedded per call (the embedder batches them by length)
MAX_THREADS = 1024  # --threads accepts 1 to this


def _lines(path: Path) -> Iterator[str]:
    try:
        with open(path, encoding="utf-8") as f:
            yield from (line.rstrip("\n") for line in f)
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def _count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            n += block.count(b"\n")
    size = path.stat().st_size
    if size:
        with open(path, "rb") as f:
            f.seek(size - 1)
            n += f.read(1) != b"\n"  # a last line without a newline
    return n


def dump_bilm_embeddings(model: ELMo, sentences_file: str | Path, out_file: str | Path,
                         progress: Progress | None = None, chunk: int = CHUNK) -> dict:
    """Write one dataset per line of sentences_file (see the module docstring); returns a summary dict."""
    import h5py

    src, out = Path(sentences_file), Path(out_file)
    total = _count_lines(src)
    tmp = out.with_name(out.name + ".tmp")
    empty: list[int] = []
    n_tokens = 0
    done = 0
    try:
        with h5py.File(tmp, "w") as f:
            lines = _lines(src)
            while batch := list(itertools.islice(lines, chunk)):
                tokens = [line.split() for line in batch]
                keep = [i for i, t in enumerate(tokens) if t]
                vectors = dict(zip(keep, model.embed([tokens[i] for i in keep]), strict=True)) if keep else {}
                for i, t in enumerate(tokens):
                    v = vectors.get(i)
                    if v is None:
                        empty.append(done + i)
                        v = np.zeros((model.n_layers, 0, model.dim), np.float32)
                    f.create_dataset(str(done + i), data=v)
                    n_tokens += len(t)
                done += len(batch)
                if progress:
                    progress(done, max(total, done))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"lines": done, "tokens": n_tokens, "empty_lines": empty, "output": str(out)}


def dump_token_embeddings(model: ELMo, vocab_file: str | Path, out_file: str | Path,
                          progress: Progress | None = None, chunk: int = 4096) -> dict:
    """Write dataset "embedding" (n_vocab, projection_dim): layer-0 vectors of the vocabulary's tokens."""
    import h5py

    src, out = Path(vocab_file), Path(out_file)
    words = []
    for k, line in enumerate(_lines(src)):
        w = line.strip()
        if not w:
            raise ValueError(f"{src}: line {k + 1} is empty; a vocabulary file holds one token per line")
        words.append(w)
    if not words:
        raise ValueError(f"{src}: the vocabulary file is empty")
    tmp = out.with_name(out.name + ".tmp")
    try:
        with h5py.File(tmp, "w") as f:
            ds = f.create_dataset("embedding", (len(words), model.config.lstm.projection_dim), dtype="float32")
            for i in range(0, len(words), chunk):
                ds[i : i + chunk] = model.type_vectors(words[i : i + chunk])
                if progress:
                    progress(min(i + chunk, len(words)), len(words))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"tokens": len(words), "output": str(out)}


def _progress_bar(unit: str) -> tuple[Progress, Callable[[], None]]:
    """tqdm on stderr when installed, else a plain line every 5 %."""
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with nltk / umap-learn
        tqdm = None
    state: dict = {"bar": None, "shown": -1}

    def update(done: int, total: int) -> None:
        if tqdm is not None:
            if state["bar"] is None:
                state["bar"] = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)
            bar = state["bar"]
            bar.total = total
            bar.update(done - bar.n)
            return
        pct = int(100 * done / max(total, 1)) // 5 * 5
        if pct != state["shown"]:
            state["shown"] = pct
            print(f"{done}/{total} {unit} ({pct}%)", file=sys.stderr, flush=True)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].close()

    return update, close


def load_model(args: argparse.Namespace) -> ELMo:
    if args.options or args.weights:
        if not (args.options and args.weights):
            raise ValueError("give both --options OPTIONS.json and --weights WEIGHTS.hdf5 (or --model DIR)")
        if args.model:
            raise ValueError("give either --model or --options/--weights, not both")
        return ELMo.from_bilm_tf(args.options, args.weights)
    model_dir = args.model or bundled_model_dir()
    if model_dir is None:
        raise ValueError("no model: give --options/--weights or --model (the bundled elmo/models/en is absent)")
    return ELMo.load(model_dir)


def _parser() -> argparse.ArgumentParser:
    from corpora.args import Parser, int_in

    ap = Parser(prog="python -m elmo.dump", description=__doc__.split("\n")[0])
    ap.add_argument("--options", type=Path, help="bilm-tf options.json (with --weights)")
    ap.add_argument("--weights", type=Path, help="bilm-tf weights.hdf5 (with --options)")
    ap.add_argument("--model", type=Path, help="our model folder (default: the bundled elmo/models/en)")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--input", type=Path, help="text file, one whitespace-tokenised sentence per line")
    what.add_argument("--vocab", type=Path, help="vocabulary file, one token per line")
    ap.add_argument("--output", type=Path, required=True, help="OUT.hdf5")
    ap.add_argument("--threads", type=int_in(1, MAX_THREADS), help="torch threads (default: torch's choice)")
    return ap


def run(args: argparse.Namespace) -> int:
    src = args.input or args.vocab
    if not src.is_file():
        raise ValueError(f"{src}: no such file")
    if args.output.is_dir():
        raise ValueError(f"--output {args.output} is a folder; give a file name such as out.hdf5")
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    model = load_model(args)
    update, close = _progress_bar("lines" if args.input else "tokens")
    try:
        if args.input:
            s = dump_bilm_embeddings(model, args.input, args.output, update)
        else:
            s = dump_token_embeddings(model, args.vocab, args.output, update)
    finally:
        close()
    if args.input:
        if s["empty_lines"]:
            shown = ", ".join(str(i) for i in s["empty_lines"][:10]) + (" ..." if len(s["empty_lines"]) > 10 else "")
            print(f"note: {len(s['empty_lines'])} empty line(s) (0-based: {shown}) got empty "
                  f"({model.n_layers}, 0, {model.dim}) datasets", file=sys.stderr)
        print(f"wrote {args.output}: {s['lines']} datasets, {s['tokens']} tokens, "
              f"shape ({model.n_layers}, n_tokens, {model.dim}) each, model {model.name}")
    else:
        print(f"wrote {args.output}: embedding ({s['tokens']}, {model.config.lstm.projection_dim}), model {model.name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return error_boundary(lambda: run(args), (ModelFileError, ValueError, OSError), "interrupted; nothing was written")


if __name__ == "__main__":
    sys.exit(main())
