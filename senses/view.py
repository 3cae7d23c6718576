"""The Sense explorer's view as one value (ViewConfig): what its link and its exports hold.

    view, ignored = ViewConfig.from_query({"corpus": "wiki", "word": "bank", "k": "2"})
    view.to_query()       # {"corpus": "wiki", "word": "bank", "match": "lemma", ..., "k": "2", ...}
    read_view("bank_occurrences.csv") == view   # an export's "view" column read back

Link parameters (names and accepted values): corpus, word, match (lemma, form), limit (a whole number,
clamped to 1..5000), layer (0, 1, 2, mix), k (auto, 1..8), proj (PCA, UMAP, t-SNE), rep (a representation
the page offers), w (3 mix weights, each clamped to -3..3 in 0.25 steps), color (checked by the page against
the frame's colour columns) and the comparison: cmp (none, corpus, split), cmp_corpus, cmp_col, cmp_val,
cmp_vs (empty: the rest) and cmp_sense (1: coloured by sense). An export's view adds model (the model's
name) and cmp_num (1: a split before / from a number), which the page takes from its own state.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from corpora.builtin import DEFAULT_CORPUS
from corpora.search import SAMPLE_LIMIT

from . import measured, represent, shift
from .cluster import PROJECTIONS
from .explore import DEFAULT_REPRESENTATION, MIX, VIEW_COLUMN, layer_label, uses_layers

# gold words the default corpus uses in two senses and the default view separates best (senses.measured)
EXAMPLES = measured.example_words()
DEFAULT_WORD = EXAMPLES[0]
# representations offered on the page (senses.represent.REPRESENTATIONS; the benchmark compares them all)
REPRESENTATIONS = (DEFAULT_REPRESENTATION, represent.SUBSTITUTES_CONTEXT_VECTORS,
                   represent.SUBSTITUTES_CONTEXT_VECTORS_FORM_CENTRED, represent.LAYER_VECTORS)
MATCHES = ("lemma", "form")
K_CHOICES = ("auto", 1, 2, 3, 4, 5, 6, 7, 8)
N_WEIGHTS = 3
MAX_LIMIT = 5000
NO_CORPUS = "no such corpus"  # why a link's corpus is ignored (the page checks it against the store)

# the comparison: nothing, another corpus, or a split of this one by a metadata column
NONE, CORPUS, SPLIT = "none", "corpus", "split"
MODES = (NONE, CORPUS, SPLIT)
REST = ""  # the "against" choice that means: the rest of the corpus


def parse_weights(v: str) -> tuple[float, ...] | None:
    """N_WEIGHTS finite numbers, each clamped to -3..3 and rounded to the sliders' 0.25 steps; else None."""
    w = [float(x) for x in v.split(",")]
    if len(w) != N_WEIGHTS or not all(math.isfinite(x) for x in w):
        return None
    return tuple(round(max(-3.0, min(3.0, x)) * 4) / 4 for x in w)


# query parameter -> parser (None or an error: the parameter is ignored)
PARSERS: dict[str, Callable[[str], object]] = {
    "corpus": str,
    "word": str,
    "match": lambda v: v if v in MATCHES else None,
    "limit": lambda v: max(1, min(MAX_LIMIT, int(v))),
    "layer": lambda v: MIX if v in ("mix", "scalar mix") else int(v) if v in ("0", "1", "2") else None,
    "k": lambda v: "auto" if v == "auto" else int(v) if v.isdigit() and 1 <= int(v) <= 8 else None,
    "proj": lambda v: v if v in PROJECTIONS else None,
    "color": str,  # checked against the frame's colour columns once it is loaded
    "w": parse_weights,
    "rep": lambda v: v if v in REPRESENTATIONS else None,
    "cmp": lambda v: v if v in MODES else None,
    "cmp_corpus": str,
    "cmp_col": str,
    "cmp_val": str,
    "cmp_vs": str,
    "cmp_sense": lambda v: v == "1",
}
# what a valid value of each parameter is, for the line naming the ignored ones
EXPECTED = {"match": "lemma or form", "limit": "a whole number", "layer": "0, 1, 2 or mix", "k": "auto or 1 to 8",
            "proj": " or ".join(PROJECTIONS), "w": f"{N_WEIGHTS} finite numbers", "rep": " or ".join(REPRESENTATIONS),
            "cmp": "none, corpus or split"}
