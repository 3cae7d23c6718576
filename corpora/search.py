"""Find every occurrence of a word in a stored corpus, as a key-word-in-context table.

    occ = occurrences(store, "wiki", "cell", match="lemma", limit=300)
    occ.attrs["total"]       # hits before sampling

Match modes (the word is looked up in the corpus's token index, never by scanning text):

* "form": the token form itself. case=False (default) matches every capitalisation ("Cell", "CELL");
  case=True only the form exactly as typed.
* "lemma": every inflection of the word's lemmas, by lemminflect: the lemmas of the word (getAllLemmas;
  the word itself if lemminflect knows none), then all inflections of each lemma (getAllInflections,
  every part of speech). So "cell" finds cell, cells; "bank" finds bank, banks, and also banked, banking
  because lemminflect also knows "bank" as a verb (VBD, VBG); "banking" finds bank, banks, banked,
  banking for the same reason (its lemma is the verb "bank"). Derived words with another lemma
  ("cellular", "banker") are never matched. Lemma mode ignores `case`: it always matches all
  capitalisations.
* "regex": a full match of the pattern against each distinct token form of the corpus (any
  capitalisation unless case=True), then the index for the forms that match. The engine is RE2
  (google-re2), which runs in linear time, so no pattern can hang the search; its syntax is Python's
  without backreferences and look-around (refused with a clear error). \\w and \\d match any letter /
  digit as in Python (translated to \\pL, \\p{Nd}). A search still running after REGEX_SECONDS (a huge
  corpus) stops with a QueryError.

Rows are in corpus order. With more hits than `limit`, a reproducible random sample of `limit` hits
(numpy Generator seeded by `seed`) is returned, still in corpus order; attrs["total"] is always the
number of hits before sampling.

Columns: corpus, doc, sent_id, token_index, left, keyword, right (slices of the original sentence text:
the keyword exactly as written), tokens (the sentence's tokens), sentence (original text), then one
column per metadata key of the corpus (a key clashing with these names gets the prefix "meta_"),
gold_sense for corpora whose documents carry "sense" and "position" (Senseval): the document's gold
sense on the occurrence at that position of its first sentence, "" elsewhere, and last _wide_tokens:
the occurrence's discourse context (wide_window: the tokens of its own and the nearest sentences of its
document, at most WIDE_MAX_TOKENS), which the sense clustering uses.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import re2

from .errors import QueryError, WordNotFoundError, check_unicode
from .sentences import document_sentences, str_keys

MATCHES = ("form", "lemma", "regex")
MAX_WORD_CHARS = 100
SAMPLE_LIMIT = 300  # occurrences of a word used by default, a seeded sample beyond (the Explorer, averages, gold)
BASE_COLUMNS = ("corpus", "doc", "sent_id", "token_index", "left", "keyword", "right", "tokens", "sentence")
SUGGESTIONS = 5
SUGGESTION_POOL = 50_000  # the most frequent types considered for "did you mean"
REGEX_SECONDS = 2.0  # time limit of a regular-expression search over the types of a corpus
WIDE_COLUMN = "_wide_tokens"  # the occurrence's discourse context (wide_window), hidden from tables and exports
WIDE_SPAN = 30  # sentences read on each side of an occurrence's sentence for its discourse context
WIDE_MAX_TOKENS = 300  # tokens of discourse context at most, the sentences nearest the occurrence first
_UNICODE_CLASSES = {"w": (r"\pL\pN_", r"[\pL\pN_]"), "d": (r"\p{Nd}", r"\p{Nd}"), "W": (None, r"[^\pL\pN_]"),
                    "D": (None, r"\P{Nd}")}


@lru_cache(maxsize=8192)
def lemma_forms(word: str) -> frozenset[str]:
    """Lower-cased forms of every inflection of the word's lemmas (see the module docstring); cached."""
    from lemminflect import getAllInflections, getAllLemmas  # lazy: it loads its word tables on import

    w = word.lower()
    lemmas = {lemma.lower() for ls in getAllLemmas(w).values() for lemma in ls}
    if word != w:
        lemmas |= {lemma.lower() for ls in getAllLemmas(word).values() for lemma in ls}
    lemmas = lemmas or {w}
    forms = {w} | lemmas
    for lemma in lemmas:
        for infl in getAllInflections(lemma).values():
            forms.update(f.lower() for f in infl)
    return frozenset(forms)


