"""The corpus store of every page, and the built-in corpora being indexed in the background."""

from __future__ import annotations

import streamlit as st

from corpora import builder, builtin, settings


@st.cache_resource(show_spinner=False)
def get_store():
    from corpora.store import Store

    return Store()


def corpus_names() -> list[str]:
    """Corpora the user can pick: the default first, then built-in and uploaded ones."""
    names = builtin.builtin_names()
    for n in get_store().corpus_names():
        if n not in names:
            names.append(n)
    return names


def index_in_background(name: str):
    """The running background build (corpora.builder.Build) of built-in corpus `name`, started here if need
    be; None when the corpus is indexed, is not built-in, or background builds are off."""
    store = get_store()
    if not settings.background_index() or store.read_only or name not in builtin.BUILTIN_NAMES or name in store.corpus_names():
        return None
    build = builder.start(store.path, name)
    return build if build.running() else None


def indexing_now() -> list:
    """The built-in corpora being indexed in the background now (corpora.builder.Build: name, fraction)."""
    path = get_store().path
    return [b for b in (builder.get(path, n) for n in builtin.BUILTIN_NAMES) if b is not None and b.running()]


@st.cache_resource(show_spinner=False, max_entries=2)
def scan_documents(name: str) -> list:
    """A built-in corpus's documents, read while its index is built (scan_occurrences reads them)."""
    return list(builtin.builtin_documents(name))