DEFAULTS: dict[str, object] = {
    "corpus": DEFAULT_CORPUS, "word": DEFAULT_WORD, "match": "lemma", "limit": SAMPLE_LIMIT, "layer": MIX,
    "k": "auto", "proj": "PCA", "color": "cluster", "w": (0.0,) * N_WEIGHTS, "rep": DEFAULT_REPRESENTATION,
    "cmp": NONE, "cmp_corpus": "", "cmp_col": "", "cmp_val": "", "cmp_vs": REST, "cmp_sense": False}
COMPARE_PARAMS = ("cmp", "cmp_corpus", "cmp_col", "cmp_val", "cmp_vs", "cmp_sense")


@dataclass(frozen=True)
class Spec:
    """What the word is compared with: another corpus, or a split (column, value, against) of this one."""

    mode: str
    corpus: str = ""  # the second corpus
    column: str = ""
    value: str = ""
    vs: str = REST  # the other side's value; REST: the rest ("" is never offered as a value)
    numeric: bool = False  # a split before / from a number
    by_sense: bool = False  # the plot coloured by sense instead of by side (not part of the analysis)

    @property
    def key(self) -> tuple:
        return self.mode, self.corpus, self.column, self.value, self.vs, self.numeric

    def split(self) -> shift.Split:
        return shift.Split(self.column, self.value, self.vs or None, self.numeric)

    def pool(self, corpus: str, word: str, match: str, limit: int,
             occurrences: Callable[[str, str, str, int], tuple[pd.DataFrame, int]]) -> shift.Pooled:
        """Both sides' occurrences, evened out (senses.shift.pool / split_pool); `occurrences(corpus, word,
        match, limit)` -> (frame, total) searches a corpus."""
        if self.mode == CORPUS:
            a, total_a = occurrences(corpus, word, match, limit)
            b, total_b = occurrences(self.corpus, word, match, limit)
            return shift.pool(a, b, (corpus, self.corpus), limit, shift.SEED, (total_a, total_b), word=word)
        occ, _ = occurrences(corpus, word, match, max(limit, shift.SPLIT_SEARCH))
        return shift.split_pool(occ, self.split(), limit, shift.SEED)

    def to_query(self) -> dict[str, str]:
        """The link parameters in use (cmp_num, which the page reads from the column, left out)."""
        want = {"cmp": self.mode}
        if self.mode == CORPUS:
            want["cmp_corpus"] = self.corpus
        elif self.mode == SPLIT:
            want |= {"cmp_col": self.column, "cmp_val": self.value} | ({"cmp_vs": self.vs} if self.vs else {})
        if self.by_sense:
            want["cmp_sense"] = "1"
        return {} if want == {"cmp": NONE} else want


def parse_params(params: Mapping[str, str], defaults: Mapping[str, object] = DEFAULTS
                 ) -> tuple[dict[str, object], dict[str, tuple[str, object, str]]]:
    """Each parameter of `defaults`: its value in `params` when valid, else its default; and the ignored
    ones: name -> (the value given, the value used, why)."""
    values, ignored = {}, {}
    for name, default in defaults.items():
        values[name] = default
        if name not in params:
            continue
        try:
            parsed = PARSERS[name](params[name])
        except (TypeError, ValueError, OverflowError):
            parsed = None
        if parsed is None:
            ignored[name] = (str(params[name]), default, f"expected {EXPECTED[name]}")
        else:
            values[name] = parsed
    return values, ignored


def ignored_text(ignored: Mapping[str, tuple[str, object, str]]) -> str:
    """The line naming the ignored link parameters and what is used instead ("" for none)."""
    shown = []
    for name, (bad, used, why) in ignored.items():
        now = ", ".join(f"{v:g}" for v in used) if name == "w" else layer_label(used) if name == "layer" else used
        shown.append(f"{name}={bad[:30]} ({why}; {now} is used)")
    return f"Ignored in the link: {'; '.join(shown)}." if shown else ""


