"""Contextual word-sense explorer: streamlit run app.py

Pages: Sense explorer (default), Corpora, Static vs contextual and Model.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from corpora.builtin import WIKI_CREDIT

HERE = Path(__file__).parent
PAGES = HERE / "pages"

st.set_page_config(page_title="Sense explorer", page_icon=":material/scatter_plot:", layout="wide")

pages = [
    st.Page(PAGES / "explorer.py", title="Sense explorer", icon=":material/scatter_plot:", default=True, url_path="explorer"),
    st.Page(PAGES / "corpora_page.py", title="Corpora", icon=":material/library_books:", url_path="corpora"),
    st.Page(PAGES / "static.py", title="Static vs contextual", icon=":material/compare_arrows:", url_path="static"),
    st.Page(PAGES / "model.py", title="Model", icon=":material/memory:", url_path="model"),
]

page = st.navigation(pages)
st.sidebar.caption(f"Default corpus: {WIKI_CREDIT}.")
page.run()
