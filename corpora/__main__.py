"""Command line for the corpus store (the same store the app uses: $SENSE_EXPLORER_DATA).

    python -m corpora add FILE --name NAME [--text-column C]
    python -m corpora list
    python -m corpora remove NAME [--force]      (--force: also a built-in corpus)
    python -m corpora search NAME WORD [--match form|lemma|regex] [--case] [--limit N] [--seed S]
    python -m corpora builtin NAME [--progress-lines]   (progress as "FRACTION<TAB>MESSAGE" lines on stdout)

Errors print one line ("error: ...") and exit with status 2, bad arguments too (checked by argparse:
--limit >= 1, --seed >= 0, names and words valid UTF-8); an unexpected one (a bug) prints a short
line naming it and logs the traceback at debug level (set SENSE_EXPLORER_DEBUG=1 to see it), status 1.
`add` reads only a regular file (not a folder, device or pipe) of at most the upload limit.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from . import settings
from .args import Parser, int_in, text
from .errors import CorpusError
from .readers import display_name, read_file, read_upload
from .search import kwic_lines, occurrences
from .store import Store

INDEXING_COMMANDS = ("add", "builtin")


def _progress(fraction: float, message: str = "") -> None:
    print(f"\r{fraction:6.1%} {message[:70]:<70}", end="", file=sys.stderr, flush=True)


def _progress_line(fraction: float, message: str = "") -> None:
    print(f"{fraction:.4f}\t{' '.join(message.split())}", flush=True)


def _one_line(e: BaseException) -> str:
    if isinstance(e, OSError) and e.strerror:
        msg = f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    elif isinstance(e, KeyError) and not isinstance(e, ValueError) and e.args:
        msg = str(e.args[0])
    else:
        msg = str(e)
    return " ".join(msg.split())


def _parser() -> argparse.ArgumentParser:
    ap = Parser(prog="python -m corpora", description="Manage and search the corpus store.")
    ap.add_argument("--store", help="store file or folder (default: $SENSE_EXPLORER_DATA)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("add", help="add a file (.txt .md .csv .tsv .jsonl .zip) as a corpus")
    a.add_argument("file")
    a.add_argument("--name", required=True, type=text)
    a.add_argument("--text-column", type=text)
    sub.add_parser("list", help="list the stored corpora")
    r = sub.add_parser("remove", help="delete a corpus")
    r.add_argument("name", type=text)
    r.add_argument("--force", action="store_true", help="also delete a built-in corpus (indexed again on use)")
    s = sub.add_parser("search", help="print the occurrences of a word (KWIC)")
    s.add_argument("name", type=text)
    s.add_argument("word", type=text)
    s.add_argument("--match", choices=("form", "lemma", "regex"), default="form")
    s.add_argument("--case", action="store_true", help="match the capitalisation exactly")
    s.add_argument("--limit", type=int_in(1), default=20, help="occurrences shown at most (a random sample)")
    s.add_argument("--seed", type=int_in(0), default=0, help="seed of the sample (a whole number >= 0)")
    b = sub.add_parser("builtin", help="index a built-in corpus (wiki, brown, senseval, ...)")
    b.add_argument("name", type=text)
    b.add_argument("--progress-lines", action="store_true",
                   help='print progress as "FRACTION<TAB>MESSAGE" lines on stdout (for corpora.builder)')
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.cmd in INDEXING_COMMANDS:
        # This process indexes one corpus and exits: Python's cyclic garbage collector stays off, as its passes
        # over the rows made while indexing (they hold no cycles) cost 4-7 % of the CPU time.
        gc.disable()
    try:
        store = Store(args.store)
        if args.cmd == "add":
            path = Path(args.file)
            docs = read_upload(display_name(path.name), read_file(path), text_column=args.text_column)
            info = store.add_corpus(args.name, docs, progress=_progress if sys.stderr.isatty() else None)
            print(f"added {info['name']}: {info['n_docs']:,} documents, {info['n_tokens']:,} tokens, "
                  f"{info['n_types']:,} types")
        elif args.cmd == "list":
            table = store.list_corpora()
            print(table.to_string(index=False) if len(table) else "(no corpora)")
        elif args.cmd == "remove":
            store.remove_corpus(args.name, force=args.force)
            print(f"removed {args.name}")
        elif args.cmd == "search":
            occ = occurrences(store, args.name, args.word, match=args.match, case=args.case,
                              limit=args.limit, seed=args.seed)
            for line in kwic_lines(occ):
                print(line)
            print(f"{len(occ):,} of {occ.attrs['total']:,} occurrences", file=sys.stderr)
        elif args.cmd == "builtin":
            progress = _progress_line if args.progress_lines else _progress if sys.stderr.isatty() else None
            info = store.ensure_builtin(args.name, progress=progress)
            print(f"{info['name']}: {info['n_docs']:,} documents, {info['n_tokens']:,} tokens")
    except (CorpusError, OSError, KeyError) as e:
        print(f"error: {_one_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except Exception as e:  # a bug: one line, the traceback only when asked for
        logging.basicConfig(level=logging.DEBUG if settings.debug() else logging.WARNING)
        logging.getLogger("corpora").debug("unexpected error", exc_info=True)
        print(f"error: unexpected {type(e).__name__}: {_one_line(e)[:200]} (please report it)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
