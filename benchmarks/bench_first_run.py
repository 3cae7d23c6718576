"""What a new user waits for, in a real browser: a fresh server on an empty data dir, page open -> first plot.

    OMP_NUM_THREADS=1 python benchmarks/bench_first_run.py [--words cell,plant,line] [--model DIR]

Starts `streamlit run app.py` in a fresh process with an empty SENSE_EXPLORER_DATA (so the wiki
index is built on the first view, as on a fresh install) and drives /usr/bin/chromium with Playwright:

* open -> first plot: page opened until the plot of the Explorer's first word is drawn; the wiki index is
  built by a background process meanwhile (corpora.builder), the first view reads the text directly;
* open -> names: ... until the legend shows the automatic cluster names (they come after the plot);
* open -> index ready: ... until the page has switched to the finished index;
* new word -> plot: a word typed (Enter) until its plot is drawn, for each of --words;
* cached view: back to the default word (computed before), and a page reload, until the plot is drawn;
* first UMAP view: after --idle seconds without input (the server compiles UMAP in the background
  once the page has been idle for 8 s), Projection -> UMAP until the UMAP plot is drawn.

Then, in another fresh process on another empty data dir, the same pipeline step by step (imports,
reading the wiki, scanning it for the word, index build (off the first view's path), search, embedding,
clustering, naming, first UMAP), to show where the time goes.
The load average is printed and saved: on a shared machine the figures are inflated.
Uses the bundled model; exits with an error when it is missing (unless --model is given).
Writes benchmarks/results/first_run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_word() -> str:
    """The Explorer's first word (senses.view.DEFAULT_WORD, chosen by senses.measured)."""
    if str(ROOT) not in sys.path:  # run as a script
        sys.path.insert(0, str(ROOT))
    from senses.measured import example_words

    return example_words()[0]


DEFAULT_WORD = default_word()
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TARGETS = {"first_plot_s": 10.0, "new_word_s": 3.0, "cached_view_s": 1.0}
PLOT_TITLE = ".js-plotly-plot .gtitle"
RUNNING = '[data-testid="stStatusWidget"]'