@dataclass(frozen=True)
class ViewConfig:
    """The Explorer's view: the search, the model, the representation and its clustering, the comparison."""

    corpus: str = DEFAULT_CORPUS
    word: str = DEFAULT_WORD
    match: str = "lemma"
    limit: int = SAMPLE_LIMIT
    model: str | None = None
    layer: int | str = MIX
    weights: tuple[float, ...] = ()  # the mix weights; () when the view does not use them
    projection: str = "PCA"
    k_choice: int | str = "auto"
    representation: str = DEFAULT_REPRESENTATION
    compare: Spec | None = None  # what the word is compared with (None: nothing)

    @property
    def search(self) -> tuple:
        return self.corpus, self.word, self.match, self.limit

    @property
    def k(self) -> int | None:
        return None if self.k_choice == "auto" else int(self.k_choice)

    @property
    def analysis(self) -> tuple:
        """The cached analysis' arguments: search, model, layer, weights, projection, k, representation."""
        return *self.search, self.model, self.layer, self.weights, self.projection, self.k, self.representation

    def to_query(self, full: bool = False) -> dict[str, str]:
        """The link parameters of the view; `full` adds those the page takes from its own state (model,
        cmp_num), as an export's view holds them."""
        want = {"corpus": self.corpus, "word": self.word, "match": self.match, "limit": str(self.limit),
                "layer": str(self.layer), "k": str(self.k_choice), "proj": self.projection, "rep": self.representation}
        if self.layer == MIX and self.weights:
            want["w"] = ",".join(f"{w:g}" for w in self.weights)
        want |= self.compare.to_query() if self.compare else {}
        if full and self.model:
            want["model"] = self.model
        if full and self.compare and self.compare.numeric:
            want["cmp_num"] = "1"
        return want

    def query_string(self) -> str:
        """The full query (to_query(full=True)) as one URL query string: what an export's view column holds."""
        return urlencode(self.to_query(full=True))

    @classmethod
    def from_values(cls, values: Mapping[str, object], model: str | None = None, numeric: bool = False) -> ViewConfig:
        """The view of parsed parameter values (parse_params); the mix weights kept only where they are used."""
        layer, rep = values["layer"], values["rep"]
        weights = tuple(values["w"]) if layer == MIX and uses_layers(rep) else ()
        spec = None
        if values["cmp"] == CORPUS:
            spec = Spec(CORPUS, corpus=values["cmp_corpus"], by_sense=values["cmp_sense"])
        elif values["cmp"] == SPLIT:
            spec = Spec(SPLIT, column=values["cmp_col"], value=values["cmp_val"],
                        vs=REST if numeric else values["cmp_vs"], numeric=numeric, by_sense=values["cmp_sense"])
        return cls(values["corpus"], values["word"], values["match"], values["limit"], model, layer, weights,
                   values["proj"], values["k"], rep, spec)

    @classmethod
    def from_query(cls, params: Mapping[str, str], defaults: Mapping[str, object] = DEFAULTS
                   ) -> tuple[ViewConfig, dict[str, tuple[str, object, str]]]:
        """(the view, the ignored parameters: name -> (value given, value used, why)) of link parameters;
        the parameters `defaults` lacks take DEFAULTS."""
        values, ignored = parse_params(params, {**DEFAULTS, **defaults})
        view = cls.from_values(values, params.get("model") or None, params.get("cmp_num") == "1")
        return view, ignored


def read_view(source: str | Path | IO[bytes] | pd.DataFrame) -> ViewConfig:
    """The view an export (senses.explore.export_frame with its view) was made in: a frame, or a CSV or
    Parquet file (a path or a binary file). ValueError without a view column or with a bad view."""
    if isinstance(source, pd.DataFrame):
        frame = source
    else:
        data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
        buf = io.BytesIO(data)
        frame = (pd.read_parquet(buf, columns=[VIEW_COLUMN]) if data[:4] == b"PAR1"
                 else pd.read_csv(buf, usecols=[VIEW_COLUMN], dtype=str, keep_default_na=False))
    if VIEW_COLUMN not in frame.columns or not len(frame):
        raise ValueError(f"no {VIEW_COLUMN} column: not an export of the Sense explorer")
    view, ignored = ViewConfig.from_query(dict(parse_qsl(str(frame[VIEW_COLUMN].iloc[0]), keep_blank_values=True)))
    if ignored:
        raise ValueError(ignored_text(ignored))
    return view
