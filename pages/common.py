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
    """Model name -> directory: $SENSE_EXPLORER_MODEL, the bundled one, $SENSE_EXPLORER_MODELS/*, uploaded ones."""
    out: dict[str, Path] = {}
    env = os.environ.get(MODEL_ENV)
    if env and (Path(env) / "model.safetensors").is_file():
        out[Path(env).name] = Path(env)
    bundled = bundled_model_dir()
    if bundled is not None:
        out.setdefault("en (bundled)", bundled)
    for folder in (os.environ.get(MODELS_ENV), uploaded_models_dir()):
        if folder and Path(folder).is_dir():
            for d in sorted(Path(folder).iterdir()):
                if (d / "model.safetensors").is_file():
                    out.setdefault(d.name, d)
    return out


def uploaded_models_dir() -> Path:
    """Where models uploaded on the Model page are kept (as safetensors directories), beside the store."""
    from corpora.store import default_data_dir

    return default_data_dir() / "models"


@st.cache_resource(show_spinner="Loading model…")
def load_model(path: str) -> ELMo:
    import torch

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    return ELMo.load(path)


def _named_model(name: str) -> ELMo:
    """The cached model of a name from model_dirs() (the cached pipeline's key)."""
    return load_model(str(model_dirs()[name]))


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
    except (OSError, ValueError, RuntimeError, KeyError) as e:
        st.error(f"The model {name} could not be loaded: {e}")
        return None


def session_model() -> tuple[str, ELMo | None]:
    """(cache key, model) of the session's active model: uploaded on the Model page, chosen there, or the default."""
    uploaded: dict[str, ELMo] = st.session_state.get("uploaded_models", {})
    name = st.session_state.get("active_model")
    if name in uploaded:
        return f"upload:{name}", uploaded[name]
    dirs = model_dirs()
    if name not in dirs:
        name = next(iter(dirs), None)
    model = get_model(name)
    return (str(dirs[name]) if name in dirs else "none"), model


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


# ---- cached explorer pipeline ---------------------------------------------------------------------
# Keyed by (corpus, word, match, limit, model): changing colour, layer, projection or k never re-embeds
# (all layers are embedded once and mixed afterwards). clear_corpus_caches() after a corpus changes.

SAMPLE_SEED = 0


@st.cache_data(max_entries=32, show_spinner="Searching the corpus…")
def cached_occurrences(corpus: str, word: str, match: str, limit: int | None):
    """(occurrence DataFrame, total hits before sampling); raises corpora.errors.CorpusError."""
    from corpora.search import occurrences

    occ = occurrences(get_store(), corpus, word, match=match, limit=limit, seed=SAMPLE_SEED)
    return occ, int(occ.attrs.get("total", len(occ)))


@st.cache_data(max_entries=16, show_spinner=False)
def cached_embeddings(corpus: str, word: str, match: str, limit: int | None, model_name: str):
    """(n, n_layers, 2P) vectors of the target token of every occurrence; a progress bar while embedding."""
    occ, _ = cached_occurrences(corpus, word, match, limit)
    model = _named_model(model_name)
    n = len(occ)
    bar = st.progress(0.0, text=f"Embedding {n} sentences with {model_name}…")
    layers = model.embed_targets(
        list(occ["tokens"]), [int(i) for i in occ["token_index"]], max_sentences=64,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done} / {total} sentences…"))
    bar.empty()
    return layers


@st.cache_data(max_entries=64, show_spinner="Projecting and clustering…")
def cached_analysis(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                    weights: tuple[float, ...], method: str, k: int | None):
    from senses.explore import analyse

    occ, _ = cached_occurrences(corpus, word, match, limit)
    layers = cached_embeddings(corpus, word, match, limit, model_name)
    return analyse(occ, layers, layer=layer, weights=list(weights), method=method, k=k)


@st.cache_data(max_entries=64, show_spinner="Naming the clusters…")
def cached_names(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                 weights: tuple[float, ...], method: str, k: int | None) -> dict:
    """Cluster -> senses.naming.ClusterName (substitutes from the LM head, distinctive context words)."""
    from senses.naming import name_clusters

    a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, method, k)
    model = _named_model(model_name)
    return name_clusters(a.frame, a.clustering.labels, model=model, word=word)


def clear_corpus_caches() -> None:
    """Forget searches and embeddings (after a corpus was added or removed)."""
    for f in (cached_occurrences, cached_embeddings, cached_analysis, cached_names):
        f.clear()


__all__ = ["DEFAULT_CORPUS", "cached_analysis", "cached_embeddings", "cached_names", "cached_occurrences",
           "clear_corpus_caches", "corpus_names", "ensure_corpus", "get_model", "get_store", "model_dirs"]
