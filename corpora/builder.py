"""Built-in corpora indexed in the background, so that the first page need not wait for the index.

    build = builder.start(store_path, "wiki")   # once per store and corpus; later calls return the same
    build.fraction, build.message, build.running(), build.error

A child process (`python -m corpora --store PATH builtin NAME --progress-lines`, a fresh interpreter:
the server, which may hold torch, is never forked) builds the index at a lower CPU priority (nice 10),
so the page, which meanwhile reads the text directly (corpora.search.scan_occurrences), keeps the CPU
it needs. Set SENSE_EXPLORER_BACKGROUND_INDEX=0 to index in the page instead (with a progress bar).
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

from . import settings
from .store import Store

NICE = 10
ROOT = Path(__file__).resolve().parents[1]
_CHILD = ("import os, sys\n"
          f"if hasattr(os, 'nice'):\n    os.nice({NICE})\n"
          "from corpora.__main__ import main\n"
          "sys.exit(main(sys.argv[1:]))")


class Build:
    """One child process indexing a built-in corpus; its progress is read from its output by a thread."""

    def __init__(self, store_path: Path, name: str) -> None:
        self.name = name
        self.fraction = 0.0
        self.message = f"Starting to index {name}…"
        self.error: str | None = None
        self.claimed = False  # set by claim(): the first caller to see the build finished
        self._lines: list[str] = []
        env = dict(os.environ, OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, "--store", str(store_path), "builtin", name, "--progress-lines"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace")
        self._reader = threading.Thread(target=self._read, name=f"index-{name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            fraction, tab, message = line.rstrip("\n").partition("\t")
            try:
                self.fraction, self.message = float(fraction), message
            except ValueError:
                self._lines = [*self._lines[-20:], line.strip()]
        code = self.proc.wait()
        if code != 0:
            errors = [ln for ln in self._lines if ln.startswith("error:")]
            self.error = (errors[-1] if errors else f"the indexing process exited with code {code}").removeprefix(
                "error: ")
        else:
            self.fraction = 1.0

    def running(self) -> bool:
        return self._reader.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Until the build is over (True) or `timeout` seconds passed (False)."""
        self._reader.join(timeout)
        return not self._reader.is_alive()

    def claim(self) -> bool:
        """True once, for the first caller after the build succeeded (to clear what was found without it)."""
        with _lock:
            if self.running() or self.error is not None or self.claimed:
                return False
            self.claimed = True
            return True

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()


_builds: dict[tuple[str, str], Build] = {}
_lock = threading.Lock()


def start(store_path: str | os.PathLike, name: str) -> Build:
    """The build of `name` into the store at `store_path`: started on the first call, the same object
    afterwards (also when it failed: the caller then indexes in its own process, which reports the error)."""
    key = (str(Path(store_path).resolve()), name)
    with _lock:
        if key not in _builds:
            _builds[key] = Build(Path(store_path), name)
        return _builds[key]


def get(store_path: str | os.PathLike, name: str) -> Build | None:
    """The build of `name` into that store, if one was started."""
    return _builds.get((str(Path(store_path).resolve()), name))


@atexit.register
def _stop_all() -> None:
    for build in list(_builds.values()):
        build.stop()


def start_if_missing(name: str, store_path: str | os.PathLike | None = None) -> Build | None:
    """Start building built-in corpus `name` into the store (default: the app's) unless it is stored
    already, the store is read-only or background builds are off; checked once per store and corpus in a
    process."""
    if not settings.background_index():
        return None
    asked = (str(store_path or settings.data_dir()), name)  # app.py calls this on every page run
    if asked in _checked:
        return _checked[asked]
    store = Store(store_path)
    _checked[asked] = None if store.read_only or name in store.corpus_names() else start(store.path, name)
    return _checked[asked]


_checked: dict[tuple[str, str], Build | None] = {}
