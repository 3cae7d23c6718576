"""Which metadata of an occurrence frame can colour a plot, and which go in the hover instead.

    colour_columns(occ)      # ["topic", "gold_sense"]: at most MAX_COLOURS distinct values (or numeric)
    hover_columns(occ)       # ["title", "description"]: the rest
    colour_values(occ, "gold_sense")   # labels for the legend ("" -> NOT_GOLD)

Senseval-style corpora carry the instance's sense and target position on every sentence of the
document; corpora.search turns them into `gold_sense`, set only on the target occurrence itself. The
raw `sense` / `position` columns would label other words' instances (HARD1, cord...), so they are
never offered. Plain pandas / plotly; no streamlit.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from .explore import cluster_label, meta_columns

MAX_COLOURS = 20  # more distinct values than this make an unreadable legend
BINS = 8  # ranges of a numeric column with more values than that, in the senses-by-metadata table
GOLD = "gold_sense"
GOLD_SOURCES = ("sense", "position")  # raw per-document fields behind gold_sense
NOT_GOLD = "(no gold label: an instance of another word)"
HOVER_CHARS = 60


def _metadata(frame: pd.DataFrame) -> list[str]:
    cols = meta_columns(frame)
    if GOLD in cols:
        cols = [c for c in cols if c not in GOLD_SOURCES]
    return cols


def _numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def colour_columns(frame: pd.DataFrame, max_values: int = MAX_COLOURS) -> list[str]:
    """Metadata with 2..max_values distinct values (a legend), or numeric (a colour scale)."""
    out = []
    for c in _metadata(frame):
        n = frame[c].astype("string").nunique(dropna=False)
        if n >= 2 and (n <= max_values or _numeric(frame[c])):
            out.append(c)
    return out


def hover_columns(frame: pd.DataFrame, max_values: int = MAX_COLOURS) -> list[str]:
    """Metadata that vary but are too many to colour by (titles, file names): shown on hover."""
    colour = set(colour_columns(frame, max_values))
    return [c for c in _metadata(frame) if c not in colour and frame[c].astype("string").nunique() >= 2]


def colour_values(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as legend labels: gold_sense's empty cells (other words' instances) say so."""
    if column == GOLD:
        return frame[column].astype("string").fillna("").replace("", NOT_GOLD)
    return frame[column]


def sense_table(frame: pd.DataFrame, column: str, names: dict[int, str] | None = None,
                max_values: int = MAX_COLOURS) -> pd.DataFrame | None:
    """Occurrences per sense cluster (rows, named) and value of a metadata column (columns), with totals;
    None when the column has more than max_values distinct values (a numeric scale, say)."""
    values = colour_values(frame, column)
    if _numeric(values) and values.nunique() > max_values:  # a year, say: ranges of equal width, in order
        values = _ranges(values, BINS)
    else:
        values = values.astype("string").fillna("(none)")
    if values.nunique() > max_values or not len(frame):
        return None
    senses = pd.Series([cluster_label(c, names) for c in frame["cluster"]], index=frame.index, name="sense")
    table = pd.crosstab(senses, values.rename(column))
    table = table.reindex([cluster_label(c, names) for c in sorted(frame["cluster"].unique())])
    total = "all"
    while total in table.columns or total in table.index:  # a value or a name may be "all" itself
        total = f"({total})"
    table[total] = table.sum(axis=1)
    table.loc[total] = table.sum(axis=0)
    return table


def _ranges(values: pd.Series, bins: int) -> pd.Series:
    """Numbers as ordered labels of `bins` ranges of equal width ("1789–1813", "1814–1838"; whole numbers
    get ranges that do not share an end), "(none)" for missing values."""
    cut = pd.cut(values, bins=bins)
    integral = bool((values.dropna() % 1 == 0).all())
    labels = {}
    for iv in cut.cat.categories:
        if integral:
            lo, hi = max(int(values.min()), math.floor(iv.left) + 1), math.floor(iv.right)
            labels[iv] = f"{lo}–{hi}"
        else:
            labels[iv] = f"{max(iv.left, values.min()):.3g}–{iv.right:.3g}"
    names = [*labels.values(), "(none)"]
    out = pd.Categorical([labels.get(v, "(none)") if pd.notna(v) else "(none)" for v in cut], categories=names,
                         ordered=True)
    return pd.Series(out, index=values.index).cat.remove_unused_categories()


def add_hover_fields(fig: go.Figure, frame: pd.DataFrame, columns: list[str]) -> go.Figure:
    """Append `column: value` lines to the hover of every trace whose customdata holds frame rows."""
    if not columns:
        return fig
    for trace in fig.data:
        rows = getattr(trace, "customdata", None)
        if rows is None or trace.hovertext is None:
            continue
        extra = []
        for r in rows:
            r = int(r[0] if isinstance(r, list | tuple) else r)
            extra.append("".join(f"<br>{html.escape(c)}: {html.escape(str(frame[c].iat[r])[:HOVER_CHARS])}"
                                 for c in columns))
        trace.hovertext = [f"{h}{e}" for h, e in zip(trace.hovertext, extra, strict=True)]
    return fig
