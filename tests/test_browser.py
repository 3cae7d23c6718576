"""Real browser test: streamlit run app.py, Playwright drives Debian's chromium.

Skipped with a reason when /usr/bin/chromium (apt-get install chromium) or playwright is missing.
Set SCREENSHOT_OUT=path.png to keep the screenshot.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PLOT = '[data-testid="stPlotlyChart"] .js-plotly-plot, .js-plotly-plot'
START_TIMEOUT_S = 60
PLOT_TIMEOUT_MS = 180_000  # the first view indexes the default corpus and embeds "cell"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not listen on port {port} within {timeout} s")


def _plot_title(page) -> str:
    return page.locator(".js-plotly-plot .gtitle").first.text_content(timeout=PLOT_TIMEOUT_MS) or ""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium)")
def test_explorer_in_a_real_browser(tiny_model_dir, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    port = _free_port()
    env = dict(os.environ, SENSE_EXPLORER_MODEL=str(tiny_model_dir), SENSE_EXPLORER_DATA=str(tmp_path / "data"),
               OMP_NUM_THREADS="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen([streamlit, "run", "app.py", "--server.headless", "true", "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, proc, START_TIMEOUT_S)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
                page.wait_for_selector(PLOT, timeout=PLOT_TIMEOUT_MS)
                first = _plot_title(page)
                assert "cell" in first, first
                n_points = page.locator(".js-plotly-plot .scatterlayer .point, .js-plotly-plot canvas").count()
                assert n_points > 0

                word = page.get_by_role("textbox", name="Word", exact=True)
                word.fill("water")
                word.press("Enter")
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.js-plotly-plot .gtitle')]"
                    ".some(e => e.textContent.includes('water'))", timeout=PLOT_TIMEOUT_MS)
                second = _plot_title(page)
                assert second != first and "water" in second
                assert "word=water" in page.url

                shot = tmp_path / "explorer.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
                if os.environ.get("SCREENSHOT_OUT"):
                    shutil.copyfile(shot, os.environ["SCREENSHOT_OUT"])
                # no Python traceback reached the page
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
