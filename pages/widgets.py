"""Small widgets the pages share: export buttons, keyword-in-context columns, the UMAP warm-up switch."""

from __future__ import annotations

import streamlit as st

from corpora import settings
from senses.cluster import UmapWarmUp

TABLE_ROWS = 20  # rows of a sense's table shown before "Show all"
WARM_UMAP_IDLE_S = 8.0  # the warm-up waits for the page to be idle this long (it slows reruns while it runs)


@st.cache_resource(show_spinner=False)
def _umap_warm_up() -> UmapWarmUp | None:
    return UmapWarmUp(WARM_UMAP_IDLE_S) if settings.warm_umap() else None


def warm_umap(busy: bool) -> None:
    """Call with True when a page run starts and False when it ends: once the page has been idle for
    WARM_UMAP_IDLE_S, UMAP is compiled in the background, so that choosing UMAP later does not wait."""
    w = _umap_warm_up()
    if w is not None:
        w.touch(busy)


def export_buttons(key: str, make_frame, stem: str) -> None:
    """An "Export" heading with CSV and Parquet buttons for the frame `make_frame()` returns. The files are
    made when a button is clicked (not on every rerun), and a click does not rerun the page."""
    from senses import explore

    st.subheader("Export")
    c1, c2 = st.columns(2)
    c1.download_button("CSV", lambda: explore.to_csv(make_frame()), f"{stem}.csv", "text/csv",
                       key=f"{key}_csv", on_click="ignore")
    c2.download_button("Parquet", lambda: explore.to_parquet(make_frame()), f"{stem}.parquet",
                       "application/octet-stream", key=f"{key}_parquet", on_click="ignore")


def sense_rows(table, more_key: str, table_key: str) -> None:
    """A sense's keyword-in-context table: its first TABLE_ROWS rows, all of them once "Show all" is on."""
    n = len(table)
    show_all = n > TABLE_ROWS and st.toggle(f"Show all {n}", key=more_key)
    st.dataframe(table if show_all else table.head(TABLE_ROWS), hide_index=True, width="stretch", key=table_key,
                 column_config=kwic_columns(table.columns))


def kwic_columns(columns=()) -> dict:
    """Keyword in context: the left context right-aligned against the keyword. Fixed widths (metadata
    `columns` small), so that the table fits its box (a wide one stretches them); hover a cell to read it."""
    config = {c: st.column_config.Column(width="small") for c in columns}
    return config | {"left": st.column_config.TextColumn(width="medium", alignment="right"),
                     "keyword": st.column_config.TextColumn(width="small"),
                     "right": st.column_config.TextColumn(width="medium"),
                     "cluster_name": st.column_config.TextColumn("cluster", width="medium")}
