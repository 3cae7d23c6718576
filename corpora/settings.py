"""Every environment variable the project reads (SENSE_EXPLORER_*), in one place.

Each is read when asked for (not at import), so a test may set one with monkeypatch. corpora is the bottom
layer (it imports neither torch nor elmo, senses or pages), so every part of the project may import this.

    SENSE_EXPLORER_DATA              the data folder: corpus store, uploaded models (data_dir)
    SENSE_EXPLORER_MODEL             a model directory to use instead of the bundled one (model_dir)
    SENSE_EXPLORER_MODELS            a folder whose sub-directories are model directories (models_dir)
    SENSE_EXPLORER_BACKGROUND_INDEX  "0": built-in corpora are indexed in the page, not in the background
    SENSE_EXPLORER_WARM_UMAP         "0": no background UMAP compilation when the app starts
    SENSE_EXPLORER_TOKENISE_WORKER   "0": never a second process to tokenise a large corpus
    SENSE_EXPLORER_DEBUG             set: the command line logs the traceback of an unexpected error
    OMP_NUM_THREADS                  the threads torch may use (torch_threads; default 1)
    NLTK_DATA                        folders searched first for NLTK's corpora (nltk_data_dirs)
    NUMBA_CACHE_DIR                  where numba keeps compiled functions (set by keep_numba_cache if unset)
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "SENSE_EXPLORER_DATA"
MODEL_ENV = "SENSE_EXPLORER_MODEL"
MODELS_ENV = "SENSE_EXPLORER_MODELS"
BACKGROUND_INDEX_ENV = "SENSE_EXPLORER_BACKGROUND_INDEX"
WARM_UMAP_ENV = "SENSE_EXPLORER_WARM_UMAP"
TOKENISE_WORKER_ENV = "SENSE_EXPLORER_TOKENISE_WORKER"
DEBUG_ENV = "SENSE_EXPLORER_DEBUG"


def _switch(name: str) -> bool:
    """A switch that is on unless set to "0"."""
    return os.environ.get(name, "1") != "0"


def data_dir() -> Path:
    """$SENSE_EXPLORER_DATA, else $XDG_DATA_HOME/sense-explorer, else ~/.local/share/sense-explorer."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "sense-explorer"


def model_dir() -> Path | None:
    """$SENSE_EXPLORER_MODEL as a path, None when unset or empty (callers check that it holds a model)."""
    env = os.environ.get(MODEL_ENV)
    return Path(env) if env else None


def models_dir() -> Path | None:
    """$SENSE_EXPLORER_MODELS as a path, None when unset or empty."""
    env = os.environ.get(MODELS_ENV)
    return Path(env) if env else None


def background_index() -> bool:
    """Whether built-in corpora are indexed by a background process (default on)."""
    return _switch(BACKGROUND_INDEX_ENV)


def warm_umap() -> bool:
    """Whether the app compiles UMAP in the background when it starts (default on)."""
    return _switch(WARM_UMAP_ENV)


def tokenise_worker() -> bool:
    """Whether a large corpus may be tokenised with a second (worker) process (default on)."""
    return _switch(TOKENISE_WORKER_ENV)


def debug() -> bool:
    """Whether $SENSE_EXPLORER_DEBUG is set to anything non-empty."""
    return bool(os.environ.get(DEBUG_ENV))


def torch_threads() -> int:
    """$OMP_NUM_THREADS as a whole number >= 1; 1 when unset or not a number (two torch processes with
    two threads each on two cores run ~30x slower: one thread is the safe default)."""
    threads = os.environ.get("OMP_NUM_THREADS", "")
    return max(1, int(threads)) if threads.isdigit() else 1


def nltk_data_dirs() -> list[str]:
    """The folders of $NLTK_DATA, in order (none when unset)."""
    return [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]


def keep_numba_cache(beside: Path | None) -> None:
    """Let numba keep its compiled functions: in `beside` (numba's default, the package's own folder) when
    that folder is writable, else in the data folder. $NUMBA_CACHE_DIR, when set, wins. Call before numba
    is imported."""
    if "NUMBA_CACHE_DIR" not in os.environ and (beside is None or not os.access(beside, os.W_OK)):
        os.environ["NUMBA_CACHE_DIR"] = str(data_dir() / "numba-cache")
