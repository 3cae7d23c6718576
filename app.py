"""Contextual word-sense explorer: streamlit run app.py

Pages: Sense explorer (default), Corpora, Static vs contextual and Model.
Every page runs inside one error boundary: an expected error (bad input: corpora.errors.CorpusError,
elmo.io.ModelFileError) becomes its message; anything else a short message plus a line in the server log.
No page shows a Python traceback.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import streamlit as st

from corpora.builtin import DEFAULT_CORPUS, WIKI_CREDIT
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


def start_default_index() -> None:
    """On a fresh install, the default corpus starts being indexed (in a background process, once) before
    the page imports its libraries; the page reads its text directly until the index is ready."""
    from corpora import builder

    try:
        builder.start_if_missing(DEFAULT_CORPUS)
    except (CorpusError, OSError) as e:  # the page says what is wrong with the store
        log.warning("the default corpus could not be indexed in the background: %s", e)


start_default_index()
# an emoji icon is drawn by the browser (a Material icon is fetched from fonts.gstatic.com)
st.set_page_config(page_title="Sense explorer", page_icon="🔎", layout="wide")
pages = [
    st.Page(PAGES / "explorer.py", title="Sense explorer", icon=":material/scatter_plot:", default=True,
            url_path="explorer"),
    st.Page(PAGES / "corpora.py", title="Corpora", icon=":material/library_books:", url_path="corpora"),
    st.Page(PAGES / "static.py", title="Static vs contextual", icon=":material/compare_arrows:", url_path="static"),
    st.Page(PAGES / "model.py", title="Model", icon=":material/memory:", url_path="model"),
]


@st.cache_resource(show_spinner=False)
def _process_state() -> dict:
    return {"first_run_done": False}


def run_first_page(page) -> None:
    """The server's first page run imports torch, scikit-learn and spaCy: Python's cyclic garbage collector is
    off meanwhile (its passes over the growing heap took ~0.6 s of 2.5 s), then everything that exists is
    frozen (gc.freeze), so that the full collection streamlit runs after each page run no longer walks the
    libraries' objects (0.2-0.7 s per run before)."""
    state = _process_state()
    if state["first_run_done"]:
        run_page(page)
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        run_page(page)
    finally:
        state["first_run_done"] = True
        gc.freeze()
        if was_enabled:
            gc.enable()


page = st.navigation(pages)
st.sidebar.caption(f"Default corpus: {WIKI_CREDIT}.")
run_first_page(page)