# ---- a streamlit server and a browser page (also used by tests/test_browser.py) ----------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    pid: int

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def streamlit_server(env: dict[str, str], log: Path, timeout_s: float = 60) -> Iterator[Server]:
    """`streamlit run app.py` on a free port with `env` added; yields the Server; stopped on exit."""
    port = free_port()
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    full_env = dict(os.environ, **env)  # no usage statistics: the project's .streamlit/config.toml
    with open(log, "wb") as out:
        proc = subprocess.Popen([streamlit, "run", "app.py", "--server.headless", "true", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
                                cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        try:
            end = time.time() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited with code {proc.returncode}; see {log}")
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.time() > end:
                    raise TimeoutError(f"streamlit did not listen on port {port} within {timeout_s} s")
                time.sleep(0.2)
            yield Server(f"http://127.0.0.1:{port}", proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    """A Playwright page in Debian's chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def wait_plot(page, word: str, timeout_ms: float = 180_000) -> None:
    """Until the explorer's plot title names `word`."""
    page.wait_for_function(
        "w => [...document.querySelectorAll('.js-plotly-plot .gtitle')].some(e => e.textContent.includes('“' + w + '”'))",
        arg=word, timeout=timeout_ms)


BUILDING = "is being built in the background"  # the Explorer's caption while the index is built


def wait_index(page, timeout_ms: float = 180_000) -> None:
    """Until the Explorer no longer says that the corpus index is being built (and the page is idle)."""
    page.wait_for_function("t => !document.body.innerText.includes(t)", arg=BUILDING, timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def wait_idle(page, timeout_ms: float = 180_000) -> None:
    """Until the script run is over (streamlit's "Running…" widget is gone)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(RUNNING, state="detached", timeout=timeout_ms)


def wait_names(page, timeout_ms: float = 180_000) -> None:
    """Until the plot's legend shows automatic cluster names ("1: jail / prison") instead of "sense 1"."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(e => /^\\d+: /.test(e.textContent))",
        timeout=timeout_ms)


def type_word(page, word: str) -> None:
    box = page.get_by_role("textbox", name="Word", exact=True)
    box.fill(word)
    box.press("Enter")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label` (sidebar or page)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def wait_title(page, text: str, timeout_ms: float = 180_000) -> None:
    page.wait_for_function(
        "t => [...document.querySelectorAll('.js-plotly-plot .gtitle')].some(e => e.textContent.includes(t))",
        arg=text, timeout=timeout_ms)


def plot_title(page) -> str:
    return page.locator(PLOT_TITLE).first.text_content() or ""


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return round(time.perf_counter() - t, 3)


# ---- the benchmark ------------------------------------------------------------------------------------

STAGES = r"""
import json, os, sys, time
t0 = time.perf_counter(); out = {}
def mark(name, t):
    out[name] = round(time.perf_counter() - t, 3)
sys.path.insert(0, os.getcwd())
t = time.perf_counter()
import torch; torch.set_num_threads(1)
import pandas, plotly, sklearn, streamlit
from corpora.store import Store
from corpora.builtin import builtin_documents
from corpora.search import occurrences, scan_occurrences
from elmo.embedder import ELMo
from senses.explore import analyse, embed_occurrences, scatter_figure
from senses.naming import name_clusters
mark("imports_s", t)
t = time.perf_counter(); model = ELMo.load(sys.argv[1]); mark("model_load_s", t)
word = sys.argv[2]
store = Store()
t = time.perf_counter(); docs = list(builtin_documents("wiki")); mark("read_wiki_s", t)
t = time.perf_counter(); scan_occurrences(docs, "wiki", word, match="lemma", limit=300); mark("scan_s", t)
t = time.perf_counter(); store.ensure_builtin("wiki"); mark("index_build_s", t)
t = time.perf_counter(); occ = occurrences(store, "wiki", word, match="lemma", limit=300); mark("search_s", t)
t = time.perf_counter(); layers, subs = embed_occurrences(model, occ); mark("embed_and_substitutes_s", t)
t = time.perf_counter(); a = analyse(occ, layers, substitutes=subs); mark("cluster_s", t)
t = time.perf_counter(); scatter_figure(a).to_json(); mark("figure_s", t)
t = time.perf_counter(); name_clusters(a.frame, a.clustering.labels, model=model, word=word); mark("names_s", t)
t = time.perf_counter(); analyse(occ, layers, substitutes=subs, method="UMAP"); mark("first_umap_s", t)
t = time.perf_counter(); analyse(occ, layers, substitutes=subs, method="UMAP", k=2); mark("second_umap_s", t)
out["occurrences"] = len(occ)
print(json.dumps(out))
"""


def stage_times(model_dir: Path, env: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="first_run_stages_") as data:
        r = subprocess.run([sys.executable, "-c", STAGES, str(model_dir), DEFAULT_WORD], cwd=ROOT, capture_output=True, text=True,
                           env=dict(os.environ, **env, SENSE_EXPLORER_DATA=data), check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def browser_times(model_dir: Path, env: dict[str, str], words: list[str], shot: Path | None,
                  idle_s: float = 30.0) -> dict:
    """Wall seconds per step in the browser, and the server's CPU seconds for the same step (less
    sensitive to other load than wall time: with one thread, CPU time ~ the wall time on an idle core)."""
    out: dict = {"wall_s": {}, "server_cpu_s": {}}
    with tempfile.TemporaryDirectory(prefix="first_run_") as data:
        env = dict(env, SENSE_EXPLORER_DATA=data, SENSE_EXPLORER_MODEL=str(model_dir))
        t = time.perf_counter()
        with streamlit_server(env, Path(data) / "streamlit.log") as server, browser_page() as page:
            out["wall_s"]["server_start"] = round(time.perf_counter() - t, 3)

            def step(name: str, action, *wait) -> None:
                c, t = server.cpu_s(), time.perf_counter()
                action()
                for w in wait:
                    w()
                out["wall_s"][name] = round(time.perf_counter() - t, 3)
                out["server_cpu_s"][name] = round(server.cpu_s() - c, 3)

            c0, t0 = server.cpu_s(), time.perf_counter()
            step("open -> first plot", lambda: page.goto(server.url, wait_until="commit"), lambda: wait_plot(page, DEFAULT_WORD))
            wait_names(page)
            out["wall_s"]["open -> names"] = round(time.perf_counter() - t0, 3)
            wait_idle(page)
            out["wall_s"]["open -> page done"] = round(time.perf_counter() - t0, 3)
            out["server_cpu_s"]["open -> page done"] = round(server.cpu_s() - c0, 3)
            out["first_title"] = plot_title(page)
            out["first_view_from"] = "text scan" if page.get_by_text(BUILDING).count() else "index"
            wait_index(page)
            out["wall_s"]["open -> index ready, page switched to it"] = round(time.perf_counter() - t0, 3)
            for w in words:
                step(f"new word {w} -> plot", lambda w=w: type_word(page, w), lambda w=w: wait_plot(page, w))
                wait_idle(page)
            step("cached view (first word again) -> plot", lambda: type_word(page, DEFAULT_WORD), lambda: wait_plot(page, DEFAULT_WORD))
            wait_idle(page)
            step("reload -> plot", lambda: page.reload(wait_until="commit"), lambda: wait_plot(page, DEFAULT_WORD))
            wait_idle(page)
            page.wait_for_timeout(idle_s * 1000)
            step(f"UMAP after {idle_s:g} s idle -> plot", lambda: choose(page, "Projection", "UMAP"),
                 lambda: wait_title(page, "UMAP"))
            wait_idle(page)
            if shot is not None:
                page.screenshot(path=str(shot), full_page=False)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", default="cell,plant,line", help="new words typed after the first plot")
    ap.add_argument("--model", help="model directory (default: the bundled elmo/models/en)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    ap.add_argument("--no-stages", action="store_true", help="skip the step-by-step run")
    ap.add_argument("--no-warm-umap", action="store_true", help="no background UMAP compilation in the server")
    ap.add_argument("--idle", type=float, default=30.0, help="seconds without input before choosing UMAP")
    ap.add_argument("--screenshot", help="save a screenshot of the last view here")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "first_run.json"))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from elmo.embedder import bundled_model_dir

    model_dir = Path(args.model) if args.model else bundled_model_dir()
    if model_dir is None or not (model_dir / "model.safetensors").is_file():
        sys.exit("The bundled model (elmo/models/en) is missing: this benchmark measures it and nothing else "
                 "(pass --model DIR to time another model).")
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (apt-get install -y chromium).")
    env = {"OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads), "SENSE_EXPLORER_BACKGROUND_INDEX": "1",
           "SENSE_EXPLORER_WARM_UMAP": "0" if args.no_warm_umap else "1"}
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} (1 min) on {os.cpu_count()} cores", flush=True)
    words = [w for w in args.words.split(",") if w]
    browser = browser_times(model_dir, env, words, Path(args.screenshot) if args.screenshot else None, args.idle)
    print(json.dumps(browser, indent=2), flush=True)
    stages = {} if args.no_stages else stage_times(model_dir, env)
    load_after = os.getloadavg()
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {args.threads} torch/OMP thread(s)",
        "load_average_1min": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "umap_warm_up": not args.no_warm_umap,
        "model": str(model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir),
        "browser": browser,
        "stages_s": stages,
        "targets": TARGETS,
    }
    wall = browser["wall_s"]
    worst_word = max((v for k, v in wall.items() if k.startswith("new word")), default=0.0)
    result["meets_targets"] = {"first_plot_s": wall["open -> first plot"] <= TARGETS["first_plot_s"],
                               "new_word_s": worst_word <= TARGETS["new_word_s"],
                               "cached_view_s": wall["cached view (first word again) -> plot"] <= TARGETS["cached_view_s"]}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"load average after: {load_after[0]:.2f}; on a shared machine these times are inflated.")
    return result


if __name__ == "__main__":
    main()
