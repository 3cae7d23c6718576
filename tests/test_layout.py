"""The app's pages stay thin: every module under pages/ is at most PAGE_LINES lines, and none of them
defines a class (state and logic live in the library: senses/, corpora/, elmo/)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_LINES = 200


def test_every_page_module_is_short():
    modules = sorted((ROOT / "pages").glob("*.py"))
    assert len(modules) >= 8
    long = {p.name: n for p in modules if (n := len(p.read_text(encoding="utf-8").splitlines())) > PAGE_LINES}
    assert not long, f"pages over {PAGE_LINES} lines: {long}"


def test_pages_define_no_classes():
    classes = {p.name: [n.name for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))) if isinstance(n, ast.ClassDef)]
               for p in sorted((ROOT / "pages").glob("*.py"))}
    assert not {k: v for k, v in classes.items() if v}
