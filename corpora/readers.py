"""Read an uploaded file into Documents, refusing anything odd with a clear CorpusError (ReadError).

Formats (by extension, case-insensitive):

* .txt, .md: ONE document per file (metadata: file). Blank lines still separate paragraphs: the
  store never lets a sentence run across a blank line. Markdown is kept as typed (not rendered).
* .csv, .tsv: one document per row with text. The text column is `text_column`, else a column named
  text / sentence / content (any case), else the column with the longest mean string length among
  those holding letters; no such column -> "no text column" error. Every other column is metadata
  (a column of whole numbers becomes int). Rows with empty text are skipped. A quote that is never
  closed (which would swallow the rest of the file into one cell) is refused, naming its line.
* .jsonl: one JSON object per line with a string field "text"; every other field is metadata
  (nested values are kept as JSON text). Blank lines are skipped. Refused: values nested deeper than
  MAX_JSON_DEPTH, numbers that are not finite (NaN, Infinity, 1e400: write null or a string instead),
  whole numbers longer than Python's integer limit (4,300 digits), and text, field names or values
  holding a lone surrogate ("\\ud800": half of a UTF-16 pair, not a character).
* .zip: every entry of the above types (metadata file = the entry's path); folders, hidden files and
  __MACOSX are skipped; other entries (nested zips included) are refused.

Encodings: a BOM decides (UTF-8, UTF-16, UTF-32); else strict UTF-8; else charset_normalizer's guess,
except that text which, read as cp1252, is mostly ASCII letters with a few accented ones is read as cp1252
(charset_normalizer alone often guesses cp1250 or a CJK codec for short Western samples).

A document (a .txt / .md file, a table row, a JSON line) whose text holds only blank, control or invisible
characters counts as empty: it is skipped, and a file of nothing else is refused.

Refused: empty files, binary files (NUL bytes without a UTF-16/32 BOM, a NUL character in the text
after any BOM, or no encoding fits), bytes that do not decode, files over Limits.max_bytes (read_file,
for a file on disk, also refuses anything but a regular file, and reads at most Limits.max_bytes + 1
bytes), zip bombs: archives over Limits.max_total_bytes uncompressed,
or whose entries together (or any entry over 1 MiB alone) unpack to more than Limits.max_ratio times
their compressed size (checked on the declared sizes first, then on the bytes actually read, as they are
read), entries with absolute or ".." paths,
unsupported extensions. HTML or JavaScript in a text is just text: it is stored and shown, never run.
Nothing here writes to the store, so a refused file leaves it unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import posixpath
import re
import stat
import sys
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import charset_normalizer

from .builtin import Document
from .errors import ReadError, check_unicode, lone_surrogate, surrogate_message

TEXT_EXTS = (".txt", ".md")
TABLE_EXTS = (".csv", ".tsv")
SUPPORTED = (*TEXT_EXTS, *TABLE_EXTS, ".jsonl", ".zip")
TEXT_COLUMN_NAMES = ("text", "sentence", "content")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
try:
    from lzma import LZMAError
except ImportError:  # Python built without lzma: zipfile refuses LZMA entries with RuntimeError
    LZMAError = RuntimeError
# What zipfile raises on a damaged archive: bad headers, sizes or offsets, undecodable names, corrupt
# deflate / bzip2 / lzma data, unknown versions or methods.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError,
               NotImplementedError, zlib.error, LZMAError)
_INT = re.compile(r"-?\d{1,18}")
MAX_JSON_DEPTH = 100
_RATIO_FLOOR = 1024 * 1024  # archives (and entries) unpacking to less than this skip the ratio check
_LETTER = re.compile(r"[^\W\d_]")
_INVISIBLE = ("Cc", "Cf", "Cs", "Cn")  # control, format (zero-width, bidi), surrogate, unassigned


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024  # one uploaded file (or archive)
    max_total_bytes: int = 1024 * 1024 * 1024  # all entries of an archive, uncompressed
    max_ratio: float = 100.0  # uncompressed / compressed size of one archive entry
    max_entries: int = 10_000  # entries of an archive


def _ext(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def _check_ext(filename: str) -> str:
    ext = _ext(filename)
    if ext not in SUPPORTED:
        raise ReadError(f"{filename}: unsupported file type {ext or '(no extension)'}; "
                        f"use one of {', '.join(SUPPORTED)}.")
    return ext


def _looks_western(text: str) -> bool:
    """Mostly ASCII letters with some accented ones (French, German, English with curly quotes...)."""
    letters = [c for c in text if c.isalpha()]
    accented = sum(ord(c) > 127 for c in letters)
    return accented <= 0.3 * max(len(letters), 1)


def decode(filename: str, data: bytes) -> str:
    """The text of a file's bytes (see the module docstring for the rules); raises ReadError."""
    if not data.strip():
        raise ReadError(f"{filename} is empty.")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise ReadError(f"{filename} starts with a {enc.upper()} byte-order mark but is not valid "
                                f"{enc.upper()} (byte {e.start}); save it again as UTF-8.") from e
            if "\x00" in text:  # a NUL character: binary data behind a byte-order mark
                raise ReadError(f"{filename} looks like a binary file (it contains NUL characters), not text.")
            return text
    if b"\x00" in data:
        raise ReadError(f"{filename} looks like a binary file (it contains NUL bytes), not text.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if best is None and western is None:
        raise ReadError(f"{filename} could not be decoded: it is neither UTF-8 nor any known text encoding "
                        "(is it a binary file?).")
    if western is not None and (best is None or _looks_western(western)):
        text = western
    else:
        text = str(best)
    bad = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if bad > max(3, len(text) // 100):
        raise ReadError(f"{filename} looks like a binary file (control characters), not text.")
    return text


def has_text(text: str) -> bool:
    """True when `text` holds a visible character: not only whitespace, control or invisible characters
    (stops at the first visible one)."""
    return any(not c.isspace() and unicodedata.category(c) not in _INVISIBLE for c in text)


def _text_documents(filename: str, text: str) -> list[Document]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return [Document(text=text, meta={"file": filename})] if has_text(text) else []


def _csv_rows(text: str, delim: str, strict: bool) -> list[list[str]]:
    """Non-blank rows; a csv.Error carries `line`, the line where the failing row starts."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=strict)
    rows, line = [], 1
    try:
        for r in reader:
            if any(c.strip() for c in r):
                rows.append(r)
            line = reader.line_num + 1
    except csv.Error as e:
        e.line, e.end_line = line, reader.line_num
        raise
    return rows


def _table_rows(filename: str, text: str) -> tuple[list[str], list[list[str]]]:
    delim = "\t" if _ext(filename) == ".tsv" else ","
    csv.field_size_limit(1 << 30)
    try:
        rows = _csv_rows(text, delim, strict=True)
    except csv.Error as e:
        line, end = getattr(e, "line", 0), getattr(e, "end_line", 0)
        # strict mode notices a quote left open at the end, or a quoted cell that ran over line ends
        if "end of data" in str(e) or end > line:
            line = line or "?"
            raise ReadError(f'{filename}: a quote (") opened on line {line} is never closed, so the lines after it '
                            "would run into one cell; close or remove it. Nothing was added.") from e
        try:  # other quoting slips (a"b, "a"b) are read leniently, as spreadsheets do
            rows = _csv_rows(text, delim, strict=False)
        except csv.Error as e2:
            kind = "TSV" if delim == "\t" else "CSV"
            raise ReadError(f"{filename} is not a valid {kind} file: {e2}. Nothing was added.") from e2
    if not rows:
        raise ReadError(f"{filename} is empty.")
    header, seen = [], set()
    for i, h in enumerate(rows[0]):
        h = h.strip().lstrip("\ufeff") or f"column_{i + 1}"
        base, k = h, 2
        while h in seen:
            h, k = f"{base}_{k}", k + 1
        seen.add(h)
        header.append(h)
    body = [(r + [""] * len(header))[: len(header)] for r in rows[1:]]
    return header, body


def table_columns(filename: str, data: bytes) -> tuple[list[str], str | None]:
    """(column names, the likely text column or None when no column holds words) of a .csv / .tsv upload."""
    header, body = _table_rows(filename, decode(filename, data))
    return header, _guess_text_column(header, body)


def csv_columns(filename: str, data: bytes) -> list[str]:
    """Column names of a .csv / .tsv upload, the likely text column first."""
    header, guess = table_columns(filename, data)
    return [guess, *[h for h in header if h != guess]] if guess else header


def _guess_text_column(header: list[str], body: list[list[str]]) -> str | None:
    has_text = [any(_LETTER.search(r[i]) for r in body) for i in range(len(header))]
    for name in TEXT_COLUMN_NAMES:
        for i, h in enumerate(header):
            if h.lower() == name and has_text[i]:
                return h
    best, best_len = None, 0.0
    for i, h in enumerate(header):
        if has_text[i]:
            mean = sum(len(r[i]) for r in body) / max(len(body), 1)
            if mean > best_len:
                best, best_len = h, mean
    return best


def _table_documents(filename: str, text: str, text_column: str | None) -> list[Document]:
    header, body = _table_rows(filename, text)
    if not body:
        raise ReadError(f"{filename} has a header row but no data rows.")
    if text_column is not None:
        if text_column not in header:
            raise ReadError(f'{filename} has no column "{text_column}"; its columns are: {", ".join(header)}.')
        col = text_column
    else:
        col = _guess_text_column(header, body)
        if col is None:
            raise ReadError(f"{filename}: no text column (no column holds words); columns: {', '.join(header)}.")
    ti = header.index(col)
    ints = {i for i, h in enumerate(header)
            if i != ti and all(_INT.fullmatch(r[i].strip()) for r in body if r[i].strip())
            and any(r[i].strip() for r in body)}
    docs = []
    for n, r in enumerate(body):
        t = r[ti].strip()
        if not has_text(t):
            continue
        meta: dict = {"file": filename, "row": n + 1} if "file" not in header and "row" not in header else {}
        for i, h in enumerate(header):
            if i != ti:
                v = r[i].strip()
                meta[h] = int(v) if i in ints and v else v
        docs.append(Document(text=t, meta=meta))
    if not docs:
        raise ReadError(f'{filename}: the text column "{col}" is empty in every row.')
    return docs


class _NotFinite(ValueError):
    """A JSON number that is not finite (NaN, Infinity, 1e400)."""


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NotFinite(literal)
    return value


def _no_constant(literal: str) -> float:
    raise _NotFinite(literal)


def _check_fields(filename: str, n: int, obj: dict) -> None:
    """ReadError when a field name or a string value (the text included) holds a lone surrogate."""
    for k, v in obj.items():
        for what, s in ((f"the field name {k!r}", k), (f"the field {k!r}", v)):
            at = lone_surrogate(s) if isinstance(s, str) else None
            if at is not None:
                raise ReadError(surrogate_message(f"{filename}, line {n}: {what}", s, at))


class JSONProblem(ValueError):
    """Text that does not parse as JSON; its message says why in a few words."""


def parse_json(text: str, max_depth: int = MAX_JSON_DEPTH, **options):
    """json.loads(text, **options), every way it can fail (and nesting deeper than `max_depth`) a
    JSONProblem: "not valid JSON (Expecting value, line 3)", "nested too deeply", "a number has more
    than 4,300 digits", "nested more than 100 levels deep"."""
    try:
        obj = json.loads(text, **options)
    except json.JSONDecodeError as e:
        where = f", line {e.lineno}" if "\n" in text else ""
        raise JSONProblem(f"not valid JSON ({e.msg}{where})") from e
    except RecursionError as e:
        raise JSONProblem("nested too deeply") from e
    except _NotFinite:
        raise
    except ValueError as e:  # Python's limit on the digits of a whole number
        raise JSONProblem(f"a number has more than {sys.get_int_max_str_digits():,} digits") from e
    if nested_deeper(obj, max_depth):
        raise JSONProblem(f"nested more than {max_depth} levels deep")
    return obj


def _parse_line(filename: str, n: int, line: str):
    try:
        return parse_json(line, parse_float=_finite, parse_constant=_no_constant)
    except _NotFinite as e:
        raise ReadError(f"{filename}, line {n}: {e.args[0][:30]} is not a finite number; NaN and Infinity are "
                        "not allowed (write null or a string instead).") from e
    except JSONProblem as e:
        hint = "; write it as a string" if "digits" in str(e) else ""
        raise ReadError(f"{filename}, line {n}: the JSON is {e}{hint}." if "nested" in str(e)
                        else f"{filename}, line {n}: {e}{hint}.") from e


def _jsonl_documents(filename: str, text: str) -> list[Document]:
    docs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        obj = _parse_line(filename, n, line)
        if not isinstance(obj, dict):
            raise ReadError(f"{filename}, line {n}: expected a JSON object with a \"text\" field.")
        t = obj.get("text")
        if not isinstance(t, str):
            raise ReadError(f"{filename}, line {n}: the \"text\" field is missing or not a string.")
        if "\\u" in line:  # only an escape can put a lone surrogate into decoded text
            _check_fields(filename, n, obj)
        if not has_text(t):
            continue
        meta = {"file": filename, "line": n} if "file" not in obj and "line" not in obj else {}
        for k, v in obj.items():
            if k != "text":
                meta[str(k)] = v if isinstance(v, str | int | float | bool) or v is None else json.dumps(v)
        docs.append(Document(text=t.strip(), meta=meta))
    if not docs:
        raise ReadError(f"{filename} holds no text.")
    return docs


def nested_deeper(obj, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the containers of parsed JSON nest deeper than `limit` (checked without recursion)."""
    stack = [(obj, 0)]
    while stack:
        o, depth = stack.pop()
        if isinstance(o, dict | list):
            if depth >= limit:
                return True
            stack.extend((v, depth + 1) for v in (o.values() if isinstance(o, dict) else o))
    return False


def _read_one(filename: str, data: bytes, text_column: str | None) -> list[Document]:
    ext = _check_ext(filename)
    text = decode(filename, data)
    if ext in TEXT_EXTS:
        return _text_documents(filename, text)
    if ext in TABLE_EXTS:
        return _table_documents(filename, text, text_column)
    return _jsonl_documents(filename, text)


def _safe_entry_name(zipname: str, name: str) -> str:
    n = name.replace("\\", "/")
    if n.startswith("/") or re.match(r"^[A-Za-z]:", n) or ".." in n.split("/"):
        raise ReadError(f"{zipname}: the entry {name!r} has an unsafe path (absolute or with ..); "
                        "the archive was refused.")
    return posixpath.normpath(n)


def _read_zip(filename: str, data: bytes, text_column: str | None, limits: Limits) -> list[Document]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _ZIP_ERRORS as e:
        raise ReadError(f"{filename} is not a valid zip archive ({str(e) or type(e).__name__}).") from e
    if len(infos) > limits.max_entries:
        raise ReadError(f"{filename} has {len(infos):,} entries; at most {limits.max_entries:,} are allowed.")
    chosen = []
    total = 0
    for info in infos:
        name = _safe_entry_name(filename, info.filename)
        if info.is_dir():
            continue
        parts = name.split("/")
        if parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts):
            continue
        _check_ext(name)
        if _ext(name) == ".zip":
            raise ReadError(f"{filename}: the entry {name} is itself a zip archive; nested archives are refused.")
        total += info.file_size
        _check_archive_ratio(filename, total, len(data), limits)  # the declared sizes; many small entries add up
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) and info.file_size > _RATIO_FLOOR:
            raise ReadError(f"{filename}: the entry {name} is compressed more than {limits.max_ratio:g} times; "
                            "refused (possible zip bomb).")
        chosen.append((name, info))
    if not chosen:
        raise ReadError(f"{filename} contains no {', '.join(e for e in SUPPORTED if e != '.zip')} files.")
    docs: list[Document] = []
    unpacked = 0
    for name, info in chosen:
        raw = _read_entry(filename, zf, name, info)
        unpacked += len(raw)
        _check_archive_ratio(filename, unpacked, len(data), limits)  # the bytes actually read, as they come
        if not raw.strip():
            continue  # an empty entry in an archive is no reason to refuse the rest
        docs.extend(_read_one(name, raw, text_column))
    if not docs:
        raise ReadError(f"{filename} holds no text.")
    return docs


def _check_archive_ratio(filename: str, unpacked: int, packed: int, limits: Limits) -> None:
    if unpacked > limits.max_total_bytes:
        raise ReadError(f"{filename} would unpack to more than {limits.max_total_bytes // 2**20:,} MB; "
                        "refused (possible zip bomb).")
    if unpacked > _RATIO_FLOOR and unpacked > limits.max_ratio * max(packed, 1):
        raise ReadError(f"{filename} unpacks to {unpacked / 2**20:,.1f} MB, more than {limits.max_ratio:g} times "
                        f"its {packed / 2**20:,.2f} MB; refused (possible zip bomb).")


def _read_entry(filename: str, zf: zipfile.ZipFile, name: str, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, never more than its header declares (read in pieces)."""
    parts, size = [], 0
    try:
        with zf.open(info) as f:
            while size <= info.file_size:
                piece = f.read(min(1 << 20, info.file_size + 1 - size))
                if not piece:
                    break
                parts.append(piece)
                size += len(piece)
    except _ZIP_ERRORS as e:  # a damaged archive
        raise ReadError(f"{filename}: the entry {name} cannot be read ({str(e) or type(e).__name__}).") from e
    if size > info.file_size:
        raise ReadError(f"{filename}: the entry {name} is larger than its header says; refused.")
    return b"".join(parts)


def read_upload(filename: str, data: bytes, text_column: str | None = None,
                limits: Limits = Limits()) -> list[Document]:  # noqa: B008 - frozen dataclass
    """Documents of an uploaded file (see the module docstring); raises ReadError with a clear message."""
    filename = check_unicode(filename or "upload", "The file name", ReadError)
    if len(data) > limits.max_bytes:
        raise ReadError(_too_big(filename, len(data), limits))
    ext = _check_ext(filename)
    if not data.strip():
        raise ReadError(f"{filename} is empty.")
    if ext == ".zip":
        return _read_zip(filename, data, text_column, limits)
    docs = _read_one(filename, data, text_column)
    if not docs:
        raise ReadError(f"{filename} holds no text (only blank, control or invisible characters).")
    return docs


def display_name(path: str | os.PathLike) -> str:
    """A path as text: bytes of the name that are not UTF-8 (kept by Python as lone surrogates) become U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_file(path: str | os.PathLike, limits: Limits = Limits()) -> bytes:  # noqa: B008 - frozen dataclass
    """The bytes of a file on disk to upload: a regular file (a link is followed) of at most limits.max_bytes.

    The kind and size are checked on the opened file before reading (a folder, device, pipe or socket is
    refused; opening does not block), and at most limits.max_bytes + 1 bytes are read, so a file that grows
    meanwhile (or lies about its size) is refused too. Raises ReadError."""
    name = display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise ReadError(f"{name}: {e.strerror or e}.") from e
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a device, pipe or other special file"
            raise ReadError(f"{name} is not a regular file ({kind}); give a {', '.join(SUPPORTED)} file.")
        if info.st_size > limits.max_bytes:
            raise ReadError(_too_big(name, info.st_size, limits))
        with os.fdopen(fd, "rb") as f:
            fd = -1  # closed with f
            data = f.read(limits.max_bytes + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limits.max_bytes:
        raise ReadError(_too_big(name, len(data), limits))
    return data


def _too_big(filename: str, size: int, limits: Limits) -> str:
    return f"{filename} is {size / 2**20:,.1f} MB; at most {limits.max_bytes / 2**20:,.0f} MB can be uploaded."
