"""What the harness's command-line tools share: the results folder, paths as results files store them, and
the Markdown table of the induction and shift benchmarks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path("benchmarks/results")


def repo_path(path: str | Path) -> str:
    """A path as results files store it: relative to the repository when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def md_table(df: pd.DataFrame) -> str:
    """A Markdown table: floats with 3 decimals, anything else as str."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)
