"""Progress and error reporting on stderr, so stdout stays clean for data (outputs, JSON reports).

Lines are written whole, one writer at a time: concurrent stack operations (tools/parallel.py) never interleave
mid-line.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class ToolError(Exception):
    """A step failed; the message says what and how to fix it. The CLI prints it and exits 1."""


_LINES = threading.Lock()


def say(message: str) -> None:
    """One progress line (or block of lines) on stderr, written whole."""
    with _LINES:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()


@contextmanager
def step(label: str) -> Iterator[None]:
    """Report `label ...` then its duration, or its failure."""
    started = time.perf_counter()
    say(f"==> {label} ...")
    try:
        yield
    except BaseException:
        say(f"<== {label}: FAILED after {time.perf_counter() - started:.1f}s")
        raise
    say(f"<== {label}: done in {time.perf_counter() - started:.1f}s")
