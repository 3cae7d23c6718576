"""Shared app plumbing: cached store and models, the one active model, the cached explorer pipeline.

Pages stay thin and call these. The active model is one name in st.session_state[ACTIVE_MODEL],
shared by every page (model_select() draws a selectbox bound to it).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import streamlit as st

from corpora import settings
from corpora.errors import CorpusError, escape_markdown
from elmo.embedder import ELMo, bundled_model_dir


def _numba_cache() -> None:
    """Let numba (under umap) keep its compiled functions: beside umap when that folder is writable
    (numba's default), else beside the store. Read once, when numba is first imported."""
    from importlib.util import find_spec

    spec = find_spec("umap")
    folder = Path(spec.origin).parent if spec and spec.origin else None
    if "NUMBA_CACHE_DIR" not in os.environ and (folder is None or not os.access(folder, os.W_OK)):
        os.environ["NUMBA_CACHE_DIR"] = str(settings.data_dir() / "numba-cache")


_numba_cache()


def _leave_legacy_pages_mode() -> None:
    """A deep link (/model) as a fresh server's very first request runs that page alone, without app.py:
    streamlit treats a pages/ folder beside the main script as its legacy multipage mode until app.py
    calls st.navigation. Leave that mode and rerun, so that app.py draws the navigation and runs the page.
    Runs once, when the first page of the process imports this module."""
    try:  # an internal streamlit class (1.67): without it, nothing to do
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return
    if getattr(PagesManager, "uses_pages_directory", False) and st.runtime.exists():
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_legacy_pages_mode()



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


def uploaded_models_dir() -> Path:
    """Where models uploaded on the Model page are kept (as safetensors directories), beside the store."""
    return settings.data_dir() / "models"


@st.cache_resource(show_spinner="Loading model…")
def load_model(path: str) -> ELMo:
    import torch

    # one thread unless OMP_NUM_THREADS says otherwise: with two, any other load on the machine (the
    # browser, the UMAP warm-up) made embedding 300 sentences take 20-30 s instead of 0.7 s (OpenMP waits)
    threads = os.environ.get("OMP_NUM_THREADS", "")
    torch.set_num_threads(max(1, int(threads)) if threads.isdigit() else 1)
    from corpora.search import lemma_forms

    return ELMo.load(path, word_forms=lemma_forms)  # a word's own forms are never its substitutes


def _named_model(name: str) -> ELMo:
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


ACTIVE_MODEL = "active_model"  # session_state: the name (from model_dirs()) every page uses


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
    """Index a built-in corpus on first use, with a progress bar: follows its background build when one
    runs (corpora.builder), else indexes it here."""
    store = get_store()
    if name in store.corpus_names():
        return
    from corpora import builder

    build = builder.get(store.path, name)
    if build is not None and build.running():
        bar = st.progress(0.0)
        while True:  # the same text from the first frame on
            bar.progress(min(max(build.fraction, 0.0), 1.0), text=f"First use of {name}: {build.message}")
            if build.wait(0.2):
                break
        bar.empty()
        index_finished(name)
        if name in store.corpus_names():
            return
    head = f"First use of {name}: building its search index (once)"
    bar = st.progress(0.0, text=f"{head}…")
    store.ensure_builtin(name, progress=lambda f, msg="": bar.progress(min(max(f, 0.0), 1.0),
                                                                       text=f"{head}: {msg}" if msg else None))
    bar.empty()


def index_in_background(name: str):
    """The running background build (corpora.builder.Build) of built-in corpus `name`, started here if need
    be; None when the corpus is indexed, is not built-in, or background builds are off."""
    from corpora import builder
    from corpora.builtin import BUILTIN_NAMES

    store = get_store()
    if not settings.background_index() or store.read_only or name not in BUILTIN_NAMES or name in store.corpus_names():
        return None
    build = builder.start(store.path, name)
    return build if build.running() else None


def indexing_now() -> list:
    """The built-in corpora being indexed in the background now (corpora.builder.Build: name, fraction)."""
    from corpora import builder
    from corpora.builtin import BUILTIN_NAMES

    path = get_store().path
    return [b for b in (builder.get(path, n) for n in BUILTIN_NAMES) if b is not None and b.running()]


def index_finished(name: str) -> None:
    """After the background build of `name` ended: forget what was found by reading its text (the frames
    without store ids), once. Embeddings are kept: they are keyed by the sentences themselves."""
    from corpora import builder

    build = builder.get(get_store().path, name)
    if build is not None and build.claim():
        for f in (cached_occurrences, cached_analysis, cached_names, cached_placement, _scan_documents):
            f.clear()


@st.cache_resource(show_spinner=False, max_entries=2)
def _scan_documents(name: str) -> list:
    """A built-in corpus's documents, read while its index is built (scan_occurrences reads them)."""
    from corpora.builtin import builtin_documents

    return list(builtin_documents(name))


def rows_key(occ) -> str:
    """A digest of the occurrences' sentences and target positions (what the biLM pass depends on)."""
    import hashlib
    import json

    return hashlib.sha1(json.dumps([list(occ["token_index"].astype(int)), [list(t) for t in occ["tokens"]]],
                                   ensure_ascii=False).encode("utf-8")).hexdigest()


# ---- cached explorer pipeline ---------------------------------------------------------------------
# Keyed by (corpus, word, match, limit, model): changing colour, layer, projection or k never re-embeds
# (all layers are embedded once and mixed afterwards). clear_corpus_caches() after a corpus changes.

SAMPLE_SEED = 0


@st.cache_data(max_entries=32, show_spinner="Searching the corpus…")
def cached_occurrences(corpus: str, word: str, match: str, limit: int | None):
    """(occurrence DataFrame, total hits before sampling); raises corpora.errors.CorpusError. A built-in
    corpus being indexed in the background is read directly (corpora.search.scan_occurrences: the same
    rows, sent_id <NA>, attrs["source"] "scan"); attrs["rows"] is rows_key()."""
    from corpora.search import occurrences, scan_occurrences

    if index_in_background(corpus) is not None and match in ("form", "lemma"):
        occ = scan_occurrences(_scan_documents(corpus), corpus, word, match=match, limit=limit, seed=SAMPLE_SEED)
    else:
        occ = occurrences(get_store(), corpus, word, match=match, limit=limit, seed=SAMPLE_SEED)
    occ.attrs["rows"] = rows_key(occ)
    return occ, int(occ.attrs.get("total", len(occ)))


@st.cache_data(max_entries=16, show_spinner=False)
def cached_embeddings(corpus: str, word: str, match: str, limit: int | None, model_name: str, rows: str):
    """((n, n_layers, 2P) vectors of every occurrence's target token, its LM substitutes or None), from one
    batched biLM pass (senses.explore.embed_occurrences); a progress bar while embedding. `rows`: the
    occurrences' rows_key, so that the same sentences found by scanning and by the index share a pass."""
    from senses.explore import embed_occurrences

    occ, _ = cached_occurrences(corpus, word, match, limit)
    if occ.attrs["rows"] != rows:  # cleared and found again in between (its index was just finished)
        raise RuntimeError("the occurrences changed while they were embedded (the corpus index was just "
                           "finished); please run again")
    model = _named_model(model_name)
    n = len(occ)
    bar = st.progress(0.0, text=f"Embedding {n} sentences with {escape_markdown(model_name)}…")
    out = embed_occurrences(
        model, occ,
        progress=lambda done, total: bar.progress(done / max(total, 1), text=f"Embedding {done} / {total} sentences…"))
    bar.empty()
    return out


@st.cache_data(max_entries=64, show_spinner="Projecting and clustering…")
def cached_analysis(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                    weights: tuple[float, ...], method: str, k: int | None, representation: str):
    from senses.explore import analyse

    occ, _ = cached_occurrences(corpus, word, match, limit)
    layers, substitutes = cached_embeddings(corpus, word, match, limit, model_name, occ.attrs["rows"])
    return analyse(occ, layers, layer=layer, weights=list(weights), method=method, k=k,
                   representation=representation, substitutes=substitutes)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_placement(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                     weights: tuple[float, ...], method: str, k: int | None, representation: str,
                     tokens: tuple[str, ...], index: int) -> dict:
    """A typed sentence placed on a view's plot (senses.explore.place_tokens): one biLM pass per sentence
    and view, not one per page rerun."""
    from senses.explore import place_tokens

    a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, method, k, representation)
    return place_tokens(a, _named_model(model_name), list(tokens), index)


