"""The documentation follows the results: docs/benchmarks.md is what benchmarks/write_docs.py makes of
benchmarks/results/*.json, README stays a user's page, and results files hold no machine paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks import write_docs

ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_doc_is_up_to_date():
    fresh = write_docs.render()
    assert (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8") == fresh, \
        "docs/benchmarks.md is stale: run python benchmarks/write_docs.py"


def test_benchmarks_doc_quotes_the_results(tmp_path, monkeypatch):
    """A changed result changes the text (the figures are read, not typed)."""
    results = tmp_path / "results"
    results.mkdir()
    held = json.loads((ROOT / "benchmarks" / "results" / "heldout.json").read_text())
    held["results"][0]["ppl_fwd"] = 123.45
    (results / "heldout.json").write_text(json.dumps(held))
    monkeypatch.setattr(write_docs, "RESULTS", results)
    text = write_docs.render()
    assert "| training corpora | 123.5 |" in text
    assert "## Word-sense accuracy" not in text  # no evaluation.json: no section, no stale figures


def test_results_files_hold_no_machine_paths():
    for path in sorted((ROOT / "benchmarks" / "results").glob("*")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(/work/|/home/|/root/|/tmp/|[A-Z]:\\\\)", text), path.name


def test_readme_is_short_and_names_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    code = "\n".join(p.read_text(encoding="utf-8") for d in ("app.py", "pages", "corpora", "elmo", "senses")
                     for p in ([ROOT / d] if d.endswith(".py") else sorted((ROOT / d).rglob("*.py"))))
    settings = set(re.findall(r"SENSE_EXPLORER_[A-Z_]+", code))
    assert settings and all(s in readme for s in settings), settings - set(re.findall(r"SENSE_EXPLORER_[A-Z_]+", readme))
    assert not re.search(r"[Ii]ssue \d|#\d\b|/work/", readme)
