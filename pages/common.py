"""Shared app plumbing: cached store and models, model choice. Pages stay thin and call these."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from corpora.builtin import DEFAULT_CORPUS
from elmo.embedder import ELMo, bundled_model_dir

MODEL_ENV = "SENSE_EXPLORER_MODEL"  # a model directory to use instead of the bundled one (tests, users)
MODELS_ENV = "SENSE_EXPLORER_MODELS"  # extra folder whose sub-directories are model directories


def model_dirs() -> dict[str, Path]:
    """Model name -> directory: $SENSE_EXPLORER_MODEL first, then the bundled one, then $SENSE_EXPLORER_MODELS/*."""
    out: dict[str, Path] = {}
    env = os.environ.get(MODEL_ENV)
    if env and (Path(env) / "model.safetensors").is_file():
        out[Path(env).name] = Path(env)
    bundled = bundled_model_dir()
    if bundled is not None:
        out.setdefault("en (bundled)", bundled)
    extra = os.environ.get(MODELS_ENV)
    if extra and Path(extra).is_dir():
        for d in sorted(Path(extra).iterdir()):
            if (d / "model.safetensors").is_file():
                out.setdefault(d.name, d)
    return out


@st.cache_resource(show_spinner="Loading model…")
def load_model(path: str) -> ELMo:
    import torch

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    return ELMo.load(path)


def get_model(name: str | None = None) -> ELMo | None:
    """The chosen (default: first) model, or None after showing a clear message."""
    dirs = model_dirs()
    if not dirs:
        st.error("No model found: the bundled English model (elmo/models/en) is missing and "
                 f"{MODEL_ENV} is not set to a model directory.")
        return None
    name = name if name in dirs else next(iter(dirs))
    try:
        return load_model(str(dirs[name]))
    except (OSError, ValueError) as e:
        st.error(f"The model {name} could not be loaded: {e}")
        return None


@st.cache_resource(show_spinner=False)
def get_store():
    from corpora.store import Store

    return Store()


def corpus_names() -> list[str]:
    """Corpora the user can pick: the default first, then built-in and uploaded ones."""
    from corpora.builtin import builtin_names

    names = builtin_names()
    for n in get_store().corpus_names():
        if n not in names:
            names.append(n)
    return names


def ensure_corpus(name: str) -> None:
    """Index a built-in corpus on first use, with a progress bar."""
    store = get_store()
    if name in store.corpus_names():
        return
    bar = st.progress(0.0, text=f"Indexing {name} (once)…")
    store.ensure_builtin(name, progress=lambda f, msg="": bar.progress(min(max(f, 0.0), 1.0), text=msg or None))
    bar.empty()


__all__ = ["DEFAULT_CORPUS", "corpus_names", "ensure_corpus", "get_model", "get_store", "model_dirs"]