def _check_word(word: str, match: str) -> str:
    if match not in MATCHES:
        raise QueryError(f'Unknown match mode "{match}"; use one of: {", ".join(MATCHES)}.')
    if not isinstance(word, str) or not word.strip():
        raise QueryError("Type a word to search for.")
    word = check_unicode(word.strip(), "The word searched for", QueryError)
    if len(word) > MAX_WORD_CHARS:
        raise QueryError(f"The word is too long ({len(word)} characters; at most {MAX_WORD_CHARS}).")
    if match != "regex" and any(c.isspace() for c in word):
        raise QueryError(f'"{word}" is more than one word; search for one word at a time.')
    return word


def _unicode_classes(pattern: str) -> str:
    r"""Python's Unicode meaning of \w \d \W \D in RE2 syntax (RE2's own are ASCII only)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            inside, outside = _UNICODE_CLASSES.get(nxt, (None, None))
            rep = inside if in_class else outside
            out.append(rep if rep is not None else c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            if pattern[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a leading ] is a literal
                out.append("]")
                i += 1
        else:
            in_class = in_class and c != "]"
            out.append(c)
        i += 1
    return "".join(out)


def _compile(pattern: str, case: bool):
    """An RE2 pattern object (linear-time matching); raises QueryError for invalid or unsupported syntax."""
    opts = re2.Options()
    opts.log_errors = False
    opts.case_sensitive = case
    opts.never_capture = True
    try:
        return re2.compile(_unicode_classes(pattern), opts)
    except re2.error as e:
        why = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise QueryError(f'"{pattern}" is not a valid regular expression here: {why}. (Backreferences and '
                         "look-around are not supported.)") from e


def _regex_type_ids(reader, pattern: str, case: bool, seconds: float) -> list[int]:
    """Ids of the types fully matching `pattern`; QueryError when it takes longer than `seconds`."""
    rx = _compile(pattern, case)
    deadline = time.monotonic() + seconds
    ids = []
    for n, (i, f) in enumerate(reader.iter_types()):
        if rx.fullmatch(f):
            ids.append(i)
        if n % 1024 == 0 and time.monotonic() > deadline:
            raise QueryError(f'The regular expression "{pattern}" took more than {seconds:g} s over the words of '
                             "this corpus and was stopped; make it simpler or more specific.")
    return ids


def _suggest(store, corpus: str, word: str) -> list[str]:
    with store.reader(corpus) as reader:
        rows = reader.frequent_types(SUGGESTION_POOL)
    counts = {w: c for w, c in rows if any(ch.isalnum() for ch in w)}
    close = difflib.get_close_matches(word.lower(), list(counts), n=SUGGESTIONS * 2, cutoff=0.6)
    close.sort(key=lambda w: -counts[w])  # stable: equally frequent keep difflib's similarity order
    return close[:SUGGESTIONS]


def _not_found(word: str, corpus: str, match: str, case: bool) -> str:
    what = {"lemma": " (in any inflected form)", "form": " (with this exact capitalisation)" if case else ""}
    return f'"{word}" does not occur in {corpus}{what[match]}.'


def matching_type_ids(store, corpus: str, word: str, match: str = "form", case: bool = False,
                      regex_seconds: float | None = None) -> list[int]:
    """Ids of the corpus's token types matching the query; raises QueryError / WordNotFoundError."""
    word = _check_word(word, match)
    with store.reader(corpus) as reader:
        if match == "regex":
            ids = _regex_type_ids(reader, word, case, REGEX_SECONDS if regex_seconds is None else regex_seconds)
        elif match == "lemma":
            ids = reader.type_ids_by_lower(sorted(lemma_forms(word)))
        elif case:
            ids = reader.type_ids_by_form(word)
        else:
            ids = reader.type_ids_by_lower([word.lower()])
    if not ids:
        if match == "regex":
            raise WordNotFoundError(f'No word of {corpus} matches the regular expression "{word}".')
        sugg = _suggest(store, corpus, word)
        msg = _not_found(word, corpus, match, case)
        if sugg:
            msg += f" Did you mean: {', '.join(sugg)}?"
        raise WordNotFoundError(msg, sugg)
    return ids


