"""Contextual word-sense explorer: streamlit run app.py

Pages: Sense explorer (default), Corpora, Static vs contextual and Model.
Every page runs inside one error boundary: an expected error (bad input: corpora.errors.CorpusError,
elmo.io.ModelFileError) becomes its message; anything else a short message plus a line in the server log.
No page shows a Python traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from corpora.builtin import WIKI_CREDIT
from corpora.errors import CorpusError, escape_markdown

HERE = Path(__file__).parent
PAGES = HERE / "pages"
log = logging.getLogger("sense_explorer")


def expected_errors() -> tuple[type[BaseException], ...]:
    try:
        from elmo.io import ModelFileError
    except ImportError:  # elmo unusable: its errors cannot occur
        return (CorpusError,)
    return (CorpusError, ModelFileError)


def run_page(page) -> None:
    """page.run() inside the error boundary (st.stop / st.rerun pass through: they are BaseExceptions)."""
    try:
        page.run()
    except expected_errors() as e:
        st.error(escape_markdown(str(e) or type(e).__name__))
    except Exception as e:  # a bug: never a traceback on the page
        log.exception("unexpected error on page %s", getattr(page, "title", page))
        st.error(f"Something went wrong ({type(e).__name__}); the details are in the server log. "
                 "Try again, or change the input.")


st.set_page_config(page_title="Sense explorer", page_icon=":material/scatter_plot:", layout="wide")
pages = [
    st.Page(PAGES / "explorer.py", title="Sense explorer", icon=":material/scatter_plot:", default=True,
            url_path="explorer"),
    st.Page(PAGES / "corpora_page.py", title="Corpora", icon=":material/library_books:", url_path="corpora"),
    st.Page(PAGES / "static.py", title="Static vs contextual", icon=":material/compare_arrows:", url_path="static"),
    st.Page(PAGES / "model.py", title="Model", icon=":material/memory:", url_path="model"),
]

page = st.navigation(pages)
st.sidebar.caption(f"Default corpus: {WIKI_CREDIT}.")
run_page(page)
