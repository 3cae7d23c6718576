"""The app's pages (listed by app.py's st.navigation) and their shared Streamlit plumbing: models (the model
registry and the active model), store (the corpus store and indexing), cache (the cached explorer pipeline)
and widgets (export buttons, table columns, the UMAP warm-up)."""

import streamlit as st


def _leave_legacy_pages_mode() -> None:
    """A deep link (/model) as a fresh server's very first request runs that page alone, without app.py:
    streamlit treats a pages/ folder beside the main script as its legacy multipage mode until app.py
    calls st.navigation. Leave that mode and rerun, so that app.py draws the navigation and runs the page.
    Runs once, when a page first imports this package."""
    try:  # an internal streamlit class (1.67): without it, nothing to do
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return
    if getattr(PagesManager, "uses_pages_directory", False) and st.runtime.exists():
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_legacy_pages_mode()