def wide_window(sentences: Sequence[Sequence[str]], sent_no: int, radius: int | None = None,
                max_tokens: int = WIDE_MAX_TOKENS) -> list[str]:
    """The tokens of sentences[sent_no - radius .. sent_no + radius] (radius None: all of them) in document
    order, the occurrence's own sentence included; past max_tokens, the sentences farthest away are left out."""
    r = len(sentences) if radius is None else int(radius)
    lo, hi = max(0, sent_no - r), min(len(sentences), sent_no + r + 1)
    keep = sorted(range(lo, hi), key=lambda j: (abs(j - sent_no), j))  # nearest first
    picked, n = set(), 0
    for j in keep:
        if picked and n + len(sentences[j]) > max_tokens:
            break
        picked.add(j)
        n += len(sentences[j])
    return [str(t) for j in sorted(picked) for t in sentences[j]]


def _wide(doc_sentences: dict[int, list[str]], sent_no: int) -> list[str]:
    """wide_window over the sentences WIDE_SPAN either side of sent_no (sentence number -> tokens of one doc)."""
    lo = max(0, sent_no - WIDE_SPAN)
    near = [doc_sentences[j] for j in range(lo, sent_no + WIDE_SPAN + 1) if j in doc_sentences]
    return wide_window(near, sent_no - lo)


def _sample(n: int, limit: int | None, seed: int) -> np.ndarray | None:
    """Indices (sorted) of the hits kept out of n, or None for all of them."""
    if limit is not None and n > int(limit):
        return np.sort(np.random.default_rng(seed).choice(n, size=int(limit), replace=False))
    return None


def _check_limit(limit: int | None, seed: int = 0) -> None:
    if limit is not None and int(limit) < 1:
        raise QueryError("The number of occurrences to show must be at least 1.")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise QueryError(f"The sampling seed must be a whole number of at least 0, not {seed!r}.")


