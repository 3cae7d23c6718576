"""Contextual word-sense explorer: streamlit run app.py

Pages: Sense explorer (default), Corpora, and, when their files exist, Static vs contextual and Model.
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
]
optional = [("static.py", "Static vs contextual", ":material/compare_arrows:", "static"), ("model.py", "Model", ":material/memory:", "model")]
for file, title, icon, url in optional:
    if (PAGES / file).is_file():
        pages.append(st.Page(PAGES / file, title=title, icon=icon, url_path=url))

page = st.navigation(pages)
st.sidebar.caption(f"Default corpus: {WIKI_CREDIT}.")
page.run()
