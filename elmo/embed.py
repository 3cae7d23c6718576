"""Batch embedding to Parquet: every occurrence of a word, or every token of a corpus in resumable shards.

    python -m elmo.embed --model DIR --corpus wiki --word cell --out cell.parquet [--layer all|mix|0|1|2]
                         [--match form|lemma|regex] [--limit N]
    python -m elmo.embed --model DIR --corpus wiki --all-tokens --out OUT_DIR [--shard-size 1000] [--layer ...]

Word mode writes one row per occurrence (the columns of corpora.search.occurrences: corpus, doc, sent_id,
token_index, left, keyword, right, tokens, sentence, metadata) plus one vector column per layer
(`layer_0`, `layer_1`, ... or `mix`), each a fixed-size list of float32. All-tokens mode writes one row per
token (`sentence`: index of the sentence in corpus order, `token_index`, `token`, vector columns) into
OUT_DIR/shard-00000.parquet, shard-00001.parquet, ... (one shard per --shard-size sentences); a rerun
skips the shards already there, so an interrupted run resumes where it stopped.

Errors (missing model, unknown corpus, word not found, ...) print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embedder import ELMo, bundled_model_dir
from .mix import MIX, scalar_mix

ALL = "all"
MANIFEST = "manifest.json"


# ---- vectors -> Arrow ----------------------------------------------------------------------------


def layer_names(n_layers: int, layer: str | int = ALL) -> list[str]:
    """Vector column names for a --layer choice: all layers, the scalar mix, or one layer."""
    if layer == ALL:
        return [f"layer_{k}" for k in range(n_layers)]
    if layer == MIX:
        return [MIX]
    k = int(layer)
    if not 0 <= k < n_layers:
        raise ValueError(f"layer {k} does not exist; the model has layers 0..{n_layers - 1}")
    return [f"layer_{k}"]


def select_layers(vectors: np.ndarray, layer: str | int = ALL) -> dict[str, np.ndarray]:
    """(n, L, D) vectors -> {column: (n, D) float32}. "mix" is elmo.mix.scalar_mix with equal weights and
    gamma 1 (the plain mean of the layers), the app's default mix."""
    names = layer_names(vectors.shape[1], layer)
    if layer == ALL:
        return {n: np.ascontiguousarray(vectors[:, k], np.float32) for k, n in enumerate(names)}
    if layer == MIX:
        return {MIX: scalar_mix(vectors, axis=1)}
    return {names[0]: np.ascontiguousarray(vectors[:, int(layer)], np.float32)}


def _vector_array(v: np.ndarray):
    import pyarrow as pa

    v = np.ascontiguousarray(v, np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(v.reshape(-1), pa.float32()), v.shape[1])


def _column(values) -> object:
    """An Arrow array for a pandas column; mixed-type metadata columns become strings."""
    import pyarrow as pa

    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


# ---- word mode -----------------------------------------------------------------------------------


def occurrence_table(model: ELMo, occ, layer: str | int = ALL, progress: Callable[[int, int], None] | None = None):
    """An occurrence DataFrame (corpora.search.occurrences) -> a pyarrow Table with vector columns."""
    import pyarrow as pa

    names = layer_names(model.n_layers, layer)  # validate before the work
    vectors = model.embed_targets([list(t) for t in occ["tokens"]], [int(i) for i in occ["token_index"]],
                                  progress=progress)
    cols = {c: _column(occ[c].tolist()) for c in occ.columns if not str(c).startswith("_")}  # "_": hidden helpers
    for name, v in select_layers(vectors, layer).items():
        cols[name] = _vector_array(v)
    meta = {"model": model.name, "dim": str(model.dim), "layers": ",".join(names)}
    meta.update({k: str(v) for k, v in occ.attrs.items()})
    return pa.table(cols).replace_schema_metadata(meta)


# ---- all-tokens mode -----------------------------------------------------------------------------


@dataclass
class ShardProgress:
    shard: int  # index of the shard just finished
    skipped: bool  # True when it was already there
    sentences: int  # sentences passed so far (written or skipped)
    tokens: int  # tokens passed so far (written or skipped)
    embedded_sentences: int  # sentences embedded by this call
    embedded_tokens: int
    elapsed_s: float


def shard_name(prefix: str, index: int) -> str:
    return f"{prefix}-{index:05d}.parquet"


def _check_manifest(out_dir: Path, prefix: str, settings: dict) -> None:
    path = out_dir / f"{prefix}-{MANIFEST}"
    if path.is_file():
        try:
            old = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            old = None
        if old != settings:
            raise ValueError(
                f"{out_dir} holds shards written with other settings ({path.name}: {old}); "
                f"use the same --model/--layer/--shard-size or another output folder"
            )
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2) + "\n")


