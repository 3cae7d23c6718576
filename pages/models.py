"""The model registry and the active model, shared by every page.

The active model is one name in st.session_state[ACTIVE_MODEL]; model_select() draws a selectbox bound to it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from corpora import settings
from corpora.errors import escape_markdown
from elmo.embedder import ELMo, bundled_model_dir

ACTIVE_MODEL = "active_model"  # session_state: the name (from model_dirs()) every page uses


def uploaded_models_dir() -> Path:
    """Where models uploaded on the Model page are kept (as safetensors directories), beside the store."""
    return settings.data_dir() / "models"


def model_dirs() -> dict[str, Path]:
    """Model name -> directory: $SENSE_EXPLORER_MODEL, the bundled one, $SENSE_EXPLORER_MODELS/*, uploaded ones."""
    out: dict[str, Path] = {}
    env = settings.model_dir()
    if env and (env / "model.safetensors").is_file():
        out[env.name] = env
    bundled = bundled_model_dir()
    if bundled is not None:
        out.setdefault("en (bundled)", bundled)
    for folder in (settings.models_dir(), uploaded_models_dir()):
        if folder and Path(folder).is_dir():
            for d in sorted(Path(folder).iterdir()):
                if (d / "model.safetensors").is_file():
                    out.setdefault(d.name, d)
    return out


@st.cache_resource(show_spinner="Loading model…")
def load_model(path: str) -> ELMo:
    import torch

    # one thread unless OMP_NUM_THREADS says otherwise: with two, any other load on the machine (the
    # browser, the UMAP warm-up) made embedding 300 sentences take 20-30 s instead of 0.7 s (OpenMP waits)
    torch.set_num_threads(settings.torch_threads())
    from corpora.search import lemma_forms

    return ELMo.load(path, word_forms=lemma_forms)  # a word's own forms are never its substitutes


def named_model(name: str) -> ELMo:
    """The cached model of a name from model_dirs() (the cached pipeline's key)."""
    return load_model(str(model_dirs()[name]))


def get_model(name: str | None = None) -> ELMo | None:
    """The chosen (default: first) model, or None after showing a clear message."""
    dirs = model_dirs()
    if not dirs:
        st.error("No model found: the bundled English model (elmo/models/en) is missing and "
                 f"{settings.MODEL_ENV} is not set to a model directory.")
        return None
    name = name if name in dirs else next(iter(dirs))
    try:
        return load_model(str(dirs[name]))
    except (OSError, ValueError, RuntimeError, KeyError) as e:
        st.error(f"The model {escape_markdown(name)} could not be loaded: {escape_markdown(e)}")
        return None


def active_model_name() -> str | None:
    """The session's active model: the one chosen on any page, else the first of model_dirs()."""
    dirs = model_dirs()
    name = st.session_state.get(ACTIVE_MODEL)
    return name if name in dirs else next(iter(dirs), None)


def set_active_model(name: str) -> None:
    st.session_state[ACTIVE_MODEL] = name


def _copy_choice(widget_key: str) -> None:
    set_active_model(st.session_state[widget_key])


def model_select(label: str, key: str, where=None, **kwargs) -> str | None:
    """A selectbox (in `where`, default the page) bound to the active model; returns the active name."""
    names = list(model_dirs())
    if not names:
        return None
    st.session_state[key] = active_model_name()  # the widget mirrors the shared choice
    (where or st).selectbox(label, names, key=key, on_change=_copy_choice, args=(key,), **kwargs)
    return active_model_name()


def session_model() -> tuple[str, ELMo | None]:
    """(cache key: the model directory, model) of the active model; ("none", None) after a message."""
    name = active_model_name()
    model = get_model(name)
    return (str(model_dirs()[name]) if model is not None else "none"), model