@st.cache_data(max_entries=64, show_spinner="Naming the clusters…")
def cached_names(corpus: str, word: str, match: str, limit: int | None, model_name: str, layer,
                 weights: tuple[float, ...], method: str, k: int | None, representation: str) -> dict:
    """Cluster -> senses.naming.ClusterName (substitutes from the LM head, distinctive context words)."""
    from senses.explore import name_senses

    a = cached_analysis(corpus, word, match, limit, model_name, layer, weights, method, k, representation)
    return name_senses(a, model=_named_model(model_name), word=word)


@st.cache_resource(show_spinner=False)
def _names_seen() -> dict:
    return {}


def known_names(rows: str, *view) -> dict[int, str] | None:
    """Cluster -> automatic name of a view (its occurrences' rows_key, cached_names' arguments) once named,
    else None (no work)."""
    return _names_seen().get((rows, view))


def name_view(rows: str, *view) -> dict[int, str]:
    """Name the clusters of a view (rows_key, cached_names' arguments); remember the labels for known_names()."""
    labels = {c: n.label for c, n in cached_names(*view).items()}
    seen = _names_seen()
    if len(seen) > 256:
        seen.clear()
    seen[(rows, view)] = labels
    return labels


FREQUENT_MAX = 20  # frequent words kept per corpus (the pages ask for 1, 8 or 20)