def _shard_table(model: ELMo, sentences: list[list[str]], first: int, layer: str | int, max_tokens: int):
    import pyarrow as pa

    keep = [i for i, s in enumerate(sentences) if s]  # an empty sentence has no token rows
    embedded = model.embed([sentences[i] for i in keep], max_tokens=max_tokens) if keep else []
    lengths = [len(sentences[i]) for i in keep]
    sent = np.repeat(np.array([first + i for i in keep], np.int64), lengths)
    pos = np.concatenate([np.arange(n, dtype=np.int32) for n in lengths]) if keep else np.zeros(0, np.int32)
    tokens = [w for i in keep for w in sentences[i]]
    if embedded:
        vectors = np.concatenate([e.transpose(1, 0, 2) for e in embedded])  # (tokens, L, D)
    else:
        vectors = np.zeros((0, model.n_layers, model.dim), np.float32)
    cols = {"sentence": pa.array(sent), "token_index": pa.array(pos), "token": pa.array(tokens, pa.string())}
    for name, v in select_layers(vectors, layer).items():
        cols[name] = _vector_array(v.reshape(-1, model.dim))
    return pa.table(cols)


def embed_corpus_shards(model: ELMo, sentences_iterable: Iterable[Sequence[str]], out_dir: str | Path,
                        shard_size: int = 1000, progress: Callable[[ShardProgress], None] | None = None, *,
                        layer: str | int = ALL, prefix: str = "shard", first_sentence: int = 0,
                        max_tokens: int = 4096) -> dict:
    """Embed every token of every sentence into OUT_DIR/{prefix}-00000.parquet, ... (shard_size sentences each).

    Resumable: a shard file is written under a .tmp name and renamed when complete, so an existing shard is
    always whole and is skipped (its sentences are read past, not embedded); a rerun after an interruption
    only does the missing shards. OUT_DIR/{prefix}-manifest.json records the settings (model, layers,
    shard size); resuming with other settings raises ValueError instead of mixing incompatible shards.
    Rows: `sentence` (first_sentence + index in the iterable), `token_index`, `token`, and the vector columns
    of `layer` (see select_layers) as fixed-size float32 lists. Returns a summary dict.

    Distributed use: the function only needs an iterable of token lists, so an engine can call it once per
    partition, e.g. with Ray Data ``ds.map_batches`` or Dask ``bag.map_partitions`` /
    ``delayed(embed_corpus_shards)``: load the model once per worker (ELMo.load), pass the partition's
    sentences, a partition-unique ``prefix`` (e.g. ``f"part-{i:05d}"``) so workers never write the same file,
    and ``first_sentence`` = the partition's offset so sentence ids stay global. Give each worker one torch
    thread (torch.set_num_threads(1)) and as many workers as cores; retried or re-run partitions skip their
    finished shards.
    """
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    out = Path(out_dir)
    settings = {"model": model.name, "dim": model.dim, "n_layers": model.n_layers,
                "layers": layer_names(model.n_layers, layer), "shard_size": int(shard_size),
                "first_sentence": int(first_sentence)}
    _check_manifest(out, prefix, settings)
    it = iter(sentences_iterable)
    start = time.perf_counter()
    summary = {"shards_written": 0, "shards_skipped": 0, "sentences": 0, "tokens": 0,
               "embedded_sentences": 0, "embedded_tokens": 0}
    for index in itertools.count():
        chunk = [list(s) for s in itertools.islice(it, shard_size)]
        if not chunk:
            break
        n_tokens = sum(len(s) for s in chunk)
        path = out / shard_name(prefix, index)
        skipped = path.is_file()
        if not skipped:
            table = _shard_table(model, chunk, first_sentence + summary["sentences"], layer, max_tokens)
            import pyarrow.parquet as pq

            tmp = path.with_name(path.name + ".tmp")
            pq.write_table(table, tmp)
            os.replace(tmp, path)
            summary["shards_written"] += 1
            summary["embedded_sentences"] += len(chunk)
            summary["embedded_tokens"] += n_tokens
        else:
            summary["shards_skipped"] += 1
        summary["sentences"] += len(chunk)
        summary["tokens"] += n_tokens
        if progress:
            progress(ShardProgress(index, skipped, summary["sentences"], summary["tokens"],
                                   summary["embedded_sentences"], summary["embedded_tokens"],
                                   time.perf_counter() - start))
        if len(chunk) < shard_size:
            break
    summary["seconds"] = round(time.perf_counter() - start, 2)
    return summary


# ---- CLI -----------------------------------------------------------------------------------------


