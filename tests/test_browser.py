"""Real browser tests: streamlit run app.py, Playwright drives Debian's chromium (tiny random model).

Skipped with a reason when /usr/bin/chromium (apt-get install chromium) or playwright is missing.
Timings are printed (pytest -s), not asserted: on a shared machine they vary; the benchmark
benchmarks/bench_first_run.py measures them with the bundled model. Screenshots: ux-*.png in the system's
temporary folder (SCREENSHOT_DIR=... to put them elsewhere).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from benchmarks.bench_first_run import (
    CHROMIUM,
    DEFAULT_WORD,
    browser_page,
    plot_title,
    streamlit_server,
    type_word,
    wait_idle,
    wait_index,
    wait_names,
    wait_plot,
    wait_title,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium)"),
]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def app_url(tiny_model_dir, tmp_path):
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    env = {"SENSE_EXPLORER_MODEL": str(tiny_model_dir), "SENSE_EXPLORER_DATA": str(tmp_path / "data"),
           "OMP_NUM_THREADS": "1", "SENSE_EXPLORER_BACKGROUND_INDEX": "1"}  # as a user gets it
    with streamlit_server(env, tmp_path / "streamlit.log") as server:
        yield server.url


def _no_traceback(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_explorer_first_plot_word_change_and_cached_rerun(app_url):
    timings = {}
    with browser_page() as page:
        t = time.perf_counter()
        page.goto(app_url, wait_until="commit")
        wait_plot(page, DEFAULT_WORD)
        timings["open -> first plot (the index is built in the background)"] = time.perf_counter() - t
        first = plot_title(page)
        assert DEFAULT_WORD in first and "occurrences" in first, first
        assert page.locator(".js-plotly-plot .scatterlayer .point, .js-plotly-plot canvas").count() > 0
        wait_idle(page)
        page.screenshot(path=str(SHOTS / "ux-explorer-first.png"), full_page=True)
        wait_index(page)  # the page switches to the index by itself when it is ready
        timings["open -> index ready, page switched to it"] = time.perf_counter() - t
        assert plot_title(page) == first
        page.screenshot(path=str(SHOTS / "ux-explorer-indexed.png"), full_page=True)

        t = time.perf_counter()
        type_word(page, "water")
        wait_plot(page, "water")
        timings["new word -> plot"] = time.perf_counter() - t
        assert "word=water" in page.url
        wait_idle(page)
        page.screenshot(path=str(SHOTS / "ux-explorer-water.png"), full_page=True)
        assert page.get_by_text("Occurrences by sense").count() == 1

        t = time.perf_counter()
        type_word(page, DEFAULT_WORD)  # computed before: every step is a cache hit
        wait_plot(page, DEFAULT_WORD)
        timings["rerun to a cached view"] = time.perf_counter() - t
        wait_idle(page)

        t = time.perf_counter()
        page.reload(wait_until="commit")
        wait_plot(page, DEFAULT_WORD)
        timings["reload of a cached view"] = time.perf_counter() - t
        wait_idle(page)
        _no_traceback(page)
    print()
    for name, s in timings.items():
        print(f"  {name}: {s:.2f} s (load average {os.getloadavg()[0]:.1f})")


def test_shared_link_restores_weights_and_colour(app_url):
    with browser_page() as page:
        page.goto(f"{app_url}/?word=cell&w=1,0,-1&color=topic&rep=layers", wait_until="commit")
        wait_plot(page, "cell")
        wait_idle(page)
        assert page.get_by_text("Mix after softmax: 0.67 / 0.24 / 0.09").count() == 1
        legend = page.locator(".js-plotly-plot .legendtitletext").first.text_content()
        assert legend == "topic", legend
        page.screenshot(path=str(SHOTS / "ux-explorer-shared-link.png"), full_page=True)
        _no_traceback(page)


def test_static_page_substitutes_follow_the_word(app_url):
    with browser_page() as page:
        # a deep link as the fresh server's very first request: app.py runs too (its navigation and
        # sidebar caption), not the page alone (streamlit's legacy pages/ folder mode)
        page.goto(f"{app_url}/static", wait_until="commit")
        page.get_by_text("Substitutes", exact=True).first.wait_for(timeout=180_000)
        wait_idle(page)
        assert page.get_by_text("Default corpus:").count() == 1
        assert page.get_by_role("link", name="common").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        # the page opens on "line" with its example sentence
        assert page.get_by_text("Substitutes for “line”").count() >= 1
        type_word(page, "cell")
        page.get_by_text("“cell”").first.wait_for(timeout=180_000)
        wait_idle(page)
        page.screenshot(path=str(SHOTS / "ux-static-cell.png"), full_page=True)
        _no_traceback(page)
        # the substitutes follow the new word (their chart may come a rerun after the heading)
        page.get_by_text("Substitutes for “cell”").first.wait_for(timeout=180_000)
        wait_idle(page)
        assert page.get_by_text("does not contain").count() == 0
        assert page.get_by_text("Substitutes for “line”").count() == 0
        assert page.get_by_text("Substitutes for “cell”").count() >= 1


@pytest.fixture
def bundled_url(tmp_path):
    """The app with the bundled model (the default a user gets) on a fresh data dir."""
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    from elmo.embedder import bundled_model_dir

    model = bundled_model_dir()
    assert model is not None, "the bundled model elmo/models/en is missing"
    env = {"SENSE_EXPLORER_MODEL": str(model), "SENSE_EXPLORER_DATA": str(tmp_path / "data"),
           "OMP_NUM_THREADS": "1", "SENSE_EXPLORER_BACKGROUND_INDEX": "1"}  # as a user gets it
    with streamlit_server(env, tmp_path / "streamlit.log") as server:
        yield server.url


def _legend_names(page) -> list[str]:
    return [t.strip() for t in page.locator(".js-plotly-plot .legendtext").all_text_contents()]


def _form_ari(page) -> float:
    text = page.get_by_text("form-ARI").first.text_content() or ""
    return float(text.split("form-ARI")[1].split()[0])


def test_bundled_model_senses_not_spellings(bundled_url):
    """With the bundled model, the first word on the default corpus splits into clusters with different
    names, and "cell" (Match: lemma) is not split by plural or capital (form-ARI of the page's clusters
    <= 0.2)."""
    with browser_page() as page:
        page.goto(bundled_url, wait_until="commit")
        wait_plot(page, DEFAULT_WORD)
        wait_names(page)
        wait_idle(page)
        names = [n for n in _legend_names(page) if n != "your sentence"]
        page.screenshot(path=str(SHOTS / f"explorer-{DEFAULT_WORD}-bundled.png"), full_page=False)
        assert len(names) >= 2, names
        labels = [n.split(":", 1)[1].strip() for n in names]
        assert len(set(labels)) == len(labels), labels
        assert _form_ari(page) <= 0.2
        _no_traceback(page)

        type_word(page, "cell")
        wait_plot(page, "cell")
        wait_idle(page)
        page.screenshot(path=str(SHOTS / "explorer-cell-bundled.png"), full_page=False)
        if page.get_by_text("form-ARI").count():  # only shown when there is more than one cluster
            assert _form_ari(page) <= 0.2
        _no_traceback(page)


def test_corpora_deep_link_on_a_fresh_server(app_url, tmp_path):
    """/corpora as the very first request: the Corpora page, without streamlit's "Page not found" dialog
    (shown when a page's file name differs from its URL path while streamlit still reads pages/ as its
    legacy multipage folder), and the default corpus being indexed in the background."""
    with browser_page() as page:
        outside = []  # requests leaving the machine (usage statistics, icons from a CDN)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(app_url) else None)
        page.goto(f"{app_url}/corpora", wait_until="commit")
        page.get_by_text("Add a corpus").first.wait_for(timeout=180_000)
        wait_idle(page)
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator("h1").first.text_content() == "Corpora"
        page.screenshot(path=str(SHOTS / "ux-corpora-deep-link.png"), full_page=True)
        _no_traceback(page)

        # an upload, then its link to the Sense explorer with the new corpus chosen
        story = tmp_path / "bank_story.txt"
        story.write_text("We sat on the bank of the river.\n\nThe bank lent them money.\n\n"
                         "The river bank was steep.\n\nHer bank account was empty.\n")
        page.locator('input[type="file"]').set_input_files(str(story))
        page.get_by_role("button", name="Add corpus").click()
        link = page.get_by_text("Explore “bank_story” in the Sense explorer")
        link.first.wait_for(timeout=120_000)
        link.first.click()
        wait_title(page, "4 occurrences")
        assert "corpus=bank_story" in page.url and "word=bank" in page.url  # its most frequent content word
        _no_traceback(page)
        assert outside == []