def frequent_words(corpus: str, n: int = 8) -> list[str]:
    """The corpus's n (<= FREQUENT_MAX) most frequent content words (senses.naming.frequent_content_words); []
    while it is not indexed (that answer is not cached)."""
    try:
        return _frequent_words(corpus)[:n]
    except CorpusError:  # unknown (not indexed yet) or unreadable
        return []


@st.cache_data(max_entries=32, show_spinner=False)
def _frequent_words(corpus: str) -> list[str]:
    """One read of the corpus's type counts for every length asked."""
    from senses.naming import frequent_content_words

    return frequent_content_words(get_store().types(corpus), FREQUENT_MAX)


def clear_corpus_caches() -> None:
    """Forget searches, embeddings, names and word lists (after a corpus was added or removed)."""
    for f in (cached_occurrences, cached_embeddings, cached_analysis, cached_names, cached_placement, _frequent_words):
        f.clear()
    _names_seen().clear()



WARM_UMAP_IDLE_S = 8.0  # the warm-up waits for the page to be idle this long (it slows reruns while it runs)


class _UmapWarmUp:
    """Compiles UMAP's numba functions (~10-20 s) in a daemon thread, once the page has been idle a while."""

    def __init__(self) -> None:
        self.last_activity = time.monotonic()
        self.busy = True
        self.done = threading.Event()
        threading.Thread(target=self._run, name="umap-warm-up", daemon=True).start()

    def touch(self, busy: bool) -> None:
        self.busy, self.last_activity = busy, time.monotonic()

    def _run(self) -> None:
        while self.busy or time.monotonic() - self.last_activity < WARM_UMAP_IDLE_S:
            time.sleep(0.5)
        import numpy as np

        from senses.cluster import project

        try:
            project(np.random.default_rng(0).standard_normal((40, 16)).astype(np.float32), method="UMAP")
        except Exception:  # noqa: BLE001 - a failed warm-up only means the first UMAP view compiles
            pass
        self.done.set()


@st.cache_resource(show_spinner=False)
def _umap_warm_up() -> _UmapWarmUp | None:
    return _UmapWarmUp() if settings.warm_umap() else None


def warm_umap(busy: bool) -> None:
    """Call with True when a page run starts and False when it ends: once the page has been idle for
    WARM_UMAP_IDLE_S, UMAP is compiled in the background, so that choosing UMAP later does not wait."""
    w = _umap_warm_up()
    if w is not None:
        w.touch(busy)


def export_buttons(key: str, make_frame, stem: str) -> None:
    """An "Export" heading with CSV and Parquet buttons for the frame `make_frame()` returns. The files are
    made when a button is clicked (not on every rerun), and a click does not rerun the page."""
    from senses import explore

    st.subheader("Export")
    c1, c2 = st.columns(2)
    c1.download_button("CSV", lambda: explore.to_csv(make_frame()), f"{stem}.csv", "text/csv",
                       key=f"{key}_csv", on_click="ignore")
    c2.download_button("Parquet", lambda: explore.to_parquet(make_frame()), f"{stem}.parquet",
                       "application/octet-stream", key=f"{key}_parquet", on_click="ignore")


def kwic_columns(columns=()) -> dict:
    """Keyword in context: the left context right-aligned against the keyword. Fixed widths (metadata
    `columns` small), so that the table fits its box (a wide one stretches them); hover a cell to read it."""
    config = {c: st.column_config.Column(width="small") for c in columns}
    return config | {"left": st.column_config.TextColumn(width="medium", alignment="right"),
                     "keyword": st.column_config.TextColumn(width="small"),
                     "right": st.column_config.TextColumn(width="medium"),
                     "cluster_name": st.column_config.TextColumn("cluster", width="medium")}
