"""The Corpora page's chart of a word's frequency by a metadata column (corpora.store.Store.frequency_by_meta).
Every text from the corpus (values, column name, word) is escaped for HTML: plotly renders labels as HTML.
Plain pandas and plotly; no streamlit here."""

from __future__ import annotations

import html

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go


def frequency_figure(freq: pd.DataFrame, word: str, column: str) -> go.Figure:
    """Bar chart of a frequency_by_meta frame (metadata value on x, per million on y); every text escaped."""
    col = column if column in freq.columns else f"meta_{column}"
    ys = [c for c in ("per_million", "count") if c in freq.columns]
    f = pd.DataFrame({"value": freq[col].map(lambda v: html.escape(str(v))), **{c: freq[c] for c in freq.columns
                                                                                if c != col}})
    fig = px.bar(f, x="value", y=ys[0], hover_data=[c for c in f.columns if c not in ("value", ys[0])],
                 labels={"value": html.escape(column), "per_million": "per million tokens"},
                 title=html.escape(f"“{word}” by {column}"))
    fig.update_xaxes(type="category")
    fig.update_layout(height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig
