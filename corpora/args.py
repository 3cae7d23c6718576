"""Command-line arguments checked by argparse itself, for every command line of the project.

A bad value (a negative thread count, a seed of -1, a name holding bytes that are not UTF-8) is refused
while the arguments are parsed: one line on stderr ("error: ...", as the commands' other errors), exit
status 2, before any work.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .errors import lone_surrogate, surrogate_message


class Parser(argparse.ArgumentParser):
    """argparse.ArgumentParser whose errors are one line on stderr ("error: ...", no usage block), exit
    status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {' '.join(message.split()).rstrip('.')} (see {self.prog} --help)\n")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 24 else value[:21] + "...")


def int_in(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from lo to hi (no upper bound when hi is None)."""
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:  # not a number, nan, or more digits than Python converts
            raise argparse.ArgumentTypeError(f"{_shown(value)} is not a whole number") from None
        if n < lo or (hi is not None and n > hi):
            bound = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
            raise argparse.ArgumentTypeError(f"{n} is out of range: give a whole number {bound}")
        return n

    parse.__name__ = "whole number"  # argparse names the type in some messages
    return parse


def text(value: str) -> str:
    """An argparse type: text that is valid UTF-8 (Python keeps the undecodable bytes of an argument as lone
    surrogates, which could be neither stored nor searched)."""
    at = lone_surrogate(value)
    if at is not None:
        raise argparse.ArgumentTypeError(surrogate_message(_shown(value), value, at))
    return value
