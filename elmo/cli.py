"""The command lines' error boundary: expected errors become one line on stderr and exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Callable


def error_boundary(run: Callable[[], int], expected: tuple[type[BaseException], ...], interrupted: str) -> int:
    """run(); an `expected` error prints "error: <message>" (exit 2), Ctrl-C prints `interrupted` (130)."""
    try:
        return run()
    except expected as e:
        msg = " ".join(str(e).split()) or type(e).__name__
        print(f"error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        return 130