def occurrences(store, corpus: str, word: str, match: str = "form", case: bool = False,
                limit: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Every occurrence of `word` in `corpus` (a sample of `limit` of them), one KWIC row each."""
    _check_limit(limit, seed)
    type_ids = matching_type_ids(store, corpus, word, match=match, case=case)
    with store.reader(corpus) as reader:
        meta_keys = reader.meta_keys
        hits = reader.postings(type_ids)
        total = len(hits)
        hits = hits[np.lexsort((hits[:, 1], hits[:, 0]))]
        keep = _sample(total, limit, seed)
        if keep is not None:
            hits = hits[keep]
        sents = reader.sentences_by_id(sorted({int(s) for s in hits[:, 0]}))
        metas = reader.documents_meta(sorted({v[0] for v in sents.values()}))
        wanted: dict[int, set[int]] = {}
        for doc, sent_no, *_ in sents.values():
            wanted.setdefault(doc, set()).update(range(max(0, sent_no - WIDE_SPAN), sent_no + WIDE_SPAN + 1))
        near = reader.sentence_tokens(wanted)
    parsed: dict[int, tuple] = {}
    found = []
    for sid, pos in hits.tolist():
        if sid not in parsed:
            doc, sent_no, text, toks, offs = sents[sid]
            parsed[sid] = (doc, sent_no, text, json.loads(toks), json.loads(offs), _wide(near[doc], sent_no))
        found.append((sid, pos, *parsed[sid]))
    return _frame(corpus, word, match, meta_keys, metas, found, total)


def _frame(corpus: str, word: str, match: str, meta_keys: list[str], metas: dict[int, dict],
           found: list[tuple], total: int) -> pd.DataFrame:
    """The KWIC frame of hits (sent_id, pos, doc, sent_no, text, tokens, offsets, wide tokens), in corpus order."""
    meta_cols = {k: (f"meta_{k}" if k in BASE_COLUMNS or k == "gold_sense" else k) for k in meta_keys}
    gold = "sense" in meta_keys and "position" in meta_keys
    rows = []
    for sid, pos, doc, sent_no, text, toks, offs, wide in found:
        start = offs[pos]
        end = start + len(toks[pos])
        meta = metas.get(doc, {})
        row = {"corpus": corpus, "doc": doc, "sent_id": sid, "token_index": pos, "left": text[:start],
               "keyword": text[start:end], "right": text[end:], "tokens": toks, "sentence": text}
        for k, col in meta_cols.items():
            row[col] = meta.get(k, "")
        if gold:
            p = meta.get("position")
            row["gold_sense"] = meta.get("sense", "") if sent_no == 0 and p is not None and int(p) == pos else ""
        row[WIDE_COLUMN] = wide
        rows.append(row)
    columns = [*BASE_COLUMNS, *meta_cols.values(), *(["gold_sense"] if gold else []), WIDE_COLUMN]
    df = pd.DataFrame(rows, columns=columns)
    if any(sid is None for sid, *_ in found):
        df["sent_id"] = df["sent_id"].astype("Int64")  # <NA>: not indexed yet
    df.attrs["total"] = int(total)
    df.attrs["corpus"] = corpus
    df.attrs["word"] = word
    df.attrs["match"] = match
    return df


def scan_occurrences(documents, corpus: str, word: str, match: str = "form", case: bool = False,
                     limit: int | None = None, seed: int = 0) -> pd.DataFrame:
    """occurrences() without an index: the documents (corpora.builtin.Document, in corpus order) are read
    directly, and only those whose text holds the word (as a substring, any capitalisation) are tokenised,
    with the store's own tokenisation. The rows, their order and the sample are those occurrences() gives
    once the documents are stored as `corpus`, except sent_id (a store id), which is <NA>; attrs["source"]
    is "scan". For the first view of a built-in corpus while its index is built. Match modes "form" and
    "lemma" only; raises WordNotFoundError (without suggestions: they need the index) when nothing matches."""
    _check_limit(limit, seed)
    word = _check_word(word, match)
    if match == "regex":
        raise QueryError("A regular-expression search needs the corpus index.")
    forms = lemma_forms(word) if match == "lemma" else {word if case else word.lower()}

    def hit(token: str) -> bool:
        return (token if match == "form" and case else token.lower()) in forms

    needles = sorted({f.lower() for f in forms})
    meta_keys: dict[str, None] = {}
    picked = []
    for di, d in enumerate(documents):
        for k in d.meta:
            meta_keys.setdefault(str(k), None)
        text = d.text.lower()
        if any(n in text for n in needles):
            picked.append(di)
    found = []
    doc_sentences: dict[int, dict[int, list[str]]] = {}  # the picked documents' sentences, for _wide
    for di, sents in zip(picked, document_sentences([documents[i] for i in picked]), strict=True):
        doc_sentences[di] = {n: toks for n, (_, toks, _) in enumerate(sents)}
        for sent_no, (text, toks, offs) in enumerate(sents):
            found.extend((None, pos, di, sent_no, text, toks, offs) for pos, t in enumerate(toks) if hit(t))
    if not found:
        raise WordNotFoundError(_not_found(word, corpus, match, case), [])
    total = len(found)
    keep = _sample(total, limit, seed)
    if keep is not None:
        found = [found[i] for i in keep.tolist()]
    found = [(*f, _wide(doc_sentences[f[2]], f[3])) for f in found]  # only for the rows kept
    metas = {di: json.loads(json.dumps(str_keys(documents[di].meta), ensure_ascii=False, default=str))  # as stored
             for di in sorted({f[2] for f in found})}
    df = _frame(corpus, word, match, list(meta_keys), metas, found, total)
    df.attrs["source"] = "scan"
    return df


def kwic_lines(df: pd.DataFrame, width: int = 40) -> list[str]:
    """Plain-text concordance lines: right-aligned left context, [keyword], right context."""
    out = []
    for left, kw, right in zip(df["left"], df["keyword"], df["right"], strict=True):
        lc = " ".join(left.split())[-width:]
        rc = " ".join(right.split())[:width]
        out.append(f"{lc:>{width}} [{kw}] {rc}")
    return out


def rows_key(occ: pd.DataFrame) -> str:
    """A digest of the occurrences' sentences and target positions (what a biLM pass over them depends on)."""
    import hashlib

    return hashlib.sha1(json.dumps([list(occ["token_index"].astype(int)), [list(t) for t in occ["tokens"]]],
                                   ensure_ascii=False).encode("utf-8")).hexdigest()