def _duration(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}h{s // 60 % 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _printer(total_tokens: int | None) -> Callable[[ShardProgress], None]:
    def show(p: ShardProgress) -> None:
        what = "skipped (already there)" if p.skipped else "written"
        line = f"shard {p.shard:05d} {what}: {p.sentences} sentences"
        if p.embedded_sentences and p.elapsed_s > 0:
            rate = p.embedded_sentences / p.elapsed_s
            line += f", {rate:.1f} sentences/s"
            if total_tokens:
                left = max(total_tokens - p.tokens, 0)
                eta = left / (p.embedded_tokens / p.elapsed_s) if p.embedded_tokens else 0.0
                line += f", {100 * min(p.tokens / total_tokens, 1):.0f}% of tokens, ETA {_duration(eta)}"
        print(line, file=sys.stderr, flush=True)

    return show


def _parse_layer(value: str) -> str | int:
    if value in (ALL, MIX):
        return value
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{value[:24]!r}: use all, mix or a layer number (0, 1, ...)")
    return n


def _parser() -> argparse.ArgumentParser:
    from corpora.args import Parser, int_in, text

    from .dump import MAX_THREADS

    ap = Parser(prog="python -m elmo.embed", description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, help="model directory (default: the bundled elmo/models/en)")
    ap.add_argument("--corpus", required=True, type=text,
                    help="corpus name in the store (built-in ones are indexed on demand)")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--word", type=text, help="embed every occurrence of this word")
    what.add_argument("--all-tokens", action="store_true", help="embed every token of the corpus into shards")
    ap.add_argument("--out", type=Path, required=True, help="FILE.parquet (--word) or OUT_DIR (--all-tokens)")
    ap.add_argument("--layer", type=_parse_layer, default=ALL, help="all (default), mix, or a layer number")
    ap.add_argument("--match", default="form", choices=("form", "lemma", "regex"), help="word matching (--word)")
    ap.add_argument("--case", action="store_true", help="case-sensitive matching (--word)")
    ap.add_argument("--limit", type=int_in(1), help="a random sample of at most N occurrences (--word)")
    ap.add_argument("--shard-size", type=int_in(1), default=1000, help="sentences per shard (--all-tokens)")
    ap.add_argument("--data", type=Path, help="corpus store folder (default: $SENSE_EXPLORER_DATA or ~/.local/share)")
    ap.add_argument("--threads", type=int_in(1, MAX_THREADS), help="torch threads (default: torch's choice)")
    return ap


def run(args: argparse.Namespace) -> int:
    import torch

    from corpora.search import occurrences
    from corpora.store import Store

    if args.threads:
        torch.set_num_threads(args.threads)
    model_dir = args.model or bundled_model_dir()
    if model_dir is None:
        raise ValueError("no --model given and no bundled model in elmo/models/en")
    model = ELMo.load(model_dir)
    layer_names(model.n_layers, args.layer)  # an unknown layer number fails before any work
    store = Store(args.data)
    if args.corpus not in store.corpus_names():
        from corpora.builtin import builtin_names

        if args.corpus in builtin_names():
            print(f"indexing built-in corpus {args.corpus}…", file=sys.stderr)
        store.ensure_builtin(args.corpus)  # raises UnknownCorpusError for a name that is neither

    if args.word is not None:
        if args.out.suffix != ".parquet":
            raise ValueError(f"--out {args.out}: give a .parquet file name")
        import pyarrow.parquet as pq

        occ = occurrences(store, args.corpus, args.word, match=args.match, case=args.case, limit=args.limit)
        start = time.perf_counter()

        def show(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - start, 1e-9)
            eta = (total - done) / rate if rate else 0.0
            print(f"{done}/{total} occurrences, {rate:.1f} sentences/s, ETA {_duration(eta)}",
                  file=sys.stderr, flush=True)

        table = occurrence_table(model, occ, args.layer, progress=show)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.out.with_name(args.out.name + ".tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, args.out)
        total = occ.attrs.get("total", len(occ))
        print(f"wrote {args.out}: {table.num_rows} of {total} occurrences of {args.word!r} in {args.corpus}, "
              f"{model.dim}-d, columns {', '.join(layer_names(model.n_layers, args.layer))}")
        return 0

    if args.out.suffix == ".parquet":
        raise ValueError(f"--out {args.out}: --all-tokens writes a folder of shards, not one .parquet file")
    total_tokens = store.info(args.corpus).get("n_tokens")
    summary = embed_corpus_shards(model, store.sentences(args.corpus), args.out, args.shard_size,
                                  _printer(total_tokens), layer=args.layer)
    print(f"{args.out}: {summary['shards_written']} shard(s) written, {summary['shards_skipped']} skipped; "
          f"{summary['sentences']} sentences, {summary['tokens']} tokens in {summary['seconds']}s")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from corpora.errors import CorpusError

    from .cli import error_boundary
    from .io import ModelFileError

    return error_boundary(lambda: run(args), (ModelFileError, CorpusError, ValueError, OSError),
                          "interrupted; rerun the same command to resume (finished shards are kept)")


if __name__ == "__main__":
    sys.exit(main())
